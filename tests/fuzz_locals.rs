//! Differential fuzzing biased toward the code that random whole modules
//! rarely produce: local-heavy bodies (every local read, written and tee'd
//! at random, including parameters), multi-value returns of up to 16
//! values, blocks and loops with parameters and results, branches with
//! values, calls of multi-value functions, and many live values. Bodies are
//! random walks over the grammar of `locals_grammar` with every value type
//! mixed (i32, i64, f32, f64, v128); each module holds `FUNCS` functions of
//! one random signature, each run in brisk with `cond` = 0 and 1 and
//! compared bit for bit with the grammar's own interpreter (wasmi runs too;
//! calls where it alone is wrong are counted, see `exhaustive_locals.rs`).
//!
//! `FUZZ_ITERS` modules (default: a few seconds' worth), from `FUZZ_START`;
//! `FUZZ_SEED` runs one. A divergence names its seed and function.

mod fuzz_common;
mod locals_grammar;

use std::path::PathBuf;

use fuzz_common::Rng;
use locals_grammar::{
    args, describe, evaluate, Bits, Engines, ModuleBuilder, Prefix, Sig, Spec, State, Tok, Ty,
    ALL_TYPES,
};

const FUNCS: usize = 16;

fn pick<T: Copy>(rng: &mut Rng, xs: &[T]) -> T {
    xs[rng.below(xs.len() as u64) as usize]
}

fn random_types(rng: &mut Rng, max: u64) -> Vec<Ty> {
    let n = rng.below(max + 1);
    (0..n).map(|_| pick(rng, &ALL_TYPES)).collect()
}

/// A random signature, locals and prefix; results up to 16 values.
fn random_spec(rng: &mut Rng) -> Spec {
    // A few types dominate a function, as in compiled code.
    let mut params = random_types(rng, 8);
    let cond = params.len() as u32;
    params.push(Ty::I32);
    let prefix_n = if rng.below(3) == 0 { rng.below(13) } else { 0 };
    let prefix_ty = pick(rng, &ALL_TYPES);
    let first_prefix_param = params.len() as u32;
    let mut prefix = Vec::new();
    let mut prefix_types = Vec::new();
    for i in 0..prefix_n as u32 {
        // Half references to parameters, half computed values.
        let ty = if rng.below(2) == 0 {
            prefix_ty
        } else {
            pick(rng, &ALL_TYPES)
        };
        params.push(ty);
        let l = first_prefix_param + i;
        prefix.push(if rng.below(2) == 0 {
            Prefix::Get(l)
        } else {
            Prefix::Sub(l, l)
        });
        prefix_types.push(ty);
    }
    let mut locals = random_types(rng, 6);
    let n = (params.len() + locals.len()) as u32;
    locals.extend([Ty::I32, Ty::I32, Ty::I32]);
    let tail_max = (16 - prefix_types.len()).min(5) as u64;
    let tail_results = random_types(rng, tail_max);
    let mut helpers: Vec<Sig> = ALL_TYPES
        .iter()
        .map(|&t| Sig {
            params: vec![t],
            results: vec![t],
        })
        .collect();
    for _ in 0..3 {
        let p = random_types(rng, 4);
        helpers.push(Sig {
            params: p.clone(),
            results: if rng.below(2) == 0 {
                p
            } else {
                random_types(rng, 4)
            },
        });
    }
    let mut sigs = vec![Sig {
        params: vec![],
        results: vec![],
    }];
    for _ in 0..6 {
        let p = random_types(rng, 3);
        // Loops need params = results: make some of them so.
        let r = if rng.below(2) == 0 {
            p.clone()
        } else {
            random_types(rng, 3)
        };
        sigs.push(Sig {
            params: p,
            results: r,
        });
    }
    Spec {
        params,
        locals,
        cond,
        counters: vec![n, n + 1, n + 2],
        prefix,
        prefix_types,
        tail_results,
        helpers,
        sigs,
    }
}

fn alphabet(spec: &Spec) -> Vec<Tok> {
    let mut a = Vec::new();
    let grammar_locals = (0..spec.params.len() + spec.locals.len() - spec.counters.len())
        .map(|l| l as u32)
        .filter(|&l| l != spec.cond);
    for l in grammar_locals {
        a.extend([Tok::Get(l), Tok::Set(l), Tok::Tee(l)]);
    }
    for t in ALL_TYPES {
        a.extend([Tok::Const(t), Tok::Sub(t)]);
    }
    a.extend([Tok::Drop, Tok::Select, Tok::End, Tok::Return]);
    a.extend((0..spec.helpers.len() as u32).map(Tok::Call));
    a.extend((0..spec.sigs.len() as u32).map(Tok::Block));
    a.extend((0..spec.sigs.len() as u32).map(Tok::Loop));
    a.extend((0..6).map(Tok::Br));
    a.extend((0..6).map(Tok::BrIf));
    a
}

/// A random body of about `len` tokens, closed to a valid end.
fn random_body(rng: &mut Rng, spec: &Spec, alpha: &[Tok], len: usize) -> Vec<Tok> {
    let mut s = State::new(spec);
    let mut valid = Vec::with_capacity(alpha.len());
    while s.toks.len() < len {
        valid.clear();
        valid.extend(alpha.iter().copied().filter(|&t| s.valid(spec, t)));
        if valid.is_empty() {
            break;
        }
        let t = pick(rng, &valid);
        // Leaving the function early makes the rest dead: rarely.
        if matches!(t, Tok::Return | Tok::Br(_)) && rng.below(4) != 0 {
            continue;
        }
        s.push(spec, t);
    }
    s.close(spec);
    s.toks
}

/// Results as `type:hex` words, the format of `fuzz/triage_locals.py`.
fn hex(values: &[Bits]) -> String {
    let words: Vec<String> = values
        .iter()
        .map(|b| format!("{}:{:x}", b.0.name(), b.1))
        .collect();
    words.join(" ")
}

/// Saves the function alone, with a `main` that calls it with `args` and
/// stores its results to memory, for replay in another engine.
fn save(spec: &Spec, body: &[Tok], args: Vec<Bits>, seed: u64, f: usize, cond: i32) -> PathBuf {
    let mut b = ModuleBuilder::new(spec).with_runner(args);
    b.add(body);
    let wasm = b.finish();
    let types: Vec<&str> = spec.results().iter().map(|t| t.name()).collect();
    fuzz_common::save_failure(
        &format!("locals-{seed}-f{f}-c{cond}"),
        seed,
        &wasm,
        &types.join(" "),
    )
}

#[test]
fn random_local_heavy_bodies_return_what_the_specification_says() {
    let brisk_engine = brisk::Engine::new(brisk::Config::default());
    let explicit_engine = brisk::Engine::new(brisk::Config {
        bounds_checks: brisk::BoundsChecks::Explicit,
        ..brisk::Config::default()
    });
    let wasmi_engine = locals_grammar::wasmi_engine();
    let seeds: Vec<u64> = match fuzz_common::only_seed() {
        Some(s) => vec![s],
        None => {
            let start = fuzz_common::start_seed();
            (start..start + fuzz_common::iterations(2000)).collect()
        }
    };
    let (mut funcs, mut calls, mut tokens, mut wasmi_wrong) = (0u64, 0u64, 0u64, 0u64);
    let mut failures = Vec::new();
    for &seed in &seeds {
        let mut rng = Rng::new(seed);
        let spec = random_spec(&mut rng);
        let alpha = alphabet(&spec);
        let mut b = ModuleBuilder::new(&spec);
        let mut bodies = Vec::new();
        for _ in 0..FUNCS {
            let len = 4 + rng.below(60) as usize;
            let body = random_body(&mut rng, &spec, &alpha, len);
            tokens += body.len() as u64;
            b.add(&body);
            bodies.push(body);
        }
        let wasm = b.finish();
        locals_grammar::assert_valid(&spec, &bodies, &wasm);
        let engine = if seed % 2 == 0 {
            &brisk_engine
        } else {
            &explicit_engine
        };
        let mut engines = Engines::new(engine, &wasmi_engine, &wasm, bodies.len());
        let results = spec.results();
        for (i, body) in bodies.iter().enumerate() {
            funcs += 1;
            for cond in [0, 1] {
                calls += 1;
                let args = args(&spec, cond);
                let want = evaluate(&spec, body, &args);
                let (b, w) = engines.call(i, &args, &results);
                if w != want && b == want {
                    wasmi_wrong += 1;
                }
                if b != want {
                    failures.push(seed);
                    let path = save(&spec, body, args, seed, i, cond);
                    eprintln!(
                        "seed {seed} f{i} cond={cond}: DIVERGENCE\n  brisk {}\n  want  {}\n  wasmi {}\n  {}\n  \
                         module: {} (fuzz/triage_locals.py runs it in wasmtime)",
                        hex(&b),
                        hex(&want),
                        hex(&w),
                        describe(&spec, body),
                        path.display()
                    );
                }
            }
        }
    }
    failures.dedup();
    println!(
        "fuzz-locals: {} modules, {funcs} functions ({tokens} tokens), {calls} calls, {} diverged \
         (wasmi alone wrong in {wasmi_wrong})",
        seeds.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "diverging seeds (rerun with FUZZ_SEED): {failures:?}"
    );
}
