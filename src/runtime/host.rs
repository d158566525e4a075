//! Host functions: their data behind a `VMFuncRef`, the dispatch the exit
//! trampoline calls when wasm calls the host, and running them on raw slots.

use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

use super::func::{func_type, Func, FuncData, FuncKind};
use super::store::{Store, StoreInner};
use super::stubs;
use super::trap::{self, Trap};
use super::values::Val;
use crate::module::FuncType;
use crate::vm::{call_slots, value_slots, VMFuncRef, VMHostFuncContext};

/// A host function: receives the store, the arguments, and the result slots
/// to fill.
pub type HostFunc = dyn Fn(&mut Store, &[Val], &mut [Val]) -> Result<(), Trap>;

/// A host function on raw 8-byte slots (the layout of [`Func::call_raw`]):
/// it reads its arguments from the slots and writes its results there.
pub type RawHostFunc = dyn Fn(&mut Store, *mut u64) -> Result<(), Trap>;

/// The two ways a host function takes its values.
#[derive(Clone)]
pub(crate) enum HostImpl {
    Vals(Rc<HostFunc>),
    Raw(Rc<RawHostFunc>),
}

/// What a host function's `VMFuncRef::vmctx` points at: the context the
/// exit trampoline passes to `dispatch`, then the runtime's own fields.
#[repr(C)]
pub(crate) struct HostFuncData {
    ctx: VMHostFuncContext,
    funcref: VMFuncRef,
    pub(crate) ty: FuncType,
    pub(crate) func: HostImpl,
}

pub(crate) fn new_host(store: &mut Store, ty: FuncType, func: HostImpl) -> Func {
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

/// Checks the values a host function wrote against its result types.
pub(crate) fn check_results(ty: &FuncType, results: &[Val]) -> Result<(), Trap> {
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
pub(crate) unsafe fn call_host(
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
    let nslots = call_slots(ty);
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
            at += value_slots(*t);
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
            at += value_slots(*t);
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
        at += value_slots(*t);
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
