//! Extensions the standard lacks, declared in `include/brisk.h` (generated
//! from this file alone by cbindgen, see `cbindgen-brisk.toml`; `wasm.h`
//! excludes them).

use super::engine::{wasm_config_t, wasm_store_t};
use super::guard;
use super::module::{bytes_of, engine_of, wasm_module_t};
use super::vec::{wasm_byte_vec_t, wasm_message_t};
use crate::{BoundsChecks, Features, Module};
use std::mem::MaybeUninit;
use std::ptr::{self, NonNull};

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

/// Which WebAssembly standard modules may use; false for an unknown value
/// (or a null `config`).
#[no_mangle]
pub extern "C" fn brisk_config_features_set(
    config: Option<&mut wasm_config_t>,
    features: brisk_features_t,
) -> bool {
    let Some(config) = config else { return false };
    config.config.features = match features {
        x if x == brisk_features_enum::BRISK_FEATURES_WASM1 as u8 => Features::Wasm1,
        x if x == brisk_features_enum::BRISK_FEATURES_WASM2 as u8 => Features::Wasm2,
        _ => return false,
    };
    true
}

/// How memory accesses are kept in bounds; false for an unknown value (or a
/// null `config`).
#[no_mangle]
pub extern "C" fn brisk_config_bounds_checks_set(
    config: Option<&mut wasm_config_t>,
    mode: brisk_bounds_checks_t,
) -> bool {
    let Some(config) = config else { return false };
    config.config.bounds_checks = match mode {
        x if x == brisk_bounds_checks_enum::BRISK_BOUNDS_CHECKS_GUARD_PAGES as u8 => {
            BoundsChecks::GuardPages
        }
        x if x == brisk_bounds_checks_enum::BRISK_BOUNDS_CHECKS_EXPLICIT as u8 => {
            BoundsChecks::Explicit
        }
        _ => return false,
    };
    true
}

/// How much native stack wasm may use per call from the host, in bytes;
/// deeper recursion traps with "call stack exhausted".
#[no_mangle]
pub extern "C" fn brisk_config_max_wasm_stack_set(
    config: Option<&mut wasm_config_t>,
    bytes: usize,
) {
    if let Some(config) = config {
        config.config.max_wasm_stack = bytes;
    }
}

/// Whether to compile the functions of a module on several threads.
#[no_mangle]
pub extern "C" fn brisk_config_parallel_compilation_set(
    config: Option<&mut wasm_config_t>,
    enable: bool,
) {
    if let Some(config) = config {
        config.config.parallel_compilation = enable;
    }
}

/// How many instances one store may hold, failed instantiations included
/// (default 10,000). Objects live as long as their store: past the limit,
/// `wasm_instance_new` fails with a trap whose message names the limit.
#[no_mangle]
pub extern "C" fn brisk_config_max_instances_set(config: Option<&mut wasm_config_t>, max: usize) {
    if let Some(config) = config {
        config.config.store_limits.max_instances = max;
    }
}

/// How many live memories one store may hold (default 10,000).
#[no_mangle]
pub extern "C" fn brisk_config_max_memories_set(config: Option<&mut wasm_config_t>, max: usize) {
    if let Some(config) = config {
        config.config.store_limits.max_memories = max;
    }
}

/// How many live tables one store may hold (default 10,000).
#[no_mangle]
pub extern "C" fn brisk_config_max_tables_set(config: Option<&mut wasm_config_t>, max: usize) {
    if let Some(config) = config {
        config.config.store_limits.max_tables = max;
    }
}

/// How much address space the guard-page memories of one store may
/// reserve, in bytes (default 32 TiB; each memory reserves 8 GiB + 64 KiB).
#[no_mangle]
pub extern "C" fn brisk_config_max_reserved_bytes_set(
    config: Option<&mut wasm_config_t>,
    bytes: u64,
) {
    if let Some(config) = config {
        config.config.store_limits.max_reserved_bytes = bytes;
    }
}

/// How many released guard-page reservations the engine keeps for reuse
/// (default 16; 0 unmaps each one as it is released).
#[no_mangle]
pub extern "C" fn brisk_config_memory_pool_size_set(
    config: Option<&mut wasm_config_t>,
    count: usize,
) {
    if let Some(config) = config {
        config.config.memory_pool_size = count;
    }
}

/// `wasm_module_new` that says why it failed: on failure returns null and,
/// if `error` is not null, stores the reason there (an owned, NUL-terminated
/// message). A null `binary` is empty, so invalid; a null `store` fails.
#[no_mangle]
pub unsafe extern "C" fn brisk_module_new(
    store: Option<NonNull<wasm_store_t>>,
    binary: Option<&wasm_byte_vec_t>,
    error: Option<&mut MaybeUninit<wasm_message_t>>,
) -> *mut wasm_module_t {
    let result = guard(Err("brisk_module_new panicked".to_string()), || {
        // SAFETY: `store` is null or live; `binary` is null or a valid vector.
        let (engine, bytes) = unsafe { (engine_of(store), bytes_of(binary)) };
        let engine = engine.ok_or_else(|| "brisk_module_new: null store".to_string())?;
        Module::new(&engine, bytes).map_err(|e| e.to_string())
    });
    match result {
        Ok(module) => wasm_module_t::new_raw(module),
        Err(message) => {
            if let Some(error) = error {
                let mut bytes = message.into_bytes();
                bytes.push(0);
                error.write(wasm_byte_vec_t::from_bytes(&bytes));
            }
            ptr::null_mut()
        }
    }
}
