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

/// Mutates the local accesses of a valid module's function bodies, the way
/// the mutation that found the `local.tee` miscompile did: a `local.get`
/// also tees its own value back, a `local.set` becomes `local.tee; drop`, a
/// `local.tee` becomes `local.set; local.get` or is doubled, and some
/// accesses move to another local of the same type, a `drop` may become a
/// `local.set`. The first three keep the meaning; the others change it but
/// keep both engines on the same program. Returns a module that validates
/// (the mutation is redrawn, then dropped to the meaning-preserving kinds,
/// if one does not).
pub fn mutate_locals(wasm: &[u8], rng: &mut Rng) -> Vec<u8> {
    for attempt in 0..8 {
        let out = mutate_once(wasm, rng, attempt < 6);
        if wasmparser::Validator::new_with_features(wasm2_features())
            .validate_all(&out)
            .is_ok()
        {
            return out;
        }
    }
    wasm.to_vec()
}

fn mutate_once(wasm: &[u8], rng: &mut Rng, retarget: bool) -> Vec<u8> {
    struct Mutator<'r> {
        rng: &'r mut Rng,
        retarget: bool,
        /// The type of each defined function, the parameter and result
        /// types of each type, and the index of the body being read.
        func_types: Vec<u32>,
        types: Vec<(Vec<wasmparser::ValType>, Vec<wasmparser::ValType>)>,
        body: usize,
    }
    impl Reencode for Mutator<'_> {
        type Error = std::convert::Infallible;

        fn parse_type_section(
            &mut self,
            types: &mut wasm_encoder::TypeSection,
            section: wasmparser::TypeSectionReader<'_>,
        ) -> Result<(), reencode::Error<Self::Error>> {
            for rec in section.clone() {
                for sub in rec.map_err(reencode::Error::ParseError)?.into_types() {
                    if let wasmparser::CompositeInnerType::Func(f) = &sub.composite_type.inner {
                        self.types.push((f.params().to_vec(), f.results().to_vec()));
                    } else {
                        self.types.push((Vec::new(), Vec::new()));
                    }
                }
            }
            reencode::utils::parse_type_section(self, types, section)
        }

        fn parse_function_section(
            &mut self,
            funcs: &mut wasm_encoder::FunctionSection,
            section: wasmparser::FunctionSectionReader<'_>,
        ) -> Result<(), reencode::Error<Self::Error>> {
            for t in section.clone() {
                self.func_types
                    .push(t.map_err(reencode::Error::ParseError)?);
            }
            reencode::utils::parse_function_section(self, funcs, section)
        }

        fn parse_function_body(
            &mut self,
            code: &mut wasm_encoder::CodeSection,
            func: wasmparser::FunctionBody<'_>,
        ) -> Result<(), reencode::Error<Self::Error>> {
            use wasm_encoder::Instruction as I;
            let (params, results) = self.types[self.func_types[self.body] as usize].clone();
            self.body += 1;
            let mut f = self.new_function_with_parsed_locals(&func)?;
            let mut locals = params.clone();
            for pair in func
                .get_locals_reader()
                .map_err(reencode::Error::ParseError)?
            {
                let (count, ty) = pair.map_err(reencode::Error::ParseError)?;
                locals.extend(std::iter::repeat_n(ty, count.min(1000) as usize));
            }
            let n = locals.len().max(1) as u64;
            // Mutate about one access in eight of a function in two.
            let active = self.rng.below(2) == 0;
            let mut reader = func
                .get_operators_reader()
                .map_err(reencode::Error::ParseError)?;
            while !reader.eof() {
                let ins = self.parse_instruction(&mut reader)?;
                // At a return of several values, sometimes return locals
                // instead, some tee'd back to themselves or to another
                // local (the miscompiles' shapes: the result slots are the
                // parameters' slots).
                let returns = matches!(ins, I::Return) || (matches!(ins, I::End) && reader.eof());
                if returns && results.len() >= 2 && self.rng.below(4) != 0 {
                    // Parameters first: their slots are the result slots.
                    let from_params = self.rng.below(2) == 0;
                    let picks: Option<Vec<u32>> = results
                        .iter()
                        .map(|t| {
                            let same: Vec<u32> = (0..locals.len() as u32)
                                .filter(|&l| locals[l as usize] == *t)
                                .filter(|&l| !from_params || (l as usize) < params.len())
                                .collect();
                            (!same.is_empty())
                                .then(|| same[self.rng.below(same.len() as u64) as usize])
                        })
                        .collect();
                    if let Some(picks) = picks {
                        for _ in &results {
                            f.instruction(&I::Drop);
                        }
                        for &l in &picks {
                            f.instruction(&I::LocalGet(l));
                            match self.rng.below(4) {
                                0 | 1 => {
                                    f.instruction(&I::LocalTee(l));
                                }
                                2 => {
                                    let t = locals[l as usize];
                                    let m = (0..locals.len() as u32)
                                        .filter(|&k| locals[k as usize] == t)
                                        .nth(self.rng.below(2) as usize)
                                        .unwrap_or(l);
                                    f.instruction(&I::LocalTee(m));
                                }
                                _ => {}
                            }
                        }
                    }
                }
                if !active || self.rng.below(8) != 0 {
                    f.instruction(&ins);
                    continue;
                }
                let other = self.rng.below(n) as u32;
                let retarget = self.retarget && self.rng.below(3) == 0;
                match ins {
                    I::LocalGet(_) if retarget => f.instruction(&I::LocalGet(other)),
                    I::LocalGet(l) => f.instruction(&I::LocalGet(l)).instruction(&I::LocalTee(l)),
                    I::LocalSet(_) if retarget => f.instruction(&I::LocalSet(other)),
                    I::LocalSet(l) => f.instruction(&I::LocalTee(l)).instruction(&I::Drop),
                    I::LocalTee(_) if retarget => f.instruction(&I::LocalTee(other)),
                    I::LocalTee(l) if self.rng.below(2) == 0 => {
                        f.instruction(&I::LocalSet(l)).instruction(&I::LocalGet(l))
                    }
                    I::LocalTee(l) => f.instruction(&I::LocalTee(l)).instruction(&I::LocalTee(l)),
                    I::Drop if retarget => f.instruction(&I::LocalSet(other)),
                    other => f.instruction(&other),
                };
            }
            code.function(&f);
            Ok(())
        }
    }
    let mut m = Mutator {
        rng,
        retarget,
        func_types: Vec::new(),
        types: Vec::new(),
        body: 0,
    };
    let mut module = wasm_encoder::Module::new();
    m.parse_core_module(&mut module, wasmparser::Parser::new(0), wasm)
        .expect("re-encoding a valid module");
    module.finish()
}
