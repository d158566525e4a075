//! Extensions the standard lacks, declared in `include/brisk.h` (generated
//! from this file alone by cbindgen, see `cbindgen-brisk.toml`; `wasm.h`
//! excludes them).

use super::engine::{wasm_config_t, wasm_store_t};
use super::guard;
use super::module::wasm_module_t;
use super::vec::{wasm_byte_vec_t, wasm_message_t};
use crate::{BoundsChecks, Features, Module};
use std::ptr;

/// The value kind of `v128` in value types (`wasm_valtype_kind`). A
/// `wasm_val_t` cannot hold a v128 value: calls that would pass one trap,
/// and `wasm_global_get` of a v128 global gives this kind with the low 64
/// bits in `of.i64`.
pub const BRISK_V128: u8 = 4;

pub type brisk_features_t = u8;

#[repr(C)]
#[allow(dead_code)] // the variants are read by C through the header
pub enum brisk_features_enum {
    /// WebAssembly 1.0 (the MVP with mutable globals).
    BRISK_FEATURES_WASM1 = 1,
    /// WebAssembly 2.0 (the default): multi-value, reference types, bulk
    /// memory, sign extension, saturating conversions, SIMD.
    BRISK_FEATURES_WASM2 = 2,
}

pub type brisk_bounds_checks_t = u8;

#[repr(C)]
#[allow(dead_code)]
pub enum brisk_bounds_checks_enum {
    /// Reserve address space so that out-of-bounds accesses fault on guard
    /// pages (the default; no check instruction on memory accesses).
    BRISK_BOUNDS_CHECKS_GUARD_PAGES = 0,
    /// Compare every access with the memory's size; memories reserve only
    /// what they use.
    BRISK_BOUNDS_CHECKS_EXPLICIT = 1,
}

/// Which WebAssembly standard modules may use; false for an unknown value.
#[no_mangle]
pub unsafe extern "C" fn brisk_config_features_set(
    config: *mut wasm_config_t,
    features: brisk_features_t,
) -> bool {
    guard(false, || {
        let features = match features {
            x if x == brisk_features_enum::BRISK_FEATURES_WASM1 as u8 => Features::Wasm1,
            x if x == brisk_features_enum::BRISK_FEATURES_WASM2 as u8 => Features::Wasm2,
            _ => return false,
        };
        if config.is_null() {
            return false;
        }
        // SAFETY: `config` is a live config.
        unsafe { (*config).config.features = features };
        true
    })
}

/// How memory accesses are kept in bounds; false for an unknown value.
#[no_mangle]
pub unsafe extern "C" fn brisk_config_bounds_checks_set(
    config: *mut wasm_config_t,
    mode: brisk_bounds_checks_t,
) -> bool {
    guard(false, || {
        let mode = match mode {
            x if x == brisk_bounds_checks_enum::BRISK_BOUNDS_CHECKS_GUARD_PAGES as u8 => {
                BoundsChecks::GuardPages
            }
            x if x == brisk_bounds_checks_enum::BRISK_BOUNDS_CHECKS_EXPLICIT as u8 => {
                BoundsChecks::Explicit
            }
            _ => return false,
        };
        if config.is_null() {
            return false;
        }
        // SAFETY: `config` is a live config.
        unsafe { (*config).config.bounds_checks = mode };
        true
    })
}

/// How much native stack wasm may use per call from the host, in bytes;
/// deeper recursion traps with "call stack exhausted".
#[no_mangle]
pub unsafe extern "C" fn brisk_config_max_wasm_stack_set(config: *mut wasm_config_t, bytes: usize) {
    guard((), || {
        if !config.is_null() {
            // SAFETY: `config` is a live config.
            unsafe { (*config).config.max_wasm_stack = bytes };
        }
    })
}

/// Whether to compile the functions of a module on several threads.
#[no_mangle]
pub unsafe extern "C" fn brisk_config_parallel_compilation_set(
    config: *mut wasm_config_t,
    enable: bool,
) {
    guard((), || {
        if !config.is_null() {
            // SAFETY: `config` is a live config.
            unsafe { (*config).config.parallel_compilation = enable };
        }
    })
}

/// `wasm_module_new` that says why it failed: on failure returns null and,
/// if `error` is not null, stores the reason there (an owned, NUL-terminated
/// message).
#[no_mangle]
pub unsafe extern "C" fn brisk_module_new(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
    error: *mut wasm_message_t,
) -> *mut wasm_module_t {
    guard(ptr::null_mut(), || {
        let result = if store.is_null() || binary.is_null() {
            Err("brisk_module_new: null store or binary".to_string())
        } else {
            // SAFETY: `store` is live; `binary` is a valid vector.
            let engine = unsafe { (*store).store() }.engine().clone();
            Module::new(&engine, unsafe { (*binary).bytes() }).map_err(|e| e.to_string())
        };
        match result {
            Ok(module) => wasm_module_t::new_raw(module),
            Err(message) => {
                if !error.is_null() {
                    let mut bytes = message.into_bytes();
                    bytes.push(0);
                    // SAFETY: `error` is writable.
                    unsafe { error.write(wasm_byte_vec_t::from_bytes(&bytes)) };
                }
                ptr::null_mut()
            }
        }
    })
}
