//! Shared pieces of the fuzz tests: a seeded random source, the wasm-smith
//! configuration for the WebAssembly 2.0 feature set (no SIMD), module
//! generation with guaranteed termination, iteration counts, and where
//! failing inputs are written.

#![allow(dead_code)] // each fuzz test uses its own subset

use std::path::PathBuf;

use arbitrary::Unstructured;
use wasm_encoder::reencode::{self, Reencode};

/// Export name under which generated modules expose their fuel global, so
/// that a harness can refill it before every call.
pub const FUEL_EXPORT: &str = "__fuzz_fuel";

/// Fuel for the start function and for each export call: every function
/// entry and loop iteration spends one. Well below wasmi's recursion limit of
/// 1000 frames, so that call depth alone never makes only one engine trap.
pub const FUEL: i32 = 500;

/// SplitMix64: tiny, fast and with good statistical quality; the fuzz tests
/// only need reproducibility from a seed, not cryptographic strength.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5eed_f00d_dead_beef)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len + 8);
        while out.len() < len {
            out.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        out.truncate(len);
        out
    }
}

/// wasm-smith limited to WebAssembly 2.0 without SIMD: multi-value, bulk
/// memory, reference types (several tables), sign extension and saturating
/// truncation; no imports, so both engines see exactly the same module.
/// Memories and tables have a required, small maximum so that growth never
/// fails for resource reasons in one engine only. NaNs are canonicalized
/// after float arithmetic so that memory contents and integer
/// reinterpretations stay deterministic across engines.
pub fn smith_config() -> wasm_smith::Config {
    wasm_smith::Config {
        simd_enabled: false,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        gc_enabled: false,
        exceptions_enabled: false,
        tail_call_enabled: false,
        memory64_enabled: false,
        custom_page_sizes_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        compact_imports_enabled: false,
        multi_value_enabled: true,
        bulk_memory_enabled: true,
        reference_types_enabled: true,
        sign_extension_ops_enabled: true,
        saturating_float_to_int_enabled: true,
        max_memories: 1,
        max_tables: 3,
        max_imports: 0,
        min_imports: 0,
        export_everything: true,
        canonicalize_nans: true,
        max_memory32_bytes: 16 * 65536,
        memory_max_size_required: true,
        max_table_elements: 1000,
        table_max_size_required: true,
        min_types: 2,
        min_funcs: 4,
        max_funcs: 30,
        min_memories: 1,
        max_instructions: 400,
        max_data_segments: 20,
        max_element_segments: 20,
        ..wasm_smith::Config::default()
    }
}

/// A wasm-smith module from the seeded data of `rng`, `len` bytes of it
/// (drawn in `len`); wasm-smith refuses some data (too short for a required
/// minimum), and then new data is drawn, deterministically.
pub fn smith_module(
    rng: &mut Rng,
    config: &wasm_smith::Config,
    len: std::ops::Range<usize>,
) -> wasm_smith::Module {
    for _ in 0..100 {
        let n = len.start + rng.below((len.end - len.start) as u64) as usize;
        let data = rng.bytes(n);
        if let Ok(m) = wasm_smith::Module::new(config.clone(), &mut Unstructured::new(&data)) {
            return m;
        }
    }
    panic!("wasm-smith refused 100 random inputs");
}

/// The features every generated module must validate with.
pub fn wasm2_features() -> wasmparser::WasmFeatures {
    wasmparser::WasmFeatures::WASM2 & !wasmparser::WasmFeatures::SIMD
}

/// A generated module and the fuel its loops and calls may spend per export
/// call (the fuel global is exported as [`FUEL_EXPORT`]).
pub struct Generated {
    pub wasm: Vec<u8>,
}

/// Generates the module of `seed`: random bytes of a seed-chosen length
/// drive wasm-smith; every function then checks a fuel global at entry and
/// at each loop header, so every call terminates.
pub fn generate(seed: u64, config: &wasm_smith::Config) -> Generated {
    let mut module = smith_module(&mut Rng::new(seed), config, 256..48 * 1024);
    let fuel_global = module
        .ensure_termination(FUEL as u32)
        .unwrap_or_else(|e| panic!("seed {seed}: ensure_termination failed: {e}"));
    let wasm = export_global(&module.to_bytes(), fuel_global, FUEL_EXPORT);
    Generated { wasm }
}

/// Re-encodes `wasm` with one more export: global `index` as `name`. A
/// module without an export section gets one.
pub fn export_global(wasm: &[u8], index: u32, name: &str) -> Vec<u8> {
    struct AddExport<'a> {
        index: u32,
        name: &'a str,
        done: bool,
    }
    impl Reencode for AddExport<'_> {
        type Error = std::convert::Infallible;

        fn parse_export_section(
            &mut self,
            exports: &mut wasm_encoder::ExportSection,
            section: wasmparser::ExportSectionReader<'_>,
        ) -> Result<(), reencode::Error<Self::Error>> {
            reencode::utils::parse_export_section(self, exports, section)?;
            exports.export(self.name, wasm_encoder::ExportKind::Global, self.index);
            self.done = true;
            Ok(())
        }

        fn intersperse_section_hook(
            &mut self,
            module: &mut wasm_encoder::Module,
            after: Option<wasm_encoder::SectionId>,
            before: Option<wasm_encoder::SectionId>,
        ) -> Result<(), reencode::Error<Self::Error>> {
            // The export section's place: after the global section, before
            // start/element/data count/code/data.
            use wasm_encoder::SectionId as S;
            let rank = |s: S| match s {
                S::Custom => None,
                S::Type => Some(1),
                S::Import => Some(2),
                S::Function => Some(3),
                S::Table => Some(4),
                S::Memory => Some(5),
                S::Tag => Some(6),
                S::Global => Some(7),
                S::Export => Some(8),
                _ => Some(9),
            };
            let after_ok = after.is_none_or(|a| rank(a).is_some_and(|r| r < 8));
            let before_ok = before.is_none_or(|b| rank(b).is_some_and(|r| r > 8));
            if !self.done && after_ok && before_ok {
                let mut exports = wasm_encoder::ExportSection::new();
                exports.export(self.name, wasm_encoder::ExportKind::Global, self.index);
                module.section(&exports);
                self.done = true;
            }
            Ok(())
        }
    }
    let mut module = wasm_encoder::Module::new();
    let mut r = AddExport {
        index,
        name,
        done: false,
    };
    r.parse_core_module(&mut module, wasmparser::Parser::new(0), wasm)
        .expect("re-encoding a module wasm-smith generated");
    assert!(r.done, "fuel export not added");
    module.finish()
}

/// How many random seeds to run: `FUZZ_ITERS`, or `default`.
pub fn iterations(default: u64) -> u64 {
    std::env::var("FUZZ_ITERS")
        .ok()
        .map(|s| s.parse().expect("FUZZ_ITERS must be a number"))
        .unwrap_or(default)
}

/// The first random seed: `FUZZ_START`, or 0 (to continue a long run in
/// another process).
pub fn start_seed() -> u64 {
    std::env::var("FUZZ_START")
        .ok()
        .map(|s| s.parse().expect("FUZZ_START must be a number"))
        .unwrap_or(0)
}

/// `FUZZ_SEED`: run only this seed (to reproduce a failure).
pub fn only_seed() -> Option<u64> {
    std::env::var("FUZZ_SEED")
        .ok()
        .map(|s| s.parse().expect("FUZZ_SEED must be a number"))
}

/// Writes a failing input to `target/fuzz-failures/<test>-<seed>.{wasm,wat,txt}`
/// and returns the path of the `.wasm`.
pub fn save_failure(test: &str, seed: u64, wasm: &[u8], report: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-failures");
    std::fs::create_dir_all(&dir).expect("create target/fuzz-failures");
    let base = dir.join(format!("{test}-{seed}"));
    let wasm_path = base.with_extension("wasm");
    std::fs::write(&wasm_path, wasm).expect("write failing module");
    if let Ok(text) = wasmprinter::print_bytes(wasm) {
        std::fs::write(base.with_extension("wat"), text).expect("write failing module text");
    }
    std::fs::write(base.with_extension("txt"), report).expect("write failure report");
    wasm_path
}
