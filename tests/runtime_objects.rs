//! Host-created runtime objects through the Rust API: memories, tables,
//! globals, extern refs, host functions called from the host, and rejection
//! of bad input. None of these needs compiled wasm code.

use brisk::{
    BoundsChecks, Config, Engine, Error, ExternRef, Func, FuncType, Global, GlobalType, Memory,
    MemoryType, Module, Store, Table, TableType, Trap, Val, ValType,
};

fn memory_type(min: u32, max: Option<u32>) -> MemoryType {
    MemoryType {
        min,
        max,
        shared: false,
    }
}

fn check_memory_grow(config: Config) {
    let engine = Engine::new(config);
    let mut store = Store::new(&engine);
    let mem = Memory::new(&mut store, memory_type(1, Some(3))).unwrap();
    assert_eq!(mem.size(&store), 1);
    assert_eq!(mem.data_size(&store), 65536);
    assert!(mem.data(&store).iter().all(|&b| b == 0));
    mem.data_mut(&mut store)[65535] = 7;
    assert_eq!(mem.grow(&mut store, 2).unwrap(), 1);
    assert_eq!(mem.size(&store), 3);
    assert_eq!(mem.data(&store)[65535], 7, "contents survive growth");
    assert!(mem.data(&store)[65536..].iter().all(|&b| b == 0));
    mem.data_mut(&mut store)[3 * 65536 - 1] = 9;
    assert!(matches!(mem.grow(&mut store, 1), Err(Error::Resource(_))));
    assert_eq!(mem.grow(&mut store, 0).unwrap(), 3);
    assert_eq!(mem.ty(&store), memory_type(3, Some(3)));
}

#[test]
fn memory_grows_with_guard_pages() {
    check_memory_grow(Config::default());
}

#[test]
fn memory_grows_with_explicit_bounds_checks() {
    check_memory_grow(Config {
        bounds_checks: BoundsChecks::Explicit,
        ..Config::default()
    });
}

#[test]
fn empty_memory_grows_from_zero() {
    for bounds_checks in [BoundsChecks::GuardPages, BoundsChecks::Explicit] {
        let engine = Engine::new(Config {
            bounds_checks,
            ..Config::default()
        });
        let mut store = Store::new(&engine);
        let mem = Memory::new(&mut store, memory_type(0, None)).unwrap();
        assert_eq!(mem.data(&store).len(), 0);
        assert_eq!(mem.grow(&mut store, 1).unwrap(), 0);
        mem.data_mut(&mut store)[100] = 1;
        assert_eq!(mem.data(&store)[100], 1);
    }
}

#[test]
fn memory_limits_are_enforced() {
    let mut store = Store::new(&Engine::default());
    assert!(Memory::new(&mut store, memory_type(65537, None)).is_err());
    assert!(Memory::new(&mut store, memory_type(2, Some(1))).is_err());
    let mem = Memory::new(&mut store, memory_type(0, None)).unwrap();
    assert!(mem.grow(&mut store, 65537).is_err());
}

#[test]
fn globals_hold_every_type() {
    let mut store = Store::new(&Engine::default());
    let r = ExternRef::new(&mut store, Box::new(42u32));
    let values = [
        Val::I32(-5),
        Val::I64(i64::MIN),
        Val::F32(0x7fc0_0001),
        Val::F64(0xfff8_0000_0000_0001),
        Val::V128(u128::MAX - 3),
        Val::ExternRef(Some(r)),
        Val::ExternRef(None),
        Val::FuncRef(None),
    ];
    for v in values {
        let ty = GlobalType {
            content: v.ty(),
            mutable: true,
        };
        let g = Global::new(&mut store, ty, v).unwrap();
        assert_eq!(g.ty(&store), ty);
        assert_eq!(format!("{:?}", g.get(&store)), format!("{v:?}"));
    }
    let g = Global::new(
        &mut store,
        GlobalType {
            content: ValType::I32,
            mutable: false,
        },
        Val::I32(1),
    )
    .unwrap();
    assert!(matches!(
        g.set(&mut store, Val::I32(2)),
        Err(Error::Type(_))
    ));
    assert!(matches!(
        Global::new(
            &mut store,
            GlobalType {
                content: ValType::I64,
                mutable: true
            },
            Val::I32(0)
        ),
        Err(Error::Type(_))
    ));
    let m = Global::new(
        &mut store,
        GlobalType {
            content: ValType::I64,
            mutable: true,
        },
        Val::I64(1),
    )
    .unwrap();
    m.set(&mut store, Val::I64(99)).unwrap();
    assert!(matches!(m.get(&store), Val::I64(99)));
    assert!(matches!(
        m.set(&mut store, Val::F64(0)),
        Err(Error::Type(_))
    ));
}

#[test]
fn tables_store_and_grow_references() {
    let mut store = Store::new(&Engine::default());
    let f = Func::new(&mut store, FuncType::new([], [ValType::I32]), |_, _, r| {
        r[0] = Val::I32(1);
        Ok(())
    });
    let ty = TableType {
        element: ValType::FuncRef,
        min: 2,
        max: Some(4),
    };
    let t = Table::new(&mut store, ty, Val::FuncRef(Some(f))).unwrap();
    assert_eq!(t.size(&store), 2);
    assert!(matches!(t.get(&store, 1), Some(Val::FuncRef(Some(g))) if g == f));
    assert!(t.get(&store, 2).is_none());
    t.set(&mut store, 0, Val::FuncRef(None)).unwrap();
    assert!(matches!(t.get(&store, 0), Some(Val::FuncRef(None))));
    assert!(t.set(&mut store, 2, Val::FuncRef(None)).is_err());
    assert!(t.set(&mut store, 0, Val::I32(0)).is_err());
    assert_eq!(t.grow(&mut store, 2, Val::FuncRef(Some(f))).unwrap(), 2);
    assert!(matches!(t.get(&store, 3), Some(Val::FuncRef(Some(g))) if g == f));
    assert!(t.grow(&mut store, 1, Val::FuncRef(None)).is_err());
    assert_eq!(t.ty(&store).min, 4);

    let r = ExternRef::new(&mut store, Box::new(String::from("host value")));
    let et = Table::new(
        &mut store,
        TableType {
            element: ValType::ExternRef,
            min: 1,
            max: None,
        },
        Val::ExternRef(None),
    )
    .unwrap();
    et.set(&mut store, 0, Val::ExternRef(Some(r))).unwrap();
    let Some(Val::ExternRef(Some(back))) = et.get(&store, 0) else {
        panic!("externref lost");
    };
    assert_eq!(
        back.data(&store).downcast_ref::<String>().unwrap(),
        "host value"
    );
}

#[test]
fn host_functions_are_callable_from_the_host() {
    let mut store = Store::new(&Engine::default());
    let add = Func::new(
        &mut store,
        FuncType::new([ValType::I32, ValType::I64], [ValType::I64]),
        |_, p, r| {
            let (Val::I32(a), Val::I64(b)) = (p[0], p[1]) else {
                return Err(Trap::new("bad args"));
            };
            r[0] = Val::I64(a as i64 + b);
            Ok(())
        },
    );
    let mut out = [Val::I64(0)];
    add.call(&mut store, &[Val::I32(2), Val::I64(40)], &mut out)
        .unwrap();
    assert!(matches!(out[0], Val::I64(42)));
    assert!(matches!(
        add.call(&mut store, &[Val::I32(2)], &mut out),
        Err(Error::Type(_))
    ));
    assert!(matches!(
        add.call(&mut store, &[Val::I64(2), Val::I64(2)], &mut out),
        Err(Error::Type(_))
    ));

    // The raw path: slots in, slots out.
    let mut slots = [5u64, 6u64];
    // SAFETY: two slots holding an i32 and an i64, room for one result.
    unsafe { add.call_raw(&mut store, slots.as_mut_ptr()) }.unwrap();
    assert_eq!(slots[0], 11);

    let failing = Func::new(&mut store, FuncType::default(), |_, _, _| {
        Err(Trap::new("no luck"))
    });
    match failing.call(&mut store, &[], &mut []) {
        Err(Error::Trap(t)) => {
            assert_eq!(t.message(), "no luck");
            assert!(t.code().is_none());
        }
        other => panic!("expected a trap, got {other:?}"),
    }
    assert_eq!(add.ty(&store).params.len(), 2);
}

#[test]
fn malformed_modules_are_rejected() {
    let engine = Engine::default();
    for bytes in [
        &b""[..],
        b"\0asm",
        b"\0asm\x02\0\0\0",
        b"not wasm at all",
        b"\0asm\x01\0\0\0\x01\xff",
    ] {
        assert!(matches!(
            Module::new(&engine, bytes),
            Err(Error::Compile(_))
        ));
        assert!(matches!(
            Module::validate(&engine, bytes),
            Err(Error::Compile(_))
        ));
    }
    // Valid structure, invalid body: `i32.add` with an empty stack.
    let invalid = wat::parse_str("(module (func (result i32) i32.add))").unwrap();
    assert!(Module::validate(&engine, &invalid).is_err());
    assert!(Module::new(&engine, &invalid).is_err());
    let valid = wat::parse_str("(module (func (result i32) i32.const 1))").unwrap();
    Module::validate(&engine, &valid).unwrap();
}

#[test]
fn garbage_is_not_a_serialized_module() {
    let engine = Engine::default();
    for blob in [&b""[..], b"BRISKMOD", &[0u8; 64], b"\0asm\x01\0\0\0"] {
        assert!(Module::deserialize(&engine, blob).is_err());
    }
}

#[test]
#[should_panic(expected = "store")]
fn handles_of_another_store_panic() {
    let engine = Engine::default();
    let mut a = Store::new(&engine);
    let b = Store::new(&engine);
    let mem = Memory::new(&mut a, memory_type(1, None)).unwrap();
    mem.size(&b);
}

#[test]
fn features_select_the_webassembly_version() {
    let wasm2_only =
        wat::parse_str("(module (func (param i32) (result i32) (i32.extend8_s (local.get 0))))")
            .unwrap();
    let wasm1 = Engine::new(Config {
        features: brisk::Features::Wasm1,
        ..Config::default()
    });
    assert!(matches!(
        Module::validate(&wasm1, &wasm2_only),
        Err(Error::Compile(_))
    ));
    assert!(Module::new(&wasm1, &wasm2_only).is_err());
    Module::validate(&Engine::default(), &wasm2_only).unwrap();
    Module::new(&Engine::default(), &wasm2_only).unwrap();
}
