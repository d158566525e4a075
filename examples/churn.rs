//! Store churn, outside the test suite: how RSS, the number of mappings and
//! the virtual size evolve, and what one cycle costs, when a host
//!
//! - `per-request`: creates a store per request (instantiate, call, drop);
//! - `long-lived`: keeps one store and instantiates into it over and over
//!   (the store owns every instance until it is dropped, so this reaches the
//!   store's instance limit and then fails cleanly);
//! - `failing`: keeps one store and instantiates modules that fail (a start
//!   function that traps, a data segment out of bounds), alternately.
//!
//! `cargo run --release --example churn -- <mode> [cycles] [--pool N]
//! [--max-instances N]`; `scripts/reliability.sh` runs all three.

use std::time::Instant;

use brisk::{Config, Engine, Extern, Instance, Module, Store, StoreLimits, Val};

const GOOD: &str = r#"(module
  (memory (export "mem") 1)
  (func (export "run") (result i32) (i32.store (i32.const 8) (i32.const 42)) (i32.load (i32.const 8))))"#;
const START_TRAPS: &str = r#"(module (memory 1) (func $s unreachable) (start $s))"#;
const DATA_OOB: &str = r#"(module (memory 1) (data (i32.const 65535) "too long"))"#;

fn sample() -> (usize, u64, u64) {
    let maps = std::fs::read_to_string("/proc/self/maps")
        .map(|s| s.lines().count())
        .unwrap_or(0);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (maps, field("VmRSS:"), field("VmSize:"))
}

fn report(label: &str) {
    let (maps, rss, vm) = sample();
    println!(
        "  {label:>14}: mappings {maps:>6}  RSS {:>8.1} MB  virtual {:>10.1} GiB",
        rss as f64 / 1024.0,
        vm as f64 / (1024.0 * 1024.0)
    );
}

fn call_run(store: &mut Store, instance: Instance) -> i32 {
    let Some(Extern::Func(f)) = instance.get_export(store, "run") else {
        panic!("no run export")
    };
    let mut r = [Val::I32(0)];
    f.call(store, &[], &mut r).expect("run");
    match r[0] {
        Val::I32(x) => x,
        _ => unreachable!(),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().map(String::as_str).unwrap_or("per-request");
    let cycles: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let option = |name: &str| -> Option<usize> {
        let i = args.iter().position(|a| a == name)?;
        args.get(i + 1)?.parse().ok()
    };
    let mut config = Config::default();
    if let Some(pool) = option("--pool") {
        config.memory_pool_size = pool;
    }
    if let Some(max) = option("--max-instances") {
        config.store_limits = StoreLimits {
            max_instances: max,
            ..config.store_limits
        };
    }
    println!(
        "{mode}: {cycles} cycles, pool {}, instance limit {}",
        config.memory_pool_size, config.store_limits.max_instances
    );
    let engine = Engine::new(config);
    let good = Module::new(&engine, &wat::parse_str(GOOD)?)?;
    let failing = [
        Module::new(&engine, &wat::parse_str(START_TRAPS)?)?,
        Module::new(&engine, &wat::parse_str(DATA_OOB)?)?,
    ];
    report("start");
    let every = (cycles / 5).max(1);
    let began = Instant::now();
    let mut long_lived = Store::new(&engine);
    let (mut ok, mut failed) = (0usize, 0usize);
    let mut first_error: Option<(usize, String)> = None;
    // Time spent in `Instance::new` alone (per-request mode).
    let mut instantiating = std::time::Duration::ZERO;
    for i in 0..cycles {
        let result = match mode {
            "per-request" => {
                let mut store = Store::new(&engine);
                let t = Instant::now();
                let instance = Instance::new(&mut store, &good, &[]);
                instantiating += t.elapsed();
                instance.map(|instance| assert_eq!(call_run(&mut store, instance), 42))
            }
            "long-lived" => Instance::new(&mut long_lived, &good, &[])
                .map(|instance| assert_eq!(call_run(&mut long_lived, instance), 42)),
            "failing" => match Instance::new(&mut long_lived, &failing[i % 2], &[]) {
                Ok(_) => panic!("the failing modules instantiated"),
                Err(brisk::Error::Trap(_)) => Ok(()),
                Err(e) => Err(e),
            },
            other => return Err(format!("unknown mode {other}").into()),
        };
        match result {
            Ok(()) => ok += 1,
            Err(e) => {
                failed += 1;
                first_error.get_or_insert((i, e.to_string()));
            }
        }
        if (i + 1) % every == 0 {
            report(&format!("cycle {}", i + 1));
        }
    }
    let elapsed = began.elapsed();
    let outcome = if mode == "failing" {
        "failed as expected (trapped)"
    } else {
        "ok"
    };
    println!(
        "  {ok} {outcome}, {failed} refused; {:.2} µs per cycle",
        elapsed.as_secs_f64() * 1e6 / cycles as f64
    );
    if mode == "per-request" {
        println!(
            "  {:.2} µs per instantiation (Instance::new alone)",
            instantiating.as_secs_f64() * 1e6 / cycles as f64
        );
    }
    if let Some((i, e)) = first_error {
        println!("  first refusal at cycle {i}: {e}");
    }
    drop(long_lived);
    report("store dropped");
    Ok(())
}
