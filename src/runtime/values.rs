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

    /// Slots a value of type `ty` takes in the raw calling convention of
    /// [`Func::call_raw`] and [`Func::new_raw`]: two for a v128, else one.
    pub fn slot_count(ty: ValType) -> usize {
        crate::vm::value_slots(ty)
    }

    /// Encodes the value into `slots` for [`Func::call_raw`] or the results
    /// of a [`Func::new_raw`] function: integers and float bits in the low
    /// bytes of one slot, a v128 in two (low half first), references as the
    /// store's opaque non-null word (0 for null).
    ///
    /// Panics if `slots` is too short or a reference belongs to another store.
    pub fn to_slots(&self, store: &Store, slots: &mut [u64]) {
        store
            .val_to_slots(*self, slots)
            .expect("references are checked against the store");
    }

    /// Decodes a value of type `ty` from `slots` (see [`Val::to_slots`]).
    ///
    /// # Safety
    /// For reference types, the slot must hold a reference of `store` (or 0),
    /// as generated code and [`Val::to_slots`] produce.
    pub unsafe fn from_slots(store: &Store, slots: &[u64], ty: ValType) -> Val {
        store.slots_to_val(slots, ty)
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
