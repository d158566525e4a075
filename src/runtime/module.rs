//! Compiled modules: metadata, mapped machine code, and their reflection.

use std::collections::HashMap;
use std::sync::Arc;

use super::code_memory::{self, CodeMemory};
use super::engine::Engine;
use super::error::Error;
use super::serialize;
use crate::compiler::{self, CompiledCode};
use crate::module::{ExportKind, ExternType, ImportKind, ModuleInfo};
use crate::vm::{EntryTrampoline, TrapCode, VMOffsets};

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
    pub(crate) offsets: VMOffsets,
    /// The compiled code's tables; its `code` lives in `code` instead.
    pub(crate) compiled: CompiledCode,
    pub(crate) code: CodeMemory,
    /// Engine-wide canonical id of each type index.
    pub(crate) type_ids: Vec<u32>,
    /// The original bytes: serialization stores them so that deserializing
    /// re-parses the metadata (without recompiling).
    pub(crate) wasm: Box<[u8]>,
    exports_by_name: HashMap<String, usize>,
}

impl Module {
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        let config = engine.config();
        let (info, funcs) = crate::module::parse(bytes, config.features.wasm_features())?;
        let offsets = VMOffsets::new(&info);
        let compiled = compiler::compile(&config.compiler_config(), &info, &offsets, funcs)?;
        Module::from_parts(engine, bytes.into(), info, compiled)
    }

    /// Builds a module from its parts; the code tables must have been
    /// checked against `info` (they are when they come from the compiler).
    pub(crate) fn from_parts(
        engine: &Engine,
        wasm: Box<[u8]>,
        info: ModuleInfo,
        mut compiled: CompiledCode,
    ) -> Result<Module, Error> {
        let code = CodeMemory::new(&compiled.code)?;
        compiled.code = Vec::new();
        let type_ids = info.types.iter().map(|t| engine.type_id(t)).collect();
        let exports_by_name = info
            .exports
            .iter()
            .enumerate()
            .map(|(i, e)| (e.name.clone(), i))
            .collect();
        let inner = Arc::new(ModuleInner {
            engine: engine.clone(),
            offsets: VMOffsets::new(&info),
            info,
            compiled,
            code,
            type_ids,
            wasm,
            exports_by_name,
        });
        let (start, end) = inner.code.range();
        // The registration is removed in ModuleInner's Drop, before the code is unmapped.
        code_memory::register(start, end.max(start + 1), Arc::as_ptr(&inner) as *const ());
        Ok(Module { inner })
    }

    /// Compiles `bytes` as [`Module::new`] would with this engine's
    /// configuration (on one thread), but for a fixed set of CPU features
    /// (every optional one the compiler uses, or none when `baseline_cpu`),
    /// and returns the code unmapped: for the snapshot tests of the
    /// generated code (`tests/codegen_snapshots.rs`), whose expected text
    /// must not depend on the machine. Not a stable API.
    #[doc(hidden)]
    pub fn compile_for_snapshot(
        engine: &Engine,
        bytes: &[u8],
        baseline_cpu: bool,
    ) -> Result<CompiledCode, Error> {
        let config = engine.config();
        let (info, funcs) = crate::module::parse(bytes, config.features.wasm_features())?;
        let offsets = VMOffsets::new(&info);
        let compiler_config = compiler::CompilerConfig {
            parallel: false,
            ..config.compiler_config()
        };
        let cpu = compiler::CpuFeatures::fixed(!baseline_cpu);
        Ok(compiler::compile_for_cpu(
            &compiler_config,
            &info,
            &offsets,
            funcs,
            cpu,
        )?)
    }

    /// Checks that `bytes` is a valid module, without compiling it.
    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result<(), Error> {
        let (_, funcs) = crate::module::parse(bytes, engine.config().features.wasm_features())?;
        let mut allocs = wasmparser::FuncValidatorAllocations::default();
        for func in funcs {
            let mut validator = func.validator.into_validator(allocs);
            validator
                .validate(&func.body)
                .map_err(crate::module::CompileError::from)?;
            allocs = validator.into_allocations();
        }
        Ok(())
    }

    pub fn imports(&self) -> Vec<ImportType> {
        let info = &self.inner.info;
        info.imports
            .iter()
            .map(|i| ImportType {
                module: i.module.clone(),
                name: i.name.clone(),
                ty: match i.kind {
                    ImportKind::Func(t) => ExternType::Func(info.types[t as usize].clone()),
                    ImportKind::Table(t) => ExternType::Table(t),
                    ImportKind::Memory(m) => ExternType::Memory(m),
                    ImportKind::Global(g) => ExternType::Global(g),
                },
            })
            .collect()
    }

    pub fn exports(&self) -> Vec<ExportType> {
        let info = &self.inner.info;
        info.exports
            .iter()
            .map(|e| ExportType {
                name: e.name.clone(),
                ty: match e.kind {
                    ExportKind::Func(f) => ExternType::Func(info.func_type(f).clone()),
                    ExportKind::Table(t) => ExternType::Table(info.tables[t as usize]),
                    ExportKind::Memory(m) => ExternType::Memory(info.memories[m as usize]),
                    ExportKind::Global(g) => ExternType::Global(info.globals[g as usize]),
                },
            })
            .collect()
    }

    /// Compiled code and metadata in a versioned, checksummed blob.
    pub fn serialize(&self) -> Vec<u8> {
        serialize::serialize(&self.inner)
    }

    /// Loads a blob made by [`Module::serialize`] with a compatible engine;
    /// rejects corrupted, truncated or foreign blobs.
    pub fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        serialize::deserialize(engine, bytes)
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }
}

impl ModuleInner {
    /// The entry trampoline for type index `ty`.
    pub(crate) fn entry_trampoline(&self, ty: u32) -> EntryTrampoline {
        let offset = self.compiled.entry_trampolines[ty as usize] as usize;
        // SAFETY: the compiler put an entry trampoline of this ABI at this offset.
        unsafe { std::mem::transmute::<*const u8, EntryTrampoline>(self.code.base().add(offset)) }
    }

    /// The code of defined function `defined`.
    pub(crate) fn func_code(&self, defined: u32) -> *const u8 {
        let offset = self.compiled.funcs[defined as usize].offset as usize;
        // SAFETY: function offsets are inside the code.
        unsafe { self.code.base().add(offset) }
    }

    pub(crate) fn export_index(&self, name: &str) -> Option<usize> {
        self.exports_by_name.get(name).copied()
    }

    fn code_offset(&self, pc: usize) -> Option<u32> {
        let (start, end) = self.code.range();
        (start..end).contains(&pc).then(|| (pc - start) as u32)
    }

    /// The trap an instruction at `pc` means when it faults. No allocation,
    /// no lock: called from the signal handler.
    pub(crate) fn trap_code_at(&self, pc: usize) -> Option<TrapCode> {
        let offset = self.code_offset(pc)?;
        let traps = &self.compiled.traps;
        traps
            .binary_search_by_key(&offset, |(o, _)| *o)
            .ok()
            .map(|i| traps[i].1)
    }

    /// The defined function whose code contains `pc`.
    pub(crate) fn func_at(&self, pc: usize) -> Option<u32> {
        let offset = self.code_offset(pc)?;
        let funcs = &self.compiled.funcs;
        let i = funcs
            .partition_point(|f| f.offset <= offset)
            .checked_sub(1)?;
        (offset < funcs[i].offset + funcs[i].len).then_some(i as u32)
    }

    /// The wasm byte offset of the operator at `pc` in defined function
    /// `defined`: the last address-map entry at or before `pc` inside it.
    pub(crate) fn wasm_offset_at(&self, pc: usize, defined: u32) -> Option<u32> {
        let offset = self.code_offset(pc)?;
        let func_start = self.compiled.funcs[defined as usize].offset;
        let map = &self.compiled.address_map;
        let i = map.partition_point(|(o, _)| *o <= offset).checked_sub(1)?;
        (map[i].0 >= func_start).then_some(map[i].1)
    }
}

impl Drop for ModuleInner {
    fn drop(&mut self) {
        code_memory::unregister(self.code.range().0);
    }
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("imports", &self.inner.info.imports.len())
            .field("exports", &self.inner.info.exports.len())
            .finish_non_exhaustive()
    }
}
