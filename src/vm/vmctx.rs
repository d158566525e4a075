//! The vmctx layout: the structures generated code reads and writes through
//! r15, and the byte offsets it uses for them.
//!
//! Each `#[repr(C)]` struct below comes with hand-written `OFFSET_*`/`SIZE`
//! constants (the numbers the generated code embeds, readable next to the
//! struct) and a compile-time check of every one of them against
//! `offset_of!`/`size_of`, so that a field moved or resized without its
//! constant fails the build.
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

use core::mem::offset_of;

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

const _: () = {
    assert!(VMFuncRef::OFFSET_CODE as usize == offset_of!(VMFuncRef, code));
    assert!(VMFuncRef::OFFSET_VMCTX as usize == offset_of!(VMFuncRef, vmctx));
    assert!(VMFuncRef::OFFSET_TYPE_ID as usize == offset_of!(VMFuncRef, type_id));
    assert!(VMFuncRef::SIZE as usize == size_of::<VMFuncRef>());
    // `call_indirect` compares the type id as a DWORD.
    assert!(size_of::<u32>() == 4);
};

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

const _: () = {
    assert!(VMHostFuncContext::OFFSET_DISPATCH as usize == offset_of!(VMHostFuncContext, dispatch));
    assert!(VMHostFuncContext::OFFSET_STORE as usize == offset_of!(VMHostFuncContext, store));
};

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

const _: () = {
    assert!(VMMemoryDefinition::OFFSET_BASE as usize == offset_of!(VMMemoryDefinition, base));
    assert!(VMMemoryDefinition::OFFSET_LENGTH as usize == offset_of!(VMMemoryDefinition, length));
};

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

const _: () = {
    assert!(VMTableDefinition::OFFSET_BASE as usize == offset_of!(VMTableDefinition, base));
    assert!(VMTableDefinition::OFFSET_LENGTH as usize == offset_of!(VMTableDefinition, length));
    // Generated code bounds-checks with a DWORD compare and indexes
    // elements with a scale of 8.
    assert!(size_of::<u32>() == 4);
    assert!(size_of::<usize>() == 8);
};

/// Storage of one global: 16 bytes so that a v128 fits. i32/f32 live in the
/// low 4 bytes, i64/f64/references in the low 8.
#[repr(C, align(16))]
#[derive(Debug, Clone, Copy, Default)]
pub struct VMGlobal {
    pub bits: [u64; 2],
}

// Generated code reads and writes a global's value at offset 0 of its
// `VMGlobal`; a v128 fills it.
const _: () = {
    assert!(offset_of!(VMGlobal, bits) == 0);
    assert!(size_of::<VMGlobal>() == 16);
};

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

const _: () = {
    assert!(VMStoreContext::OFFSET_STACK_LIMIT as usize == offset_of!(VMStoreContext, stack_limit));
    assert!(
        VMStoreContext::OFFSET_ACTIVATION_SP as usize == offset_of!(VMStoreContext, activation_sp)
    );
};

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

const _: () = {
    assert!(VMBuiltins::OFFSET_MEMORY_GROW as usize == offset_of!(VMBuiltins, memory_grow));
    assert!(VMBuiltins::OFFSET_MEMORY_FILL as usize == offset_of!(VMBuiltins, memory_fill));
    assert!(VMBuiltins::OFFSET_MEMORY_COPY as usize == offset_of!(VMBuiltins, memory_copy));
    assert!(VMBuiltins::OFFSET_MEMORY_INIT as usize == offset_of!(VMBuiltins, memory_init));
    assert!(VMBuiltins::OFFSET_DATA_DROP as usize == offset_of!(VMBuiltins, data_drop));
    assert!(VMBuiltins::OFFSET_TABLE_GROW as usize == offset_of!(VMBuiltins, table_grow));
    assert!(VMBuiltins::OFFSET_TABLE_FILL as usize == offset_of!(VMBuiltins, table_fill));
    assert!(VMBuiltins::OFFSET_TABLE_COPY as usize == offset_of!(VMBuiltins, table_copy));
    assert!(VMBuiltins::OFFSET_TABLE_INIT as usize == offset_of!(VMBuiltins, table_init));
    assert!(VMBuiltins::OFFSET_ELEM_DROP as usize == offset_of!(VMBuiltins, elem_drop));
    // Every builtin has its constant: the last one ends the struct.
    assert!(VMBuiltins::OFFSET_ELEM_DROP as usize + 8 == size_of::<VMBuiltins>());
};

/// The fixed start of every vmctx.
#[repr(C)]
pub struct VMContextHeader {
    pub store: *mut VMStoreContext,
    pub builtins: *const VMBuiltins,
    /// The engine's trap-raising stub (see `vm::abi`, "Traps").
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

const _: () = {
    assert!(VMContextHeader::OFFSET_STORE as usize == offset_of!(VMContextHeader, store));
    assert!(VMContextHeader::OFFSET_BUILTINS as usize == offset_of!(VMContextHeader, builtins));
    assert!(VMContextHeader::OFFSET_RAISE_TRAP as usize == offset_of!(VMContextHeader, raise_trap));
    assert!(VMContextHeader::OFFSET_INSTANCE as usize == offset_of!(VMContextHeader, instance));
    assert!(VMContextHeader::SIZE as usize == size_of::<VMContextHeader>());
};

/// Bytes of one canonical type id in the vmctx's `type_ids` array.
const TYPE_ID_SIZE: u32 = 4;
/// Bytes of one pointer in the vmctx's `memories`, `tables` and `globals` arrays.
const PTR_SIZE: u32 = 8;

const _: () = {
    assert!(TYPE_ID_SIZE as usize == size_of::<u32>());
    assert!(PTR_SIZE as usize == size_of::<*mut VMMemoryDefinition>());
    assert!(PTR_SIZE as usize == size_of::<*mut VMTableDefinition>());
    assert!(PTR_SIZE as usize == size_of::<*mut VMGlobal>());
    // The funcref array starts 8-aligned (see `VMOffsets::new`), which is
    // all a VMFuncRef or a pointer needs; the header keeps that alignment.
    assert!(align_of::<VMFuncRef>() == 8);
    assert!(align_of::<*mut u8>() == 8);
    assert!(VMContextHeader::SIZE.is_multiple_of(8));
    assert!(VMFuncRef::SIZE.is_multiple_of(8));
};

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
        let funcrefs = align8(type_ids + TYPE_ID_SIZE * num_types);
        let memories = funcrefs + VMFuncRef::SIZE * num_funcs;
        let tables = memories + PTR_SIZE * num_memories;
        let globals = tables + PTR_SIZE * num_tables;
        let size = globals + PTR_SIZE * num_globals;
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
        (self.type_ids + TYPE_ID_SIZE * type_index) as i32
    }

    pub fn funcref(&self, func_index: u32) -> i32 {
        (self.funcrefs + VMFuncRef::SIZE * func_index) as i32
    }

    /// Offset of the `*mut VMMemoryDefinition` of memory `index`.
    pub fn memory(&self, index: u32) -> i32 {
        (self.memories + PTR_SIZE * index) as i32
    }

    /// Offset of the `*mut VMTableDefinition` of table `index`.
    pub fn table(&self, index: u32) -> i32 {
        (self.tables + PTR_SIZE * index) as i32
    }

    /// Offset of the `*mut VMGlobal` of global `index`.
    pub fn global(&self, index: u32) -> i32 {
        (self.globals + PTR_SIZE * index) as i32
    }
}

fn align8(x: u32) -> u32 {
    (x + 7) & !7
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The regions follow each other in the documented order, aligned for
    /// what they hold, and every accessor stays inside its region.
    #[test]
    fn offsets_tile_the_vmctx() {
        let wat = r#"(module
            (type (func)) (type (func (param i32))) (type (func (result i64)))
            (import "m" "f" (func (type 1)))
            (import "m" "g" (global i32))
            (memory 1) (memory 0)
            (table 1 funcref) (table 2 externref) (table 3 funcref)
            (global (mut i64) (i64.const 0)) (global v128 (v128.const i64x2 0 0))
            (func (type 0)) (func (type 2) i64.const 0))"#;
        let bytes = wat::parse_str(wat).unwrap();
        let (info, _) = crate::module::parse(&bytes, wasmparser::WasmFeatures::default()).unwrap();
        let o = VMOffsets::new(&info);
        assert_eq!(
            (
                o.num_types,
                o.num_funcs,
                o.num_memories,
                o.num_tables,
                o.num_globals
            ),
            (3, 3, 2, 3, 3)
        );
        assert_eq!(o.type_ids, VMContextHeader::SIZE);
        assert_eq!(o.type_id(0) as u32, o.type_ids);
        assert_eq!(o.type_id(2) as u32 + TYPE_ID_SIZE, o.type_ids + 3 * 4);
        assert!(o.funcrefs >= o.type_ids + 3 * 4 && o.funcrefs.is_multiple_of(8));
        assert_eq!(o.funcref(0) as u32, o.funcrefs);
        assert_eq!(o.memories, o.funcrefs + 3 * size_of::<VMFuncRef>() as u32);
        assert_eq!(o.memory(1) as u32 + 8, o.tables);
        assert_eq!(o.table(2) as u32 + 8, o.globals);
        assert_eq!(o.global(2) as u32 + 8, o.size);
        for off in [o.funcrefs, o.memories, o.tables, o.globals, o.size] {
            assert!(off.is_multiple_of(8));
        }
    }

    #[test]
    fn empty_module_is_just_the_header() {
        let o = VMOffsets::new(&ModuleInfo::default());
        assert_eq!(o.size, VMContextHeader::SIZE);
    }
}
