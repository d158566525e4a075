//! Shared pieces of the tests that build and run native host programs
//! against libbrisk (`c_api`, `cxx_api`, `capi_nulls`): where cargo put the
//! libraries, a C or C++ compiler for this host, valgrind's memcheck, and
//! comparing a program's output with its expected file.

#![allow(dead_code)] // each test uses its own subset

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `target/<profile>`: the directory holding this test's `deps/`.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    exe.parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>")
        .to_path_buf()
}

/// A library cargo built with this test: the lib target's crate types
/// (cdylib, staticlib) land in `deps/` next to the test executable.
pub fn library(file: &str) -> PathBuf {
    let dir = profile_dir();
    [dir.join("deps").join(file), dir.join(file)]
        .into_iter()
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{file} is missing from {}/deps", dir.display()))
}

pub fn host_triple() -> String {
    format!("{}-unknown-linux-gnu", std::env::consts::ARCH)
}

/// The `cc` crate's C (or, with `cpp`, C++) compiler for this host, with
/// debug info, writing its temporaries to `out_dir`.
pub fn compiler(cpp: bool, debug: bool, out_dir: &Path) -> Command {
    let triple = host_triple();
    cc::Build::new()
        .cpp(cpp)
        .cargo_metadata(false)
        .target(&triple)
        .host(&triple)
        .opt_level(0)
        .debug(debug)
        .out_dir(out_dir)
        .get_compiler()
        .to_command()
}

/// `exe` under valgrind's memcheck: any definite or indirect leak or memory
/// error makes it exit 99.
pub fn valgrind_memcheck(exe: &Path) -> Command {
    let mut cmd = Command::new("valgrind");
    cmd.args([
        "--quiet",
        "--leak-check=full",
        "--show-leak-kinds=definite,indirect",
        "--errors-for-leak-kinds=definite,indirect",
        "--error-exitcode=99",
        // Generated code is written into fresh mappings, then run.
        "--smc-check=all-non-file",
    ])
    .arg(format!(
        "--suppressions={}",
        manifest_dir().join("c-tests/valgrind.supp").display()
    ))
    .arg(exe);
    cmd
}

/// Asserts that a program exited 0 and printed exactly `expected_path`.
pub fn check_output(name: &str, out: &Output, expected_path: &Path) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{name} failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    let expected = std::fs::read_to_string(expected_path)
        .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
    assert_eq!(
        stdout,
        expected,
        "{name}: output differs from {}",
        expected_path.display()
    );
}

/// Runs `cmd`, which must succeed; returns its output.
pub fn run_checked(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The functions the shared library exports (`nm -D`, code symbols) whose
/// names start with one of `prefixes`.
pub fn exported_functions(prefixes: &[&str]) -> BTreeSet<String> {
    let nm = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(library("libbrisk.so"))
        .output()
        .expect("run nm");
    assert!(nm.status.success());
    String::from_utf8_lossy(&nm.stdout)
        .lines()
        .filter(|l| l.split_whitespace().nth(1) == Some("T"))
        .filter_map(|l| l.split_whitespace().nth(2))
        .filter(|s| prefixes.iter().any(|p| s.starts_with(p)))
        .map(str::to_string)
        .collect()
}
