//! The runtime environment: configurations, engines and stores.

use super::ref_::HostInfoKey;
use super::{guard, into_raw, HostInfo};
use crate::{Config, Engine, Store};
use std::cell::{Cell, RefCell, UnsafeCell};
use std::collections::HashMap;
use std::ptr::{self, NonNull};

pub struct wasm_config_t {
    pub(crate) config: Config,
}

#[no_mangle]
pub extern "C" fn wasm_config_new() -> *mut wasm_config_t {
    guard(ptr::null_mut(), || {
        into_raw(wasm_config_t {
            config: Config::default(),
        })
    })
}

#[no_mangle]
pub extern "C" fn wasm_config_delete(config: Option<Box<wasm_config_t>>) {
    drop(config)
}

pub struct wasm_engine_t {
    pub(crate) engine: Engine,
}

#[no_mangle]
pub extern "C" fn wasm_engine_new() -> *mut wasm_engine_t {
    guard(ptr::null_mut(), || {
        into_raw(wasm_engine_t {
            engine: Engine::default(),
        })
    })
}

/// Takes ownership of `config`; null is the default configuration.
#[no_mangle]
pub extern "C" fn wasm_engine_new_with_config(
    config: Option<Box<wasm_config_t>>,
) -> *mut wasm_engine_t {
    guard(ptr::null_mut(), || {
        let config = config.map_or_else(Config::default, |c| c.config);
        into_raw(wasm_engine_t {
            engine: Engine::new(config),
        })
    })
}

#[no_mangle]
pub extern "C" fn wasm_engine_delete(engine: Option<Box<wasm_engine_t>>) {
    drop(engine)
}

// A store and the C API's bookkeeping for the objects in it.
//
// Objects keep a raw pointer to their `wasm_store_t` (the standard says the
// store outlives them), and reach the runtime store through
// `wasm_store_t::store`.
pub struct wasm_store_t {
    /// Dropped last (see `Drop`): host finalizers may still look at objects.
    store: UnsafeCell<Store>,
    /// While a host function runs, the `&mut Store` the runtime lent it, as
    /// a raw pointer: nested calls from the host into the same store must go
    /// through that borrow rather than create a second one from `store`.
    active: Cell<*mut Store>,
    /// Host info of store-owned objects (functions, globals, tables,
    /// memories, instances), shared by every C object that refers to the
    /// same runtime object; finalizers run when the store is deleted.
    host_info: RefCell<HashMap<HostInfoKey, HostInfo>>,
}

impl wasm_store_t {
    /// The runtime store, mutably: through the active host-call borrow if
    /// there is one, else directly.
    ///
    /// # Safety
    /// The C API is single-threaded per store and every use of the returned
    /// reference ends before control returns to C, so no two live `&mut`
    /// alias: a nested entry (from inside a host function) uses the pointer
    /// derived from the suspended borrow.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn store(&self) -> &mut Store {
        let active = self.active.get();
        if active.is_null() {
            // SAFETY: see the method's contract.
            unsafe { &mut *self.store.get() }
        } else {
            // SAFETY: `active` is the live borrow lent to the host function.
            unsafe { &mut *active }
        }
    }

    /// Runs `f` (a host function's body) with `store` as the active borrow.
    pub(crate) fn with_active<R>(&self, store: &mut Store, f: impl FnOnce() -> R) -> R {
        struct Restore<'a>(&'a Cell<*mut Store>, *mut Store);
        impl Drop for Restore<'_> {
            fn drop(&mut self) {
                self.0.set(self.1);
            }
        }
        let _restore = Restore(&self.active, self.active.replace(store));
        f()
    }

    pub(crate) fn host_info(&self) -> &RefCell<HashMap<HostInfoKey, HostInfo>> {
        &self.host_info
    }
}

impl Drop for wasm_store_t {
    fn drop(&mut self) {
        // Host info first: its finalizers belong to the host and may not
        // expect the runtime objects (and their own finalizers) to be gone.
        let infos = std::mem::take(self.host_info.get_mut());
        drop(infos);
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_store_new(
    engine: Option<NonNull<wasm_engine_t>>,
) -> *mut wasm_store_t {
    let Some(engine) = engine else {
        return ptr::null_mut();
    };
    guard(ptr::null_mut(), || {
        // SAFETY: `engine` is live (and may be in use on other threads:
        // engines are shared, so only a shared borrow).
        let engine = unsafe { &engine.as_ref().engine };
        into_raw(wasm_store_t {
            store: UnsafeCell::new(Store::new(engine)),
            active: Cell::new(ptr::null_mut()),
            host_info: RefCell::new(HashMap::new()),
        })
    })
}

/// Deletes the store and everything in it; host function environments'
/// finalizers and host-info finalizers run here.
#[no_mangle]
pub extern "C" fn wasm_store_delete(store: Option<Box<wasm_store_t>>) {
    drop(store)
}
