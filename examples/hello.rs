//! The smallest complete host program: compile a module that imports a host
//! function, instantiate it with a Rust closure as that import, call its
//! export and print the result.
//!
//! Run with `cargo run --release --example hello`.

use brisk::{Engine, Extern, Func, FuncType, Instance, Module, Store, Val, ValType};

/// `run(x)` calls the host's `double(x)` and adds one.
const WAT: &str = r#"
(module
  (import "host" "double" (func $double (param i32) (result i32)))
  (func (export "run") (param i32) (result i32)
    local.get 0
    call $double
    i32.const 1
    i32.add))
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let engine = Engine::default();
    let module = Module::new(&engine, &wat::parse_str(WAT)?)?;
    let mut store = Store::new(&engine);

    let double_ty = FuncType::new([ValType::I32], [ValType::I32]);
    let double = Func::new(&mut store, double_ty, |_store, params, results| {
        let Val::I32(x) = params[0] else {
            unreachable!("the engine checks the import's type");
        };
        println!("host: double({x}) called from wasm");
        results[0] = Val::I32(x.wrapping_mul(2));
        Ok(())
    });

    let instance = Instance::new(&mut store, &module, &[Extern::Func(double)])?;
    let Some(Extern::Func(run)) = instance.get_export(&store, "run") else {
        return Err("the module has no function export `run`".into());
    };
    let mut results = [Val::I32(0)];
    run.call(&mut store, &[Val::I32(20)], &mut results)?;
    let Val::I32(answer) = results[0] else {
        return Err(format!("`run` returned {:?}, not an i32", results[0]).into());
    };
    println!("wasm: run(20) = {answer}");
    Ok(())
}
