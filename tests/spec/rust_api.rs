//! The runner's [`Backend`] over brisk's safe Rust API.

use crate::backend::{Backend, EngineError, ExternKind, ExternVal, Value};
use crate::spectest;
use brisk::{
    BoundsChecks, Config, Engine, Error, Extern, ExternRef, Features, Instance, Module, Store, Val,
};

pub struct RustApi {
    engine: Engine,
    store: Store,
}

impl RustApi {
    fn make_val(&mut self, v: &Value) -> Val {
        match *v {
            Value::I32(x) => Val::I32(x),
            Value::I64(x) => Val::I64(x),
            Value::F32(bits) => Val::F32(bits),
            Value::F64(bits) => Val::F64(bits),
            Value::V128(x) => Val::V128(x),
            // The script can only write a null funcref.
            Value::FuncRef { .. } => Val::FuncRef(None),
            Value::ExternRef(ExternVal::Host(n)) => {
                Val::ExternRef(Some(ExternRef::new(&mut self.store, Box::new(n))))
            }
            Value::ExternRef(_) => Val::ExternRef(None),
        }
    }

    fn observe(&self, v: &Val) -> Value {
        match v {
            Val::I32(x) => Value::I32(*x),
            Val::I64(x) => Value::I64(*x),
            Val::F32(bits) => Value::F32(*bits),
            Val::F64(bits) => Value::F64(*bits),
            Val::V128(x) => Value::V128(*x),
            Val::FuncRef(r) => Value::FuncRef {
                is_null: r.is_none(),
            },
            Val::ExternRef(None) => Value::ExternRef(ExternVal::Null),
            Val::ExternRef(Some(r)) => {
                Value::ExternRef(match r.data(&self.store).downcast_ref::<u32>() {
                    Some(n) => ExternVal::Host(*n),
                    None => ExternVal::Foreign,
                })
            }
        }
    }
}

fn engine_error(e: Error) -> EngineError {
    match e {
        Error::Compile(_) => EngineError::Compile(e.to_string()),
        Error::Link(m) => EngineError::Link(m),
        Error::Trap(t) => EngineError::Trap(t.message().to_string()),
        Error::Type(m) => EngineError::Other("type error", m),
        Error::Resource(m) => EngineError::Other("resource error", m),
    }
}

impl Backend for RustApi {
    type Module = Module;
    type Instance = Instance;
    type Extern = Extern;

    fn new(features: Features, bounds_checks: BoundsChecks) -> Result<Self, String> {
        let engine = Engine::new(Config {
            features,
            bounds_checks,
            ..Config::default()
        });
        let store = Store::new(&engine);
        Ok(RustApi { engine, store })
    }

    fn spectest(&mut self) -> Result<Vec<(String, Extern)>, String> {
        spectest::instantiate(&mut self.store)
    }

    fn compile(&mut self, bytes: &[u8]) -> Result<Module, EngineError> {
        Module::new(&self.engine, bytes).map_err(engine_error)
    }

    fn imports(&self, module: &Module) -> Vec<(String, String)> {
        module
            .imports()
            .into_iter()
            .map(|i| (i.module, i.name))
            .collect()
    }

    fn instantiate(
        &mut self,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance, EngineError> {
        Instance::new(&mut self.store, module, imports).map_err(engine_error)
    }

    fn exports(&mut self, instance: &Instance) -> Vec<(String, Extern)> {
        instance.exports(&self.store)
    }

    fn export(&mut self, instance: &Instance, name: &str) -> Option<Extern> {
        instance.get_export(&self.store, name)
    }

    fn kind(&self, ext: &Extern) -> ExternKind {
        match ext {
            Extern::Func(_) => ExternKind::Func,
            Extern::Global(_) => ExternKind::Global,
            Extern::Table(_) => ExternKind::Table,
            Extern::Memory(_) => ExternKind::Memory,
        }
    }

    fn call(&mut self, func: &Extern, args: &[Value]) -> Result<Vec<Value>, EngineError> {
        let Extern::Func(func) = func else {
            return Err(EngineError::Other("type error", "not a function".into()));
        };
        let args: Vec<Val> = args.iter().map(|a| self.make_val(a)).collect();
        let ty = func.ty(&self.store);
        let mut results: Vec<Val> = ty.results.iter().map(|t| Val::default_for(*t)).collect();
        func.call(&mut self.store, &args, &mut results)
            .map_err(engine_error)?;
        Ok(results.iter().map(|v| self.observe(v)).collect())
    }

    fn global_get(&mut self, global: &Extern) -> Result<Value, EngineError> {
        let Extern::Global(global) = global else {
            return Err(EngineError::Other("type error", "not a global".into()));
        };
        Ok(self.observe(&global.get(&self.store)))
    }
}
