//! Locals cached in registers.
//!
//! Locals live in frame slots and every `local.set`/`local.tee` writes its
//! slot (write-through), so a cached copy in a register can be dropped at
//! any time for free: on register pressure, at calls, at merges. What a
//! cache buys is the load, and with it the store-to-load latency on loop-
//! carried values.
//!
//! Merge states include the cache: a loop header keeps the locals cached at
//! its entry (back-edges move or load them into those registers); a block's
//! end takes the cache of the first edge that reaches it, and later edges
//! conform; an `if`'s else arm starts from the cache at the `if`.

use super::CodeGen;
use crate::compiler::x64::masm::is_xmm_ty;
use crate::compiler::x64::regs::{Reg, RegSet, GPR_MASK, XMM_MASK};

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
    /// The cache at a block's end, once the first edge has set it.
    pub end: CacheState,
    pub end_set: bool,
}

impl<'m> CodeGen<'m> {
    /// Makes `r` (owned by the caller) the cached copy of local `l`.
    pub fn cache_local(&mut self, l: u32, r: Reg) {
        self.uncache_local(l);
        self.local_cache[l as usize] = Some(r);
        self.reg_owner[r.index()] = l;
        self.cached.insert(r);
    }

    /// A new value for local `l` in `r` (owned by the caller). A local
    /// that is cached keeps its register: a loop header that carries it
    /// there then needs no move on the back edge, which can stay a single
    /// conditional jump.
    pub fn set_cached_local(&mut self, l: u32, r: Reg) {
        match self.local_cache[l as usize] {
            Some(c) if c != r => {
                self.masm.mov_rr(c, r);
                self.release(r);
            }
            _ => self.cache_local(l, r),
        }
    }

    pub fn uncache_local(&mut self, l: u32) {
        if let Some(r) = self.local_cache[l as usize].take() {
            self.reg_owner[r.index()] = NO_LOCAL;
            self.cached.remove(r);
            self.free.insert(r);
        }
    }

    /// Drops the cached local in `r`, if any.
    pub fn uncache_reg(&mut self, r: Reg) {
        let l = self.reg_owner[r.index()];
        if l != NO_LOCAL {
            self.uncache_local(l);
        }
    }

    /// Drops every cached local (before calls, which clobber registers).
    pub fn uncache_all(&mut self) {
        let mut bits = self.cached.0;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            self.uncache_local(self.reg_owner[i]);
        }
    }

    /// Frees one register of the class by dropping a cached local.
    pub(super) fn evict_cached_local(&mut self, xmm: bool, avoid: RegSet) -> bool {
        let class: u32 = if xmm { 0xffff_0000 } else { 0x0000_ffff };
        let bits = self.cached.0 & class & !avoid.0;
        if bits == 0 {
            return false;
        }
        self.uncache_local(self.reg_owner[bits.trailing_zeros() as usize]);
        true
    }

    /// The current cache, minus registers in `exclude`.
    pub fn snapshot_cache(&self, out: &mut CacheState, exclude: RegSet) {
        out.clear();
        let mut bits = self.cached.0 & !exclude.0;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let l = self.reg_owner[i];
            let r = self.local_cache[l as usize].expect("owner and cache agree");
            debug_assert_eq!(r.index(), i);
            out.push((l, r));
        }
    }

    /// Replaces the cache by `state` (the registers already hold the
    /// locals: this only changes the compile-time view).
    pub fn set_cache(&mut self, state: &[(u32, Reg)]) {
        let mut bits = self.cached.0;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            self.local_cache[self.reg_owner[i] as usize] = None;
            self.reg_owner[i] = NO_LOCAL;
        }
        self.cached = RegSet(0);
        for &(l, r) in state {
            self.local_cache[l as usize] = Some(r);
            self.reg_owner[r.index()] = l;
            self.cached.insert(r);
        }
    }

    /// At a loop header, loads locals into free registers so that the loop
    /// carries them in registers (a single pass cannot know which locals
    /// the body uses: take the first ones, leaving room for temporaries).
    pub fn preload_locals_for_loop(&mut self) {
        const KEEP_FREE: u32 = 4;
        const SCAN: usize = 64;
        let mut gprs = (self.free.0 & GPR_MASK)
            .count_ones()
            .saturating_sub(KEEP_FREE);
        let mut xmms = (self.free.0 & XMM_MASK)
            .count_ones()
            .saturating_sub(KEEP_FREE);
        for l in 0..self.locals.len().min(SCAN) {
            if gprs == 0 && xmms == 0 {
                break;
            }
            if self.local_cache[l].is_some() {
                continue;
            }
            let local = self.locals[l];
            let budget = if is_xmm_ty(local.ty) {
                &mut xmms
            } else {
                &mut gprs
            };
            if *budget == 0 {
                continue;
            }
            *budget -= 1;
            let r = self.try_alloc(local.ty).expect("counted free registers");
            self.masm.load(local.ty, r, 5, local.disp);
            self.cache_local(l as u32, r);
        }
    }

    /// Whether the current cache already matches `state`.
    pub fn cache_matches(&self, state: &[(u32, Reg)]) -> bool {
        state
            .iter()
            .all(|&(l, r)| self.local_cache[l as usize] == Some(r))
    }
}
