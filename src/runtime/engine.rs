//! The engine: configuration, the canonical type registry, and the stubs
//! every module's code calls into.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::config::Config;
use super::memory::ReservationPool;
use crate::module::FuncType;

/// Compiles modules and owns what they share. Cheap to clone; `Send + Sync`.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<EngineInner>,
}

pub(crate) struct EngineInner {
    pub(crate) config: Config,
    types: Mutex<TypeRegistry>,
    /// Released guard-page reservations, reused by the next memories.
    pub(crate) pool: Arc<ReservationPool>,
}

/// Engine-wide canonical function type ids: two types get the same id exactly
/// when they are equal, so `call_indirect` compares one u32.
#[derive(Default)]
struct TypeRegistry {
    ids: HashMap<FuncType, u32>,
    types: Vec<FuncType>,
}

impl Engine {
    pub fn new(config: Config) -> Engine {
        Engine {
            inner: Arc::new(EngineInner {
                pool: Arc::new(ReservationPool::new(config.memory_pool_size)),
                config,
                types: Mutex::new(TypeRegistry::default()),
            }),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The canonical id of `ty`, registering it on first sight.
    pub(crate) fn type_id(&self, ty: &FuncType) -> u32 {
        let mut reg = self.inner.types.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&id) = reg.ids.get(ty) {
            return id;
        }
        let id = reg.types.len() as u32;
        reg.types.push(ty.clone());
        reg.ids.insert(ty.clone(), id);
        id
    }

    pub(crate) fn same(&self, other: &Engine) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new(Config::default())
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.inner.config)
            .finish()
    }
}
