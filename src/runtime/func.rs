//! Functions: wasm functions of instances and host functions, and calls
//! between host and wasm in both directions.

use super::error::Error;
use super::store::Store;
use super::trap::Trap;
use super::values::Val;
use crate::module::FuncType;

/// A host function: receives the store, the arguments, and the result slots
/// to fill.
pub type HostFunc = dyn Fn(&mut Store, &[Val], &mut [Val]) -> Result<(), Trap>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Func {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl Func {
    pub fn new(
        store: &mut Store,
        ty: FuncType,
        f: impl Fn(&mut Store, &[Val], &mut [Val]) -> Result<(), Trap> + 'static,
    ) -> Func {
        let _ = (store, ty, f);
        todo!("Func::new")
    }

    pub fn ty(&self, store: &Store) -> FuncType {
        let _ = store;
        todo!("Func::ty")
    }

    /// Calls the function after checking the arity and types of `params` and
    /// the arity of `results`.
    pub fn call(
        &self,
        store: &mut Store,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error> {
        let _ = (store, params, results);
        todo!("Func::call")
    }

    /// Calls the function with arguments and results in raw 8-byte slots
    /// (`max(params, results)` of them, a v128 taking two), without checks.
    ///
    /// # Safety
    /// `slots` must point at enough slots holding values of the function's
    /// parameter types; reference values must belong to `store`.
    pub unsafe fn call_raw(&self, store: &mut Store, slots: *mut u64) -> Result<(), Trap> {
        let _ = (store, slots);
        todo!("Func::call_raw")
    }
}
