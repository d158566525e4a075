//! Functions: wasm functions of instances and host functions, and calls
//! between host and wasm in both directions.

use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

use super::activation;
use super::error::Error;
use super::store::{slot_width, Store, StoreInner};
use super::stubs;
use super::trampoline_abi::EntryTrampoline;
use super::trap::{self, Trap};
use super::values::Val;
use super::vmctx::{VMFuncRef, VMHostFuncContext};
use crate::module::{FuncType, ValType};

/// A host function: receives the store, the arguments, and the result slots
/// to fill.
pub type HostFunc = dyn Fn(&mut Store, &[Val], &mut [Val]) -> Result<(), Trap>;

/// A host function on raw 8-byte slots (the layout of [`Func::call_raw`]):
/// it reads its arguments from the slots and writes its results there.
pub type RawHostFunc = dyn Fn(&mut Store, *mut u64) -> Result<(), Trap>;

/// The two ways a host function takes its values.
#[derive(Clone)]
enum HostImpl {
    Vals(Rc<HostFunc>),
    Raw(Rc<RawHostFunc>),
}

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

/// What a host function's `VMFuncRef::vmctx` points at: the context the
/// exit trampoline passes to `dispatch`, then the runtime's own fields.
#[repr(C)]
pub(crate) struct HostFuncData {
    ctx: VMHostFuncContext,
    funcref: VMFuncRef,
    pub(crate) ty: FuncType,
    func: HostImpl,
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
        let needed = params.len().max(results.len()) * 2;
        let slots = if needed <= inline.len() {
            &mut inline[..]
        } else {
            heap.resize(needed, 0);
            &mut heap[..]
        };
        let mut at = 0;
        for (v, t) in params.iter().zip(ty.params.iter()) {
            store.val_to_slots(*v, &mut slots[at..])?;
            at += slot_width(*t);
        }
        // SAFETY: the slots hold arguments of the checked types and are large enough.
        unsafe { self.call_raw(store, slots.as_mut_ptr()) }.map_err(Error::Trap)?;
        let mut at = 0;
        for (r, t) in results.iter_mut().zip(ty.results.iter()) {
            *r = store.slots_to_val(&slots[at..], *t);
            at += slot_width(*t);
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
                unsafe { call_host(store, &f, *self, slots) }
            }
        }
    }
}

fn new_host(store: &mut Store, ty: FuncType, func: HostImpl) -> Func {
    let type_id = store.engine().type_id(&ty);
    let index = store.inner.funcs.len() as u32;
    let mut data = Box::new(HostFuncData {
        ctx: VMHostFuncContext {
            dispatch: host_dispatch,
            store: &mut store.inner.vm,
        },
        funcref: VMFuncRef {
            code: stubs::get().exit_trampoline,
            vmctx: std::ptr::null_mut(),
            type_id,
            _pad: index,
        },
        ty,
        func,
    });
    data.funcref.vmctx = &mut data.ctx as *mut VMHostFuncContext as *mut u8;
    let funcref = &data.funcref as *const VMFuncRef;
    store.inner.funcs.push(FuncData {
        funcref,
        kind: FuncKind::Host(data),
    });
    Func {
        store_id: store.id(),
        index,
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

fn slot_count(types: &[ValType]) -> usize {
    types.iter().map(|t| slot_width(*t)).sum()
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

/// Checks the values a host function wrote against its result types.
fn check_results(ty: &FuncType, results: &[Val]) -> Result<(), Trap> {
    for (v, t) in results.iter().zip(ty.results.iter()) {
        if v.ty() != *t {
            return Err(Trap::new(format!(
                "host function returned a {} value where {t} was expected",
                v.ty()
            )));
        }
    }
    Ok(())
}

/// Runs a host function on raw slots.
///
/// # Safety
/// `slots` holds the function's arguments and has room for its results.
unsafe fn call_host(
    store: &mut Store,
    f: &HostImpl,
    func: Func,
    slots: *mut u64,
) -> Result<(), Trap> {
    match f {
        // `new_raw`'s contract covers the results.
        HostImpl::Raw(f) => f(store, slots),
        // SAFETY: the caller provides the slots.
        HostImpl::Vals(f) => unsafe { call_host_vals(store, f, func, slots) },
    }
}

/// Runs a [`Val`]-based host function on raw slots: decode, call, check and
/// encode the results.
///
/// # Safety
/// `slots` holds the function's arguments and has room for its results.
unsafe fn call_host_vals(
    store: &mut Store,
    f: &Rc<HostFunc>,
    func: Func,
    slots: *mut u64,
) -> Result<(), Trap> {
    let ty = func_type(store, func);
    let (nparams, nresults) = (ty.params.len(), ty.results.len());
    let nslots = slot_count(&ty.params).max(slot_count(&ty.results));
    // SAFETY: the caller provides max(params, results) slots.
    let slots = unsafe { std::slice::from_raw_parts_mut(slots, nslots) };
    // Small signatures (nearly all) keep their values on the stack,
    // initialising only the values used.
    const INLINE: usize = 8;
    let mut inline = [const { MaybeUninit::<Val>::uninit() }; INLINE];
    let mut heap = Vec::new();
    let vals: &mut [Val] = if nparams + nresults <= INLINE {
        let mut at = 0;
        for (v, t) in inline.iter_mut().zip(ty.params.iter()) {
            v.write(store.slots_to_val(&slots[at..], *t));
            at += slot_width(*t);
        }
        for (v, t) in inline[nparams..].iter_mut().zip(ty.results.iter()) {
            v.write(Val::default_for(*t));
        }
        // SAFETY: the first nparams + nresults values were just written.
        unsafe {
            &mut *(&mut inline[..nparams + nresults] as *mut [MaybeUninit<Val>] as *mut [Val])
        }
    } else {
        let mut at = 0;
        for t in ty.params.iter() {
            heap.push(store.slots_to_val(&slots[at..], *t));
            at += slot_width(*t);
        }
        heap.extend(ty.results.iter().map(|t| Val::default_for(*t)));
        &mut heap
    };
    let (params, results) = vals.split_at_mut(nparams);
    f(store, params, results)?;
    let ty = func_type(store, func);
    check_results(ty, results)?;
    let mut at = 0;
    for (v, t) in results.iter().zip(ty.results.iter()) {
        store
            .val_to_slots(*v, &mut slots[at..])
            .map_err(|e| Trap::new(e.to_string()))?;
        at += slot_width(*t);
    }
    Ok(())
}

/// Called by the exit trampoline when wasm calls a host function. Returns 0
/// on success; otherwise records the trap (with the wasm frames above `fp`)
/// in the store and returns 1 so that the trampoline unwinds.
unsafe extern "C" fn host_dispatch(
    ctx: *mut VMHostFuncContext,
    values: *mut u64,
    fp: usize,
) -> u32 {
    let data = ctx as *const HostFuncData;
    // SAFETY: the exit trampoline passes the context of a live host function, whose store is alive.
    let (inner, f, index) = unsafe {
        (
            (*ctx).store as *mut StoreInner,
            (*data).func.clone(),
            (*data).funcref._pad,
        )
    };
    // SAFETY: `outer` was set when this store entered wasm and its borrow is suspended meanwhile.
    let store = unsafe { &mut *(*inner).outer };
    let func = Func {
        store_id: store.id(),
        index,
    };
    // No panic may unwind into generated code.
    let result = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the trampoline's slots hold the arguments and have room for the results.
        unsafe { call_host(store, &f, func, values) }
    }));
    let trap = match result {
        Ok(Ok(())) => return 0,
        Ok(Err(trap)) => trap,
        Err(panic) => Trap::new(format!("host function panicked: {}", panic_message(&panic))),
    };
    // The exit trampoline's frame: [fp] is the calling wasm frame's rbp,
    // [fp + 8] the return address into it.
    // SAFETY: `fp` is the exit trampoline's frame, whose caller chain is wasm frames.
    let frames = unsafe {
        let fp = fp as *const usize;
        trap::backtrace(&store.inner, None, *fp.add(1), *fp)
    };
    store.inner.pending_trap = Some(trap.append_frames(frames));
    1
}

pub(crate) fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}
