//! Externals: the one object behind `wasm_extern_t`, `wasm_func_t`,
//! `wasm_global_t`, `wasm_table_t` and `wasm_memory_t`.
//!
//! A function, global, table or memory is always allocated as a
//! [`wasm_extern_t`]; the narrower types are views of the same allocation
//! (same size and alignment, checked at compile time), so the `as_extern` and
//! `extern_as` conversions are casts and any view can be deleted.

use super::engine::wasm_store_t;
use super::ref_::{
    ref_as, ref_as_ref, ref_copy, ref_delete, ref_get_host_info, ref_same, ref_set_host_info,
    wasm_ref_t, with_store_info, HostInfoKey, RefHeader, RefKind, RefObject,
};
use super::types::{
    wasm_externkind_t, wasm_externtype_t, EXTERN_FUNC, EXTERN_GLOBAL, EXTERN_MEMORY, EXTERN_TABLE,
};
use super::vec::OwnedObject;
use super::{guard, into_raw, HostInfo};
use crate::{Extern, Func, FuncType, Global, Memory, Table};
use std::cell::OnceCell;
use std::ffi::c_void;
use std::ptr;

#[repr(C, align(8))]
pub struct wasm_extern_t {
    header: RefHeader,
    /// The store the object lives in; it outlives this handle.
    pub(crate) store: *mut wasm_store_t,
    pub(crate) which: Extern,
    /// A function's type, looked up on the first call through this handle.
    func_ty: OnceCell<FuncType>,
}

impl wasm_extern_t {
    pub(crate) fn new(store: *mut wasm_store_t, which: Extern) -> *mut wasm_extern_t {
        into_raw(wasm_extern_t {
            header: RefHeader::new(RefKind::Extern),
            store,
            which,
            func_ty: OnceCell::new(),
        })
    }

    pub(crate) fn kind(&self) -> wasm_externkind_t {
        match self.which {
            Extern::Func(_) => EXTERN_FUNC,
            Extern::Global(_) => EXTERN_GLOBAL,
            Extern::Table(_) => EXTERN_TABLE,
            Extern::Memory(_) => EXTERN_MEMORY,
        }
    }

    /// The store, which outlives every object in it.
    pub(crate) fn store(&self) -> &wasm_store_t {
        // SAFETY: the standard requires the store to outlive its objects.
        unsafe { &*self.store }
    }

    fn host_info_key(&self) -> HostInfoKey {
        match self.which {
            Extern::Func(f) => HostInfoKey::Func(f),
            Extern::Global(g) => HostInfoKey::Global(g),
            Extern::Table(t) => HostInfoKey::Table(t),
            Extern::Memory(m) => HostInfoKey::Memory(m),
        }
    }
}

impl RefObject for wasm_extern_t {
    fn is(r: &wasm_ref_t) -> bool {
        r.kind() == RefKind::Extern
    }

    unsafe fn copy(this: *const Self) -> *mut Self {
        // SAFETY: `this` is live.
        let this = unsafe { &*this };
        let copy = wasm_extern_t::new(this.store, this.which);
        if let Some(ty) = this.func_ty.get() {
            // SAFETY: `copy` was just allocated.
            let _ = unsafe { (*copy).func_ty.set(ty.clone()) };
        }
        copy
    }

    unsafe fn same(a: *const Self, b: *const Self) -> bool {
        // SAFETY: both are live.
        let (a, b) = unsafe { (&*a, &*b) };
        ptr::eq(a.store, b.store) && a.host_info_key() == b.host_info_key()
    }

    unsafe fn with_host_info<R>(
        this: *const Self,
        f: impl FnOnce(&mut Option<HostInfo>) -> R,
    ) -> R {
        // SAFETY: `this` is live.
        let this = unsafe { &*this };
        with_store_info(this.store(), this.host_info_key(), f)
    }
}

impl OwnedObject for wasm_extern_t {
    unsafe fn copy_raw(this: *const Self) -> *mut Self {
        // SAFETY: forwarded from the caller.
        unsafe { <Self as RefObject>::copy(this) }
    }
}

/// Implements a view of [`wasm_extern_t`] of one kind. (The structs
/// themselves are written out, so that cbindgen sees them.)
macro_rules! extern_view {
    ($view:ident, $kind:expr, $variant:ident, $handle:ty, $getter:ident) => {
        const _: () = assert!(
            std::mem::size_of::<$view>() == std::mem::size_of::<wasm_extern_t>()
                && std::mem::align_of::<$view>() == std::mem::align_of::<wasm_extern_t>()
        );

        impl $view {
            pub(crate) fn new(store: *mut wasm_store_t, handle: $handle) -> *mut $view {
                wasm_extern_t::new(store, Extern::$variant(handle)).cast()
            }

            pub(crate) fn $getter(&self) -> $handle {
                match self.ext.which {
                    Extern::$variant(h) => h,
                    _ => unreachable!(concat!("a ", stringify!($view), " view has its kind")),
                }
            }

            /// The view of `ext` if it has this kind.
            ///
            /// # Safety
            /// `ext` is null or live.
            pub(crate) unsafe fn from_extern(ext: *const wasm_extern_t) -> *const $view {
                // SAFETY: a non-null `ext` is live.
                if !ext.is_null() && unsafe { (*ext).kind() } == $kind {
                    ext.cast()
                } else {
                    ptr::null()
                }
            }

            /// The view of a reference if it is an object of this kind.
            ///
            /// # Safety
            /// `r` is live.
            #[allow(dead_code)]
            pub(crate) unsafe fn from_ref<'a>(r: *const wasm_ref_t) -> Option<&'a $view> {
                // SAFETY: `r` is live; the header says whether it is an extern.
                unsafe { Self::is(&*r).then(|| &*r.cast::<$view>()) }
            }
        }

        impl RefObject for $view {
            fn is(r: &wasm_ref_t) -> bool {
                // SAFETY: an extern reference is a `wasm_extern_t`.
                wasm_extern_t::is(r)
                    && unsafe { (*(r as *const wasm_ref_t).cast::<wasm_extern_t>()).kind() }
                        == $kind
            }
            unsafe fn copy(this: *const Self) -> *mut Self {
                // SAFETY: a view is a `wasm_extern_t`.
                unsafe { wasm_extern_t::copy(this.cast()) }.cast()
            }
            unsafe fn delete(this: *mut Self) {
                // SAFETY: a view is allocated as a `wasm_extern_t`.
                unsafe { wasm_extern_t::delete(this.cast()) }
            }
            unsafe fn same(a: *const Self, b: *const Self) -> bool {
                // SAFETY: a view is a `wasm_extern_t`.
                unsafe { wasm_extern_t::same(a.cast(), b.cast()) }
            }
            unsafe fn with_host_info<R>(
                this: *const Self,
                f: impl FnOnce(&mut Option<HostInfo>) -> R,
            ) -> R {
                // SAFETY: a view is a `wasm_extern_t`.
                unsafe { wasm_extern_t::with_host_info(this.cast(), f) }
            }
        }
    };
}

#[repr(C, align(8))]
pub struct wasm_func_t {
    pub(crate) ext: wasm_extern_t,
}

#[repr(C, align(8))]
pub struct wasm_global_t {
    pub(crate) ext: wasm_extern_t,
}

#[repr(C, align(8))]
pub struct wasm_table_t {
    pub(crate) ext: wasm_extern_t,
}

#[repr(C, align(8))]
pub struct wasm_memory_t {
    pub(crate) ext: wasm_extern_t,
}

extern_view!(wasm_func_t, EXTERN_FUNC, Func, Func, func);
extern_view!(wasm_global_t, EXTERN_GLOBAL, Global, Global, global);
extern_view!(wasm_table_t, EXTERN_TABLE, Table, Table, table);
extern_view!(wasm_memory_t, EXTERN_MEMORY, Memory, Memory, memory);

impl wasm_func_t {
    /// The function's type, cached in this handle.
    pub(crate) fn ty(&self) -> &FuncType {
        self.ext.func_ty.get_or_init(|| {
            // SAFETY: called from an entry point of this store.
            self.func().ty(unsafe { self.ext.store().store() })
        })
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_kind(e: *const wasm_extern_t) -> wasm_externkind_t {
    // SAFETY: `e` is live.
    guard(EXTERN_FUNC, || unsafe { (*e).kind() })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_type(e: *const wasm_extern_t) -> *mut wasm_externtype_t {
    guard(ptr::null_mut(), || {
        if e.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: `e` is live; its store outlives it.
        let e = unsafe { &*e };
        let ty = e.which.ty(unsafe { e.store().store() });
        wasm_externtype_t::new_extern(&ty)
    })
}

#[no_mangle]
pub extern "C" fn wasm_func_as_extern(f: *mut wasm_func_t) -> *mut wasm_extern_t {
    f.cast()
}

#[no_mangle]
pub extern "C" fn wasm_global_as_extern(g: *mut wasm_global_t) -> *mut wasm_extern_t {
    g.cast()
}

#[no_mangle]
pub extern "C" fn wasm_table_as_extern(t: *mut wasm_table_t) -> *mut wasm_extern_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_memory_as_extern(m: *mut wasm_memory_t) -> *mut wasm_extern_t {
    m.cast()
}

#[no_mangle]
pub extern "C" fn wasm_func_as_extern_const(f: *const wasm_func_t) -> *const wasm_extern_t {
    f.cast()
}

#[no_mangle]
pub extern "C" fn wasm_global_as_extern_const(g: *const wasm_global_t) -> *const wasm_extern_t {
    g.cast()
}

#[no_mangle]
pub extern "C" fn wasm_table_as_extern_const(t: *const wasm_table_t) -> *const wasm_extern_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_memory_as_extern_const(m: *const wasm_memory_t) -> *const wasm_extern_t {
    m.cast()
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_func(e: *mut wasm_extern_t) -> *mut wasm_func_t {
    guard(ptr::null_mut(), || wasm_func_t::from_extern(e).cast_mut())
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_global(e: *mut wasm_extern_t) -> *mut wasm_global_t {
    guard(ptr::null_mut(), || wasm_global_t::from_extern(e).cast_mut())
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_table(e: *mut wasm_extern_t) -> *mut wasm_table_t {
    guard(ptr::null_mut(), || wasm_table_t::from_extern(e).cast_mut())
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_memory(e: *mut wasm_extern_t) -> *mut wasm_memory_t {
    guard(ptr::null_mut(), || wasm_memory_t::from_extern(e).cast_mut())
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_func_const(e: *const wasm_extern_t) -> *const wasm_func_t {
    guard(ptr::null(), || wasm_func_t::from_extern(e))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_global_const(
    e: *const wasm_extern_t,
) -> *const wasm_global_t {
    guard(ptr::null(), || wasm_global_t::from_extern(e))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_table_const(
    e: *const wasm_extern_t,
) -> *const wasm_table_t {
    guard(ptr::null(), || wasm_table_t::from_extern(e))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_memory_const(
    e: *const wasm_extern_t,
) -> *const wasm_memory_t {
    guard(ptr::null(), || wasm_memory_t::from_extern(e))
}

// The reference functions of externs

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_delete(e: *mut wasm_extern_t) {
    ref_delete(e)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_copy(e: *const wasm_extern_t) -> *mut wasm_extern_t {
    ref_copy(e)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_same(
    a: *const wasm_extern_t,
    b: *const wasm_extern_t,
) -> bool {
    ref_same(a, b)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_get_host_info(e: *const wasm_extern_t) -> *mut c_void {
    ref_get_host_info(e)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_set_host_info(e: *mut wasm_extern_t, info: *mut c_void) {
    ref_set_host_info(e, info, None)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_set_host_info_with_finalizer(
    e: *mut wasm_extern_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    ref_set_host_info(e, info, finalizer)
}

#[no_mangle]
pub extern "C" fn wasm_extern_as_ref(e: *mut wasm_extern_t) -> *mut wasm_ref_t {
    ref_as_ref(e)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_extern(r: *mut wasm_ref_t) -> *mut wasm_extern_t {
    ref_as(r)
}

#[no_mangle]
pub extern "C" fn wasm_extern_as_ref_const(e: *const wasm_extern_t) -> *const wasm_ref_t {
    ref_as_ref(e)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_extern_const(r: *const wasm_ref_t) -> *const wasm_extern_t {
    ref_as(r)
}
