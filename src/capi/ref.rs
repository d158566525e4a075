//! References (`wasm_ref_t`), the functions every reference type shares
//! (`WASM_DECLARE_REF_BASE`/`WASM_DECLARE_REF`), and foreign objects.
//!
//! Every reference object starts with a `RefHeader`; a `wasm_ref_t*` is any
//! of them seen through the header, and the generic operations dispatch on
//! its kind. Identity (`wasm_X_same`) and host info belong to the underlying
//! object, not to one C handle: copies of a handle share both.
//!
//! As `externref` values, references cross into wasm as runtime
//! [`ExternRef`]s whose payload is an owned copy of the C reference
//! (`CRefPayload`); coming back they are copied out again, so a foreign
//! object keeps its identity and host info on a round trip through wasm.

use super::engine::wasm_store_t;
use super::extern_::wasm_extern_t;
use super::instance::wasm_instance_t;
use super::module::wasm_module_t;
use super::trap::wasm_trap_t;
use super::{guard, into_raw, HostInfo};
use crate::{ExternRef, Func, Global, Instance, Memory, Store, Table, Val};
use std::ffi::c_void;
use std::ptr;
use std::sync::{Arc, Mutex};

/// What a reference object is.
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RefKind {
    /// A function, global, table or memory ([`wasm_extern_t`]).
    Extern,
    Instance,
    Module,
    Trap,
    Foreign,
}

/// The first field of every reference object.
#[repr(C)]
pub(crate) struct RefHeader {
    pub(crate) kind: RefKind,
}

impl RefHeader {
    pub(crate) const fn new(kind: RefKind) -> RefHeader {
        RefHeader { kind }
    }
}

// Any reference object, seen through its header (never allocated as such).
#[repr(C, align(8))]
pub struct wasm_ref_t {
    header: RefHeader,
}

impl wasm_ref_t {
    /// What kind of object this reference is.
    pub(crate) fn kind(&self) -> RefKind {
        self.header.kind
    }
}

/// Where host info lives for store-owned objects (see [`wasm_store_t`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum HostInfoKey {
    Func(Func),
    Global(Global),
    Table(Table),
    Memory(Memory),
    Instance(Instance),
}

/// Host info shared by all copies of an object that is not store-owned.
pub(crate) type SharedHostInfo = Arc<Mutex<Option<HostInfo>>>;

/// What every reference type provides to the generic functions below.
pub(crate) trait RefObject: Sized {
    /// Whether `r` is an object of this type.
    fn is(r: &wasm_ref_t) -> bool;

    /// # Safety
    /// `this` is a live object.
    unsafe fn copy(this: *const Self) -> *mut Self;

    /// # Safety
    /// `this` is null or an owned object not used afterwards.
    unsafe fn delete(this: *mut Self) {
        // SAFETY: forwarded from the caller.
        unsafe { super::drop_raw(this) }
    }

    /// # Safety
    /// Both are live objects.
    unsafe fn same(a: *const Self, b: *const Self) -> bool;

    /// Runs `f` on the object's host-info slot.
    ///
    /// # Safety
    /// `this` is a live object.
    unsafe fn with_host_info<R>(this: *const Self, f: impl FnOnce(&mut Option<HostInfo>) -> R)
        -> R;
}

/// Runs `f` on a shared host-info slot.
pub(crate) fn with_shared<R>(
    info: &SharedHostInfo,
    f: impl FnOnce(&mut Option<HostInfo>) -> R,
) -> R {
    let mut slot = info.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut slot)
}

/// Runs `f` on the host-info slot of a store-owned object.
pub(crate) fn with_store_info<R>(
    store: &wasm_store_t,
    key: HostInfoKey,
    f: impl FnOnce(&mut Option<HostInfo>) -> R,
) -> R {
    let mut slot = store.host_info().borrow_mut().remove(&key);
    let result = f(&mut slot);
    if let Some(info) = slot {
        store.host_info().borrow_mut().insert(key, info);
    }
    result
}

pub(crate) unsafe fn ref_copy<T: RefObject>(this: *const T) -> *mut T {
    guard(ptr::null_mut(), || {
        if this.is_null() {
            ptr::null_mut()
        } else {
            // SAFETY: a non-null `this` is live.
            unsafe { T::copy(this) }
        }
    })
}

pub(crate) unsafe fn ref_delete<T: RefObject>(this: *mut T) {
    // SAFETY: forwarded from the entry point's contract.
    guard((), || unsafe { T::delete(this) })
}

pub(crate) unsafe fn ref_same<T: RefObject>(a: *const T, b: *const T) -> bool {
    guard(false, || {
        if a.is_null() || b.is_null() {
            a.is_null() && b.is_null()
        } else {
            // SAFETY: both are live.
            unsafe { T::same(a, b) }
        }
    })
}

pub(crate) unsafe fn ref_get_host_info<T: RefObject>(this: *const T) -> *mut c_void {
    guard(ptr::null_mut(), || {
        if this.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: `this` is live.
        unsafe {
            T::with_host_info(this, |slot| {
                slot.as_ref().map_or(ptr::null_mut(), HostInfo::data)
            })
        }
    })
}

pub(crate) unsafe fn ref_set_host_info<T: RefObject>(
    this: *const T,
    data: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    guard((), || {
        if this.is_null() {
            return;
        }
        let new = HostInfo::new(data, finalizer);
        // SAFETY: `this` is live.
        let old = unsafe { T::with_host_info(this, |slot| slot.replace(new)) };
        // The old finalizer runs outside of the slot's borrow.
        drop(old);
    })
}

pub(crate) fn ref_as_ref<T: RefObject>(this: *const T) -> *mut wasm_ref_t {
    this.cast_mut().cast()
}

pub(crate) unsafe fn ref_as<T: RefObject>(r: *const wasm_ref_t) -> *mut T {
    // SAFETY: a non-null `r` is a live reference object.
    guard(ptr::null_mut(), || {
        if !r.is_null() && T::is(unsafe { &*r }) {
            r.cast_mut().cast()
        } else {
            ptr::null_mut()
        }
    })
}

/// Dispatches an operation on a `wasm_ref_t` to its concrete type.
macro_rules! dispatch {
    ($r:expr, |$t:ident| $body:expr) => {{
        // SAFETY: the header says which type the object is.
        match unsafe { (*$r).header.kind } {
            RefKind::Extern => {
                type $t = wasm_extern_t;
                $body
            }
            RefKind::Instance => {
                type $t = wasm_instance_t;
                $body
            }
            RefKind::Module => {
                type $t = wasm_module_t;
                $body
            }
            RefKind::Trap => {
                type $t = wasm_trap_t;
                $body
            }
            RefKind::Foreign => {
                type $t = wasm_foreign_t;
                $body
            }
        }
    }};
}

impl RefObject for wasm_ref_t {
    fn is(_: &wasm_ref_t) -> bool {
        true
    }

    unsafe fn copy(this: *const Self) -> *mut Self {
        // SAFETY: `this` is an object of type `T`.
        dispatch!(this, |T| unsafe { T::copy(this.cast::<T>()) }.cast())
    }

    unsafe fn delete(this: *mut Self) {
        if !this.is_null() {
            // SAFETY: `this` is an owned object of type `T`.
            dispatch!(this, |T| unsafe { T::delete(this.cast::<T>()) })
        }
    }

    unsafe fn same(a: *const Self, b: *const Self) -> bool {
        // SAFETY: both are live reference objects.
        if unsafe { (*a).header.kind != (*b).header.kind } {
            return false;
        }
        // SAFETY: both are objects of type `T`.
        dispatch!(a, |T| unsafe { T::same(a.cast::<T>(), b.cast::<T>()) })
    }

    unsafe fn with_host_info<R>(
        this: *const Self,
        f: impl FnOnce(&mut Option<HostInfo>) -> R,
    ) -> R {
        // SAFETY: `this` is an object of type `T`.
        dispatch!(this, |T| unsafe { T::with_host_info(this.cast::<T>(), f) })
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_delete(r: *mut wasm_ref_t) {
    ref_delete(r)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_copy(r: *const wasm_ref_t) -> *mut wasm_ref_t {
    ref_copy(r)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_same(a: *const wasm_ref_t, b: *const wasm_ref_t) -> bool {
    ref_same(a, b)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_get_host_info(r: *const wasm_ref_t) -> *mut c_void {
    ref_get_host_info(r)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_set_host_info(r: *mut wasm_ref_t, info: *mut c_void) {
    ref_set_host_info(r, info, None)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_set_host_info_with_finalizer(
    r: *mut wasm_ref_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    ref_set_host_info(r, info, finalizer)
}

// Reference values crossing into and out of wasm

/// The payload of an `externref` that came from C: an owned copy of the C
/// reference, deleted with the store.
pub(crate) struct CRefPayload(*mut wasm_ref_t);

impl Drop for CRefPayload {
    fn drop(&mut self) {
        // SAFETY: the payload owns its copy.
        unsafe { wasm_ref_t::delete(self.0) }
    }
}

/// The runtime value of a C reference given for a value of type `ty`
/// (funcref or externref); `None` when the reference cannot have that type
/// or belongs to another store.
///
/// # Safety
/// `r` is null or a live reference object.
pub(crate) unsafe fn val_of_ref(
    store: &wasm_store_t,
    r: *const wasm_ref_t,
    funcref: bool,
) -> Option<Val> {
    if funcref {
        if r.is_null() {
            return Some(Val::FuncRef(None));
        }
        // SAFETY: `r` is live.
        let f = unsafe { super::extern_::wasm_func_t::from_ref(r) }?;
        if !ptr::eq(f.ext.store, store) {
            return None;
        }
        return Some(Val::FuncRef(Some(f.func())));
    }
    if r.is_null() {
        return Some(Val::ExternRef(None));
    }
    // SAFETY: `r` is live.
    Some(Val::ExternRef(Some(unsafe { externref_of_ref(store, r) })))
}

/// Wraps a C reference as a runtime externref (reusing a foreign object's
/// earlier wrapper in the same store).
unsafe fn externref_of_ref(store: &wasm_store_t, r: *const wasm_ref_t) -> ExternRef {
    // SAFETY: `r` is live; a foreign's data is valid.
    let foreign = unsafe { wasm_foreign_t::from_ref(r) };
    if let Some(foreign) = foreign {
        if ptr::eq(foreign.data.store, store) {
            if let Some(cached) = *foreign
                .data
                .externref
                .lock()
                .unwrap_or_else(|e| e.into_inner())
            {
                return cached;
            }
        }
    }
    // SAFETY: `r` is live; the copy is owned by the payload.
    let payload = CRefPayload(unsafe { wasm_ref_t::copy(r) });
    // SAFETY: called from an entry point of this store, see `store()`.
    let handle = ExternRef::new(unsafe { store.store() }, Box::new(payload));
    if let Some(foreign) = foreign {
        if ptr::eq(foreign.data.store, store) {
            *foreign
                .data
                .externref
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = Some(handle);
        }
    }
    handle
}

/// A new owned C reference for a runtime reference value (null for null).
pub(crate) fn ref_of_val(store: *mut wasm_store_t, v: &Val, rt: &Store) -> *mut wasm_ref_t {
    match v {
        Val::FuncRef(Some(f)) => wasm_extern_t::new(store, crate::Extern::Func(*f)).cast(),
        Val::ExternRef(Some(e)) => match e.data(rt).downcast_ref::<CRefPayload>() {
            // SAFETY: the payload's reference is live while the store is.
            Some(payload) => unsafe { wasm_ref_t::copy(payload.0) },
            // An externref created through the Rust API: C cannot see its
            // data, but it gets an object with its own identity.
            None => wasm_foreign_t::new_raw(store).cast(),
        },
        _ => ptr::null_mut(),
    }
}

// Foreign objects

pub(crate) struct ForeignData {
    store: *mut wasm_store_t,
    host_info: SharedHostInfo,
    /// The externref that stands for this object in `store`, once made.
    externref: Mutex<Option<ExternRef>>,
}

#[repr(C, align(8))]
pub struct wasm_foreign_t {
    header: RefHeader,
    data: Arc<ForeignData>,
}

impl wasm_foreign_t {
    fn new_raw(store: *mut wasm_store_t) -> *mut wasm_foreign_t {
        into_raw(wasm_foreign_t {
            header: RefHeader::new(RefKind::Foreign),
            // Atomic counts: copies may go to other threads; the store
            // pointer inside is only used by the thread using that store.
            #[allow(clippy::arc_with_non_send_sync)]
            data: Arc::new(ForeignData {
                store,
                host_info: Arc::new(Mutex::new(None)),
                externref: Mutex::new(None),
            }),
        })
    }

    /// # Safety
    /// `r` is a live reference object.
    unsafe fn from_ref<'a>(r: *const wasm_ref_t) -> Option<&'a wasm_foreign_t> {
        // SAFETY: forwarded from the caller; the kind says the type.
        unsafe { Self::is(&*r).then(|| &*r.cast::<wasm_foreign_t>()) }
    }
}

impl RefObject for wasm_foreign_t {
    fn is(r: &wasm_ref_t) -> bool {
        r.kind() == RefKind::Foreign
    }

    unsafe fn copy(this: *const Self) -> *mut Self {
        into_raw(wasm_foreign_t {
            header: RefHeader::new(RefKind::Foreign),
            // SAFETY: `this` is live.
            data: unsafe { (*this).data.clone() },
        })
    }

    unsafe fn same(a: *const Self, b: *const Self) -> bool {
        // SAFETY: both are live.
        unsafe { Arc::ptr_eq(&(*a).data, &(*b).data) }
    }

    unsafe fn with_host_info<R>(
        this: *const Self,
        f: impl FnOnce(&mut Option<HostInfo>) -> R,
    ) -> R {
        // SAFETY: `this` is live.
        let data = unsafe { &(*this).data };
        with_shared(&data.host_info, f)
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_new(store: *mut wasm_store_t) -> *mut wasm_foreign_t {
    guard(ptr::null_mut(), || {
        if store.is_null() {
            ptr::null_mut()
        } else {
            wasm_foreign_t::new_raw(store)
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_delete(f: *mut wasm_foreign_t) {
    ref_delete(f)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_copy(f: *const wasm_foreign_t) -> *mut wasm_foreign_t {
    ref_copy(f)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_same(
    a: *const wasm_foreign_t,
    b: *const wasm_foreign_t,
) -> bool {
    ref_same(a, b)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_get_host_info(f: *const wasm_foreign_t) -> *mut c_void {
    ref_get_host_info(f)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_set_host_info(f: *mut wasm_foreign_t, info: *mut c_void) {
    ref_set_host_info(f, info, None)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_set_host_info_with_finalizer(
    f: *mut wasm_foreign_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    ref_set_host_info(f, info, finalizer)
}

#[no_mangle]
pub extern "C" fn wasm_foreign_as_ref(f: *mut wasm_foreign_t) -> *mut wasm_ref_t {
    ref_as_ref(f)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_foreign(r: *mut wasm_ref_t) -> *mut wasm_foreign_t {
    ref_as(r)
}

#[no_mangle]
pub extern "C" fn wasm_foreign_as_ref_const(f: *const wasm_foreign_t) -> *const wasm_ref_t {
    ref_as_ref(f)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_foreign_const(r: *const wasm_ref_t) -> *const wasm_foreign_t {
    ref_as(r)
}
