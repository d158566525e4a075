//! Re-exports wasmi's C API so that this staticlib carries every `wasm_*` symbol.
pub use wasmi_c_api::*;
