//! Modules: compilation, validation, reflection, serialization, and sharing
//! across threads and stores.

use super::engine::wasm_store_t;
use super::ref_::{
    ref_as, ref_as_const, ref_as_ref, ref_as_ref_const, ref_copy, ref_get_host_info, ref_same,
    ref_set_host_info, wasm_ref_t, with_shared, RefHeader, RefKind, RefObject, SharedHostInfo,
};
use super::types::{wasm_exporttype_t, wasm_importtype_t};
use super::vec::{wasm_byte_vec_t, wasm_exporttype_vec_t, wasm_importtype_vec_t, write_out};
use super::{guard, into_raw, HostInfo};
use crate::{Engine, Module};
use std::ffi::c_void;
use std::mem::MaybeUninit;
use std::ptr::{self, NonNull};
use std::sync::{Arc, Mutex};

#[repr(C, align(8))]
pub struct wasm_module_t {
    header: RefHeader,
    pub(crate) module: Module,
    host_info: SharedHostInfo,
}

impl wasm_module_t {
    pub(crate) fn new_raw(module: Module) -> *mut wasm_module_t {
        into_raw(wasm_module_t {
            header: RefHeader::new(RefKind::Module),
            module,
            host_info: Arc::new(Mutex::new(None)),
        })
    }
}

impl RefObject for wasm_module_t {
    fn is(r: &wasm_ref_t) -> bool {
        r.kind() == RefKind::Module
    }

    fn copy(&self) -> *mut Self {
        into_raw(wasm_module_t {
            header: RefHeader::new(RefKind::Module),
            module: self.module.clone(),
            host_info: self.host_info.clone(),
        })
    }

    fn same(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.host_info, &other.host_info)
    }

    fn with_host_info<R>(&self, f: impl FnOnce(&mut Option<HostInfo>) -> R) -> R {
        with_shared(&self.host_info, f)
    }
}

/// The bytes of a byte-vector argument; null is empty.
///
/// # Safety
/// `binary` is null or a valid byte vector.
pub(crate) unsafe fn bytes_of(binary: Option<&wasm_byte_vec_t>) -> &[u8] {
    // SAFETY: forwarded from the caller.
    binary.map_or(&[], |b| unsafe { b.bytes() })
}

/// The engine of a store; `None` for null.
///
/// # Safety
/// `store` is null or live.
pub(crate) unsafe fn engine_of(store: Option<NonNull<wasm_store_t>>) -> Option<Engine> {
    // SAFETY: `store` is live; an entry point of this store.
    Some(unsafe { store?.as_ref().store() }.engine().clone())
}

/// Compiles a module; null when the bytes are malformed or invalid (a null
/// `binary` is empty, so invalid) or `store` is null.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_new(
    store: Option<NonNull<wasm_store_t>>,
    binary: Option<&wasm_byte_vec_t>,
) -> *mut wasm_module_t {
    guard(ptr::null_mut(), || {
        // SAFETY: `store` is null or live; `binary` is null or a valid vector.
        let (engine, bytes) = unsafe { (engine_of(store), bytes_of(binary)) };
        let Some(engine) = engine else {
            return ptr::null_mut();
        };
        match Module::new(&engine, bytes) {
            Ok(module) => wasm_module_t::new_raw(module),
            Err(_) => ptr::null_mut(),
        }
    })
}

/// Whether `binary` is a valid module (a null `binary` is empty: no; a null
/// `store`: no).
#[no_mangle]
pub unsafe extern "C" fn wasm_module_validate(
    store: Option<NonNull<wasm_store_t>>,
    binary: Option<&wasm_byte_vec_t>,
) -> bool {
    guard(false, || {
        // SAFETY: `store` is null or live; `binary` is null or a valid vector.
        let (engine, bytes) = unsafe { (engine_of(store), bytes_of(binary)) };
        engine.is_some_and(|engine| Module::validate(&engine, bytes).is_ok())
    })
}

#[no_mangle]
pub extern "C" fn wasm_module_imports(
    m: Option<&wasm_module_t>,
    out: Option<&mut MaybeUninit<wasm_importtype_vec_t>>,
) {
    let Some(out) = out else { return };
    let v = m.map_or_else(Vec::new, |m| {
        m.module
            .imports()
            .iter()
            .map(|i| wasm_importtype_t::new(&i.module, &i.name, &i.ty))
            .collect()
    });
    write_out(Some(out), v)
}

#[no_mangle]
pub extern "C" fn wasm_module_exports(
    m: Option<&wasm_module_t>,
    out: Option<&mut MaybeUninit<wasm_exporttype_vec_t>>,
) {
    let Some(out) = out else { return };
    let v = m.map_or_else(Vec::new, |m| {
        m.module
            .exports()
            .iter()
            .map(|e| wasm_exporttype_t::new(&e.name, &e.ty))
            .collect()
    });
    write_out(Some(out), v)
}

/// The compiled module, in the runtime's versioned, checksummed format.
#[no_mangle]
pub extern "C" fn wasm_module_serialize(
    m: Option<&wasm_module_t>,
    out: Option<&mut MaybeUninit<wasm_byte_vec_t>>,
) {
    if let Some(out) = out {
        out.write(m.map_or_else(
            || wasm_byte_vec_t::from_bytes(&[]),
            |m| wasm_byte_vec_t::from_bytes(&m.module.serialize()),
        ));
    }
}

/// Loads what `wasm_module_serialize` wrote; null for corrupted data or data
/// from another version or configuration (a null `bytes` is empty), and for
/// a null `store`.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_deserialize(
    store: Option<NonNull<wasm_store_t>>,
    bytes: Option<&wasm_byte_vec_t>,
) -> *mut wasm_module_t {
    guard(ptr::null_mut(), || {
        // SAFETY: `store` is null or live; `bytes` is null or a valid vector.
        let (engine, bytes) = unsafe { (engine_of(store), bytes_of(bytes)) };
        let Some(engine) = engine else {
            return ptr::null_mut();
        };
        match Module::deserialize(&engine, bytes) {
            Ok(module) => wasm_module_t::new_raw(module),
            Err(_) => ptr::null_mut(),
        }
    })
}

/// A module that any thread may turn back into a `wasm_module_t` of its own
/// store with `wasm_module_obtain`; the compiled code is shared.
pub struct wasm_shared_module_t {
    module: Module,
}

#[no_mangle]
pub extern "C" fn wasm_module_share(m: Option<&wasm_module_t>) -> *mut wasm_shared_module_t {
    guard(ptr::null_mut(), || {
        m.map_or(ptr::null_mut(), |m| {
            into_raw(wasm_shared_module_t {
                module: m.module.clone(),
            })
        })
    })
}

/// `module` as a module of `engine`. A module compiled by `engine` is
/// itself. One compiled by another engine is taken over when the two
/// configurations agree on what compiled code depends on (bounds-check mode
/// and features), as hosts written for WAMR, with an engine per thread,
/// expect: its code is copied for `engine` through the serialized form,
/// which gives its signatures `engine`'s type ids. Otherwise the reason.
pub(crate) fn module_for_engine(module: &Module, engine: &Engine) -> Result<Module, String> {
    let from = module.engine();
    if from.same(engine) {
        return Ok(module.clone());
    }
    let (a, b) = (from.config(), engine.config());
    if a.bounds_checks != b.bounds_checks {
        return Err(format!(
            "the module was compiled by an engine with bounds checks {:?}, this store's engine has {:?}",
            a.bounds_checks, b.bounds_checks
        ));
    }
    if a.features != b.features {
        return Err(format!(
            "the module was compiled by an engine with features {:?}, this store's engine has {:?}",
            a.features, b.features
        ));
    }
    Module::deserialize(engine, &module.serialize()).map_err(|e| e.to_string())
}

/// The shared module as a module of `store`; null when either is null, or
/// when the module comes from another engine whose configuration does not
/// agree with the store's (bounds-check mode, features). Another engine
/// whose configuration agrees is more lenient than the standard asks, for
/// hosts with an engine per thread: the module's code is copied for it
/// (see `include/README.md`).
#[no_mangle]
pub unsafe extern "C" fn wasm_module_obtain(
    store: Option<NonNull<wasm_store_t>>,
    shared: Option<&wasm_shared_module_t>,
) -> *mut wasm_module_t {
    guard(ptr::null_mut(), || {
        // SAFETY: `store` is null or live.
        let (Some(engine), Some(shared)) = (unsafe { engine_of(store) }, shared) else {
            return ptr::null_mut();
        };
        match module_for_engine(&shared.module, &engine) {
            Ok(module) => wasm_module_t::new_raw(module),
            Err(_) => ptr::null_mut(),
        }
    })
}

#[no_mangle]
pub extern "C" fn wasm_shared_module_delete(shared: Option<Box<wasm_shared_module_t>>) {
    drop(shared)
}

#[no_mangle]
pub extern "C" fn wasm_module_delete(m: Option<Box<wasm_module_t>>) {
    drop(m)
}

#[no_mangle]
pub extern "C" fn wasm_module_copy(m: Option<&wasm_module_t>) -> *mut wasm_module_t {
    ref_copy(m)
}

#[no_mangle]
pub extern "C" fn wasm_module_same(a: Option<&wasm_module_t>, b: Option<&wasm_module_t>) -> bool {
    ref_same(a, b)
}

#[no_mangle]
pub extern "C" fn wasm_module_get_host_info(m: Option<&wasm_module_t>) -> *mut c_void {
    ref_get_host_info(m)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_set_host_info(
    m: Option<NonNull<wasm_module_t>>,
    info: *mut c_void,
) {
    ref_set_host_info(m, info, None)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_set_host_info_with_finalizer(
    m: Option<NonNull<wasm_module_t>>,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    ref_set_host_info(m, info, finalizer)
}

#[no_mangle]
pub extern "C" fn wasm_module_as_ref(
    m: Option<NonNull<wasm_module_t>>,
) -> Option<NonNull<wasm_ref_t>> {
    ref_as_ref(m)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_module(
    r: Option<NonNull<wasm_ref_t>>,
) -> Option<NonNull<wasm_module_t>> {
    ref_as(r)
}

#[no_mangle]
pub extern "C" fn wasm_module_as_ref_const(m: Option<&wasm_module_t>) -> Option<&wasm_ref_t> {
    ref_as_ref_const(m)
}

#[no_mangle]
pub extern "C" fn wasm_ref_as_module_const(r: Option<&wasm_ref_t>) -> *const wasm_module_t {
    ref_as_const(r)
}
