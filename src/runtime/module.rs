//! Compiled modules: metadata, mapped machine code, and their reflection.

use std::sync::Arc;

use super::engine::Engine;
use super::error::Error;
use crate::module::{ExternType, ModuleInfo};

/// An import of a module, as reflection reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportType {
    pub module: String,
    pub name: String,
    pub ty: ExternType,
}

/// An export of a module, as reflection reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportType {
    pub name: String,
    pub ty: ExternType,
}

/// A compiled module. Cheap to clone; `Send + Sync`, so one module can be
/// instantiated in many stores on many threads.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

pub(crate) struct ModuleInner {
    pub(crate) engine: Engine,
    pub(crate) info: ModuleInfo,
}

impl Module {
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        let _ = (engine, bytes);
        todo!("Module::new")
    }

    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result<(), Error> {
        let _ = (engine, bytes);
        todo!("Module::validate")
    }

    pub fn imports(&self) -> Vec<ImportType> {
        todo!("Module::imports")
    }

    pub fn exports(&self) -> Vec<ExportType> {
        todo!("Module::exports")
    }

    /// Compiled code and metadata in a versioned, checksummed blob.
    pub fn serialize(&self) -> Vec<u8> {
        todo!("Module::serialize")
    }

    /// Loads a blob made by [`Module::serialize`]; rejects corrupted,
    /// truncated or foreign blobs.
    pub fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        let _ = (engine, bytes);
        todo!("Module::deserialize")
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module").finish_non_exhaustive()
    }
}
