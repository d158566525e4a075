//! Machine code + imports → instance, and everything that runs at run time.
//!
//! The contracts with the compiler (vmctx layout, calling convention, trap
//! codes) live below both, in `crate::vm`. Here: executable memory and the
//! code registry (`code_memory`), the engine stubs (`stubs`), the safe API
//! objects (`engine`, `module`, `store`, `instance`, `func`, `host`,
//! `memory`, `table`, `global`, `values`), linking and instantiation
//! (`linking`, `instantiate`, `const_eval`), entering wasm (`activation`),
//! builtins called by generated code (`builtins`), traps and backtraces
//! (`trap`, `signals`), and module serialization (`serialize`).

// The contracts moved to `crate::vm`; these two paths remain so that the
// public Rust API keeps its old names. Nothing in the crate uses them.
#[doc(hidden)]
pub use crate::vm::vmctx;
#[doc(hidden)]
pub mod trampoline_abi {
    pub use crate::vm::{EntryTrampoline, TrapCode, FRAME_VMCTX_OFFSET};
}

mod activation;
mod builtins;
mod code_memory;
mod config;
mod const_eval;
mod engine;
mod error;
mod func;
mod global;
mod host;
mod instance;
mod instantiate;
mod linking;
mod memory;
mod module;
mod serialize;
mod signals;
mod store;
mod stubs;
mod table;
mod trap;
mod values;

pub use config::{BoundsChecks, Config, Features, StoreLimits};
pub use engine::Engine;
pub use error::Error;
pub use func::{Func, HostFunc, RawHostFunc};
pub use global::Global;
pub use instance::{Extern, Instance};
pub use memory::Memory;
pub use module::{ExportType, ImportType, Module};
pub use store::Store;
pub use table::Table;
pub use trap::{FrameInfo, Trap};
pub use values::{ExternRef, Val};
