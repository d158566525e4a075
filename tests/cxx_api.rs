//! The C++ API tests: every `c-tests/cxx/*.cc` is a host written against
//! `include/wasm.hh` (the standard C++ API, header-only over `wasm.h`). Each
//! is compiled twice, as C++11 and as C++17, with `-Wall -Wextra -Werror`,
//! linked against the static library cargo built alongside this test, and
//! run; it must exit 0 and print exactly `c-tests/cxx/<name>.out`. The
//! modules they load are compiled from `c-tests/cxx/*.wat` into the
//! directory passed as their first argument.
//!
//! `cxx_memcheck` runs the C++17 builds again under valgrind and fails on any
//! leak or memory error.

mod native_common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use native_common::{compiler, library, manifest_dir, profile_dir, run_checked, valgrind_memcheck};

fn source_dir() -> PathBuf {
    manifest_dir().join("c-tests/cxx")
}

/// The directory with the compiled test modules and programs.
fn work_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = profile_dir().join("cxx-tests");
        std::fs::create_dir_all(&dir).expect("create cxx-tests work dir");
        for entry in std::fs::read_dir(source_dir()).expect("c-tests/cxx") {
            let wat = entry.expect("dir entry").path();
            if wat.extension().is_some_and(|e| e == "wat") {
                let name = wat.file_stem().unwrap().to_str().unwrap().to_string();
                let bytes =
                    wat::parse_file(&wat).unwrap_or_else(|e| panic!("{}: {e}", wat.display()));
                std::fs::write(dir.join(format!("{name}.wasm")), bytes).expect("write wasm");
            }
        }
        dir
    })
}

/// Compiles `c-tests/cxx/<name>.cc` as `std` and links it statically.
fn build(name: &str, std: &str, suffix: &str) -> PathBuf {
    let src = source_dir().join(format!("{name}.cc"));
    let exe = work_dir().join(format!("{name}-{std}{suffix}"));
    let mut cmd = compiler(true, true, work_dir());
    cmd.arg(format!("-std={std}"))
        .args(["-Wall", "-Wextra", "-Werror", "-pthread"])
        .arg("-I")
        .arg(manifest_dir().join("include"))
        .arg("-I")
        .arg(source_dir())
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .arg(library("libbrisk.a"))
        .args(["-lpthread", "-ldl", "-lm"]);
    let out = cmd.output().expect("run the C++ compiler");
    assert!(
        out.status.success(),
        "compiling {} as {std}:\n{}{}",
        src.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

fn check_output(name: &str, out: &Output) {
    let expected = source_dir().join(format!("{name}.out"));
    native_common::check_output(name, out, &expected);
}

/// Builds and runs one C++ test as C++11 and as C++17.
fn run(name: &str) {
    for std in ["c++11", "c++17"] {
        let exe = build(name, std, "");
        let out = Command::new(&exe)
            .arg(work_dir())
            .output()
            .expect("run the C++ test");
        check_output(name, &out);
    }
}

/// The C++ tests, one `#[test]` each; `all_cxx_tests_are_listed` keeps this
/// list in step with the directory.
const CXX_TESTS: &[&str] = &[
    "hello", "objects", "refs", "traps", "reflect", "threads", "finalize", "callback",
];

macro_rules! cxx_tests {
    ($($name:ident),*) => {$(
        #[test]
        fn $name() {
            run(stringify!($name));
        }
    )*};
}

cxx_tests!(hello, objects, refs, traps, reflect, threads, finalize, callback);

#[test]
fn all_cxx_tests_are_listed() {
    let mut found: Vec<String> = std::fs::read_dir(source_dir())
        .expect("c-tests/cxx")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "cc"))
        .map(|p| p.file_stem().unwrap().to_str().unwrap().to_string())
        .collect();
    found.sort();
    let mut listed: Vec<String> = CXX_TESTS.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(
        found, listed,
        "CXX_TESTS and the c-tests/cxx/*.cc files differ"
    );
}

/// Runs every C++ test under valgrind memcheck: no leaks, no invalid
/// accesses.
#[test]
fn cxx_memcheck() {
    let valgrind = Command::new("valgrind").arg("--version").output();
    assert!(
        valgrind.is_ok_and(|o| o.status.success()),
        "valgrind is required for the leak check (apt-get install valgrind)"
    );
    std::thread::scope(|scope| {
        let runs: Vec<_> = CXX_TESTS
            .iter()
            .map(|name| {
                scope.spawn(move || {
                    let exe = build(name, "c++17", "-memcheck");
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

/// Builds `c-tests/cxx/cmake-consumer` (a CXX-only project, C++11, which
/// compiles `hello.cc`) with `find_package(brisk)`: from the source tree's
/// `cmake/`, and from a prefix that `scripts/install.sh` filled (which must
/// install `wasm.hh`).
#[test]
fn cmake_cxx_consumer() {
    if !Command::new("cmake")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        assert!(
            std::env::var_os("BRISK_SKIP_CMAKE").is_some(),
            "cmake is not installed (see .ci/run); set BRISK_SKIP_CMAKE=1 to skip this test"
        );
        eprintln!("SKIPPED: cmake is not installed and BRISK_SKIP_CMAKE is set");
        return;
    }
    let source = source_dir().join("cmake-consumer");
    let lib_dir = library("libbrisk.a").parent().unwrap().to_path_buf();

    let tree = work_dir().join("cmake-tree");
    let _ = std::fs::remove_dir_all(&tree);
    run_checked(
        Command::new("cmake")
            .arg("-S")
            .arg(&source)
            .arg("-B")
            .arg(&tree)
            .arg(format!(
                "-Dbrisk_DIR={}",
                manifest_dir().join("cmake").display()
            ))
            .arg(format!(
                "-DBRISK_STATIC_LIBRARY={}",
                lib_dir.join("libbrisk.a").display()
            )),
    );
    run_checked(Command::new("cmake").arg("--build").arg(&tree));
    let out = run_checked(Command::new(tree.join("cxx_consumer")).arg(work_dir()));
    check_output("hello", &out);

    let prefix = work_dir().join("prefix");
    let _ = std::fs::remove_dir_all(&prefix);
    run_checked(
        Command::new(manifest_dir().join("scripts/install.sh"))
            .arg(&prefix)
            .env("BRISK_LIB_DIR", &lib_dir),
    );
    assert!(
        prefix.join("include/wasm.hh").exists(),
        "install.sh skipped wasm.hh"
    );
    let installed = work_dir().join("cmake-installed");
    let _ = std::fs::remove_dir_all(&installed);
    run_checked(
        Command::new("cmake")
            .arg("-S")
            .arg(&source)
            .arg("-B")
            .arg(&installed)
            .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display())),
    );
    run_checked(Command::new("cmake").arg("--build").arg(&installed));
    let out = run_checked(Command::new(installed.join("cxx_consumer")).arg(work_dir()));
    check_output("hello", &out);
}
