//! Functions: the `Func` handle for wasm and host functions, and calls
//! from the host (checked with `Val`s, or raw slots). Host functions
//! themselves, and calls from wasm to the host, are in `host`.

use std::rc::Rc;

use super::activation;
use super::error::Error;
use super::host::{self, check_results, new_host, HostFuncData, HostImpl};
use super::store::Store;
use super::trap::Trap;
use super::values::Val;
use crate::module::FuncType;
use crate::vm::{value_slots, EntryTrampoline, VMFuncRef, MAX_VALUE_SLOTS};

pub use super::host::{HostFunc, RawHostFunc};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Func {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

/// The runtime object behind a [`Func`] handle.
pub(crate) struct FuncData {
    /// The function's canonical `VMFuncRef` (in its instance's vmctx, or in
    /// its host data); funcref values of this function point here.
    pub(crate) funcref: *const VMFuncRef,
    pub(crate) kind: FuncKind,
}

pub(crate) enum FuncKind {
    /// A function defined by a module instance.
    Wasm {
        instance: u32,
        /// The module's type index of the function.
        type_index: u32,
        trampoline: EntryTrampoline,
    },
    Host(Box<HostFuncData>),
}

impl Func {
    pub fn new(
        store: &mut Store,
        ty: FuncType,
        f: impl Fn(&mut Store, &[Val], &mut [Val]) -> Result<(), Trap> + 'static,
    ) -> Func {
        new_host(store, ty, HostImpl::Vals(Rc::new(f)))
    }

    /// A host function that takes and returns its values in raw slots, with
    /// no conversion to [`Val`]: the fast path for embedders (such as the C
    /// API) with their own value representation. The slots are laid out as
    /// for [`Func::call_raw`]; [`Val::to_slots`] and [`Val::from_slots`]
    /// convert.
    ///
    /// # Safety
    /// Whenever `f` returns `Ok`, it must have written a valid value of each
    /// result type to the result slots (references: of this store).
    pub unsafe fn new_raw(
        store: &mut Store,
        ty: FuncType,
        f: impl Fn(&mut Store, *mut u64) -> Result<(), Trap> + 'static,
    ) -> Func {
        new_host(store, ty, HostImpl::Raw(Rc::new(f)))
    }

    pub fn ty(&self, store: &Store) -> FuncType {
        func_type(store, *self).clone()
    }

    /// Calls the function after checking the arity and types of `params` and
    /// the arity of `results`.
    pub fn call(
        &self,
        store: &mut Store,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error> {
        // The type lives in a module or host function the store keeps for
        // its whole life, so a pointer to it stays valid across the call
        // (which needs the store mutably).
        let ty: *const FuncType = func_type(store, *self);
        // SAFETY: see above; nothing frees the type while `store` lives.
        let ty = unsafe { &*ty };
        check_args(ty, params, results)?;
        if let FuncKind::Host(host) = &store.func(*self).kind {
            if let HostImpl::Vals(f) = &host.func {
                let f = f.clone();
                f(store, params, results).map_err(Error::Trap)?;
                return check_results(ty, results)
                    .map_err(|t| Error::Type(t.message().to_string()));
            }
        }
        // Nearly every signature fits the inline slots (v128s take two).
        let mut inline = [0u64; 8];
        let mut heap = Vec::new();
        let needed = params.len().max(results.len()) * MAX_VALUE_SLOTS;
        let slots = if needed <= inline.len() {
            &mut inline[..]
        } else {
            heap.resize(needed, 0);
            &mut heap[..]
        };
        let mut at = 0;
        for (v, t) in params.iter().zip(ty.params.iter()) {
            store.val_to_slots(*v, &mut slots[at..])?;
            at += value_slots(*t);
        }
        // SAFETY: the slots hold arguments of the checked types and are large enough.
        unsafe { self.call_raw(store, slots.as_mut_ptr()) }.map_err(Error::Trap)?;
        let mut at = 0;
        for (r, t) in results.iter_mut().zip(ty.results.iter()) {
            *r = store.slots_to_val(&slots[at..], *t);
            at += value_slots(*t);
        }
        Ok(())
    }

    /// Calls the function with arguments and results in raw 8-byte slots
    /// (`max(params, results)` of them, a v128 taking two), without checks.
    ///
    /// # Safety
    /// `slots` must point at enough slots holding values of the function's
    /// parameter types; reference values must belong to `store`.
    pub unsafe fn call_raw(&self, store: &mut Store, slots: *mut u64) -> Result<(), Trap> {
        let data = store.func(*self);
        match &data.kind {
            FuncKind::Wasm { trampoline, .. } => {
                // SAFETY: the canonical funcref of a live function of this store.
                let funcref = unsafe { &*data.funcref };
                let (vmctx, code, trampoline) = (funcref.vmctx, funcref.code, *trampoline);
                // SAFETY: trampoline, code and vmctx belong together; the caller vouches for the slots.
                unsafe { activation::call_wasm(store, trampoline, vmctx, code, slots) }
            }
            FuncKind::Host(host) => {
                let f = host.func.clone();
                // SAFETY: the caller vouches for the slots.
                unsafe { host::call_host(store, &f, *self, slots) }
            }
        }
    }
}

pub(crate) fn func_type(store: &Store, f: Func) -> &FuncType {
    match &store.func(f).kind {
        FuncKind::Wasm {
            instance,
            type_index,
            ..
        } => {
            let module = &store.inner.instances[*instance as usize].module;
            &module.inner.info.types[*type_index as usize]
        }
        FuncKind::Host(host) => &host.ty,
    }
}

fn check_args(ty: &FuncType, params: &[Val], results: &[Val]) -> Result<(), Error> {
    if params.len() != ty.params.len() {
        return Err(Error::Type(format!(
            "expected {} arguments, got {}",
            ty.params.len(),
            params.len()
        )));
    }
    if results.len() != ty.results.len() {
        return Err(Error::Type(format!(
            "expected {} results, got space for {}",
            ty.results.len(),
            results.len()
        )));
    }
    for (i, (v, t)) in params.iter().zip(ty.params.iter()).enumerate() {
        if v.ty() != *t {
            return Err(Error::Type(format!(
                "argument {i}: expected {t}, got {}",
                v.ty()
            )));
        }
    }
    Ok(())
}
