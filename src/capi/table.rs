//! Table instances of funcref or externref elements.

use super::engine::wasm_store_t;
use super::extern_::wasm_table_t;
use super::guard;
use super::ref_::{
    ref_as, ref_as_const, ref_as_ref, ref_as_ref_const, ref_copy, ref_get_host_info, ref_of_val,
    ref_same, ref_set_host_info, val_of_ref, wasm_ref_t,
};
use super::types::{wasm_externtype_t, wasm_tabletype_t};
use crate::{Table, Val, ValType};
use std::ffi::c_void;
use std::ptr::{self, NonNull};

pub type wasm_table_size_t = u32;

/// The runtime value of `r` as an element of a table of `elem`s.
///
/// # Safety
/// `r` is null or a live reference.
unsafe fn element(
    store: &wasm_store_t,
    elem: ValType,
    r: Option<NonNull<wasm_ref_t>>,
) -> Option<Val> {
    let r = r.map_or(ptr::null(), |r| r.as_ptr().cast_const());
    // SAFETY: forwarded from the caller.
    unsafe { val_of_ref(store, r, elem == ValType::FuncRef) }
}

/// A new table of type `ty` with every element set to `init` (null is the
/// null reference); null when `init` cannot be an element of the table.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_new(
    store: Option<NonNull<wasm_store_t>>,
    ty: Option<&wasm_tabletype_t>,
    init: Option<NonNull<wasm_ref_t>>,
) -> *mut wasm_table_t {
    let (Some(store), Some(ty)) = (store, ty) else {
        return ptr::null_mut();
    };
    guard(ptr::null_mut(), || {
        // SAFETY: `store` is live.
        let c_store = unsafe { store.as_ref() };
        let ty = ty.to_rust();
        // SAFETY: `init` is null or live.
        let Some(init) = (unsafe { element(c_store, ty.element, init) }) else {
            return ptr::null_mut();
        };
        // SAFETY: an entry point of this store, see `store()`.
        match Table::new(unsafe { c_store.store() }, ty, init) {
            Ok(t) => wasm_table_t::new(store.as_ptr(), t),
            Err(_) => ptr::null_mut(),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_type(t: Option<&wasm_table_t>) -> *mut wasm_tabletype_t {
    let Some(t) = t else {
        return ptr::null_mut();
    };
    guard(ptr::null_mut(), || {
        // SAFETY: an entry point of the table's store.
        let ty = t.table().ty(unsafe { t.ext.store().store() });
        wasm_externtype_t::new_table(&ty)
    })
}

/// The element at `index` as a new reference; null for a null element or
/// an index out of bounds.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_get(
    t: Option<&wasm_table_t>,
    index: wasm_table_size_t,
) -> *mut wasm_ref_t {
    let Some(t) = t else {
        return ptr::null_mut();
    };
    // SAFETY: an entry point of the table's store.
    let rt = unsafe { t.ext.store().store() };
    match t.table().get(rt, index) {
        Some(v) => ref_of_val(t.ext.store, &v, rt),
        None => ptr::null_mut(),
    }
}

/// Sets the element at `index` (null is the null reference); false when out
/// of bounds or when `r` cannot be an element of this table.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_set(
    t: Option<NonNull<wasm_table_t>>,
    index: wasm_table_size_t,
    r: Option<NonNull<wasm_ref_t>>,
) -> bool {
    let Some(t) = t else {
        return false;
    };
    guard(false, || {
        // SAFETY: `t` is live (and may be `r` too: only shared borrows).
        let t = unsafe { t.as_ref() };
        let c_store = t.ext.store();
        // SAFETY: an entry point of the table's store; `r` is null or live.
        let elem = t.table().ty(unsafe { c_store.store() }).element;
        let Some(v) = (unsafe { element(c_store, elem, r) }) else {
            return false;
        };
        // SAFETY: as above.
        t.table().set(unsafe { c_store.store() }, index, v).is_ok()
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_size(t: Option<&wasm_table_t>) -> wasm_table_size_t {
    let Some(t) = t else {
        return 0;
    };
    // SAFETY: an entry point of the table's store.
    t.table().size(unsafe { t.ext.store().store() })
}

/// Grows by `delta` elements set to `init` (null is the null reference);
/// false past the maximum.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_grow(
    t: Option<NonNull<wasm_table_t>>,
    delta: wasm_table_size_t,
    init: Option<NonNull<wasm_ref_t>>,
) -> bool {
    let Some(t) = t else {
        return false;
    };
    guard(false, || {
        // SAFETY: `t` is live (and may be `init` too: only shared borrows).
        let t = unsafe { t.as_ref() };
        let c_store = t.ext.store();
        // SAFETY: an entry point of the table's store; `init` is null or live.
        let elem = t.table().ty(unsafe { c_store.store() }).element;
        let Some(v) = (unsafe { element(c_store, elem, init) }) else {
            return false;
        };
        // SAFETY: as above.
        t.table().grow(unsafe { c_store.store() }, delta, v).is_ok()
    })
}

#[no_mangle]
pub extern "C" fn wasm_table_delete(t: Option<Box<wasm_table_t>>) {
    drop(t)
}

#[no_mangle]
pub extern "C" fn wasm_table_copy(t: Option<&wasm_table_t>) -> *mut wasm_table_t {
    ref_copy(t)
}

#[no_mangle]
pub extern "C" fn wasm_table_same(a: Option<&wasm_table_t>, b: Option<&wasm_table_t>) -> bool {
    ref_same(a, b)
}

#[no_mangle]
pub extern "C" fn wasm_table_get_host_info(t: Option<&wasm_table_t>) -> *mut c_void {
    ref_get_host_info(t)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_set_host_info(
    t: Option<NonNull<wasm_table_t>>,
    info: *mut c_void,
) {
    ref_set_host_info(t, info, None)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_set_host_info_with_finalizer(
    t: Option<NonNull<wasm_table_t>>,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    ref_set_host_info(t, info, finalizer)
}

#[no_mangle]
pub extern "C" fn wasm_table_as_ref(
    t: Option<NonNull<wasm_table_t>>,
) -> Option<NonNull<wasm_ref_t>> {
    ref_as_ref(t)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_table(
    r: Option<NonNull<wasm_ref_t>>,
) -> Option<NonNull<wasm_table_t>> {
    ref_as(r)
}

#[no_mangle]
pub extern "C" fn wasm_table_as_ref_const(t: Option<&wasm_table_t>) -> Option<&wasm_ref_t> {
    ref_as_ref_const(t)
}

#[no_mangle]
pub extern "C" fn wasm_ref_as_table_const(r: Option<&wasm_ref_t>) -> *const wasm_table_t {
    ref_as_const(r)
}
