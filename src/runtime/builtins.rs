//! Runtime functions generated code calls through `VMContextHeader::builtins`:
//! memory and table growth and the bulk-memory / reference-types operations,
//! with the specification's bounds semantics (a range check before any
//! write; a failed check writes nothing and returns the trap code).

use std::ptr;

use super::const_eval;
use super::instance::InstanceData;
use crate::module::ElementItemsKind;
use crate::vm::{TrapCode, VMBuiltins, VMContextHeader};

pub(crate) static BUILTINS: VMBuiltins = VMBuiltins {
    memory_grow,
    memory_fill,
    memory_copy,
    memory_init,
    data_drop,
    table_grow,
    table_fill,
    table_copy,
    table_init,
    elem_drop,
};

const MEMORY_OOB: u32 = TrapCode::MemoryOutOfBounds as u32;
const TABLE_OOB: u32 = TrapCode::TableOutOfBounds as u32;

/// The instance of a vmctx.
///
/// # Safety
/// `vmctx` must be the vmctx of a live instance.
unsafe fn instance_ptr(vmctx: *mut u8) -> *mut InstanceData {
    // SAFETY: the header's instance field points at the owning InstanceData.
    unsafe { (*(vmctx as *const VMContextHeader)).instance as *mut InstanceData }
}

/// # Safety
/// As for [`instance_ptr`].
unsafe fn instance<'a>(vmctx: *mut u8) -> &'a InstanceData {
    // SAFETY: as for `instance_ptr`; shared access only.
    unsafe { &*instance_ptr(vmctx) }
}

/// Whether `[start, start + len)` fits in `size`.
fn in_bounds(start: u32, len: u32, size: u64) -> bool {
    start as u64 + len as u64 <= size
}

unsafe extern "C" fn memory_grow(vmctx: *mut u8, memory: u32, delta: u32) -> u32 {
    // SAFETY: generated code passes its vmctx and a valid memory index.
    unsafe { (*instance(vmctx).memory(memory)).grow(delta) }.unwrap_or(u32::MAX)
}

unsafe extern "C" fn memory_fill(vmctx: *mut u8, memory: u32, dst: u32, val: u32, len: u32) -> u32 {
    // SAFETY: as above; the range is checked against the memory's length.
    unsafe {
        let mem = &(*instance(vmctx).memory(memory)).def;
        if !in_bounds(dst, len, mem.length) {
            return MEMORY_OOB;
        }
        ptr::write_bytes(mem.base.add(dst as usize), val as u8, len as usize);
    }
    0
}

unsafe extern "C" fn memory_copy(
    vmctx: *mut u8,
    dst_mem: u32,
    src_mem: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> u32 {
    // SAFETY: as above; both ranges are checked; `copy` handles overlap.
    unsafe {
        let inst = instance(vmctx);
        let d = &(*inst.memory(dst_mem)).def;
        let s = &(*inst.memory(src_mem)).def;
        if !in_bounds(dst, len, d.length) || !in_bounds(src, len, s.length) {
            return MEMORY_OOB;
        }
        ptr::copy(
            s.base.add(src as usize),
            d.base.add(dst as usize),
            len as usize,
        );
    }
    0
}

unsafe extern "C" fn memory_init(
    vmctx: *mut u8,
    memory: u32,
    data: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> u32 {
    // SAFETY: generated code passes its vmctx and valid indices.
    unsafe { memory_init_raw(instance(vmctx), memory, data, dst, src, len) }
}

/// `memory.init`: copies `len` bytes of data segment `data` from `src` to
/// memory `memory` at `dst`. A dropped segment has length 0.
///
/// # Safety
/// `inst` must be a live instance; no Rust reference into the memory may be live.
pub(crate) unsafe fn memory_init_raw(
    inst: &InstanceData,
    memory: u32,
    data: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> u32 {
    let bytes: &[u8] = if inst.dropped_data[data as usize] {
        &[]
    } else {
        &inst.module.inner.info.data[data as usize].bytes
    };
    // SAFETY: the caller guarantees the instance; ranges are checked.
    unsafe {
        let mem = &(*inst.memory(memory)).def;
        if !in_bounds(dst, len, mem.length) || !in_bounds(src, len, bytes.len() as u64) {
            return MEMORY_OOB;
        }
        ptr::copy_nonoverlapping(
            bytes.as_ptr().add(src as usize),
            mem.base.add(dst as usize),
            len as usize,
        );
    }
    0
}

unsafe extern "C" fn data_drop(vmctx: *mut u8, data: u32) {
    // SAFETY: generated code passes its vmctx; the flag is only touched on this thread.
    unsafe {
        (&mut (*instance_ptr(vmctx)).dropped_data)[data as usize] = true;
    }
}

unsafe extern "C" fn table_grow(vmctx: *mut u8, table: u32, init: usize, delta: u32) -> u32 {
    // SAFETY: generated code passes its vmctx and a valid table index.
    unsafe { (*instance(vmctx).table(table)).grow(delta, init) }.unwrap_or(u32::MAX)
}

unsafe extern "C" fn table_fill(vmctx: *mut u8, table: u32, dst: u32, val: usize, len: u32) -> u32 {
    // SAFETY: as above; the range is checked.
    let elements = unsafe { (*instance(vmctx).table(table)).elements_mut() };
    if !in_bounds(dst, len, elements.len() as u64) {
        return TABLE_OOB;
    }
    elements[dst as usize..(dst + len) as usize].fill(val);
    0
}

unsafe extern "C" fn table_copy(
    vmctx: *mut u8,
    dst_table: u32,
    src_table: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> u32 {
    // SAFETY: as above; both ranges are checked; the tables may be the same,
    // so the copy goes through raw pointers with overlap handling.
    unsafe {
        let inst = instance(vmctx);
        let d = inst.table(dst_table);
        let s = inst.table(src_table);
        let (d_len, s_len) = ((*d).len(), (*s).len());
        if !in_bounds(dst, len, d_len as u64) || !in_bounds(src, len, s_len as u64) {
            return TABLE_OOB;
        }
        let (d_base, s_base) = ((*d).def.base, (*s).def.base);
        ptr::copy(
            s_base.add(src as usize),
            d_base.add(dst as usize),
            len as usize,
        );
    }
    0
}

unsafe extern "C" fn table_init(
    vmctx: *mut u8,
    table: u32,
    elem: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> u32 {
    // SAFETY: generated code passes its vmctx and valid indices.
    unsafe { table_init_raw(instance(vmctx), table, elem, dst, src, len) }
}

/// `table.init`: writes items `src..src + len` of element segment `elem` to
/// table `table` at `dst`. A dropped segment has length 0.
///
/// # Safety
/// `inst` must be a live instance; no Rust reference into the table may be live.
pub(crate) unsafe fn table_init_raw(
    inst: &InstanceData,
    table: u32,
    elem: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> u32 {
    let seg = &inst.module.inner.info.elements[elem as usize];
    let seg_len = if inst.dropped_elems[elem as usize] {
        0
    } else {
        match &seg.items {
            ElementItemsKind::Functions(f) => f.len(),
            ElementItemsKind::Expressions(e) => e.len(),
        }
    };
    // SAFETY: the caller guarantees the instance and that the table is not borrowed.
    let elements = unsafe { (*inst.table(table)).elements_mut() };
    if !in_bounds(dst, len, elements.len() as u64) || !in_bounds(src, len, seg_len as u64) {
        return TABLE_OOB;
    }
    for i in 0..len as usize {
        let item = src as usize + i;
        elements[dst as usize + i] = match &seg.items {
            ElementItemsKind::Functions(f) => inst.funcref(f[item]) as usize,
            ElementItemsKind::Expressions(e) => const_eval::eval(inst, &e[item])[0] as usize,
        };
    }
    0
}

unsafe extern "C" fn elem_drop(vmctx: *mut u8, elem: u32) {
    // SAFETY: generated code passes its vmctx; the flag is only touched on this thread.
    unsafe {
        (&mut (*instance_ptr(vmctx)).dropped_elems)[elem as usize] = true;
    }
}
