//! The `spectest` host module that the testsuite imports from: no-op print
//! functions, four immutable globals, a table and a memory.

use brisk::{
    Extern, Func, FuncType, Global, GlobalType, Memory, MemoryType, Store, Table, TableType, Val,
    ValType,
};

/// Creates the `spectest` exports in `store`, as `(name, extern)` pairs.
pub fn instantiate(store: &mut Store) -> Result<Vec<(String, Extern)>, String> {
    use ValType::{F32, F64, I32, I64};
    let mut exports = Vec::new();

    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[I32]),
        ("print_i64", &[I64]),
        ("print_f32", &[F32]),
        ("print_f64", &[F64]),
        ("print_i32_f32", &[I32, F32]),
        ("print_f64_f64", &[F64, F64]),
    ];
    for (name, params) in prints {
        let ty = FuncType::new(params.iter().copied(), []);
        // The tests only check that the calls link and return; output would
        // just clutter the report.
        let func = Func::new(store, ty, |_, _, _| Ok(()));
        exports.push((name.to_string(), Extern::Func(func)));
    }

    let globals = [
        ("global_i32", I32, Val::I32(666)),
        ("global_i64", I64, Val::I64(666)),
        ("global_f32", F32, Val::F32(666.6f32.to_bits())),
        ("global_f64", F64, Val::F64(666.6f64.to_bits())),
    ];
    for (name, content, init) in globals {
        let ty = GlobalType {
            content,
            mutable: false,
        };
        let global = Global::new(store, ty, init).map_err(|e| format!("spectest.{name}: {e}"))?;
        exports.push((name.to_string(), Extern::Global(global)));
    }

    let table_ty = TableType {
        element: ValType::FuncRef,
        min: 10,
        max: Some(20),
    };
    let table = Table::new(store, table_ty, Val::FuncRef(None))
        .map_err(|e| format!("spectest.table: {e}"))?;
    exports.push(("table".to_string(), Extern::Table(table)));

    let memory_ty = MemoryType {
        min: 1,
        max: Some(2),
        shared: false,
    };
    let memory = Memory::new(store, memory_ty).map_err(|e| format!("spectest.memory: {e}"))?;
    exports.push(("memory".to_string(), Extern::Memory(memory)));

    Ok(exports)
}
