//! Function body → machine code, in one pass.
//!
//! The generic single-pass code generator lives in `codegen/` (value stack,
//! control frames, calls, memory, the operator visitor); everything
//! specific to x86-64 sits under `x64/` (registers, the macro assembler,
//! numeric operators, stubs and trampolines), reached as `isa`. `codegen/`
//! emits only through the macro assembler (`isa::masm::Masm`) and names
//! registers only by role (`isa::regs`).

// `dynasm!` expands dynamic register operands to `reg.into()`, which clippy
// flags for every `u8` register number.
#![allow(clippy::useless_conversion)]

mod codegen;
pub(crate) mod inst;
#[cfg(test)]
mod tests;
pub mod x64;
/// The instruction set the code generator targets: `codegen/` reaches the
/// machine only through `isa::masm`, `isa::regs` and the operator files of
/// this folder, so a port adds a folder and switches this alias.
pub(crate) use x64 as isa;

pub use x64::stubs::{emit_engine_stubs, EngineStubs};

use crate::module::{CompileError, FunctionToCompile, ModuleInfo};
use crate::vm::{TrapCode, VMOffsets};
use codegen::{Chunk, CodeGen, Env};
pub(crate) use x64::CpuFeatures;

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

fn body_len(f: &FunctionToCompile<'_>) -> usize {
    let r = f.body.range();
    (r.end - r.start) as usize
}

/// Below this much wasm code a module compiles on the calling thread.
const PARALLEL_MIN_BYTES: usize = 64 * 1024;

/// Compiles (and validates) every function body of a module.
pub fn compile(
    config: &CompilerConfig,
    info: &ModuleInfo,
    offsets: &VMOffsets,
    funcs: Vec<FunctionToCompile<'_>>,
) -> Result<CompiledCode, CompileError> {
    compile_for_cpu(config, info, offsets, funcs, CpuFeatures::detect())
}

/// [`compile`] for a given set of CPU features (tests use it to exercise
/// the fallback sequences, the snapshot tests a fixed set).
pub(crate) fn compile_for_cpu(
    config: &CompilerConfig,
    info: &ModuleInfo,
    offsets: &VMOffsets,
    funcs: Vec<FunctionToCompile<'_>>,
    cpu: CpuFeatures,
) -> Result<CompiledCode, CompileError> {
    let env = Env {
        info,
        offsets,
        config,
        cpu,
    };
    let total: usize = funcs.iter().map(|f| body_len(f)).sum();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunks = if config.parallel && threads > 1 && total >= PARALLEL_MIN_BYTES && funcs.len() > 1
    {
        compile_parallel(env, funcs, total, threads)?
    } else {
        vec![compile_chunk(env, funcs)?]
    };
    link(env, chunks)
}

fn compile_chunk(env: Env<'_>, funcs: Vec<FunctionToCompile<'_>>) -> Result<Chunk, CompileError> {
    // Machine code is about 3-4x the size of the wasm it comes from.
    let wasm_bytes: usize = funcs.iter().map(body_len).sum();
    let mut cg = CodeGen::new(env, wasm_bytes * 4 + 256);
    let mut locs = Vec::with_capacity(funcs.len());
    let mut internal = Vec::with_capacity(funcs.len());
    for f in funcs {
        let (loc, entry) = cg.compile_function(f)?;
        locs.push(loc);
        internal.push(entry);
    }
    cg.finish(locs, internal)
}

/// Splits the functions into contiguous runs of similar byte size, one per
/// worker, so that concatenating the chunks keeps function order.
fn compile_parallel(
    env: Env<'_>,
    funcs: Vec<FunctionToCompile<'_>>,
    total: usize,
    threads: usize,
) -> Result<Vec<Chunk>, CompileError> {
    let per = total.div_ceil(threads * 4).max(1);
    let mut runs: Vec<Vec<FunctionToCompile<'_>>> = Vec::new();
    let mut cur = Vec::new();
    let mut size = 0;
    for f in funcs {
        size += body_len(&f);
        cur.push(f);
        if size >= per {
            runs.push(std::mem::take(&mut cur));
            size = 0;
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    let n = runs.len();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<Vec<FunctionToCompile<'_>>>>> = runs
        .into_iter()
        .map(|r| std::sync::Mutex::new(Some(r)))
        .collect();
    let results: Vec<std::sync::Mutex<Option<Result<Chunk, CompileError>>>> =
        (0..n).map(|_| std::sync::Mutex::new(None)).collect();
    let work = || loop {
        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if i >= n {
            break;
        }
        let run = slots[i]
            .lock()
            .unwrap()
            .take()
            .expect("each run is taken once");
        let r = compile_chunk(env, run);
        *results[i].lock().unwrap() = Some(r);
    };
    std::thread::scope(|s| {
        // Helpers take runs as they finish; the calling thread works too,
        // so a failure to spawn only costs parallelism.
        for _ in 1..threads.min(n) {
            if std::thread::Builder::new().spawn_scoped(s, work).is_err() {
                break;
            }
        }
        work();
    });
    results
        .into_iter()
        .map(|m| m.into_inner().unwrap().expect("every run was compiled"))
        .collect()
}

/// Concatenates the chunks, links direct calls, and appends the entry
/// trampolines.
fn link(env: Env<'_>, chunks: Vec<Chunk>) -> Result<CompiledCode, CompileError> {
    let mut out = CompiledCode::default();
    let mut calls = Vec::new();
    let mut internal = Vec::new();
    for c in chunks {
        let base = out.code.len() as u32;
        if out.code.is_empty() {
            out.code = c.code;
        } else {
            out.code.extend_from_slice(&c.code);
        }
        out.funcs.extend(c.funcs.iter().map(|f| FuncLoc {
            offset: f.offset + base,
            len: f.len,
        }));
        internal.extend(c.internal_entries.iter().map(|&e| e + base));
        calls.extend(c.calls.iter().map(|&(at, callee)| (at + base, callee)));
        out.traps
            .extend(c.traps.iter().map(|&(pc, t)| (pc + base, t)));
        out.address_map
            .extend(c.address_map.iter().map(|&(pc, w)| (pc + base, w)));
    }
    let imported = env.info.num_imported_funcs;
    for (at, callee) in calls {
        let target = internal[(callee - imported) as usize];
        isa::masm::Masm::patch_call(&mut out.code, at, target);
    }
    // Entry trampolines, one per type (identical types share one).
    let mut m = isa::masm::Masm::default();
    let base = out.code.len() as u32;
    let mut seen: Vec<(usize, u32)> = Vec::new();
    for (i, ty) in env.info.types.iter().enumerate() {
        let off = match seen.iter().find(|(j, _)| env.info.types[*j] == *ty) {
            Some(&(_, off)) => off,
            None => {
                let off = isa::trampolines::emit_entry_trampoline(&mut m, ty) + base;
                seen.push((i, off));
                off
            }
        };
        out.entry_trampolines.push(off);
    }
    let tramp = m.finalize().map_err(|e| CompileError {
        message: format!("internal assembler error: {e}"),
        offset: 0,
    })?;
    out.code.extend_from_slice(&tramp);
    out.traps.sort_by_key(|t| t.0);
    out.address_map.sort_by_key(|a| a.0);
    Ok(out)
}
