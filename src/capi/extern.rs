//! Externals: the one object behind `wasm_extern_t`, `wasm_func_t`,
//! `wasm_global_t`, `wasm_table_t` and `wasm_memory_t`.
//!
//! A function, global, table or memory is always allocated as a
//! [`wasm_extern_t`]; the narrower types are views of the same allocation
//! (same size and alignment, checked at compile time), so the `as_extern` and
//! `extern_as` conversions are casts and any view can be deleted.

use super::engine::wasm_store_t;
use super::ref_::{
    ref_as, ref_as_const, ref_as_ref, ref_as_ref_const, ref_copy, ref_get_host_info, ref_same,
    ref_set_host_info, wasm_ref_t, with_store_info, HostInfoKey, RefHeader, RefKind, RefObject,
};
use super::types::{
    wasm_externkind_t, wasm_externtype_t, EXTERN_FUNC, EXTERN_GLOBAL, EXTERN_MEMORY, EXTERN_TABLE,
};
use super::vec::OwnedObject;
use super::{guard, into_raw, HostInfo, NO_KIND};
use crate::{Extern, Func, FuncType, Global, Memory, Table};
use std::cell::OnceCell;
use std::ffi::c_void;
use std::ptr::{self, NonNull};

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

    fn copy(&self) -> *mut Self {
        let copy = wasm_extern_t::new(self.store, self.which);
        if let Some(ty) = self.func_ty.get() {
            // SAFETY: `copy` was just allocated, and nothing else sees it.
            let _ = unsafe { (*copy).func_ty.set(ty.clone()) };
        }
        copy
    }

    fn same(&self, other: &Self) -> bool {
        ptr::eq(self.store, other.store) && self.host_info_key() == other.host_info_key()
    }

    fn with_host_info<R>(&self, f: impl FnOnce(&mut Option<HostInfo>) -> R) -> R {
        with_store_info(self.store(), self.host_info_key(), f)
    }
}

impl OwnedObject for wasm_extern_t {
    fn copy_raw(&self) -> *mut Self {
        self.copy()
    }
}

/// Implements a view of [`wasm_extern_t`] of one kind. (The structs
/// themselves are written out, so that cbindgen sees them.) A view is a
/// `repr(C)` wrapper of the extern with its layout, so a `Box` of a view
/// frees the object.
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
            pub(crate) fn from_extern(ext: &wasm_extern_t) -> Option<&$view> {
                // SAFETY: a view is a `repr(C)` wrapper of the extern.
                (ext.kind() == $kind).then(|| unsafe { &*ptr::from_ref(ext).cast::<$view>() })
            }

            /// The view of `ext` if it has this kind.
            ///
            /// # Safety
            /// `ext` is live.
            pub(crate) unsafe fn from_extern_ptr(
                ext: NonNull<wasm_extern_t>,
            ) -> Option<NonNull<$view>> {
                // SAFETY: `ext` is live.
                (unsafe { ext.as_ref() }.kind() == $kind).then(|| ext.cast())
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
                    && unsafe { (*ptr::from_ref(r).cast::<wasm_extern_t>()).kind() } == $kind
            }
            fn copy(&self) -> *mut Self {
                self.ext.copy().cast()
            }
            fn same(&self, other: &Self) -> bool {
                self.ext.same(&other.ext)
            }
            fn with_host_info<R>(&self, f: impl FnOnce(&mut Option<HostInfo>) -> R) -> R {
                self.ext.with_host_info(f)
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

/// The kind; 0xff (no kind at all) for null.
#[no_mangle]
pub extern "C" fn wasm_extern_kind(e: Option<&wasm_extern_t>) -> wasm_externkind_t {
    e.map_or(NO_KIND, wasm_extern_t::kind)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_type(e: Option<&wasm_extern_t>) -> *mut wasm_externtype_t {
    let Some(e) = e else {
        return ptr::null_mut();
    };
    guard(ptr::null_mut(), || {
        // SAFETY: an entry point of the extern's store, which outlives it.
        let ty = e.which.ty(unsafe { e.store().store() });
        wasm_externtype_t::new_extern(&ty)
    })
}

#[no_mangle]
pub extern "C" fn wasm_func_as_extern(
    f: Option<NonNull<wasm_func_t>>,
) -> Option<NonNull<wasm_extern_t>> {
    f.map(NonNull::cast)
}

#[no_mangle]
pub extern "C" fn wasm_global_as_extern(
    g: Option<NonNull<wasm_global_t>>,
) -> Option<NonNull<wasm_extern_t>> {
    g.map(NonNull::cast)
}

#[no_mangle]
pub extern "C" fn wasm_table_as_extern(
    t: Option<NonNull<wasm_table_t>>,
) -> Option<NonNull<wasm_extern_t>> {
    t.map(NonNull::cast)
}

#[no_mangle]
pub extern "C" fn wasm_memory_as_extern(
    m: Option<NonNull<wasm_memory_t>>,
) -> Option<NonNull<wasm_extern_t>> {
    m.map(NonNull::cast)
}

#[no_mangle]
pub extern "C" fn wasm_func_as_extern_const(f: Option<&wasm_func_t>) -> Option<&wasm_extern_t> {
    f.map(|f| &f.ext)
}

#[no_mangle]
pub extern "C" fn wasm_global_as_extern_const(g: Option<&wasm_global_t>) -> Option<&wasm_extern_t> {
    g.map(|g| &g.ext)
}

#[no_mangle]
pub extern "C" fn wasm_table_as_extern_const(t: Option<&wasm_table_t>) -> Option<&wasm_extern_t> {
    t.map(|t| &t.ext)
}

#[no_mangle]
pub extern "C" fn wasm_memory_as_extern_const(m: Option<&wasm_memory_t>) -> Option<&wasm_extern_t> {
    m.map(|m| &m.ext)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_func(
    e: Option<NonNull<wasm_extern_t>>,
) -> Option<NonNull<wasm_func_t>> {
    // SAFETY: a non-null `e` is live.
    e.and_then(|e| unsafe { wasm_func_t::from_extern_ptr(e) })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_global(
    e: Option<NonNull<wasm_extern_t>>,
) -> Option<NonNull<wasm_global_t>> {
    // SAFETY: a non-null `e` is live.
    e.and_then(|e| unsafe { wasm_global_t::from_extern_ptr(e) })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_table(
    e: Option<NonNull<wasm_extern_t>>,
) -> Option<NonNull<wasm_table_t>> {
    // SAFETY: a non-null `e` is live.
    e.and_then(|e| unsafe { wasm_table_t::from_extern_ptr(e) })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_memory(
    e: Option<NonNull<wasm_extern_t>>,
) -> Option<NonNull<wasm_memory_t>> {
    // SAFETY: a non-null `e` is live.
    e.and_then(|e| unsafe { wasm_memory_t::from_extern_ptr(e) })
}

#[no_mangle]
pub extern "C" fn wasm_extern_as_func_const(e: Option<&wasm_extern_t>) -> Option<&wasm_func_t> {
    e.and_then(wasm_func_t::from_extern)
}

#[no_mangle]
pub extern "C" fn wasm_extern_as_global_const(e: Option<&wasm_extern_t>) -> Option<&wasm_global_t> {
    e.and_then(wasm_global_t::from_extern)
}

#[no_mangle]
pub extern "C" fn wasm_extern_as_table_const(e: Option<&wasm_extern_t>) -> Option<&wasm_table_t> {
    e.and_then(wasm_table_t::from_extern)
}

#[no_mangle]
pub extern "C" fn wasm_extern_as_memory_const(e: Option<&wasm_extern_t>) -> Option<&wasm_memory_t> {
    e.and_then(wasm_memory_t::from_extern)
}

// The reference functions of externs

#[no_mangle]
pub extern "C" fn wasm_extern_delete(e: Option<Box<wasm_extern_t>>) {
    drop(e)
}

#[no_mangle]
pub extern "C" fn wasm_extern_copy(e: Option<&wasm_extern_t>) -> *mut wasm_extern_t {
    ref_copy(e)
}

#[no_mangle]
pub extern "C" fn wasm_extern_same(a: Option<&wasm_extern_t>, b: Option<&wasm_extern_t>) -> bool {
    ref_same(a, b)
}

#[no_mangle]
pub extern "C" fn wasm_extern_get_host_info(e: Option<&wasm_extern_t>) -> *mut c_void {
    ref_get_host_info(e)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_set_host_info(
    e: Option<NonNull<wasm_extern_t>>,
    info: *mut c_void,
) {
    ref_set_host_info(e, info, None)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_set_host_info_with_finalizer(
    e: Option<NonNull<wasm_extern_t>>,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    ref_set_host_info(e, info, finalizer)
}

#[no_mangle]
pub extern "C" fn wasm_extern_as_ref(
    e: Option<NonNull<wasm_extern_t>>,
) -> Option<NonNull<wasm_ref_t>> {
    ref_as_ref(e)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_extern(
    r: Option<NonNull<wasm_ref_t>>,
) -> Option<NonNull<wasm_extern_t>> {
    ref_as(r)
}

#[no_mangle]
pub extern "C" fn wasm_extern_as_ref_const(e: Option<&wasm_extern_t>) -> Option<&wasm_ref_t> {
    ref_as_ref_const(e)
}

#[no_mangle]
pub extern "C" fn wasm_ref_as_extern_const(r: Option<&wasm_ref_t>) -> *const wasm_extern_t {
    ref_as_const(r)
}
