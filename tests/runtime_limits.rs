//! Per-store limits, the release of failed instantiations' memories, and
//! the engine's pool of guard-page reservations, through the Rust API.
//!
//! Several tests count this process's mappings (`/proc/self/maps`) and its
//! virtual size: they take `SERIAL` so that no other test of this binary
//! maps or unmaps meanwhile.

use std::sync::Mutex;

use brisk::{
    BoundsChecks, Config, Engine, Error, Extern, Instance, Memory, MemoryType, Module, Store,
    StoreLimits, Table, TableType, Val, ValType,
};

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn mappings() -> usize {
    std::fs::read_to_string("/proc/self/maps")
        .expect("/proc/self/maps")
        .lines()
        .count()
}

/// Virtual size in KiB (`VmSize` of /proc/self/status).
fn vm_size_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmSize:"))
        .expect("VmSize");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn module(engine: &Engine, wat: &str) -> Module {
    Module::new(engine, &wat::parse_str(wat).unwrap()).unwrap()
}

/// One page of memory (so each live reservation is two mappings: the
/// accessible page and the rest) and a function reading it.
const GOOD: &str = r#"(module
  (memory (export "mem") 1)
  (table 4 funcref)
  (func (export "answer") (result i32) (i32.add (i32.load (i32.const 0)) (i32.const 42)))
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))"#;

const START_TRAPS: &str = r#"(module
  (import "host" "log" (func (param i32)))
  (memory 1)
  (table 8 funcref)
  (elem (i32.const 0) $start)
  (func $start (i32.store (i32.const 0) (i32.const 1)) (unreachable))
  (start $start))"#;

const DATA_OOB: &str = r#"(module
  (memory 1)
  (table 8 funcref)
  (data (i32.const 0) "ok")
  (data (i32.const 65535) "too long"))"#;

fn call_i32(store: &mut Store, instance: Instance, name: &str, args: &[Val]) -> i32 {
    let Some(Extern::Func(f)) = instance.get_export(store, name) else {
        panic!("no export {name}")
    };
    let mut results = [Val::I32(0)];
    let n = f.ty(store).results.len();
    f.call(store, args, &mut results[..n]).unwrap();
    match results[0] {
        Val::I32(x) => x,
        _ => unreachable!(),
    }
}

fn limits(max_instances: usize) -> StoreLimits {
    StoreLimits {
        max_instances,
        ..StoreLimits::default()
    }
}

#[test]
fn defaults() {
    let l = Config::default().store_limits;
    assert_eq!(l, StoreLimits::DEFAULT);
    assert_eq!(
        (l.max_instances, l.max_memories, l.max_tables),
        (10_000, 10_000, 10_000)
    );
    assert_eq!(l.max_reserved_bytes, 32 << 40);
    assert_eq!(Config::default().memory_pool_size, 16);
}

#[test]
fn instance_limit_is_named_and_the_store_keeps_working() {
    let _serial = serial();
    let engine = Engine::new(Config {
        store_limits: limits(3),
        ..Config::default()
    });
    let good = module(&engine, GOOD);
    let mut store = Store::new(&engine);
    let instances: Vec<Instance> = (0..3)
        .map(|_| Instance::new(&mut store, &good, &[]).unwrap())
        .collect();
    let before = mappings();
    let err = Instance::new(&mut store, &good, &[]).unwrap_err();
    assert!(matches!(err, Error::Resource(_)), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("instance limit of 3 reached in this store"),
        "{message}"
    );
    assert!(
        message.contains("brisk_config_max_instances_set"),
        "{message}"
    );
    assert_eq!(mappings(), before, "a refused instantiation maps nothing");
    // The instances already there still run, and their memories work.
    for (i, &instance) in instances.iter().enumerate() {
        call_i32(
            &mut store,
            instance,
            "poke",
            &[Val::I32(0), Val::I32(i as i32)],
        );
        assert_eq!(call_i32(&mut store, instance, "answer", &[]), 42 + i as i32);
    }
    // Raising the limit on this store lets it go on.
    store.set_limits(limits(4));
    assert_eq!(store.limits().max_instances, 4);
    let fourth = Instance::new(&mut store, &good, &[]).unwrap();
    assert_eq!(call_i32(&mut store, fourth, "answer", &[]), 42);
}

#[test]
fn memory_table_and_reservation_limits_are_named() {
    let _serial = serial();
    let memory = MemoryType {
        min: 1,
        max: None,
        shared: false,
    };
    let table = TableType {
        element: ValType::FuncRef,
        min: 1,
        max: None,
    };
    let engine = Engine::new(Config {
        store_limits: StoreLimits {
            max_memories: 2,
            max_tables: 1,
            ..StoreLimits::default()
        },
        ..Config::default()
    });
    let mut store = Store::new(&engine);
    Memory::new(&mut store, memory).unwrap();
    Memory::new(&mut store, memory).unwrap();
    let err = Memory::new(&mut store, memory).unwrap_err().to_string();
    assert!(err.contains("memory limit of 2 reached"), "{err}");
    Table::new(&mut store, table, Val::FuncRef(None)).unwrap();
    let err = Table::new(&mut store, table, Val::FuncRef(None))
        .unwrap_err()
        .to_string();
    assert!(err.contains("table limit of 1 reached"), "{err}");
    // An instance defining a memory (and a table) is refused as a whole.
    let good = module(&engine, GOOD);
    let err = Instance::new(&mut store, &good, &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("memory limit of 2 reached"), "{err}");

    // Address space: room for two guard-page reservations.
    let two = 2 * ((8 << 30) + (64 << 10));
    let engine = Engine::new(Config {
        store_limits: StoreLimits {
            max_reserved_bytes: two,
            ..StoreLimits::default()
        },
        ..Config::default()
    });
    let mut store = Store::new(&engine);
    Memory::new(&mut store, memory).unwrap();
    Memory::new(&mut store, memory).unwrap();
    let err = Memory::new(&mut store, memory).unwrap_err().to_string();
    assert!(
        err.contains(&format!(
            "reserved address space limit of {two} bytes reached"
        )),
        "{err}"
    );
    // Explicit bounds checks reserve only what they use: not counted.
    let engine = Engine::new(Config {
        bounds_checks: BoundsChecks::Explicit,
        store_limits: StoreLimits {
            max_reserved_bytes: 0,
            ..StoreLimits::default()
        },
        ..Config::default()
    });
    let mut store = Store::new(&engine);
    for _ in 0..3 {
        Memory::new(&mut store, memory).unwrap();
    }
}

/// 10,000 instantiations whose start function traps and 10,000 whose data
/// segment is out of bounds, in one store: each failed instance's memory
/// gives its 8 GiB reservation back, so neither the mappings nor the
/// virtual size grow with the count.
#[test]
fn failed_instantiations_release_their_reservations() {
    let _serial = serial();
    let engine = Engine::new(Config {
        store_limits: limits(30_000),
        ..Config::default()
    });
    let start_traps = module(&engine, START_TRAPS);
    let data_oob = module(&engine, DATA_OOB);
    let good = module(&engine, GOOD);
    let mut store = Store::new(&engine);
    let log = brisk::Func::new(
        &mut store,
        brisk::FuncType::new([ValType::I32], []),
        |_, _, _| Ok(()),
    );
    let survivor = Instance::new(&mut store, &good, &[]).unwrap();
    // Warm up (the pool, the allocator), then measure.
    for _ in 0..10 {
        Instance::new(&mut store, &start_traps, &[Extern::Func(log)]).unwrap_err();
        Instance::new(&mut store, &data_oob, &[]).unwrap_err();
    }
    let (maps, vm) = (mappings(), vm_size_kib());
    for _ in 0..10_000 {
        match Instance::new(&mut store, &start_traps, &[Extern::Func(log)]) {
            Err(Error::Trap(trap)) => {
                assert!(trap.message().contains("unreachable"), "{trap}");
                // The failed instance is released: its frames do not name it.
                assert!(trap.frames().iter().all(|f| f.instance.is_none()));
            }
            other => panic!("expected a trap, got {other:?}"),
        }
        match Instance::new(&mut store, &data_oob, &[]) {
            Err(Error::Trap(trap)) => {
                assert!(trap.message().contains("out of bounds"), "{trap}")
            }
            other => panic!("expected a trap, got {other:?}"),
        }
    }
    let (maps_after, vm_after) = (mappings(), vm_size_kib());
    assert!(
        maps_after < maps + 100,
        "mappings grew from {maps} to {maps_after} over 20,000 failed instantiations"
    );
    assert!(
        vm_after < vm + (64 << 20),
        "virtual size grew from {vm} KiB to {vm_after} KiB"
    );
    // The store still works, and so does the instance made before.
    assert_eq!(call_i32(&mut store, survivor, "answer", &[]), 42);
    let again = Instance::new(&mut store, &good, &[]).unwrap();
    assert_eq!(call_i32(&mut store, again, "answer", &[]), 42);
}

/// A module that could leak a reference to itself (it imports a table) is
/// not released when it fails: the elements it wrote stay usable.
#[test]
fn failed_instances_that_may_escape_are_kept() {
    let _serial = serial();
    let engine = Engine::default();
    let leaky = module(
        &engine,
        r#"(module
          (import "host" "table" (table 1 funcref))
          (memory (export "mem") 1)
          (func $f (result i32) (i32.store (i32.const 0) (i32.const 7)) (i32.load (i32.const 0)))
          (elem (i32.const 0) $f)
          (func $start unreachable)
          (start $start))"#,
    );
    let mut store = Store::new(&engine);
    let table = Table::new(
        &mut store,
        TableType {
            element: ValType::FuncRef,
            min: 1,
            max: None,
        },
        Val::FuncRef(None),
    )
    .unwrap();
    let err = Instance::new(&mut store, &leaky, &[Extern::Table(table)]).unwrap_err();
    assert!(matches!(err, Error::Trap(_)), "{err:?}");
    let Some(Val::FuncRef(Some(f))) = table.get(&store, 0) else {
        panic!("the element segment ran")
    };
    let mut results = [Val::I32(0)];
    f.call(&mut store, &[], &mut results).unwrap();
    assert!(
        matches!(results[0], Val::I32(7)),
        "its memory is still there"
    );
}

/// A long-lived store instantiating over and over reaches its instance
/// limit and from then on fails cleanly, never with "cannot reserve".
#[test]
fn long_lived_store_reaches_the_instance_limit_cleanly() {
    let _serial = serial();
    let engine = Engine::new(Config {
        store_limits: limits(1_000),
        ..Config::default()
    });
    let good = module(&engine, GOOD);
    let mut store = Store::new(&engine);
    let (mut ok, mut refused) = (0, 0);
    let mut first = None;
    let mut maps_at_limit = 0;
    for _ in 0..20_000 {
        match Instance::new(&mut store, &good, &[]) {
            Ok(instance) => {
                ok += 1;
                first.get_or_insert(instance);
                assert_eq!(call_i32(&mut store, instance, "answer", &[]), 42);
            }
            Err(e) => {
                let message = e.to_string();
                assert!(
                    message.contains("instance limit of 1000 reached"),
                    "{message}"
                );
                assert!(!message.contains("cannot reserve"), "{message}");
                if refused == 0 {
                    maps_at_limit = mappings();
                }
                refused += 1;
            }
        }
    }
    assert_eq!((ok, refused), (1_000, 19_000));
    assert_eq!(mappings(), maps_at_limit, "refusals map nothing");
    assert_eq!(call_i32(&mut store, first.unwrap(), "answer", &[]), 42);
}

/// Store per request: 10,000 stores, each instantiating, calling and being
/// dropped. The reservations go round the engine's pool: the mappings stay
/// flat, and a reused reservation is zeroed and inaccessible past the new
/// memory's size.
#[test]
fn store_per_request_reuses_pooled_reservations() {
    let _serial = serial();
    let engine = Engine::default();
    let good = module(&engine, GOOD);
    let request = |poke: bool| {
        let mut store = Store::new(&engine);
        let instance = Instance::new(&mut store, &good, &[]).unwrap();
        assert_eq!(call_i32(&mut store, instance, "peek", &[Val::I32(100)]), 0);
        assert_eq!(call_i32(&mut store, instance, "answer", &[]), 42);
        if poke {
            call_i32(&mut store, instance, "poke", &[Val::I32(100), Val::I32(9)]);
            // Grow, so that a later user of the reservation must see the
            // second page inaccessible again.
            let Some(Extern::Memory(mem)) = instance.get_export(&store, "mem") else {
                panic!()
            };
            mem.grow(&mut store, 1).unwrap();
            mem.data_mut(&mut store)[65536 + 5] = 1;
        } else {
            let Some(Extern::Func(peek)) = instance.get_export(&store, "peek") else {
                panic!()
            };
            let mut r = [Val::I32(0)];
            let err = peek
                .call(&mut store, &[Val::I32(65536 + 5)], &mut r)
                .unwrap_err();
            assert!(err.to_string().contains("out of bounds"), "{err}");
        }
    };
    for _ in 0..10 {
        request(true);
        request(false);
    }
    let (maps, vm) = (mappings(), vm_size_kib());
    for i in 0..10_000 {
        request(i % 2 == 0);
    }
    let (maps_after, vm_after) = (mappings(), vm_size_kib());
    assert!(
        maps_after < maps + 100,
        "mappings grew from {maps} to {maps_after} over 10,000 requests"
    );
    assert!(vm_after < vm + (64 << 20), "{vm} KiB -> {vm_after} KiB");
}

/// With the pool disabled every reservation is unmapped when released.
#[test]
fn without_a_pool_reservations_are_unmapped() {
    let _serial = serial();
    let engine = Engine::new(Config {
        memory_pool_size: 0,
        ..Config::default()
    });
    let good = module(&engine, GOOD);
    let data_oob = module(&engine, DATA_OOB);
    let maps = mappings();
    for _ in 0..1_000 {
        let mut store = Store::new(&engine);
        let instance = Instance::new(&mut store, &good, &[]).unwrap();
        assert_eq!(call_i32(&mut store, instance, "answer", &[]), 42);
        Instance::new(&mut store, &data_oob, &[]).unwrap_err();
    }
    let after = mappings();
    assert!(after < maps + 100, "{maps} -> {after}");
}

/// When the process's address space runs out (here: an address-space
/// rlimit), the error says what to do instead of only "cannot reserve".
#[test]
fn exhausted_address_space_says_what_to_do() {
    let _serial = serial();
    let engine = Engine::new(Config {
        memory_pool_size: 0,
        ..Config::default()
    });
    let mut store = Store::new(&engine);
    let memory = MemoryType {
        min: 1,
        max: None,
        shared: false,
    };
    let mut old = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: reading and then setting this process's own limit.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_AS, &mut old), 0);
        let headroom = libc::rlimit {
            rlim_cur: (vm_size_kib() << 10) + (1 << 30),
            rlim_max: old.rlim_max,
        };
        assert_eq!(libc::setrlimit(libc::RLIMIT_AS, &headroom), 0);
    }
    let result = Memory::new(&mut store, memory);
    // SAFETY: restoring the limit read above.
    unsafe { assert_eq!(libc::setrlimit(libc::RLIMIT_AS, &old), 0) };
    let err = result.unwrap_err().to_string();
    assert!(
        err.contains("cannot reserve 8 GiB of address space"),
        "{err}"
    );
    assert!(err.contains("lower the store limits"), "{err}");
    assert!(err.contains("explicit bounds checks"), "{err}");
    // With the limit back, the same store goes on.
    Memory::new(&mut store, memory).unwrap();
}
