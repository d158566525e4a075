//! Globals: one boxed 16-byte cell each, owned by the store, so that every
//! instance importing a global points at the same cell.

use super::error::Error;
use super::store::Store;
use super::values::Val;
use crate::module::GlobalType;
use crate::vm::VMGlobal;

pub(crate) struct GlobalData {
    pub(crate) cell: Box<VMGlobal>,
    pub(crate) ty: GlobalType,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Global {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl Global {
    pub fn new(store: &mut Store, ty: GlobalType, init: Val) -> Result<Global, Error> {
        let bits = value_bits(store, ty, init)?;
        Ok(store.push_global(GlobalData {
            cell: Box::new(VMGlobal { bits }),
            ty,
        }))
    }

    pub fn ty(&self, store: &Store) -> GlobalType {
        store.global(*self).ty
    }

    pub fn get(&self, store: &Store) -> Val {
        let g = store.global(*self);
        store.slots_to_val(&g.cell.bits, g.ty.content)
    }

    pub fn set(&self, store: &mut Store, v: Val) -> Result<(), Error> {
        let ty = store.global(*self).ty;
        if !ty.mutable {
            return Err(Error::Type("cannot set an immutable global".into()));
        }
        let bits = value_bits(store, ty, v)?;
        store.global_mut(*self).cell.bits = bits;
        Ok(())
    }
}

fn value_bits(store: &Store, ty: GlobalType, v: Val) -> Result<[u64; 2], Error> {
    if v.ty() != ty.content {
        return Err(Error::Type(format!(
            "global of type {} cannot hold a {} value",
            ty.content,
            v.ty()
        )));
    }
    let mut bits = [0u64; 2];
    store.val_to_slots(v, &mut bits)?;
    Ok(bits)
}
