//! Running compiled wasm through the Rust API: traps and recovery, stack
//! exhaustion, re-entrancy, host traps with frames, imports of every kind,
//! segments, serialization and sharing a module across threads.

use std::cell::Cell;
use std::rc::Rc;

use brisk::{
    BoundsChecks, Config, Engine, Error, Extern, ExternType, Func, FuncType, Global, GlobalType,
    Instance, Memory, MemoryType, Module, Store, Table, TableType, Trap, TrapCode, Val, ValType,
};

fn module(engine: &Engine, wat: &str) -> Module {
    Module::new(engine, &wat::parse_str(wat).unwrap()).unwrap()
}

fn instantiate(store: &mut Store, wat: &str, imports: &[Extern]) -> Instance {
    let m = module(store.engine(), wat);
    Instance::new(store, &m, imports).unwrap()
}

fn func(store: &Store, instance: Instance, name: &str) -> Func {
    match instance.get_export(store, name) {
        Some(Extern::Func(f)) => f,
        other => panic!("export {name}: {other:?}"),
    }
}

fn call_i32(store: &mut Store, f: Func, args: &[Val]) -> Result<i32, Error> {
    let mut out = [Val::I32(0)];
    f.call(store, args, &mut out)?;
    match out[0] {
        Val::I32(v) => Ok(v),
        other => panic!("expected i32, got {other:?}"),
    }
}

fn expect_trap(r: Result<i32, Error>) -> Trap {
    match r {
        Err(Error::Trap(t)) => t,
        other => panic!("expected a trap, got {other:?}"),
    }
}

const MEMORY_WAT: &str = r#"
(module
  (memory (export "mem") 1 4)
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size)))
"#;

fn check_out_of_bounds(config: Config) {
    let engine = Engine::new(config);
    let mut store = Store::new(&engine);
    let i = instantiate(&mut store, MEMORY_WAT, &[]);
    let (load, st) = (func(&store, i, "load"), func(&store, i, "store"));
    st.call(&mut store, &[Val::I32(65532), Val::I32(77)], &mut [])
        .unwrap();
    assert_eq!(call_i32(&mut store, load, &[Val::I32(65532)]).unwrap(), 77);
    for addr in [65533, 65536, -1] {
        let t = expect_trap(call_i32(&mut store, load, &[Val::I32(addr)]));
        assert_eq!(t.code(), Some(TrapCode::MemoryOutOfBounds));
        assert_eq!(t.message(), "out of bounds memory access");
        assert_eq!(t.frames().len(), 1);
        assert_eq!(t.frames()[0].func_index, 0);
        assert_eq!(t.frames()[0].instance, Some(i));
    }
    // The store keeps working after the trap.
    assert_eq!(call_i32(&mut store, load, &[Val::I32(65532)]).unwrap(), 77);
}

#[test]
fn out_of_bounds_load_traps_and_the_next_call_succeeds() {
    check_out_of_bounds(Config::default());
}

#[test]
fn out_of_bounds_with_explicit_bounds_checks() {
    check_out_of_bounds(Config {
        bounds_checks: BoundsChecks::Explicit,
        ..Config::default()
    });
}

#[test]
fn memory_grows_from_wasm_and_from_the_host() {
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let i = instantiate(&mut store, MEMORY_WAT, &[]);
    let (grow, size, load) = (
        func(&store, i, "grow"),
        func(&store, i, "size"),
        func(&store, i, "load"),
    );
    let Some(Extern::Memory(mem)) = i.get_export(&store, "mem") else {
        panic!("no memory export")
    };
    assert_eq!(call_i32(&mut store, grow, &[Val::I32(1)]).unwrap(), 1);
    assert_eq!(call_i32(&mut store, size, &[]).unwrap(), 2);
    assert_eq!(mem.size(&store), 2);
    mem.data_mut(&mut store)[65536 + 8] = 5;
    assert_eq!(
        call_i32(&mut store, load, &[Val::I32(65536 + 8)]).unwrap(),
        5
    );
    assert_eq!(mem.grow(&mut store, 2).unwrap(), 2);
    assert_eq!(call_i32(&mut store, size, &[]).unwrap(), 4);
    assert_eq!(call_i32(&mut store, grow, &[Val::I32(1)]).unwrap(), -1);
    assert_eq!(
        call_i32(&mut store, load, &[Val::I32(4 * 65536 - 4)]).unwrap(),
        0
    );
}

#[test]
fn infinite_recursion_exhausts_the_stack_and_the_store_survives() {
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let i = instantiate(
        &mut store,
        r#"(module
          (func $f (export "recurse") (param i32) (result i32)
            (i32.add (call $f (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
          (func (export "ok") (result i32) (i32.const 5)))"#,
        &[],
    );
    let (recurse, ok) = (func(&store, i, "recurse"), func(&store, i, "ok"));
    for _ in 0..3 {
        let t = expect_trap(call_i32(&mut store, recurse, &[Val::I32(0)]));
        assert_eq!(t.code(), Some(TrapCode::StackOverflow));
        assert_eq!(t.message(), "call stack exhausted");
        assert!(t.frames().len() > 100, "frames: {}", t.frames().len());
        // Including the innermost one, which trapped before saving its vmctx.
        assert!(t
            .frames()
            .iter()
            .all(|f| f.func_index == 0 && f.instance == Some(i)));
        assert_eq!(call_i32(&mut store, ok, &[]).unwrap(), 5);
    }
}

#[test]
fn host_and_wasm_reenter_each_other_three_levels_deep() {
    // wasm → host → wasm → host → wasm → host → wasm: `step(n)` calls the
    // host with n, which calls `step(n - 1)` until 0; each level adds 10^level.
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let exports: Rc<Cell<Option<Func>>> = Rc::new(Cell::new(None));
    let depth = Rc::new(Cell::new(0u32));
    let (e, d) = (exports.clone(), depth.clone());
    let host = Func::new(
        &mut store,
        FuncType::new([ValType::I32], [ValType::I32]),
        move |store, params, results| {
            let Val::I32(n) = params[0] else {
                return Err(Trap::new("bad arg"));
            };
            d.set(d.get().max(n as u32));
            let step = e.get().expect("step is set");
            let mut out = [Val::I32(0)];
            step.call(store, &[Val::I32(n - 1)], &mut out)
                .map_err(|e| Trap::new(e.to_string()))?;
            let Val::I32(v) = out[0] else {
                return Err(Trap::new("bad result"));
            };
            results[0] = Val::I32(v + 10i32.pow(n as u32));
            Ok(())
        },
    );
    let i = instantiate(
        &mut store,
        r#"(module
          (import "host" "f" (func $host (param i32) (result i32)))
          (func (export "step") (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0))
              (then (i32.const 1))
              (else (i32.add (call $host (local.get 0)) (i32.const 0))))))"#,
        &[Extern::Func(host)],
    );
    let step = func(&store, i, "step");
    exports.set(Some(step));
    assert_eq!(call_i32(&mut store, step, &[Val::I32(3)]).unwrap(), 1111);
    assert_eq!(depth.get(), 3);
}

#[test]
fn host_trap_unwinds_wasm_frames_and_keeps_its_message() {
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let host = Func::new(&mut store, FuncType::new([ValType::I32], []), |_, p, _| {
        Err(Trap::new(format!("host says no to {:?}", p[0])))
    });
    let i = instantiate(
        &mut store,
        r#"(module
          (import "" "fail" (func $fail (param i32)))
          (func $inner (param i32) (call $fail (local.get 0)))
          (func $outer (export "outer") (param i32) (result i32)
            (call $inner (local.get 0)) (i32.const 7))
          (func (export "ok") (result i32) (i32.const 3)))"#,
        &[Extern::Func(host)],
    );
    let (outer, ok) = (func(&store, i, "outer"), func(&store, i, "ok"));
    let t = expect_trap(call_i32(&mut store, outer, &[Val::I32(9)]));
    assert_eq!(t.message(), "host says no to I32(9)");
    assert_eq!(t.code(), None);
    let indices: Vec<u32> = t.frames().iter().map(|f| f.func_index).collect();
    assert_eq!(indices, vec![1, 2], "frames: {:?}", t.frames());
    assert!(t.frames().iter().all(|f| f.instance == Some(i)));
    assert!(t.frames()[0].module_offset > 0);
    assert_eq!(call_i32(&mut store, ok, &[]).unwrap(), 3);
}

#[test]
fn a_panicking_host_function_becomes_a_trap() {
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let host = Func::new(&mut store, FuncType::default(), |_, _, _| panic!("boom"));
    let i = instantiate(
        &mut store,
        r#"(module (import "" "p" (func $p)) (func (export "run") (result i32) (call $p) (i32.const 1)))"#,
        &[Extern::Func(host)],
    );
    let run = func(&store, i, "run");
    let t = expect_trap(call_i32(&mut store, run, &[]));
    assert!(t.message().contains("boom"), "{}", t.message());
}

#[test]
fn wasm_traps_carry_codes_and_named_frames() {
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let i = instantiate(
        &mut store,
        r#"(module
          (func $div (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
          (func (export "div") (param i32 i32) (result i32) (call $div (local.get 0) (local.get 1)))
          (func (export "unreachable") (result i32) unreachable))"#,
        &[],
    );
    let div = func(&store, i, "div");
    assert_eq!(
        call_i32(&mut store, div, &[Val::I32(7), Val::I32(2)]).unwrap(),
        3
    );
    let t = expect_trap(call_i32(&mut store, div, &[Val::I32(7), Val::I32(0)]));
    assert_eq!(t.code(), Some(TrapCode::IntegerDivisionByZero));
    assert_eq!(t.message(), "integer divide by zero");
    let frames: Vec<_> = t
        .frames()
        .iter()
        .map(|f| (f.func_index, f.func_name.clone()))
        .collect();
    assert_eq!(frames, vec![(0, Some("div".to_string())), (1, None)]);
    let unreachable = func(&store, i, "unreachable");
    let t = expect_trap(call_i32(&mut store, unreachable, &[]));
    assert_eq!(t.code(), Some(TrapCode::UnreachableCodeReached));
}

#[test]
fn imports_of_all_four_kinds() {
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let double = Func::new(
        &mut store,
        FuncType::new([ValType::I32], [ValType::I32]),
        |_, p, r| {
            let Val::I32(x) = p[0] else { unreachable!() };
            r[0] = Val::I32(x * 2);
            Ok(())
        },
    );
    let g = Global::new(
        &mut store,
        GlobalType {
            content: ValType::I32,
            mutable: true,
        },
        Val::I32(100),
    )
    .unwrap();
    let mem = Memory::new(
        &mut store,
        MemoryType {
            min: 1,
            max: None,
            shared: false,
        },
    )
    .unwrap();
    let table = Table::new(
        &mut store,
        TableType {
            element: ValType::FuncRef,
            min: 2,
            max: None,
        },
        Val::FuncRef(None),
    )
    .unwrap();
    table
        .set(&mut store, 1, Val::FuncRef(Some(double)))
        .unwrap();
    mem.data_mut(&mut store)[16] = 21;
    let wat = r#"(module
      (type $t (func (param i32) (result i32)))
      (import "env" "double" (func $double (type $t)))
      (import "env" "g" (global $g (mut i32)))
      (import "env" "mem" (memory 1))
      (import "env" "table" (table 2 funcref))
      (elem (i32.const 0) $double)
      (data (i32.const 32) "\2a")
      (func (export "run") (result i32)
        (global.set $g (i32.add (global.get $g) (i32.const 1)))
        (i32.add
          (call_indirect (type $t) (i32.load8_u (i32.const 16)) (i32.const 1))
          (call_indirect (type $t) (i32.load8_u (i32.const 32)) (i32.const 0)))))"#;
    let m = module(&engine, wat);
    let imports = m.imports();
    assert_eq!(imports.len(), 4);
    assert_eq!(imports[2].name, "mem");
    let i = Instance::new(
        &mut store,
        &m,
        &[
            Extern::Func(double),
            Extern::Global(g),
            Extern::Memory(mem),
            Extern::Table(table),
        ],
    )
    .unwrap();
    let run = func(&store, i, "run");
    assert_eq!(call_i32(&mut store, run, &[]).unwrap(), 42 + 84);
    assert!(matches!(g.get(&store), Val::I32(101)));
    assert_eq!(
        mem.data(&store)[32],
        42,
        "data segment wrote the shared memory"
    );
    let Some(Val::FuncRef(Some(f))) = table.get(&store, 0) else {
        panic!("element segment did not write the table")
    };
    assert_eq!(call_i32(&mut store, f, &[Val::I32(4)]).unwrap(), 8);

    // Wrong count and wrong types are link errors.
    assert!(matches!(
        Instance::new(&mut store, &m, &[Extern::Func(double)]),
        Err(Error::Link(_))
    ));
    let err = Instance::new(
        &mut store,
        &m,
        &[
            Extern::Func(double),
            Extern::Global(g),
            Extern::Table(table),
            Extern::Memory(mem),
        ],
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("incompatible import type"),
        "{err}"
    );
}

#[test]
fn segments_out_of_bounds_trap_at_instantiation_after_earlier_writes() {
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let mem = Memory::new(
        &mut store,
        MemoryType {
            min: 1,
            max: None,
            shared: false,
        },
    )
    .unwrap();
    let m = module(
        &engine,
        r#"(module (import "" "m" (memory 1))
             (data (i32.const 0) "a")
             (data (i32.const 65536) "b"))"#,
    );
    match Instance::new(&mut store, &m, &[Extern::Memory(mem)]) {
        Err(Error::Trap(t)) => assert_eq!(t.code(), Some(TrapCode::MemoryOutOfBounds)),
        other => panic!("expected a trap, got {other:?}"),
    }
    assert_eq!(mem.data(&store)[0], b'a');
}

#[test]
fn start_function_runs_and_its_trap_fails_instantiation() {
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let i = instantiate(
        &mut store,
        r#"(module (global $g (export "g") (mut i32) (i32.const 1))
             (func $s (global.set $g (i32.const 2))) (start $s))"#,
        &[],
    );
    let Some(Extern::Global(g)) = i.get_export(&store, "g") else {
        panic!()
    };
    assert!(matches!(g.get(&store), Val::I32(2)));
    let m = module(&engine, r#"(module (func $s unreachable) (start $s))"#);
    match Instance::new(&mut store, &m, &[]) {
        Err(Error::Trap(t)) => assert_eq!(t.code(), Some(TrapCode::UnreachableCodeReached)),
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn funcrefs_round_trip_through_tables_and_calls() {
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let i = instantiate(
        &mut store,
        r#"(module
          (table $t (export "t") 2 funcref)
          (func $seven (export "seven") (result i32) (i32.const 7))
          (elem declare func $seven)
          (func (export "get") (result funcref) (ref.func $seven))
          (func (export "set") (table.set $t (i32.const 1) (ref.func $seven))))"#,
        &[],
    );
    let seven = func(&store, i, "seven");
    let mut out = [Val::FuncRef(None)];
    func(&store, i, "get")
        .call(&mut store, &[], &mut out)
        .unwrap();
    let Val::FuncRef(Some(f)) = out[0] else {
        panic!("null funcref")
    };
    assert_eq!(f, seven);
    func(&store, i, "set")
        .call(&mut store, &[], &mut [])
        .unwrap();
    let Some(Extern::Table(t)) = i.get_export(&store, "t") else {
        panic!()
    };
    assert!(matches!(t.get(&store, 1), Some(Val::FuncRef(Some(g))) if g == seven));
    assert!(matches!(t.get(&store, 0), Some(Val::FuncRef(None))));
}

const SERIALIZE_WAT: &str = r#"(module
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func (export "trap") (result i32) (i32.div_u (i32.const 1) (i32.const 0))))"#;

#[test]
fn serialized_modules_round_trip_and_corruption_is_rejected() {
    let engine = Engine::default();
    let original = module(&engine, SERIALIZE_WAT);
    let blob = original.serialize();
    let loaded = Module::deserialize(&engine, &blob).unwrap();
    assert_eq!(loaded.exports(), original.exports());
    let mut store = Store::new(&engine);
    let i = Instance::new(&mut store, &loaded, &[]).unwrap();
    let mut out = [Val::I64(0)];
    func(&store, i, "fac")
        .call(&mut store, &[Val::I64(10)], &mut out)
        .unwrap();
    assert!(matches!(out[0], Val::I64(3628800)));
    let trap = func(&store, i, "trap");
    let t = expect_trap(call_i32(&mut store, trap, &[]));
    assert_eq!(t.code(), Some(TrapCode::IntegerDivisionByZero));

    // Every single-byte corruption, truncation or extension is refused.
    for at in (0..blob.len()).step_by(blob.len() / 97 + 1) {
        let mut bad = blob.clone();
        bad[at] ^= 0x40;
        assert!(Module::deserialize(&engine, &bad).is_err(), "flip at {at}");
    }
    for len in [0, 8, 20, blob.len() / 2, blob.len() - 1] {
        assert!(
            Module::deserialize(&engine, &blob[..len]).is_err(),
            "len {len}"
        );
    }
    let mut longer = blob.clone();
    longer.push(0);
    assert!(Module::deserialize(&engine, &longer).is_err());

    // Code compiled for guard pages must not load where checks are explicit.
    let explicit = Engine::new(Config {
        bounds_checks: BoundsChecks::Explicit,
        ..Config::default()
    });
    assert!(Module::deserialize(&explicit, &blob).is_err());
}

#[test]
fn one_module_runs_on_many_threads_with_their_own_stores() {
    let engine = Engine::default();
    let m = module(&engine, SERIALIZE_WAT);
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let (engine, m) = (engine.clone(), m.clone());
            std::thread::spawn(move || {
                let mut store = Store::new(&engine);
                let i = Instance::new(&mut store, &m, &[]).unwrap();
                let fac = func(&store, i, "fac");
                let trap = func(&store, i, "trap");
                for n in 0..200i64 {
                    let mut out = [Val::I64(0)];
                    fac.call(&mut store, &[Val::I64(n % 15 + t)], &mut out)
                        .unwrap();
                    let expected: i64 = (1..=(n % 15 + t)).product();
                    assert!(matches!(out[0], Val::I64(v) if v == expected));
                    if n % 50 == 0 {
                        expect_trap(call_i32(&mut store, trap, &[]));
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn a_trap_passed_on_by_a_host_function_keeps_its_code_and_gains_outer_frames() {
    // outer (wasm) → host → inner (wasm, traps); the host passes the trap on.
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let inner_fn: Rc<Cell<Option<Func>>> = Rc::new(Cell::new(None));
    let slot = inner_fn.clone();
    let host = Func::new(&mut store, FuncType::default(), move |store, _, _| {
        let inner = slot.get().expect("inner is set");
        inner.call(store, &[], &mut [])?;
        Ok(())
    });
    let i = instantiate(
        &mut store,
        r#"(module
          (import "" "host" (func $host))
          (func $inner (export "inner") unreachable)
          (func $outer (export "outer") (result i32) (call $host) (i32.const 0)))"#,
        &[Extern::Func(host)],
    );
    inner_fn.set(Some(func(&store, i, "inner")));
    let outer = func(&store, i, "outer");
    let t = expect_trap(call_i32(&mut store, outer, &[]));
    assert_eq!(t.code(), Some(TrapCode::UnreachableCodeReached));
    let names: Vec<_> = t
        .frames()
        .iter()
        .map(|f| f.func_name.as_deref().unwrap_or("?"))
        .collect();
    assert_eq!(names, vec!["inner", "outer"]);
    // Both activations unwound cleanly: the store runs code again.
    let t = expect_trap(call_i32(&mut store, outer, &[]));
    assert_eq!(t.frames().len(), 2);
}

#[test]
fn host_results_of_the_wrong_type_are_errors() {
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let liar = Func::new(&mut store, FuncType::new([], [ValType::I32]), |_, _, r| {
        r[0] = Val::I64(1);
        Ok(())
    });
    let mut out = [Val::I32(0)];
    assert!(matches!(
        liar.call(&mut store, &[], &mut out),
        Err(Error::Type(_))
    ));
    let i = instantiate(
        &mut store,
        r#"(module (import "" "liar" (func $l (result i32)))
             (func (export "run") (result i32) (call $l)))"#,
        &[Extern::Func(liar)],
    );
    let run = func(&store, i, "run");
    let t = expect_trap(call_i32(&mut store, run, &[]));
    assert!(
        t.message().contains("host function returned"),
        "{}",
        t.message()
    );
}

#[test]
fn memory_grown_by_the_host_during_a_call_is_seen_by_wasm() {
    // A host function grows the memory in the middle of a wasm call; with
    // explicit bounds checks the base may move, and wasm must use the new
    // base and length after the call.
    for bounds_checks in [BoundsChecks::GuardPages, BoundsChecks::Explicit] {
        let engine = Engine::new(Config {
            bounds_checks,
            ..Config::default()
        });
        let mut store = Store::new(&engine);
        let mem = Memory::new(
            &mut store,
            MemoryType {
                min: 1,
                max: None,
                shared: false,
            },
        )
        .unwrap();
        let grow = Func::new(&mut store, FuncType::default(), move |store, _, _| {
            let old = mem.grow(store, 16)?;
            let at = old as usize * 65536 + 12;
            mem.data_mut(store)[at] = 0x5a;
            Ok(())
        });
        let i = instantiate(
            &mut store,
            r#"(module
              (import "" "grow" (func $grow))
              (import "" "mem" (memory 1))
              (func (export "run") (param i32) (result i32)
                (i32.store (i32.const 0) (i32.const 7))
                (call $grow)
                (i32.add (i32.load8_u (local.get 0)) (i32.load (i32.const 0)))))"#,
            &[Extern::Func(grow), Extern::Memory(mem)],
        );
        let run = func(&store, i, "run");
        for round in 0..20u32 {
            let probe = (1 + 16 * round) * 65536 + 12;
            let v = call_i32(&mut store, run, &[Val::I32(probe as i32)]).unwrap();
            assert_eq!(v, 0x5a + 7, "{bounds_checks:?} round {round}");
        }
        assert_eq!(mem.size(&store), 1 + 16 * 20);
        let past = mem.data_size(&store) as i32;
        let t = expect_trap(call_i32(&mut store, run, &[Val::I32(past + 16 * 65536)]));
        assert_eq!(t.code(), Some(TrapCode::MemoryOutOfBounds));
    }
}

#[test]
fn modules_come_and_go_while_other_threads_trap() {
    // The code registry is read lock-free by trapping threads while others
    // register and unregister modules.
    let engine = Engine::default();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let trapping: Vec<_> = (0..2)
        .map(|_| {
            let (engine, stop) = (engine.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut store = Store::new(&engine);
                let i = instantiate(&mut store, MEMORY_WAT, &[]);
                let load = func(&store, i, "load");
                let mut traps = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) || traps < 100 {
                    let t = expect_trap(call_i32(&mut store, load, &[Val::I32(-1)]));
                    assert_eq!(t.code(), Some(TrapCode::MemoryOutOfBounds));
                    assert_eq!(t.frames().len(), 1);
                    traps += 1;
                }
                traps
            })
        })
        .collect();
    for _ in 0..200 {
        let m = module(&engine, SERIALIZE_WAT);
        let mut store = Store::new(&engine);
        let i = Instance::new(&mut store, &m, &[]).unwrap();
        let trap = func(&store, i, "trap");
        expect_trap(call_i32(&mut store, trap, &[]));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in trapping {
        assert!(t.join().unwrap() >= 100);
    }
}

#[test]
fn raw_host_functions_take_slots_directly() {
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    // (i64, v128, f32) -> (v128, i64): swaps and doubles.
    let ty = FuncType::new(
        [ValType::I64, ValType::V128, ValType::F32],
        [ValType::V128, ValType::I64],
    );
    // SAFETY: the function writes a v128 (two slots) and an i64 result.
    let raw = unsafe {
        Func::new_raw(&mut store, ty, |store, slots| {
            // SAFETY: four argument slots: i64, v128 (two), f32.
            let s = std::slice::from_raw_parts_mut(slots, 4);
            let (Val::I64(a), Val::V128(v), Val::F32(f)) = (
                Val::from_slots(store, &s[0..], ValType::I64),
                Val::from_slots(store, &s[1..], ValType::V128),
                Val::from_slots(store, &s[3..], ValType::F32),
            ) else {
                return Err(Trap::new("bad arguments"));
            };
            Val::V128(v.rotate_left(64)).to_slots(store, &mut s[0..]);
            Val::I64(a * 2 + f32::from_bits(f) as i64).to_slots(store, &mut s[2..]);
            Ok(())
        })
    };
    let params = [
        Val::I64(20),
        Val::V128(1 | 2u128 << 64),
        Val::F32(2.0f32.to_bits()),
    ];
    let mut out = [Val::I32(0), Val::I32(0)];
    raw.call(&mut store, &params, &mut out).unwrap();
    assert!(matches!(out, [Val::V128(v), Val::I64(42)] if v == 2 | 1u128 << 64));

    // From wasm: (i32, externref) -> (i64, externref, i32).
    let ty = FuncType::new(
        [ValType::I32, ValType::ExternRef],
        [ValType::I64, ValType::ExternRef, ValType::I32],
    );
    // SAFETY: the function writes an i64, an externref of this store and an i32.
    let swap = unsafe {
        Func::new_raw(&mut store, ty, |store, slots| {
            // SAFETY: max(2, 3) = 3 slots.
            let s = std::slice::from_raw_parts_mut(slots, 3);
            let Val::I32(x) = Val::from_slots(store, &s[0..], ValType::I32) else {
                return Err(Trap::new("bad argument"));
            };
            let r = Val::from_slots(store, &s[1..], ValType::ExternRef);
            Val::I64(x as i64 * 3).to_slots(store, &mut s[0..]);
            r.to_slots(store, &mut s[1..]);
            Val::I32(x + 1).to_slots(store, &mut s[2..]);
            Ok(())
        })
    };
    let i = instantiate(
        &mut store,
        r#"(module
          (import "" "swap" (func $swap (param i32 externref) (result i64 externref i32)))
          (func (export "run") (param externref) (result i64 externref i32)
            (call $swap (i32.const 14) (local.get 0))))"#,
        &[Extern::Func(swap)],
    );
    let token = brisk::ExternRef::new(&mut store, Box::new(7u8));
    let mut out = [Val::I32(0), Val::ExternRef(None), Val::I32(0)];
    func(&store, i, "run")
        .call(&mut store, &[Val::ExternRef(Some(token))], &mut out)
        .unwrap();
    assert!(matches!(out, [Val::I64(42), Val::ExternRef(Some(r)), Val::I32(15)] if r == token));
}

#[test]
fn frames_name_their_instance_when_one_module_has_several() {
    // Two instances of one module; the second calls into the first, which
    // traps: each frame must name its own instance.
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let m = module(
        &engine,
        r#"(module
          (import "" "next" (func $next (param i32) (result i32)))
          (func $f (export "f") (param i32) (result i32)
            (if (result i32) (local.get 0)
              (then (call $next (i32.sub (local.get 0) (i32.const 1))))
              (else (unreachable)))))"#,
    );
    let leaf = Func::new(
        &mut store,
        FuncType::new([ValType::I32], [ValType::I32]),
        |_, _, _| Err(Trap::new("never called")),
    );
    let first = Instance::new(&mut store, &m, &[Extern::Func(leaf)]).unwrap();
    let f1 = func(&store, first, "f");
    let second = Instance::new(&mut store, &m, &[Extern::Func(f1)]).unwrap();
    let f2 = func(&store, second, "f");
    let t = expect_trap(call_i32(&mut store, f2, &[Val::I32(1)]));
    assert_eq!(t.code(), Some(TrapCode::UnreachableCodeReached));
    let instances: Vec<_> = t.frames().iter().map(|f| f.instance).collect();
    assert_eq!(instances, vec![Some(first), Some(second)]);
    // The same through a host trap: the host function is the leaf.
    let t = expect_trap(call_i32(&mut store, f2, &[Val::I32(2)]));
    assert_eq!(t.message(), "never called");
    let instances: Vec<_> = t.frames().iter().map(|f| f.instance).collect();
    assert_eq!(instances, vec![Some(first), Some(second)]);
}

#[test]
fn faults_outside_wasm_still_crash_the_process() {
    // Once brisk's handlers are installed, a fault in host code must still
    // reach the previous handler / default action and kill the process, not
    // be swallowed or turned into a trap. Checked in a child process.
    const CHILD: &str = "BRISK_TEST_HOST_FAULT_CHILD";
    if std::env::var_os(CHILD).is_some() {
        let engine = Engine::default();
        let mut store = Store::new(&engine);
        let i = instantiate(&mut store, MEMORY_WAT, &[]);
        let load = func(&store, i, "load");
        expect_trap(call_i32(&mut store, load, &[Val::I32(-1)]));
        let bad = std::hint::black_box(16usize) as *mut u8;
        // SAFETY: deliberately not safe: this faults, which is the point.
        unsafe { std::ptr::write_volatile(bad, 1) };
        unreachable!("the write above faults");
    }
    use std::os::unix::process::ExitStatusExt;
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "faults_outside_wasm_still_crash_the_process",
            "--exact",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGSEGV),
        "child: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

const RECURSE_WAT: &str = r#"(module
  (func $f (export "recurse") (param i32) (result i32)
    (i32.add (call $f (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))"#;

fn recursion_depth(engine: &Engine) -> usize {
    let mut store = Store::new(engine);
    let i = instantiate(&mut store, RECURSE_WAT, &[]);
    let recurse = func(&store, i, "recurse");
    let t = expect_trap(call_i32(&mut store, recurse, &[Val::I32(0)]));
    assert_eq!(t.code(), Some(TrapCode::StackOverflow));
    t.frames().len()
}

#[test]
fn max_wasm_stack_bounds_recursion() {
    let small = recursion_depth(&Engine::new(Config {
        max_wasm_stack: 64 << 10,
        ..Config::default()
    }));
    let large = recursion_depth(&Engine::new(Config {
        max_wasm_stack: 512 << 10,
        ..Config::default()
    }));
    assert!(small > 10, "small: {small}");
    assert!(large > small * 6, "small {small}, large {large}");
}

#[test]
fn threads_with_small_stacks_trap_instead_of_overflowing() {
    // A 256 KiB thread cannot give wasm the default 1 MiB: the limit stays
    // clear of the end of the thread's stack, so recursion traps cleanly.
    let engine = Engine::default();
    let depth = std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || recursion_depth(&engine))
        .unwrap()
        .join()
        .unwrap();
    assert!(depth > 10, "depth {depth}");
}

#[test]
fn replacing_the_store_inside_a_host_function_is_memory_safe() {
    // `&mut Store` lets a host function replace the store it runs in while
    // wasm frames of that store are live; the call must fail cleanly (the
    // old store's objects stay allocated) and the new store must work.
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let e = engine.clone();
    let replace = Func::new(
        &mut store,
        FuncType::new([], [ValType::I32]),
        move |s, _, r| {
            *s = Store::new(&e);
            r[0] = Val::I32(1);
            Ok(())
        },
    );
    let i = instantiate(
        &mut store,
        r#"(module (import "" "replace" (func $r (result i32)))
             (memory 1)
             (func (export "run") (result i32)
               (i32.store (i32.const 8) (call $r))
               (i32.load (i32.const 8))))"#,
        &[Extern::Func(replace)],
    );
    let run = func(&store, i, "run");
    assert!(matches!(
        call_i32(&mut store, run, &[]),
        Err(Error::Trap(_))
    ));
    // `store` is the replacement now, and fully usable.
    let i = instantiate(&mut store, MEMORY_WAT, &[]);
    let size = func(&store, i, "size");
    assert_eq!(call_i32(&mut store, size, &[]).unwrap(), 1);
}

#[test]
fn a_frame_larger_than_the_stack_left_traps() {
    // 40 000 i64 locals make a 320 KiB frame: on a 256 KiB thread the
    // prologue's check must trap before anything is written below the stack.
    let engine = Engine::default();
    let locals = "(local i64) ".repeat(40_000);
    let wat = format!(
        r#"(module (func $f (export "f") (param i32) (result i32) {locals}
             (local.set 1 (i64.const 1))
             (i32.add (call $f (local.get 0)) (i32.wrap_i64 (local.get 1)))))"#
    );
    let m = module(&engine, &wat);
    let message = std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || {
            let mut store = Store::new(&engine);
            let i = Instance::new(&mut store, &m, &[]).unwrap();
            let f = func(&store, i, "f");
            expect_trap(call_i32(&mut store, f, &[Val::I32(0)]))
                .message()
                .to_string()
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(message, "call stack exhausted");
}

#[test]
fn reflection_reports_import_and_export_types() {
    let engine = Engine::default();
    let m = module(
        &engine,
        r#"(module
          (import "a" "f" (func (param i32 f64) (result i64)))
          (import "a" "t" (table 1 5 externref))
          (import "b" "m" (memory 2))
          (import "b" "g" (global f32))
          (func $h (export "h") (param f64) (result i32 i32) (i32.const 1) (i32.const 2))
          (table (export "t2") 3 funcref)
          (export "m2" (memory 0))
          (global (export "g2") (mut i64) (i64.const 0))
          (export "f" (func 0)))"#,
    );
    let imports = m.imports();
    let kinds: Vec<_> = imports
        .iter()
        .map(|i| (i.module.as_str(), i.name.as_str(), i.ty.clone()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (
                "a",
                "f",
                ExternType::Func(FuncType::new([ValType::I32, ValType::F64], [ValType::I64]))
            ),
            (
                "a",
                "t",
                ExternType::Table(TableType {
                    element: ValType::ExternRef,
                    min: 1,
                    max: Some(5)
                })
            ),
            (
                "b",
                "m",
                ExternType::Memory(MemoryType {
                    min: 2,
                    max: None,
                    shared: false
                })
            ),
            (
                "b",
                "g",
                ExternType::Global(GlobalType {
                    content: ValType::F32,
                    mutable: false
                })
            ),
        ]
    );
    let exports: Vec<_> = m.exports().into_iter().map(|e| (e.name, e.ty)).collect();
    assert_eq!(
        exports,
        vec![
            (
                "h".to_string(),
                ExternType::Func(FuncType::new([ValType::F64], [ValType::I32, ValType::I32]))
            ),
            (
                "t2".to_string(),
                ExternType::Table(TableType {
                    element: ValType::FuncRef,
                    min: 3,
                    max: None
                })
            ),
            (
                "m2".to_string(),
                ExternType::Memory(MemoryType {
                    min: 2,
                    max: None,
                    shared: false
                })
            ),
            (
                "g2".to_string(),
                ExternType::Global(GlobalType {
                    content: ValType::I64,
                    mutable: true
                })
            ),
            (
                "f".to_string(),
                ExternType::Func(FuncType::new([ValType::I32, ValType::F64], [ValType::I64]))
            ),
        ]
    );
    // Instances report current sizes: a grown memory has a larger minimum.
    let mut store = Store::new(&engine);
    let f = Func::new(
        &mut store,
        FuncType::new([ValType::I32, ValType::F64], [ValType::I64]),
        |_, _, r| {
            r[0] = Val::I64(0);
            Ok(())
        },
    );
    let t = Table::new(
        &mut store,
        TableType {
            element: ValType::ExternRef,
            min: 1,
            max: Some(5),
        },
        Val::ExternRef(None),
    )
    .unwrap();
    let mem = Memory::new(
        &mut store,
        MemoryType {
            min: 2,
            max: None,
            shared: false,
        },
    )
    .unwrap();
    let g = Global::new(
        &mut store,
        GlobalType {
            content: ValType::F32,
            mutable: false,
        },
        Val::F32(0),
    )
    .unwrap();
    let imports = [
        Extern::Func(f),
        Extern::Table(t),
        Extern::Memory(mem),
        Extern::Global(g),
    ];
    let i = Instance::new(&mut store, &m, &imports).unwrap();
    mem.grow(&mut store, 3).unwrap();
    let Some(m2) = i.get_export(&store, "m2") else {
        panic!("no m2")
    };
    assert_eq!(
        m2.ty(&store),
        ExternType::Memory(MemoryType {
            min: 5,
            max: None,
            shared: false
        })
    );
    let names: Vec<_> = i.exports(&store).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["h", "t2", "m2", "g2", "f"]);
    assert!(matches!(i.get_export(&store, "f"), Some(Extern::Func(x)) if x == f));
    assert!(i.get_export(&store, "nope").is_none());
}
