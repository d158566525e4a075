//! The runner's [`Backend`] over the standard C API (`wasm.h`), called the way
//! a C host calls it: `wasm_val_t` vectors, `wasm_extern_vec_t` imports,
//! traps read through `wasm_trap_message`, `ref.extern N` as a foreign object
//! carrying `N` as host info, `spectest` built with `wasm_func_new`,
//! `wasm_global_new`, `wasm_table_new` and `wasm_memory_new`. Every object is
//! deleted with its `wasm_*_delete`.
//!
//! `wasm_val_t` has no v128 member: functions and globals with v128 values
//! are reached through a small generated adapter module that imports them
//! and passes each v128 as two i64s ([`CApi::call_v128`]).
//!
//! Extensions (`brisk.h`) are used only where the standard has no means:
//! `brisk_config_features_set` and `brisk_config_bounds_checks_set` for the
//! engine's configuration, and `brisk_module_new` after `wasm_module_new` has
//! refused a module, to learn why (the runner reports the reason).
//!
//! Where the C API can be checked against itself, it is, and a disagreement
//! fails the directive as a "C API inconsistency": `wasm_module_validate`
//! must accept what `wasm_module_new` compiles, and results are checked
//! against `wasm_func_type`, `wasm_instance_exports` against
//! `wasm_module_exports`, the arguments host functions receive against their
//! types, and returned references against what went in.

use crate::backend::{Backend, EngineError, ExternKind, ExternVal, Value};
use brisk::capi::brisk::{
    brisk_bounds_checks_enum, brisk_config_bounds_checks_set, brisk_config_features_set,
    brisk_features_enum, brisk_module_new, BRISK_V128,
};
use brisk::capi::engine::*;
use brisk::capi::extern_::*;
use brisk::capi::func::*;
use brisk::capi::global::*;
use brisk::capi::instance::*;
use brisk::capi::memory::*;
use brisk::capi::module::*;
use brisk::capi::ref_::*;
use brisk::capi::table::*;
use brisk::capi::trap::*;
use brisk::capi::types::*;
use brisk::capi::val::*;
use brisk::capi::vec::*;
use brisk::{BoundsChecks, Features};
use std::collections::HashMap;
use std::ffi::c_void;
use std::mem::MaybeUninit;
use std::ptr::{self, NonNull};
use std::rc::Rc;

// The value kinds, as `wasm_valkind_t`.
const WASM_I32: wasm_valkind_t = wasm_valkind_enum::WASM_I32 as wasm_valkind_t;
const WASM_I64: wasm_valkind_t = wasm_valkind_enum::WASM_I64 as wasm_valkind_t;
const WASM_F32: wasm_valkind_t = wasm_valkind_enum::WASM_F32 as wasm_valkind_t;
const WASM_F64: wasm_valkind_t = wasm_valkind_enum::WASM_F64 as wasm_valkind_t;
const WASM_EXTERNREF: wasm_valkind_t = wasm_valkind_enum::WASM_EXTERNREF as wasm_valkind_t;
const WASM_FUNCREF: wasm_valkind_t = wasm_valkind_enum::WASM_FUNCREF as wasm_valkind_t;

/// The engine and the store; deleted when the last object of the store is.
pub struct StoreOwner {
    engine: *mut wasm_engine_t,
    store: *mut wasm_store_t,
}

impl Drop for StoreOwner {
    fn drop(&mut self) {
        // SAFETY: both are owned here, and every object of the store is gone
        // (each holds an `Rc` of this owner).
        unsafe {
            wasm_store_delete(owned(self.store));
            wasm_engine_delete(owned(self.engine));
        }
    }
}

/// An owned C object, deleted on drop, before its store.
pub struct Owned<T> {
    ptr: *mut T,
    delete: extern "C" fn(Option<Box<T>>),
    _store: Rc<StoreOwner>,
}

impl<T> Drop for Owned<T> {
    fn drop(&mut self) {
        // SAFETY: `ptr` is owned by this handle alone.
        (self.delete)(unsafe { owned(self.ptr) })
    }
}

/// An owned pointer a C function returned (null or a new object), as the
/// `Option<Box<T>>` that `wasm_X_delete` and the constructors taking an
/// owned part take.
///
/// # Safety
/// `ptr` is null or an owned object not used afterwards.
unsafe fn owned<T>(ptr: *mut T) -> Option<Box<T>> {
    // SAFETY: forwarded from the caller.
    NonNull::new(ptr).map(|p| unsafe { Box::from_raw(p.as_ptr()) })
}

/// The raw pointer of an optional one.
fn raw<T>(ptr: Option<NonNull<T>>) -> *mut T {
    ptr.map_or(ptr::null_mut(), NonNull::as_ptr)
}

pub type CModule = Rc<Owned<wasm_module_t>>;
pub type CExtern = Rc<Owned<wasm_extern_t>>;

pub struct CInstanceData {
    _instance: Owned<wasm_instance_t>,
    /// Looked up once: `wasm_instance_exports` with the names of
    /// `wasm_module_exports`.
    exports: Vec<(String, CExtern)>,
}

pub type CInstance = Rc<CInstanceData>;

pub struct CApi {
    owner: Rc<StoreOwner>,
    /// `SPEC_CAPI_SERIALIZE=1`: every module is serialized and deserialized
    /// before use, so the testsuite runs on deserialized code.
    serialize: bool,
    /// v128 adapter modules ([`v128_adapter`]), by the text they compile from.
    adapters: HashMap<String, CModule>,
}

impl CApi {
    /// Calls `func` through a generated adapter when its type has v128
    /// parameters or results: `wasm_val_t` cannot hold a v128, so the adapter
    /// (a wasm module importing `func`) takes and returns each v128 as two
    /// i64s, low half first. Everything still goes through `wasm.h`:
    /// compiling and instantiating the adapter with `func` as its import,
    /// and `wasm_func_call` on its export.
    fn call_v128(
        &mut self,
        func: &CExtern,
        (params, results): (Vec<wasm_valkind_t>, Vec<wasm_valkind_t>),
        args: &[Value],
    ) -> Result<Vec<Value>, EngineError> {
        if args.len() != params.len() {
            return Err(EngineError::Other(
                "type error",
                format!("{} arguments for {} parameters", args.len(), params.len()),
            ));
        }
        let adapter = self.adapter(v128_adapter(&params, &results)?, func)?;
        let mut split = Vec::new();
        for a in args {
            match *a {
                Value::V128(x) => {
                    split.push(Value::I64(x as u64 as i64));
                    split.push(Value::I64((x >> 64) as u64 as i64));
                }
                other => split.push(other),
            }
        }
        let flat = self.call(&adapter, &split)?;
        join_v128(&results, flat)
    }

    /// The export `call` of a new instance of the adapter module `text`,
    /// which imports `import`.
    fn adapter(&mut self, text: String, import: &CExtern) -> Result<CExtern, EngineError> {
        let module = match self.adapters.get(&text) {
            Some(m) => m.clone(),
            None => {
                let bytes = wat::parse_str(&text)
                    .map_err(|e| EngineError::Other("runner", format!("v128 adapter: {e}")))?;
                let m = self.compile(&bytes)?;
                self.adapters.insert(text, m.clone());
                m
            }
        };
        let instance = self.instantiate(&module, std::slice::from_ref(import))?;
        self.export(&instance, "call")
            .ok_or_else(|| EngineError::Other("runner", "v128 adapter has no export".into()))
    }

    /// Reads a v128 global through an adapter (see [`CApi::call_v128`]).
    fn global_get_v128(&mut self, global: &CExtern, mutable: bool) -> Result<Value, EngineError> {
        let ty = if mutable { "(mut v128)" } else { "v128" };
        let text = format!(
            "(module (import \"m\" \"g\" (global $g {ty})) \
             (func (export \"call\") (result i64 i64) \
               global.get $g i64x2.extract_lane 0 global.get $g i64x2.extract_lane 1))"
        );
        let adapter = self.adapter(text, global)?;
        let flat = self.call(&adapter, &[])?;
        let mut joined = join_v128(&[BRISK_V128], flat)?;
        Ok(joined.remove(0))
    }

    /// `wasm_module_serialize` then `wasm_module_deserialize`; takes `module`.
    ///
    /// # Safety
    /// `module` is an owned, live module of this store's engine.
    unsafe fn round_trip(
        &self,
        module: *mut wasm_module_t,
    ) -> Result<*mut wasm_module_t, EngineError> {
        let mut bytes = MaybeUninit::uninit();
        // SAFETY: forwarded from the caller; `bytes` is written and owned here.
        let copy = unsafe {
            wasm_module_serialize(Some(&*module), Some(&mut bytes));
            let mut bytes = bytes.assume_init();
            wasm_module_delete(owned(module));
            let copy = wasm_module_deserialize(self.store(), Some(&bytes));
            wasm_byte_vec_delete(Some(&mut bytes));
            copy
        };
        if copy.is_null() {
            return Err(EngineError::Other(
                "C API",
                "wasm_module_deserialize refused what wasm_module_serialize wrote".into(),
            ));
        }
        Ok(copy)
    }

    fn store(&self) -> Option<NonNull<wasm_store_t>> {
        Some(NonNull::new(self.owner.store).expect("the store was checked when made"))
    }

    fn own<T>(&self, ptr: *mut T, delete: extern "C" fn(Option<Box<T>>)) -> Rc<Owned<T>> {
        Rc::new(Owned {
            ptr,
            delete,
            _store: self.owner.clone(),
        })
    }

    /// A new extern handle for a function, global, table or memory.
    fn own_extern(&self, ext: *mut wasm_extern_t) -> CExtern {
        self.own(ext, wasm_extern_delete)
    }

    /// An owned C value for `v`; refs are owned by the value.
    fn to_c(&self, v: &Value) -> Result<wasm_val_t, EngineError> {
        let (kind, of) = match *v {
            Value::I32(i32) => (WASM_I32, wasm_val_union { i32 }),
            Value::I64(i64) => (WASM_I64, wasm_val_union { i64 }),
            Value::F32(bits) => (
                WASM_F32,
                wasm_val_union {
                    f32: f32::from_bits(bits),
                },
            ),
            Value::F64(bits) => (
                WASM_F64,
                wasm_val_union {
                    f64: f64::from_bits(bits),
                },
            ),
            Value::V128(_) => return Err(unrepresentable()),
            // The script can only write a null funcref.
            Value::FuncRef { .. } => (
                WASM_FUNCREF,
                wasm_val_union {
                    r#ref: ptr::null_mut(),
                },
            ),
            Value::ExternRef(ExternVal::Host(n)) => (
                WASM_EXTERNREF,
                wasm_val_union {
                    r#ref: self.host_ref(n),
                },
            ),
            Value::ExternRef(_) => (
                WASM_EXTERNREF,
                wasm_val_union {
                    r#ref: ptr::null_mut(),
                },
            ),
        };
        Ok(wasm_val_t { kind, of })
    }

    /// A fresh foreign object whose host info is a boxed `n`.
    fn host_ref(&self, n: u32) -> *mut wasm_ref_t {
        unsafe extern "C" fn free_payload(data: *mut c_void) {
            // SAFETY: the host info was made by `Box::into_raw` below.
            drop(unsafe { Box::from_raw(data.cast::<u32>()) });
        }
        let foreign = NonNull::new(wasm_foreign_new(self.store())).expect("wasm_foreign_new");
        let payload = Box::into_raw(Box::new(n)).cast::<c_void>();
        // SAFETY: the foreign object is live and takes the payload.
        unsafe {
            wasm_foreign_set_host_info_with_finalizer(Some(foreign), payload, Some(free_payload))
        };
        raw(wasm_foreign_as_ref(Some(foreign)))
    }
}

/// The text of a module that imports a function of type `params -> results`
/// and exports `call`, the same function with each v128 parameter and result
/// as two i64s (low half first).
fn v128_adapter(
    params: &[wasm_valkind_t],
    results: &[wasm_valkind_t],
) -> Result<String, EngineError> {
    let split = |kinds: &[wasm_valkind_t]| -> Result<String, EngineError> {
        let mut out = Vec::new();
        for &k in kinds {
            match k {
                BRISK_V128 => out.extend(["i64", "i64"]),
                k => out.push(kind_name(k)?),
            }
        }
        Ok(out.join(" "))
    };
    let mut body = Vec::new();
    let mut local = 0;
    for &k in params {
        if k == BRISK_V128 {
            body.push(format!(
                "local.get {local} i64x2.splat local.get {} i64x2.replace_lane 1",
                local + 1
            ));
            local += 2;
        } else {
            body.push(format!("local.get {local}"));
            local += 1;
        }
    }
    body.push("call $f".into());
    // The results are on the stack: into locals (last first), then out split.
    let first_temp = local;
    for (i, _) in results.iter().enumerate().rev() {
        body.push(format!("local.set {}", first_temp + i));
    }
    for (i, &k) in results.iter().enumerate() {
        let l = first_temp + i;
        if k == BRISK_V128 {
            body.push(format!(
                "local.get {l} i64x2.extract_lane 0 local.get {l} i64x2.extract_lane 1"
            ));
        } else {
            body.push(format!("local.get {l}"));
        }
    }
    Ok(format!(
        "(module (import \"m\" \"f\" (func $f (param {}) (result {}))) \
         (func (export \"call\") (param {}) (result {}) (local {}) {}))",
        names(params),
        names(results),
        split(params)?,
        split(results)?,
        names(results),
        body.join(" ")
    ))
}

/// Puts each v128 of `kinds` back together from the two i64s in `flat`.
fn join_v128(kinds: &[wasm_valkind_t], flat: Vec<Value>) -> Result<Vec<Value>, EngineError> {
    let mut flat = flat.into_iter();
    let mut out = Vec::with_capacity(kinds.len());
    for &k in kinds {
        let v = if k == BRISK_V128 {
            match (flat.next(), flat.next()) {
                (Some(Value::I64(lo)), Some(Value::I64(hi))) => {
                    Value::V128(lo as u64 as u128 | (hi as u64 as u128) << 64)
                }
                other => {
                    return Err(EngineError::Other(
                        "runner",
                        format!("v128 adapter returned {other:?}"),
                    ))
                }
            }
        } else {
            flat.next().ok_or_else(|| {
                EngineError::Other("runner", "v128 adapter returned too few values".into())
            })?
        };
        out.push(v);
    }
    Ok(out)
}

/// The text-format name of a value kind.
fn kind_name(kind: wasm_valkind_t) -> Result<&'static str, EngineError> {
    Ok(match kind {
        WASM_I32 => "i32",
        WASM_I64 => "i64",
        WASM_F32 => "f32",
        WASM_F64 => "f64",
        BRISK_V128 => "v128",
        WASM_FUNCREF => "funcref",
        WASM_EXTERNREF => "externref",
        k => {
            return Err(EngineError::Other(
                "C API",
                format!("unknown value kind {k}"),
            ))
        }
    })
}

/// Kinds as a space-separated list of text-format names (unknown ones as `?`,
/// which then fails to parse).
fn names(kinds: &[wasm_valkind_t]) -> String {
    let names: Vec<&str> = kinds.iter().map(|&k| kind_name(k).unwrap_or("?")).collect();
    names.join(" ")
}

fn unrepresentable() -> EngineError {
    EngineError::Other(
        "unsupported",
        "a v128 value cannot be passed through wasm_val_t".into(),
    )
}

/// What a C value says. A non-null funcref must be a function, and a
/// `ref.extern N` must come back as the foreign object it went in as.
///
/// # Safety
/// `v` is a valid value; a reference in it is live.
unsafe fn from_c(v: &wasm_val_t) -> Result<Value, EngineError> {
    let inconsistent = |m: String| EngineError::Other("C API inconsistency", m);
    // SAFETY: the kind says which union member is set; references are live.
    unsafe {
        Ok(match v.kind {
            WASM_I32 => Value::I32(v.of.i32),
            WASM_I64 => Value::I64(v.of.i64),
            WASM_F32 => Value::F32(v.of.f32.to_bits()),
            WASM_F64 => Value::F64(v.of.f64.to_bits()),
            WASM_FUNCREF => {
                let r = v.of.r#ref;
                if !r.is_null() && wasm_ref_as_func(NonNull::new(r)).is_none() {
                    return Err(inconsistent("a funcref value is not a function".into()));
                }
                Value::FuncRef {
                    is_null: r.is_null(),
                }
            }
            WASM_EXTERNREF => {
                let r = v.of.r#ref;
                Value::ExternRef(if r.is_null() {
                    ExternVal::Null
                } else {
                    // Only `host_ref` attaches host info in this store.
                    let info = wasm_ref_get_host_info(Some(&*r)).cast::<u32>();
                    if info.is_null() {
                        ExternVal::Foreign
                    } else if wasm_ref_as_foreign(NonNull::new(r)).is_none() {
                        return Err(inconsistent(format!(
                            "ref.extern {} came back as another kind of reference",
                            *info
                        )));
                    } else {
                        ExternVal::Host(*info)
                    }
                })
            }
            kind => {
                return Err(EngineError::Other(
                    "C API",
                    format!("unknown value kind {kind}"),
                ))
            }
        })
    }
}

/// A name or message as a Rust string, without a trailing NUL.
///
/// # Safety
/// `v` is a valid byte vector.
unsafe fn string(v: &wasm_byte_vec_t) -> String {
    let bytes: &[u8] = if v.size == 0 {
        &[]
    } else {
        // SAFETY: a valid vector has `size` bytes at `data`.
        unsafe { std::slice::from_raw_parts(v.data.cast::<u8>(), v.size) }
    };
    let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
    String::from_utf8_lossy(bytes).into_owned()
}

/// A trap's message; deletes the trap.
///
/// # Safety
/// `trap` is an owned, live trap.
unsafe fn take_trap_message(trap: *mut wasm_trap_t) -> String {
    let mut message = MaybeUninit::uninit();
    // SAFETY: `trap` is live; `message` is written, then owned here.
    unsafe {
        wasm_trap_message(Some(&*trap), Some(&mut message));
        let mut message = message.assume_init();
        let text = string(&message);
        wasm_byte_vec_delete(Some(&mut message));
        wasm_trap_delete(owned(trap));
        text
    }
}

/// The kinds of the parameters and of the results of `f`, from
/// `wasm_func_type`.
///
/// # Safety
/// `f` is a live function.
unsafe fn func_kinds(f: *const wasm_func_t) -> (Vec<wasm_valkind_t>, Vec<wasm_valkind_t>) {
    // SAFETY: `f` is live; the type is owned here, and its vectors (borrowed
    // from it) hold live valtypes.
    unsafe {
        let ty = wasm_func_type(Some(&*f));
        let kinds = |v: &wasm_valtype_vec_t| -> Vec<wasm_valkind_t> {
            (0..v.size)
                .map(|i| wasm_valtype_kind(Some(&**v.data.add(i))))
                .collect()
        };
        let both = (
            kinds(wasm_functype_params(Some(&*ty)).expect("a functype has params")),
            kinds(wasm_functype_results(Some(&*ty)).expect("a functype has results")),
        );
        wasm_functype_delete(owned(ty));
        both
    }
}

/// A borrowed view of Rust bytes as a `wasm_byte_vec_t` (the callee only reads).
fn byte_vec(bytes: &[u8]) -> wasm_byte_vec_t {
    wasm_byte_vec_t {
        size: bytes.len(),
        data: bytes.as_ptr() as *mut wasm_byte_t,
    }
}

/// An owned vector of new value types.
fn valtype_vec(kinds: &[wasm_valkind_t]) -> wasm_valtype_vec_t {
    let types: Vec<*mut wasm_valtype_t> = kinds.iter().map(|&k| wasm_valtype_new(k)).collect();
    let mut out = MaybeUninit::uninit();
    // SAFETY: `types` holds `len` owned valtypes, moved into `out`.
    unsafe {
        wasm_valtype_vec_new(Some(&mut out), types.len(), types.as_ptr());
        out.assume_init()
    }
}

/// `spectest.print`: does nothing (the tests only check that the calls link
/// and return).
unsafe extern "C" fn print_callback(
    _args: *const wasm_val_vec_t,
    _results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    ptr::null_mut()
}

/// The environment of the other `spectest.print_*` functions: what their
/// arguments must be.
struct PrintEnv {
    store: Option<NonNull<wasm_store_t>>,
    name: &'static str,
    params: Vec<wasm_valkind_t>,
}

/// `spectest.print_*`: prints nothing, but checks that the C API passed
/// arguments of the declared kinds and no result slots; traps otherwise.
unsafe extern "C" fn print_with_env_callback(
    env: *mut c_void,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    // SAFETY: `env` is the `PrintEnv` given to `wasm_func_new_with_env`; the
    // vectors are valid for the call.
    unsafe {
        let env = &*env.cast::<PrintEnv>();
        let (args, results) = (&*args, &*results);
        let kinds: Vec<wasm_valkind_t> = (0..args.size).map(|i| (*args.data.add(i)).kind).collect();
        if kinds == env.params && results.size == 0 {
            return ptr::null_mut();
        }
        let message = format!(
            "C API inconsistency: spectest.{} got arguments of kinds {kinds:?} and {} result \
             slots, expected {:?} and none\0",
            env.name, results.size, env.params
        );
        wasm_trap_new(env.store, Some(&byte_vec(message.as_bytes())))
    }
}

unsafe extern "C" fn free_print_env(env: *mut c_void) {
    // SAFETY: made by `Box::into_raw` in `spectest`.
    drop(unsafe { Box::from_raw(env.cast::<PrintEnv>()) });
}

impl Backend for CApi {
    type Module = CModule;
    type Instance = CInstance;
    type Extern = CExtern;

    fn new(features: Features, bounds_checks: BoundsChecks) -> Result<Self, String> {
        let features = match features {
            Features::Wasm1 => brisk_features_enum::BRISK_FEATURES_WASM1,
            Features::Wasm2 => brisk_features_enum::BRISK_FEATURES_WASM2,
        };
        let bounds_checks = match bounds_checks {
            BoundsChecks::GuardPages => brisk_bounds_checks_enum::BRISK_BOUNDS_CHECKS_GUARD_PAGES,
            BoundsChecks::Explicit => brisk_bounds_checks_enum::BRISK_BOUNDS_CHECKS_EXPLICIT,
        };
        // SAFETY: each object is used only after its null check; the engine
        // takes the config.
        unsafe {
            let config = wasm_config_new();
            if config.is_null() {
                return Err("wasm_config_new failed".into());
            }
            if !brisk_config_features_set(Some(&mut *config), features as u8)
                || !brisk_config_bounds_checks_set(Some(&mut *config), bounds_checks as u8)
            {
                wasm_config_delete(owned(config));
                return Err("brisk_config_*_set refused the configuration".into());
            }
            let engine = wasm_engine_new_with_config(owned(config));
            let Some(engine_nn) = NonNull::new(engine) else {
                return Err("wasm_engine_new_with_config failed".into());
            };
            let store = wasm_store_new(Some(engine_nn));
            if store.is_null() {
                wasm_engine_delete(owned(engine));
                return Err("wasm_store_new failed".into());
            }
            Ok(CApi {
                owner: Rc::new(StoreOwner { engine, store }),
                serialize: std::env::var("SPEC_CAPI_SERIALIZE").is_ok_and(|v| v == "1"),
                adapters: HashMap::new(),
            })
        }
    }

    fn spectest(&mut self) -> Result<Vec<(String, CExtern)>, String> {
        let mut exports = Vec::new();
        let prints: [(&str, &[wasm_valkind_t]); 7] = [
            ("print", &[]),
            ("print_i32", &[WASM_I32]),
            ("print_i64", &[WASM_I64]),
            ("print_f32", &[WASM_F32]),
            ("print_f64", &[WASM_F64]),
            ("print_i32_f32", &[WASM_I32, WASM_F32]),
            ("print_f64_f64", &[WASM_F64, WASM_F64]),
        ];
        for (name, kinds) in prints {
            let mut params = valtype_vec(kinds);
            let mut results = valtype_vec(&[]);
            // SAFETY: the functype takes both vectors; the function copies
            // the type, which is deleted after; the function owns `env`.
            let func = unsafe {
                let ty = wasm_functype_new(Some(&mut params), Some(&mut results));
                let func = if kinds.is_empty() {
                    wasm_func_new(self.store(), Some(&*ty), Some(print_callback))
                } else {
                    let env = Box::into_raw(Box::new(PrintEnv {
                        store: self.store(),
                        name,
                        params: kinds.to_vec(),
                    }));
                    wasm_func_new_with_env(
                        self.store(),
                        Some(&*ty),
                        Some(print_with_env_callback),
                        env.cast(),
                        Some(free_print_env),
                    )
                };
                wasm_functype_delete(owned(ty));
                func
            };
            if func.is_null() {
                return Err(format!("wasm_func_new failed for spectest.{name}"));
            }
            exports.push((
                name.to_string(),
                self.own_extern(raw(wasm_func_as_extern(NonNull::new(func)))),
            ));
        }

        let globals = [
            ("global_i32", WASM_I32, Value::I32(666)),
            ("global_i64", WASM_I64, Value::I64(666)),
            ("global_f32", WASM_F32, Value::F32(666.6f32.to_bits())),
            ("global_f64", WASM_F64, Value::F64(666.6f64.to_bits())),
        ];
        for (name, kind, init) in globals {
            let init = self.to_c(&init).map_err(|e| e.to_string())?;
            // SAFETY: the globaltype takes the valtype; the global copies the
            // type, which is deleted after.
            let global = unsafe {
                let ty = wasm_globaltype_new(
                    owned(wasm_valtype_new(kind)),
                    wasm_mutability_enum::WASM_CONST as wasm_mutability_t,
                );
                let global = wasm_global_new(self.store(), Some(&*ty), Some(&init));
                wasm_globaltype_delete(owned(ty));
                global
            };
            if global.is_null() {
                return Err(format!("wasm_global_new failed for spectest.{name}"));
            }
            exports.push((
                name.to_string(),
                self.own_extern(raw(wasm_global_as_extern(NonNull::new(global)))),
            ));
        }

        // SAFETY: the tabletype takes the valtype and copies the limits.
        let table = unsafe {
            let limits = wasm_limits_t { min: 10, max: 20 };
            let ty = wasm_tabletype_new(owned(wasm_valtype_new(WASM_FUNCREF)), Some(&limits));
            let table = wasm_table_new(self.store(), Some(&*ty), None);
            wasm_tabletype_delete(owned(ty));
            table
        };
        if table.is_null() {
            return Err("wasm_table_new failed for spectest.table".into());
        }
        exports.push((
            "table".to_string(),
            self.own_extern(raw(wasm_table_as_extern(NonNull::new(table)))),
        ));

        // SAFETY: the memorytype copies the limits.
        let memory = unsafe {
            let limits = wasm_limits_t { min: 1, max: 2 };
            let ty = wasm_memorytype_new(Some(&limits));
            let memory = wasm_memory_new(self.store(), Some(&*ty));
            wasm_memorytype_delete(owned(ty));
            memory
        };
        if memory.is_null() {
            return Err("wasm_memory_new failed for spectest.memory".into());
        }
        exports.push((
            "memory".to_string(),
            self.own_extern(raw(wasm_memory_as_extern(NonNull::new(memory)))),
        ));
        Ok(exports)
    }

    fn compile(&mut self, bytes: &[u8]) -> Result<CModule, EngineError> {
        let binary = byte_vec(bytes);
        // SAFETY: the store is live; `binary` is only read.
        let (valid, module) = unsafe {
            (
                wasm_module_validate(self.store(), Some(&binary)),
                wasm_module_new(self.store(), Some(&binary)),
            )
        };
        let compiled = !module.is_null();
        // A valid module may still fail to compile (an operator the compiler
        // does not implement): that error is reported below. The reverse is
        // a bug.
        if compiled && !valid {
            // SAFETY: owned here.
            wasm_module_delete(unsafe { owned(module) });
            return Err(EngineError::Other(
                "C API inconsistency",
                "wasm_module_new compiled a module that wasm_module_validate rejects".into(),
            ));
        }
        if compiled {
            let module = if self.serialize {
                // SAFETY: `module` is owned here.
                unsafe { self.round_trip(module)? }
            } else {
                module
            };
            return Ok(self.own(module, wasm_module_delete));
        }
        let mut error = MaybeUninit::uninit();
        // SAFETY: as above; `error` is written on failure and owned here.
        let again = unsafe { brisk_module_new(self.store(), Some(&binary), Some(&mut error)) };
        if !again.is_null() {
            // SAFETY: owned here.
            wasm_module_delete(unsafe { owned(again) });
            return Err(EngineError::Other(
                "C API inconsistency",
                "wasm_module_new refused a module that brisk_module_new compiled".into(),
            ));
        }
        // SAFETY: `error` was written by the failed call.
        let message = unsafe {
            let mut error = error.assume_init();
            let message = string(&error);
            wasm_byte_vec_delete(Some(&mut error));
            message
        };
        Err(EngineError::Compile(message))
    }

    fn imports(&self, module: &CModule) -> Vec<(String, String)> {
        let mut imports = MaybeUninit::uninit();
        // SAFETY: the module is live; the vector is owned here and each
        // element is a live importtype until the vector is deleted.
        unsafe {
            wasm_module_imports(Some(&*module.ptr), Some(&mut imports));
            let mut imports = imports.assume_init();
            let names = (0..imports.size)
                .map(|i| {
                    let t = &**imports.data.add(i);
                    (
                        string(wasm_importtype_module(Some(t)).expect("a module name")),
                        string(wasm_importtype_name(Some(t)).expect("a name")),
                    )
                })
                .collect();
            wasm_importtype_vec_delete(Some(&mut imports));
            names
        }
    }

    fn instantiate(
        &mut self,
        module: &CModule,
        imports: &[CExtern],
    ) -> Result<CInstance, EngineError> {
        let externs: Vec<*mut wasm_extern_t> = imports.iter().map(|e| e.ptr).collect();
        // Borrowed, as a C host writes `WASM_ARRAY_VEC(externs)`: the callee
        // only reads the vector.
        let imports = wasm_extern_vec_t {
            size: externs.len(),
            data: externs.as_ptr() as *mut *mut wasm_extern_t,
        };
        let mut trap = MaybeUninit::uninit();
        // SAFETY: the store and module are live; `imports` holds live externs;
        // `trap` is written either way.
        let (instance, trap) = unsafe {
            let instance = wasm_instance_new(
                self.store(),
                Some(&*module.ptr),
                Some(&imports),
                Some(&mut trap),
            );
            (instance, trap.assume_init())
        };
        if instance.is_null() {
            return Err(EngineError::Instantiate(if trap.is_null() {
                "wasm_instance_new failed without a trap".into()
            } else {
                // SAFETY: the trap is owned here.
                unsafe { take_trap_message(trap) }
            }));
        }
        if !trap.is_null() {
            // SAFETY: owned here; a success should not report one.
            wasm_trap_delete(unsafe { owned(trap) });
        }
        let instance = Owned {
            ptr: instance,
            delete: wasm_instance_delete,
            _store: self.owner.clone(),
        };

        let mut types = MaybeUninit::uninit();
        let mut externs = MaybeUninit::uninit();
        // SAFETY: both vectors are written and owned here; each extern is
        // copied before the vector (and its externs) is deleted.
        let exports = unsafe {
            wasm_module_exports(Some(&*module.ptr), Some(&mut types));
            wasm_instance_exports(Some(&*instance.ptr), Some(&mut externs));
            let (mut types, mut externs) = (types.assume_init(), externs.assume_init());
            if types.size != externs.size {
                wasm_exporttype_vec_delete(Some(&mut types));
                wasm_extern_vec_delete(Some(&mut externs));
                return Err(EngineError::Other(
                    "C API inconsistency",
                    "wasm_instance_exports and wasm_module_exports differ in length".into(),
                ));
            }
            let mut exports = Vec::with_capacity(types.size);
            let mut mismatch = None;
            for i in 0..types.size {
                let ty = &**types.data.add(i);
                let ext = &**externs.data.add(i);
                let name = string(wasm_exporttype_name(Some(ty)).expect("a name"));
                let declared = wasm_externtype_kind(wasm_exporttype_type(Some(ty)));
                if declared != wasm_extern_kind(Some(ext)) {
                    mismatch.get_or_insert(format!(
                        "export {name:?}: wasm_module_exports says kind {declared}, \
                         wasm_instance_exports gives kind {}",
                        wasm_extern_kind(Some(ext))
                    ));
                }
                exports.push((name, self.own_extern(wasm_extern_copy(Some(ext)))));
            }
            wasm_exporttype_vec_delete(Some(&mut types));
            wasm_extern_vec_delete(Some(&mut externs));
            if let Some(m) = mismatch {
                return Err(EngineError::Other("C API inconsistency", m));
            }
            exports
        };
        Ok(Rc::new(CInstanceData {
            _instance: instance,
            exports,
        }))
    }

    fn exports(&mut self, instance: &CInstance) -> Vec<(String, CExtern)> {
        instance.exports.clone()
    }

    fn export(&mut self, instance: &CInstance, name: &str) -> Option<CExtern> {
        instance
            .exports
            .iter()
            .find_map(|(n, e)| (n == name).then(|| e.clone()))
    }

    fn kind(&self, ext: &CExtern) -> ExternKind {
        // SAFETY: the extern is live.
        match wasm_extern_kind(unsafe { ext.ptr.as_ref() }) {
            k if k == wasm_externkind_enum::WASM_EXTERN_FUNC as u8 => ExternKind::Func,
            k if k == wasm_externkind_enum::WASM_EXTERN_GLOBAL as u8 => ExternKind::Global,
            k if k == wasm_externkind_enum::WASM_EXTERN_TABLE as u8 => ExternKind::Table,
            _ => ExternKind::Memory,
        }
    }

    fn call(&mut self, func: &CExtern, args: &[Value]) -> Result<Vec<Value>, EngineError> {
        // SAFETY: the extern is live.
        let Some(f) = (unsafe { wasm_extern_as_func(NonNull::new(func.ptr)) }) else {
            return Err(EngineError::Other("type error", "not a function".into()));
        };
        // SAFETY: `f` is live.
        let f = unsafe { f.as_ref() };
        // SAFETY: `f` is live.
        let kinds = unsafe { func_kinds(f) };
        if kinds.0.contains(&BRISK_V128) || kinds.1.contains(&BRISK_V128) {
            return self.call_v128(func, kinds, args);
        }
        let mut c_args = Vec::with_capacity(args.len());
        for a in args {
            match self.to_c(a) {
                Ok(v) => c_args.push(v),
                Err(e) => {
                    for mut v in c_args {
                        // SAFETY: each value owns its reference.
                        unsafe { wasm_val_delete(Some(&mut v)) };
                    }
                    return Err(e);
                }
            }
        }
        let mut arg_vec = MaybeUninit::uninit();
        let mut results = MaybeUninit::uninit();
        // SAFETY: the values move into `arg_vec`; both vectors are owned
        // here and deleted below, with the references they hold.
        unsafe {
            wasm_val_vec_new(Some(&mut arg_vec), c_args.len(), c_args.as_ptr());
            wasm_val_vec_new_uninitialized(Some(&mut results), wasm_func_result_arity(Some(f)));
            let (mut arg_vec, mut results) = (arg_vec.assume_init(), results.assume_init());
            let trap = wasm_func_call(Some(f), Some(&arg_vec), Some(&mut results));
            wasm_val_vec_delete(Some(&mut arg_vec));
            let outcome = if trap.is_null() {
                let kinds = func_kinds(f).1;
                (0..results.size)
                    .map(|i| {
                        let v = &*results.data.add(i);
                        if kinds.get(i) != Some(&v.kind) {
                            return Err(EngineError::Other(
                                "C API inconsistency",
                                format!(
                                    "result {i} has kind {}, the function type says {:?}",
                                    v.kind,
                                    kinds.get(i)
                                ),
                            ));
                        }
                        from_c(v)
                    })
                    .collect()
            } else {
                Err(EngineError::Trap(take_trap_message(trap)))
            };
            wasm_val_vec_delete(Some(&mut results));
            outcome
        }
    }

    fn global_get(&mut self, global: &CExtern) -> Result<Value, EngineError> {
        // SAFETY: the extern is live.
        let Some(g) = (unsafe { wasm_extern_as_global(NonNull::new(global.ptr)) }) else {
            return Err(EngineError::Other("type error", "not a global".into()));
        };
        // SAFETY: `g` is live.
        let g = unsafe { g.as_ref() };
        let mut v = MaybeUninit::uninit();
        // SAFETY: `g` is live; `v` is written and owned here.
        let (value, v) = unsafe {
            wasm_global_get(Some(g), Some(&mut v));
            let mut v = v.assume_init();
            let value = from_c(&v);
            wasm_val_delete(Some(&mut v));
            (value, v)
        };
        if v.kind != BRISK_V128 {
            return value;
        }
        // brisk.h: a v128 global reads as its low 64 bits; the whole value
        // comes through an adapter, and the two must agree.
        // SAFETY: `g` is live; its type is owned here.
        let mutable = unsafe {
            let ty = wasm_global_type(Some(g));
            let mutable = wasm_globaltype_mutability(Some(&*ty))
                == wasm_mutability_enum::WASM_VAR as wasm_mutability_t;
            wasm_globaltype_delete(owned(ty));
            mutable
        };
        let whole = self.global_get_v128(global, mutable)?;
        // SAFETY: a BRISK_V128 value holds its low bits in `of.i64`.
        let low = unsafe { v.of.i64 } as u64;
        match whole {
            Value::V128(x) if x as u64 == low => Ok(whole),
            _ => Err(EngineError::Other(
                "C API inconsistency",
                format!("wasm_global_get gave low bits {low:#x} of {whole:?}"),
            )),
        }
    }
}
