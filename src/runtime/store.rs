//! The store: owner of every instance, function, memory, table, global and
//! host value created in it.

use super::engine::Engine;
use super::values::ExternRef;
use super::vmctx::VMStoreContext;

/// Owns everything created in it; objects live as long as their store.
/// Not `Sync`: one thread uses a store at a time.
pub struct Store {
    pub(crate) inner: Box<StoreInner>,
}

#[repr(C)]
pub(crate) struct StoreInner {
    /// First field, so a `*mut VMStoreContext` is a `*mut StoreInner`.
    pub(crate) vm: VMStoreContext,
    pub(crate) id: u64,
    pub(crate) engine: Engine,
    pub(crate) externrefs: Vec<Box<dyn std::any::Any>>,
}

impl Store {
    pub fn new(engine: &Engine) -> Store {
        let _ = engine;
        todo!("Store::new")
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    pub(crate) fn new_externref(&mut self, data: Box<dyn std::any::Any>) -> ExternRef {
        let _ = data;
        todo!("ExternRef::new")
    }

    pub(crate) fn externref_data(&self, r: ExternRef) -> &dyn std::any::Any {
        let _ = r;
        todo!("ExternRef::data")
    }
}
