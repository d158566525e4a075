//! Traps and their frames.
//!
//! A trap is immutable once made, so copies share it (and its identity and
//! host info) through an `Arc`. Messages cross the API NUL-terminated, as
//! the standard's `wasm_message_t` says: `wasm_trap_new` drops one trailing
//! NUL, `wasm_trap_message` adds it back.

use super::engine::wasm_store_t;
use super::instance::wasm_instance_t;
use super::ref_::{
    ref_as, ref_as_const, ref_as_ref, ref_as_ref_const, ref_copy, ref_get_host_info, ref_same,
    ref_set_host_info, wasm_ref_t, with_shared, RefHeader, RefKind, RefObject, SharedHostInfo,
};
use super::vec::{wasm_frame_vec_t, wasm_message_t, write_out, OwnedObject};
use super::{drop_raw, guard, into_raw, HostInfo, NO_INDEX_U32, NO_OFFSET};
use crate::{FrameInfo, Trap};
use std::ffi::c_void;
use std::mem::MaybeUninit;
use std::ptr::{self, NonNull};
use std::sync::{Arc, Mutex};

struct TrapData {
    trap: Trap,
    /// The store the trap happened in (for the frames' instances).
    store: *mut wasm_store_t,
    host_info: SharedHostInfo,
}

#[repr(C, align(8))]
pub struct wasm_trap_t {
    header: RefHeader,
    data: Arc<TrapData>,
}

impl wasm_trap_t {
    pub(crate) fn new(store: *mut wasm_store_t, trap: Trap) -> *mut wasm_trap_t {
        into_raw(wasm_trap_t {
            header: RefHeader::new(RefKind::Trap),
            // Atomic counts: copies may go to other threads; the store
            // pointer inside is only used by the thread using that store.
            #[allow(clippy::arc_with_non_send_sync)]
            data: Arc::new(TrapData {
                trap,
                store,
                host_info: Arc::new(Mutex::new(None)),
            }),
        })
    }

    pub(crate) fn from_message(
        store: *mut wasm_store_t,
        message: impl Into<String>,
    ) -> *mut wasm_trap_t {
        Self::new(store, Trap::new(message))
    }

    pub(crate) fn trap(&self) -> &Trap {
        &self.data.trap
    }

    fn frame(&self, info: &FrameInfo) -> *mut wasm_frame_t {
        let instance = match (info.instance, self.data.store.is_null()) {
            (Some(i), false) => wasm_instance_t::new(self.data.store, i),
            _ => ptr::null_mut(),
        };
        into_raw(wasm_frame_t {
            info: info.clone(),
            store: self.data.store,
            instance,
        })
    }
}

impl RefObject for wasm_trap_t {
    fn is(r: &wasm_ref_t) -> bool {
        r.kind() == RefKind::Trap
    }

    fn copy(&self) -> *mut Self {
        into_raw(wasm_trap_t {
            header: RefHeader::new(RefKind::Trap),
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

/// A trap with `message` (null is the empty message).
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_new(
    store: Option<NonNull<wasm_store_t>>,
    message: Option<&wasm_message_t>,
) -> *mut wasm_trap_t {
    let Some(store) = store else {
        return ptr::null_mut();
    };
    guard(ptr::null_mut(), || {
        // SAFETY: `message` is null or a valid byte vector.
        let bytes = unsafe { super::module::bytes_of(message) };
        let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
        wasm_trap_t::from_message(store.as_ptr(), String::from_utf8_lossy(bytes))
    })
}

/// The message, NUL-terminated; for a null trap, the empty vector (not even
/// a NUL).
#[no_mangle]
pub extern "C" fn wasm_trap_message(
    t: Option<&wasm_trap_t>,
    out: Option<&mut MaybeUninit<wasm_message_t>>,
) {
    let Some(out) = out else {
        return;
    };
    let Some(t) = t else {
        out.write(wasm_message_t::from_bytes(&[]));
        return;
    };
    let mut bytes = t.trap().message().as_bytes().to_vec();
    bytes.push(0);
    out.write(wasm_message_t::from_bytes(&bytes));
}

/// The innermost frame, or null when the trap has no wasm frames.
#[no_mangle]
pub extern "C" fn wasm_trap_origin(t: Option<&wasm_trap_t>) -> *mut wasm_frame_t {
    let Some(t) = t else {
        return ptr::null_mut();
    };
    t.trap()
        .frames()
        .first()
        .map_or(ptr::null_mut(), |f| t.frame(f))
}

/// The frames, innermost first (none for a null trap).
#[no_mangle]
pub extern "C" fn wasm_trap_trace(
    t: Option<&wasm_trap_t>,
    out: Option<&mut MaybeUninit<wasm_frame_vec_t>>,
) {
    let Some(out) = out else {
        return;
    };
    let frames = t.map_or_else(Vec::new, |t| {
        t.trap().frames().iter().map(|f| t.frame(f)).collect()
    });
    write_out(Some(out), frames)
}

#[no_mangle]
pub extern "C" fn wasm_trap_delete(t: Option<Box<wasm_trap_t>>) {
    drop(t)
}

#[no_mangle]
pub extern "C" fn wasm_trap_copy(t: Option<&wasm_trap_t>) -> *mut wasm_trap_t {
    ref_copy(t)
}

#[no_mangle]
pub extern "C" fn wasm_trap_same(a: Option<&wasm_trap_t>, b: Option<&wasm_trap_t>) -> bool {
    ref_same(a, b)
}

#[no_mangle]
pub extern "C" fn wasm_trap_get_host_info(t: Option<&wasm_trap_t>) -> *mut c_void {
    ref_get_host_info(t)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_set_host_info(
    t: Option<NonNull<wasm_trap_t>>,
    info: *mut c_void,
) {
    ref_set_host_info(t, info, None)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_set_host_info_with_finalizer(
    t: Option<NonNull<wasm_trap_t>>,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    ref_set_host_info(t, info, finalizer)
}

#[no_mangle]
pub extern "C" fn wasm_trap_as_ref(t: Option<NonNull<wasm_trap_t>>) -> Option<NonNull<wasm_ref_t>> {
    ref_as_ref(t)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_trap(
    r: Option<NonNull<wasm_ref_t>>,
) -> Option<NonNull<wasm_trap_t>> {
    ref_as(r)
}

#[no_mangle]
pub extern "C" fn wasm_trap_as_ref_const(t: Option<&wasm_trap_t>) -> Option<&wasm_ref_t> {
    ref_as_ref_const(t)
}

#[no_mangle]
pub extern "C" fn wasm_ref_as_trap_const(r: Option<&wasm_ref_t>) -> *const wasm_trap_t {
    ref_as_const(r)
}

// Frames

pub struct wasm_frame_t {
    info: FrameInfo,
    store: *mut wasm_store_t,
    /// Owned; handed out borrowed by `wasm_frame_instance`.
    instance: *mut wasm_instance_t,
}

impl Drop for wasm_frame_t {
    fn drop(&mut self) {
        // SAFETY: the frame owns its instance handle.
        unsafe { drop_raw(self.instance) }
    }
}

impl OwnedObject for wasm_frame_t {
    fn copy_raw(&self) -> *mut Self {
        let instance = match self.info.instance {
            Some(i) if !self.instance.is_null() => wasm_instance_t::new(self.store, i),
            _ => ptr::null_mut(),
        };
        into_raw(wasm_frame_t {
            info: self.info.clone(),
            store: self.store,
            instance,
        })
    }
}

#[no_mangle]
pub extern "C" fn wasm_frame_copy(f: Option<&wasm_frame_t>) -> *mut wasm_frame_t {
    guard(ptr::null_mut(), || {
        f.map_or(ptr::null_mut(), wasm_frame_t::copy_raw)
    })
}

#[no_mangle]
pub extern "C" fn wasm_frame_delete(f: Option<Box<wasm_frame_t>>) {
    drop(f)
}

/// The instance the frame's function belongs to, borrowed from the frame
/// (null when unknown, or for a null frame).
#[no_mangle]
pub extern "C" fn wasm_frame_instance(f: Option<&wasm_frame_t>) -> *mut wasm_instance_t {
    let Some(f) = f else {
        return ptr::null_mut();
    };
    f.instance
}

/// The function's index in its module (`UINT32_MAX` for a null frame).
#[no_mangle]
pub extern "C" fn wasm_frame_func_index(f: Option<&wasm_frame_t>) -> u32 {
    let Some(f) = f else {
        return NO_INDEX_U32;
    };
    f.info.func_index
}

/// Offset of the trapping instruction from the start of the function's body
/// (`SIZE_MAX` for a null frame).
#[no_mangle]
pub extern "C" fn wasm_frame_func_offset(f: Option<&wasm_frame_t>) -> usize {
    let Some(f) = f else {
        return NO_OFFSET;
    };
    f.info.func_offset
}

/// Offset of the trapping instruction in the module's bytes (`SIZE_MAX` for
/// a null frame).
#[no_mangle]
pub extern "C" fn wasm_frame_module_offset(f: Option<&wasm_frame_t>) -> usize {
    let Some(f) = f else {
        return NO_OFFSET;
    };
    f.info.module_offset
}
