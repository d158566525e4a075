//! brisk: a WebAssembly runtime with a single-pass x86-64 compiler, behind the
//! standard WebAssembly C API.
//!
//! The crate follows one call from bytes to machine code and back:
//! `module` (decode + validate), `compiler` (one pass to x86-64), `runtime`
//! (code memory, instances, memories, tables, globals, traps), and `capi`
//! (the `wasm.h` surface over the safe Rust API re-exported here).

pub mod capi;
pub mod compiler;
pub mod module;
pub mod runtime;

pub use module::{CompileError, ExternType, FuncType, GlobalType, MemoryType, TableType, ValType};
pub use runtime::trampoline_abi::TrapCode;
pub use runtime::{
    BoundsChecks, Config, Engine, Error, ExportType, Extern, ExternRef, Features, FrameInfo, Func,
    Global, HostFunc, ImportType, Instance, Memory, Module, RawHostFunc, Store, Table, Trap, Val,
};
