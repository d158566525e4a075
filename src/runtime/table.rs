//! Tables of funcref or externref elements.
//!
//! Elements are raw pointer-sized values as generated code sees them (see
//! `vm::VMTableDefinition`); the store converts them to and from [`Val`].

use super::error::Error;
use super::store::Store;
use super::values::Val;
use crate::module::TableType;
use crate::vm::VMTableDefinition;

/// Tables never grow past this many elements, whatever their maximum says,
/// so that `table.grow` by a huge delta fails instead of exhausting memory.
pub(crate) const MAX_TABLE_ELEMENTS: u32 = 10_000_000;

/// The runtime object behind a [`Table`] handle. `repr(C)` with the
/// definition first: builtins reach it from the `*mut VMTableDefinition`
/// stored in a vmctx.
#[repr(C)]
pub(crate) struct TableData {
    pub(crate) def: VMTableDefinition,
    pub(crate) ty: TableType,
    elements: Vec<usize>,
    /// Set by `release`: the table is gone (no elements, never grows
    /// again); its slot stays so that store indices remain valid.
    released: bool,
}

impl TableData {
    pub(crate) fn new(ty: TableType, init: usize) -> Result<Box<TableData>, Error> {
        if ty.min > MAX_TABLE_ELEMENTS {
            return Err(Error::Resource(format!(
                "table of {} elements exceeds the limit of {MAX_TABLE_ELEMENTS}",
                ty.min
            )));
        }
        let mut table = Box::new(TableData {
            def: VMTableDefinition {
                base: std::ptr::null_mut(),
                length: 0,
                _pad: 0,
            },
            ty,
            elements: vec![init; ty.min as usize],
            released: false,
        });
        table.sync();
        Ok(table)
    }

    /// Keeps the definition generated code reads in step with the elements.
    fn sync(&mut self) {
        self.def.base = self.elements.as_mut_ptr();
        self.def.length = self.elements.len() as u32;
    }

    /// Frees the element storage and leaves an empty table that never
    /// grows. Only for tables no one can reach any more.
    pub(crate) fn release(&mut self) {
        self.elements = Vec::new();
        self.released = true;
        self.sync();
    }

    pub(crate) fn is_released(&self) -> bool {
        self.released
    }

    pub(crate) fn len(&self) -> u32 {
        self.elements.len() as u32
    }

    pub(crate) fn elements(&self) -> &[usize] {
        &self.elements
    }

    pub(crate) fn elements_mut(&mut self) -> &mut [usize] {
        &mut self.elements
    }

    /// Grows by `delta` elements set to `init`; returns the old size, or
    /// `None` past the maximum.
    pub(crate) fn grow(&mut self, delta: u32, init: usize) -> Option<u32> {
        let old = self.len();
        let new = old.checked_add(delta)?;
        let max = self.ty.max.unwrap_or(u32::MAX).min(MAX_TABLE_ELEMENTS);
        if new > max || self.released {
            return None;
        }
        self.elements.try_reserve_exact(delta as usize).ok()?;
        self.elements.resize(new as usize, init);
        self.sync();
        Some(old)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Table {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl Table {
    pub fn new(store: &mut Store, ty: TableType, init: Val) -> Result<Table, Error> {
        if ty.max.is_some_and(|max| max < ty.min) {
            return Err(Error::Type(
                "size minimum must not be greater than maximum".into(),
            ));
        }
        let init = store.ref_to_raw(init, ty.element)?;
        let mode = store.engine().config().bounds_checks;
        store.check_limits(0, 0, 1, mode)?;
        let data = TableData::new(ty, init)?;
        Ok(store.push_table(data))
    }

    /// The table's type; `min` is the current size (as for memories).
    pub fn ty(&self, store: &Store) -> TableType {
        let table = store.table(*self);
        TableType {
            min: table.len(),
            ..table.ty
        }
    }

    /// The element at `index`, or `None` past the end.
    pub fn get(&self, store: &Store, index: u32) -> Option<Val> {
        let table = store.table(*self);
        let raw = *table.elements().get(index as usize)?;
        Some(store.raw_to_ref(raw, table.ty.element))
    }

    pub fn set(&self, store: &mut Store, index: u32, v: Val) -> Result<(), Error> {
        let elem = store.table(*self).ty.element;
        let raw = store.ref_to_raw(v, elem)?;
        let slot = store
            .table_mut(*self)
            .elements_mut()
            .get_mut(index as usize)
            .ok_or_else(|| Error::Resource("table index out of bounds".into()))?;
        *slot = raw;
        Ok(())
    }

    pub fn size(&self, store: &Store) -> u32 {
        store.table(*self).len()
    }

    /// Grows by `delta` elements set to `init`; returns the old size.
    pub fn grow(&self, store: &mut Store, delta: u32, init: Val) -> Result<u32, Error> {
        let elem = store.table(*self).ty.element;
        let raw = store.ref_to_raw(init, elem)?;
        store
            .table_mut(*self)
            .grow(delta, raw)
            .ok_or_else(|| Error::Resource("failed to grow table".into()))
    }
}
