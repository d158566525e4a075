//! Module instances.

use super::engine::wasm_store_t;
use super::extern_::wasm_extern_t;
use super::module::wasm_module_t;
use super::ref_::{
    ref_as, ref_as_const, ref_as_ref, ref_as_ref_const, ref_copy, ref_get_host_info, ref_same,
    ref_set_host_info, wasm_ref_t, with_store_info, HostInfoKey, RefHeader, RefKind, RefObject,
};
use super::trap::wasm_trap_t;
use super::vec::{wasm_extern_vec_t, write_out, CVec};
use super::{guard, into_raw, HostInfo};
use crate::{Error, Extern, Instance, Trap};
use std::ffi::c_void;
use std::mem::MaybeUninit;
use std::ptr::{self, NonNull};

#[repr(C, align(8))]
pub struct wasm_instance_t {
    header: RefHeader,
    pub(crate) store: *mut wasm_store_t,
    pub(crate) instance: Instance,
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

    fn copy(&self) -> *mut Self {
        wasm_instance_t::new(self.store, self.instance)
    }

    fn same(&self, other: &Self) -> bool {
        ptr::eq(self.store, other.store) && self.instance == other.instance
    }

    fn with_host_info<R>(&self, f: impl FnOnce(&mut Option<HostInfo>) -> R) -> R {
        // SAFETY: the store outlives its objects.
        let store = unsafe { &*self.store };
        with_store_info(store, HostInfoKey::Instance(self.instance), f)
    }
}

/// Instantiates `module` with `imports` in the module's import order (null
/// is no imports).
///
/// On failure (a null store or module, a missing, null or mistyped import,
/// or a trap in the start function) returns null and, if `trap` is not
/// null, stores a trap saying why (a trap of no store when `store` is
/// null); on success stores null there.
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_new(
    store: Option<NonNull<wasm_store_t>>,
    module: Option<&wasm_module_t>,
    imports: Option<&wasm_extern_vec_t>,
    trap: Option<&mut MaybeUninit<*mut wasm_trap_t>>,
) -> *mut wasm_instance_t {
    let (Some(store), Some(module)) = (store, module) else {
        if let Some(out) = trap {
            let which = if store.is_none() { "store" } else { "module" };
            let message = format!("wasm_instance_new: null {which}");
            let store_ptr = store.map_or(ptr::null_mut(), NonNull::as_ptr);
            out.write(wasm_trap_t::from_message(store_ptr, message));
        }
        return ptr::null_mut();
    };
    let store_ptr = store.as_ptr();
    // SAFETY: `store` is live; only shared borrows of it are made.
    let c_store = unsafe { store.as_ref() };
    let outcome = guard(Err(Trap::new("wasm_instance_new panicked")), || {
        // SAFETY: `imports` is a valid vector.
        let given = imports.map_or(&[][..], |v| unsafe { v.as_slice() });
        // The runtime checks the count and the types of the imports.
        let mut externs: Vec<Extern> = Vec::with_capacity(given.len());
        for (i, &e) in given.iter().enumerate() {
            // SAFETY: an element is null or a live extern.
            match unsafe { e.as_ref() } {
                Some(e) if ptr::eq(e.store, store_ptr) => externs.push(e.which),
                _ => {
                    return Err(Trap::new(format!(
                        "import {i} is null or belongs to another store"
                    )))
                }
            }
        }
        // SAFETY: an entry point of this store; see `store()`.
        let rt = unsafe { c_store.store() };
        // A module of another engine whose configuration agrees is taken
        // over (see `module_for_engine`).
        let module = super::module::module_for_engine(&module.module, rt.engine())
            .map_err(|e| Trap::new(format!("wasm_instance_new: {e}")))?;
        Instance::new(rt, &module, &externs).map_err(|e| match e {
            Error::Trap(t) => t,
            other => Trap::new(other.to_string()),
        })
    });
    match outcome {
        Ok(instance) => {
            if let Some(out) = trap {
                out.write(ptr::null_mut());
            }
            wasm_instance_t::new(store_ptr, instance)
        }
        Err(t) => {
            if let Some(out) = trap {
                out.write(wasm_trap_t::new(store_ptr, t));
            }
            ptr::null_mut()
        }
    }
}

/// The exports, in the module's export order (none for a null instance).
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_exports(
    i: Option<&wasm_instance_t>,
    out: Option<&mut MaybeUninit<wasm_extern_vec_t>>,
) {
    let Some(out) = out else {
        return;
    };
    let v = i.map_or_else(Vec::new, |i| {
        // SAFETY: the store outlives the instance; an entry point of it.
        let exports = i.instance.exports(unsafe { (*i.store).store() });
        exports
            .into_iter()
            .map(|(_, e)| wasm_extern_t::new(i.store, e))
            .collect()
    });
    write_out(Some(out), v)
}

#[no_mangle]
pub extern "C" fn wasm_instance_delete(i: Option<Box<wasm_instance_t>>) {
    drop(i)
}

#[no_mangle]
pub extern "C" fn wasm_instance_copy(i: Option<&wasm_instance_t>) -> *mut wasm_instance_t {
    ref_copy(i)
}

#[no_mangle]
pub extern "C" fn wasm_instance_same(
    a: Option<&wasm_instance_t>,
    b: Option<&wasm_instance_t>,
) -> bool {
    ref_same(a, b)
}

#[no_mangle]
pub extern "C" fn wasm_instance_get_host_info(i: Option<&wasm_instance_t>) -> *mut c_void {
    ref_get_host_info(i)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_instance_set_host_info(
    i: Option<NonNull<wasm_instance_t>>,
    info: *mut c_void,
) {
    ref_set_host_info(i, info, None)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_instance_set_host_info_with_finalizer(
    i: Option<NonNull<wasm_instance_t>>,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    ref_set_host_info(i, info, finalizer)
}

#[no_mangle]
pub extern "C" fn wasm_instance_as_ref(
    i: Option<NonNull<wasm_instance_t>>,
) -> Option<NonNull<wasm_ref_t>> {
    ref_as_ref(i)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_instance(
    r: Option<NonNull<wasm_ref_t>>,
) -> Option<NonNull<wasm_instance_t>> {
    ref_as(r)
}

#[no_mangle]
pub extern "C" fn wasm_instance_as_ref_const(i: Option<&wasm_instance_t>) -> Option<&wasm_ref_t> {
    ref_as_ref_const(i)
}

#[no_mangle]
pub extern "C" fn wasm_ref_as_instance_const(r: Option<&wasm_ref_t>) -> *const wasm_instance_t {
    ref_as_const(r)
}
