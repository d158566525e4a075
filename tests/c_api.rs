//! The C tests: every `c-tests/*.c` is compiled against `include/` with the
//! `cc` crate, linked against the static library cargo built alongside this
//! test, and run; it must exit 0 and print exactly `c-tests/<name>.out`.
//! The wasm modules they load are compiled from `c-tests/*.wat` into the
//! directory passed as their first argument; the WASI programs of
//! `tests/wasi/` are copied there too, with their expected output, as
//! `wasi_<file>` (for `c-tests/wasi.c` and the bindings' tests).
//!
//! `memcheck` runs them all again under valgrind and fails on any leak or
//! memory error. `exported_symbols` checks that the shared library exports
//! every function `include/wasm.h` declares, and that those are exactly the
//! ones the standard header declares (`c-tests/standard-functions.txt`,
//! checked against the standard header itself when the cargo registry has
//! it, as the `wasmtime-c-api-impl` crate ships it).

mod native_common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use native_common::{
    compiler, exported_functions, library, manifest_dir, profile_dir, valgrind_memcheck,
};

/// The directory with the compiled test modules and programs.
fn work_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = profile_dir().join("c-tests");
        std::fs::create_dir_all(&dir).expect("create c-tests work dir");
        for wat in files_with_extension("wat") {
            let name = wat.file_stem().unwrap().to_str().unwrap().to_string();
            let bytes = wat::parse_file(&wat).unwrap_or_else(|e| panic!("{}: {e}", wat.display()));
            std::fs::write(dir.join(format!("{name}.wasm")), bytes).expect("write wasm");
        }
        let wasi = manifest_dir().join("tests/wasi");
        for entry in std::fs::read_dir(&wasi).expect("tests/wasi") {
            let path = entry.expect("dir entry").path();
            if path.extension().is_some_and(|e| {
                ["wasm", "stdout", "stderr", "input"].contains(&e.to_str().unwrap())
            }) {
                let name = path.file_name().unwrap().to_str().unwrap();
                std::fs::copy(&path, dir.join(format!("wasi_{name}"))).expect("copy a WASI file");
            }
        }
        dir
    })
}

fn files_with_extension(ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(manifest_dir().join("c-tests"))
        .expect("c-tests directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

/// A C compiler command from the `cc` crate, configured for this host,
/// finding `wasm.h` in `include/`.
fn c_compiler() -> Command {
    c_compiler_with_headers(&manifest_dir().join("include"))
}

/// As [`c_compiler`], with `wasm.h` taken from `header_dir`.
fn c_compiler_with_headers(header_dir: &Path) -> Command {
    let mut cmd = compiler(false, true, work_dir());
    cmd.args(["-std=c11", "-Wall", "-Wextra", "-Werror"]);
    cmd.arg("-I").arg(header_dir);
    cmd.arg("-I").arg(manifest_dir().join("c-tests"));
    // brisk.h; when `header_dir` is another wasm.h's, that one comes first
    // and its include guard (WASM_H, the standard's) keeps ours out.
    cmd.arg("-I").arg(manifest_dir().join("include"));
    cmd
}

/// Compiles `c-tests/<name>.c` and links it against `lib`.
fn build(name: &str, lib: &Path, exe_suffix: &str) -> PathBuf {
    build_with_header(name, lib, exe_suffix, None)
}

/// As [`build`], with `wasm.h` taken from `header_dir` when given.
fn build_with_header(
    name: &str,
    lib: &Path,
    exe_suffix: &str,
    header_dir: Option<&Path>,
) -> PathBuf {
    let src = manifest_dir().join("c-tests").join(format!("{name}.c"));
    let exe = work_dir().join(format!("{name}{exe_suffix}"));
    let mut cmd = match header_dir {
        Some(dir) => c_compiler_with_headers(dir),
        None => c_compiler(),
    };
    cmd.arg(&src).arg("-o").arg(&exe).arg(lib);
    if lib.extension().is_some_and(|e| e == "so") {
        cmd.arg(format!("-Wl,-rpath,{}", lib.parent().unwrap().display()));
    }
    cmd.args(["-lpthread", "-ldl", "-lm"]);
    let out = cmd.output().expect("run the C compiler");
    assert!(
        out.status.success(),
        "compiling {}:\n{}{}",
        src.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

fn check_output(name: &str, out: &Output) {
    let expected = manifest_dir().join("c-tests").join(format!("{name}.out"));
    native_common::check_output(name, out, &expected);
}

/// Builds and runs one C test against the static library.
fn run(name: &str) {
    let exe = build(name, &library("libbrisk.a"), "");
    let out = Command::new(&exe)
        .arg(work_dir())
        .output()
        .expect("run the C test");
    check_output(name, &out);
}

/// The C tests, one `#[test]` each; `all_c_tests_are_listed` keeps this list
/// in step with the directory.
const C_TESTS: &[&str] = &[
    "abi",
    "types",
    "refs",
    "host_objects",
    "instance",
    "calls",
    "traps",
    "memory_table",
    "threads",
    "serialize",
    "errors",
    "nulls",
    "brisk_ext",
    "wasi",
    "compat",
];

macro_rules! c_tests {
    ($($name:ident),*) => {$(
        #[test]
        fn $name() {
            run(stringify!($name));
        }
    )*};
}

c_tests!(
    abi,
    types,
    refs,
    host_objects,
    instance,
    calls,
    traps,
    memory_table,
    threads,
    serialize,
    errors,
    nulls,
    brisk_ext,
    wasi,
    compat
);

#[test]
fn all_c_tests_are_listed() {
    let found: BTreeSet<String> = files_with_extension("c")
        .iter()
        .map(|p| p.file_stem().unwrap().to_str().unwrap().to_string())
        .collect();
    let listed: BTreeSet<String> = C_TESTS.iter().map(|s| s.to_string()).collect();
    assert_eq!(found, listed, "c-tests/*.c and C_TESTS differ");
}

/// The same program linked against the shared library runs the same.
#[test]
fn shared_library_links() {
    let exe = build("calls", &library("libbrisk.so"), "-shared");
    let out = Command::new(&exe)
        .arg(work_dir())
        .output()
        .expect("run the C test");
    check_output("calls", &out);
}

/// Runs every C test under valgrind memcheck: no leaks, no invalid accesses.
#[test]
fn memcheck() {
    let valgrind = Command::new("valgrind").arg("--version").output();
    assert!(
        valgrind.is_ok_and(|o| o.status.success()),
        "valgrind is required for the leak check (apt-get install valgrind)"
    );
    // Valgrind runs one thread at a time: run the programs side by side.
    std::thread::scope(|scope| {
        let runs: Vec<_> = C_TESTS
            .iter()
            .map(|name| {
                scope.spawn(move || {
                    let exe = build(name, &library("libbrisk.a"), "-memcheck");
                    let out = valgrind_memcheck(&exe)
                        .arg(work_dir())
                        .output()
                        .expect("run valgrind");
                    (name, out)
                })
            })
            .collect();
        for run in runs {
            let (name, out) = run.join().expect("memcheck thread");
            check_output(name, &out);
        }
    });
}

/// The functions a header declares: preprocessed, with `WASM_API_EXTERN`
/// turned into a marker that precedes each declaration.
fn declared_functions(header: &Path) -> BTreeSet<String> {
    let out = c_compiler()
        .args(["-E", "-P", "-DWASM_API_EXTERN=__brisk_api__", "-x", "c"])
        .arg(header)
        .output()
        .expect("preprocess header");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
    text.split("__brisk_api__")
        .skip(1)
        .map(|decl| {
            let decl = &decl[..decl.find(';').expect("declaration ends with ;")];
            let open = decl.find('(').expect("function declaration");
            decl[..open]
                .trim_end()
                .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn standard_header() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let registry = std::fs::read_dir(home.join("registry/src")).ok()?;
    registry
        .filter_map(|r| r.ok())
        .map(|r| r.path().join("wasmtime-c-api-impl-48.0.8/include/wasm.h"))
        .find(|p| p.exists())
}

/// The functions with `prefix` that the shared library exports.
fn exported_names(prefix: &str) -> BTreeSet<String> {
    exported_functions(&[prefix])
}

#[test]
fn exported_symbols() {
    let ours = declared_functions(&manifest_dir().join("include/wasm.h"));
    let exported = exported_names("wasm_");
    let missing: Vec<_> = ours.difference(&exported).collect();
    assert!(missing.is_empty(), "declared but not exported: {missing:?}");

    // The extensions: brisk.h declares exactly the exported brisk_* functions.
    let ext: BTreeSet<String> = declared_functions(&manifest_dir().join("include/brisk.h"))
        .into_iter()
        .filter(|f| f.starts_with("brisk_"))
        .collect();
    let ext_exported: BTreeSet<String> = exported_names("brisk_");
    assert_eq!(
        ext, ext_exported,
        "include/brisk.h and the exported brisk_* functions differ"
    );
    // And wasi.h exactly the exported wasi_* functions.
    let wasi: BTreeSet<String> = declared_functions(&manifest_dir().join("include/wasi.h"))
        .into_iter()
        .filter(|f| f.starts_with("wasi_"))
        .collect();
    assert_eq!(
        wasi,
        exported_names("wasi_"),
        "include/wasi.h and the exported wasi_* functions differ"
    );
    let extra: Vec<_> = exported.difference(&ours).collect();
    assert!(extra.is_empty(), "exported but not declared: {extra:?}");
    println!(
        "include/wasm.h declares {} functions; libbrisk.so exports {} wasm_* functions",
        ours.len(),
        exported.len()
    );

    // The standard's list, checked in; re-derived from the standard header
    // itself when its text is in the cargo registry.
    let list = std::fs::read_to_string(manifest_dir().join("c-tests/standard-functions.txt"))
        .expect("c-tests/standard-functions.txt");
    let std_decls: BTreeSet<String> = list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(str::to_string)
        .collect();
    if let Some(standard) = standard_header() {
        assert_eq!(
            declared_functions(&standard),
            std_decls,
            "standard-functions.txt is stale"
        );
    }
    let missing: Vec<_> = std_decls.difference(&exported).collect();
    assert!(
        missing.is_empty(),
        "the standard declares, we do not export: {missing:?}"
    );
    let extra: Vec<_> = ours.difference(&std_decls).collect();
    assert!(
        extra.is_empty(),
        "wasm.h declares functions the standard does not: {extra:?}"
    );
    println!("the standard wasm.h declares {} functions", std_decls.len());
}

/// `examples/hello.c`, the README's first program: `examples/hello.wasm` is
/// `examples/hello.wat` compiled (`BRISK_BLESS=1` rewrites it), and the
/// program runs against both libraries.
#[test]
fn example_hello() {
    let examples = manifest_dir().join("examples");
    let wasm = wat::parse_file(examples.join("hello.wat")).expect("examples/hello.wat");
    let wasm_path = examples.join("hello.wasm");
    if std::env::var_os("BRISK_BLESS").is_some() {
        std::fs::write(&wasm_path, &wasm).expect("write examples/hello.wasm");
    }
    let checked_in = std::fs::read(&wasm_path).expect("examples/hello.wasm");
    assert!(
        checked_in == wasm,
        "examples/hello.wasm is stale: run `BRISK_BLESS=1 cargo test --test c_api example_hello`"
    );
    for lib in ["libbrisk.a", "libbrisk.so"] {
        let exe = work_dir().join(format!("hello-{lib}"));
        let mut cmd = c_compiler();
        cmd.arg(examples.join("hello.c"))
            .arg("-o")
            .arg(&exe)
            .arg(library(lib));
        if lib.ends_with(".so") {
            let dir = library(lib).parent().unwrap().display().to_string();
            cmd.arg(format!("-Wl,-rpath,{dir}"));
        }
        let out = cmd.args(["-lpthread", "-ldl", "-lm"]).output().expect("cc");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = Command::new(&exe)
            .arg(&wasm_path)
            .output()
            .expect("run hello");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "hello failed:\n{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for line in [
            "host: double(20) called from wasm",
            "wasm: run(20) = 41 (the host was called 1 time)",
            "divide(7, 0) trapped: integer divide by zero",
            "  in function 2, at byte 0x",
            "wasm: divide(7, 2) = 3",
        ] {
            assert!(
                stdout.contains(line),
                "hello's output lacks {line:?}:\n{stdout}"
            );
        }
    }
}

fn tool_available(tool: &str, skip_var: &str) -> bool {
    // `go` has no --version flag.
    let probe = if tool == "go" { "version" } else { "--version" };
    if Command::new(tool)
        .arg(probe)
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return true;
    }
    assert!(
        std::env::var_os(skip_var).is_some(),
        "{tool} is not installed (see .ci/run); set {skip_var}=1 to skip this test"
    );
    eprintln!("SKIPPED: {tool} is not installed and {skip_var} is set");
    false
}

/// Runs `cmd`, which must succeed; returns its standard output.
fn run_checked(cmd: &mut Command) -> String {
    String::from_utf8_lossy(&native_common::run_checked(cmd).stdout).into_owned()
}

fn check_hello(exe: &Path) {
    let stdout = run_checked(Command::new(exe).arg(manifest_dir().join("examples/hello.wasm")));
    assert!(stdout.contains("wasm: run(20) = 41"), "{stdout}");
}

/// Builds `c-tests/cmake-consumer` with `find_package(brisk)`: from the
/// source tree's `cmake/`, and from a prefix `scripts/install.sh` filled
/// (which also installs the pkg-config file, used to build hello.c too).
#[test]
fn cmake_and_pkg_config_packages() {
    let version = std::fs::read_to_string(manifest_dir().join("cmake/brisk-config-version.cmake"))
        .expect("cmake/brisk-config-version.cmake");
    assert!(
        version.contains(&format!(
            "set(PACKAGE_VERSION \"{}\")",
            env!("CARGO_PKG_VERSION")
        )),
        "cmake/brisk-config-version.cmake does not say version {}",
        env!("CARGO_PKG_VERSION")
    );
    if !tool_available("cmake", "BRISK_SKIP_CMAKE") {
        return;
    }
    let source = manifest_dir().join("c-tests/cmake-consumer");
    let lib_dir = library("libbrisk.a").parent().unwrap().to_path_buf();

    // From the source tree, pointing the package at this build's libraries.
    let build = work_dir().join("cmake-tree");
    let _ = std::fs::remove_dir_all(&build);
    run_checked(
        Command::new("cmake")
            .arg("-S")
            .arg(&source)
            .arg("-B")
            .arg(&build)
            .arg(format!(
                "-Dbrisk_DIR={}",
                manifest_dir().join("cmake").display()
            ))
            .arg(format!(
                "-DBRISK_STATIC_LIBRARY={}",
                lib_dir.join("libbrisk.a").display()
            )),
    );
    run_checked(Command::new("cmake").arg("--build").arg(&build));
    check_hello(&build.join("consumer"));

    // From an installed prefix.
    let prefix = work_dir().join("prefix");
    let _ = std::fs::remove_dir_all(&prefix);
    run_checked(
        Command::new(manifest_dir().join("scripts/install.sh"))
            .arg(&prefix)
            .env("BRISK_LIB_DIR", &lib_dir),
    );
    let build = work_dir().join("cmake-installed");
    let _ = std::fs::remove_dir_all(&build);
    run_checked(
        Command::new("cmake")
            .arg("-S")
            .arg(&source)
            .arg("-B")
            .arg(&build)
            .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display())),
    );
    run_checked(Command::new("cmake").arg("--build").arg(&build));
    check_hello(&build.join("consumer"));

    // pkg-config (the shared library, as `-lbrisk` finds it).
    if !tool_available("pkg-config", "BRISK_SKIP_CMAKE") {
        return;
    }
    let flags = run_checked(
        Command::new("pkg-config")
            .args(["--cflags", "--libs", "brisk"])
            .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig")),
    );
    let exe = work_dir().join("hello-pkg-config");
    let mut cmd = c_compiler();
    cmd.arg(manifest_dir().join("examples/hello.c"))
        .arg("-o")
        .arg(&exe);
    cmd.args(flags.split_whitespace());
    cmd.arg(format!("-Wl,-rpath,{}", prefix.join("lib").display()));
    run_checked(&mut cmd);
    check_hello(&exe);
}

/// Programs compiled against the standard `wasm.h` itself (the text the
/// `wasmtime-c-api-impl` crate ships) link and run against libbrisk exactly
/// as they do against our header: the ABI is the standard's.
#[test]
fn programs_built_against_the_standard_header() {
    let Some(header) = standard_header() else {
        assert!(
            std::env::var_os("BRISK_SKIP_STANDARD_HEADER").is_some(),
            "the standard header is not in the cargo registry \
             (wasmtime-c-api-impl-48.0.8/include/wasm.h): .ci/run shows how to fetch it; \
             or set BRISK_SKIP_STANDARD_HEADER=1 to skip this test"
        );
        eprintln!("SKIPPED: no standard header, and BRISK_SKIP_STANDARD_HEADER is set");
        return;
    };
    // The standard's wasm.h alone: its folder also holds wasmtime's wasi.h,
    // which would shadow ours.
    let dir = work_dir().join("standard-include");
    std::fs::create_dir_all(&dir).expect("create the standard header's dir");
    std::fs::copy(&header, dir.join("wasm.h")).expect("copy the standard wasm.h");
    for name in C_TESTS {
        let exe = build_with_header(name, &library("libbrisk.a"), "-standard", Some(&dir));
        let out = Command::new(&exe)
            .arg(work_dir())
            .output()
            .expect("run the C test");
        check_output(name, &out);
    }
}

/// The Python bindings (`bindings/python`, ctypes over libbrisk.so).
#[test]
fn python_bindings() {
    if !tool_available("python3", "BRISK_SKIP_PYTHON") {
        return;
    }
    let stdout = run_checked(
        Command::new("python3")
            .arg(manifest_dir().join("bindings/python/tests/test_brisk.py"))
            .arg(work_dir())
            .env("BRISK_LIBRARY", library("libbrisk.so")),
    );
    assert_eq!(stdout, "python bindings ok\n");
}

/// The Python package installs: `pip install ./bindings/python` into a fresh
/// venv (with `BRISK_LIB`, so no second cargo build), then the object tests
/// against the installed package. Ignored by default: pip fetches setuptools
/// from PyPI for the isolated build. Run it with
/// `cargo test --release --test c_api -- --ignored python_package`.
#[test]
#[ignore = "needs PyPI"]
fn python_package_installs() {
    let venv = work_dir().join("pyvenv");
    let _ = std::fs::remove_dir_all(&venv);
    run_checked(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    let python = venv.join("bin/python");
    run_checked(
        Command::new(&python)
            .args(["-m", "pip", "install", "-q"])
            .arg(manifest_dir().join("bindings/python"))
            .env("BRISK_LIB", library("libbrisk.so")),
    );
    run_checked(
        Command::new(&python)
            .args(["-m", "unittest", "discover", "-p", "test_api.py", "-s"])
            .arg(manifest_dir().join("bindings/python/tests"))
            .env("BRISK_TEST_INSTALLED", "1")
            .env("BRISK_TEST_WASM_DIR", work_dir())
            .current_dir(&venv),
    );
}

/// The headers compile as C++ too (`cpp_compat`), and link.
#[test]
fn headers_compile_as_cxx() {
    let triple = native_common::host_triple();
    let tool = cc::Build::new()
        .cpp(true)
        .cargo_metadata(false)
        .target(&triple)
        .host(&triple)
        .opt_level(0)
        .out_dir(work_dir())
        .get_compiler();
    let exe = work_dir().join("cxx_header");
    let mut cmd = tool.to_command();
    cmd.args(["-std=c++17", "-Wall", "-Wextra", "-Werror"])
        .arg("-I")
        .arg(manifest_dir().join("include"))
        .arg(manifest_dir().join("c-tests/cxx_header.cc"))
        .arg("-o")
        .arg(&exe)
        .arg(library("libbrisk.a"))
        .args(["-lpthread", "-ldl", "-lm"]);
    run_checked(&mut cmd);
    assert_eq!(run_checked(&mut Command::new(&exe)), "c++ ok\n");
}

/// The Go bindings (`bindings/go`, cgo over libbrisk.so): `go test` there.
#[test]
fn go_bindings() {
    if !tool_available("go", "BRISK_SKIP_GO") {
        return;
    }
    let lib_dir = library("libbrisk.so")
        .parent()
        .unwrap()
        .display()
        .to_string();
    run_checked(
        Command::new("go")
            .args(["test", "-count=1", "./..."])
            .current_dir(manifest_dir().join("bindings/go"))
            .env("CGO_LDFLAGS", format!("-L{lib_dir} -Wl,-rpath,{lib_dir}"))
            .env("BRISK_WASM_DIR", work_dir()),
    );
}
