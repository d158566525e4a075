//! The official WebAssembly testsuite run through the C API (`wasm.h`): the
//! runner of `spec.rs` (same files, same rules, same environment variables:
//! `SPEC_SETS`, `SPEC_FILTER`, `SPEC_WAST`, `SPEC_JOBS`, `SPEC_TIMEOUT`,
//! `SPEC_BOUNDS_CHECKS`, `SPEC_VERBOSE`) with the C API backend of
//! `spec/c_api.rs`. Issue #4: every assertion must pass through the Rust API
//! and through `wasm.h` alike.
//!
//! The final line reads `spec-capi: N passed, N failed`.

#[path = "spec/backend.rs"]
mod backend;
#[path = "spec/c_api.rs"]
mod c_api;
#[path = "spec/child.rs"]
mod child;
#[path = "spec/protocol.rs"]
mod protocol;
#[path = "spec/runner.rs"]
mod runner;
#[path = "spec/sets.rs"]
mod sets;
#[path = "spec/supervisor.rs"]
mod supervisor;
#[path = "spec/values.rs"]
mod values;

use std::process::ExitCode;

fn main() -> ExitCode {
    match std::env::var(child::CHILD_ENV) {
        Ok(which) => child::run::<c_api::CApi>(&which),
        Err(_) => supervisor::run_all("spec-capi"),
    }
}
