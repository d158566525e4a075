//! Function instances: host functions made from C callbacks, and calls from
//! C into wasm.
//!
//! `wasm_func_call` has two paths. When every parameter and result is a
//! number, the arguments go straight into raw 8-byte slots on the stack and
//! the call takes `Func::call_raw`: no allocation, no per-value dispatch
//! beyond one type check. Reference (and v128) signatures take the checked
//! `Func::call`, which converts references through the store.

use super::engine::wasm_store_t;
use super::extern_::wasm_func_t;
use super::ref_::{
    ref_as, ref_as_const, ref_as_ref, ref_as_ref_const, ref_copy, ref_get_host_info, ref_same,
    ref_set_host_info, wasm_ref_t,
};
use super::trap::wasm_trap_t;
use super::types::{wasm_externtype_t, wasm_functype_t};
use super::val::{wasm_val_t, wasm_val_union};
use super::vec::{wasm_val_vec_t, CVec, VecElem};
use super::{guard, HostInfo};
use crate::{Func, FuncType, Store, Trap, Val, ValType};
use std::ffi::c_void;
use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::{self, NonNull};

pub type wasm_func_callback_t = Option<
    unsafe extern "C" fn(
        args: *const wasm_val_vec_t,
        results: *mut wasm_val_vec_t,
    ) -> *mut wasm_trap_t,
>;

pub type wasm_func_callback_with_env_t = Option<
    unsafe extern "C" fn(
        env: *mut c_void,
        args: *const wasm_val_vec_t,
        results: *mut wasm_val_vec_t,
    ) -> *mut wasm_trap_t,
>;

/// Values on the stack up to this many; beyond, on the heap.
const INLINE_VALUES: usize = 8;

/// Runs `f` on a buffer of `n` values, on the stack when `n` is small.
fn with_values<R>(n: usize, f: impl FnOnce(&mut [wasm_val_t]) -> R) -> R {
    if n <= INLINE_VALUES {
        // Only the `n` values used are initialised.
        let mut buf = [MaybeUninit::<wasm_val_t>::uninit(); INLINE_VALUES];
        for v in &mut buf[..n] {
            v.write(wasm_val_t::empty());
        }
        // SAFETY: the first `n` values were just initialised.
        f(unsafe { &mut *(&mut buf[..n] as *mut [MaybeUninit<wasm_val_t>] as *mut [wasm_val_t]) })
    } else {
        let mut buf = vec![wasm_val_t::empty(); n];
        f(&mut buf)
    }
}

/// A borrowed view of a buffer as the `wasm_val_vec_t` a callback receives.
fn vec_view(values: &mut [wasm_val_t]) -> wasm_val_vec_t {
    wasm_val_vec_t {
        size: values.len(),
        data: if values.is_empty() {
            ptr::null_mut()
        } else {
            values.as_mut_ptr()
        },
    }
}

/// The C callback of a host function, and the environment it owns.
enum Callback {
    Plain(unsafe extern "C" fn(*const wasm_val_vec_t, *mut wasm_val_vec_t) -> *mut wasm_trap_t),
    WithEnv {
        f: unsafe extern "C" fn(
            *mut c_void,
            *const wasm_val_vec_t,
            *mut wasm_val_vec_t,
        ) -> *mut wasm_trap_t,
        /// Its drop runs the environment's finalizer, when the store (which
        /// owns the host function) is deleted.
        env: HostInfo,
    },
}

/// A host function as the runtime sees it.
struct HostFunc {
    store: *mut wasm_store_t,
    results: Box<[ValType]>,
    callback: Callback,
}

impl HostFunc {
    /// Calls the C callback with `args`, and stores its results in `results`.
    fn call(&self, rt: &mut Store, args: &[Val], results: &mut [Val]) -> Result<(), Trap> {
        // SAFETY: the store outlives the functions it owns.
        let c_store = unsafe { &*self.store };
        c_store.with_active(rt, || {
            // SAFETY: `rt` is the active borrow set just above.
            let rt = unsafe { c_store.store() };
            // One buffer: the arguments, then the results.
            with_values(args.len() + results.len(), |values| {
                let (c_args, c_results) = values.split_at_mut(args.len());
                let outcome = self.call_c(rt, args, c_args, c_results, results);
                for v in values.iter_mut() {
                    // SAFETY: the buffer owns the references in it.
                    unsafe { v.drop_elem() };
                }
                outcome
            })
        })
    }

    fn call_c(
        &self,
        rt: &Store,
        args: &[Val],
        c_args: &mut [wasm_val_t],
        c_results: &mut [wasm_val_t],
        results: &mut [Val],
    ) -> Result<(), Trap> {
        for (c, v) in c_args.iter_mut().zip(args) {
            *c = wasm_val_t::from_rust(self.store, rt, v)
                .ok_or_else(|| Trap::new("a v128 value cannot be passed to a C host function"))?;
        }
        for (c, &ty) in c_results.iter_mut().zip(self.results.iter()) {
            c.kind = super::types::valkind(ty);
        }
        let args_vec = vec_view(c_args);
        let mut results_vec = vec_view(c_results);
        // SAFETY: the callback gets valid vectors that outlive the call.
        let trap = unsafe {
            match &self.callback {
                Callback::Plain(f) => f(&args_vec, &mut results_vec),
                Callback::WithEnv { f, env } => f(env.data(), &args_vec, &mut results_vec),
            }
        };
        if !trap.is_null() {
            // SAFETY: the callback returned an owned trap.
            let trap = unsafe { Box::from_raw(trap) };
            return Err(Trap::new(trap.trap().message()));
        }
        // SAFETY: the results are ours while the store is active.
        let c_store = unsafe { &*self.store };
        for (k, ((c, out), &ty)) in c_results
            .iter()
            .zip(results.iter_mut())
            .zip(self.results.iter())
            .enumerate()
        {
            // SAFETY: the callback filled in valid values.
            if !c.has_type(ty) {
                return Err(Trap::new(format!(
                    "a host function's result {k}: expected {ty}, got {}",
                    c.kind_name()
                )));
            }
            let v = unsafe { c.to_rust(c_store) }.ok_or_else(|| {
                Trap::new(format!(
                    "a host function's result {k}: an invalid {ty} reference"
                ))
            })?;
            *out = v;
        }
        Ok(())
    }
}

fn new_host_func(
    store: Option<NonNull<wasm_store_t>>,
    ty: Option<&wasm_functype_t>,
    callback: Callback,
) -> *mut wasm_func_t {
    let (Some(store), Some(ty)) = (store, ty.and_then(wasm_functype_t::to_rust)) else {
        return ptr::null_mut();
    };
    let host = HostFunc {
        store: store.as_ptr(),
        results: ty.results.clone(),
        callback,
    };
    let body = move |rt: &mut Store, args: &[Val], results: &mut [Val]| {
        // A panic must not unwind through the wasm frames below us.
        catch_unwind(AssertUnwindSafe(|| host.call(rt, args, results)))
            .unwrap_or_else(|_| Err(Trap::new("a host function panicked")))
    };
    // SAFETY: `store` is live; an entry point of this store, see `store()`.
    let func = Func::new(unsafe { store.as_ref().store() }, ty, body);
    wasm_func_t::new(store.as_ptr(), func)
}

/// A host function; null when `store`, `ty` or `callback` is null or `ty`
/// has a null value type.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_new(
    store: Option<NonNull<wasm_store_t>>,
    ty: Option<&wasm_functype_t>,
    callback: wasm_func_callback_t,
) -> *mut wasm_func_t {
    guard(ptr::null_mut(), || match callback {
        Some(f) => new_host_func(store, ty, Callback::Plain(f)),
        None => ptr::null_mut(),
    })
}

/// As `wasm_func_new`; `finalizer(env)` runs when the store is deleted (or
/// right away if the function cannot be created, as for a null `store`,
/// `ty` or `callback`).
#[no_mangle]
pub unsafe extern "C" fn wasm_func_new_with_env(
    store: Option<NonNull<wasm_store_t>>,
    ty: Option<&wasm_functype_t>,
    callback: wasm_func_callback_with_env_t,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> *mut wasm_func_t {
    let env = HostInfo::new(env, finalizer);
    guard(ptr::null_mut(), move || match callback {
        Some(f) => new_host_func(store, ty, Callback::WithEnv { f, env }),
        None => ptr::null_mut(),
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_type(f: Option<&wasm_func_t>) -> *mut wasm_functype_t {
    guard(ptr::null_mut(), || {
        f.map_or(ptr::null_mut(), |f| wasm_externtype_t::new_func(f.ty()))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_param_arity(f: Option<&wasm_func_t>) -> usize {
    f.map_or(0, |f| f.ty().params.len())
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_result_arity(f: Option<&wasm_func_t>) -> usize {
    f.map_or(0, |f| f.ty().results.len())
}

fn is_num(ty: ValType) -> bool {
    matches!(
        ty,
        ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64
    )
}

/// Raw slots on the stack up to this many.
const INLINE_SLOTS: usize = 16;

/// The fast path: numbers only, through raw slots.
fn call_numeric(
    f: &wasm_func_t,
    rt: &mut Store,
    ty: &FuncType,
    args: &[wasm_val_t],
    results: &mut [wasm_val_t],
) -> Result<(), Trap> {
    let n = ty.params.len().max(ty.results.len());
    let mut inline = [0u64; INLINE_SLOTS];
    let mut heap = Vec::new();
    let slots: &mut [u64] = if n <= INLINE_SLOTS {
        &mut inline[..n]
    } else {
        heap.resize(n, 0);
        &mut heap
    };
    for (slot, a) in slots.iter_mut().zip(args) {
        // SAFETY: the kinds were checked against the numeric parameter types.
        *slot = unsafe {
            match a.kind {
                super::types::KIND_I32 => a.of.i32 as u32 as u64,
                super::types::KIND_F32 => a.of.f32.to_bits() as u64,
                _ => a.of.i64 as u64,
            }
        };
    }
    // SAFETY: `slots` holds `max(params, results)` slots with arguments of the
    // function's (numeric) parameter types.
    unsafe { f.func().call_raw(rt, slots.as_mut_ptr()) }?;
    for ((r, &slot), &ty) in results.iter_mut().zip(slots.iter()).zip(ty.results.iter()) {
        let of = match ty {
            ValType::I32 => wasm_val_union {
                i32: slot as u32 as i32,
            },
            ValType::I64 => wasm_val_union { i64: slot as i64 },
            ValType::F32 => wasm_val_union {
                f32: f32::from_bits(slot as u32),
            },
            _ => wasm_val_union {
                f64: f64::from_bits(slot),
            },
        };
        *r = wasm_val_t {
            kind: super::types::valkind(ty),
            of,
        };
    }
    Ok(())
}

/// The general path: any types, through runtime values.
fn call_checked(
    f: &wasm_func_t,
    c_store: &wasm_store_t,
    ty: &FuncType,
    args: &[wasm_val_t],
    results: &mut [wasm_val_t],
) -> Result<(), Trap> {
    let params = args
        .iter()
        // SAFETY: the values come from the caller and hold live references.
        .map(|a| unsafe { a.to_rust(c_store) })
        .collect::<Option<Vec<Val>>>()
        .ok_or_else(|| {
            Trap::new("wasm_func_call: a reference argument is invalid or from another store")
        })?;
    let mut outs: Vec<Val> = ty.results.iter().map(|&t| Val::default_for(t)).collect();
    // SAFETY: an entry point of this store, see `store()`.
    let rt = unsafe { c_store.store() };
    f.func().call(rt, &params, &mut outs).map_err(|e| match e {
        crate::Error::Trap(t) => t,
        other => Trap::new(other.to_string()),
    })?;
    let store_ptr = f.ext.store;
    for (r, v) in results.iter_mut().zip(&outs) {
        *r = wasm_val_t::from_rust(store_ptr, rt, v)
            .ok_or_else(|| Trap::new("a v128 result cannot be returned through wasm_val_t"))?;
    }
    Ok(())
}

/// Calls `f`. Returns null on success, with the results written to
/// `results` (whose size must be the result arity), or an owned trap.
/// Arguments of the wrong number or types, or more room than results, are
/// refused before running. Less room than results (a null or empty vector
/// included) is more lenient than the standard, as the reference
/// implementation is: the function runs, a trap from it is returned as is,
/// and a normal return gives a trap naming the counts, with no result
/// written (results that are references would otherwise leak). A null
/// `args` or `results` is the empty vector; the two are distinct vectors. A
/// null `f` returns a trap that says so (a trap of no store: there is none
/// to find), never null, which would read as success.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_call(
    f: Option<&wasm_func_t>,
    args: Option<&wasm_val_vec_t>,
    results: Option<&mut wasm_val_vec_t>,
) -> *mut wasm_trap_t {
    let Some(f) = f else {
        return wasm_trap_t::from_message(ptr::null_mut(), "wasm_func_call: null function");
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let c_store = f.ext.store();
        let ty = f.ty();
        // SAFETY: the vectors are valid: `size` values at `data`.
        let args: &[wasm_val_t] = args.map_or(&[], |v| unsafe { v.as_slice() });
        // SAFETY: as above.
        let results: &mut [wasm_val_t] = results.map_or(&mut [], |v| unsafe { v.as_mut_slice() });
        if let Some(e) = call_mismatch(ty, args, results.len()) {
            return Err(Trap::new(format!("wasm_func_call: {e}")));
        }
        // Too little room for the results: the function still runs (as in
        // the reference implementation, so that a trap from inside is the
        // one the host sees), none of its results is written, and a normal
        // return becomes a trap naming the counts.
        let short = results.len() < ty.results.len();
        let room = results.len();
        let results: &mut [wasm_val_t] = if short { &mut [] } else { results };
        let ran = if ty
            .params
            .iter()
            .chain(ty.results.iter())
            .all(|&t| is_num(t))
        {
            // SAFETY: an entry point of this store, see `store()`.
            call_numeric(f, unsafe { c_store.store() }, ty, args, results)
        } else {
            call_checked(f, c_store, ty, args, results)
        };
        ran?;
        if short {
            return Err(Trap::new(format!(
                "wasm_func_call: expected room for {} results for a function of type {ty}, got {room}; \
                 the function returned and no result was written",
                ty.results.len()
            )));
        }
        Ok(())
    }));
    let trap = match outcome {
        Ok(Ok(())) => return ptr::null_mut(),
        Ok(Err(trap)) => trap,
        Err(_) => Trap::new("wasm_func_call panicked"),
    };
    // Not guarded: null would read as success (and boxing a trap only fails
    // when memory runs out, which aborts).
    wasm_trap_t::new(f.ext.store, trap)
}

// The reference functions of functions

#[no_mangle]
pub extern "C" fn wasm_func_delete(f: Option<Box<wasm_func_t>>) {
    drop(f)
}

#[no_mangle]
pub extern "C" fn wasm_func_copy(f: Option<&wasm_func_t>) -> *mut wasm_func_t {
    ref_copy(f)
}

#[no_mangle]
pub extern "C" fn wasm_func_same(a: Option<&wasm_func_t>, b: Option<&wasm_func_t>) -> bool {
    ref_same(a, b)
}

#[no_mangle]
pub extern "C" fn wasm_func_get_host_info(f: Option<&wasm_func_t>) -> *mut c_void {
    ref_get_host_info(f)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_set_host_info(
    f: Option<NonNull<wasm_func_t>>,
    info: *mut c_void,
) {
    ref_set_host_info(f, info, None)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_set_host_info_with_finalizer(
    f: Option<NonNull<wasm_func_t>>,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    ref_set_host_info(f, info, finalizer)
}

#[no_mangle]
pub extern "C" fn wasm_func_as_ref(f: Option<NonNull<wasm_func_t>>) -> Option<NonNull<wasm_ref_t>> {
    ref_as_ref(f)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_func(
    r: Option<NonNull<wasm_ref_t>>,
) -> Option<NonNull<wasm_func_t>> {
    ref_as(r)
}

#[no_mangle]
pub extern "C" fn wasm_func_as_ref_const(f: Option<&wasm_func_t>) -> Option<&wasm_ref_t> {
    ref_as_ref_const(f)
}

#[no_mangle]
pub extern "C" fn wasm_ref_as_func_const(r: Option<&wasm_ref_t>) -> *const wasm_func_t {
    ref_as_const(r)
}

/// What is wrong with a call's arguments and result space for type `ty`,
/// naming the first argument of the wrong type.
fn call_mismatch(ty: &FuncType, args: &[wasm_val_t], results: usize) -> Option<String> {
    if args.len() != ty.params.len() {
        return Some(format!(
            "expected {} arguments for a function of type {ty}, got {}",
            ty.params.len(),
            args.len()
        ));
    }
    // Less room than results is found after the call (see `wasm_func_call`).
    if results > ty.results.len() {
        return Some(format!(
            "expected room for {} results for a function of type {ty}, got {results}",
            ty.results.len()
        ));
    }
    let (i, (a, t)) = args
        .iter()
        .zip(ty.params.iter())
        .enumerate()
        .find(|(_, (a, &t))| !a.has_type(t))?;
    Some(format!(
        "argument {i}: expected {t}, got {} (function type {ty})",
        a.kind_name()
    ))
}
