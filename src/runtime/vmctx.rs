//! Contract 1 of 2 between the compiler and the runtime: the vmctx layout.
//!
//! Every instance has one `VMContext`: a block of memory that generated code
//! reaches through the pinned register r15. Its layout depends on the module
//! (how many types, functions, memories, tables, globals), so offsets are
//! computed once per module by [`VMOffsets`] and used by both sides: the
//! compiler bakes them into instructions, the runtime fills the block.
//!
//! ```text
//! 0                      header: VMContextHeader (store, builtins)
//! type_ids               [u32; types]            engine-wide canonical id of each type index
//! funcrefs               [VMFuncRef; funcs]      every function, imported ones first
//! memories               [*mut VMMemoryDefinition; memories]
//! tables                 [*mut VMTableDefinition; tables]
//! globals                [*mut VMGlobal; globals]
//! ```
//!
//! Memories, tables and globals are owned by their runtime objects (so that an
//! exported one is shared by every instance that imports it); the vmctx only
//! points at them.

use crate::module::ModuleInfo;

/// A function as generated code sees it: where its code is, the vmctx it runs
/// with, and its canonical type id (checked by `call_indirect`).
///
/// A `funcref` value is a `*const VMFuncRef` (null is `ref.null func`). For a
/// wasm function `vmctx` is its instance's vmctx; for a host function `code`
/// is the engine's exit trampoline and `vmctx` points at the host function's
/// [`VMHostFuncContext`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VMFuncRef {
    pub code: *const u8,
    pub vmctx: *mut u8,
    pub type_id: u32,
    /// Runtime-private, never read by generated code: the owning store's
    /// function index, so that a funcref value maps back to its `Func`.
    /// (Copies of an imported function's VMFuncRef carry it along.)
    pub _pad: u32,
}

impl VMFuncRef {
    pub const OFFSET_CODE: i32 = 0;
    pub const OFFSET_VMCTX: i32 = 8;
    pub const OFFSET_TYPE_ID: i32 = 16;
    pub const SIZE: u32 = 24;
}

/// What the exit trampoline finds in r15 when wasm calls a host function.
///
/// The exit trampoline calls `dispatch(ctx, values, fp)` where `values` points
/// at the argument/result slots and `fp` is the trampoline's frame pointer
/// (for the backtrace). `dispatch` returns 0 on success; otherwise it has
/// recorded a trap in `store` and the trampoline unwinds.
#[repr(C)]
pub struct VMHostFuncContext {
    pub dispatch:
        unsafe extern "C" fn(ctx: *mut VMHostFuncContext, values: *mut u64, fp: usize) -> u32,
    pub store: *mut VMStoreContext,
}

impl VMHostFuncContext {
    pub const OFFSET_DISPATCH: i32 = 0;
    pub const OFFSET_STORE: i32 = 8;
}

/// A linear memory as generated code sees it. `base` never moves while the
/// memory is a guard-page reservation; with explicit bounds checks it may move
/// on `memory.grow`, so generated code reloads it after every call.
#[repr(C)]
#[derive(Debug)]
pub struct VMMemoryDefinition {
    pub base: *mut u8,
    /// Current size in bytes.
    pub length: u64,
}

impl VMMemoryDefinition {
    pub const OFFSET_BASE: i32 = 0;
    pub const OFFSET_LENGTH: i32 = 8;
}

/// A table as generated code sees it: `length` pointer-sized elements at
/// `base`. A funcref element is a `*const VMFuncRef`; an externref element is
/// the runtime's opaque non-null pointer. Null is 0 in both.
#[repr(C)]
#[derive(Debug)]
pub struct VMTableDefinition {
    pub base: *mut usize,
    pub length: u32,
    pub _pad: u32,
}

impl VMTableDefinition {
    pub const OFFSET_BASE: i32 = 0;
    pub const OFFSET_LENGTH: i32 = 8;
}

/// Storage of one global: 16 bytes so that a v128 fits. i32/f32 live in the
/// low 4 bytes, i64/f64/references in the low 8.
#[repr(C, align(16))]
#[derive(Debug, Clone, Copy, Default)]
pub struct VMGlobal {
    pub bits: [u64; 2],
}

/// Per-store state that generated code and trampolines touch.
#[repr(C)]
#[derive(Debug, Default)]
pub struct VMStoreContext {
    /// Lowest rsp that a function prologue accepts; below it the function traps
    /// with "call stack exhausted".
    pub stack_limit: usize,
    /// rsp saved by the innermost entry trampoline, right after it pushed the
    /// callee-saved registers. Unwinding a trap restores it.
    pub activation_sp: usize,
}

impl VMStoreContext {
    pub const OFFSET_STACK_LIMIT: i32 = 0;
    pub const OFFSET_ACTIVATION_SP: i32 = 8;
}

/// Runtime functions that generated code calls (through the header's
/// `builtins` pointer, so that code never embeds an absolute address and can be
/// serialized). Each returns 0 or a [`crate::TrapCode`] value where it can trap.
#[repr(C)]
pub struct VMBuiltins {
    /// Returns the old size in pages, or u32::MAX on failure.
    pub memory_grow: unsafe extern "C" fn(vmctx: *mut u8, memory: u32, delta: u32) -> u32,
    pub memory_fill:
        unsafe extern "C" fn(vmctx: *mut u8, memory: u32, dst: u32, val: u32, len: u32) -> u32,
    pub memory_copy: unsafe extern "C" fn(
        vmctx: *mut u8,
        dst_mem: u32,
        src_mem: u32,
        dst: u32,
        src: u32,
        len: u32,
    ) -> u32,
    pub memory_init: unsafe extern "C" fn(
        vmctx: *mut u8,
        memory: u32,
        data: u32,
        dst: u32,
        src: u32,
        len: u32,
    ) -> u32,
    pub data_drop: unsafe extern "C" fn(vmctx: *mut u8, data: u32),
    /// Returns the old size, or u32::MAX on failure.
    pub table_grow:
        unsafe extern "C" fn(vmctx: *mut u8, table: u32, init: usize, delta: u32) -> u32,
    pub table_fill:
        unsafe extern "C" fn(vmctx: *mut u8, table: u32, dst: u32, val: usize, len: u32) -> u32,
    pub table_copy: unsafe extern "C" fn(
        vmctx: *mut u8,
        dst_table: u32,
        src_table: u32,
        dst: u32,
        src: u32,
        len: u32,
    ) -> u32,
    pub table_init: unsafe extern "C" fn(
        vmctx: *mut u8,
        table: u32,
        elem: u32,
        dst: u32,
        src: u32,
        len: u32,
    ) -> u32,
    pub elem_drop: unsafe extern "C" fn(vmctx: *mut u8, elem: u32),
}

impl VMBuiltins {
    pub const OFFSET_MEMORY_GROW: i32 = 0;
    pub const OFFSET_MEMORY_FILL: i32 = 8;
    pub const OFFSET_MEMORY_COPY: i32 = 16;
    pub const OFFSET_MEMORY_INIT: i32 = 24;
    pub const OFFSET_DATA_DROP: i32 = 32;
    pub const OFFSET_TABLE_GROW: i32 = 40;
    pub const OFFSET_TABLE_FILL: i32 = 48;
    pub const OFFSET_TABLE_COPY: i32 = 56;
    pub const OFFSET_TABLE_INIT: i32 = 64;
    pub const OFFSET_ELEM_DROP: i32 = 72;
}

/// The fixed start of every vmctx.
#[repr(C)]
pub struct VMContextHeader {
    pub store: *mut VMStoreContext,
    pub builtins: *const VMBuiltins,
    /// The engine's trap-raising stub (see `trampoline_abi`).
    pub raise_trap: *const u8,
    /// Back pointer for the runtime (the owning instance); never read by generated code.
    pub instance: *mut u8,
}

impl VMContextHeader {
    pub const OFFSET_STORE: i32 = 0;
    pub const OFFSET_BUILTINS: i32 = 8;
    pub const OFFSET_RAISE_TRAP: i32 = 16;
    pub const OFFSET_INSTANCE: i32 = 24;
    pub const SIZE: u32 = 32;
}

/// Offsets of the variable parts of one module's vmctx.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VMOffsets {
    pub num_types: u32,
    pub num_funcs: u32,
    pub num_memories: u32,
    pub num_tables: u32,
    pub num_globals: u32,
    pub type_ids: u32,
    pub funcrefs: u32,
    pub memories: u32,
    pub tables: u32,
    pub globals: u32,
    pub size: u32,
}

impl VMOffsets {
    pub fn new(info: &ModuleInfo) -> VMOffsets {
        let num_types = info.types.len() as u32;
        let num_funcs = info.func_types.len() as u32;
        let num_memories = info.memories.len() as u32;
        let num_tables = info.tables.len() as u32;
        let num_globals = info.globals.len() as u32;
        let type_ids = VMContextHeader::SIZE;
        let funcrefs = align8(type_ids + 4 * num_types);
        let memories = funcrefs + VMFuncRef::SIZE * num_funcs;
        let tables = memories + 8 * num_memories;
        let globals = tables + 8 * num_tables;
        let size = globals + 8 * num_globals;
        VMOffsets {
            num_types,
            num_funcs,
            num_memories,
            num_tables,
            num_globals,
            type_ids,
            funcrefs,
            memories,
            tables,
            globals,
            size,
        }
    }

    pub fn type_id(&self, type_index: u32) -> i32 {
        (self.type_ids + 4 * type_index) as i32
    }

    pub fn funcref(&self, func_index: u32) -> i32 {
        (self.funcrefs + VMFuncRef::SIZE * func_index) as i32
    }

    /// Offset of the `*mut VMMemoryDefinition` of memory `index`.
    pub fn memory(&self, index: u32) -> i32 {
        (self.memories + 8 * index) as i32
    }

    /// Offset of the `*mut VMTableDefinition` of table `index`.
    pub fn table(&self, index: u32) -> i32 {
        (self.tables + 8 * index) as i32
    }

    /// Offset of the `*mut VMGlobal` of global `index`.
    pub fn global(&self, index: u32) -> i32 {
        (self.globals + 8 * index) as i32
    }
}

fn align8(x: u32) -> u32 {
    (x + 7) & !7
}
