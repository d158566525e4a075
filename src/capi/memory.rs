//! Memory instances.

use super::engine::wasm_store_t;
use super::extern_::wasm_memory_t;
use super::guard;
use super::ref_::{
    ref_as, ref_as_ref, ref_copy, ref_delete, ref_get_host_info, ref_same, ref_set_host_info,
    wasm_ref_t,
};
use super::types::{wasm_externtype_t, wasm_memorytype_t};
use super::vec::byte_t;
use crate::Memory;
use std::ffi::c_void;
use std::ptr;

pub type wasm_memory_pages_t = u32;

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_new(
    store: *mut wasm_store_t,
    ty: *const wasm_memorytype_t,
) -> *mut wasm_memory_t {
    guard(ptr::null_mut(), || {
        if store.is_null() || ty.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: the arguments are live; an entry point of this store.
        let (c_store, ty) = unsafe { (&*store, (*ty).to_rust()) };
        match Memory::new(unsafe { c_store.store() }, ty) {
            Ok(m) => wasm_memory_t::new(store, m),
            Err(_) => ptr::null_mut(),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_type(m: *const wasm_memory_t) -> *mut wasm_memorytype_t {
    guard(ptr::null_mut(), || {
        // SAFETY: `m` is live; an entry point of its store.
        let m = unsafe { &*m };
        let ty = m.memory().ty(unsafe { m.ext.store().store() });
        wasm_externtype_t::new_memory(&ty)
    })
}

/// The base of the memory's bytes; valid until the memory grows.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_data(m: *mut wasm_memory_t) -> *mut byte_t {
    guard(ptr::null_mut(), || {
        // SAFETY: `m` is live; an entry point of its store.
        let m = unsafe { &*m };
        m.memory().data_ptr(unsafe { m.ext.store().store() }).cast()
    })
}

/// The size in bytes.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_data_size(m: *const wasm_memory_t) -> usize {
    guard(0, || {
        // SAFETY: `m` is live; an entry point of its store.
        let m = unsafe { &*m };
        m.memory().data_size(unsafe { m.ext.store().store() })
    })
}

/// The size in pages.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_size(m: *const wasm_memory_t) -> wasm_memory_pages_t {
    guard(0, || {
        // SAFETY: `m` is live; an entry point of its store.
        let m = unsafe { &*m };
        m.memory().size(unsafe { m.ext.store().store() })
    })
}

/// Grows by `delta` pages; false past the maximum or when out of memory.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_grow(
    m: *mut wasm_memory_t,
    delta: wasm_memory_pages_t,
) -> bool {
    guard(false, || {
        // SAFETY: `m` is live; an entry point of its store.
        let m = unsafe { &*m };
        m.memory()
            .grow(unsafe { m.ext.store().store() }, delta)
            .is_ok()
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_delete(m: *mut wasm_memory_t) {
    ref_delete(m)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_copy(m: *const wasm_memory_t) -> *mut wasm_memory_t {
    ref_copy(m)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_same(
    a: *const wasm_memory_t,
    b: *const wasm_memory_t,
) -> bool {
    ref_same(a, b)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_get_host_info(m: *const wasm_memory_t) -> *mut c_void {
    ref_get_host_info(m)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_set_host_info(m: *mut wasm_memory_t, info: *mut c_void) {
    ref_set_host_info(m, info, None)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_set_host_info_with_finalizer(
    m: *mut wasm_memory_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    ref_set_host_info(m, info, finalizer)
}

#[no_mangle]
pub extern "C" fn wasm_memory_as_ref(m: *mut wasm_memory_t) -> *mut wasm_ref_t {
    ref_as_ref(m)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_memory(r: *mut wasm_ref_t) -> *mut wasm_memory_t {
    ref_as(r)
}

#[no_mangle]
pub extern "C" fn wasm_memory_as_ref_const(m: *const wasm_memory_t) -> *const wasm_ref_t {
    ref_as_ref(m)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_memory_const(r: *const wasm_ref_t) -> *const wasm_memory_t {
    ref_as(r)
}
