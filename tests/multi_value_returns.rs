//! Regression tests for a function's return of several values: the result
//! slots are the parameters' slots, so storing one result can overwrite a
//! parameter that another result still reads (issues 14 and 17). Each
//! pattern runs over i32, i64 and f64, through fallthrough, `return` and a
//! taken or not-taken `br_if` to the function.

use brisk::{Config, Engine, Extern, Instance, Module, Store, Val};

fn run(wat: &str, export: &str, args: &[Val], results: usize) -> Vec<Val> {
    let engine = Engine::new(Config::default());
    let bytes = wat::parse_str(wat).unwrap_or_else(|e| panic!("{e}\n{wat}"));
    let module = Module::new(&engine, &bytes).expect("compiles");
    let mut store = Store::new(&engine);
    let instance = Instance::new(&mut store, &module, &[]).expect("instantiates");
    let Some(Extern::Func(f)) = instance.get_export(&store, export) else {
        panic!("no export {export}");
    };
    let mut out = vec![Val::I32(0); results];
    f.call(&mut store, args, &mut out).expect("returns");
    out
}

/// A value of type `ty` as a wasm constant and as a `Val`.
fn typed(ty: &str, v: i64) -> (String, Val) {
    match ty {
        "i32" => (format!("(i32.const {v})"), Val::I32(v as i32)),
        "i64" => (format!("(i64.const {v})"), Val::I64(v)),
        "f64" => (format!("(f64.const {v})"), Val::F64((v as f64).to_bits())),
        _ => unreachable!(),
    }
}

fn same(a: &[Val], b: &[Val]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Val::I32(x), Val::I32(y)) => x == y,
            (Val::I64(x), Val::I64(y)) => x == y,
            (Val::F64(x), Val::F64(y)) => x == y,
            _ => false,
        })
}

const TYPES: [&str; 3] = ["i32", "i64", "f64"];

/// How the body's values leave the function.
const EXITS: [&str; 3] = ["", "return", "i32.const 1 br_if 0"];

#[test]
fn tee_of_a_locals_own_value_at_the_return() {
    // Pattern A: (7, 9) -> local.get 1 local.get 0 local.tee 0 = (9, 7).
    for ty in TYPES {
        for exit in EXITS {
            let wat = format!(
                "(module
                   (func $swap (param {ty} {ty}) (result {ty} {ty})
                     local.get 1 local.get 0 local.tee 0 {exit})
                   (func (export \"f\") (result {ty} {ty})
                     {} {} call $swap))",
                typed(ty, 7).0,
                typed(ty, 9).0
            );
            let got = run(&wat, "f", &[], 2);
            let want = [typed(ty, 9).1, typed(ty, 7).1];
            assert!(same(&got, &want), "{ty} {exit:?}: {got:?}");
        }
    }
}

#[test]
fn tee_of_a_locals_own_value_with_three_results() {
    for ty in TYPES {
        let wat = format!(
            "(module
               (func (export \"f\") (param {ty} {ty} {ty}) (result {ty} {ty} {ty})
                 local.get 2 local.get 1 local.get 0 local.tee 0))"
        );
        let args = [typed(ty, 1).1, typed(ty, 2).1, typed(ty, 3).1];
        let got = run(&wat, "f", &args, 3);
        let want = [typed(ty, 3).1, typed(ty, 2).1, typed(ty, 1).1];
        assert!(same(&got, &want), "{ty}: {got:?}");
    }
}

#[test]
fn call_result_teed_twice_over_a_value_already_on_the_stack() {
    // Pattern B: called with (7, 9), must return (7, 5).
    for ty in TYPES {
        for exit in EXITS {
            let wat = format!(
                "(module
                   (func $id (param {ty}) (result {ty}) local.get 0)
                   (func (export \"f\") (param {ty} {ty}) (result {ty} {ty})
                     local.get 0 {} call $id local.tee 0 local.tee 0 {exit}))",
                typed(ty, 5).0
            );
            let got = run(&wat, "f", &[typed(ty, 7).1, typed(ty, 9).1], 2);
            let want = [typed(ty, 7).1, typed(ty, 5).1];
            assert!(same(&got, &want), "{ty} {exit:?}: {got:?}");
        }
    }
}

#[test]
fn many_results_read_back_other_parameters() {
    // Pattern C: 15 parameters, 14 results, more than there are registers.
    for ty in TYPES {
        for exit in EXITS {
            let params = vec![ty; 15].join(" ");
            let results = vec![ty; 14].join(" ");
            let wat = format!(
                "(module
                   (func (export \"f\") (param {params}) (result {results})
                     local.get 3 local.get 4 local.get 5 local.get 6 local.get 7 local.get 8
                     local.get 9 local.get 10 local.get 11 local.get 12 local.get 13 local.get 14
                     local.get 0 drop local.get 1 local.get 0 {exit}))"
            );
            let values: Vec<i64> = [7, 9, 11].into_iter().chain(21..33).collect();
            let args: Vec<Val> = values.iter().map(|&v| typed(ty, v).1).collect();
            let got = run(&wat, "f", &args, 14);
            let want: Vec<Val> = values[3..15]
                .iter()
                .chain(&[9, 7])
                .map(|&v| typed(ty, v).1)
                .collect();
            assert!(same(&got, &want), "{ty} {exit:?}: {got:?}");
        }
    }
}

#[test]
fn reversed_parameters_through_every_exit() {
    // Every result reads another parameter's slot: a full permutation.
    for ty in TYPES {
        for exit in EXITS {
            let params = [ty; 6].join(" ");
            let wat = format!(
                "(module
                   (func (export \"f\") (param {params}) (result {params})
                     local.get 5 local.get 4 local.get 3 local.get 2 local.get 1 local.get 0
                     {exit}))"
            );
            let args: Vec<Val> = (1..=6).map(|v| typed(ty, v).1).collect();
            let got = run(&wat, "f", &args, 6);
            let want: Vec<Val> = (1..=6).rev().map(|v| typed(ty, v).1).collect();
            assert!(same(&got, &want), "{ty} {exit:?}: {got:?}");
        }
    }
}

#[test]
fn a_br_if_to_the_function_that_is_not_taken_leaves_the_values_intact() {
    // The return sequence of a `br_if` is emitted on the taken path only:
    // the fallthrough must still see the values where they were.
    for ty in TYPES {
        let wat = format!(
            "(module
               (func (export \"f\") (param {ty} {ty} i32) (result {ty} {ty})
                 local.get 1 local.get 0 local.get 0 local.set 1
                 local.get 2 br_if 0
                 local.set 0 local.set 1
                 local.get 1 local.get 0))"
        );
        let a = typed(ty, 7).1;
        let b = typed(ty, 9).1;
        let taken = run(&wat, "f", &[a, b, Val::I32(1)], 2);
        assert!(same(&taken, &[b, a]), "{ty} taken: {taken:?}");
        let not_taken = run(&wat, "f", &[a, b, Val::I32(0)], 2);
        assert!(same(&not_taken, &[b, a]), "{ty} not taken: {not_taken:?}");
    }
}

#[test]
fn v128_results_overlapping_scalar_parameters() {
    // A v128 result spans two scalar parameter slots.
    let wat = "(module
       (func (export \"f\") (param i64 i64 v128) (result v128 i64 i64)
         local.get 2 local.get 1 local.get 0))";
    let v = 0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10u128;
    let got = run(wat, "f", &[Val::I64(7), Val::I64(9), Val::V128(v)], 3);
    match got[..] {
        [Val::V128(x), Val::I64(9), Val::I64(7)] if x == v => {}
        _ => panic!("{got:?}"),
    }
}
