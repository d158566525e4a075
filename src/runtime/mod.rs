//! Machine code + imports → instance, and everything that runs at run time.

pub mod trampoline_abi;
pub mod vmctx;

mod config;
mod engine;
mod error;
mod func;
mod global;
mod instance;
mod memory;
mod module;
mod store;
mod table;
mod trap;
mod values;

pub use config::{BoundsChecks, Config, Features};
pub use engine::Engine;
pub use error::Error;
pub use func::{Func, HostFunc};
pub use global::Global;
pub use instance::{Extern, Instance};
pub use memory::Memory;
pub use module::{ExportType, ImportType, Module};
pub use store::Store;
pub use table::Table;
pub use trap::{FrameInfo, Trap};
pub use values::{ExternRef, Val};
