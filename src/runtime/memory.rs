//! Linear memories.
//!
//! With [`BoundsChecks::GuardPages`] a memory reserves 8 GiB (plus a little)
//! of inaccessible address space up front and makes its pages read+write as
//! it grows: any `base + u32 address + u32 offset` stays inside the
//! reservation, so generated code needs no bounds check and the base never
//! moves. With [`BoundsChecks::Explicit`] a memory maps exactly its current
//! size and may move when it grows (generated code reloads the base).

use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::config::BoundsChecks;
use super::error::Error;
use super::store::Store;
use crate::module::MemoryType;
use crate::vm::VMMemoryDefinition;

const PAGE: usize = MemoryType::PAGE_SIZE as usize;
/// 4 GiB of addresses + 4 GiB of offsets + room for the widest access.
pub(crate) const GUARD_RESERVATION: usize = (8 << 30) + (64 << 10);

/// Guard-page reservations mapped in this process (pooled ones included),
/// for the error message when the address space runs out.
static LIVE_RESERVATIONS: AtomicUsize = AtomicUsize::new(0);

/// The engine's pool of released guard-page reservations: a memory that
/// goes away (its store dropped, or its instance failed to instantiate)
/// gives its reservation back here, reset to inaccessible and zero, and the
/// next memory takes it instead of mapping 8 GiB afresh. Bounded: past
/// `capacity` reservations are unmapped.
pub(crate) struct ReservationPool {
    capacity: usize,
    /// Base addresses of free reservations, each `GUARD_RESERVATION` bytes,
    /// all `PROT_NONE` and without resident pages.
    free: Mutex<Vec<usize>>,
}

impl ReservationPool {
    pub(crate) fn new(capacity: usize) -> ReservationPool {
        ReservationPool {
            capacity,
            free: Mutex::new(Vec::new()),
        }
    }

    /// A reservation: a pooled one, else a fresh mapping.
    fn take(&self) -> Result<*mut u8, Error> {
        let pooled = self.free.lock().unwrap_or_else(|e| e.into_inner()).pop();
        match pooled {
            Some(base) => Ok(base as *mut u8),
            None => reserve(),
        }
    }

    /// Takes back the reservation at `base`, of which the first `used`
    /// bytes were made accessible: they are reset (pages dropped, access
    /// removed) so that the next user sees a fresh reservation.
    fn give(&self, base: *mut u8, used: usize) {
        if self.capacity == 0 {
            return unreserve(base);
        }
        let reset = used == 0 || {
            // SAFETY: [base, base + used) is part of our reservation and no
            // longer used by anyone (its memory is released or dropped).
            unsafe {
                libc::madvise(base as *mut libc::c_void, used, libc::MADV_DONTNEED) == 0
                    && libc::mprotect(base as *mut libc::c_void, used, libc::PROT_NONE) == 0
            }
        };
        if reset {
            let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
            if free.len() < self.capacity {
                free.push(base as usize);
                return;
            }
        }
        unreserve(base);
    }
}

impl Drop for ReservationPool {
    fn drop(&mut self) {
        let free = std::mem::take(self.free.get_mut().unwrap_or_else(|e| e.into_inner()));
        for base in free {
            unreserve(base as *mut u8);
        }
    }
}

fn reserve() -> Result<*mut u8, Error> {
    match map(GUARD_RESERVATION, libc::PROT_NONE) {
        Ok(p) => {
            LIVE_RESERVATIONS.fetch_add(1, Ordering::Relaxed);
            Ok(p)
        }
        Err(_) => Err(Error::Resource(format!(
            "cannot reserve 8 GiB of address space for a linear memory with guard pages \
             ({} such reservations are live in this process): the process's address space is \
             exhausted; drop stores sooner, lower the store limits (Config::store_limits, \
             brisk_config_max_memories_set, brisk_config_max_reserved_bytes_set), or use \
             explicit bounds checks (BoundsChecks::Explicit, \
             brisk_config_bounds_checks_set(BRISK_BOUNDS_CHECKS_EXPLICIT))",
            LIVE_RESERVATIONS.load(Ordering::Relaxed)
        ))),
    }
}

fn unreserve(base: *mut u8) {
    // SAFETY: `base` is a whole guard reservation of ours that nobody uses.
    unsafe { libc::munmap(base as *mut libc::c_void, GUARD_RESERVATION) };
    LIVE_RESERVATIONS.fetch_sub(1, Ordering::Relaxed);
}

/// The runtime object behind a [`Memory`] handle. `repr(C)` with the
/// definition first: builtins reach it from the `*mut VMMemoryDefinition`
/// stored in a vmctx.
#[repr(C)]
pub(crate) struct MemoryData {
    pub(crate) def: VMMemoryDefinition,
    pub(crate) ty: MemoryType,
    mode: BoundsChecks,
    /// Bytes mapped (explicit mode) or reserved (guard mode); 0 for no mapping.
    mapped: usize,
    /// Where a guard-page reservation goes back to.
    pool: Arc<ReservationPool>,
    /// Set by `release`: the memory is gone (zero-length, unmapped, never
    /// grows again); its slot stays so that store indices remain valid.
    released: bool,
}

impl MemoryData {
    pub(crate) fn new(
        ty: MemoryType,
        mode: BoundsChecks,
        pool: &Arc<ReservationPool>,
    ) -> Result<Box<MemoryData>, Error> {
        if ty.min > MemoryType::MAX_PAGES || ty.max.is_some_and(|m| m > MemoryType::MAX_PAGES) {
            return Err(Error::Resource(
                "memory size must be at most 65536 pages (4GiB)".into(),
            ));
        }
        let mut mem = Box::new(MemoryData {
            def: VMMemoryDefinition {
                base: NonNull::dangling().as_ptr(),
                length: 0,
            },
            ty,
            mode,
            mapped: 0,
            pool: pool.clone(),
            released: false,
        });
        let bytes = ty.min as usize * PAGE;
        match mode {
            BoundsChecks::GuardPages => {
                let base = pool.take()?;
                mem.def.base = base;
                mem.mapped = GUARD_RESERVATION;
                mem.make_accessible(0, bytes)?;
            }
            BoundsChecks::Explicit => {
                if bytes > 0 {
                    mem.def.base = map(bytes, libc::PROT_READ | libc::PROT_WRITE)?;
                    mem.mapped = bytes;
                }
            }
        }
        mem.def.length = bytes as u64;
        Ok(mem)
    }

    /// Address space this memory holds against its store's
    /// `max_reserved_bytes`.
    pub(crate) fn reserved_bytes(&self) -> u64 {
        match self.mode {
            BoundsChecks::GuardPages if self.mapped != 0 => GUARD_RESERVATION as u64,
            _ => 0,
        }
    }

    /// Gives the memory's mapping back (to the pool, or to the system) and
    /// leaves a zero-length memory that never grows. Only for memories no
    /// one can reach any more: generated code of their instance is not
    /// running and no handle to them was handed out.
    pub(crate) fn release(&mut self) {
        self.unmap();
        self.def.base = NonNull::dangling().as_ptr();
        self.def.length = 0;
        self.released = true;
    }

    pub(crate) fn is_released(&self) -> bool {
        self.released
    }

    fn unmap(&mut self) {
        if self.mapped == 0 {
            return;
        }
        match self.mode {
            BoundsChecks::GuardPages => self.pool.give(self.def.base, self.def.length as usize),
            // SAFETY: we own this mapping and no one uses it any more.
            BoundsChecks::Explicit => unsafe {
                libc::munmap(self.def.base as *mut libc::c_void, self.mapped);
            },
        }
        self.mapped = 0;
    }

    pub(crate) fn pages(&self) -> u32 {
        (self.def.length / MemoryType::PAGE_SIZE) as u32
    }

    fn max_pages(&self) -> u32 {
        self.ty
            .max
            .unwrap_or(MemoryType::MAX_PAGES)
            .min(MemoryType::MAX_PAGES)
    }

    /// Grows by `delta` pages; returns the old size in pages, or `None` when
    /// the maximum or the system refuses.
    pub(crate) fn grow(&mut self, delta: u32) -> Option<u32> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages() || self.released {
            return None;
        }
        if delta == 0 {
            return Some(old);
        }
        let old_bytes = old as usize * PAGE;
        let new_bytes = new as usize * PAGE;
        match self.mode {
            BoundsChecks::GuardPages => self.make_accessible(old_bytes, new_bytes).ok()?,
            BoundsChecks::Explicit => {
                let base = if self.mapped == 0 {
                    map(new_bytes, libc::PROT_READ | libc::PROT_WRITE).ok()?
                } else {
                    // SAFETY: remapping our own mapping; mremap keeps the contents and zero-fills the rest.
                    let p = unsafe {
                        libc::mremap(
                            self.def.base as *mut libc::c_void,
                            self.mapped,
                            new_bytes,
                            libc::MREMAP_MAYMOVE,
                        )
                    };
                    if p == libc::MAP_FAILED {
                        return None;
                    }
                    p as *mut u8
                };
                self.def.base = base;
                self.mapped = new_bytes;
            }
        }
        self.def.length = new_bytes as u64;
        Some(old)
    }

    fn make_accessible(&mut self, from: usize, to: usize) -> Result<(), Error> {
        if to == from {
            return Ok(());
        }
        // SAFETY: [from, to) lies inside our reservation (to <= 4 GiB < GUARD_RESERVATION).
        let rc = unsafe {
            libc::mprotect(
                self.def.base.add(from) as *mut libc::c_void,
                to - from,
                libc::PROT_READ | libc::PROT_WRITE,
            )
        };
        if rc != 0 {
            return Err(Error::Resource("cannot commit linear memory".into()));
        }
        Ok(())
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        // SAFETY: `length` bytes at `base` are mapped read+write (or length is 0 and base non-null).
        unsafe { std::slice::from_raw_parts(self.def.base, self.def.length as usize) }
    }

    pub(crate) fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`, and `&mut self` makes the access exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.def.base, self.def.length as usize) }
    }
}

impl Drop for MemoryData {
    fn drop(&mut self) {
        // Its store, and so every user, is gone.
        self.unmap();
    }
}

fn map(len: usize, prot: libc::c_int) -> Result<*mut u8, Error> {
    // SAFETY: a fresh anonymous mapping affects no existing memory.
    let p = unsafe {
        libc::mmap(
            ptr::null_mut(),
            len,
            prot,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return Err(Error::Resource(format!(
            "cannot reserve {len} bytes for a linear memory"
        )));
    }
    Ok(p as *mut u8)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Memory {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl Memory {
    pub fn new(store: &mut Store, ty: MemoryType) -> Result<Memory, Error> {
        if let Some(max) = ty.max {
            if max < ty.min {
                return Err(Error::Type(
                    "size minimum must not be greater than maximum".into(),
                ));
            }
        }
        let mode = store.engine().config().bounds_checks;
        store.check_limits(0, 1, 0, mode)?;
        let data = MemoryData::new(ty, mode, &store.engine().inner.pool)?;
        Ok(store.push_memory(data))
    }

    /// The memory's type; `min` is the current size, as the spec defines
    /// the type of a memory instance (it matters for import matching).
    pub fn ty(&self, store: &Store) -> MemoryType {
        let mem = store.memory(*self);
        MemoryType {
            min: mem.pages(),
            ..mem.ty
        }
    }

    pub fn data<'a>(&self, store: &'a Store) -> &'a [u8] {
        store.memory(*self).bytes()
    }

    pub fn data_mut<'a>(&self, store: &'a mut Store) -> &'a mut [u8] {
        store.memory_mut(*self).bytes_mut()
    }

    pub fn data_ptr(&self, store: &Store) -> *mut u8 {
        store.memory(*self).def.base
    }

    /// Current size in bytes.
    pub fn data_size(&self, store: &Store) -> usize {
        store.memory(*self).def.length as usize
    }

    /// Current size in pages.
    pub fn size(&self, store: &Store) -> u32 {
        store.memory(*self).pages()
    }

    /// Grows by `delta` pages; returns the old size in pages.
    pub fn grow(&self, store: &mut Store, delta: u32) -> Result<u32, Error> {
        store
            .memory_mut(*self)
            .grow(delta)
            .ok_or_else(|| Error::Resource("failed to grow memory".into()))
    }
}
