//! Reproducers from differential fuzzing, reduced by hand, with the result
//! the specification requires. Each names where it came from; some are
//! divergences where the reference interpreter (wasmi 2.0.0) was wrong and
//! brisk right, kept so that brisk stays right.

use brisk::{Config, Engine, Extern, Instance, Module, Store, Val};

/// Instantiates `wat` and calls export `f` with `args`, returning its results.
fn run(wat: &str, args: &[Val], results: usize) -> Vec<Val> {
    let engine = Engine::new(Config::default());
    let module = Module::new(&engine, &wat::parse_str(wat).expect("valid text")).expect("compiles");
    let mut store = Store::new(&engine);
    let instance = Instance::new(&mut store, &module, &[]).expect("instantiates");
    let Some(Extern::Func(f)) = instance.get_export(&store, "f") else {
        panic!("no export f");
    };
    let mut out = vec![Val::I32(0); results];
    f.call(&mut store, args, &mut out).expect("returns");
    out
}

fn i32_of(v: Val) -> i32 {
    match v {
        Val::I32(x) => x,
        other => panic!("expected i32, got {other:?}"),
    }
}

fn i64_of(v: Val) -> i64 {
    match v {
        Val::I64(x) => x,
        other => panic!("expected i64, got {other:?}"),
    }
}

/// Differential seed 174/243 (wasmi wrong): wasm-smith's guarded `i32.div_s`
/// makes the divisor `select(1, d, d == 0)`, so it is never zero; wasmi
/// 2.0.0 traps "integer divide by zero". 7 / 1 = 7.
#[test]
fn guarded_division_never_divides_by_zero() {
    let wat = r#"
      (module
        (memory 1 4)
        (global (mut i32) (i32.const 796343009))
        (func (export "f") (result i32)
          (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
          i32.const 7
          global.get 0
          local.set 8
          block
            block
              memory.size
              i32.const 65536
              i32.mul
              i32.const 798290944
              local.get 8
              i32.add
              i32.le_u
              br_if 0
              local.get 8
              i32.const 0
              i32.le_s
              br_if 0
              local.get 8
              i32.load16_s offset=798290940 align=1
              local.set 9
              br 1
            end
            i32.const 0
            local.set 9
          end
          local.get 9
          local.set 10
          i32.const 1
          local.get 10
          local.get 10
          i32.eqz
          select
          local.set 10
          local.set 11
          block
            block
              local.get 11
              local.get 10
              local.set 10
              local.tee 11
              i32.const -2147483648
              i32.ne
              br_if 0
              local.get 10
              i32.const -1
              i32.ne
              br_if 0
              i32.const 1
              local.set 10
              br 1
            end
          end
          local.get 11
          local.get 10
          i32.div_s))
    "#;
    assert_eq!(i32_of(run(wat, &[], 1)[0]), 7);
}

/// Differential seed 1379 (wasmi wrong): below an `if` with an f64
/// parameter, whose else arm consumes the parameter, the operand
/// `local.get 0` stays intact. g2 = bits(param) ^ bits(NaN constant).
#[test]
fn if_with_param_keeps_the_operand_below() {
    let wat = r#"
      (module
        (memory 1)
        (global (mut i64) (i64.const 0))
        (global (mut i32) (i32.const 0))
        (global (mut i64) (i64.const 0))
        (func (export "f") (param f64) (result i64)
          (local f64)
          local.get 0
          i64.const 1753931168029175365
          f64.const -nan:0xfffffffff8000
          memory.size
          i32.eqz
          if (param f64)
            local.get 1
            f64.ne
            local.get 1
            f64.const inf
            f64.eq
            i32.or
            if
            end
            local.get 1
            f64.const 0
            f64.lt
            if
              f64.const 0
              local.set 1
            end
            local.get 1
            i32.trunc_f64_u
            global.get 1
            i32.xor
            global.set 1
          else
            i64.reinterpret_f64
            global.set 2
          end
          global.set 0
          i64.reinterpret_f64
          global.get 2
          i64.xor
          global.set 2
          global.get 2))
    "#;
    let p = 0xc3e0_0000_0000_0001u64;
    let got = i64_of(run(wat, &[Val::F64(p)], 1)[0]) as u64;
    assert_eq!(got, p ^ 0xffff_ffff_ffff_8000);
}

/// Robustness seed 1464 (brisk bug, fixed in src/runtime/serialize.rs): the
/// blob checksum was FNV-1a over 8-byte words, where flipping the top bit of
/// two words cancels out (multiplying by an odd constant only moves a
/// difference upwards), so a blob with two such corrupted bytes loaded and
/// its corrupted code could run. Every pair of top-bit flips in the payload
/// must now be refused.
#[test]
fn serialized_blob_with_two_top_bit_flips_is_refused() {
    let engine = Engine::new(Config::default());
    let wasm = wat::parse_str(
        r#"(module (func (export "f") (result i32) i32.const 42) (memory 1) (data (i32.const 0) "brisk"))"#,
    )
    .unwrap();
    let blob = Module::new(&engine, &wasm).unwrap().serialize();
    const HEADER: usize = 36;
    let words = (blob.len() - HEADER) / 8;
    for a in 0..words.min(16) {
        for b in a + 1..words.min(16) {
            let mut bad = blob.clone();
            bad[HEADER + 8 * a + 7] ^= 0x80;
            bad[HEADER + 8 * b + 7] ^= 0x80;
            assert!(
                Module::deserialize(&engine, &bad).is_err(),
                "top bits of payload words {a} and {b} flipped: blob loaded"
            );
        }
    }
    assert!(Module::deserialize(&engine, &blob).is_ok());
}
