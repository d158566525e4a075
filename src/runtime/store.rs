//! The store: owner of every instance, function, memory, table, global and
//! host value created in it.
//!
//! The state lives in a `Box` so that the pointers generated code holds
//! (the `VMStoreContext`, memory and table definitions, global cells, host
//! function contexts) stay put however the `Store` value itself moves.

use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicU64, Ordering};

use super::config::{BoundsChecks, StoreLimits};
use super::engine::Engine;
use super::error::Error;
use super::func::{Func, FuncData};
use super::global::{Global, GlobalData};
use super::instance::{Instance, InstanceData};
use super::memory::{Memory, MemoryData, GUARD_RESERVATION};
use super::table::{Table, TableData};
use super::trap::Trap;
use super::values::{ExternRef, Val};
use crate::module::ValType;
use crate::vm::{VMFuncRef, VMStoreContext};

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

/// Owns everything created in it; objects live as long as their store.
/// Not `Sync`: one thread uses a store at a time.
pub struct Store {
    /// Dropped by hand: see `Drop for Store`.
    pub(crate) inner: ManuallyDrop<Box<StoreInner>>,
}

#[repr(C)]
// Boxed elements: generated code and vmctxs hold their addresses, which must
// not move when the Vecs grow.
#[allow(clippy::vec_box)]
pub(crate) struct StoreInner {
    /// First field, so a `*mut VMStoreContext` is a `*mut StoreInner`.
    pub(crate) vm: VMStoreContext,
    pub(crate) id: u64,
    pub(crate) engine: Engine,
    /// The `Store` that entered wasm most recently; host functions called
    /// from wasm get it back as `&mut Store` (the caller's borrow of it is
    /// suspended for the duration of the call).
    pub(crate) outer: *mut Store,
    /// The trap recorded by generated code or a host function, taken by the
    /// call that returns it.
    pub(crate) pending_trap: Option<Trap>,
    pub(crate) instances: Vec<Box<InstanceData>>,
    pub(crate) funcs: Vec<FuncData>,
    pub(crate) memories: Vec<Box<MemoryData>>,
    pub(crate) tables: Vec<Box<TableData>>,
    pub(crate) globals: Vec<GlobalData>,
    pub(crate) externrefs: Vec<Box<dyn std::any::Any>>,
    pub(crate) limits: StoreLimits,
    /// Memories and tables not released, and the guard-page address space
    /// the memories hold: what `limits` bounds (with `instances.len()`).
    pub(crate) live_memories: usize,
    pub(crate) live_tables: usize,
    pub(crate) reserved_bytes: u64,
}

impl Store {
    pub fn new(engine: &Engine) -> Store {
        Store {
            inner: ManuallyDrop::new(Box::new(StoreInner {
                vm: VMStoreContext::default(),
                id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
                engine: engine.clone(),
                outer: std::ptr::null_mut(),
                pending_trap: None,
                instances: Vec::new(),
                funcs: Vec::new(),
                memories: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                externrefs: Vec::new(),
                limits: engine.config().store_limits,
                live_memories: 0,
                live_tables: 0,
                reserved_bytes: 0,
            })),
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The limits this store enforces (from `Config::store_limits` unless
    /// changed with [`Store::set_limits`]).
    pub fn limits(&self) -> StoreLimits {
        self.inner.limits
    }

    /// Replaces the store's limits. Objects already in the store stay; a
    /// limit below the current count only refuses new objects.
    pub fn set_limits(&mut self, limits: StoreLimits) {
        self.inner.limits = limits;
    }

    /// Fails, naming the limit, when `instances` more instances,
    /// `memories` more memories (reserving guard pages in `mode`) and
    /// `tables` more tables would exceed this store's limits. Called before
    /// anything is allocated.
    pub(crate) fn check_limits(
        &self,
        instances: usize,
        memories: usize,
        tables: usize,
        mode: BoundsChecks,
    ) -> Result<(), Error> {
        let s = &self.inner;
        let l = &s.limits;
        let exceeded = |what: &str, limit: String, setter: &str| {
            Err(Error::Resource(format!(
                "{what} limit of {limit} reached in this store (objects live as long as their \
                 store: drop it sooner, or raise the limit with Config::store_limits / \
                 Store::set_limits / {setter})"
            )))
        };
        if instances > 0 && s.instances.len() + instances > l.max_instances {
            return exceeded(
                "instance",
                l.max_instances.to_string(),
                "brisk_config_max_instances_set",
            );
        }
        if memories > 0 && s.live_memories + memories > l.max_memories {
            return exceeded(
                "memory",
                l.max_memories.to_string(),
                "brisk_config_max_memories_set",
            );
        }
        if tables > 0 && s.live_tables + tables > l.max_tables {
            return exceeded(
                "table",
                l.max_tables.to_string(),
                "brisk_config_max_tables_set",
            );
        }
        if mode == BoundsChecks::GuardPages && memories > 0 {
            let more = memories as u64 * GUARD_RESERVATION as u64;
            if s.reserved_bytes.saturating_add(more) > l.max_reserved_bytes {
                return exceeded(
                    "reserved address space",
                    format!("{} bytes", l.max_reserved_bytes),
                    "brisk_config_max_reserved_bytes_set",
                );
            }
        }
        Ok(())
    }

    /// Releases memory `index` (see `MemoryData::release`) and stops
    /// counting it against the limits.
    pub(crate) fn release_memory(&mut self, index: u32) {
        let s = &mut *self.inner;
        let mem = &mut s.memories[index as usize];
        if mem.is_released() {
            return;
        }
        s.reserved_bytes -= mem.reserved_bytes();
        s.live_memories -= 1;
        mem.release();
    }

    /// Releases table `index` (see `TableData::release`) likewise.
    pub(crate) fn release_table(&mut self, index: u32) {
        let s = &mut *self.inner;
        let table = &mut s.tables[index as usize];
        if table.is_released() {
            return;
        }
        s.live_tables -= 1;
        table.release();
    }

    pub(crate) fn id(&self) -> u64 {
        self.inner.id
    }

    /// Panics when a handle from another store is used with this one.
    #[inline]
    pub(crate) fn check(&self, store_id: u64) {
        assert_eq!(
            store_id, self.inner.id,
            "object used with a store it does not belong to"
        );
    }

    pub(crate) fn new_externref(&mut self, data: Box<dyn std::any::Any>) -> ExternRef {
        let index = self.inner.externrefs.len() as u32;
        self.inner.externrefs.push(data);
        ExternRef {
            store_id: self.inner.id,
            index,
        }
    }

    pub(crate) fn externref_data(&self, r: ExternRef) -> &dyn std::any::Any {
        self.check(r.store_id);
        &*self.inner.externrefs[r.index as usize]
    }

    pub(crate) fn push_memory(&mut self, data: Box<MemoryData>) -> Memory {
        let index = self.inner.memories.len() as u32;
        self.inner.live_memories += 1;
        self.inner.reserved_bytes += data.reserved_bytes();
        self.inner.memories.push(data);
        Memory {
            store_id: self.inner.id,
            index,
        }
    }

    pub(crate) fn memory(&self, m: Memory) -> &MemoryData {
        self.check(m.store_id);
        &self.inner.memories[m.index as usize]
    }

    pub(crate) fn memory_mut(&mut self, m: Memory) -> &mut MemoryData {
        self.check(m.store_id);
        &mut self.inner.memories[m.index as usize]
    }

    pub(crate) fn push_table(&mut self, data: Box<TableData>) -> Table {
        let index = self.inner.tables.len() as u32;
        self.inner.live_tables += 1;
        self.inner.tables.push(data);
        Table {
            store_id: self.inner.id,
            index,
        }
    }

    pub(crate) fn table(&self, t: Table) -> &TableData {
        self.check(t.store_id);
        &self.inner.tables[t.index as usize]
    }

    pub(crate) fn table_mut(&mut self, t: Table) -> &mut TableData {
        self.check(t.store_id);
        &mut self.inner.tables[t.index as usize]
    }

    pub(crate) fn push_global(&mut self, data: GlobalData) -> Global {
        let index = self.inner.globals.len() as u32;
        self.inner.globals.push(data);
        Global {
            store_id: self.inner.id,
            index,
        }
    }

    pub(crate) fn global(&self, g: Global) -> &GlobalData {
        self.check(g.store_id);
        &self.inner.globals[g.index as usize]
    }

    pub(crate) fn global_mut(&mut self, g: Global) -> &mut GlobalData {
        self.check(g.store_id);
        &mut self.inner.globals[g.index as usize]
    }

    pub(crate) fn func(&self, f: Func) -> &FuncData {
        self.check(f.store_id);
        &self.inner.funcs[f.index as usize]
    }

    pub(crate) fn instance(&self, i: Instance) -> &InstanceData {
        self.check(i.store_id);
        &self.inner.instances[i.index as usize]
    }

    /// The raw table element / global bits of a reference value of type `ty`.
    pub(crate) fn ref_to_raw(&self, v: Val, ty: ValType) -> Result<usize, Error> {
        match (v, ty) {
            (Val::FuncRef(None), ValType::FuncRef) | (Val::ExternRef(None), ValType::ExternRef) => {
                Ok(0)
            }
            (Val::FuncRef(Some(f)), ValType::FuncRef) => Ok(self.func(f).funcref as usize),
            (Val::ExternRef(Some(r)), ValType::ExternRef) => {
                self.check(r.store_id);
                Ok(externref_to_raw(r.index))
            }
            (v, ty) => Err(Error::Type(format!(
                "expected a {ty} value, got {}",
                v.ty()
            ))),
        }
    }

    /// The reference value of type `ty` with raw bits `raw`.
    pub(crate) fn raw_to_ref(&self, raw: usize, ty: ValType) -> Val {
        match ty {
            ValType::FuncRef => Val::FuncRef(self.func_from_raw(raw)),
            _ => Val::ExternRef((raw != 0).then(|| ExternRef {
                store_id: self.inner.id,
                index: raw_to_externref(raw),
            })),
        }
    }

    /// The function a non-null `*const VMFuncRef` of this store denotes.
    pub(crate) fn func_from_raw(&self, raw: usize) -> Option<Func> {
        if raw == 0 {
            return None;
        }
        // SAFETY: non-null funcref values of this store point at live
        // VMFuncRefs (in a vmctx or a host function) owned by the store.
        let index = unsafe { (*(raw as *const VMFuncRef))._pad };
        Some(Func {
            store_id: self.inner.id,
            index,
        })
    }

    /// Encodes `v` into `slots` (two for a v128).
    #[inline(always)]
    pub(crate) fn val_to_slots(&self, v: Val, slots: &mut [u64]) -> Result<(), Error> {
        slots[0] = match v {
            Val::I32(x) => x as u32 as u64,
            Val::I64(x) => x as u64,
            Val::F32(x) => x as u64,
            Val::F64(x) => x,
            Val::V128(x) => {
                slots[1] = (x >> 64) as u64;
                x as u64
            }
            Val::FuncRef(_) => self.ref_to_raw(v, ValType::FuncRef)? as u64,
            Val::ExternRef(_) => self.ref_to_raw(v, ValType::ExternRef)? as u64,
        };
        Ok(())
    }

    /// Decodes a value of type `ty` from `slots`. Inlined so that the value
    /// is built in place (a returned enum read back whole stalls store
    /// forwarding).
    #[inline(always)]
    pub(crate) fn slots_to_val(&self, slots: &[u64], ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(slots[0] as u32 as i32),
            ValType::I64 => Val::I64(slots[0] as i64),
            ValType::F32 => Val::F32(slots[0] as u32),
            ValType::F64 => Val::F64(slots[0]),
            ValType::V128 => Val::V128(slots[0] as u128 | (slots[1] as u128) << 64),
            ValType::FuncRef | ValType::ExternRef => self.raw_to_ref(slots[0] as usize, ty),
        }
    }
}

/// Externref values are the store's externref index + 1: opaque, non-null,
/// never dereferenced by generated code.
pub(crate) fn externref_to_raw(index: u32) -> usize {
    index as usize + 1
}

fn raw_to_externref(raw: usize) -> u32 {
    (raw - 1) as u32
}

impl Drop for Store {
    fn drop(&mut self) {
        if self.inner.vm.stack_limit != 0 {
            // A host function dropped the store it was called with (say,
            // `*store = Store::new(..)`) while wasm frames of this store are
            // still on the stack. They return into its vmctxs, memories and
            // code, so all of it is leaked rather than freed under them.
            return;
        }
        // SAFETY: dropped exactly once, here; `inner` is not used afterwards.
        unsafe { ManuallyDrop::drop(&mut self.inner) };
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("id", &self.inner.id).finish()
    }
}
