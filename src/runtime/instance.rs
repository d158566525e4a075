//! Instances and externs: the handles, the per-instance runtime data behind
//! the vmctx, and exports. Linking is in `linking`, the steps of
//! instantiation in `instantiate`.

use std::alloc::{self, Layout};
use std::ptr::NonNull;

use super::error::Error;
use super::func::Func;
use super::global::Global;
use super::instantiate::{allocate, initialize, release_failed};
use super::linking::check_imports;
use super::memory::{Memory, MemoryData};
use super::module::Module;
use super::store::Store;
use super::table::{Table, TableData};
use crate::module::{ExportKind, ExternType};
use crate::vm::{VMFuncRef, VMGlobal, VMMemoryDefinition, VMTableDefinition};

/// Anything that can be imported or exported.
#[derive(Clone, Copy, Debug)]
pub enum Extern {
    Func(Func),
    Global(Global),
    Table(Table),
    Memory(Memory),
}

impl Extern {
    pub fn ty(&self, store: &Store) -> ExternType {
        match self {
            Extern::Func(f) => ExternType::Func(f.ty(store)),
            Extern::Global(g) => ExternType::Global(g.ty(store)),
            Extern::Table(t) => ExternType::Table(t.ty(store)),
            Extern::Memory(m) => ExternType::Memory(m.ty(store)),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Instance {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

/// The runtime object behind an [`Instance`] handle; the vmctx header's
/// `instance` field points here.
pub(crate) struct InstanceData {
    pub(crate) module: Module,
    pub(crate) index: u32,
    pub(crate) vmctx: NonNull<u8>,
    pub(crate) layout: Layout,
    /// Store indices of the memories, tables and globals, imported first.
    pub(crate) memories: Vec<u32>,
    pub(crate) tables: Vec<u32>,
    pub(crate) globals: Vec<u32>,
    pub(crate) dropped_data: Vec<bool>,
    pub(crate) dropped_elems: Vec<bool>,
}

impl InstanceData {
    /// The vmctx field at `offset`, typed.
    pub(crate) fn field<T>(&self, offset: i32) -> *mut T {
        // SAFETY: offsets come from this module's VMOffsets, inside the allocation.
        unsafe { self.vmctx.as_ptr().add(offset as usize) as *mut T }
    }

    pub(crate) fn funcref(&self, func_index: u32) -> *mut VMFuncRef {
        self.field(self.module.inner.offsets.funcref(func_index))
    }

    /// The memory object of memory `index` (defined or imported).
    pub(crate) fn memory(&self, index: u32) -> *mut MemoryData {
        // SAFETY: memory slots hold the address of a store-owned MemoryData's definition (its first field).
        unsafe {
            *self.field::<*mut VMMemoryDefinition>(self.module.inner.offsets.memory(index))
                as *mut MemoryData
        }
    }

    /// The table object of table `index` (defined or imported).
    pub(crate) fn table(&self, index: u32) -> *mut TableData {
        // SAFETY: table slots hold the address of a store-owned TableData's definition (its first field).
        unsafe {
            *self.field::<*mut VMTableDefinition>(self.module.inner.offsets.table(index))
                as *mut TableData
        }
    }

    pub(crate) fn global(&self, index: u32) -> *mut VMGlobal {
        // SAFETY: global slots hold the address of a store-owned cell.
        unsafe { *self.field::<*mut VMGlobal>(self.module.inner.offsets.global(index)) }
    }
}

impl Drop for InstanceData {
    fn drop(&mut self) {
        // SAFETY: allocated in `Instance::new` with this layout; the store (and all code using it) is gone.
        unsafe { alloc::dealloc(self.vmctx.as_ptr(), self.layout) };
    }
}

impl Instance {
    /// Instantiates `module` with `imports` given in the module's import order.
    pub fn new(store: &mut Store, module: &Module, imports: &[Extern]) -> Result<Instance, Error> {
        if !module.engine().same(store.engine()) {
            return Err(Error::Link(
                "module and store belong to different engines".into(),
            ));
        }
        check_imports(store, module, imports)?;
        let index = store.inner.instances.len() as u32;
        let result = allocate(store, module, imports).and_then(|index| {
            let instance = Instance {
                store_id: store.id(),
                index,
            };
            initialize(store, instance).map(|()| instance)
        });
        result.map_err(|mut e| {
            if store.inner.instances.len() > index as usize {
                release_failed(store, index, &mut e);
            }
            e
        })
    }

    /// Every export, in export order.
    pub fn exports(&self, store: &Store) -> Vec<(String, Extern)> {
        let data = store.instance(*self);
        data.module
            .inner
            .info
            .exports
            .iter()
            .map(|e| (e.name.clone(), export_extern(store, data, e.kind)))
            .collect()
    }

    pub fn get_export(&self, store: &Store, name: &str) -> Option<Extern> {
        let data = store.instance(*self);
        let i = data.module.inner.export_index(name)?;
        Some(export_extern(
            store,
            data,
            data.module.inner.info.exports[i].kind,
        ))
    }

    pub fn module(&self, store: &Store) -> Module {
        store.instance(*self).module.clone()
    }
}

fn export_extern(store: &Store, data: &InstanceData, kind: ExportKind) -> Extern {
    let id = store.id();
    match kind {
        ExportKind::Func(i) => Extern::Func(
            store
                .func_from_raw(data.funcref(i) as usize)
                .expect("funcref entries are never null"),
        ),
        ExportKind::Memory(i) => Extern::Memory(Memory {
            store_id: id,
            index: data.memories[i as usize],
        }),
        ExportKind::Table(i) => Extern::Table(Table {
            store_id: id,
            index: data.tables[i as usize],
        }),
        ExportKind::Global(i) => Extern::Global(Global {
            store_id: id,
            index: data.globals[i as usize],
        }),
    }
}
