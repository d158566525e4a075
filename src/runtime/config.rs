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
    /// How many objects and how much address space one store may hold;
    /// every new store starts with these (see [`Store::set_limits`]).
    ///
    /// [`Store::set_limits`]: super::Store::set_limits
    pub store_limits: StoreLimits,
    /// How many released 8 GiB guard-page reservations the engine keeps for
    /// reuse by later memories (of any store of this engine); 0 disables
    /// the pool.
    pub memory_pool_size: usize,
}

/// What one store may hold. A store owns everything created in it until it
/// is dropped, so a long-lived store that keeps instantiating reaches these
/// limits and then fails cleanly (naming the limit) instead of exhausting
/// the process's address space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreLimits {
    /// Instances, failed instantiations included (each keeps its slot).
    pub max_instances: usize,
    /// Live linear memories (defined by instances or created by the host).
    pub max_memories: usize,
    /// Live tables (defined by instances or created by the host).
    pub max_tables: usize,
    /// Address space the store's guard-page memories may reserve, in bytes
    /// (each reserves 8 GiB + 64 KiB; explicit-bounds memories reserve
    /// only what they use and do not count).
    pub max_reserved_bytes: u64,
}

impl StoreLimits {
    /// 10,000 instances, memories and tables (wasmtime's defaults) and
    /// 32 TiB of reservations (about 4,000 guard-page memories: a quarter of
    /// the 128 TiB a Linux x86-64 process has).
    pub const DEFAULT: StoreLimits = StoreLimits {
        max_instances: 10_000,
        max_memories: 10_000,
        max_tables: 10_000,
        max_reserved_bytes: 32 << 40,
    };
}

impl Default for StoreLimits {
    fn default() -> StoreLimits {
        StoreLimits::DEFAULT
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            features: Features::Wasm2,
            bounds_checks: BoundsChecks::GuardPages,
            max_wasm_stack: 1 << 20,
            parallel_compilation: true,
            store_limits: StoreLimits::DEFAULT,
            memory_pool_size: 16,
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
