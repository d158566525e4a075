//! WASI preview 1: the C programs of `tests/wasi/` (built by
//! `scripts/build-wasi-tests.sh`, the `.wasm` files checked in) run through
//! the Rust API (`brisk::wasi`) and through the `brisk` binary, their
//! output and exit status compared with the expected files, which were
//! written from wasmtime's output (`scripts/wasi-compare.py` checks that
//! wasmtime and brisk still agree). The cases are listed in
//! `tests/wasi/cases.txt`; the sandbox case also checks on the host that
//! nothing outside the preopened directory changed. Then the command line
//! (`--invoke`, `compile`, `inspect`, `validate`, traps, usage errors) and
//! the API's edges (import order, link errors, `proc_exit` as a distinct
//! outcome, in-memory stdin, no memory bound).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use brisk::wasi::{self, InputStream, OutputBuffer, OutputStream, WasiCtxBuilder};
use brisk::{Engine, Error, Extern, Module, Store, TrapCode};

const TRAP_EXIT: i32 = 134;

fn wasi_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wasi")
}

fn brisk_bin() -> &'static str {
    env!("CARGO_BIN_EXE_brisk")
}

/// Splits like a shell: whitespace separates, double quotes group.
fn split(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut any) = (false, false);
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

/// `tests/wasi/cases.txt`: case name → fields.
fn cases() -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read_to_string(wasi_dir().join("cases.txt")).unwrap();
    let mut cases = BTreeMap::new();
    let mut current = None;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = Some(name.to_string());
            cases.insert(name.to_string(), BTreeMap::new());
        } else if let (Some(name), Some((k, v))) = (&current, line.split_once('=')) {
            cases
                .get_mut(name)
                .unwrap()
                .insert(k.trim().to_string(), v.trim().to_string());
        }
    }
    cases
}

struct Case {
    name: String,
    wasm: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Option<PathBuf>,
    fixture: Option<String>,
    /// `None` for a trap.
    exit: Option<i32>,
    stdout: Vec<u8>,
    stderr: Option<Vec<u8>>,
}

fn case(name: &str) -> Case {
    let all = cases();
    let c = all
        .get(name)
        .unwrap_or_else(|| panic!("no case {name} in cases.txt"));
    let get = |k: &str| c.get(k).cloned().unwrap_or_default();
    let dir = wasi_dir();
    Case {
        name: name.to_string(),
        wasm: get("wasm"),
        args: split(&get("args")),
        env: split(&get("env"))
            .into_iter()
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_string(), v.to_string())
            })
            .collect(),
        stdin: c.get("stdin").map(|f| dir.join(f)),
        fixture: c.get("fixture").cloned(),
        exit: match c.get("exit").map(String::as_str) {
            Some("trap") => None,
            Some(n) => Some(n.parse().unwrap()),
            None => Some(0),
        },
        stdout: std::fs::read(dir.join(format!("{name}.stdout"))).unwrap(),
        stderr: std::fs::read(dir.join(format!("{name}.stderr"))).ok(),
    }
}

/// A fresh temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let p = std::env::temp_dir().join(format!(
            "brisk-wasi-{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Makes the directory preopened as /sandbox (the layout sandbox.c and
/// scripts/wasi-compare.py expect).
fn make_fixture(kind: &str, root: &Path) -> PathBuf {
    let sandbox = root.join("sandbox");
    std::fs::create_dir(&sandbox).unwrap();
    if kind == "escape" {
        let outside = root.join("outside.txt");
        std::fs::write(&outside, "outside secret\n").unwrap();
        std::fs::create_dir(sandbox.join("sub")).unwrap();
        std::fs::write(sandbox.join("inside.txt"), "inside data\n").unwrap();
        std::os::unix::fs::symlink("../outside.txt", sandbox.join("escape")).unwrap();
        std::os::unix::fs::symlink(&outside, sandbox.join("abs_escape")).unwrap();
        std::os::unix::fs::symlink("inside.txt", sandbox.join("ok")).unwrap();
        std::os::unix::fs::symlink("..", sandbox.join("dir_escape")).unwrap();
    }
    sandbox
}

/// After the escape case: nothing outside the sandbox was created, removed
/// or changed.
fn check_fixture_intact(root: &Path) {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["outside.txt", "sandbox"],
        "files appeared next to the sandbox"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("outside.txt")).unwrap(),
        "outside secret\n"
    );
    assert!(!Path::new("/tmp/brisk-escape-dir").exists());
    assert_eq!(
        std::fs::read_link(root.join("sandbox/escape")).unwrap(),
        Path::new("../outside.txt")
    );
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs a case through the Rust API.
fn run_api(c: &Case) {
    let tmp = TempDir::new(&c.name);
    let engine = Engine::default();
    let bytes = std::fs::read(wasi_dir().join(&c.wasm)).unwrap();
    let module = Module::new(&engine, &bytes).unwrap();
    let (out, err) = (OutputBuffer::new(), OutputBuffer::new());
    let mut b = WasiCtxBuilder::new();
    b.arg(c.wasm.clone())
        .args(c.args.iter().cloned())
        .stdout(OutputStream::Buffer(out.clone()))
        .stderr(OutputStream::Buffer(err.clone()));
    for (k, v) in &c.env {
        b.env(k, v);
    }
    if let Some(f) = &c.stdin {
        b.stdin(InputStream::File(std::fs::File::open(f).unwrap()));
    }
    if let Some(kind) = &c.fixture {
        b.preopened_dir(make_fixture(kind, &tmp.0), "/sandbox")
            .unwrap();
    }
    let ctx = b.build();
    let mut store = Store::new(&engine);
    let result = ctx.run_command(&mut store, &module);
    match (c.exit, result) {
        (Some(want), Ok(code)) => assert_eq!(code, want, "exit status of {}", c.name),
        (None, Err(Error::Trap(t))) => {
            assert_eq!(t.code(), Some(TrapCode::IntegerDivisionByZero), "{t}");
            assert_eq!(t.exit_code(), None);
            assert!(!t.frames().is_empty());
        }
        (want, got) => panic!("{}: expected exit {want:?}, got {got:?}", c.name),
    }
    assert_eq!(
        show(&out.contents()),
        show(&c.stdout),
        "stdout of {}",
        c.name
    );
    if let Some(e) = &c.stderr {
        assert_eq!(show(&err.contents()), show(e), "stderr of {}", c.name);
    }
    if c.fixture.as_deref() == Some("escape") {
        check_fixture_intact(&tmp.0);
    }
}

/// Runs a case through `brisk run`.
fn run_cli(c: &Case) {
    let tmp = TempDir::new(&c.name);
    let mut cmd = Command::new(brisk_bin());
    cmd.current_dir(wasi_dir()).arg("run");
    for (k, v) in &c.env {
        cmd.arg("--env").arg(format!("{k}={v}"));
    }
    if let Some(kind) = &c.fixture {
        let sandbox = make_fixture(kind, &tmp.0);
        cmd.arg(format!("--dir={}::/sandbox", sandbox.display()));
    }
    cmd.arg(&c.wasm).args(&c.args);
    cmd.stdin(match &c.stdin {
        Some(f) => Stdio::from(std::fs::File::open(f).unwrap()),
        None => Stdio::null(),
    });
    let out = cmd.output().unwrap();
    let want = c.exit.unwrap_or(TRAP_EXIT);
    assert_eq!(
        out.status.code(),
        Some(want),
        "exit status of {}; stderr:\n{}",
        c.name,
        show(&out.stderr)
    );
    assert_eq!(show(&out.stdout), show(&c.stdout), "stdout of {}", c.name);
    if let Some(e) = &c.stderr {
        assert_eq!(show(&out.stderr), show(e), "stderr of {}", c.name);
    }
    if c.exit.is_none() {
        let err = show(&out.stderr);
        assert!(
            err.contains("wasm trap: integer divide by zero"),
            "trap report: {err}"
        );
        assert!(
            err.contains("error while executing at wasm backtrace"),
            "{err}"
        );
        assert!(err.contains("trap.wasm!divide"), "{err}");
    }
    if c.fixture.as_deref() == Some("escape") {
        check_fixture_intact(&tmp.0);
    }
}

macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        mod api {
            $(#[test] fn $name() { super::run_api(&super::case(stringify!($name))); })*
        }
        mod cli {
            $(#[test] fn $name() { super::run_cli(&super::case(stringify!($name))); })*
        }
        /// Every case of cases.txt has its two tests.
        #[test]
        fn every_case_is_tested() {
            let listed: Vec<String> = cases().into_keys().collect();
            let mut tested = vec![$(stringify!($name).to_string()),*];
            tested.sort();
            assert_eq!(listed, tested);
        }
    };
}

cases!(
    hello,
    hello_bare,
    exit_default,
    exit_3,
    exit_125,
    stdin,
    files,
    fd_ops,
    sandbox,
    clocks_random,
    poll,
    trap,
);

fn brisk(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(brisk_bin())
        .current_dir(wasi_dir())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        show(&out.stdout),
        show(&out.stderr),
    )
}

#[test]
fn cli_exit_status_passes_through() {
    // wasmtime refuses statuses of 126 and above; brisk passes them on as a
    // Unix process can.
    let (code, out, _) = brisk(&["run", "exit_code.wasm", "255"]);
    assert_eq!((code, out.as_str()), (255, "before exit\n"));
    // `brisk FILE` is `brisk run FILE`.
    let (code, _, _) = brisk(&["exit_code.wasm", "4"]);
    assert_eq!(code, 4);
}

#[test]
fn cli_invoke() {
    assert_eq!(
        brisk(&["run", "--invoke", "add", "trap.wasm", "3", "4"]),
        (0, "7\n".into(), String::new())
    );
    assert_eq!(
        brisk(&["run", "--invoke=mul64", "trap.wasm", "-3", "5000000000"]).1,
        "-15000000000\n"
    );
    assert_eq!(
        brisk(&["run", "--invoke", "half", "trap.wasm", "5"]).1,
        "2.5\n"
    );
    let (code, _, err) = brisk(&["run", "--invoke", "add", "trap.wasm", "3"]);
    assert_eq!(code, 1);
    assert!(err.contains("takes 2 arguments"), "{err}");
    let (code, _, err) = brisk(&["run", "--invoke", "add", "trap.wasm", "x", "1"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot parse `x` as i32"), "{err}");
    let (code, _, err) = brisk(&["run", "--invoke", "nope", "trap.wasm"]);
    assert_eq!(code, 1);
    assert!(err.contains("no function named `nope`"), "{err}");
}

#[test]
fn cli_compile_then_run() {
    let tmp = TempDir::new("compile");
    let cwasm = tmp.0.join("hello.cwasm");
    let cwasm_s = cwasm.to_str().unwrap();
    let (code, _, err) = brisk(&["compile", "hello.wasm", "-o", cwasm_s]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&cwasm).unwrap().starts_with(b"BRISKMOD"));
    let (code, out, _) = brisk(&["run", "--env", "GREETING=hi", cwasm_s, "x"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("argv[1]=x\n") && out.contains("GREETING=hi\n"),
        "{out}"
    );
    // A corrupted blob is an error, not a crash.
    let mut blob = std::fs::read(&cwasm).unwrap();
    let mid = blob.len() / 2;
    blob[mid] ^= 0xff;
    std::fs::write(&cwasm, &blob).unwrap();
    let (code, _, err) = brisk(&["run", cwasm_s]);
    assert_eq!(code, 1);
    assert!(err.contains("failed to load module"), "{err}");
}

#[test]
fn cli_inspect_and_validate() {
    let (code, out, _) = brisk(&["inspect", "files.wasm"]);
    assert_eq!(code, 0);
    for line in [
        "  wasi_snapshot_preview1::path_open: func [i32 i32 i32 i32 i32 i64 i64 i32 i32] -> [i32]",
        "  wasi_snapshot_preview1::proc_exit: func [i32] -> []",
        "  _start: func [] -> []",
        "kind: WASI command",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    assert_eq!(
        brisk(&["validate", "hello.wasm"]),
        (0, "hello.wasm: valid\n".into(), String::new())
    );
    let tmp = TempDir::new("validate");
    let bad = tmp.0.join("bad.wasm");
    std::fs::write(&bad, b"\0asm\x01\0\0\0\x01\x05\x01\x60\x01\x7f").unwrap();
    let (code, _, err) = brisk(&["validate", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("is not a valid module"), "{err}");
}

#[test]
fn cli_usage_errors() {
    assert_eq!(brisk(&[]).0, 2);
    assert_eq!(brisk(&["run"]).0, 2);
    assert_eq!(brisk(&["run", "--bogus", "hello.wasm"]).0, 2);
    assert_eq!(brisk(&["run", "--dir"]).0, 2);
    assert_eq!(brisk(&["--frobnicate"]).0, 2);
    let (code, out, _) = brisk(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("brisk run [OPTIONS] MODULE"));
    let (code, _, err) = brisk(&["run", "missing.wasm"]);
    assert_eq!(code, 1);
    assert!(err.contains("failed to read `missing.wasm`"), "{err}");
    let (code, _, err) = brisk(&["run", "--dir", "/nonexistent-brisk-dir", "hello.wasm"]);
    assert_eq!(code, 1);
    assert!(err.contains("failed to open directory"), "{err}");
}

fn wat_module(engine: &Engine, text: &str) -> Module {
    Module::new(engine, &wat::parse_str(text).unwrap()).unwrap()
}

#[test]
fn api_proc_exit_is_a_distinct_outcome() {
    let engine = Engine::default();
    let bytes = std::fs::read(wasi_dir().join("exit_code.wasm")).unwrap();
    let module = Module::new(&engine, &bytes).unwrap();
    let ctx = WasiCtxBuilder::new().arg("exit_code").arg("7").build();
    let mut store = Store::new(&engine);
    let instance = ctx.instantiate(&mut store, &module).unwrap();
    let Some(Extern::Func(start)) = instance.get_export(&store, "_start") else {
        panic!("no _start");
    };
    let err = start.call(&mut store, &[], &mut []).unwrap_err();
    assert_eq!(wasi::exit_code(&err), Some(7));
    let Error::Trap(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((t.exit_code(), t.code()), (Some(7), None));
}

#[test]
fn api_imports_follow_the_module_order() {
    let engine = Engine::default();
    let bytes = std::fs::read(wasi_dir().join("files.wasm")).unwrap();
    let module = Module::new(&engine, &bytes).unwrap();
    let mut store = Store::new(&engine);
    let ctx = WasiCtxBuilder::new().build();
    let externs = ctx.imports(&mut store, &module).unwrap();
    let imports = module.imports();
    assert_eq!(externs.len(), imports.len());
    for (e, i) in externs.iter().zip(&imports) {
        assert_eq!(e.ty(&store), i.ty, "{}", i.name);
    }
    // Every function of the brief's list is provided.
    let names: Vec<&str> = wasi::function_names().collect();
    assert_eq!(names.len(), 46);
    for n in [
        "fd_readdir",
        "path_symlink",
        "poll_oneoff",
        "sock_shutdown",
        "proc_raise",
    ] {
        assert!(names.contains(&n), "{n}");
    }
}

#[test]
fn api_link_errors_name_the_import() {
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let ctx = WasiCtxBuilder::new().build();
    let unknown = wat_module(
        &engine,
        r#"(module (import "wasi_snapshot_preview1" "fd_frobnicate" (func (param i32))))"#,
    );
    let err = ctx.imports(&mut store, &unknown).unwrap_err();
    assert!(
        matches!(&err, Error::Link(m) if m.contains("fd_frobnicate")),
        "{err}"
    );
    let wrong_type = wat_module(
        &engine,
        r#"(module (import "wasi_snapshot_preview1" "fd_close" (func (param i64) (result i32))))"#,
    );
    let err = ctx.imports(&mut store, &wrong_type).unwrap_err();
    assert!(
        matches!(&err, Error::Link(m) if m.contains("incompatible import type")),
        "{err}"
    );
    let other = wat_module(&engine, r#"(module (import "env" "f" (func)))"#);
    let err = ctx.imports(&mut store, &other).unwrap_err();
    assert!(
        matches!(&err, Error::Link(m) if m.contains("env::f")),
        "{err}"
    );
    // imports_with resolves the others.
    let f = brisk::Func::new(&mut store, brisk::FuncType::new([], []), |_, _, _| Ok(()));
    let externs = ctx
        .imports_with(&mut store, &other, |_, _| Some(Extern::Func(f)))
        .unwrap();
    assert_eq!(externs.len(), 1);
}

/// A hand-written module: fd_write of an iovec, fd_read of stdin, and
/// fd_write with no memory bound (EFAULT).
#[test]
fn api_in_memory_stdio_and_unbound_memory() {
    let engine = Engine::default();
    let module = wat_module(
        &engine,
        r#"(module
            (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            ;; iovec at 0 -> buffer at 16, 32 bytes; count at 8
            (func (export "echo") (result i32)
                (i32.store (i32.const 0) (i32.const 16))
                (i32.store (i32.const 4) (i32.const 32))
                (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
                (i32.store (i32.const 4) (i32.load (i32.const 8)))
                (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
                (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 70000))))"#,
    );
    let out = OutputBuffer::new();
    let ctx = WasiCtxBuilder::new()
        .stdin(InputStream::Bytes(b"ping".to_vec()))
        .stdout(OutputStream::Buffer(out.clone()))
        .build();
    let mut store = Store::new(&engine);
    let instance = ctx.instantiate(&mut store, &module).unwrap();
    let Some(Extern::Func(echo)) = instance.get_export(&store, "echo") else {
        panic!()
    };
    let mut r = [brisk::Val::I32(-1)];
    echo.call(&mut store, &[], &mut r).unwrap();
    // The last write's result pointer is out of bounds: EFAULT, after writing.
    assert!(matches!(r[0], brisk::Val::I32(21)));
    assert_eq!(out.contents(), b"pingping");

    // Instantiated without binding the memory: every access is EFAULT.
    let ctx = WasiCtxBuilder::new().build();
    let mut store = Store::new(&engine);
    let imports = ctx.imports(&mut store, &module).unwrap();
    let instance = brisk::Instance::new(&mut store, &module, &imports).unwrap();
    let Some(Extern::Func(echo)) = instance.get_export(&store, "echo") else {
        panic!()
    };
    echo.call(&mut store, &[], &mut r).unwrap();
    assert!(matches!(r[0], brisk::Val::I32(21)));
}

/// Standard streams redirected to host files.
#[test]
fn api_stdio_to_files() {
    let tmp = TempDir::new("stdio-files");
    let engine = Engine::default();
    let bytes = std::fs::read(wasi_dir().join("stdin.wasm")).unwrap();
    let module = Module::new(&engine, &bytes).unwrap();
    let out_path = tmp.0.join("out.txt");
    let ctx = WasiCtxBuilder::new()
        .stdin(InputStream::File(
            std::fs::File::open(wasi_dir().join("stdin.input")).unwrap(),
        ))
        .stdout(OutputStream::File(
            std::fs::File::create(&out_path).unwrap(),
        ))
        .build();
    let mut store = Store::new(&engine);
    assert_eq!(ctx.run_command(&mut store, &module).unwrap(), 0);
    drop(ctx);
    assert_eq!(
        std::fs::read(&out_path).unwrap(),
        std::fs::read(wasi_dir().join("stdin.stdout")).unwrap()
    );
}

/// `wasi_unstable` (snapshot 0): the three layouts that differ from
/// preview 1 (fd_seek's whence, filestat, the clock subscription).
#[test]
fn api_wasi_unstable_layouts() {
    let tmp = TempDir::new("unstable");
    let engine = Engine::default();
    let module = wat_module(
        &engine,
        r#"(module
            (import "wasi_unstable" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
            (import "wasi_unstable" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
            (import "wasi_unstable" "fd_seek" (func $seek (param i32 i64 i32 i32) (result i32)))
            (import "wasi_unstable" "fd_filestat_get" (func $fstat (param i32 i32) (result i32)))
            (import "wasi_unstable" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            (data (i32.const 0) "f.txt")
            (data (i32.const 16) "hello")
            (data (i32.const 200) "\10\00\00\00\05\00\00\00")
            ;; creates f.txt read-write; the fd at 100
            (func (export "open") (result i32)
                (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 5) (i32.const 1)
                    (i64.const 0x66) (i64.const 0) (i32.const 0) (i32.const 100)))
            (func (export "write") (result i32)
                (call $write (i32.load (i32.const 100)) (i32.const 200) (i32.const 1) (i32.const 208)))
            ;; the new offset at 300
            (func (export "seek") (param i64 i32) (result i32)
                (call $seek (i32.load (i32.const 100)) (local.get 0) (local.get 1) (i32.const 300)))
            (func (export "fstat") (result i32)
                (call $fstat (i32.load (i32.const 100)) (i32.const 400)))
            ;; one subscription at 512, the event at 600, the count at 700
            (func (export "poll") (result i32)
                (call $poll (i32.const 512) (i32.const 600) (i32.const 1) (i32.const 700))))"#,
    );
    let sandbox = make_fixture("empty", &tmp.0);
    let ctx = WasiCtxBuilder::new()
        .preopened_dir(&sandbox, "/sandbox")
        .unwrap()
        .build();
    let mut store = Store::new(&engine);
    let instance = ctx.instantiate(&mut store, &module).unwrap();
    let Some(Extern::Memory(memory)) = instance.get_export(&store, "memory") else {
        panic!()
    };
    let call = |store: &mut Store, name: &str, args: &[brisk::Val]| -> i32 {
        let Some(Extern::Func(f)) = instance.get_export(store, name) else {
            panic!("{name}")
        };
        let mut r = [brisk::Val::I32(-1)];
        f.call(store, args, &mut r).unwrap();
        match r[0] {
            brisk::Val::I32(e) => e,
            _ => unreachable!(),
        }
    };
    let u64_at = |store: &Store, at: usize| {
        u64::from_le_bytes(memory.data(store)[at..at + 8].try_into().unwrap())
    };
    assert_eq!(call(&mut store, "open", &[]), 0);
    assert_eq!(call(&mut store, "write", &[]), 0);
    assert_eq!(std::fs::read(sandbox.join("f.txt")).unwrap(), b"hello");
    use brisk::Val::{I32, I64};
    // whence: 0 = cur, 1 = end, 2 = set.
    for (offset, whence, expect) in [(1, 2, 1), (2, 0, 3), (-1, 1, 4), (0, 0, 4)] {
        assert_eq!(call(&mut store, "seek", &[I64(offset), I32(whence)]), 0);
        assert_eq!(u64_at(&store, 300), expect, "seek({offset}, {whence})");
    }
    assert_eq!(call(&mut store, "seek", &[I64(0), I32(3)]), 28); // EINVAL
    assert_eq!(call(&mut store, "fstat", &[]), 0);
    let stat = memory.data(&store)[400..456].to_vec();
    assert_eq!(stat[16], 4, "regular file");
    assert_eq!(
        u32::from_le_bytes(stat[20..24].try_into().unwrap()),
        1,
        "nlink"
    );
    assert_eq!(u64_at(&store, 424), 5, "size");
    // A relative monotonic clock of 1 ms, identifier first.
    let mut sub = [0u8; 56];
    sub[0..8].copy_from_slice(&0x1234u64.to_le_bytes());
    sub[16..24].copy_from_slice(&0x9999u64.to_le_bytes());
    sub[24..28].copy_from_slice(&1u32.to_le_bytes());
    sub[32..40].copy_from_slice(&1_000_000u64.to_le_bytes());
    memory.data_mut(&mut store)[512..568].copy_from_slice(&sub);
    assert_eq!(call(&mut store, "poll", &[]), 0);
    assert_eq!(u64_at(&store, 700) as u32, 1, "one event");
    assert_eq!(u64_at(&store, 600), 0x1234, "its userdata");
    assert_eq!(memory.data(&store)[608..611], [0, 0, 0], "no error, clock");

    // Snapshot 0 has no sock_accept.
    let mut store = Store::new(&engine);
    let m = wat_module(
        &engine,
        r#"(module (import "wasi_unstable" "sock_accept" (func (param i32 i32 i32) (result i32))))"#,
    );
    assert!(ctx.imports(&mut store, &m).is_err());
}
