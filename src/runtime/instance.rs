//! Instances, externs, and instantiation (linking, segment initialisation,
//! the start function).

use super::error::Error;
use super::func::Func;
use super::global::Global;
use super::memory::Memory;
use super::module::Module;
use super::store::Store;
use super::table::Table;
use crate::module::ExternType;

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

impl Instance {
    /// Instantiates `module` with `imports` given in the module's import order.
    pub fn new(store: &mut Store, module: &Module, imports: &[Extern]) -> Result<Instance, Error> {
        let _ = (store, module, imports);
        todo!("Instance::new")
    }

    /// Every export, in export order.
    pub fn exports(&self, store: &Store) -> Vec<(String, Extern)> {
        let _ = store;
        todo!("Instance::exports")
    }

    pub fn get_export(&self, store: &Store, name: &str) -> Option<Extern> {
        let _ = (store, name);
        todo!("Instance::get_export")
    }

    pub fn module(&self, store: &Store) -> Module {
        let _ = store;
        todo!("Instance::module")
    }
}
