//! Tables of funcref or externref elements.

use super::error::Error;
use super::store::Store;
use super::values::Val;
use crate::module::TableType;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Table {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl Table {
    pub fn new(store: &mut Store, ty: TableType, init: Val) -> Result<Table, Error> {
        let _ = (store, ty, init);
        todo!("Table::new")
    }

    pub fn ty(&self, store: &Store) -> TableType {
        let _ = store;
        todo!("Table::ty")
    }

    /// The element at `index`, or `None` past the end.
    pub fn get(&self, store: &Store, index: u32) -> Option<Val> {
        let _ = (store, index);
        todo!("Table::get")
    }

    pub fn set(&self, store: &mut Store, index: u32, v: Val) -> Result<(), Error> {
        let _ = (store, index, v);
        todo!("Table::set")
    }

    pub fn size(&self, store: &Store) -> u32 {
        let _ = store;
        todo!("Table::size")
    }

    /// Grows by `delta` elements set to `init`; returns the old size.
    pub fn grow(&self, store: &mut Store, delta: u32, init: Val) -> Result<u32, Error> {
        let _ = (store, delta, init);
        todo!("Table::grow")
    }
}
