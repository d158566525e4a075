//! The `brisk` command: run, compile, validate and inspect WebAssembly
//! modules, over the Rust API. Arguments are parsed by hand to keep the
//! dependencies to the library's own.
//!
//! Exit statuses follow `wasmtime run`: the status a program passes to
//! `proc_exit` (0 when `_start` returns), 134 (as if aborted) after a trap,
//! 1 for any other error (a file that cannot be read, a module that does not
//! validate or link), 2 for a command line that cannot be parsed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use brisk::wasi::{self, WasiCtxBuilder};
use brisk::{Engine, Error, ExternType, FuncType, Module, Store, Trap, Val, ValType};

const USAGE: &str = "\
Usage:
  brisk run [OPTIONS] MODULE [ARGS...]   run a WASI command (its `_start`) or call an export
  brisk compile MODULE [-o OUTPUT]       compile ahead of time (default output: MODULE.cwasm)
  brisk validate MODULE                  check that a module is valid
  brisk inspect MODULE                   list imports, exports and sizes

MODULE is a .wasm file or a .cwasm file made by `brisk compile`.

Options of `run`:
  --dir HOST[::GUEST]    let the program use host directory HOST, seen as GUEST
                         (default: HOST as written); nothing outside it is reachable
  --env NAME[=VALUE]     set an environment variable (without a value: the host's)
  --invoke NAME          call export NAME with ARGS parsed by its parameter types
                         and print its results, instead of running `_start`
";

/// Exit status after a trap, as wasmtime's on Unix (128 + SIGABRT).
const TRAP_EXIT: u8 = 134;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let result = match cmd.as_str() {
        "run" => run(rest),
        "compile" => compile(rest),
        "validate" => validate(rest),
        "inspect" => inspect(rest),
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        "-V" | "--version" => {
            println!("brisk {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        // `brisk module.wasm args…` runs it, as `wasmtime module.wasm` does.
        s if !s.starts_with('-') => run(&args),
        other => Err(Failure::Usage(format!("unknown command `{other}`"))),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Message(msg)) => {
            eprintln!("Error: {msg}");
            ExitCode::from(1)
        }
        Err(Failure::Trap(msg)) => {
            eprintln!("Error: {msg}");
            ExitCode::from(TRAP_EXIT)
        }
    }
}

enum Failure {
    Usage(String),
    Message(String),
    Trap(String),
}

type Result<T> = std::result::Result<T, Failure>;

fn usage<T>(msg: impl Into<String>) -> Result<T> {
    Err(Failure::Usage(msg.into()))
}

/// The value of option `name` at `args[*i]` (`--name value` or
/// `--name=value`), advancing `i` past it; `None` if `args[*i]` is not it.
fn option_value(args: &[String], i: &mut usize, name: &str) -> Result<Option<String>> {
    let arg = &args[*i];
    if let Some(v) = arg.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
        *i += 1;
        return Ok(Some(v.to_string()));
    }
    if arg == name {
        let Some(v) = args.get(*i + 1) else {
            return usage(format!("`{name}` needs a value"));
        };
        *i += 2;
        return Ok(Some(v.clone()));
    }
    Ok(None)
}

struct RunOptions {
    dirs: Vec<(String, String)>,
    env: Vec<(String, String)>,
    invoke: Option<String>,
    module: String,
    args: Vec<String>,
}

fn parse_run(args: &[String]) -> Result<RunOptions> {
    let mut opts = RunOptions {
        dirs: Vec::new(),
        env: Vec::new(),
        invoke: None,
        module: String::new(),
        args: Vec::new(),
    };
    let mut i = 0;
    while i < args.len() {
        if let Some(v) = option_value(args, &mut i, "--dir")? {
            let (host, guest) = match v.split_once("::") {
                Some((h, g)) => (h.to_string(), g.to_string()),
                None => (v.clone(), v.clone()),
            };
            opts.dirs.push((host, guest));
        } else if let Some(v) = option_value(args, &mut i, "--env")? {
            let (k, val) = match v.split_once('=') {
                Some((k, val)) => (k.to_string(), val.to_string()),
                None => match std::env::var(&v) {
                    Ok(val) => (v.clone(), val),
                    Err(_) => continue,
                },
            };
            opts.env.push((k, val));
        } else if let Some(v) = option_value(args, &mut i, "--invoke")? {
            opts.invoke = Some(v);
        } else if args[i] == "--" {
            i += 1;
            break;
        } else if args[i].starts_with('-') && args[i] != "-" {
            return usage(format!("unknown option `{}`", args[i]));
        } else {
            break;
        }
    }
    let Some(module) = args.get(i) else {
        return usage("no module to run");
    };
    opts.module = module.clone();
    opts.args = args[i + 1..].to_vec();
    Ok(opts)
}

/// Reads a module: a `.wasm` binary, or a blob made by `brisk compile`.
fn load(engine: &Engine, path: &str) -> Result<Module> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::Message(format!("failed to read `{path}`: {e}")))?;
    let module = if bytes.starts_with(b"\0asm") {
        Module::new(engine, &bytes)
    } else {
        Module::deserialize(engine, &bytes)
    };
    module.map_err(|e| Failure::Message(format!("failed to load module `{path}`: {e}")))
}

fn run(args: &[String]) -> Result<u8> {
    let opts = parse_run(args)?;
    let engine = Engine::default();
    let module = load(&engine, &opts.module)?;
    let mut builder = WasiCtxBuilder::new();
    builder
        .inherit_stdio()
        .arg(opts.module.clone())
        .args(opts.args.iter().cloned());
    for (k, v) in &opts.env {
        builder.env(k, v);
    }
    for (host, guest) in &opts.dirs {
        builder
            .preopened_dir(host, guest)
            .map_err(|e| Failure::Message(format!("failed to open directory `{host}`: {e}")))?;
    }
    let ctx = builder.build();
    let mut store = Store::new(&engine);
    let name = module_name(&opts.module);
    let fail = |e: Error| failure(&name, &opts.module, e);
    let instance = match ctx.instantiate(&mut store, &module) {
        Ok(i) => i,
        Err(e) => return fail(e),
    };
    let Some(export) = opts.invoke.clone() else {
        let Some(brisk::Extern::Func(start)) = instance.get_export(&store, "_start") else {
            return Err(Failure::Message(format!(
                "module `{}` exports no `_start` function (use --invoke to call an export)",
                opts.module
            )));
        };
        return match start.call(&mut store, &[], &mut []) {
            Ok(()) => Ok(0),
            Err(e) => fail(e),
        };
    };
    // A reactor initialises itself before any export is called.
    if let Some(brisk::Extern::Func(init)) = instance.get_export(&store, "_initialize") {
        if let Err(e) = init.call(&mut store, &[], &mut []) {
            return fail(e);
        }
    }
    let Some(brisk::Extern::Func(f)) = instance.get_export(&store, &export) else {
        return Err(Failure::Message(format!(
            "module `{}` exports no function named `{export}`",
            opts.module
        )));
    };
    let ty = f.ty(&store);
    let params = parse_params(&ty, &opts.args)?;
    let mut results: Vec<Val> = ty.results.iter().map(|t| Val::default_for(*t)).collect();
    if let Err(e) = f.call(&mut store, &params, &mut results) {
        return fail(e);
    }
    for r in results {
        println!("{}", show(r));
    }
    Ok(0)
}

fn parse_params(ty: &FuncType, args: &[String]) -> Result<Vec<Val>> {
    if args.len() != ty.params.len() {
        return Err(Failure::Message(format!(
            "the function takes {} arguments ({ty}), {} given",
            ty.params.len(),
            args.len()
        )));
    }
    ty.params
        .iter()
        .zip(args)
        .map(|(t, a)| {
            let bad = || Failure::Message(format!("cannot parse `{a}` as {t}"));
            Ok(match t {
                ValType::I32 => Val::I32(match a.parse::<i32>() {
                    Ok(v) => v,
                    Err(_) => a.parse::<u32>().map_err(|_| bad())? as i32,
                }),
                ValType::I64 => Val::I64(match a.parse::<i64>() {
                    Ok(v) => v,
                    Err(_) => a.parse::<u64>().map_err(|_| bad())? as i64,
                }),
                ValType::F32 => Val::F32(a.parse::<f32>().map_err(|_| bad())?.to_bits()),
                ValType::F64 => Val::F64(a.parse::<f64>().map_err(|_| bad())?.to_bits()),
                _ => {
                    return Err(Failure::Message(format!(
                        "cannot pass a {t} argument from the command line"
                    )))
                }
            })
        })
        .collect()
}

fn show(v: Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(b) => f32::from_bits(b).to_string(),
        Val::F64(b) => f64::from_bits(b).to_string(),
        Val::V128(x) => format!("{x:#034x}"),
        Val::FuncRef(None) | Val::ExternRef(None) => "null".into(),
        Val::FuncRef(Some(_)) => "<funcref>".into(),
        Val::ExternRef(Some(_)) => "<externref>".into(),
    }
}

/// The module's name in backtraces: its file name.
fn module_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// What a failed run means: an exit status from `proc_exit`, a trap (with
/// its backtrace, as wasmtime prints it), or another error.
fn failure(name: &str, path: &str, e: Error) -> Result<u8> {
    if let Some(code) = wasi::exit_code(&e) {
        // Unix keeps the low 8 bits of a status.
        return Ok(code as u8);
    }
    match e {
        Error::Trap(t) => Err(Failure::Trap(format!(
            "failed to run main module `{path}`\n\nCaused by:\n{}",
            describe_trap(name, &t)
        ))),
        other => Err(Failure::Message(format!(
            "failed to run main module `{path}`\n\nCaused by:\n    {other}"
        ))),
    }
}

fn describe_trap(name: &str, t: &Trap) -> String {
    let message = if t.code().is_some() {
        format!("wasm trap: {}", t.message())
    } else {
        t.message().to_string()
    };
    if t.frames().is_empty() {
        return format!("    {message}");
    }
    let mut s = String::from("    0: error while executing at wasm backtrace:\n");
    let width = t.frames().len().to_string().len();
    for (i, f) in t.frames().iter().enumerate() {
        let func = f
            .func_name
            .clone()
            .unwrap_or_else(|| format!("<wasm function {}>", f.func_index));
        s.push_str(&format!(
            "           {i:>width$}: {:#8x} - {name}!{func}\n",
            f.module_offset
        ));
    }
    s.push_str(&format!("    1: {message}"));
    s
}

/// `MODULE [-o OUTPUT]` in either order.
fn parse_compile(args: &[String]) -> Result<(String, PathBuf)> {
    let mut module = None;
    let mut output = None;
    let mut i = 0;
    while i < args.len() {
        if let Some(v) = option_value(args, &mut i, "-o")? {
            output = Some(PathBuf::from(v));
        } else if let Some(v) = option_value(args, &mut i, "--output")? {
            output = Some(PathBuf::from(v));
        } else if args[i].starts_with('-') {
            return usage(format!("unknown option `{}`", args[i]));
        } else if module.is_none() {
            module = Some(args[i].clone());
            i += 1;
        } else {
            return usage(format!("unexpected argument `{}`", args[i]));
        }
    }
    let Some(module) = module else {
        return usage("no module to compile");
    };
    let output = output.unwrap_or_else(|| Path::new(&module).with_extension("cwasm"));
    Ok((module, output))
}

fn compile(args: &[String]) -> Result<u8> {
    let (path, output) = parse_compile(args)?;
    let engine = Engine::default();
    let module = load(&engine, &path)?;
    std::fs::write(&output, module.serialize())
        .map_err(|e| Failure::Message(format!("failed to write `{}`: {e}", output.display())))?;
    Ok(0)
}

fn single_module(args: &[String], what: &str) -> Result<String> {
    match args {
        [m] if !m.starts_with('-') => Ok(m.clone()),
        [] => usage(format!("no module to {what}")),
        _ => usage(format!("`{what}` takes one module")),
    }
}

fn validate(args: &[String]) -> Result<u8> {
    let path = single_module(args, "validate")?;
    let bytes = std::fs::read(&path)
        .map_err(|e| Failure::Message(format!("failed to read `{path}`: {e}")))?;
    Module::validate(&Engine::default(), &bytes)
        .map_err(|e| Failure::Message(format!("`{path}` is not a valid module: {e}")))?;
    println!("{path}: valid");
    Ok(0)
}

fn extern_type(t: &ExternType) -> String {
    let limits = |min: u32, max: Option<u32>| match max {
        Some(max) => format!("{min}..{max}"),
        None => format!("{min}.."),
    };
    match t {
        ExternType::Func(f) => format!("func {f}"),
        ExternType::Memory(m) => format!(
            "memory {} pages{}",
            limits(m.min, m.max),
            if m.shared { " shared" } else { "" }
        ),
        ExternType::Table(t) => format!("table {} {}", t.element, limits(t.min, t.max)),
        ExternType::Global(g) => format!(
            "global {}{}",
            if g.mutable { "mut " } else { "" },
            g.content
        ),
    }
}

fn inspect(args: &[String]) -> Result<u8> {
    let path = single_module(args, "inspect")?;
    let engine = Engine::default();
    let size = std::fs::metadata(&path)
        .map_err(|e| Failure::Message(format!("failed to read `{path}`: {e}")))?
        .len();
    let start = std::time::Instant::now();
    let module = load(&engine, &path)?;
    let elapsed = start.elapsed();
    println!("module: {path}");
    println!("size: {size} bytes");
    println!(
        "compiled: {} bytes serialized, loaded in {:.3} ms",
        module.serialize().len(),
        elapsed.as_secs_f64() * 1e3
    );
    let imports = module.imports();
    println!("imports ({}):", imports.len());
    for i in &imports {
        println!("  {}::{}: {}", i.module, i.name, extern_type(&i.ty));
    }
    let exports = module.exports();
    println!("exports ({}):", exports.len());
    for e in &exports {
        println!("  {}: {}", e.name, extern_type(&e.ty));
    }
    let wasi = imports.iter().any(|i| wasi::is_wasi_module(&i.module));
    let command = exports.iter().any(|e| e.name == "_start");
    println!(
        "kind: {}",
        match (wasi, command) {
            (true, true) => "WASI command (run with `brisk run`)",
            (true, false) => "WASI reactor (call exports with `brisk run --invoke`)",
            (false, true) => "command without WASI imports",
            (false, false) => "library module (call exports with `brisk run --invoke`)",
        }
    );
    Ok(0)
}
