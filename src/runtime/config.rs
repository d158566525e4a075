//! Engine configuration.

/// Which WebAssembly standard a module may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Features {
    /// WebAssembly 1.0 (MVP + mutable globals).
    Wasm1,
    /// WebAssembly 2.0: adds multi-value, reference types, bulk memory,
    /// sign extension, saturating truncation and SIMD.
    #[default]
    Wasm2,
}

impl Features {
    pub(crate) fn wasm_features(self) -> wasmparser::WasmFeatures {
        match self {
            Features::Wasm1 => wasmparser::WasmFeatures::WASM1,
            Features::Wasm2 => wasmparser::WasmFeatures::WASM2,
        }
    }
}

/// How memory accesses are kept inside linear memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BoundsChecks {
    /// Reserve 8 GiB of address space per memory so that no 32-bit access can
    /// leave the reservation; out-of-bounds accesses fault on a guard page.
    #[default]
    GuardPages,
    /// Compare every access against the memory's length; memories reserve
    /// only what they use (for hosts where address space is scarce).
    Explicit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub features: Features,
    pub bounds_checks: BoundsChecks,
    /// How much native stack wasm may use per outermost call, in bytes.
    pub max_wasm_stack: usize,
    /// Compile the functions of a module on several threads.
    pub parallel_compilation: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            features: Features::Wasm2,
            bounds_checks: BoundsChecks::GuardPages,
            max_wasm_stack: 1 << 20,
            parallel_compilation: true,
        }
    }
}

impl Config {
    pub(crate) fn compiler_config(&self) -> crate::compiler::CompilerConfig {
        crate::compiler::CompilerConfig {
            explicit_bounds_checks: self.bounds_checks == BoundsChecks::Explicit,
            parallel: self.parallel_compilation,
        }
    }
}
