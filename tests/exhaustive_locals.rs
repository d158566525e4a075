//! Exhaustive small-scope test of the locals cache and the value stack:
//! every well-typed body of up to `EXHAUSTIVE_LEN` tokens over a small
//! alphabet (`local.get`/`local.set`/`local.tee` of two parameters and a
//! declared local, a constant, `drop`, `sub`, `select`, calls of identity
//! functions of one and two values, blocks and loops with parameters and
//! results, `br`/`br_if` to any enclosing block or the function, `return`),
//! for each value type (i32, i64, f32, f64, v128), each number of results
//! (0 to 3), and three shapes:
//! - `plain`: nothing else is live;
//! - `refs`: twelve or thirteen more parameters are read first and stay on
//!   the stack as local references, returned under the body's results
//!   (up to 16 results: more than there are registers);
//! - `regs`: as many computed values stay live in registers below the body
//!   (register pressure: the body's values spill).
//!
//! Every function runs in brisk with `cond` = 0 and 1 (which decides
//! `select` and `br_if`), and every result is compared bit for bit with
//! what the grammar's own interpreter (`locals_grammar::evaluate`) says.
//! wasmi runs every call too, as a check on that interpreter; calls where
//! wasmi alone is wrong are counted and printed (wasmi 2.0.0 loses a
//! local's old value across `local.set` in some loops: wasmtime agrees with
//! brisk on every such case triaged).
//!
//! The default is the slice the test suite runs in seconds: bodies of up to
//! 4 tokens. `EXHAUSTIVE_LEN=6` runs the full enumeration (see
//! `scripts/exhaustive.sh`, which shards it over the cores with
//! `EXHAUSTIVE_SHARD=i/n`); `EXHAUSTIVE_TYPES=i32,v128`,
//! `EXHAUSTIVE_SHAPES=plain` and `EXHAUSTIVE_ARITIES=2,3` narrow it;
//! `EXHAUSTIVE_SHOW_WASMI=1` prints the first bodies where wasmi alone is wrong.

mod locals_grammar;

use locals_grammar::{
    args, assert_valid, describe, evaluate, Engines, ModuleBuilder, Prefix, Sig, Spec, State, Tok,
    Ty,
};

/// Functions per module: big enough to amortise instantiation.
const BATCH: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Plain,
    Refs,
    Regs,
}

fn spec(ty: Ty, results: usize, shape: Shape) -> Spec {
    let xmm = matches!(ty, Ty::F32 | Ty::F64 | Ty::V128);
    // More than the allocatable registers of the class (10 GPRs, 14 xmm),
    // with the body's results up to 16 values in all.
    let extra = match shape {
        Shape::Plain => 0,
        _ if xmm => 13,
        _ => 12,
    };
    let mut params = vec![ty, ty, Ty::I32];
    params.extend(std::iter::repeat_n(ty, extra));
    let n = params.len() as u32;
    let prefix: Vec<Prefix> = (0..extra as u32)
        .map(|i| match shape {
            Shape::Refs => Prefix::Get(3 + i),
            // p - a: a fresh value in a register.
            _ => Prefix::Sub(3 + i, 0),
        })
        .collect();
    Spec {
        params,
        locals: vec![ty, Ty::I32, Ty::I32],
        cond: 2,
        counters: vec![n + 1, n + 2],
        prefix,
        prefix_types: vec![ty; extra],
        tail_results: vec![ty; results],
        helpers: vec![
            Sig {
                params: vec![ty],
                results: vec![ty],
            },
            Sig {
                params: vec![ty, ty],
                results: vec![ty, ty],
            },
        ],
        sigs: vec![
            Sig {
                params: vec![],
                results: vec![ty],
            },
            Sig {
                params: vec![ty],
                results: vec![ty],
            },
            Sig {
                params: vec![ty, ty],
                results: vec![ty, ty],
            },
            Sig {
                params: vec![],
                results: vec![],
            },
        ],
    }
}

fn alphabet(spec: &Spec, ty: Ty) -> Vec<Tok> {
    let x = spec.params.len() as u32; // the declared local of type `ty`
    let mut a = Vec::new();
    for l in [0, 1, x] {
        a.extend([Tok::Get(l), Tok::Set(l), Tok::Tee(l)]);
    }
    a.extend([Tok::Const(ty), Tok::Drop, Tok::Sub(ty), Tok::Select]);
    a.extend([Tok::Call(0), Tok::Call(1)]);
    a.extend((0..4).map(Tok::Block));
    a.extend([Tok::Loop(1), Tok::Loop(2), Tok::Loop(3)]);
    a.push(Tok::End);
    a.extend((0..3).map(Tok::Br));
    a.extend((0..3).map(Tok::BrIf));
    a.push(Tok::Return);
    a
}

/// Calls `each` with every body of at most `max` tokens that can finish.
fn enumerate(spec: &Spec, alphabet: &[Tok], max: usize, each: &mut dyn FnMut(&[Tok])) {
    fn walk(s: &mut State, spec: &Spec, alpha: &[Tok], max: usize, each: &mut dyn FnMut(&[Tok])) {
        if s.can_finish(spec) {
            each(&s.toks);
        }
        if s.toks.len() == max {
            return;
        }
        // Frames still open need one `end` each: prune what cannot close.
        if s.toks.len() + s.depth() > max && !s.dead() {
            // Only tokens that close something are worth trying: `end`.
            if s.valid(spec, Tok::End) {
                s.push(spec, Tok::End);
                walk(s, spec, alpha, max, each);
                s.pop();
            }
            return;
        }
        for &t in alpha {
            if s.valid(spec, t) {
                s.push(spec, t);
                walk(s, spec, alpha, max, each);
                s.pop();
            }
        }
    }
    let mut s = State::new(spec);
    walk(&mut s, spec, alphabet, max, each);
}

fn env_list(name: &str) -> Option<Vec<String>> {
    std::env::var(name)
        .ok()
        .map(|v| v.split(',').map(|s| s.trim().to_string()).collect())
}

struct Run {
    brisk: brisk::Engine,
    wasmi: wasmi::Engine,
    cases: u64,
    calls: u64,
    diverged: u64,
    /// Calls where wasmi alone is wrong (brisk and the grammar agree).
    wasmi_wrong: u64,
    failures: Vec<String>,
}

impl Run {
    fn flush(&mut self, spec: &Spec, bodies: &mut Vec<Vec<Tok>>) {
        if bodies.is_empty() {
            return;
        }
        let mut b = ModuleBuilder::new(spec);
        for body in bodies.iter() {
            b.add(body);
        }
        let wasm = b.finish();
        assert_valid(spec, bodies, &wasm);
        let mut engines = Engines::new(&self.brisk, &self.wasmi, &wasm, bodies.len());
        let results = spec.results();
        for (i, body) in bodies.iter().enumerate() {
            self.cases += 1;
            for cond in [0, 1] {
                self.calls += 1;
                let args = args(spec, cond);
                let want = evaluate(spec, body, &args);
                let (b, w) = engines.call(i, &args, &results);
                if w != want && b == want {
                    self.wasmi_wrong += 1;
                    if self.wasmi_wrong <= 3 && std::env::var_os("EXHAUSTIVE_SHOW_WASMI").is_some()
                    {
                        eprintln!(
                            "wasmi alone wrong, cond={cond}: wasmi {w:x?}\n  want {want:x?}\n  {}",
                            describe(spec, body)
                        );
                    }
                }
                if b != want {
                    self.diverged += 1;
                    if self.failures.len() < 20 {
                        self.failures.push(format!(
                            "cond={cond}: brisk {b:x?}\n  want  {want:x?}\n  wasmi {w:x?}\n  {}",
                            describe(spec, body)
                        ));
                    }
                }
            }
        }
        bodies.clear();
    }
}

#[test]
fn every_small_body_returns_what_the_specification_says() {
    let max: usize = std::env::var("EXHAUSTIVE_LEN")
        .map(|v| v.parse().expect("EXHAUSTIVE_LEN is a number"))
        .unwrap_or(4);
    let (shard, shards) = match std::env::var("EXHAUSTIVE_SHARD") {
        Ok(v) => {
            let (i, n) = v.split_once('/').expect("EXHAUSTIVE_SHARD=i/n");
            (i.parse::<usize>().unwrap(), n.parse::<usize>().unwrap())
        }
        Err(_) => (0, 1),
    };
    let types = env_list("EXHAUSTIVE_TYPES");
    let shapes = env_list("EXHAUSTIVE_SHAPES");
    let arities = env_list("EXHAUSTIVE_ARITIES");
    let count_only = std::env::var("EXHAUSTIVE_COUNT").is_ok();
    let mut run = Run {
        brisk: brisk::Engine::new(brisk::Config::default()),
        wasmi: locals_grammar::wasmi_engine(),
        cases: 0,
        calls: 0,
        diverged: 0,
        wasmi_wrong: 0,
        failures: Vec::new(),
    };
    let mut combo = 0;
    for ty in locals_grammar::ALL_TYPES {
        if types
            .as_ref()
            .is_some_and(|t| !t.iter().any(|n| n == ty.name()))
        {
            continue;
        }
        for shape in [Shape::Plain, Shape::Refs, Shape::Regs] {
            let name = format!("{shape:?}").to_lowercase();
            if shapes.as_ref().is_some_and(|s| !s.contains(&name)) {
                continue;
            }
            for results in 0..=3 {
                if arities
                    .as_ref()
                    .is_some_and(|a| !a.contains(&results.to_string()))
                {
                    continue;
                }
                combo += 1;
                if combo % shards != shard {
                    continue;
                }
                let spec = spec(ty, results, shape);
                let alpha = alphabet(&spec, ty);
                let before = run.cases;
                let mut bodies: Vec<Vec<Tok>> = Vec::new();
                let started = std::time::Instant::now();
                enumerate(&spec, &alpha, max, &mut |toks| {
                    if count_only {
                        run.cases += 1;
                        return;
                    }
                    bodies.push(toks.to_vec());
                    if bodies.len() == BATCH {
                        run.flush(&spec, &mut bodies);
                    }
                });
                run.flush(&spec, &mut bodies);
                eprintln!(
                    "exhaustive: {} {name} {results} results: {} bodies ({:.1?})",
                    ty.name(),
                    run.cases - before,
                    started.elapsed()
                );
            }
        }
    }
    println!(
        "exhaustive: {} bodies of up to {max} tokens, {} calls, {} diverged \
         (wasmi alone wrong in {})",
        run.cases, run.calls, run.diverged, run.wasmi_wrong
    );
    assert!(run.cases > 0, "no body enumerated");
    assert!(
        run.failures.is_empty(),
        "brisk returns wrong values:\n{}",
        run.failures.join("\n")
    );
}
