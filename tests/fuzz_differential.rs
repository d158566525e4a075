//! Differential fuzzing against the reference interpreter wasmi: random
//! valid WebAssembly 2.0 modules (no SIMD) from wasm-smith, every export
//! called with deterministic arguments in both engines, and after every call
//! the results (NaN-aware), traps (kind included), and the contents of every
//! exported global, memory and table compared.
//!
//! `FUZZ_ITERS` random seeds run after a fixed list (default: a number that
//! keeps a release run well under a minute on two cores); `FUZZ_START` moves
//! the first random seed, `FUZZ_SEED` runs one seed alone, and `FUZZ_FILE`
//! (with `FUZZ_SEED`, which picks arguments and bounds checks) runs a saved or
//! hand-reduced module instead. Each failing module is written to
//! `target/fuzz-failures/` with its report.

mod fuzz_common;

use brisk::{
    BoundsChecks, Config, Engine, Extern, Instance, Module, Store, TrapCode, Val, ValType,
};
use fuzz_common::{Rng, FUEL, FUEL_EXPORT};

/// Seeds that once diverged, always run: 685 (a segment that does not fit,
/// an instantiation error in wasmi and a trap in brisk), and the triaged
/// reference bugs below, which must keep being recognised.
const FIXED_SEEDS: &[u64] = &[
    685, 1379, 4651, 8530, 25283, 33094, 34599, 41335, 43984, 60027, 64362, 66031, 72330, 74191,
    75903, 77463,
];

/// Seeds where wasmi 2.0.0 is wrong, triaged by hand against wasmtime and the
/// specification; they are compared up to the divergence and reported, not
/// failed.
const KNOWN_REFERENCE_BUGS: &[(u64, &str)] = &[
    (
        1379,
        "below an `if (param f64)` whose else arm consumes the parameter, wasmi \
         replaces the `local.get 0` operand by the parameter (a NaN constant) \
         (reproducer: fuzz_regressions::if_with_param_keeps_the_operand_below)",
    ),
    (
        8530,
        "wasmi returns wrong values for four of five results of export \"2\" \
         (i32, i64, f32, i32); wasmtime agrees with brisk",
    ),
    (
        25283,
        "second call of export \"2\": wasmi returns, wasmtime and brisk run out \
         of fuel (`unreachable`)",
    ),
    (
        33094,
        "an i64 global off by one after export \"\"; wasmtime agrees with brisk",
    ),
    (
        34599,
        "wasmi leaves 1431655765 in an i32 global that wasmtime and brisk leave at 0",
    ),
    (
        41335,
        "wasmi leaves -1538499794 in an i32 global where wasmtime and brisk leave \
         1538499776",
    ),
    (
        43984,
        "wasmi leaves 2305843009213693952 in an i64 global where wasmtime and \
         brisk leave 2310346608841064448",
    ),
    (
        60027,
        "table \"6\" grows by a quotient of wasm-smith's guarded division: wasmi \
         to 906 entries, wasmtime and brisk stay at 898",
    ),
    (
        64362,
        "the start function runs out of fuel in wasmtime and brisk; wasmi returns",
    ),
    (
        66031,
        "wasmi leaves 1 in an i32 global that wasmtime and brisk set to 298565030",
    ),
    (
        72330,
        "wasmi leaves 1 in an i32 global that wasmtime and brisk leave at 0",
    ),
    (
        74191,
        "second call of export \"5\": wasmi runs out of fuel, wasmtime and brisk return",
    ),
    (
        75903,
        "wasmi leaves 0 in an i64 global that wasmtime and brisk set",
    ),
    (
        77463,
        "wasmi leaves 1708781364 in an i32 global where wasmtime and brisk leave \
         2104549676",
    ),
    (
        4651,
        "wasmi returns 0 for an i64 result where wasmtime and brisk agree on \
         -8357499234340965718",
    ),
];

/// A trap, in terms both engines can express. wasmi reports an out-of-range
/// `call_indirect` index as a table access out of bounds, as brisk's
/// `UndefinedElement` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TrapKind {
    Unreachable,
    MemoryOutOfBounds,
    TableOutOfBounds,
    IndirectCallToNull,
    BadSignature,
    IntegerOverflow,
    DivisionByZero,
    BadConversion,
    StackOverflow,
    /// Anything else (a non-trap error, or a code with no counterpart).
    Other,
}

fn brisk_trap_kind(code: Option<TrapCode>) -> TrapKind {
    match code {
        Some(TrapCode::UnreachableCodeReached) => TrapKind::Unreachable,
        Some(TrapCode::MemoryOutOfBounds) => TrapKind::MemoryOutOfBounds,
        Some(TrapCode::TableOutOfBounds | TrapCode::UndefinedElement) => TrapKind::TableOutOfBounds,
        Some(TrapCode::UninitializedElement) => TrapKind::IndirectCallToNull,
        Some(TrapCode::IndirectCallTypeMismatch) => TrapKind::BadSignature,
        Some(TrapCode::IntegerOverflow) => TrapKind::IntegerOverflow,
        Some(TrapCode::IntegerDivisionByZero) => TrapKind::DivisionByZero,
        Some(TrapCode::BadConversionToInteger) => TrapKind::BadConversion,
        Some(TrapCode::StackOverflow) => TrapKind::StackOverflow,
        Some(TrapCode::NullReference | TrapCode::HostTrap) | None => TrapKind::Other,
    }
}

fn wasmi_trap_kind(e: &wasmi::Error) -> TrapKind {
    use wasmi::TrapCode as W;
    match e.as_trap_code() {
        Some(W::UnreachableCodeReached) => TrapKind::Unreachable,
        Some(W::MemoryOutOfBounds) => TrapKind::MemoryOutOfBounds,
        Some(W::TableOutOfBounds) => TrapKind::TableOutOfBounds,
        Some(W::IndirectCallToNull) => TrapKind::IndirectCallToNull,
        Some(W::BadSignature) => TrapKind::BadSignature,
        Some(W::IntegerOverflow) => TrapKind::IntegerOverflow,
        Some(W::IntegerDivisionByZero) => TrapKind::DivisionByZero,
        Some(W::BadConversionToInteger) => TrapKind::BadConversion,
        Some(W::StackOverflow) => TrapKind::StackOverflow,
        // Segment initialisers that do not fit are instantiation errors in
        // wasmi, traps in the specification.
        _ if format!("{e:?}").contains("ElementSegmentDoesNotFit") => TrapKind::TableOutOfBounds,
        _ if format!("{e:?}").contains("DataSegmentDoesNotFit") => TrapKind::MemoryOutOfBounds,
        _ => {
            if std::env::var_os("FUZZ_VERBOSE").is_some() {
                eprintln!("wasmi error without a trap code: {e:?}");
            }
            TrapKind::Other
        }
    }
}

/// A value both engines can report: references as null or the index of the
/// export naming the function (generated modules export every function).
#[derive(Debug, Clone, Copy)]
enum Value {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    /// `None` is null; `Some(i)` is the function of the `i`-th export in
    /// name order (`u32::MAX` for a function that is not exported).
    FuncRef(Option<u32>),
    ExternRef(bool),
}

impl PartialEq for Value {
    /// Any NaN equals any NaN: NaN bits are nondeterministic in wasm.
    fn eq(&self, other: &Value) -> bool {
        match (*self, *other) {
            (Value::I32(a), Value::I32(b)) => a == b,
            (Value::I64(a), Value::I64(b)) => a == b,
            (Value::F32(a), Value::F32(b)) => {
                a == b || (f32::from_bits(a).is_nan() && f32::from_bits(b).is_nan())
            }
            (Value::F64(a), Value::F64(b)) => {
                a == b || (f64::from_bits(a).is_nan() && f64::from_bits(b).is_nan())
            }
            (Value::FuncRef(a), Value::FuncRef(b)) => a == b,
            (Value::ExternRef(a), Value::ExternRef(b)) => a == b,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Returned(Vec<Value>),
    Trapped(TrapKind),
    /// wasmi panicked (a bug of the reference).
    ReferencePanicked,
}

/// Everything observable from outside after a call, by export name (wasmi
/// lists exports in name order, brisk in module order).
#[derive(Debug, Clone, PartialEq)]
enum ExportState {
    Global(Value),
    /// Size in pages, then the bytes.
    Memory(u64, Vec<u8>),
    Table(Vec<Value>),
    Func,
}

trait Sorted {
    fn sorted(self) -> Self;
}

impl Sorted for Vec<(String, ExportState)> {
    fn sorted(mut self) -> Self {
        self.sort_by(|a, b| a.0.cmp(&b.0));
        self
    }
}

/// One engine behind a common interface.
trait Side {
    fn exports(&self) -> Vec<String>;
    fn func_params(&self, name: &str) -> Option<Vec<ValType>>;
    fn set_fuel(&mut self, fuel: i32);
    fn call(&mut self, name: &str, args: &[Value]) -> Outcome;
    fn state(&self) -> Vec<(String, ExportState)>;
}

struct BriskSide {
    store: Store,
    instance: Instance,
    /// Exported functions, in export order, to name funcref values.
    funcs: Vec<(u32, brisk::Func)>,
}

impl BriskSide {
    fn new(module: &Module, log: HostLog) -> Result<BriskSide, TrapKind> {
        let mut store = Store::new(module.engine());
        let imports: Vec<Extern> = module
            .imports()
            .iter()
            .map(|imp| brisk_import(&mut store, host_id(&imp.module, &imp.name), &imp.ty, &log))
            .collect();
        let instance = match Instance::new(&mut store, module, &imports) {
            Ok(i) => i,
            Err(brisk::Error::Trap(t)) => return Err(brisk_trap_kind(t.code())),
            Err(_) => return Err(TrapKind::Other),
        };
        let mut exports = instance.exports(&store);
        exports.sort_by(|a, b| a.0.cmp(&b.0));
        let funcs = exports
            .into_iter()
            .enumerate()
            .filter_map(|(i, (_, e))| match e {
                Extern::Func(f) => Some((i as u32, f)),
                _ => None,
            })
            .collect();
        Ok(BriskSide {
            store,
            instance,
            funcs,
        })
    }

    fn value(&self, v: Val) -> Value {
        match v {
            Val::I32(x) => Value::I32(x),
            Val::I64(x) => Value::I64(x),
            Val::F32(x) => Value::F32(x),
            Val::F64(x) => Value::F64(x),
            Val::V128(_) => unreachable!("SIMD is disabled"),
            Val::FuncRef(None) => Value::FuncRef(None),
            Val::FuncRef(Some(f)) => Value::FuncRef(Some(
                self.funcs
                    .iter()
                    .find(|(_, g)| *g == f)
                    .map_or(u32::MAX, |(i, _)| *i),
            )),
            Val::ExternRef(r) => Value::ExternRef(r.is_some()),
        }
    }

    fn export(&self, name: &str) -> Extern {
        self.instance
            .get_export(&self.store, name)
            .expect("export listed by the instance")
    }
}

impl Side for BriskSide {
    fn exports(&self) -> Vec<String> {
        self.instance
            .exports(&self.store)
            .into_iter()
            .map(|(n, _)| n)
            .collect()
    }

    fn func_params(&self, name: &str) -> Option<Vec<ValType>> {
        match self.export(name) {
            Extern::Func(f) => Some(f.ty(&self.store).params.to_vec()),
            _ => None,
        }
    }

    fn set_fuel(&mut self, fuel: i32) {
        // Hand-written reproducers may have no fuel.
        if let Some(Extern::Global(g)) = self.instance.get_export(&self.store, FUEL_EXPORT) {
            g.set(&mut self.store, Val::I32(fuel)).expect("set fuel");
        }
    }

    fn call(&mut self, name: &str, args: &[Value]) -> Outcome {
        let Extern::Func(f) = self.export(name) else {
            panic!("{name} is not a function");
        };
        let ty = f.ty(&self.store);
        let params: Vec<Val> = args
            .iter()
            .map(|a| match *a {
                Value::I32(x) => Val::I32(x),
                Value::I64(x) => Val::I64(x),
                Value::F32(x) => Val::F32(x),
                Value::F64(x) => Val::F64(x),
                Value::FuncRef(_) => Val::FuncRef(None),
                Value::ExternRef(_) => Val::ExternRef(None),
            })
            .collect();
        let mut results: Vec<Val> = ty.results.iter().map(|t| Val::default_for(*t)).collect();
        match f.call(&mut self.store, &params, &mut results) {
            Ok(()) => Outcome::Returned(results.into_iter().map(|v| self.value(v)).collect()),
            Err(brisk::Error::Trap(t)) => Outcome::Trapped(brisk_trap_kind(t.code())),
            Err(e) => panic!("brisk call of {name} failed without a trap: {e}"),
        }
    }

    fn state(&self) -> Vec<(String, ExportState)> {
        self.instance
            .exports(&self.store)
            .into_iter()
            .filter(|(n, _)| n != FUEL_EXPORT)
            .map(|(n, e)| {
                let s = match e {
                    Extern::Func(_) => ExportState::Func,
                    Extern::Global(g) => ExportState::Global(self.value(g.get(&self.store))),
                    Extern::Memory(m) => ExportState::Memory(
                        m.size(&self.store) as u64,
                        m.data(&self.store).to_vec(),
                    ),
                    Extern::Table(t) => ExportState::Table(
                        (0..t.size(&self.store))
                            .map(|i| self.value(t.get(&self.store, i).expect("in bounds")))
                            .collect(),
                    ),
                };
                (n, s)
            })
            .collect::<Vec<_>>()
            .sorted()
    }
}

struct WasmiSide {
    store: wasmi::Store<()>,
    instance: wasmi::Instance,
    /// Exported functions, in export order, keyed by their handle's debug
    /// text (wasmi handles have no equality; the text names the store slot).
    funcs: Vec<(u32, String)>,
}

impl WasmiSide {
    fn new(
        engine: &wasmi::Engine,
        wasm: &[u8],
        log: HostLog,
    ) -> Result<Result<WasmiSide, TrapKind>, String> {
        let module = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            wasmi::Module::new(engine, wasm)
        }))
        .map_err(|_| "wasmi panicked".to_string())?
        .map_err(|e| e.to_string())?;
        let mut store = wasmi::Store::new(engine, ());
        // wasmi lists imports grouped by kind, not in module order: name
        // them by module and field, as brisk's side does.
        let import_types: Vec<(usize, wasmi::ExternType)> = module
            .imports()
            .map(|i| (host_id(i.module(), i.name()), i.ty().clone()))
            .collect();
        let imports: Vec<wasmi::Extern> = import_types
            .iter()
            .map(|(id, ty)| wasmi_import(&mut store, *id, ty, &log))
            .collect();
        let instance = match wasmi::Instance::new(&mut store, &module, &imports) {
            Ok(i) => i,
            Err(e) => return Ok(Err(wasmi_trap_kind(&e))),
        };
        let mut exports: Vec<_> = instance.exports(&store).collect();
        exports.sort_by(|a, b| a.name().cmp(b.name()));
        let funcs = exports
            .into_iter()
            .enumerate()
            .filter_map(|(i, e)| e.into_func().map(|f| (i as u32, format!("{f:?}"))))
            .collect();
        Ok(Ok(WasmiSide {
            store,
            instance,
            funcs,
        }))
    }

    fn value(&self, v: &wasmi::Val) -> Value {
        match v {
            wasmi::Val::I32(x) => Value::I32(*x),
            wasmi::Val::I64(x) => Value::I64(*x),
            wasmi::Val::F32(x) => Value::F32(x.to_bits()),
            wasmi::Val::F64(x) => Value::F64(x.to_bits()),
            wasmi::Val::V128(_) => unreachable!("SIMD is disabled"),
            wasmi::Val::FuncRef(f) => Value::FuncRef(f.val().map(|f| {
                let key = format!("{f:?}");
                self.funcs
                    .iter()
                    .find(|(_, k)| *k == key)
                    .map_or(u32::MAX, |(i, _)| *i)
            })),
            wasmi::Val::ExternRef(r) => Value::ExternRef(!r.is_null()),
        }
    }

    fn ref_value(&self, r: wasmi::Ref) -> Value {
        match r {
            wasmi::Ref::Func(f) => self.value(&wasmi::Val::FuncRef(f)),
            wasmi::Ref::Extern(e) => self.value(&wasmi::Val::ExternRef(e)),
        }
    }
}

fn wasmi_default(ty: &wasmi::ValType) -> wasmi::Val {
    wasmi::Val::default_for_ty(*ty)
}

impl Side for WasmiSide {
    fn exports(&self) -> Vec<String> {
        self.instance
            .exports(&self.store)
            .map(|e| e.name().to_string())
            .collect()
    }

    fn func_params(&self, _name: &str) -> Option<Vec<ValType>> {
        unimplemented!("brisk's view of the signature drives both sides")
    }

    fn set_fuel(&mut self, fuel: i32) {
        if let Some(g) = self.instance.get_global(&self.store, FUEL_EXPORT) {
            g.set(&mut self.store, wasmi::Val::I32(fuel))
                .expect("set fuel");
        }
    }

    fn call(&mut self, name: &str, args: &[Value]) -> Outcome {
        let f = self
            .instance
            .get_func(&self.store, name)
            .expect("exported function");
        let ty = f.ty(&self.store);
        let params: Vec<wasmi::Val> = args
            .iter()
            .map(|a| match *a {
                Value::I32(x) => wasmi::Val::I32(x),
                Value::I64(x) => wasmi::Val::I64(x),
                Value::F32(x) => wasmi::Val::F32(wasmi::F32::from_bits(x)),
                Value::F64(x) => wasmi::Val::F64(wasmi::F64::from_bits(x)),
                Value::FuncRef(_) => wasmi::Val::FuncRef(wasmi::Nullable::Null),
                Value::ExternRef(_) => wasmi::Val::ExternRef(wasmi::Nullable::Null),
            })
            .collect();
        let mut results: Vec<wasmi::Val> = ty.results().iter().map(wasmi_default).collect();
        // wasmi translates function bodies lazily, at their first call, and
        // its translator has panicked on valid input.
        let call = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            f.call(&mut self.store, &params, &mut results)
        }));
        match call {
            Ok(Ok(())) => Outcome::Returned(results.iter().map(|v| self.value(v)).collect()),
            Ok(Err(e)) => Outcome::Trapped(wasmi_trap_kind(&e)),
            Err(_) => Outcome::ReferencePanicked,
        }
    }

    fn state(&self) -> Vec<(String, ExportState)> {
        self.instance
            .exports(&self.store)
            .filter(|e| e.name() != FUEL_EXPORT)
            .map(|e| {
                let name = e.name().to_string();
                let s = match e.into_extern() {
                    wasmi::Extern::Func(_) => ExportState::Func,
                    wasmi::Extern::Global(g) => {
                        ExportState::Global(self.value(&g.get(&self.store)))
                    }
                    wasmi::Extern::Memory(m) => {
                        ExportState::Memory(m.size(&self.store), m.data(&self.store).to_vec())
                    }
                    wasmi::Extern::Table(t) => ExportState::Table(
                        (0..t.size(&self.store))
                            .map(|i| self.ref_value(t.get(&self.store, i).expect("in bounds")))
                            .collect(),
                    ),
                };
                (name, s)
            })
            .collect::<Vec<_>>()
            .sorted()
    }
}

/// The calls host functions received, in order, one line each; both
/// engines must make the same calls with the same arguments.
type HostLog = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

/// The identity of an import for the host: a hash of its module and field
/// names (wasmi and brisk list imports in different orders).
fn host_id(module: &str, name: &str) -> usize {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for b in module.bytes().chain([0xff]).chain(name.bytes()) {
        h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h as usize
}

/// What host function `index` returns for `args`: results of the given
/// types derived from a hash of the arguments (never NaN, so that
/// canonicalization is not needed), or `None` to trap (one call in 16).
fn host_results(index: usize, args: &[Value], results: &[ValType]) -> Option<Vec<Value>> {
    let mut h = 0x9e37_79b9_7f4a_7c15u64 ^ index as u64;
    for a in args {
        let bits = match *a {
            Value::I32(x) => x as u32 as u64,
            Value::I64(x) => x as u64,
            Value::F32(x) => x as u64,
            Value::F64(x) => x,
            Value::FuncRef(r) => r.is_some() as u64,
            Value::ExternRef(r) => r as u64,
        };
        h = (h ^ bits)
            .wrapping_mul(0x0000_0100_0000_01b3)
            .rotate_left(17);
    }
    if h.is_multiple_of(16) {
        return None;
    }
    let not_nan32 = |b: u32| if f32::from_bits(b).is_nan() { 0 } else { b };
    let not_nan64 = |b: u64| if f64::from_bits(b).is_nan() { 0 } else { b };
    Some(
        results
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let r = h.rotate_left(i as u32 * 13);
                match t {
                    ValType::I32 => Value::I32(r as i32),
                    ValType::I64 => Value::I64(r as i64),
                    ValType::F32 => Value::F32(not_nan32(r as u32)),
                    ValType::F64 => Value::F64(not_nan64(r)),
                    ValType::FuncRef => Value::FuncRef(None),
                    ValType::ExternRef => Value::ExternRef(false),
                    ValType::V128 => unreachable!("SIMD is disabled"),
                }
            })
            .collect(),
    )
}

/// A host value's arguments as [`Value`]s (references by null-ness only).
fn brisk_host_value(v: &Val) -> Value {
    match *v {
        Val::I32(x) => Value::I32(x),
        Val::I64(x) => Value::I64(x),
        Val::F32(x) => Value::F32(x),
        Val::F64(x) => Value::F64(x),
        Val::V128(_) => unreachable!("SIMD is disabled"),
        Val::FuncRef(f) => Value::FuncRef(f.map(|_| u32::MAX)),
        Val::ExternRef(r) => Value::ExternRef(r.is_some()),
    }
}

fn wasmi_host_value(v: &wasmi::Val) -> Value {
    match v {
        wasmi::Val::I32(x) => Value::I32(*x),
        wasmi::Val::I64(x) => Value::I64(*x),
        wasmi::Val::F32(x) => Value::F32(x.to_bits()),
        wasmi::Val::F64(x) => Value::F64(x.to_bits()),
        wasmi::Val::V128(_) => unreachable!("SIMD is disabled"),
        wasmi::Val::FuncRef(f) => Value::FuncRef(f.val().map(|_| u32::MAX)),
        wasmi::Val::ExternRef(r) => Value::ExternRef(!r.is_null()),
    }
}

fn brisk_valtype(t: &wasmi::ValType) -> ValType {
    match t {
        wasmi::ValType::I32 => ValType::I32,
        wasmi::ValType::I64 => ValType::I64,
        wasmi::ValType::F32 => ValType::F32,
        wasmi::ValType::F64 => ValType::F64,
        wasmi::ValType::V128 => ValType::V128,
        wasmi::ValType::FuncRef => ValType::FuncRef,
        wasmi::ValType::ExternRef => ValType::ExternRef,
    }
}

/// Import `index` of type `ty` for brisk: host functions per
/// [`host_results`], zero globals, fresh memories and tables of the minimum
/// size.
fn brisk_import(store: &mut Store, index: usize, ty: &brisk::ExternType, log: &HostLog) -> Extern {
    match ty {
        brisk::ExternType::Func(ft) => {
            let log = log.clone();
            let results = ft.results.to_vec();
            Extern::Func(brisk::Func::new(store, ft.clone(), move |_, args, out| {
                let args: Vec<Value> = args.iter().map(brisk_host_value).collect();
                log.lock().unwrap().push(format!("host {index}{args:?}"));
                let values = host_results(index, &args, &results)
                    .ok_or_else(|| brisk::Trap::new("host trap"))?;
                for (o, v) in out.iter_mut().zip(values) {
                    *o = match v {
                        Value::I32(x) => Val::I32(x),
                        Value::I64(x) => Val::I64(x),
                        Value::F32(x) => Val::F32(x),
                        Value::F64(x) => Val::F64(x),
                        Value::FuncRef(_) => Val::FuncRef(None),
                        Value::ExternRef(_) => Val::ExternRef(None),
                    };
                }
                Ok(())
            }))
        }
        brisk::ExternType::Global(g) => {
            Extern::Global(brisk::Global::new(store, *g, Val::default_for(g.content)).unwrap())
        }
        brisk::ExternType::Memory(m) => Extern::Memory(brisk::Memory::new(store, *m).unwrap()),
        brisk::ExternType::Table(t) => {
            Extern::Table(brisk::Table::new(store, *t, Val::default_for(t.element)).unwrap())
        }
    }
}

/// The same imports for wasmi.
fn wasmi_import(
    store: &mut wasmi::Store<()>,
    index: usize,
    ty: &wasmi::ExternType,
    log: &HostLog,
) -> wasmi::Extern {
    match ty {
        wasmi::ExternType::Func(ft) => {
            let log = log.clone();
            let results: Vec<ValType> = ft.results().iter().map(brisk_valtype).collect();
            wasmi::Extern::Func(wasmi::Func::new(
                &mut *store,
                ft.clone(),
                move |_, args, out| {
                    let args: Vec<Value> = args.iter().map(wasmi_host_value).collect();
                    log.lock().unwrap().push(format!("host {index}{args:?}"));
                    let values = host_results(index, &args, &results)
                        .ok_or_else(|| wasmi::Error::new("host trap"))?;
                    for (o, v) in out.iter_mut().zip(values) {
                        *o = match v {
                            Value::I32(x) => wasmi::Val::I32(x),
                            Value::I64(x) => wasmi::Val::I64(x),
                            Value::F32(x) => wasmi::Val::F32(wasmi::F32::from_bits(x)),
                            Value::F64(x) => wasmi::Val::F64(wasmi::F64::from_bits(x)),
                            Value::FuncRef(_) => wasmi::Val::FuncRef(wasmi::Nullable::Null),
                            Value::ExternRef(_) => wasmi::Val::ExternRef(wasmi::Nullable::Null),
                        };
                    }
                    Ok(())
                },
            ))
        }
        wasmi::ExternType::Global(g) => wasmi::Extern::Global(wasmi::Global::new(
            &mut *store,
            wasmi::Val::default_for_ty(g.content()),
            g.mutability(),
        )),
        wasmi::ExternType::Memory(m) => {
            wasmi::Extern::Memory(wasmi::Memory::new(&mut *store, *m).unwrap())
        }
        wasmi::ExternType::Table(t) => wasmi::Extern::Table(
            wasmi::Table::new(&mut *store, *t, wasmi::Ref::default_for_ty(t.element())).unwrap(),
        ),
    }
}

/// Deterministic arguments: boundary values most of the time, random bits
/// otherwise.
fn arguments(rng: &mut Rng, params: &[ValType]) -> Vec<Value> {
    const I32S: &[i32] = &[
        0,
        1,
        -1,
        2,
        7,
        8,
        31,
        32,
        33,
        0x7f,
        0x80,
        0xff,
        0x100,
        0xffff,
        0x1_0000,
        0xfff8,
        0x7fff_ffff,
        i32::MIN,
        -65536,
    ];
    const I64S: &[i64] = &[
        0,
        1,
        -1,
        2,
        63,
        64,
        65,
        0xffff,
        0x1_0000,
        0xffff_ffff,
        0x1_0000_0000,
        i64::MAX,
        i64::MIN,
        i32::MIN as i64,
        i32::MAX as i64,
    ];
    const F32S: &[f32] = &[
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        1.5,
        2147483648.0,
        -2147483904.0,
        4294967296.0,
        9.223372e18,
        f32::MAX,
        f32::MIN_POSITIVE,
        1e-45,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
    ];
    const F64S: &[f64] = &[
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.5,
        2147483647.0,
        2147483648.0,
        -2147483649.0,
        4294967295.0,
        9.223372036854776e18,
        -9.223372036854778e18,
        1.8446744073709552e19,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];
    params
        .iter()
        .map(|t| {
            let pick = rng.below(4) != 0;
            let bits = rng.next_u64();
            match t {
                ValType::I32 if pick => Value::I32(I32S[(bits % I32S.len() as u64) as usize]),
                ValType::I32 => Value::I32(bits as i32),
                ValType::I64 if pick => Value::I64(I64S[(bits % I64S.len() as u64) as usize]),
                ValType::I64 => Value::I64(bits as i64),
                ValType::F32 if pick => {
                    Value::F32(F32S[(bits % F32S.len() as u64) as usize].to_bits())
                }
                ValType::F32 => Value::F32(bits as u32),
                ValType::F64 if pick => {
                    Value::F64(F64S[(bits % F64S.len() as u64) as usize].to_bits())
                }
                ValType::F64 => Value::F64(bits),
                ValType::FuncRef => Value::FuncRef(None),
                ValType::ExternRef => Value::ExternRef(false),
                ValType::V128 => unreachable!("SIMD is disabled"),
            }
        })
        .collect()
}

/// Why a seed did not count as a full comparison.
enum Skip {
    /// wasmi refused the module (a limitation of the reference, not a bug).
    ReferenceRejected(String),
    /// wasmi trapped where the module cannot trap (see [`reference_bug`]).
    ReferenceBug(String),
}

/// In a module generated with `disallow_traps`, every operation that could
/// trap is guarded, so the only trap left is `unreachable` when the fuel runs
/// out. A different trap from wasmi alone is a bug of the reference: wasmi
/// 2.0.0 raises "integer divide by zero" on wasm-smith's guarded division
/// pattern (a `select` feeding `local.set`/`local.tee` of the divisor's own
/// local, then `br_if`); wasmtime and brisk agree the divisor is never zero.
fn reference_bug(disallow_traps: bool, brisk: &Outcome, wasmi: &Outcome) -> bool {
    disallow_traps
        && matches!(
            brisk,
            // Returned, ran out of fuel, or a host function trapped.
            Outcome::Returned(_)
                | Outcome::Trapped(TrapKind::Unreachable)
                | Outcome::Trapped(TrapKind::Other)
        )
        && matches!(wasmi, Outcome::Trapped(k) if *k != TrapKind::Unreachable)
}

/// What a run covered, to tell a useful run from a vacuous one.
#[derive(Default)]
struct Stats {
    bytes: usize,
    calls: u64,
    returned: u64,
    trapped: u64,
    /// Seeds cut short by stack exhaustion (implementation-defined depth).
    stack_cut: u64,
    /// Seeds whose instantiation trapped in both engines.
    instantiation_trapped: u64,
}

/// The kind of module a test generates from a seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// wasm-smith's defaults for body size (see `fuzz_common::smith_config`).
    Default,
    /// Long bodies with deep nesting, to stress register allocation and
    /// control-flow merge states.
    LongFunctions,
    /// Imports: host functions (which sometimes trap), globals, memories and
    /// tables, the same on both sides; host calls are logged and compared.
    HostImports,
    /// Default modules whose local accesses are mutated
    /// (`fuzz_common::mutate_locals`): tees of a local's own value, set as
    /// tee + drop, retargeted accesses.
    MutatedLocals,
}

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Shape::Default => "differential",
            Shape::LongFunctions => "differential-long",
            Shape::HostImports => "differential-imports",
            Shape::MutatedLocals => "differential-mutated",
        }
    }

    /// Seeds of this shape where wasmi is wrong (triaged).
    fn known_reference_bugs(self) -> &'static [(u64, &'static str)] {
        match self {
            Shape::Default => KNOWN_REFERENCE_BUGS,
            Shape::MutatedLocals => &[
                (
                    1379,
                    "the default shape's seed 1379 (a wasmi bug below an `if (param f64)`) \
                     survives the mutation: an i64 global differs; wasmtime agrees with brisk",
                ),
                (
                    4651,
                    "as the default shape's 4651: wasmi returns 0 for an i64 result where \
                     wasmtime and brisk agree on -8357499234340965718",
                ),
                (
                    8530,
                    "as the default shape's 8530: wasmi returns wrong values for four of five \
                     results of export \"2\"; wasmtime agrees with brisk",
                ),
            ],
            Shape::LongFunctions => &[
                (
                    8530,
                    "wasmi returns the results of export \"2\" shifted by one \
                     position; wasmtime agrees with brisk (as for the default shape's 8530)",
                ),
                (
                    22058,
                    "wasmi leaves 65536 in an i64 global that wasmtime and brisk leave at 0",
                ),
                (
                    22163,
                    "wasmi leaves 1 in an i32 global that wasmtime and brisk leave at 0",
                ),
                (
                    36983,
                    "an i64 global differs in wasmi; wasmtime agrees with brisk",
                ),
                (
                    41743,
                    "wasmi leaves 0 at 0x28f2b of memory \"4\" where wasmtime and brisk \
                     store 1",
                ),
            ],
            Shape::HostImports => &[
                (
                    4003,
                    "wasmi returns 0 for the i32 result of export \"1\"; wasmtime (with \
                     the same host functions) and brisk return 686613204",
                ),
                (
                    5775,
                    "wasmi leaves an i32 global at 0 that wasmtime and brisk set to 883381427",
                ),
                (
                    10211,
                    "wasmi leaves -3 in an i32 global where wasmtime and brisk leave 3",
                ),
                (
                    19943,
                    "wasmi stores 1 at 0x6488 of memory \"7\"; wasmtime and brisk leave 0",
                ),
                (
                    23495,
                    "wasmi leaves 64 in an i32 global that wasmtime and brisk leave at 0",
                ),
                (
                    26878,
                    "wasmi leaves 0 in an i32 global that wasmtime and brisk set to 129",
                ),
                (
                    28358,
                    "an i64 global differs in wasmi; wasmtime agrees with brisk",
                ),
                (
                    34755,
                    "wasmi returns 0 where wasmtime and brisk return 116797",
                ),
                (
                    20255,
                    "wasmi returns from export \"1\"; wasmtime and brisk run out of fuel",
                ),
            ],
        }
    }
}

/// Runs one module in both engines; `Err` is a divergence report.
fn run_seed(
    seed: u64,
    shape: Shape,
    wasmi_engine: &wasmi::Engine,
    stats: &mut Stats,
) -> Result<Option<Skip>, (Vec<u8>, String)> {
    // Half the modules cannot trap: their calls run longer.
    let disallow_traps = seed % 4 >= 2;
    let mut config = wasm_smith::Config {
        disallow_traps,
        ..fuzz_common::smith_config()
    };
    match shape {
        Shape::Default | Shape::MutatedLocals => {}
        Shape::LongFunctions => {
            config.max_instructions = 1500;
            config.max_nesting_depth = 25;
        }
        Shape::HostImports => {
            config.min_imports = 1;
            config.max_imports = 12;
        }
    }
    let wasm = match std::env::var("FUZZ_FILE") {
        // A saved or hand-reduced module (binary or text) instead.
        Ok(path) => wat::parse_file(&path).unwrap_or_else(|e| panic!("{path}: {e}")),
        Err(_) if shape == Shape::MutatedLocals => fuzz_common::mutate_locals(
            &fuzz_common::generate(seed, &config).wasm,
            &mut Rng::new(seed ^ 0x6d75_7461_7465),
        ),
        Err(_) => fuzz_common::generate(seed, &config).wasm,
    };
    stats.bytes += wasm.len();
    // The calls made so far, one a line, for replaying in another engine
    // (fuzz/triage.py): `call <export name in hex> <type>:<bits>...`.
    let calls = std::cell::RefCell::new(String::new());
    let fail = |msg: String| Err((wasm.clone(), format!("{msg}\n{}", calls.borrow())));

    if let Err(e) =
        wasmparser::Validator::new_with_features(fuzz_common::wasm2_features()).validate_all(&wasm)
    {
        panic!("seed {seed}: the generator made a module outside WebAssembly 2.0: {e}");
    }
    // Alternate the bounds-check strategy so that both code paths get fuzzed.
    let bounds_checks = if seed.is_multiple_of(2) {
        BoundsChecks::GuardPages
    } else {
        BoundsChecks::Explicit
    };
    let engine = Engine::new(Config {
        bounds_checks,
        ..Config::default()
    });
    let module = match Module::new(&engine, &wasm) {
        Ok(m) => m,
        Err(e) => return fail(format!("brisk rejected a valid module: {e}")),
    };
    let (brisk_log, reference_log) = (HostLog::default(), HostLog::default());
    let reference = match WasmiSide::new(wasmi_engine, &wasm, reference_log.clone()) {
        Ok(r) => r,
        Err(e) => return Ok(Some(Skip::ReferenceRejected(e))),
    };
    let brisk = BriskSide::new(&module, brisk_log.clone());
    let (mut brisk, mut reference) = match (brisk, reference) {
        (Ok(b), Ok(r)) => (b, r),
        (Err(b), Err(r)) if b == r => {
            stats.instantiation_trapped += 1;
            return Ok(None);
        }
        // Stack depth is implementation-defined.
        (Err(TrapKind::StackOverflow), _) | (_, Err(TrapKind::StackOverflow)) => {
            stats.stack_cut += 1;
            return Ok(None);
        }
        (b, Err(r))
            if reference_bug(
                disallow_traps,
                &b.as_ref()
                    .map_or_else(|k| Outcome::Trapped(*k), |_| Outcome::Returned(vec![])),
                &Outcome::Trapped(r),
            ) =>
        {
            return Ok(Some(Skip::ReferenceBug(format!(
                "instantiation trapped: {r:?}"
            ))));
        }
        (b, r) => {
            return fail(format!(
                "instantiation: brisk {:?}, wasmi {:?}",
                b.err(),
                r.err()
            ))
        }
    };
    let (bs, rs) = (brisk.state(), reference.state());
    if let Some(diff) = state_diff(&bs, &rs) {
        return fail(format!("after instantiation: {diff}"));
    }
    let exports = brisk.exports();
    let (mut sorted, mut reference_sorted) = (exports.clone(), reference.exports());
    sorted.sort();
    reference_sorted.sort();
    if sorted != reference_sorted {
        return fail(format!(
            "export lists differ: {exports:?} vs {:?}",
            reference.exports()
        ));
    }
    if std::env::var_os("FUZZ_VERBOSE").is_some() {
        let funcs = exports
            .iter()
            .filter(|n| brisk.func_params(n).is_some())
            .count();
        eprintln!(
            "seed {seed}: {} bytes, {funcs} exported functions",
            wasm.len()
        );
    }
    let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(7));
    for name in &exports {
        let Some(params) = brisk.func_params(name) else {
            continue;
        };
        // Two calls per export, with different arguments.
        for round in 0..2 {
            let args = arguments(&mut rng, &params);
            calls.borrow_mut().push_str(&replay_line(name, &args));
            brisk.set_fuel(FUEL);
            reference.set_fuel(FUEL);
            let b = brisk.call(name, &args);
            let r = reference.call(name, &args);
            stats.calls += 1;
            match b {
                Outcome::Returned(_) => stats.returned += 1,
                Outcome::Trapped(_) => stats.trapped += 1,
                Outcome::ReferencePanicked => unreachable!("brisk's outcome"),
            }
            if r == Outcome::ReferencePanicked {
                return Ok(Some(Skip::ReferenceBug(format!(
                    "wasmi panicked in {name}"
                ))));
            }
            let stack = |o: &Outcome| *o == Outcome::Trapped(TrapKind::StackOverflow);
            if stack(&b) || stack(&r) {
                // Stack depth is implementation-defined; state diverges from here.
                stats.stack_cut += 1;
                return Ok(None);
            }
            if b != r && reference_bug(disallow_traps, &b, &r) {
                return Ok(Some(Skip::ReferenceBug(format!(
                    "call {name}{args:?}: {r:?}"
                ))));
            }
            if b != r {
                return fail(format!(
                    "call {name}{args:?} (round {round}): brisk {b:?}, wasmi {r:?}"
                ));
            }
            let (bs, rs) = (brisk.state(), reference.state());
            if let Some(diff) = state_diff(&bs, &rs) {
                return fail(format!("after call {name}{args:?} (round {round}): {diff}"));
            }
            let (bl, rl) = (brisk_log.lock().unwrap(), reference_log.lock().unwrap());
            if *bl != *rl {
                let i = bl.iter().zip(rl.iter()).take_while(|(a, b)| a == b).count();
                return fail(format!(
                    "host calls during {name}{args:?} (round {round}) differ at call {i}: \
                     brisk {:?}, wasmi {:?}",
                    bl.get(i),
                    rl.get(i)
                ));
            }
        }
    }
    Ok(None)
}

/// One call in the replay format of `fuzz/triage.py`.
fn replay_line(name: &str, args: &[Value]) -> String {
    let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    let mut line = format!("call {}", if hex.is_empty() { "-" } else { &hex });
    for a in args {
        line.push_str(&match a {
            Value::I32(x) => format!(" i32:{x}"),
            Value::I64(x) => format!(" i64:{x}"),
            Value::F32(x) => format!(" f32:{x}"),
            Value::F64(x) => format!(" f64:{x}"),
            Value::FuncRef(_) | Value::ExternRef(_) => " ref:null".to_string(),
        });
    }
    line.push('\n');
    line
}

/// The first difference between two export states, described.
fn state_diff(b: &[(String, ExportState)], r: &[(String, ExportState)]) -> Option<String> {
    if b.len() != r.len() {
        return Some(format!("{} exports vs {}", b.len(), r.len()));
    }
    for ((bn, bs), (rn, rs)) in b.iter().zip(r) {
        if bn != rn {
            return Some(format!("export {bn} vs {rn}"));
        }
        if bs == rs {
            continue;
        }
        return Some(match (bs, rs) {
            (ExportState::Memory(bp, bd), ExportState::Memory(rp, rd)) if bp == rp => {
                let first = bd.iter().zip(rd).position(|(x, y)| x != y).unwrap_or(0);
                let end = (first + 16).min(bd.len());
                format!(
                    "memory {bn} differs first at {first:#x}: brisk {:02x?}, wasmi {:02x?}",
                    &bd[first..end],
                    &rd[first..end]
                )
            }
            (ExportState::Memory(bp, _), ExportState::Memory(rp, _)) => {
                format!("memory {bn}: brisk {bp} pages, wasmi {rp} pages")
            }
            (ExportState::Table(bt), ExportState::Table(rt)) if bt.len() == rt.len() => {
                let i = bt.iter().zip(rt).position(|(x, y)| x != y).unwrap_or(0);
                format!("table {bn}[{i}]: brisk {:?}, wasmi {:?}", bt[i], rt[i])
            }
            _ => format!("{bn}: brisk {bs:?}, wasmi {rs:?}"),
        });
    }
    None
}

fn main_loop(shape: Shape, seeds: Vec<u64>) {
    let mut wasmi_config = wasmi::Config::default();
    wasmi_config
        .wasm_tail_call(false)
        .wasm_extended_const(false)
        .wasm_multi_memory(false)
        .wasm_memory64(false);
    let mut failures = Vec::new();
    let mut skipped = 0;
    let mut stats = Stats::default();
    for &seed in &seeds {
        // A fresh engine per seed: a panic inside wasmi may leave its engine
        // unusable.
        let wasmi_engine = wasmi::Engine::new(&wasmi_config);
        // A panic (of brisk, or of the harness) fails the seed, not the run.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_seed(seed, shape, &wasmi_engine, &mut stats)
        }))
        .unwrap_or_else(|_| Err((Vec::new(), "panicked (see above)".to_string())));
        match outcome {
            Ok(None) => {}
            Ok(Some(Skip::ReferenceRejected(e))) => {
                skipped += 1;
                eprintln!("seed {seed}: wasmi rejected the module ({e}); not compared");
            }
            Ok(Some(Skip::ReferenceBug(e))) => {
                skipped += 1;
                eprintln!("seed {seed}: known wasmi bug ({e}); compared up to there");
            }
            Err((_, report)) if shape.known_reference_bugs().iter().any(|(s, _)| *s == seed) => {
                skipped += 1;
                eprintln!("seed {seed}: known wasmi bug, triaged: {report}");
            }
            Err((wasm, report)) => {
                // Reductions of a saved module must not overwrite it.
                let test = match std::env::var_os("FUZZ_FILE") {
                    Some(_) => format!("{}-file", shape.name()),
                    None => shape.name().to_string(),
                };
                let path = fuzz_common::save_failure(&test, seed, &wasm, &report);
                eprintln!(
                    "seed {seed}: DIVERGENCE: {report}\n  module: {}",
                    path.display()
                );
                failures.push(seed);
            }
        }
    }
    eprintln!(
        "{}: {} seeds ({} wasm bytes), {} diverged, {skipped} cut short by the reference; \
         {} instantiations trapped; {} calls ({} returned, {} trapped), \
         {} runs cut short by stack exhaustion",
        shape.name(),
        seeds.len(),
        stats.bytes,
        failures.len(),
        stats.instantiation_trapped,
        stats.calls,
        stats.returned,
        stats.trapped,
        stats.stack_cut
    );
    assert!(
        failures.is_empty(),
        "diverging seeds (rerun one with FUZZ_SEED=<seed>): {failures:?}"
    );
}

/// The seeds to run: `FUZZ_SEED` alone, or `fixed` then `FUZZ_ITERS` (or
/// `default`) seeds from `FUZZ_START`.
fn seeds(fixed: &[u64], default: u64) -> Vec<u64> {
    match fuzz_common::only_seed() {
        Some(s) => vec![s],
        None => {
            let start = fuzz_common::start_seed();
            let n = fuzz_common::iterations(default);
            fixed.iter().copied().chain(start..start + n).collect()
        }
    }
}

#[test]
fn differential_against_wasmi() {
    main_loop(Shape::Default, seeds(FIXED_SEEDS, 1000));
}

#[test]
fn differential_against_wasmi_host_imports() {
    main_loop(
        Shape::HostImports,
        seeds(
            &[
                4003, 5775, 10211, 10295, 19943, 20255, 23495, 26878, 28358, 34755,
            ],
            500,
        ),
    );
}

#[test]
fn differential_against_wasmi_mutated_locals() {
    main_loop(Shape::MutatedLocals, seeds(&[1379, 4651, 8530], 500));
}

#[test]
fn differential_against_wasmi_long_functions() {
    // A seed costs about five times a default one.
    main_loop(
        Shape::LongFunctions,
        seeds(&[8530, 22058, 22163, 36983, 41743], 200),
    );
}
