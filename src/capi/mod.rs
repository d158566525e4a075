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
//!   `wasm_X_as_ref` also marks the header as lent out, and a generic delete
//!   (`wasm_ref_delete`, a reference value's) of a lent-out object does
//!   nothing: hosts written for WAMR delete that borrowed view (see
//!   `include/README.md`, "more lenient than the standard").
//! - Functions, globals, tables and memories are one struct,
//!   [`wasm_extern_t`], whose layout they share, so `wasm_func_as_extern` is
//!   a cast too.
//!
//! # Null pointers
//!
//! Every entry point survives a null pointer, and one rule says what it
//! answers, written in the Rust signatures: every pointer parameter is an
//! `Option` (`Option<&T>`, `Option<&mut T>`, `Option<NonNull<T>>`,
//! `Option<Box<T>>`), which Rust passes as a plain pointer and cbindgen
//! writes as one, so the ABI and the header are the standard's while the
//! types make every null a case the body must handle. `tests/capi_nulls.rs`
//! holds every exported function to it: it reads the declarations from the
//! headers, calls each function with null for every pointer (each call in a
//! child process of its own, so that one crash cannot hide another) and
//! checks that none crashes and that each gives the answer below.
//!
//! Where the standard gives null a meaning, null means that:
//!
//! - Owned objects: `wasm_X_delete(NULL)` does nothing and
//!   `wasm_X_copy(NULL)` returns null, for every `X` (a host's owned pointer
//!   may be the null of a failed constructor, or a null reference). A
//!   constructor given a null owned part (`wasm_globaltype_new`'s value
//!   type, `wasm_tagtype_new`'s function type, `wasm_importtype_new`'s
//!   extern type) returns null, after deleting the parts it was given;
//!   `wasm_engine_new_with_config(NULL)` uses the default configuration.
//! - References as values: a null `wasm_ref_t*` element (`wasm_table_new`,
//!   `wasm_table_set`, `wasm_table_grow`, `wasm_val_t::of.ref`) is the null
//!   reference; the conversions (`wasm_X_as_Y`, `wasm_ref_as_X`,
//!   `wasm_externtype_as_X`, ...) turn null into null; `wasm_X_same` holds
//!   for two nulls.
//! - Vectors: a null `wasm_X_vec_t*` argument is the empty vector
//!   (`wasm_func_call`'s arguments and results, `wasm_instance_new`'s
//!   imports, `wasm_module_new`'s binary, which is then invalid,
//!   `wasm_functype_new`'s parameters and results, `wasm_trap_new`'s
//!   message, `wasm_X_vec_copy`'s source); a vector's `data` may be null
//!   when its `size` is 0.
//! - Optional outputs: `wasm_instance_new`'s `trap` and `brisk_module_new`'s
//!   `error`.
//! - What belongs to the host: `void*` host info and environments are
//!   opaque (any value), a null finalizer is none, and a null callback makes
//!   `wasm_func_new` return null.
//!
//! Every other null is the host's mistake: the object a function reads or
//! acts on, a store or engine, a type given to a constructor, a
//! `wasm_val_t*` or `wasm_limits_t*`, an `out` parameter. The call then
//! does nothing and gives the *nothing answer* of its result, never a value
//! that could be a real one:
//!
//! | result | nothing answer |
//! | --- | --- |
//! | a pointer: a new object, a borrowed part (`wasm_functype_params`, `wasm_importtype_name`, ...), host info, `wasm_memory_data`, `wasm_table_get`, `wasm_frame_instance` | null |
//! | `bool` (`wasm_memory_grow`, `wasm_table_set`, `wasm_module_validate`, `brisk_config_features_set`, ...) | `false` |
//! | a size, count or arity (`wasm_memory_size`, `wasm_table_size`, `wasm_func_param_arity`, ...) | 0 |
//! | a kind: `wasm_valtype_kind`, `wasm_externtype_kind`, `wasm_extern_kind`, `wasm_globaltype_mutability` | `0xff`, which no kind or mutability has (0 would read as `WASM_I32`, `WASM_EXTERN_FUNC`, `WASM_CONST`; `wasm_valkind_is_ref` holds for it, as for every value from 128) |
//! | an index or offset: `wasm_frame_func_index`, `wasm_frame_func_offset`, `wasm_frame_module_offset` | all ones, `UINT32_MAX` or `SIZE_MAX` (0 is the first function or byte) |
//! | a vector written to `out` (`wasm_module_exports`, `wasm_instance_exports`, `wasm_trap_message`, `wasm_trap_trace`, `wasm_module_serialize`, ...) | the empty vector: size 0, data null (a message without even its NUL) |
//! | a `wasm_val_t` written to `out` (`wasm_global_get`, `wasm_val_copy`) | a value of kind `0xff` with all bits zero (`wasm_val_delete` of it does nothing) |
//! | `wasm_func_call` | a new trap, "wasm_func_call: null function", never null, which would read as success; with no function there is no store to find, and the trap belongs to none (a trap needs its store only for its frames' instances, and this one has no frames) |
//! | `wasm_instance_new` | null, and a trap saying why in `trap` when that is not null (a trap of no store if `store` is null) |
//! | `brisk_module_new` | null, and the reason in `error` when that is not null |
//! | nothing: setters (`wasm_global_set`, `wasm_X_set_host_info(_with_finalizer)`, `brisk_config_max_wasm_stack_set`, ...) and writers to a null `out` | nothing happens, but for owned arguments (below); a finalizer given along does not run (its info was never taken) |
//!
//! A null `out` receives nothing. A call that takes ownership of arguments
//! and gives nothing back releases them, as the constructors with a null
//! owned part do: `wasm_X_vec_new` with a null `out` deletes the elements,
//! `wasm_tabletype_new` with null limits deletes the element type, and
//! `wasm_func_new_with_env` with a null store or type runs the
//! environment's finalizer right away.
//!
//! Null is the one invalid pointer a callee can recognise: a dangling,
//! freed or mistyped pointer is still undefined behaviour, as in every
//! engine. The signatures take
//!
//! - `Option<&T>` for a `const T*`;
//! - `Option<&mut T>`, or `Option<&mut MaybeUninit<T>>` for an `out`
//!   parameter, for a `T*` that the call uses alone (configurations, types,
//!   vectors, values);
//! - `Option<NonNull<T>>` for the `T*` of engines, stores and reference
//!   objects. These are shared, so an exclusive `&mut` would be a lie: an
//!   engine between threads, a store with the host functions that call back
//!   into it in the middle of a call, and a reference object with its other
//!   views (`wasm_table_set(t, 0, wasm_table_as_ref(t))` passes one object
//!   twice);
//! - `Option<Box<T>>` for an owned object the call takes.
//!
//! Arrays (`wasm_X_vec_new`'s elements, a vector's `data`) stay raw
//! pointers: a reference would cover their first element only; a null array
//! is no elements. A `wasm_ref_t` is only the header of the object it
//! stands for, so `wasm_ref_delete` takes an `Option<NonNull>`, not a
//! `Box` (it dispatches on the header), and the results that widen it (`wasm_ref_as_X_const`) are raw
//! pointers.
//!
//! # Panics
//!
//! No panic unwinds into C. A panic in brisk is a bug; what the host sees
//! of it depends on whether the function has a way to say it failed:
//!
//! - Functions whose result can say "failed" run their body through
//!   [`guard`], which turns a panic into that failure: null from a function
//!   that returns a new object (the constructors, `wasm_X_copy`,
//!   `wasm_X_type`, `wasm_module_new`, `wasm_module_deserialize`,
//!   `wasm_trap_new`, ...), a trap from `wasm_func_call`, null and a trap
//!   from `wasm_instance_new`, `false` from `wasm_module_validate`,
//!   `wasm_memory_grow`, `wasm_table_grow` and `wasm_table_set`. These are
//!   the entry points that run wasm or host functions, compile, or build
//!   objects.
//! - The others have no guard. Reading a field, a kind, an arity or a size
//!   cannot panic, and a function that writes an `out` value, returns
//!   nothing, or returns a pointer for which null is also an answer
//!   (`wasm_table_get`, `wasm_trap_origin`) has no result that a host could
//!   tell from a real one: an empty `out` vector would read as "no
//!   exports", a null `wasm_table_get` as a null element. Should one of them
//!   panic, the unwinding reaches its `extern "C"` boundary and Rust aborts
//!   the process with a message, as it does when memory runs out.
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
/// cbindgen:ignore
mod wasi;

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

/// What a kind accessor answers for null (see "Null pointers"): no value
/// kind, extern kind or mutability has it (0 would read as `WASM_I32`,
/// `WASM_EXTERN_FUNC` or `WASM_CONST`). Not in a header: cbindgen would put
/// a public constant in `wasm.h` too, which is the standard's alone.
pub(crate) const NO_KIND: u8 = 0xff;

/// What an index or offset accessor answers for null: all ones, which no
/// function index or byte offset reaches.
pub(crate) const NO_INDEX_U32: u32 = u32::MAX;
pub(crate) const NO_OFFSET: usize = usize::MAX;

/// Runs the body of an entry point whose result can say it failed; a panic
/// becomes `on_panic`, that failure (null, a trap, `false`: never a value
/// that also means something else, see "Panics" above).
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
