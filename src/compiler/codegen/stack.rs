//! The abstract value stack and register allocation.
//!
//! Every stack entry `j` owns a frame slot at `Address::Frame(-off_j)` (its canonical
//! slot, fixed by its position), so spilling never needs a slot allocator and
//! a merge can name "the slot of entry j". Each register is held by at most
//! one entry; a value popped by an operator is owned by that operator until
//! it pushes or releases it.
//!
//! `local.get` of a local pushes a reference to the local (`Loc::Local`)
//! rather than a copy: operators read it straight from the local's cached
//! register (or its frame slot). Before the local changes (`local.set`/
//! `local.tee`) and at control-flow entries, references are materialised.
//!
//! Operands are resolved in one place: `operand` (an instruction source),
//! `opnd_into`/`opnd_to_reg` (into a register), `store_opnd` (to memory),
//! `held_reg`/`cached_local_reg` (the register holding a value in place).
//! The operators' own `match` on a location remain only where locations are
//! handled differently (constant folding, pending flags, immediates), each
//! with a comment saying so.
//!
//! The stack's state is a part of its own, [`ValueStack`], private to this
//! file: the entries, how far down they are known to be spilled, the merge
//! locations of the open control frames, the free registers and the count of
//! references to each local (kept by `push`/`pop`/`set_loc`). The operations
//! that also emit code or read the locals cache (spilling, allocation,
//! operand resolution) are `CodeGen` methods here that go through it.

use super::CodeGen;
use crate::compiler::isa::masm::{Address, Cond, Operand};
use crate::compiler::isa::regs::{
    is_fp_class, Reg, RegSet, ALLOC_FPRS, ALLOC_GPRS, FP_MASK, GPR_MASK,
};
use crate::module::ValType;
use crate::vm::value_size;

/// Where a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Loc {
    Reg(Reg),
    /// Raw bits of a constant (i32 zero-extended, floats as their bits).
    Const(u64),
    /// In the entry's canonical slot.
    Slot,
    /// The i32 result of a compare still in the flags: only ever on top of
    /// the stack, and materialised before any instruction that may clobber it.
    Flags(Cond),
    /// The current value of a local: in its cached register if it has one,
    /// else in its frame slot. Never owned by an operator.
    Local(u32),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Val {
    pub ty: ValType,
    pub loc: Loc,
    /// The canonical slot is `Address::Frame(-off)`.
    pub off: i32,
}

impl Val {
    /// The entry as an operand (as if popped).
    pub fn opnd(self) -> Opnd {
        Opnd {
            ty: self.ty,
            loc: self.loc,
            off: self.off,
        }
    }
}

/// Where a merge value must be: a register or a canonical slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MergeLoc {
    pub ty: ValType,
    pub reg: Option<Reg>,
    pub off: i32,
}

/// An operand popped off the stack. A `Reg` is owned by the caller.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Opnd {
    pub ty: ValType,
    pub loc: Loc,
    pub off: i32,
}

/// The value stack: its entries, how far down it is known to be spilled,
/// the merge locations of the open control frames, the free registers and
/// how many entries refer to each local. Private to this file: the rest of
/// the code generator goes through these methods.
pub(super) struct ValueStack {
    entries: Vec<Val>,
    /// Entries below this index are constants or in their slots.
    spilled_below: usize,
    /// The merge locations of the open control frames (`Frame::merge_start`).
    merges: Vec<MergeLoc>,
    /// The allocatable registers held by no entry, operator or cached local.
    free: RegSet,
    /// How many entries refer to each local (`Loc::Local`).
    local_refs: Vec<u32>,
}

impl Default for ValueStack {
    fn default() -> Self {
        ValueStack {
            entries: Vec::new(),
            spilled_below: 0,
            merges: Vec::new(),
            free: RegSet::all_allocatable(),
            local_refs: Vec::new(),
        }
    }
}

impl ValueStack {
    /// Empty, every register free, for a function of `num_locals` locals.
    pub fn reset(&mut self, num_locals: usize) {
        self.entries.clear();
        self.merges.clear();
        self.free = RegSet::all_allocatable();
        self.local_refs.clear();
        self.local_refs.resize(num_locals, 0);
        self.spilled_below = 0;
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Entry `i` (0 is the bottom).
    #[inline]
    pub fn get(&self, i: usize) -> Val {
        self.entries[i]
    }

    /// The top entry, if any.
    #[inline]
    pub fn top(&self) -> Option<Val> {
        self.entries.last().copied()
    }

    /// The entries from `from` up (bottom first).
    pub fn iter_from(&self, from: usize) -> impl Iterator<Item = &Val> {
        self.entries[from.min(self.entries.len())..].iter()
    }

    /// Where the slots of entries at position `index` and above start: the
    /// slot end of the entry below, or `stack_base` at the bottom.
    #[inline]
    pub fn slot_end_below(&self, index: usize, stack_base: i32) -> i32 {
        if index == 0 {
            stack_base
        } else {
            self.entries[index - 1].off
        }
    }

    #[inline]
    pub fn push(&mut self, v: Val) {
        if let Loc::Local(l) = v.loc {
            self.local_refs[l as usize] += 1;
        }
        self.entries.push(v);
    }

    /// Pops the top entry, dropping its local reference.
    #[inline]
    pub fn pop(&mut self) -> Option<Val> {
        let v = self.entries.pop()?;
        if let Loc::Local(l) = v.loc {
            self.local_refs[l as usize] -= 1;
        }
        self.spilled_below = self.spilled_below.min(self.entries.len());
        Some(v)
    }

    /// Moves entry `i` to `loc`, keeping the local reference counts.
    #[inline]
    pub fn set_loc(&mut self, i: usize, loc: Loc) {
        let e = &mut self.entries[i];
        if let Loc::Local(l) = e.loc {
            self.local_refs[l as usize] -= 1;
        }
        if let Loc::Local(l) = loc {
            self.local_refs[l as usize] += 1;
        }
        e.loc = loc;
    }

    /// How many entries refer to local `l`.
    #[inline]
    pub fn local_refs(&self, l: u32) -> u32 {
        self.local_refs[l as usize]
    }

    /// Entries below this index are constants or in their slots.
    #[inline]
    pub fn spilled_below(&self) -> usize {
        self.spilled_below
    }

    /// Entries below `upto` are now constants or in their slots.
    pub fn mark_spilled(&mut self, upto: usize) {
        self.spilled_below = self.spilled_below.max(upto);
    }

    /// The oldest entry not known to be spilled that holds a register of
    /// the class (`fp`) outside `avoid`.
    pub fn spill_victim(&self, fp: bool, avoid: RegSet) -> Option<usize> {
        let from = self.spilled_below;
        self.entries[from..]
            .iter()
            .position(|v| matches!(v.loc, Loc::Reg(r) if r.is_fp() == fp && !avoid.contains(r)))
            .map(|i| from + i)
    }

    /// The entry that holds `r`, if any.
    pub fn position_of_reg(&self, r: Reg) -> Option<usize> {
        self.entries.iter().position(|v| v.loc == Loc::Reg(r))
    }

    /// The free registers.
    pub fn free_regs(&self) -> RegSet {
        self.free
    }

    #[inline]
    pub fn is_free(&self, r: Reg) -> bool {
        self.free.contains(r)
    }

    /// Takes the first free register in `mask` (a class mask minus avoided
    /// registers), if any.
    #[inline]
    pub fn take_free(&mut self, mask: u32) -> Option<Reg> {
        let r = self.free.first(mask)?;
        self.free.remove(r);
        Some(r)
    }

    /// Takes `r`, which the caller knows to be free.
    pub fn take_reg(&mut self, r: Reg) {
        self.free.remove(r);
    }

    /// Gives `r` back to the free set.
    #[inline]
    pub fn free_reg(&mut self, r: Reg) {
        self.free.insert(r);
    }

    /// Recomputes the free set from the entries not known to be spilled and
    /// the registers caching locals (`cached`), after a merge resets them.
    pub fn recompute_free(&mut self, cached: RegSet) {
        let mut free = RegSet::all_allocatable();
        for v in self.iter_from(self.spilled_below) {
            if let Loc::Reg(r) = v.loc {
                free.remove(r);
            }
        }
        free.0 &= !cached.0;
        self.free = free;
    }

    /// How many merge locations the open frames hold (a new frame's
    /// `merge_start`).
    pub fn merges_len(&self) -> usize {
        self.merges.len()
    }

    pub fn push_merge(&mut self, m: MergeLoc) {
        self.merges.push(m);
    }

    /// Merge location `i`.
    #[inline]
    pub fn merge(&self, i: usize) -> MergeLoc {
        self.merges[i]
    }

    /// The merge locations `start..start + n`.
    pub fn merges(&self, start: usize, n: usize) -> &[MergeLoc] {
        &self.merges[start..start + n]
    }

    /// Drops the merge locations from `start` up (a frame closes).
    pub fn truncate_merges(&mut self, start: usize) {
        self.merges.truncate(start);
    }
}

impl<'m> CodeGen<'m> {
    /// The canonical slot offset of a new entry of type `ty` at position `index`.
    #[inline]
    pub fn slot_off_at(&self, index: usize, ty: ValType) -> i32 {
        self.vstack.slot_end_below(index, self.frame.stack_base()) + value_size(ty)
    }

    pub fn push(&mut self, ty: ValType, loc: Loc) {
        let off = self.slot_off_at(self.vstack.len(), ty);
        self.frame.use_slot(off);
        self.vstack.push(Val { ty, loc, off });
    }

    /// The height below the top `types.len()` entries, which should have
    /// those types. Fewer entries is an internal invariant failure
    /// (validation promised them): it bails out, and placeholder constants
    /// of the missing types make up the difference so that the operator can
    /// finish without panicking.
    pub fn base_below(&mut self, types: &[ValType]) -> usize {
        let n = types.len();
        if self.vstack.len() < n {
            self.bail("value stack underflow");
            for &ty in &types[self.vstack.len()..] {
                self.push_const(ty, 0);
            }
        }
        self.vstack.len() - n
    }

    /// [`Self::base_below`] for `n` entries of integer types (builtin
    /// arguments).
    pub fn base_below_n(&mut self, n: usize) -> usize {
        if self.vstack.len() < n {
            self.bail("value stack underflow");
            while self.vstack.len() < n {
                self.push_const(ValType::I32, 0);
            }
        }
        self.vstack.len() - n
    }

    /// [`Self::base_below`] for the merge values at `merges[start..start + n]`.
    pub fn base_below_merge(&mut self, start: usize, n: usize) -> usize {
        if self.vstack.len() < n {
            self.bail("value stack underflow");
            for k in self.vstack.len()..n {
                let ty = self.vstack.merge(start + k).ty;
                self.push_const(ty, 0);
            }
        }
        self.vstack.len() - n
    }

    /// Pushes a popped operand back (a slot operand that lands at another
    /// position is loaded into a register first).
    pub fn push_opnd(&mut self, o: Opnd) {
        if o.loc == Loc::Slot && self.slot_off_at(self.vstack.len(), o.ty) != o.off {
            let r = self.opnd_to_reg(o);
            self.push_reg(o.ty, r);
        } else {
            self.push(o.ty, o.loc);
        }
    }

    #[inline]
    pub fn push_reg(&mut self, ty: ValType, r: Reg) {
        self.push(ty, Loc::Reg(r));
    }

    #[inline]
    pub fn push_const(&mut self, ty: ValType, bits: u64) {
        self.push(ty, Loc::Const(bits));
    }

    /// Pops the top entry; a register in it now belongs to the caller.
    #[inline]
    pub fn pop(&mut self) -> Opnd {
        let Some(v) = self.vstack.pop() else {
            return self.underflow();
        };
        v.opnd()
    }

    /// `pop` of an empty stack (validation makes it impossible): a bailout
    /// and a placeholder operand.
    #[cold]
    #[inline(never)]
    fn underflow(&mut self) -> Opnd {
        self.bail("value stack underflow");
        Opnd {
            ty: ValType::I32,
            loc: Loc::Const(0),
            off: 0,
        }
    }

    #[inline]
    pub fn release(&mut self, r: Reg) {
        debug_assert!(!self.vstack.is_free(r), "double release of {r:?}");
        self.vstack.free_reg(r);
    }

    /// Releases the register of an operand, if any.
    #[inline]
    pub fn release_opnd(&mut self, o: Opnd) {
        if let Loc::Reg(r) = o.loc {
            self.release(r);
        }
    }

    /// Takes a free register of the class of `ty`, spilling the oldest
    /// register-held entry of that class if there is none.
    pub fn alloc(&mut self, ty: ValType) -> Reg {
        self.alloc_class(is_fp_class(ty), RegSet(0))
    }

    /// A free register of the class of `ty`, if any, without spilling or
    /// dropping cached locals.
    #[inline]
    pub fn try_alloc(&mut self, ty: ValType) -> Option<Reg> {
        let class = if is_fp_class(ty) { FP_MASK } else { GPR_MASK };
        self.vstack.take_free(class)
    }

    /// Like [`Self::alloc`] but never returns a register in `avoid`.
    pub fn alloc_class(&mut self, fp: bool, avoid: RegSet) -> Reg {
        // The free set only ever holds allocatable registers.
        let class = if fp { FP_MASK } else { GPR_MASK };
        loop {
            if let Some(r) = self.vstack.take_free(class & !avoid.0) {
                return r;
            }
            // A cached local costs nothing to drop (locals are written through).
            if self.evict_cached_local(fp, avoid) {
                continue;
            }
            match self.vstack.spill_victim(fp, avoid) {
                Some(i) => self.spill_entry(i),
                None => {
                    self.bail("more live operator operands than registers");
                    return if fp { ALLOC_FPRS[0] } else { ALLOC_GPRS[0] };
                }
            }
        }
    }

    /// Stores entry `i` to its canonical slot if it is in a register.
    pub fn spill_entry(&mut self, i: usize) {
        let v = self.vstack.get(i);
        if let Loc::Reg(r) = v.loc {
            self.masm.store(v.ty, Address::Frame(-v.off), r);
            self.vstack.set_loc(i, Loc::Slot);
            self.vstack.free_reg(r);
        }
    }

    /// Spills every register-held entry (before calls and control flow).
    /// Local references become slot values too: code after this point may
    /// change the locals, and merges need location-invariant entries.
    ///
    /// Entries below `spilled_below` are known to be constants or in their
    /// slots already, which keeps this linear over a function.
    pub fn spill_all(&mut self, upto: usize) {
        for i in self.vstack.spilled_below().min(upto)..upto {
            match self.vstack.get(i).loc {
                Loc::Reg(_) => self.spill_entry(i),
                Loc::Local(_) => self.local_entry_to_slot(i),
                _ => {}
            }
        }
        self.vstack.mark_spilled(upto);
    }

    /// Copies the local that entry `i` refers to into the entry's own slot.
    fn local_entry_to_slot(&mut self, i: usize) {
        let v = self.vstack.get(i);
        let o = v.opnd();
        self.store_opnd(o, Address::Frame(-v.off));
        self.vstack.set_loc(i, Loc::Slot);
    }

    /// Forces entries `from..` into their slots, constants included.
    pub fn spill_to_slots(&mut self, from: usize) {
        for i in from..self.vstack.len() {
            let v = self.vstack.get(i);
            match v.loc {
                Loc::Reg(_) => self.spill_entry(i),
                Loc::Const(bits) => {
                    self.masm.store_const(v.ty, Address::Frame(-v.off), bits);
                    self.vstack.set_loc(i, Loc::Slot);
                }
                Loc::Slot => {}
                Loc::Local(_) => self.local_entry_to_slot(i),
                Loc::Flags(_) => self.bail("pending flags at a control-flow entry"),
            }
        }
    }

    /// Makes sure no stack entry holds `r` (moving it to another register
    /// or its slot) and takes `r` for the caller.
    pub fn take_fixed(&mut self, r: Reg) {
        self.uncache_reg(r);
        if self.vstack.is_free(r) {
            self.vstack.take_reg(r);
            return;
        }
        if let Some(i) = self.vstack.position_of_reg(r) {
            let mut avoid = RegSet(0);
            avoid.insert(r);
            let has_free = if r.is_fp() {
                &ALLOC_FPRS[..]
            } else {
                &ALLOC_GPRS[..]
            }
            .iter()
            .any(|x| self.vstack.is_free(*x));
            if has_free {
                let n = self.alloc_class(r.is_fp(), avoid);
                self.masm.mov_rr(n, r);
                self.vstack.set_loc(i, Loc::Reg(n));
            } else {
                self.spill_entry(i);
                self.vstack.take_reg(r);
            }
        }
        // Otherwise `r` is owned by the caller's own operands.
    }

    /// Loads an operand into a register it owns (reusing its register).
    #[inline]
    pub fn opnd_to_reg(&mut self, o: Opnd) -> Reg {
        if let Loc::Reg(r) = o.loc {
            return r;
        }
        // Allocating may drop a local's cache: resolve afterwards.
        let r = self.alloc(o.ty);
        self.opnd_into(o, r);
        r
    }

    /// The operand as an instruction source, and the register the caller
    /// must release after the instruction (if it owns one). A local reads
    /// from its cached register or its slot; pending flags are materialised.
    #[inline]
    pub fn operand(&mut self, o: Opnd) -> (Operand, Option<Reg>) {
        match o.loc {
            Loc::Reg(r) => (Operand::Reg(r), Some(r)),
            Loc::Const(bits) => (Operand::Const(bits), None),
            Loc::Slot => (Operand::Mem(Address::Frame(-o.off)), None),
            Loc::Flags(_) => {
                let r = self.opnd_to_reg(o);
                (Operand::Reg(r), Some(r))
            }
            Loc::Local(l) => match self.cached_local_reg(o.loc) {
                Some(c) => (Operand::Reg(c), None),
                None => (Operand::Mem(Address::Frame(self.frame.local(l).disp)), None),
            },
        }
    }

    /// Moves an operand into `dst` (taken by the caller), releasing the
    /// operand's own register.
    pub fn opnd_into(&mut self, o: Opnd, dst: Reg) {
        match o.loc {
            Loc::Reg(r) => {
                self.masm.mov_rr(dst, r);
                self.release(r);
            }
            Loc::Const(bits) => self.masm.load_const(o.ty, dst, bits),
            Loc::Slot => self.masm.load(o.ty, dst, Address::Frame(-o.off)),
            Loc::Flags(c) => self.masm.set_if(c, dst),
            Loc::Local(l) => self.load_local(l, dst),
        }
    }

    /// Copies the current value of local `l` into `r`.
    #[inline]
    pub fn load_local(&mut self, l: u32, r: Reg) {
        match self.lcache.reg(l) {
            Some(c) => self.masm.mov_rr(r, c),
            None => {
                let local = self.frame.local(l);
                self.masm.load(local.ty, r, Address::Frame(local.disp));
            }
        }
    }

    /// A register holding the operand's value for an instruction that only
    /// reads it, and whether the caller owns (and must release) it.
    #[inline]
    pub fn read_reg(&mut self, o: Opnd) -> (Reg, bool) {
        match self.cached_local_reg(o.loc) {
            Some(c) => (c, false),
            None => (self.opnd_to_reg(o), true),
        }
    }

    /// Replaces references to local `l` on the stack by copies (before the
    /// local changes).
    pub fn materialize_local_refs(&mut self, l: u32) {
        // Newest first, stopping once every reference is found.
        let mut i = self.vstack.len();
        while self.vstack.local_refs(l) > 0 {
            if i == 0 {
                self.bail("a local's reference count exceeds its references");
                return;
            }
            i -= 1;
            let v = self.vstack.get(i);
            if v.loc != Loc::Local(l) {
                continue;
            }
            match self.try_alloc(v.ty) {
                Some(r) => {
                    self.load_local(l, r);
                    self.vstack.set_loc(i, Loc::Reg(r));
                }
                None => self.local_entry_to_slot(i),
            }
        }
    }

    /// Pops the top entry into a register owned by the caller.
    pub fn pop_reg(&mut self) -> Reg {
        let o = self.pop();
        self.opnd_to_reg(o)
    }

    /// Turns pending flags on top of the stack into an i32 in a register.
    /// Runs before most operators: the common case (no flags) is one
    /// compare, the rest is out of line.
    #[inline]
    pub fn materialize_flags(&mut self) {
        if let Some(Val {
            loc: Loc::Flags(c), ..
        }) = self.vstack.top()
        {
            self.flags_to_reg(c);
        }
    }

    #[inline(never)]
    fn flags_to_reg(&mut self, c: Cond) {
        let r = self.alloc(ValType::I32);
        self.masm.set_if(c, r);
        // (Allocating spills only registers: the flags stay on top.)
        self.vstack.set_loc(self.vstack.len() - 1, Loc::Reg(r));
    }

    /// Recomputes the free set from the stack (after a merge resets it).
    pub fn recompute_free(&mut self) {
        self.vstack.recompute_free(self.lcache.cached_regs());
    }

    /// Drops entries down to `height`, releasing their registers.
    pub fn truncate_stack(&mut self, height: usize) {
        while self.vstack.len() > height {
            let o = self.pop();
            self.release_opnd(o);
        }
    }

    /// Copies an operand to `addr` (as `ty`'s slot bytes).
    /// (The operand's register, if it owns one, stays the caller's.)
    pub fn store_opnd(&mut self, o: Opnd, addr: Address) {
        // Pending flags store as a byte set from them, without a register.
        if let Loc::Flags(c) = o.loc {
            self.masm.store_flag(c, addr);
            return;
        }
        match self.operand(o).0 {
            Operand::Reg(r) => self.masm.store(o.ty, addr, r),
            Operand::Const(bits) => self.masm.store_const(o.ty, addr, bits),
            Operand::Mem(src) => self.masm.copy_mem(o.ty, addr, src),
        }
    }

    /// The register that holds a value of location `loc` as it is, if any:
    /// its own, or the cached register of the local it refers to.
    #[inline]
    pub fn held_reg(&self, loc: Loc) -> Option<Reg> {
        match loc {
            Loc::Reg(r) => Some(r),
            _ => self.cached_local_reg(loc),
        }
    }

    /// The cached register of a local reference, if it has one: read it in
    /// place (it is the local's, never the caller's to release).
    #[inline]
    pub fn cached_local_reg(&self, loc: Loc) -> Option<Reg> {
        match loc {
            Loc::Local(l) => self.lcache.reg(l),
            _ => None,
        }
    }
}
