//! brisk: a WebAssembly runtime with a single-pass x86-64 compiler, behind the
//! standard WebAssembly C API.
//!
//! The crate follows one call from bytes to machine code and back:
//! `module` (decode + validate), `vm` (the contracts that generated code and
//! the runtime share: vmctx layout, calling convention, frame layout, trap
//! codes), `compiler` (one pass to x86-64), `runtime` (code memory,
//! instances, memories, tables, globals, traps), and `capi` (the `wasm.h`
//! surface over the safe Rust API re-exported here). `compiler` and
//! `runtime` both build on `vm`; the compiler never imports the runtime.

pub mod capi;
pub mod compiler;
pub mod module;
pub mod runtime;
pub mod vm;
pub mod wasi;

pub use module::{CompileError, ExternType, FuncType, GlobalType, MemoryType, TableType, ValType};
pub use runtime::{
    BoundsChecks, Config, Engine, Error, ExportType, Extern, ExternRef, Features, FrameInfo, Func,
    Global, HostFunc, ImportType, Instance, Memory, Module, RawHostFunc, Store, StoreLimits, Table,
    Trap, Val,
};
pub use vm::TrapCode;
