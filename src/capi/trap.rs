//! Traps and their frames.
//!
//! A trap is immutable once made, so copies share it (and its identity and
//! host info) through an `Arc`. Messages cross the API NUL-terminated, as
//! the standard's `wasm_message_t` says: `wasm_trap_new` drops one trailing
//! NUL, `wasm_trap_message` adds it back.

use super::engine::wasm_store_t;
use super::instance::wasm_instance_t;
use super::ref_::{
    ref_as, ref_as_ref, ref_copy, ref_delete, ref_get_host_info, ref_same, ref_set_host_info,
    wasm_ref_t, with_shared, RefHeader, RefKind, RefObject, SharedHostInfo,
};
use super::vec::{wasm_frame_vec_t, wasm_message_t, write_out, OwnedObject};
use super::{drop_raw, guard, into_raw, HostInfo};
use crate::{Error, FrameInfo, Trap};
use std::ffi::c_void;
use std::ptr;
use std::sync::{Arc, Mutex};

struct TrapData {
    trap: Trap,
    /// The store the trap happened in (for the frames' instances); null for
    /// a trap made by `wasm_trap_new` without one.
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

    /// The trap that reports an error of the Rust API.
    pub(crate) fn from_error(store: *mut wasm_store_t, error: Error) -> *mut wasm_trap_t {
        match error {
            Error::Trap(trap) => Self::new(store, trap),
            other => Self::new(store, Trap::new(other.to_string())),
        }
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

    unsafe fn copy(this: *const Self) -> *mut Self {
        into_raw(wasm_trap_t {
            header: RefHeader::new(RefKind::Trap),
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
pub unsafe extern "C" fn wasm_trap_new(
    store: *mut wasm_store_t,
    message: *const wasm_message_t,
) -> *mut wasm_trap_t {
    guard(ptr::null_mut(), || {
        let bytes = if message.is_null() {
            &[][..]
        } else {
            // SAFETY: `message` is a valid byte vector.
            unsafe { (*message).bytes() }
        };
        let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
        wasm_trap_t::from_message(store, String::from_utf8_lossy(bytes))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_message(t: *const wasm_trap_t, out: *mut wasm_message_t) {
    guard((), || {
        // SAFETY: `t` is live.
        let message = unsafe { (*t).trap().message() };
        let mut bytes = message.as_bytes().to_vec();
        bytes.push(0);
        let bytes = bytes
            .into_iter()
            .map(|b| b as super::vec::wasm_byte_t)
            .collect();
        // SAFETY: `out` is writable.
        unsafe { write_out(out, bytes) }
    })
}

/// The innermost frame, or null when the trap has no wasm frames.
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_origin(t: *const wasm_trap_t) -> *mut wasm_frame_t {
    guard(ptr::null_mut(), || {
        // SAFETY: `t` is live.
        let t = unsafe { &*t };
        t.trap()
            .frames()
            .first()
            .map_or(ptr::null_mut(), |f| t.frame(f))
    })
}

/// The frames, innermost first.
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_trace(t: *const wasm_trap_t, out: *mut wasm_frame_vec_t) {
    guard((), || {
        // SAFETY: `t` is live.
        let t = unsafe { &*t };
        let frames = t.trap().frames().iter().map(|f| t.frame(f)).collect();
        // SAFETY: `out` is writable.
        unsafe { write_out(out, frames) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_delete(t: *mut wasm_trap_t) {
    ref_delete(t)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_copy(t: *const wasm_trap_t) -> *mut wasm_trap_t {
    ref_copy(t)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_same(a: *const wasm_trap_t, b: *const wasm_trap_t) -> bool {
    ref_same(a, b)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_get_host_info(t: *const wasm_trap_t) -> *mut c_void {
    ref_get_host_info(t)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_set_host_info(t: *mut wasm_trap_t, info: *mut c_void) {
    ref_set_host_info(t, info, None)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_set_host_info_with_finalizer(
    t: *mut wasm_trap_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    ref_set_host_info(t, info, finalizer)
}

#[no_mangle]
pub extern "C" fn wasm_trap_as_ref(t: *mut wasm_trap_t) -> *mut wasm_ref_t {
    ref_as_ref(t)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_trap(r: *mut wasm_ref_t) -> *mut wasm_trap_t {
    ref_as(r)
}

#[no_mangle]
pub extern "C" fn wasm_trap_as_ref_const(t: *const wasm_trap_t) -> *const wasm_ref_t {
    ref_as_ref(t)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_trap_const(r: *const wasm_ref_t) -> *const wasm_trap_t {
    ref_as(r)
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
    unsafe fn copy_raw(this: *const Self) -> *mut Self {
        // SAFETY: `this` is live.
        let this = unsafe { &*this };
        let instance = match this.info.instance {
            Some(i) if !this.instance.is_null() => wasm_instance_t::new(this.store, i),
            _ => ptr::null_mut(),
        };
        into_raw(wasm_frame_t {
            info: this.info.clone(),
            store: this.store,
            instance,
        })
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_copy(f: *const wasm_frame_t) -> *mut wasm_frame_t {
    guard(ptr::null_mut(), || {
        if f.is_null() {
            ptr::null_mut()
        } else {
            wasm_frame_t::copy_raw(f)
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_delete(f: *mut wasm_frame_t) {
    guard((), || drop_raw(f))
}

/// The instance the frame's function belongs to, borrowed from the frame
/// (null when unknown).
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_instance(f: *const wasm_frame_t) -> *mut wasm_instance_t {
    // SAFETY: `f` is live.
    guard(ptr::null_mut(), || unsafe { (*f).instance })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_func_index(f: *const wasm_frame_t) -> u32 {
    // SAFETY: `f` is live.
    guard(0, || unsafe { (*f).info.func_index })
}

/// Offset of the trapping instruction from the start of the function's body.
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_func_offset(f: *const wasm_frame_t) -> usize {
    // SAFETY: `f` is live.
    guard(0, || unsafe { (*f).info.func_offset })
}

/// Offset of the trapping instruction in the module's bytes.
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_module_offset(f: *const wasm_frame_t) -> usize {
    // SAFETY: `f` is live.
    guard(0, || unsafe { (*f).info.module_offset })
}
