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
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicBool, Ordering};
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
    /// Set once `wasm_X_as_ref(_const)` has lent this object out as a
    /// `wasm_ref_t*`. That view is borrowed in `wasm.h`, but hosts written
    /// for WAMR delete it: a generic delete (`wasm_ref_delete`,
    /// `wasm_val_delete` of a reference value) of a viewed object does
    /// nothing, so that the owner's `wasm_X_delete` stays the one that frees.
    /// (An owned `wasm_ref_t*` whose object was also viewed through
    /// `as_ref` then leaks instead of being freed twice.)
    viewed: AtomicBool,
}

impl RefHeader {
    pub(crate) const fn new(kind: RefKind) -> RefHeader {
        RefHeader {
            kind,
            viewed: AtomicBool::new(false),
        }
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

    /// A new owned handle to the same object.
    fn copy(&self) -> *mut Self;

    /// # Safety
    /// `this` is null or an owned object not used afterwards.
    unsafe fn delete(this: *mut Self) {
        // SAFETY: forwarded from the caller.
        unsafe { super::drop_raw(this) }
    }

    /// Whether both handles refer to the same object.
    fn same(&self, other: &Self) -> bool;

    /// Runs `f` on the object's host-info slot.
    fn with_host_info<R>(&self, f: impl FnOnce(&mut Option<HostInfo>) -> R) -> R;
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

// The bodies of the functions every reference type has (see "Null
// pointers" in `mod.rs`: null is the null reference for `copy`, `same` and
// the conversions; host info needs an object).

/// `wasm_X_copy`: a new handle; null for null, or if the copy panicked.
pub(crate) fn ref_copy<T: RefObject>(this: Option<&T>) -> *mut T {
    guard(ptr::null_mut(), || this.map_or(ptr::null_mut(), T::copy))
}

/// `wasm_X_same`: two nulls are the same; null and an object are not.
pub(crate) fn ref_same<T: RefObject>(a: Option<&T>, b: Option<&T>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.same(b),
        (a, b) => a.is_none() && b.is_none(),
    }
}

/// `wasm_X_get_host_info`: the info, or null if there is none (or no object).
pub(crate) fn ref_get_host_info<T: RefObject>(this: Option<&T>) -> *mut c_void {
    this.map_or(ptr::null_mut(), |this| {
        this.with_host_info(|slot| slot.as_ref().map_or(ptr::null_mut(), HostInfo::data))
    })
}

/// `wasm_X_set_host_info(_with_finalizer)`; the old info's finalizer runs.
/// Without an object, nothing happens (the new finalizer does not run: the
/// info was never the object's).
///
/// # Safety
/// `this` is null or a live object.
pub(crate) unsafe fn ref_set_host_info<T: RefObject>(
    this: Option<NonNull<T>>,
    data: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    let Some(this) = this else { return };
    // SAFETY: `this` is live; only shared borrows of it are made.
    let this = unsafe { this.as_ref() };
    let new = HostInfo::new(data, finalizer);
    let old = this.with_host_info(|slot| slot.replace(new));
    // The old finalizer runs outside of the slot's borrow.
    drop(old);
}

/// `wasm_X_as_ref`: the same object seen through its header, marked as
/// lent out (see [`RefHeader`]'s `viewed`).
pub(crate) fn ref_as_ref<T: RefObject>(this: Option<NonNull<T>>) -> Option<NonNull<wasm_ref_t>> {
    let r = this.map(NonNull::cast::<wasm_ref_t>)?;
    // SAFETY: `r` is a live reference object, which starts with its header.
    unsafe { r.as_ref() }
        .header
        .viewed
        .store(true, Ordering::Relaxed);
    Some(r)
}

/// `wasm_X_as_ref_const`, marked as lent out too.
pub(crate) fn ref_as_ref_const<T: RefObject>(this: Option<&T>) -> Option<&wasm_ref_t> {
    // SAFETY: every reference object is `repr(C, align(8))` and starts with
    // the `RefHeader` that is all of a `wasm_ref_t`.
    let r = this.map(|t| unsafe { &*ptr::from_ref(t).cast::<wasm_ref_t>() })?;
    r.header.viewed.store(true, Ordering::Relaxed);
    Some(r)
}

/// `wasm_ref_as_X`: the object if it is a `T`, else null.
///
/// # Safety
/// `r` is null or a live reference object.
pub(crate) unsafe fn ref_as<T: RefObject>(r: Option<NonNull<wasm_ref_t>>) -> Option<NonNull<T>> {
    // SAFETY: `r` is live; its header says its type.
    r.filter(|r| T::is(unsafe { r.as_ref() }))
        .map(NonNull::cast)
}

/// `wasm_ref_as_X_const`. (A raw result: a reference to the whole object
/// may not be made from one to its header.)
pub(crate) fn ref_as_const<T: RefObject>(r: Option<&wasm_ref_t>) -> *const T {
    r.filter(|r| T::is(r))
        .map_or(ptr::null(), |r| ptr::from_ref(r).cast())
}

/// Dispatches an operation on a `wasm_ref_t` to its concrete type.
macro_rules! dispatch {
    ($r:expr, |$t:ident| $body:expr) => {{
        // SAFETY: `$r` points at a live reference object.
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

    fn copy(&self) -> *mut Self {
        let this = ptr::from_ref(self);
        // SAFETY: the header says the object is a `T`, which starts here.
        dispatch!(this, |T| unsafe { &*this.cast::<T>() }.copy().cast())
    }

    /// Does nothing for an object lent out by `wasm_X_as_ref` (see
    /// [`RefHeader`]): only its own `wasm_X_delete` frees it.
    unsafe fn delete(this: *mut Self) {
        // SAFETY: `this` is null or a live reference object.
        if !this.is_null() && !unsafe { (*this).header.viewed.load(Ordering::Relaxed) } {
            // SAFETY: `this` is an owned object of type `T`.
            dispatch!(this, |T| unsafe { T::delete(this.cast::<T>()) })
        }
    }

    fn same(&self, other: &Self) -> bool {
        if self.kind() != other.kind() {
            return false;
        }
        let (a, b) = (ptr::from_ref(self), ptr::from_ref(other));
        // SAFETY: both headers say the objects are `T`s.
        dispatch!(a, |T| unsafe { (*a.cast::<T>()).same(&*b.cast::<T>()) })
    }

    fn with_host_info<R>(&self, f: impl FnOnce(&mut Option<HostInfo>) -> R) -> R {
        let this = ptr::from_ref(self);
        // SAFETY: the header says the object is a `T`, which starts here.
        dispatch!(this, |T| unsafe { &*this.cast::<T>() }.with_host_info(f))
    }
}

/// Deletes any reference object; null does nothing, and so does an object
/// that `wasm_X_as_ref` has lent out as a view (hosts written for WAMR
/// delete that view; only the object's own `wasm_X_delete` frees it).
// A `NonNull`, not a `Box`: a `wasm_ref_t` is the header of a larger object.
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_delete(r: Option<NonNull<wasm_ref_t>>) {
    // SAFETY: `r` is null or an owned reference object.
    unsafe { wasm_ref_t::delete(r.map_or(ptr::null_mut(), NonNull::as_ptr)) }
}

#[no_mangle]
pub extern "C" fn wasm_ref_copy(r: Option<&wasm_ref_t>) -> *mut wasm_ref_t {
    ref_copy(r)
}

#[no_mangle]
pub extern "C" fn wasm_ref_same(a: Option<&wasm_ref_t>, b: Option<&wasm_ref_t>) -> bool {
    ref_same(a, b)
}

#[no_mangle]
pub extern "C" fn wasm_ref_get_host_info(r: Option<&wasm_ref_t>) -> *mut c_void {
    ref_get_host_info(r)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_set_host_info(r: Option<NonNull<wasm_ref_t>>, info: *mut c_void) {
    ref_set_host_info(r, info, None)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_set_host_info_with_finalizer(
    r: Option<NonNull<wasm_ref_t>>,
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
    let payload = CRefPayload(unsafe { (*r).copy() });
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
            Some(payload) => unsafe { (*payload.0).copy() },
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

    fn copy(&self) -> *mut Self {
        into_raw(wasm_foreign_t {
            header: RefHeader::new(RefKind::Foreign),
            data: self.data.clone(),
        })
    }

    fn same(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.data, &other.data)
    }

    fn with_host_info<R>(&self, f: impl FnOnce(&mut Option<HostInfo>) -> R) -> R {
        with_shared(&self.data.host_info, f)
    }
}

/// A new foreign object of `store`.
#[no_mangle]
pub extern "C" fn wasm_foreign_new(store: Option<NonNull<wasm_store_t>>) -> *mut wasm_foreign_t {
    let Some(store) = store else {
        return ptr::null_mut();
    };
    guard(ptr::null_mut(), || wasm_foreign_t::new_raw(store.as_ptr()))
}

#[no_mangle]
pub extern "C" fn wasm_foreign_delete(f: Option<Box<wasm_foreign_t>>) {
    drop(f)
}

#[no_mangle]
pub extern "C" fn wasm_foreign_copy(f: Option<&wasm_foreign_t>) -> *mut wasm_foreign_t {
    ref_copy(f)
}

#[no_mangle]
pub extern "C" fn wasm_foreign_same(
    a: Option<&wasm_foreign_t>,
    b: Option<&wasm_foreign_t>,
) -> bool {
    ref_same(a, b)
}

#[no_mangle]
pub extern "C" fn wasm_foreign_get_host_info(f: Option<&wasm_foreign_t>) -> *mut c_void {
    ref_get_host_info(f)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_set_host_info(
    f: Option<NonNull<wasm_foreign_t>>,
    info: *mut c_void,
) {
    ref_set_host_info(f, info, None)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_set_host_info_with_finalizer(
    f: Option<NonNull<wasm_foreign_t>>,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    ref_set_host_info(f, info, finalizer)
}

#[no_mangle]
pub extern "C" fn wasm_foreign_as_ref(
    f: Option<NonNull<wasm_foreign_t>>,
) -> Option<NonNull<wasm_ref_t>> {
    ref_as_ref(f)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_foreign(
    r: Option<NonNull<wasm_ref_t>>,
) -> Option<NonNull<wasm_foreign_t>> {
    ref_as(r)
}

#[no_mangle]
pub extern "C" fn wasm_foreign_as_ref_const(f: Option<&wasm_foreign_t>) -> Option<&wasm_ref_t> {
    ref_as_ref_const(f)
}

#[no_mangle]
pub extern "C" fn wasm_ref_as_foreign_const(r: Option<&wasm_ref_t>) -> *const wasm_foreign_t {
    ref_as_const(r)
}
