//! Globals: one 16-byte cell each, owned by the store.

use super::error::Error;
use super::store::Store;
use super::values::Val;
use crate::module::GlobalType;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Global {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl Global {
    pub fn new(store: &mut Store, ty: GlobalType, init: Val) -> Result<Global, Error> {
        let _ = (store, ty, init);
        todo!("Global::new")
    }

    pub fn ty(&self, store: &Store) -> GlobalType {
        let _ = store;
        todo!("Global::ty")
    }

    pub fn get(&self, store: &Store) -> Val {
        let _ = store;
        todo!("Global::get")
    }

    pub fn set(&self, store: &mut Store, v: Val) -> Result<(), Error> {
        let _ = (store, v);
        todo!("Global::set")
    }
}
