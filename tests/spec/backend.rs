//! What the runner needs from an engine API, so that one runner drives brisk
//! through the safe Rust API (`rust_api.rs`) and through `wasm.h`
//! (`c_api.rs`) alike, and both are judged by the same rules.
//!
//! Values cross this boundary as [`Value`]s, a vocabulary both APIs can
//! express: numbers by their bits, and references by what a script can
//! observe of them (null or not, and the payload `N` of a `ref.extern N`).

use brisk::{BoundsChecks, Features};
use std::fmt;

/// A value passed to or returned from the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    I32(i32),
    I64(i64),
    /// The bits of an `f32`: NaN payloads must survive.
    F32(u32),
    F64(u64),
    V128(u128),
    /// Neither API can say which function a non-null funcref denotes.
    FuncRef {
        is_null: bool,
    },
    ExternRef(ExternVal),
}

/// What a script can observe of an externref.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternVal {
    Null,
    /// A host reference made for `ref.extern N`, carrying `N`.
    Host(u32),
    /// A non-null reference that the runner did not make.
    Foreign,
}

/// Why the engine refused to do something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    /// The module is malformed or invalid.
    Compile(String),
    /// Instantiation could not resolve an import.
    Link(String),
    /// Execution trapped (in a call, or in a start function or segment).
    Trap(String),
    /// Instantiation failed, and the API does not say whether while linking
    /// or while running the start function (`wasm_instance_new` reports
    /// both as a trap): the expected message tells them apart.
    #[allow(dead_code)] // made by the C API backend only
    Instantiate(String),
    /// Anything else (argument types, resources), with its kind.
    Other(&'static str, String),
}

impl EngineError {
    /// The engine's message alone.
    pub fn message(&self) -> &str {
        match self {
            EngineError::Compile(m)
            | EngineError::Link(m)
            | EngineError::Trap(m)
            | EngineError::Instantiate(m)
            | EngineError::Other(_, m) => m,
        }
    }
}

/// The message with its kind, so "compile error" and "trap" read differently.
impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            EngineError::Compile(_) => "compile error",
            EngineError::Link(_) => "link error",
            EngineError::Trap(_) => "trap",
            EngineError::Instantiate(_) => "instantiation error",
            EngineError::Other(kind, _) => kind,
        };
        write!(f, "{kind}: {}", self.message())
    }
}

/// The kind of an exported item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternKind {
    Func,
    Global,
    Table,
    Memory,
}

/// One engine API, as the runner drives it: a single store per `.wast` file.
pub trait Backend: Sized {
    /// A compiled module.
    type Module: Clone;
    /// An instance.
    type Instance: Clone;
    /// A function, global, table or memory, as imports and exports.
    type Extern: Clone;

    /// A store of an engine with `features` and `bounds_checks`.
    fn new(features: Features, bounds_checks: BoundsChecks) -> Result<Self, String>;

    /// The exports of the `spectest` host module, as `(name, extern)` pairs:
    /// no-op print functions, four immutable globals, a table and a memory.
    fn spectest(&mut self) -> Result<Vec<(String, Self::Extern)>, String>;

    /// Decodes, validates and compiles a binary module.
    fn compile(&mut self, bytes: &[u8]) -> Result<Self::Module, EngineError>;

    /// The `(module, name)` of each import, in order.
    fn imports(&self, module: &Self::Module) -> Vec<(String, String)>;

    /// Instantiates `module` with one extern per import, in order.
    fn instantiate(
        &mut self,
        module: &Self::Module,
        imports: &[Self::Extern],
    ) -> Result<Self::Instance, EngineError>;

    /// The exports of `instance`, in the module's order.
    fn exports(&mut self, instance: &Self::Instance) -> Vec<(String, Self::Extern)>;

    /// The export called `name`.
    fn export(&mut self, instance: &Self::Instance, name: &str) -> Option<Self::Extern> {
        self.exports(instance)
            .into_iter()
            .find_map(|(n, e)| (n == name).then_some(e))
    }

    fn kind(&self, ext: &Self::Extern) -> ExternKind;

    /// Calls a function extern; `ref.extern N` arguments become fresh host
    /// references carrying `N`.
    fn call(&mut self, func: &Self::Extern, args: &[Value]) -> Result<Vec<Value>, EngineError>;

    /// The value of a global extern.
    fn global_get(&mut self, global: &Self::Extern) -> Result<Value, EngineError>;
}
