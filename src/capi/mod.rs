//! The standard WebAssembly C API (`wasm.h`) over the safe Rust API.
//!
//! One file per family of objects, as `wasm.h` groups them. `include/wasm.h`
//! is generated from these files by cbindgen (see `cbindgen.toml`); the
//! standard's macros and inline helpers live in its header and trailer text.
//! `brisk.rs` holds the extensions, declared in `include/brisk.h`.
//!
//! # Object model
//!
//! - Every object is a `Box` handed to C as a raw pointer; `wasm_X_delete`
//!   takes it back. Store-owned runtime objects (functions, globals, tables,
//!   memories, instances) are small handles plus a pointer to their
//!   [`wasm_store_t`]: deleting the C object never frees the runtime object,
//!   which lives as long as its store, as the standard says.
//! - Every object that is a *reference* in the standard's sense (`wasm_ref_t`
//!   and the types declared with `WASM_DECLARE_REF`) starts with a
//!   `RefHeader`, so that `wasm_X_as_ref` and `wasm_ref_as_X` are pointer
//!   casts and `wasm_ref_delete`/`copy`/`same` dispatch on the header's kind.
//! - Functions, globals, tables and memories are one struct,
//!   [`wasm_extern_t`], whose layout they share, so `wasm_func_as_extern` is
//!   a cast too.
//!
//! # Panics
//!
//! Every entry point runs its body through `guard`: a panic becomes a null
//! result, `false`, or a trap, and never unwinds into C.
//!
//! # Opaque types and cbindgen
//!
//! The objects are `#[repr(C, align(8))]`: `repr(C)` pins the header at
//! offset 0, and cbindgen declares `repr(align)` types opaquely
//! (`typedef struct wasm_func_t wasm_func_t;`), which is what the standard
//! wants for every object.

#![allow(non_camel_case_types, clippy::missing_safety_doc)]

pub mod brisk;
pub mod engine;
#[path = "extern.rs"]
pub mod extern_;
pub mod func;
pub mod global;
pub mod instance;
pub mod memory;
pub mod module;
#[path = "ref.rs"]
pub mod ref_;
pub mod table;
pub mod trap;
pub mod types;
pub mod val;
pub mod vec;

pub use engine::{wasm_config_t, wasm_engine_t, wasm_store_t};
pub use extern_::{wasm_extern_t, wasm_func_t, wasm_global_t, wasm_memory_t, wasm_table_t};
pub use instance::wasm_instance_t;
pub use module::{wasm_module_t, wasm_shared_module_t};
pub use ref_::{wasm_foreign_t, wasm_ref_t};
pub use trap::{wasm_frame_t, wasm_trap_t};
pub use types::*;
pub use val::{wasm_val_t, wasm_val_union};
pub use vec::*;

use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs the body of an entry point; a panic becomes `on_panic`.
///
/// Unwinding out of an `extern "C"` function aborts the process, and the
/// standard has no error channel for most functions: the neutral result
/// (null, `false`, zero, nothing) is the least surprising answer.
#[inline]
pub(crate) fn guard<R>(on_panic: R, body: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(on_panic)
}

/// Moves `value` to the heap and hands it to C.
pub(crate) fn into_raw<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Takes back ownership of an object given to C; null is a no-op.
///
/// # Safety
/// `ptr` is null or came from [`into_raw`] with the same `T` and is not used
/// afterwards.
pub(crate) unsafe fn drop_raw<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: the caller guarantees `ptr` is an owned box of `T`.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// Host information attached to a reference, with the finalizer that runs
/// when the reference's object goes away (or the info is replaced).
pub(crate) struct HostInfo {
    data: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
}

impl HostInfo {
    pub(crate) fn new(
        data: *mut c_void,
        finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
    ) -> Self {
        HostInfo { data, finalizer }
    }

    pub(crate) fn data(&self) -> *mut c_void {
        self.data
    }
}

impl Drop for HostInfo {
    fn drop(&mut self) {
        if let Some(finalizer) = self.finalizer {
            // SAFETY: the host registered this finalizer for exactly this data.
            unsafe { finalizer(self.data) }
        }
    }
}

// SAFETY: the data is opaque to us; the host chose to attach it to an object
// and is responsible for its thread-safety, as with every `void*` it gives us.
unsafe impl Send for HostInfo {}
