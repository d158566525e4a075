//! Instantiation proper: the vmctx and the instance's own objects, then
//! segment initialisation and the start function.

use std::alloc::{self, Layout};
use std::ptr::NonNull;

use super::error::Error;
use super::func::{FuncData, FuncKind};
use super::global::GlobalData;
use super::instance::{Extern, Instance, InstanceData};
use super::memory::MemoryData;
use super::module::Module;
use super::store::Store;
use super::stubs;
use super::table::TableData;
use super::trap::Trap;
use super::{builtins, const_eval};
use crate::module::{DataKind, ElementItemsKind, ElementSegmentKind, ImportKind, ModuleInfo};
use crate::vm::{TrapCode, VMContextHeader, VMFuncRef, VMGlobal};

/// Creates the instance's vmctx and its defined functions, memories, tables
/// and globals; returns the instance's index in the store.
pub(crate) fn allocate(
    store: &mut Store,
    module: &Module,
    imports: &[Extern],
) -> Result<u32, Error> {
    let inner = &module.inner;
    let info = &inner.info;
    let offsets = inner.offsets;
    // Before anything is allocated: a limit reached costs nothing.
    store.check_limits(
        1,
        info.memories.len() - info.num_imported_memories as usize,
        info.tables.len() - info.num_imported_tables as usize,
        store.engine().config().bounds_checks,
    )?;
    let layout = Layout::from_size_align(offsets.size as usize, 16)
        .map_err(|_| Error::Resource("vmctx too large".into()))?;
    // SAFETY: the layout has a non-zero size (the header alone is 32 bytes).
    let vmctx = NonNull::new(unsafe { alloc::alloc_zeroed(layout) })
        .ok_or_else(|| Error::Resource("cannot allocate an instance".into()))?;
    let index = store.inner.instances.len() as u32;
    // Registered in the store first: from here on the store owns (and
    // eventually frees) the vmctx, whatever fails later.
    store.inner.instances.push(Box::new(InstanceData {
        module: module.clone(),
        index,
        vmctx,
        layout,
        memories: Vec::with_capacity(info.memories.len()),
        tables: Vec::with_capacity(info.tables.len()),
        globals: Vec::with_capacity(info.globals.len()),
        dropped_data: vec![false; info.data.len()],
        dropped_elems: vec![false; info.elements.len()],
    }));
    let data_ptr: *mut InstanceData = &mut *store.inner.instances[index as usize];
    let vm = vmctx.as_ptr();
    // SAFETY: `vm` is a fresh zeroed allocation of `offsets.size` bytes; every
    // write below is at an offset VMOffsets computed for this module.
    unsafe {
        let header = vm as *mut VMContextHeader;
        (*header).store = &mut store.inner.vm;
        (*header).builtins = &builtins::BUILTINS;
        (*header).raise_trap = stubs::get().raise_trap;
        (*header).instance = data_ptr as *mut u8;
        for (i, id) in inner.type_ids.iter().enumerate() {
            *(vm.add(offsets.type_id(i as u32) as usize) as *mut u32) = *id;
        }
    }

    let mut func_slot = 0u32;
    for ext in imports {
        // SAFETY: `data_ptr` points at the boxed InstanceData just pushed; the
        // store's Vecs of other objects do not alias it.
        let data = unsafe { &mut *data_ptr };
        match *ext {
            Extern::Func(f) => {
                let funcref = store.func(f).funcref;
                // SAFETY: copying a live VMFuncRef into this vmctx's funcref slot.
                unsafe { *data.funcref(func_slot) = *funcref };
                func_slot += 1;
            }
            Extern::Memory(m) => {
                let def: *mut MemoryData = store.memory_mut(m);
                let slot = data.memories.len() as u32;
                // SAFETY: writing a memory slot of this vmctx.
                unsafe { *data.field::<*mut MemoryData>(offsets.memory(slot)) = def };
                data.memories.push(m.index);
            }
            Extern::Table(t) => {
                let def: *mut TableData = store.table_mut(t);
                let slot = data.tables.len() as u32;
                // SAFETY: writing a table slot of this vmctx.
                unsafe { *data.field::<*mut TableData>(offsets.table(slot)) = def };
                data.tables.push(t.index);
            }
            Extern::Global(g) => {
                let cell: *mut VMGlobal = &mut *store.global_mut(g).cell;
                let slot = data.globals.len() as u32;
                // SAFETY: writing a global slot of this vmctx.
                unsafe { *data.field::<*mut VMGlobal>(offsets.global(slot)) = cell };
                data.globals.push(g.index);
            }
        }
    }

    // Defined functions: their canonical VMFuncRefs live in this vmctx.
    let first = store.inner.funcs.len() as u32;
    store.inner.funcs.reserve(info.num_defined_funcs() as usize);
    for defined in 0..info.num_defined_funcs() {
        let func_index = info.num_imported_funcs + defined;
        let type_index = info.func_types[func_index as usize];
        // SAFETY: see above; `funcref` is a slot of this vmctx.
        let funcref = unsafe { (*data_ptr).funcref(func_index) };
        // SAFETY: writing a funcref slot of this vmctx.
        unsafe {
            *funcref = VMFuncRef {
                code: inner.func_code(defined),
                vmctx: vm,
                type_id: inner.type_ids[type_index as usize],
                _pad: first + defined,
            };
        }
        store.inner.funcs.push(FuncData {
            funcref,
            kind: FuncKind::Wasm {
                instance: index,
                type_index,
                trampoline: inner.entry_trampoline(type_index),
            },
        });
    }

    let mode = store.engine().config().bounds_checks;
    let pool = store.engine().inner.pool.clone();
    for ty in &info.memories[info.num_imported_memories as usize..] {
        let mem = MemoryData::new(*ty, mode, &pool)?;
        let m = store.push_memory(mem);
        let def: *mut MemoryData = store.memory_mut(m);
        // SAFETY: see above.
        let data = unsafe { &mut *data_ptr };
        let slot = data.memories.len() as u32;
        // SAFETY: writing a memory slot of this vmctx.
        unsafe { *data.field::<*mut MemoryData>(offsets.memory(slot)) = def };
        data.memories.push(m.index);
    }
    for ty in &info.tables[info.num_imported_tables as usize..] {
        let table = TableData::new(*ty, 0)?;
        let t = store.push_table(table);
        let def: *mut TableData = store.table_mut(t);
        // SAFETY: see above.
        let data = unsafe { &mut *data_ptr };
        let slot = data.tables.len() as u32;
        // SAFETY: writing a table slot of this vmctx.
        unsafe { *data.field::<*mut TableData>(offsets.table(slot)) = def };
        data.tables.push(t.index);
    }
    for (i, ty) in info.globals[info.num_imported_globals as usize..]
        .iter()
        .enumerate()
    {
        // SAFETY: see above; the globals read by the initialiser are set already.
        let data = unsafe { &mut *data_ptr };
        let bits = const_eval::eval(data, &info.global_inits[i]);
        let g = store.push_global(GlobalData {
            cell: Box::new(VMGlobal { bits }),
            ty: *ty,
        });
        let cell: *mut VMGlobal = &mut *store.global_mut(g).cell;
        let slot = data.globals.len() as u32;
        // SAFETY: writing a global slot of this vmctx.
        unsafe { *data.field::<*mut VMGlobal>(offsets.global(slot)) = cell };
        data.globals.push(g.index);
    }
    Ok(index)
}

/// Runs the active element and data segments in order, then the start
/// function. A segment out of bounds traps there; earlier writes stay (the
/// WebAssembly 2.0 semantics, visible through shared memories and tables).
pub(crate) fn initialize(store: &mut Store, instance: Instance) -> Result<(), Error> {
    let data = store.instance(instance);
    let module = data.module.clone();
    let info = &module.inner.info;
    for (i, seg) in info.elements.iter().enumerate() {
        let data = store.instance(instance);
        match &seg.kind {
            ElementSegmentKind::Active { table, offset } => {
                let dst = const_eval::eval(data, offset)[0] as u32;
                let len = match &seg.items {
                    ElementItemsKind::Functions(f) => f.len(),
                    ElementItemsKind::Expressions(e) => e.len(),
                } as u32;
                // SAFETY: no Rust reference to the table or its store is live
                // across the call; the instance is initialised.
                let rc = unsafe { builtins::table_init_raw(data, *table, i as u32, dst, 0, len) };
                trap_if(rc)?;
            }
            ElementSegmentKind::Passive => continue,
            ElementSegmentKind::Declared => {}
        }
        store.inner.instances[instance.index as usize].dropped_elems[i] = true;
    }
    for (i, seg) in info.data.iter().enumerate() {
        let data = store.instance(instance);
        if let DataKind::Active { memory, offset } = &seg.kind {
            let dst = const_eval::eval(data, offset)[0] as u32;
            // SAFETY: as above, for the memory.
            let rc = unsafe {
                builtins::memory_init_raw(data, *memory, i as u32, dst, 0, seg.bytes.len() as u32)
            };
            trap_if(rc)?;
            store.inner.instances[instance.index as usize].dropped_data[i] = true;
        }
    }
    if let Some(start) = info.start {
        let data = store.instance(instance);
        let f = store
            .func_from_raw(data.funcref(start) as usize)
            .expect("funcref entries are never null");
        let mut slot = [0u64; 1];
        // SAFETY: the start function takes no arguments and returns nothing.
        unsafe { f.call_raw(store, slot.as_mut_ptr()) }.map_err(Error::Trap)?;
    }
    Ok(())
}

/// Whether no reference to an instance of `info` can outlive a failed
/// instantiation, decided from the imports alone (conservatively): with no
/// imported table, no imported global of a reference type and no imported
/// function taking a reference, the instance's functions, memories and
/// tables cannot be stored anywhere outside it or passed to the host, and a
/// failed instantiation hands out no exports. (Trap frames naming the
/// instance are cleared by the caller.)
pub(crate) fn cannot_escape(info: &ModuleInfo) -> bool {
    info.imports.iter().all(|import| match import.kind {
        ImportKind::Table(_) => false,
        ImportKind::Global(g) => !g.content.is_ref(),
        ImportKind::Func(type_index) => !info.types[type_index as usize]
            .params
            .iter()
            .any(|t| t.is_ref()),
        ImportKind::Memory(_) => true,
    })
}

/// After a failed instantiation of `instance` (allocated, perhaps
/// partially): when no reference to it can have escaped, its own memories
/// give their address space back and its own tables their elements. The
/// store keeps every slot, so indices stay valid; the released objects are
/// never reachable again.
pub(crate) fn release_failed(store: &mut Store, instance: u32, error: &mut Error) {
    let data = &store.inner.instances[instance as usize];
    let info = &data.module.inner.info;
    if !cannot_escape(info) {
        return;
    }
    let memories =
        data.memories[(info.num_imported_memories as usize).min(data.memories.len())..].to_vec();
    let tables = data.tables[(info.num_imported_tables as usize).min(data.tables.len())..].to_vec();
    for m in memories {
        store.release_memory(m);
    }
    for t in tables {
        store.release_table(t);
    }
    if let Error::Trap(trap) = error {
        let failed = Instance {
            store_id: store.id(),
            index: instance,
        };
        trap.forget_instance(failed);
    }
}

fn trap_if(rc: u32) -> Result<(), Error> {
    match rc {
        0 => Ok(()),
        code => Err(Error::Trap(match TrapCode::from_u32(code) {
            Some(code) => Trap::from_code(code),
            None => Trap::new(format!("unknown trap code {code}")),
        })),
    }
}
