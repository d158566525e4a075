//! Modules: compilation, validation, reflection, serialization, and sharing
//! across threads and stores.

use super::engine::wasm_store_t;
use super::ref_::{
    ref_as, ref_as_ref, ref_copy, ref_delete, ref_get_host_info, ref_same, ref_set_host_info,
    wasm_ref_t, with_shared, RefHeader, RefKind, RefObject, SharedHostInfo,
};
use super::types::{wasm_exporttype_t, wasm_importtype_t};
use super::vec::{wasm_byte_vec_t, wasm_exporttype_vec_t, wasm_importtype_vec_t, write_out};
use super::{drop_raw, guard, into_raw, HostInfo};
use crate::Module;
use std::ffi::c_void;
use std::ptr;
use std::sync::{Arc, Mutex};

#[repr(C, align(8))]
pub struct wasm_module_t {
    header: RefHeader,
    pub(crate) module: Module,
    host_info: SharedHostInfo,
}

impl wasm_module_t {
    pub(crate) fn new_raw(module: Module) -> *mut wasm_module_t {
        into_raw(wasm_module_t {
            header: RefHeader::new(RefKind::Module),
            module,
            host_info: Arc::new(Mutex::new(None)),
        })
    }
}

impl RefObject for wasm_module_t {
    fn is(r: &wasm_ref_t) -> bool {
        r.kind() == RefKind::Module
    }

    unsafe fn copy(this: *const Self) -> *mut Self {
        // SAFETY: `this` is live.
        let this = unsafe { &*this };
        into_raw(wasm_module_t {
            header: RefHeader::new(RefKind::Module),
            module: this.module.clone(),
            host_info: this.host_info.clone(),
        })
    }

    unsafe fn same(a: *const Self, b: *const Self) -> bool {
        // SAFETY: both are live.
        unsafe { Arc::ptr_eq(&(*a).host_info, &(*b).host_info) }
    }

    unsafe fn with_host_info<R>(
        this: *const Self,
        f: impl FnOnce(&mut Option<HostInfo>) -> R,
    ) -> R {
        // SAFETY: `this` is live.
        with_shared(unsafe { &(*this).host_info }, f)
    }
}

/// The bytes of a binary argument; null is empty (and invalid).
///
/// # Safety
/// `binary` is null or a valid byte vector.
unsafe fn bytes_of<'a>(binary: *const wasm_byte_vec_t) -> &'a [u8] {
    if binary.is_null() {
        &[]
    } else {
        // SAFETY: forwarded from the caller.
        unsafe { (*binary).bytes() }
    }
}

/// Compiles a module; null when the bytes are malformed or invalid.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_new(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    guard(ptr::null_mut(), || {
        if store.is_null() || binary.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: `store` is live; `binary` is a valid vector.
        let engine = unsafe { (*store).store() }.engine().clone();
        match Module::new(&engine, unsafe { bytes_of(binary) }) {
            Ok(module) => wasm_module_t::new_raw(module),
            Err(_) => ptr::null_mut(),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_validate(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
) -> bool {
    guard(false, || {
        if store.is_null() || binary.is_null() {
            return false;
        }
        // SAFETY: `store` is live; `binary` is a valid vector.
        let engine = unsafe { (*store).store() }.engine().clone();
        Module::validate(&engine, unsafe { bytes_of(binary) }).is_ok()
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_imports(
    m: *const wasm_module_t,
    out: *mut wasm_importtype_vec_t,
) {
    guard((), || {
        // SAFETY: `m` is live.
        let imports = unsafe { &(*m).module }.imports();
        let v = imports
            .iter()
            .map(|i| wasm_importtype_t::new(&i.module, &i.name, &i.ty))
            .collect();
        // SAFETY: `out` is writable.
        unsafe { write_out(out, v) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_exports(
    m: *const wasm_module_t,
    out: *mut wasm_exporttype_vec_t,
) {
    guard((), || {
        // SAFETY: `m` is live.
        let exports = unsafe { &(*m).module }.exports();
        let v = exports
            .iter()
            .map(|e| wasm_exporttype_t::new(&e.name, &e.ty))
            .collect();
        // SAFETY: `out` is writable.
        unsafe { write_out(out, v) }
    })
}

/// The compiled module, in the runtime's versioned, checksummed format.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_serialize(m: *const wasm_module_t, out: *mut wasm_byte_vec_t) {
    guard((), || {
        // SAFETY: `m` is live.
        let bytes = unsafe { &(*m).module }.serialize();
        if !out.is_null() {
            // SAFETY: `out` is writable.
            unsafe { out.write(wasm_byte_vec_t::from_bytes(&bytes)) }
        }
    })
}

/// Loads what `wasm_module_serialize` wrote; null for corrupted data or data
/// from another version or configuration.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_deserialize(
    store: *mut wasm_store_t,
    bytes: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    guard(ptr::null_mut(), || {
        if store.is_null() || bytes.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: `store` is live; `bytes` is a valid vector.
        let engine = unsafe { (*store).store() }.engine().clone();
        match Module::deserialize(&engine, unsafe { bytes_of(bytes) }) {
            Ok(module) => wasm_module_t::new_raw(module),
            Err(_) => ptr::null_mut(),
        }
    })
}

/// A module that any thread may turn back into a `wasm_module_t` of its own
/// store with `wasm_module_obtain`; the compiled code is shared.
pub struct wasm_shared_module_t {
    module: Module,
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_share(m: *const wasm_module_t) -> *mut wasm_shared_module_t {
    guard(ptr::null_mut(), || {
        if m.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: `m` is live.
        let module = unsafe { &(*m).module }.clone();
        into_raw(wasm_shared_module_t { module })
    })
}

/// The shared module as a module of `store`; null when the store's engine is
/// not the one the module was compiled with.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_obtain(
    store: *mut wasm_store_t,
    shared: *const wasm_shared_module_t,
) -> *mut wasm_module_t {
    guard(ptr::null_mut(), || {
        if store.is_null() || shared.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: `store` and `shared` are live.
        let (store, module) = unsafe { ((*store).store(), &(*shared).module) };
        // Compiled code is specific to its engine (type ids, configuration).
        if !module.engine().same(store.engine()) {
            return ptr::null_mut();
        }
        wasm_module_t::new_raw(module.clone())
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_shared_module_delete(shared: *mut wasm_shared_module_t) {
    guard((), || drop_raw(shared))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_delete(m: *mut wasm_module_t) {
    ref_delete(m)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_copy(m: *const wasm_module_t) -> *mut wasm_module_t {
    ref_copy(m)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_same(
    a: *const wasm_module_t,
    b: *const wasm_module_t,
) -> bool {
    ref_same(a, b)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_get_host_info(m: *const wasm_module_t) -> *mut c_void {
    ref_get_host_info(m)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_set_host_info(m: *mut wasm_module_t, info: *mut c_void) {
    ref_set_host_info(m, info, None)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_set_host_info_with_finalizer(
    m: *mut wasm_module_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    ref_set_host_info(m, info, finalizer)
}

#[no_mangle]
pub extern "C" fn wasm_module_as_ref(m: *mut wasm_module_t) -> *mut wasm_ref_t {
    ref_as_ref(m)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_module(r: *mut wasm_ref_t) -> *mut wasm_module_t {
    ref_as(r)
}

#[no_mangle]
pub extern "C" fn wasm_module_as_ref_const(m: *const wasm_module_t) -> *const wasm_ref_t {
    ref_as_ref(m)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_module_const(r: *const wasm_ref_t) -> *const wasm_module_t {
    ref_as(r)
}
