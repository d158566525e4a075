//! Module instances.

use super::engine::wasm_store_t;
use super::extern_::wasm_extern_t;
use super::module::wasm_module_t;
use super::ref_::{
    ref_as, ref_as_ref, ref_copy, ref_delete, ref_get_host_info, ref_same, ref_set_host_info,
    wasm_ref_t, with_store_info, HostInfoKey, RefHeader, RefKind, RefObject,
};
use super::trap::wasm_trap_t;
use super::vec::{wasm_extern_vec_t, write_out, CVec};
use super::{guard, into_raw, HostInfo};
use crate::{Extern, Instance};
use std::ffi::c_void;
use std::ptr;

#[repr(C, align(8))]
pub struct wasm_instance_t {
    header: RefHeader,
    store: *mut wasm_store_t,
    instance: Instance,
}

impl wasm_instance_t {
    pub(crate) fn new(store: *mut wasm_store_t, instance: Instance) -> *mut wasm_instance_t {
        into_raw(wasm_instance_t {
            header: RefHeader::new(RefKind::Instance),
            store,
            instance,
        })
    }
}

impl RefObject for wasm_instance_t {
    fn is(r: &wasm_ref_t) -> bool {
        r.kind() == RefKind::Instance
    }

    unsafe fn copy(this: *const Self) -> *mut Self {
        // SAFETY: `this` is live.
        let this = unsafe { &*this };
        wasm_instance_t::new(this.store, this.instance)
    }

    unsafe fn same(a: *const Self, b: *const Self) -> bool {
        // SAFETY: both are live.
        let (a, b) = unsafe { (&*a, &*b) };
        ptr::eq(a.store, b.store) && a.instance == b.instance
    }

    unsafe fn with_host_info<R>(
        this: *const Self,
        f: impl FnOnce(&mut Option<HostInfo>) -> R,
    ) -> R {
        // SAFETY: `this` is live and its store outlives it.
        let this = unsafe { &*this };
        with_store_info(
            unsafe { &*this.store },
            HostInfoKey::Instance(this.instance),
            f,
        )
    }
}

/// Reports a failure through the optional `trap` out-parameter.
unsafe fn fail(trap_out: *mut *mut wasm_trap_t, trap: *mut wasm_trap_t) -> *mut wasm_instance_t {
    if trap_out.is_null() {
        // SAFETY: nobody else owns the trap.
        unsafe { super::drop_raw(trap) }
    } else {
        // SAFETY: `trap_out` is writable.
        unsafe { trap_out.write(trap) }
    }
    ptr::null_mut()
}

/// Instantiates `module` with `imports` in the module's import order.
///
/// On failure (a missing or mistyped import, or a trap in the start function)
/// returns null and, if `trap` is not null, stores a trap saying why.
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_new(
    store: *mut wasm_store_t,
    module: *const wasm_module_t,
    imports: *const wasm_extern_vec_t,
    trap: *mut *mut wasm_trap_t,
) -> *mut wasm_instance_t {
    guard(ptr::null_mut(), || {
        if !trap.is_null() {
            // SAFETY: `trap` is writable.
            unsafe { trap.write(ptr::null_mut()) };
        }
        if store.is_null() || module.is_null() {
            let t = wasm_trap_t::from_message(store, "wasm_instance_new: null store or module");
            // SAFETY: forwarded from the caller.
            return unsafe { fail(trap, t) };
        }
        // SAFETY: `store` and `module` are live; `imports` is null or valid.
        let (c_store, module) = unsafe { (&*store, &(*module).module) };
        let given = if imports.is_null() {
            &[][..]
        } else {
            // SAFETY: `imports` is a valid vector.
            unsafe { (*imports).as_slice() }
        };
        // The runtime checks the count and the types of the imports.
        let mut externs: Vec<Extern> = Vec::with_capacity(given.len());
        for (i, &e) in given.iter().enumerate() {
            // SAFETY: a non-null element is a live extern.
            if e.is_null() || !ptr::eq(unsafe { (*e).store }, store) {
                let message = format!("import {i} is null or belongs to another store");
                // SAFETY: forwarded from the caller.
                return unsafe { fail(trap, wasm_trap_t::from_message(store, message)) };
            }
            // SAFETY: `e` is live.
            externs.push(unsafe { (*e).which });
        }
        // SAFETY: an entry point of this store; see `store()`.
        match Instance::new(unsafe { c_store.store() }, module, &externs) {
            Ok(instance) => wasm_instance_t::new(store, instance),
            // SAFETY: forwarded from the caller.
            Err(e) => unsafe { fail(trap, wasm_trap_t::from_error(store, e)) },
        }
    })
}

/// The exports, in the module's export order.
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_exports(
    i: *const wasm_instance_t,
    out: *mut wasm_extern_vec_t,
) {
    guard((), || {
        // SAFETY: `i` is live and its store outlives it.
        let i = unsafe { &*i };
        let exports = i.instance.exports(unsafe { (*i.store).store() });
        let v = exports
            .into_iter()
            .map(|(_, e)| wasm_extern_t::new(i.store, e))
            .collect();
        // SAFETY: `out` is writable.
        unsafe { write_out(out, v) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_instance_delete(i: *mut wasm_instance_t) {
    ref_delete(i)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_instance_copy(i: *const wasm_instance_t) -> *mut wasm_instance_t {
    ref_copy(i)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_instance_same(
    a: *const wasm_instance_t,
    b: *const wasm_instance_t,
) -> bool {
    ref_same(a, b)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_instance_get_host_info(i: *const wasm_instance_t) -> *mut c_void {
    ref_get_host_info(i)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_instance_set_host_info(i: *mut wasm_instance_t, info: *mut c_void) {
    ref_set_host_info(i, info, None)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_instance_set_host_info_with_finalizer(
    i: *mut wasm_instance_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    ref_set_host_info(i, info, finalizer)
}

#[no_mangle]
pub extern "C" fn wasm_instance_as_ref(i: *mut wasm_instance_t) -> *mut wasm_ref_t {
    ref_as_ref(i)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_instance(r: *mut wasm_ref_t) -> *mut wasm_instance_t {
    ref_as(r)
}

#[no_mangle]
pub extern "C" fn wasm_instance_as_ref_const(i: *const wasm_instance_t) -> *const wasm_ref_t {
    ref_as_ref(i)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_instance_const(
    r: *const wasm_ref_t,
) -> *const wasm_instance_t {
    ref_as(r)
}
