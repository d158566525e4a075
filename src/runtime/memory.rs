//! Linear memories.

use super::error::Error;
use super::store::Store;
use crate::module::MemoryType;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Memory {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl Memory {
    pub fn new(store: &mut Store, ty: MemoryType) -> Result<Memory, Error> {
        let _ = (store, ty);
        todo!("Memory::new")
    }

    pub fn ty(&self, store: &Store) -> MemoryType {
        let _ = store;
        todo!("Memory::ty")
    }

    pub fn data<'a>(&self, store: &'a Store) -> &'a [u8] {
        let _ = store;
        todo!("Memory::data")
    }

    pub fn data_mut<'a>(&self, store: &'a mut Store) -> &'a mut [u8] {
        let _ = store;
        todo!("Memory::data_mut")
    }

    pub fn data_ptr(&self, store: &Store) -> *mut u8 {
        let _ = store;
        todo!("Memory::data_ptr")
    }

    /// Current size in bytes.
    pub fn data_size(&self, store: &Store) -> usize {
        let _ = store;
        todo!("Memory::data_size")
    }

    /// Current size in pages.
    pub fn size(&self, store: &Store) -> u32 {
        let _ = store;
        todo!("Memory::size")
    }

    /// Grows by `delta` pages; returns the old size in pages.
    pub fn grow(&self, store: &mut Store, delta: u32) -> Result<u32, Error> {
        let _ = (store, delta);
        todo!("Memory::grow")
    }
}
