//! Function body → machine code, in one pass.
//!
//! The generic single-pass code generator lives here; everything specific to
//! x86-64 sits under `x64/` behind the macro-assembler interface.

use crate::module::{CompileError, FunctionToCompile, ModuleInfo};
use crate::runtime::trampoline_abi::TrapCode;
use crate::runtime::vmctx::VMOffsets;

/// Knobs that change the generated code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompilerConfig {
    /// Emit explicit bounds checks on memory accesses instead of relying on a
    /// guard-page reservation (see `runtime::memory`).
    pub explicit_bounds_checks: bool,
    /// Compile function bodies on several threads.
    pub parallel: bool,
}

/// Where one defined function's code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FuncLoc {
    pub offset: u32,
    pub len: u32,
}

/// The machine code of a whole module, position-independent (it embeds no
/// absolute address), ready to be copied into executable memory or serialized.
#[derive(Debug, Clone, Default)]
pub struct CompiledCode {
    pub code: Vec<u8>,
    /// One per defined function, in order.
    pub funcs: Vec<FuncLoc>,
    /// Offset of the entry trampoline of each type index of the module.
    pub entry_trampolines: Vec<u32>,
    /// Instructions that may fault, sorted by code offset, with the trap they mean.
    pub traps: Vec<(u32, TrapCode)>,
    /// Code offset → wasm module byte offset, sorted by code offset, recorded
    /// at every trap site and call return address (for frame info).
    pub address_map: Vec<(u32, u32)>,
}

/// Compiles (and validates) every function body of a module.
pub fn compile(
    _config: &CompilerConfig,
    _info: &ModuleInfo,
    _offsets: &VMOffsets,
    _funcs: Vec<FunctionToCompile<'_>>,
) -> Result<CompiledCode, CompileError> {
    todo!("single-pass compiler")
}
