//! Re-exports wasmtime's C API so that this staticlib carries every `wasm_*` / `wasmtime_*` symbol.
pub use wasmtime_c_api::*;
