//! `brisk-probe phases FILE RUNS`: single-threaded time of each compile phase of FILE:
//!   decode   `brisk::module::parse` (sections, function bodies located, not validated)
//!   validate decode + wasmparser's validator over every body (what `Module::validate` does)
//!   compile  decode + brisk's single pass (validation and code generation), one thread
//!   module   `Module::new` on one thread (compile + executable memory + tables)
//! so that `compile - validate` is what code generation costs on top of validation. Times are
//! this thread's CPU time.
//!
//! `brisk-probe disasm FILE FUNC_INDEX|EXPORT_NAME`: brisk's machine code for one function,
//! disassembled with `objdump` (binutils).
use std::process::{Command, ExitCode};

use brisk::compiler::{compile, CompiledCode, CompilerConfig};
use brisk::module::{parse, ExportKind, ModuleInfo};
use brisk::vm::VMOffsets;
use wasmparser::{FuncValidatorAllocations, WasmFeatures};

const FEATURES: WasmFeatures = WasmFeatures::WASM2;

fn single_thread() -> CompilerConfig {
    CompilerConfig {
        explicit_bounds_checks: false,
        parallel: false,
    }
}

fn compile_all(bytes: &[u8]) -> Result<(ModuleInfo, CompiledCode), String> {
    let (info, funcs) = parse(bytes, FEATURES).map_err(|e| e.to_string())?;
    let offsets = VMOffsets::new(&info);
    let code = compile(&single_thread(), &info, &offsets, funcs).map_err(|e| e.to_string())?;
    Ok((info, code))
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    let n = samples.len();
    if n % 2 == 1 {
        samples[n / 2]
    } else {
        (samples[n / 2 - 1] + samples[n / 2]) / 2.0
    }
}

/// This thread's CPU time in seconds: on a shared, busy machine it is much steadier than
/// wall-clock time, and every phase here runs on this one thread.
fn thread_cpu_secs() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec, which `ts` is.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "CLOCK_THREAD_CPUTIME_ID is available on Linux");
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

fn time_phase(runs: usize, mut phase: impl FnMut() -> Result<(), String>) -> Result<f64, String> {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = thread_cpu_secs();
        phase()?;
        samples.push(thread_cpu_secs() - start);
    }
    Ok(median(samples))
}

fn phases(path: &str, runs: usize) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let decode = time_phase(runs, || {
        parse(&bytes, FEATURES).map(drop).map_err(|e| e.to_string())
    })?;
    let validate = time_phase(runs, || {
        let (_, funcs) = parse(&bytes, FEATURES).map_err(|e| e.to_string())?;
        let mut allocs = FuncValidatorAllocations::default();
        for func in funcs {
            let mut validator = func.validator.into_validator(allocs);
            validator.validate(&func.body).map_err(|e| e.to_string())?;
            allocs = validator.into_allocations();
        }
        Ok(())
    })?;
    let compile = time_phase(runs, || compile_all(&bytes).map(drop))?;
    let engine = brisk::Engine::new(brisk::Config {
        parallel_compilation: false,
        ..brisk::Config::default()
    });
    let module = time_phase(runs, || {
        brisk::Module::new(&engine, &bytes)
            .map(drop)
            .map_err(|e| e.to_string())
    })?;
    let mb = bytes.len() as f64 / 1e6;
    println!("{path}: {mb:.1} MB, one thread, CPU time, median of {runs}");
    for (name, secs) in [
        ("decode", decode),
        ("validate", validate),
        ("compile", compile),
        ("module", module),
    ] {
        println!("  {name:<9}{:>9.1} ms {:>8.1} MB/s", secs * 1e3, mb / secs);
    }
    println!(
        "  codegen ≈ compile - validate = {:.1} ms",
        (compile - validate) * 1e3
    );
    Ok(())
}

fn disasm(path: &str, which: &str) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let (info, code) = compile_all(&bytes)?;
    let func_index = match which.parse::<u32>() {
        Ok(index) => index,
        Err(_) => info
            .exports
            .iter()
            .find_map(|e| match e.kind {
                ExportKind::Func(index) if e.name == which => Some(index),
                _ => None,
            })
            .ok_or_else(|| format!("no exported function {which}"))?,
    };
    let defined = func_index
        .checked_sub(info.num_imported_funcs)
        .and_then(|i| code.funcs.get(i as usize))
        .ok_or_else(|| format!("function {func_index} is not a defined function"))?;
    let start = defined.offset as usize;
    let body = &code.code[start..start + defined.len as usize];
    let out = std::env::temp_dir().join(format!("brisk-probe-{}.bin", std::process::id()));
    std::fs::write(&out, body).map_err(|e| e.to_string())?;
    println!(
        "function {func_index}: {} bytes of code at module offset {start:#x}",
        body.len()
    );
    let status = Command::new("objdump")
        .args([
            "-D",
            "-b",
            "binary",
            "-m",
            "i386:x86-64",
            "-M",
            "intel",
            "--no-show-raw-insn",
        ])
        .arg(&out)
        .status();
    let _ = std::fs::remove_file(&out);
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("objdump failed: {s}")),
        Err(e) => Err(format!("cannot run objdump: {e}")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [_, "phases", path, runs] => match runs.parse() {
            Ok(runs) if runs > 0 => phases(path, runs),
            _ => Err(format!("bad run count {runs}")),
        },
        [_, "disasm", path, which] => disasm(path, which),
        _ => Err(
            "usage: brisk-probe phases FILE RUNS | brisk-probe disasm FILE FUNC_INDEX|EXPORT"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("brisk-probe: {e}");
            ExitCode::FAILURE
        }
    }
}
