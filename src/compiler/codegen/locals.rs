//! Locals cached in registers.
//!
//! Locals live in frame slots. `local.set`/`local.tee` of a value in a
//! register makes that register the local's cache and marks it *dirty*
//! (the slot is stale); the slot is written when the cache is dropped (on
//! register pressure, before calls, or on an edge whose target does not
//! keep the local dirty in that register). An uncached local's slot is
//! always current.
//!
//! Merge states include the cache and its dirty set: a loop header keeps
//! the locals cached at its entry, all counted dirty, so assignments in the
//! loop never store; a block's end takes the cache of the first edge that
//! reaches it, and later edges conform; an `if`'s else arm starts from the
//! cache at the `if`.

use super::CodeGen;
use crate::compiler::isa::masm::Address;
use crate::compiler::isa::regs::{is_fp_class, Reg, RegSet, FP_MASK, GPR_MASK};

/// `reg_owner` entry of a register that caches no local.
pub(crate) const NO_LOCAL: u32 = u32::MAX;

/// A cache state: (local index, register) pairs.
pub(crate) type CacheState = Vec<(u32, Reg)>;

/// The merge states of one control frame, kept per control depth so their
/// vectors are reused from function to function.
#[derive(Default)]
pub(crate) struct FrameCache {
    /// At an `if`: the cache its else arm starts with; at a loop: the
    /// header's cache.
    pub entry: CacheState,
    pub entry_dirty: RegSet,
    /// The cache at a block's end, once the first edge has set it.
    pub end: CacheState,
    pub end_dirty: RegSet,
    pub end_set: bool,
}

/// Which local each register caches, and which are stale: private to this
/// file; the rest of the code generator asks [`LocalsCache::reg`].
pub(super) struct LocalsCache {
    /// The register caching each local, if any.
    reg_of: Vec<Option<Reg>>,
    /// The local cached in each register (`NO_LOCAL` if none).
    owner: [u32; 32],
    /// The registers that cache a local.
    cached: RegSet,
    /// The cached locals whose frame slot is stale.
    dirty: RegSet,
}

impl Default for LocalsCache {
    fn default() -> Self {
        LocalsCache {
            reg_of: Vec::new(),
            owner: [NO_LOCAL; 32],
            cached: RegSet(0),
            dirty: RegSet(0),
        }
    }
}

impl LocalsCache {
    /// Nothing cached, for a function of `n` locals.
    pub fn reset(&mut self, n: usize) {
        self.reg_of.clear();
        self.reg_of.resize(n, None);
        self.owner = [NO_LOCAL; 32];
        self.cached = RegSet(0);
        self.dirty = RegSet(0);
    }

    /// The register caching local `l`, if any.
    #[inline]
    pub fn reg(&self, l: u32) -> Option<Reg> {
        self.reg_of[l as usize]
    }

    /// The registers that cache a local (not free, not on the stack).
    pub fn cached_regs(&self) -> RegSet {
        self.cached
    }

    /// Counts the cached locals in `dirty` stale (at a loop header).
    pub fn set_dirty(&mut self, dirty: RegSet) {
        self.dirty = RegSet(dirty.0 & self.cached.0);
    }
}

impl<'m> CodeGen<'m> {
    /// Makes `r` (owned by the caller) the cached copy of local `l`, equal
    /// to its slot. A previous cache is dropped without a store: the caller
    /// has just written the slot, or the local is unchanged.
    pub fn cache_local(&mut self, l: u32, r: Reg) {
        self.drop_local_cache(l);
        self.lcache.reg_of[l as usize] = Some(r);
        self.lcache.owner[r.index()] = l;
        self.lcache.cached.insert(r);
    }

    /// Forgets local `l`'s register without writing its slot (the slot
    /// holds or is about to hold the local's value).
    pub fn drop_local_cache(&mut self, l: u32) {
        if let Some(r) = self.lcache.reg_of[l as usize].take() {
            self.lcache.owner[r.index()] = NO_LOCAL;
            self.lcache.cached.remove(r);
            self.lcache.dirty.remove(r);
            self.vstack.free_reg(r);
        }
    }

    /// A new value for local `l` in `r` (owned by the caller). A local
    /// that is cached keeps its register: a loop header that carries it
    /// there then needs no move on the back edge, which can stay a single
    /// conditional jump.
    pub fn set_cached_local(&mut self, l: u32, r: Reg) {
        let c = match self.lcache.reg_of[l as usize] {
            Some(c) if c != r => {
                self.masm.mov_rr(c, r);
                self.release(r);
                c
            }
            _ => {
                self.cache_local(l, r);
                r
            }
        };
        self.lcache.dirty.insert(c);
    }

    /// Drops local `l`'s cache, writing the slot first if it is stale.
    pub fn uncache_local(&mut self, l: u32) {
        if let Some(r) = self.lcache.reg_of[l as usize] {
            if self.lcache.dirty.contains(r) {
                let local = self.frame.local(l);
                self.masm.store(local.ty, Address::Frame(local.disp), r);
            }
        }
        self.drop_local_cache(l);
    }

    /// Drops the cached local in `r`, if any.
    pub fn uncache_reg(&mut self, r: Reg) {
        let l = self.lcache.owner[r.index()];
        if l != NO_LOCAL {
            self.uncache_local(l);
        }
    }

    /// Drops every cached local (before calls, which clobber registers).
    pub fn uncache_all(&mut self) {
        let mut bits = self.lcache.cached.0;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            self.uncache_local(self.lcache.owner[i]);
        }
    }

    /// Frees one register of the class by dropping a cached local.
    pub(super) fn evict_cached_local(&mut self, fp: bool, avoid: RegSet) -> bool {
        let class: u32 = if fp { FP_MASK } else { GPR_MASK };
        let bits = self.lcache.cached.0 & class & !avoid.0;
        if bits == 0 {
            return false;
        }
        self.uncache_local(self.lcache.owner[bits.trailing_zeros() as usize]);
        true
    }

    /// The current cache, minus registers in `exclude`; returns its dirty set.
    pub fn snapshot_cache(&mut self, out: &mut CacheState, exclude: RegSet) -> RegSet {
        out.clear();
        let mut bits = self.lcache.cached.0 & !exclude.0;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let l = self.lcache.owner[i];
            match self.lcache.reg_of[l as usize] {
                Some(r) if r.index() == i => out.push((l, r)),
                _ => self.bail("a register's owner does not cache it"),
            }
        }
        RegSet(self.lcache.dirty.0 & self.lcache.cached.0 & !exclude.0)
    }

    /// Replaces the cache by `state` (the registers already hold the
    /// locals: this only changes the compile-time view).
    pub fn set_cache(&mut self, state: &[(u32, Reg)], dirty: RegSet) {
        let mut bits = self.lcache.cached.0;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            self.lcache.reg_of[self.lcache.owner[i] as usize] = None;
            self.lcache.owner[i] = NO_LOCAL;
        }
        self.lcache.cached = RegSet(0);
        for &(l, r) in state {
            self.lcache.reg_of[l as usize] = Some(r);
            self.lcache.owner[r.index()] = l;
            self.lcache.cached.insert(r);
        }
        self.lcache.dirty = RegSet(dirty.0 & self.lcache.cached.0);
    }

    /// At a loop header, loads locals into free registers so that the loop
    /// carries them in registers (a single pass cannot know which locals
    /// the body uses: take the first ones, leaving room for temporaries).
    pub fn preload_locals_for_loop(&mut self) {
        const KEEP_FREE: u32 = 4;
        const SCAN: usize = 64;
        let mut gprs = (self.vstack.free_regs().0 & GPR_MASK)
            .count_ones()
            .saturating_sub(KEEP_FREE);
        let mut fprs = (self.vstack.free_regs().0 & FP_MASK)
            .count_ones()
            .saturating_sub(KEEP_FREE);
        for l in 0..self.frame.num_locals().min(SCAN) {
            if gprs == 0 && fprs == 0 {
                break;
            }
            if self.lcache.reg_of[l].is_some() {
                continue;
            }
            let local = self.frame.local(l as u32);
            let budget = if is_fp_class(local.ty) {
                &mut fprs
            } else {
                &mut gprs
            };
            if *budget == 0 {
                continue;
            }
            *budget -= 1;
            let Some(r) = self.try_alloc(local.ty) else {
                self.bail("no free register among those counted free");
                return;
            };
            self.masm.load(local.ty, r, Address::Frame(local.disp));
            self.cache_local(l as u32, r);
        }
    }

    /// Whether an edge to a target with cache `state` (dirty set `dirty`,
    /// a subset of `state`'s registers) needs no moves, loads or stores.
    pub fn cache_matches(&self, state: &[(u32, Reg)], dirty: RegSet) -> bool {
        // Every stale local must stay stale in the same register there.
        self.lcache.dirty.0 & !dirty.0 == 0
            && state
                .iter()
                .all(|&(l, r)| self.lcache.reg_of[l as usize] == Some(r))
    }

    /// Writes the slots of stale locals that the target state (`state`,
    /// `dirty`) does not keep stale in a register.
    pub fn store_locals_for_edge(&mut self, state: &[(u32, Reg)], dirty: RegSet) {
        let mut bits = self.lcache.dirty.0;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let l = self.lcache.owner[i];
            let kept = state.iter().any(|&(tl, tr)| tl == l && dirty.contains(tr));
            if !kept {
                let local = self.frame.local(l);
                self.masm
                    .store(local.ty, Address::Frame(local.disp), Reg::from_index(i));
            }
        }
    }
}
