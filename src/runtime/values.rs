//! Values crossing the API, and their 8-byte slot encoding.

use super::func::Func;
use super::store::Store;
use crate::module::ValType;

/// A host value that wasm can hold as an `externref`; owned by its store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExternRef {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl ExternRef {
    pub fn new(store: &mut Store, data: Box<dyn std::any::Any>) -> ExternRef {
        store.new_externref(data)
    }

    pub fn data<'a>(&self, store: &'a Store) -> &'a dyn std::any::Any {
        store.externref_data(*self)
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Val {
    I32(i32),
    I64(i64),
    /// Bits of an f32.
    F32(u32),
    /// Bits of an f64.
    F64(u64),
    V128(u128),
    FuncRef(Option<Func>),
    ExternRef(Option<ExternRef>),
}

impl Val {
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// The zero value of a type (null for references).
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::FuncRef => Val::FuncRef(None),
            ValType::ExternRef => Val::ExternRef(None),
        }
    }
}
