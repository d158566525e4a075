//! Global instances.

use super::engine::wasm_store_t;
use super::extern_::wasm_global_t;
use super::guard;
use super::ref_::{
    ref_as, ref_as_const, ref_as_ref, ref_as_ref_const, ref_copy, ref_get_host_info, ref_same,
    ref_set_host_info, wasm_ref_t,
};
use super::types::KIND_V128;
use super::types::{wasm_externtype_t, wasm_globaltype_t};
use super::val::{wasm_val_t, wasm_val_union};
use crate::{Global, Val};
use std::ffi::c_void;
use std::mem::MaybeUninit;
use std::ptr::{self, NonNull};

/// A new global of type `ty` holding `val`; null when `val` does not have
/// the global's value type, or any argument is null.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_new(
    store: Option<NonNull<wasm_store_t>>,
    ty: Option<&wasm_globaltype_t>,
    val: Option<&wasm_val_t>,
) -> *mut wasm_global_t {
    let (Some(store), Some(ty), Some(val)) = (store, ty, val) else {
        return ptr::null_mut();
    };
    guard(ptr::null_mut(), || {
        // SAFETY: `store` is live.
        let c_store = unsafe { store.as_ref() };
        let ty = ty.to_rust();
        if !val.has_type(ty.content) {
            return ptr::null_mut();
        }
        // SAFETY: `val` holds a live reference or a number.
        let Some(init) = (unsafe { val.to_rust(c_store) }) else {
            return ptr::null_mut();
        };
        // SAFETY: an entry point of this store, see `store()`.
        match Global::new(unsafe { c_store.store() }, ty, init) {
            Ok(g) => wasm_global_t::new(store.as_ptr(), g),
            Err(_) => ptr::null_mut(),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_global_type(g: Option<&wasm_global_t>) -> *mut wasm_globaltype_t {
    let Some(g) = g else {
        return ptr::null_mut();
    };
    guard(ptr::null_mut(), || {
        // SAFETY: an entry point of the global's store.
        let ty = g.global().ty(unsafe { g.ext.store().store() });
        wasm_externtype_t::new_global(&ty)
    })
}

/// Writes the value (owning a new reference for reference types) to `out`;
/// for a null global, a value of kind 0xff (no kind at all) and zero bits.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_get(
    g: Option<&wasm_global_t>,
    out: Option<&mut MaybeUninit<wasm_val_t>>,
) {
    let Some(out) = out else { return };
    let Some(g) = g else {
        out.write(wasm_val_t::none());
        return;
    };
    // SAFETY: an entry point of the global's store.
    let rt = unsafe { g.ext.store().store() };
    let v = g.global().get(rt);
    let c = wasm_val_t::from_rust(g.ext.store, rt, &v).unwrap_or_else(|| {
        // A v128 does not fit: its kind and low half (see brisk.h).
        let Val::V128(bits) = v else {
            unreachable!("only v128 values do not fit")
        };
        wasm_val_t {
            kind: KIND_V128,
            of: wasm_val_union { i64: bits as i64 },
        }
    });
    out.write(c);
}

/// Sets a mutable global; a value of the wrong type, or a constant global,
/// leaves it unchanged (as does a null `g` or `val`: nothing happens).
#[no_mangle]
pub unsafe extern "C" fn wasm_global_set(
    g: Option<NonNull<wasm_global_t>>,
    val: Option<&wasm_val_t>,
) {
    let (Some(g), Some(val)) = (g, val) else {
        return;
    };
    // SAFETY: `g` is live; only shared borrows of it are made.
    let g = unsafe { g.as_ref() };
    let c_store = g.ext.store();
    // SAFETY: an entry point of the global's store.
    let rt = unsafe { c_store.store() };
    if !val.has_type(g.global().ty(rt).content) {
        return;
    }
    // SAFETY: `val` holds a live reference or a number.
    if let Some(v) = unsafe { val.to_rust(c_store) } {
        // The standard gives no way to report the error; the global keeps
        // its value.
        // SAFETY: as above.
        let _ = g.global().set(unsafe { c_store.store() }, v);
    }
}

#[no_mangle]
pub extern "C" fn wasm_global_delete(g: Option<Box<wasm_global_t>>) {
    drop(g)
}

#[no_mangle]
pub extern "C" fn wasm_global_copy(g: Option<&wasm_global_t>) -> *mut wasm_global_t {
    ref_copy(g)
}

#[no_mangle]
pub extern "C" fn wasm_global_same(a: Option<&wasm_global_t>, b: Option<&wasm_global_t>) -> bool {
    ref_same(a, b)
}

#[no_mangle]
pub extern "C" fn wasm_global_get_host_info(g: Option<&wasm_global_t>) -> *mut c_void {
    ref_get_host_info(g)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_global_set_host_info(
    g: Option<NonNull<wasm_global_t>>,
    info: *mut c_void,
) {
    ref_set_host_info(g, info, None)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_global_set_host_info_with_finalizer(
    g: Option<NonNull<wasm_global_t>>,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    ref_set_host_info(g, info, finalizer)
}

#[no_mangle]
pub extern "C" fn wasm_global_as_ref(
    g: Option<NonNull<wasm_global_t>>,
) -> Option<NonNull<wasm_ref_t>> {
    ref_as_ref(g)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_global(
    r: Option<NonNull<wasm_ref_t>>,
) -> Option<NonNull<wasm_global_t>> {
    ref_as(r)
}

#[no_mangle]
pub extern "C" fn wasm_global_as_ref_const(g: Option<&wasm_global_t>) -> Option<&wasm_ref_t> {
    ref_as_ref_const(g)
}

#[no_mangle]
pub extern "C" fn wasm_ref_as_global_const(r: Option<&wasm_ref_t>) -> *const wasm_global_t {
    ref_as_const(r)
}
