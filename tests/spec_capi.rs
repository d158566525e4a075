//! The official WebAssembly testsuite run through the C API (`wasm.h`): the
//! runner of `spec.rs` (same files, same rules, same environment variables:
//! `SPEC_SETS`, `SPEC_FILTER`, `SPEC_WAST`, `SPEC_JOBS`, `SPEC_TIMEOUT`,
//! `SPEC_BOUNDS_CHECKS`, `SPEC_VERBOSE`) with the C API backend of
//! `spec/c_api.rs`. Issue #4: every assertion must pass through the Rust API
//! and through `wasm.h` alike.
//!
//! Besides the scripts' assertions, the backend checks the C API against
//! itself: `wasm_module_validate` accepts what `wasm_module_new` compiles,
//! call results have the kinds `wasm_func_type` promises, and
//! `wasm_instance_exports` matches `wasm_module_exports`.
//!
//! More environment:
//! - `SPEC_CAPI_SERIALIZE=1`: every module goes through
//!   `wasm_module_serialize` and `wasm_module_deserialize` before use.
//! - To look for leaks and invalid accesses, run one file's child under
//!   valgrind, with explicit bounds checks (guard-page faults and 8 GiB
//!   reservations do not suit it):
//!   `SPEC_CHILD=$'wasm-v2\tref_func.wast' SPEC_BOUNDS_CHECKS=explicit
//!   valgrind --leak-check=full <target>/release/deps/spec_capi-<hash>`.
//!
//! The final line reads `spec-capi: N passed, N failed` (`spec-capi-explicit`
//! with `SPEC_BOUNDS_CHECKS=explicit`).

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
        // The final line names the mode, as `spec.rs` does.
        Err(_) => match child::bounds_checks() {
            Ok(brisk::BoundsChecks::Explicit) => supervisor::run_all("spec-capi-explicit", &[]),
            _ => supervisor::run_all("spec-capi", &[]),
        },
    }
}
