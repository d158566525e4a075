//! Robustness fuzzing: bad input never crashes brisk, and is refused cleanly.
//!
//! - Mutated modules (bit flips, byte overwrites, truncations, insertions,
//!   deletions, duplicated chunks) through `Module::validate` and
//!   `Module::new`: both answer exactly as wasmparser's validator does with
//!   the same features, with a clean `Err` when the input is bad.
//! - Instantiation with wrong imports (missing, of the wrong kind, of the
//!   wrong type) is a link error; with right imports it is not.
//! - `Module::deserialize` of corrupted blobs is an `Err`; of blobs whose
//!   checksum was recomputed after corruption, an `Ok` or `Err` without a
//!   crash (the loaded code is never run).
//! - The largest modules the generator makes compile in both bounds-check
//!   modes.
//!
//! `FUZZ_ITERS` scales the number of seeds, `FUZZ_START` and `FUZZ_SEED` as in
//! the differential test. Failing inputs go to `target/fuzz-failures/`.

mod fuzz_common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use brisk::{
    BoundsChecks, Config, Engine, Error, Extern, ExternType, Func, FuncType, Global, GlobalType,
    Instance, Memory, MemoryType, Module, Store, Table, TableType, Trap, Val, ValType,
};
use fuzz_common::Rng;

/// A generator config for inputs that need not run: the whole 2.0 feature
/// set brisk accepts, SIMD included (`FUZZ_NO_SIMD=1` leaves it out), with
/// imports.
fn wide_config() -> wasm_smith::Config {
    wasm_smith::Config {
        simd_enabled: std::env::var_os("FUZZ_NO_SIMD").is_none(),
        max_imports: 20,
        max_memory32_bytes: 64 * 65536,
        ..fuzz_common::smith_config()
    }
}

fn brisk_features() -> wasmparser::WasmFeatures {
    wasmparser::WasmFeatures::WASM2
}

fn generate(seed: u64, config: &wasm_smith::Config) -> Vec<u8> {
    fuzz_common::smith_module(&mut Rng::new(seed), config, 64..16 * 1024).to_bytes()
}

/// One random mutation of `bytes`.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    let len = bytes.len();
    let at = |rng: &mut Rng, n: usize| rng.below(n.max(1) as u64) as usize;
    match rng.below(7) {
        0 if len > 0 => {
            let i = at(rng, len);
            bytes[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = at(rng, len);
            const SPECIAL: &[u8] = &[0x00, 0x01, 0x7f, 0x80, 0xff, 0x0b, 0x40, 0x41, 0x6f, 0x70];
            bytes[i] = if rng.below(2) == 0 {
                SPECIAL[at(rng, SPECIAL.len())]
            } else {
                rng.next_u64() as u8
            };
        }
        2 => {
            let n = at(rng, len + 1);
            bytes.truncate(n);
        }
        3 => {
            let i = at(rng, len + 1);
            let n = 1 + at(rng, 8);
            let fill = rng.bytes(n);
            bytes.splice(i..i, fill);
        }
        4 if len > 0 => {
            let i = at(rng, len);
            let n = (1 + at(rng, 16)).min(len - i);
            bytes.drain(i..i + n);
        }
        5 if len > 0 => {
            let i = at(rng, len);
            let n = (1 + at(rng, 32)).min(len - i);
            let chunk = bytes[i..i + n].to_vec();
            let j = at(rng, len + 1);
            bytes.splice(j..j, chunk);
        }
        _ if len > 0 => {
            // A LEB128 field made huge: the most common shape of a bad length.
            let i = at(rng, len);
            bytes.splice(i..i + 1, [0xff, 0xff, 0xff, 0xff, 0x0f]);
        }
        _ => bytes.push(rng.next_u64() as u8),
    }
}

fn seeds(default: u64) -> Vec<u64> {
    match fuzz_common::only_seed() {
        Some(s) => vec![s],
        None => {
            let start = fuzz_common::start_seed();
            (start..start + fuzz_common::iterations(default)).collect()
        }
    }
}

/// Runs `f` for each seed, catching panics; fails listing the seeds whose
/// check failed, with their inputs saved.
fn for_each_seed(
    test: &str,
    seeds: &[u64],
    mut f: impl FnMut(u64) -> Result<(), (Vec<u8>, String)>,
) {
    let mut failures = Vec::new();
    for &seed in seeds {
        let outcome = catch_unwind(AssertUnwindSafe(|| f(seed)));
        let (wasm, report) = match outcome {
            Ok(Ok(())) => continue,
            Ok(Err(e)) => e,
            Err(p) => {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                (Vec::new(), format!("panicked: {msg}"))
            }
        };
        let path = fuzz_common::save_failure(test, seed, &wasm, &report);
        eprintln!("{test} seed {seed}: {report}\n  input: {}", path.display());
        failures.push(seed);
    }
    eprintln!("{test}: {} seeds, {} failed", seeds.len(), failures.len());
    assert!(failures.is_empty(), "{test}: failing seeds {failures:?}");
}

#[test]
fn mutated_modules_are_refused_cleanly() {
    let engine = Engine::new(Config::default());
    let config = wide_config();
    let mut mutants = 0u64;
    let mut unsupported = 0u64;
    for_each_seed("mutation", &seeds(150), |seed| {
        let original = generate(seed, &config);
        let mut rng = Rng::new(seed ^ 0xabcd);
        for _ in 0..20 {
            let mut wasm = original.clone();
            for _ in 0..1 + rng.below(3) {
                mutate(&mut rng, &mut wasm);
            }
            mutants += 1;
            let expected = wasmparser::Validator::new_with_features(brisk_features())
                .validate_all(&wasm)
                .map(|_| ())
                .map_err(|e| e.to_string());
            let fail = |msg: String| Err((wasm.clone(), msg));
            let validated = Module::validate(&engine, &wasm);
            match (&expected, &validated) {
                (Ok(()), Ok(())) | (Err(_), Err(Error::Compile(_))) => {}
                _ => {
                    return fail(format!(
                        "Module::validate: {validated:?}, wasmparser: {expected:?}"
                    ))
                }
            }
            let compiled = Module::new(&engine, &wasm);
            match (&expected, &compiled) {
                (Ok(()), Ok(_)) | (Err(_), Err(Error::Compile(_))) => {}
                // A valid operator the compiler does not implement yet (SIMD
                // is in progress): a clean refusal, counted and reported.
                (Ok(()), Err(Error::Compile(e))) if e.message.ends_with("not supported") => {
                    unsupported += 1;
                }
                _ => {
                    return fail(format!(
                        "Module::new: {:?}, wasmparser: {expected:?}",
                        compiled.as_ref().err()
                    ))
                }
            }
        }
        Ok(())
    });
    eprintln!(
        "mutation: {mutants} mutants checked; {unsupported} valid ones refused for an \
         operator the compiler does not implement"
    );
}

/// A host object matching `ty`: functions return zeros, memories and tables
/// have the minimum size.
fn host_extern(store: &mut Store, ty: &ExternType) -> Extern {
    match ty {
        ExternType::Func(ft) => {
            let results = ft.results.clone();
            Extern::Func(Func::new(store, ft.clone(), move |_, _, out| {
                for (o, t) in out.iter_mut().zip(results.iter()) {
                    *o = Val::default_for(*t);
                }
                Ok::<(), Trap>(())
            }))
        }
        ExternType::Global(g) => {
            Extern::Global(Global::new(store, *g, Val::default_for(g.content)).expect("global"))
        }
        ExternType::Memory(m) => Extern::Memory(Memory::new(store, *m).expect("memory")),
        ExternType::Table(t) => {
            Extern::Table(Table::new(store, *t, Val::default_for(t.element)).expect("table"))
        }
    }
}

/// A deliberately incompatible extern for an import of type `ty`.
fn wrong_extern(store: &mut Store, ty: &ExternType, rng: &mut Rng) -> Extern {
    let other_kind = |store: &mut Store, rng: &mut Rng| -> Extern {
        let i32_global = GlobalType {
            content: ValType::I32,
            mutable: false,
        };
        match (ty, rng.below(2)) {
            (ExternType::Global(_), _) => {
                host_extern(store, &ExternType::Func(FuncType::new([], [])))
            }
            (_, 0) => host_extern(store, &ExternType::Global(i32_global)),
            _ => host_extern(
                store,
                &ExternType::Memory(MemoryType {
                    min: 0,
                    max: None,
                    shared: false,
                }),
            ),
        }
    };
    if rng.below(3) == 0 {
        return other_kind(store, rng);
    }
    match ty {
        ExternType::Func(ft) => {
            // One more parameter, or one more result.
            let mut params = ft.params.to_vec();
            let mut results = ft.results.to_vec();
            if rng.below(2) == 0 {
                params.push(ValType::I64);
            } else {
                results.push(ValType::F32);
            }
            host_extern(store, &ExternType::Func(FuncType::new(params, results)))
        }
        ExternType::Global(g) => {
            let flipped = GlobalType {
                content: g.content,
                mutable: !g.mutable,
            };
            let retyped = GlobalType {
                content: if g.content == ValType::I64 {
                    ValType::F64
                } else {
                    ValType::I64
                },
                mutable: g.mutable,
            };
            let t = if rng.below(2) == 0 { flipped } else { retyped };
            host_extern(store, &ExternType::Global(t))
        }
        ExternType::Memory(m) => {
            // Too small if it has a minimum; else, a maximum above the required one.
            let t = if m.min > 0 {
                MemoryType {
                    min: m.min - 1,
                    max: Some(m.min - 1),
                    ..*m
                }
            } else {
                match m.max {
                    Some(max) if max < MemoryType::MAX_PAGES => MemoryType {
                        max: Some(max + 1),
                        ..*m
                    },
                    _ => return other_kind(store, rng),
                }
            };
            host_extern(store, &ExternType::Memory(t))
        }
        ExternType::Table(t) => {
            let retyped = TableType {
                element: if t.element == ValType::FuncRef {
                    ValType::ExternRef
                } else {
                    ValType::FuncRef
                },
                ..*t
            };
            host_extern(store, &ExternType::Table(retyped))
        }
    }
}

#[test]
fn instantiation_checks_imports() {
    let engine = Engine::new(Config::default());
    let config = wasm_smith::Config {
        min_imports: 1,
        max_imports: 10,
        // Runnable: the start function and segment initialisers may execute.
        simd_enabled: false,
        ..fuzz_common::smith_config()
    };
    let mut checked = 0u64;
    for_each_seed("imports", &seeds(150), |seed| {
        let mut wasm_module =
            fuzz_common::smith_module(&mut Rng::new(seed), &config, 256..8 * 1024);
        wasm_module
            .ensure_termination(1_000)
            .expect("ensure_termination");
        let wasm = wasm_module.to_bytes();
        let fail = |msg: String| Err((wasm.clone(), msg));
        let module = match Module::new(&engine, &wasm) {
            Ok(m) => m,
            Err(e) => return fail(format!("valid module rejected: {e}")),
        };
        let imports = module.imports();
        if imports.is_empty() {
            return Ok(());
        }
        let mut rng = Rng::new(seed ^ 0x1111);

        // Right imports: never a link error.
        let mut store = Store::new(&engine);
        let right: Vec<Extern> = imports
            .iter()
            .map(|i| host_extern(&mut store, &i.ty))
            .collect();
        match Instance::new(&mut store, &module, &right) {
            Ok(_) | Err(Error::Trap(_)) => {}
            Err(e) => return fail(format!("instantiation with matching imports: {e}")),
        }

        // Too few imports.
        let mut store = Store::new(&engine);
        let mut few: Vec<Extern> = imports
            .iter()
            .map(|i| host_extern(&mut store, &i.ty))
            .collect();
        few.pop();
        match Instance::new(&mut store, &module, &few) {
            Err(Error::Link(_)) => {}
            other => return fail(format!("too few imports: {:?}", other.err())),
        }

        // Too many.
        let mut store = Store::new(&engine);
        let mut many: Vec<Extern> = imports
            .iter()
            .map(|i| host_extern(&mut store, &i.ty))
            .collect();
        many.push(host_extern(&mut store, &imports[0].ty));
        match Instance::new(&mut store, &module, &many) {
            Err(Error::Link(_)) => {}
            other => return fail(format!("too many imports: {:?}", other.err())),
        }

        // One wrong import.
        for _ in 0..3 {
            let mut store = Store::new(&engine);
            let victim = rng.below(imports.len() as u64) as usize;
            let externs: Vec<Extern> = imports
                .iter()
                .enumerate()
                .map(|(i, imp)| {
                    if i == victim {
                        wrong_extern(&mut store, &imp.ty, &mut rng)
                    } else {
                        host_extern(&mut store, &imp.ty)
                    }
                })
                .collect();
            checked += 1;
            match Instance::new(&mut store, &module, &externs) {
                Err(Error::Link(_)) => {}
                other => {
                    return fail(format!(
                        "import {victim} ({:?}) given {:?}: {:?}",
                        imports[victim].ty,
                        externs[victim].ty(&store),
                        other.err()
                    ))
                }
            }
        }

        // A module of another engine.
        let other_engine = Engine::new(Config::default());
        let mut store = Store::new(&other_engine);
        let right: Vec<Extern> = imports
            .iter()
            .map(|i| host_extern(&mut store, &i.ty))
            .collect();
        match Instance::new(&mut store, &module, &right) {
            Err(Error::Link(_)) => {}
            other => return fail(format!("module of another engine: {:?}", other.err())),
        }
        Ok(())
    });
    eprintln!("imports: {checked} wrong-import instantiations checked");
}

/// The serialization checksum (each 8-byte little-endian word, then each
/// tail byte, then the length, xored into the state and mixed by
/// xorshift-multiply-xorshift; then a final avalanche), replicated so that a
/// corrupted payload can be given a valid checksum.
fn blob_checksum(payload: &[u8]) -> u64 {
    let mix = |x: u64| {
        let x = (x ^ (x >> 32)).wrapping_mul(0xd6e8_feb8_6659_fd93);
        x ^ (x >> 32)
    };
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut words = payload.chunks_exact(8);
    for w in &mut words {
        h = mix(h ^ u64::from_le_bytes(w.try_into().unwrap()));
    }
    for &b in words.remainder() {
        h = mix(h ^ b as u64);
    }
    h = mix(h ^ payload.len() as u64);
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// Header: magic (8), version (4), build hash (8), payload length (8),
/// checksum (8).
const BLOB_HEADER: usize = 36;

#[test]
fn corrupted_serialized_modules_are_refused() {
    let engine = Engine::new(Config::default());
    let config = fuzz_common::smith_config();
    let mut corrupted = 0u64;
    for_each_seed("deserialize", &seeds(60), |seed| {
        let wasm = generate(seed, &config);
        let fail = |msg: String| Err((wasm.clone(), msg));
        let module = match Module::new(&engine, &wasm) {
            Ok(m) => m,
            Err(e) => return fail(format!("valid module rejected: {e}")),
        };
        let blob = module.serialize();
        if let Err(e) = Module::deserialize(&engine, &blob) {
            return fail(format!("intact blob refused: {e}"));
        }
        // The blob must not load into an engine with other bounds checks.
        let explicit = Engine::new(Config {
            bounds_checks: BoundsChecks::Explicit,
            ..Config::default()
        });
        if Module::deserialize(&explicit, &blob).is_ok() {
            return fail("blob loaded into an engine with other bounds checks".into());
        }
        assert_eq!(
            blob_checksum(&blob[BLOB_HEADER..]).to_le_bytes(),
            blob[28..36],
            "the serialization format changed: update blob_checksum"
        );
        let mut rng = Rng::new(seed ^ 0x5e71);
        for _ in 0..40 {
            let mut bad = blob.clone();
            for _ in 0..1 + rng.below(2) {
                mutate(&mut rng, &mut bad);
            }
            if bad == blob {
                continue;
            }
            corrupted += 1;
            if let Ok(_m) = Module::deserialize(&engine, &bad) {
                return fail(format!(
                    "corrupted blob loaded (length {} vs {})",
                    bad.len(),
                    blob.len()
                ));
            }
            // The same corruption of the payload under a matching checksum
            // and length: the structural checks must hold (no panic, no
            // out-of-range table); the module is never run.
            if bad.len() > BLOB_HEADER && bad[..20] == blob[..20] {
                let payload_len = (bad.len() - BLOB_HEADER) as u64;
                bad[20..28].copy_from_slice(&payload_len.to_le_bytes());
                let sum = blob_checksum(&bad[BLOB_HEADER..]);
                bad[28..36].copy_from_slice(&sum.to_le_bytes());
                let _ = Module::deserialize(&engine, &bad);
            }
        }
        Ok(())
    });
    eprintln!("deserialize: {corrupted} corrupted blobs checked");
}

#[test]
fn largest_generated_modules_compile() {
    let config = wasm_smith::Config {
        min_types: 5,
        min_funcs: 150,
        max_funcs: 300,
        max_instructions: 3_000,
        max_nesting_depth: 40,
        max_globals: 300,
        max_types: 200,
        max_data_segments: 100,
        max_element_segments: 100,
        ..wide_config()
    };
    let engines = [BoundsChecks::GuardPages, BoundsChecks::Explicit].map(|bounds_checks| {
        Engine::new(Config {
            bounds_checks,
            ..Config::default()
        })
    });
    for_each_seed("large", &seeds(8), |seed| {
        let mut rng = Rng::new(seed ^ 0x1a7e);
        let wasm = fuzz_common::smith_module(&mut rng, &config, 256 * 1024..512 * 1024).to_bytes();
        for engine in &engines {
            if let Err(e) = Module::new(engine, &wasm) {
                return Err((wasm.clone(), format!("large module rejected: {e}")));
            }
        }
        eprintln!("large seed {seed}: {} bytes compiled", wasm.len());
        Ok(())
    });
}
