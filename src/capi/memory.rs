//! Memory instances.

use super::engine::wasm_store_t;
use super::extern_::wasm_memory_t;
use super::guard;
use super::ref_::{
    ref_as, ref_as_const, ref_as_ref, ref_as_ref_const, ref_copy, ref_get_host_info, ref_same,
    ref_set_host_info, wasm_ref_t,
};
use super::types::{wasm_externtype_t, wasm_memorytype_t};
use super::vec::byte_t;
use crate::Memory;
use std::ffi::c_void;
use std::ptr::{self, NonNull};

pub type wasm_memory_pages_t = u32;

/// A new memory; null when the type's limits are invalid or the memory
/// cannot be reserved.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_new(
    store: Option<NonNull<wasm_store_t>>,
    ty: Option<&wasm_memorytype_t>,
) -> *mut wasm_memory_t {
    let (Some(store), Some(ty)) = (store, ty) else {
        return ptr::null_mut();
    };
    guard(ptr::null_mut(), || {
        // SAFETY: `store` is live; an entry point of this store.
        match Memory::new(unsafe { store.as_ref().store() }, ty.to_rust()) {
            Ok(m) => wasm_memory_t::new(store.as_ptr(), m),
            Err(_) => ptr::null_mut(),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_type(m: Option<&wasm_memory_t>) -> *mut wasm_memorytype_t {
    let Some(m) = m else {
        return ptr::null_mut();
    };
    guard(ptr::null_mut(), || {
        // SAFETY: an entry point of the memory's store.
        let ty = m.memory().ty(unsafe { m.ext.store().store() });
        wasm_externtype_t::new_memory(&ty)
    })
}

/// The base of the memory's bytes; valid until the memory grows.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_data(m: Option<NonNull<wasm_memory_t>>) -> *mut byte_t {
    let Some(m) = m else {
        return ptr::null_mut();
    };
    // SAFETY: `m` is live; an entry point of its store.
    let m = unsafe { m.as_ref() };
    m.memory().data_ptr(unsafe { m.ext.store().store() }).cast()
}

/// The size in bytes.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_data_size(m: Option<&wasm_memory_t>) -> usize {
    let Some(m) = m else {
        return 0;
    };
    // SAFETY: an entry point of the memory's store.
    m.memory().data_size(unsafe { m.ext.store().store() })
}

/// The size in pages.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_size(m: Option<&wasm_memory_t>) -> wasm_memory_pages_t {
    let Some(m) = m else {
        return 0;
    };
    // SAFETY: an entry point of the memory's store.
    m.memory().size(unsafe { m.ext.store().store() })
}

/// Grows by `delta` pages; false past the maximum or when out of memory.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_grow(
    m: Option<NonNull<wasm_memory_t>>,
    delta: wasm_memory_pages_t,
) -> bool {
    let Some(m) = m else {
        return false;
    };
    guard(false, || {
        // SAFETY: `m` is live; an entry point of its store.
        let m = unsafe { m.as_ref() };
        m.memory()
            .grow(unsafe { m.ext.store().store() }, delta)
            .is_ok()
    })
}

#[no_mangle]
pub extern "C" fn wasm_memory_delete(m: Option<Box<wasm_memory_t>>) {
    drop(m)
}

#[no_mangle]
pub extern "C" fn wasm_memory_copy(m: Option<&wasm_memory_t>) -> *mut wasm_memory_t {
    ref_copy(m)
}

#[no_mangle]
pub extern "C" fn wasm_memory_same(a: Option<&wasm_memory_t>, b: Option<&wasm_memory_t>) -> bool {
    ref_same(a, b)
}

#[no_mangle]
pub extern "C" fn wasm_memory_get_host_info(m: Option<&wasm_memory_t>) -> *mut c_void {
    ref_get_host_info(m)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_set_host_info(
    m: Option<NonNull<wasm_memory_t>>,
    info: *mut c_void,
) {
    ref_set_host_info(m, info, None)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_set_host_info_with_finalizer(
    m: Option<NonNull<wasm_memory_t>>,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    ref_set_host_info(m, info, finalizer)
}

#[no_mangle]
pub extern "C" fn wasm_memory_as_ref(
    m: Option<NonNull<wasm_memory_t>>,
) -> Option<NonNull<wasm_ref_t>> {
    ref_as_ref(m)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_memory(
    r: Option<NonNull<wasm_ref_t>>,
) -> Option<NonNull<wasm_memory_t>> {
    ref_as(r)
}

#[no_mangle]
pub extern "C" fn wasm_memory_as_ref_const(m: Option<&wasm_memory_t>) -> Option<&wasm_ref_t> {
    ref_as_ref_const(m)
}

#[no_mangle]
pub extern "C" fn wasm_ref_as_memory_const(r: Option<&wasm_ref_t>) -> *const wasm_memory_t {
    ref_as_const(r)
}
