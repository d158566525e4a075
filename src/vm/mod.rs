//! The contracts between generated code and the runtime: what both sides
//! agree on, written once, below both of them. The compiler and the runtime
//! import this module; neither imports the other for these facts.
//!
//! - `vmctx`: the layout of the instance context that generated code
//!   reaches through r15 (`VMContextHeader`, `VMStoreContext`,
//!   `VMFuncRef`, `VMMemoryDefinition`, `VMTableDefinition`, `VMGlobal`,
//!   `VMBuiltins`, `VMHostFuncContext`), every offset checked against its
//!   struct at compile time, and `VMOffsets`, the per-module layout.
//! - `abi`: the calling convention (registers, argument and result slots,
//!   entry and exit trampolines, how traps unwind), the frame layout
//!   (`FRAME_VMCTX_OFFSET`, `FRAME_ARGS_OFFSET`) and how many slots a value
//!   takes (`value_slots`).
//! - `trap`: the trap codes generated code raises and builtins return.
//!
//! Everything is re-exported here, so users write `crate::vm::VMFuncRef`.

pub mod abi;
pub mod trap;
pub mod vmctx;

pub use abi::{
    call_slots, value_size, value_slots, values_slots, EntryTrampoline, FRAME_ARGS_OFFSET,
    FRAME_VMCTX_OFFSET, MAX_VALUE_SLOTS, SLOT_SIZE,
};
pub use trap::TrapCode;
pub use vmctx::{
    VMBuiltins, VMContextHeader, VMFuncRef, VMGlobal, VMHostFuncContext, VMMemoryDefinition,
    VMOffsets, VMStoreContext, VMTableDefinition,
};
