//! Structured control flow: blocks, loops, ifs, branches and returns.
//!
//! On entry to a block, loop or if, every value below the block's
//! parameters is spilled, so the body never changes where they live and a
//! branch only has to move the target's merge values. A target's merge
//! values live in fixed registers (`MERGE_GPRS`/`MERGE_FPRS`, in order per
//! class) or, beyond those, in their canonical slots.

use wasmparser::{BlockType, BrTable};

use super::stack::{Loc, MergeLoc, Opnd};
use super::CodeGen;
use crate::compiler::isa::masm::{Address, Cond, Label, Operand};
use crate::compiler::isa::regs::{self, is_fp_class, Reg, RegSet, MERGE_FPRS, MERGE_GPRS};
use crate::module::{CompileError, ValType};
use crate::vm::{value_size, TrapCode, FRAME_ARGS_OFFSET};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FrameKind {
    Function,
    Block,
    Loop,
    If,
    Else,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub kind: FrameKind,
    /// Branch target: the end of a block/if, the header of a loop.
    pub label: Label,
    pub else_label: Option<Label>,
    /// Stack height below the frame's parameters.
    pub base: usize,
    pub bt: BlockType,
    /// Start of the branch-target merge locations in `CodeGen::merges`
    /// (a loop's parameters, otherwise the results).
    pub merge_start: usize,
    /// The code at the frame's entry was reachable.
    pub live_entry: bool,
    /// Some reachable branch targets the frame's end.
    pub branched: bool,
}

fn single(ty: ValType) -> &'static [ValType] {
    match ty {
        ValType::I32 => &[ValType::I32],
        ValType::I64 => &[ValType::I64],
        ValType::F32 => &[ValType::F32],
        ValType::F64 => &[ValType::F64],
        ValType::V128 => &[ValType::V128],
        ValType::FuncRef => &[ValType::FuncRef],
        ValType::ExternRef => &[ValType::ExternRef],
    }
}

impl<'m> CodeGen<'m> {
    /// (params, results) of a block type.
    pub fn block_sig(&self, bt: BlockType) -> Result<(&'m [ValType], &'m [ValType]), CompileError> {
        Ok(match bt {
            BlockType::Empty => (&[], &[]),
            BlockType::Type(t) => {
                let t = ValType::from_wasmparser(t).map_err(|mut e| {
                    e.offset = self.wasm_offset as usize;
                    e
                })?;
                (&[], single(t))
            }
            BlockType::FuncType(i) => {
                let ty = &self.env.info.types[i as usize];
                (&ty.params, &ty.results)
            }
        })
    }

    fn merge_arity(&mut self, f: &Frame) -> usize {
        match self.block_sig(f.bt) {
            Ok((p, _)) if f.kind == FrameKind::Loop => p.len(),
            Ok((_, r)) => r.len(),
            Err(_) => {
                self.bail("block type of a validated frame");
                0
            }
        }
    }

    /// Assigns merge locations to `types` placed at stack position `base`.
    fn alloc_merge(&mut self, base: usize, types: &[ValType]) -> usize {
        let start = self.vstack.merges_len();
        let mut off = self.vstack.slot_end_below(base, self.frame.stack_base());
        let (mut g, mut x) = (0, 0);
        for &ty in types {
            off += value_size(ty);
            self.frame.use_slot(off);
            let reg = if is_fp_class(ty) {
                x += 1;
                MERGE_FPRS.get(x - 1).copied()
            } else {
                g += 1;
                MERGE_GPRS.get(g - 1).copied()
            };
            self.vstack.push_merge(MergeLoc { ty, reg, off });
        }
        start
    }

    pub(super) fn push_function_frame(&mut self) {
        let label = self.masm.new_label();
        self.control.push(Frame {
            kind: FrameKind::Function,
            label,
            else_label: None,
            base: 0,
            bt: BlockType::Empty,
            merge_start: 0,
            live_entry: true,
            branched: false,
        });
    }

    fn push_dead_frame(&mut self, kind: FrameKind, bt: BlockType) {
        let label = self.masm.new_label();
        let base = self.vstack.len();
        let merge_start = self.vstack.merges_len();
        self.reset_frame_cache(self.control.len());
        self.control.push(Frame {
            kind,
            label,
            else_label: None,
            base,
            bt,
            merge_start,
            live_entry: false,
            branched: false,
        });
    }

    /// Moves the top merge values into the merge locations at
    /// `merges[start..start + n]` and the locals into the registers of the
    /// target's cache state, without changing the abstract state.
    ///
    /// `cache` is the target's local cache and dirty set; `None` leaves the
    /// locals alone (the target takes the cache as it is).
    fn emit_merge_moves(&mut self, start: usize, n: usize, cache: Option<(&[(u32, Reg)], RegSet)>) {
        let len = self.base_below_merge(start, n) + n;
        // 0. Stale locals the target does not keep stale: write their slots
        //    while their registers still hold them.
        if let Some((state, dirty)) = cache {
            self.store_locals_for_edge(state, dirty);
        }
        let cache = cache.map_or(&[][..], |(state, _)| state);
        // 1. Slot destinations: nothing below can be a pending source (a
        //    source at position p only ever moves down to a slot <= p).
        for k in 0..n {
            let src = self.vstack.get(len - n + k);
            let dst = self.vstack.merge(start + k);
            if dst.reg.is_none() && !(src.loc == Loc::Slot && src.off == dst.off) {
                let o = src.opnd();
                self.store_opnd(o, Address::Frame(-dst.off));
            }
        }
        // 2. Register-to-register moves, as a parallel move.
        let mut moves = std::mem::take(&mut self.scratch_moves);
        moves.clear();
        for k in 0..n {
            let src = self.vstack.get(len - n + k);
            let s = self.held_reg(src.loc);
            if let (Some(d), Some(s)) = (self.vstack.merge(start + k).reg, s) {
                // (A local's register may feed several moves.)
                if s != d {
                    moves.push((s, d));
                }
            }
        }
        for &(l, d) in cache {
            if let Some(s) = self.lcache.reg(l) {
                if s != d {
                    moves.push((s, d));
                }
            }
        }
        while !moves.is_empty() {
            let ready = (0..moves.len()).find(|&i| !moves.iter().any(|&(s, _)| s == moves[i].1));
            match ready {
                Some(i) => {
                    let (s, d) = moves.swap_remove(i);
                    self.masm.mov_rr(d, s);
                }
                None => {
                    // A cycle: park the first destination's value in scratch.
                    let d = moves[0].1;
                    let tmp = regs::scratch_like(d);
                    self.masm.mov_rr(tmp, d);
                    for m in moves.iter_mut() {
                        if m.0 == d {
                            m.0 = tmp;
                        }
                    }
                }
            }
        }
        self.scratch_moves = moves;
        // 3. Constants and slots into registers.
        for k in 0..n {
            let src = self.vstack.get(len - n + k);
            if let Some(d) = self.vstack.merge(start + k).reg {
                // (Registers, a local's included, moved in step 2.)
                if self.held_reg(src.loc).is_none() {
                    self.opnd_into(src.opnd(), d);
                }
            }
        }
        for &(l, d) in cache {
            if self.lcache.reg(l).is_none() {
                let local = self.frame.local(l);
                self.masm.load(local.ty, d, Address::Frame(local.disp));
            }
        }
    }

    /// Makes room for the cache states of the frame at `idx`.
    fn reset_frame_cache(&mut self, idx: usize) {
        if self.frame_caches.len() <= idx {
            self.frame_caches.resize_with(idx + 1, Default::default);
        }
        let fc = &mut self.frame_caches[idx];
        fc.entry.clear();
        fc.end.clear();
        fc.entry_dirty = RegSet(0);
        fc.end_dirty = RegSet(0);
        fc.end_set = false;
    }

    /// The first edge to reach a block's end fixes the end's cache state:
    /// the current cache minus the registers its merge values will take.
    fn prepare_end_cache(&mut self, idx: usize) {
        if self.frame_caches[idx].end_set {
            return;
        }
        let f = self.control[idx];
        let n = self.merge_arity(&f);
        let mut exclude = RegSet(0);
        for m in self.vstack.merges(f.merge_start, n) {
            if let Some(r) = m.reg {
                exclude.insert(r);
            }
        }
        let mut end = std::mem::take(&mut self.frame_caches[idx].end);
        let dirty = self.snapshot_cache(&mut end, exclude);
        self.frame_caches[idx].end = end;
        self.frame_caches[idx].end_dirty = dirty;
        self.frame_caches[idx].end_set = true;
    }

    /// Emits the moves of an edge to frame `idx`'s branch target.
    fn emit_edge(&mut self, idx: usize) {
        let f = self.control[idx];
        let n = self.merge_arity(&f);
        if f.kind == FrameKind::Loop {
            let st = std::mem::take(&mut self.frame_caches[idx].entry);
            let dirty = self.frame_caches[idx].entry_dirty;
            self.emit_merge_moves(f.merge_start, n, Some((&st, dirty)));
            self.frame_caches[idx].entry = st;
        } else {
            self.prepare_end_cache(idx);
            let st = std::mem::take(&mut self.frame_caches[idx].end);
            let dirty = self.frame_caches[idx].end_dirty;
            self.emit_merge_moves(f.merge_start, n, Some((&st, dirty)));
            self.frame_caches[idx].end = st;
        }
    }

    /// Whether branching to `depth` needs no moves.
    fn merge_is_noop(&mut self, depth: usize) -> bool {
        let idx = self.control.len() - 1 - depth;
        let f = self.control[idx];
        if f.kind == FrameKind::Function {
            return false;
        }
        let n = self.merge_arity(&f);
        let len = self.base_below_merge(f.merge_start, n) + n;
        let values = (0..n).all(|k| {
            let src = self.vstack.get(len - n + k);
            let dst = self.vstack.merge(f.merge_start + k);
            // Compares locations only (no code), so no operand resolution.
            match (dst.reg, src.loc) {
                (Some(d), Loc::Reg(s)) => d == s,
                (None, Loc::Slot) => dst.off == src.off,
                _ => false,
            }
        });
        if f.kind == FrameKind::Loop {
            let fc = &self.frame_caches[idx];
            values && self.cache_matches(&fc.entry, fc.entry_dirty)
        } else {
            self.prepare_end_cache(idx);
            let fc = &self.frame_caches[idx];
            values && self.cache_matches(&fc.end, fc.end_dirty)
        }
    }

    /// Moves the merge values for `depth` and jumps there.
    fn emit_branch(&mut self, depth: usize) {
        let idx = self.control.len() - 1 - depth;
        let f = self.control[idx];
        if f.kind == FrameKind::Function {
            self.emit_return();
            return;
        }
        self.control[idx].branched = true;
        self.emit_edge(idx);
        self.masm.jmp(f.label);
    }

    /// Writes the function's results to the result slots and returns,
    /// without changing the abstract state (`br_if` falls through).
    ///
    /// The result slots are the caller's argument slots, where the
    /// parameters live: writing one result may overwrite a parameter that
    /// another result reads. So this is a parallel move over memory: a
    /// result that reads a parameter slot overlapping the result area (other
    /// than its own destination) is first copied to its entry's own slot,
    /// which a local reference leaves unused, and stored from there.
    fn emit_return(&mut self) {
        let results = &self.env.info.types[self.func_type as usize].results;
        let n = results.len();
        let first = self.base_below(results);
        let total: i32 = results.iter().map(|t| value_size(*t)).sum();
        let args = FRAME_ARGS_OFFSET;
        // Result k's destination is the frame bytes [disp, disp + size): the
        // destinations tile [args, args + total) in order.
        let slot_read = |cg: &Self, k: usize| -> Option<i32> {
            // (Only a local's frame slot can overlap the result area.)
            let loc = cg.vstack.get(first + k).loc;
            match loc {
                Loc::Local(l) if cg.cached_local_reg(loc).is_none() => Some(cg.frame.local(l).disp),
                _ => None,
            }
        };
        let clobbered =
            |src: i32, disp: i32, size: i32| src != disp && src < args + total && args < src + size;
        let mut disp = args;
        for k in 0..n {
            let size = value_size(results[k]);
            if let Some(src) = slot_read(self, k) {
                if clobbered(src, disp, size) {
                    let v = self.vstack.get(first + k);
                    self.masm
                        .copy_mem(v.ty, Address::Frame(-v.off), Address::Frame(src));
                }
            }
            disp += size;
        }
        let mut disp = args;
        for k in 0..n {
            let v = self.vstack.get(first + k);
            let size = value_size(v.ty);
            let mut o = v.opnd();
            match slot_read(self, k) {
                // A parameter returned in its own slot needs no move.
                Some(src) if src == disp => {
                    disp += size;
                    continue;
                }
                Some(src) if clobbered(src, disp, size) => o.loc = Loc::Slot,
                _ => {}
            }
            self.store_opnd(o, Address::Frame(disp));
            disp += size;
        }
        self.masm.epilogue();
    }

    /// The rest of the current frame is unreachable.
    fn go_dead(&mut self) {
        let base = self.control.last().map_or(0, |f| f.base);
        let base = base.min(self.vstack.len());
        self.truncate_stack(base);
        self.dead = true;
    }

    /// Evaluates an i32 condition operand into flags; returns the condition
    /// that holds when it is non-zero, or the constant's truth.
    fn cond_of(&mut self, o: Opnd) -> Result<Cond, bool> {
        // Pending flags are the condition and a constant decides the branch
        // at compile time; everything else is tested where it is.
        match o.loc {
            Loc::Flags(c) => return Ok(c),
            Loc::Const(bits) => return Err(bits as u32 != 0),
            _ => {}
        }
        let (src, owned) = self.operand(o);
        let c = match src {
            Operand::Reg(r) => self.masm.test_nonzero(ValType::I32, r),
            Operand::Mem(a) => self.masm.test_nonzero_mem(a),
            Operand::Const(bits) => return Err(bits as u32 != 0),
        };
        if let Some(r) = owned {
            self.release(r);
        }
        Ok(c)
    }

    pub fn visit_unreachable(&mut self) -> Result<(), CompileError> {
        self.emit_trap(TrapCode::UnreachableCodeReached);
        self.go_dead();
        Ok(())
    }

    pub fn visit_nop(&mut self) -> Result<(), CompileError> {
        Ok(())
    }

    pub fn visit_block(&mut self, bt: BlockType) -> Result<(), CompileError> {
        if self.dead {
            self.push_dead_frame(FrameKind::Block, bt);
            return Ok(());
        }
        let (params, results) = self.block_sig(bt)?;
        let base = self.base_below(params);
        self.spill_all(base);
        let merge_start = self.alloc_merge(base, results);
        let label = self.masm.new_label();
        self.reset_frame_cache(self.control.len());
        self.control.push(Frame {
            kind: FrameKind::Block,
            label,
            else_label: None,
            base,
            bt,
            merge_start,
            live_entry: true,
            branched: false,
        });
        Ok(())
    }

    pub fn visit_loop(&mut self, bt: BlockType) -> Result<(), CompileError> {
        if self.dead {
            self.push_dead_frame(FrameKind::Loop, bt);
            return Ok(());
        }
        let (params, _) = self.block_sig(bt)?;
        let base = self.base_below(params);
        self.spill_all(base);
        let merge_start = self.alloc_merge(base, params);
        // The parameters' registers cannot also cache locals at the header.
        for k in 0..params.len() {
            if let Some(r) = self.vstack.merge(merge_start + k).reg {
                self.uncache_reg(r);
            }
        }
        self.emit_merge_moves(merge_start, params.len(), None);
        self.truncate_stack(base);
        for k in 0..params.len() {
            let m = self.vstack.merge(merge_start + k);
            self.push(m.ty, m.reg.map_or(Loc::Slot, Loc::Reg));
        }
        self.recompute_free();
        self.preload_locals_for_loop();
        let idx = self.control.len();
        self.reset_frame_cache(idx);
        let mut entry = std::mem::take(&mut self.frame_caches[idx].entry);
        self.snapshot_cache(&mut entry, RegSet(0));
        // Counted stale at the header, so assignments in the loop never
        // store (the slot is written when the cache is dropped).
        let mut all = RegSet(0);
        for &(_, r) in &entry {
            all.insert(r);
        }
        self.lcache.set_dirty(all);
        self.frame_caches[idx].entry = entry;
        self.frame_caches[idx].entry_dirty = all;
        let label = self.masm.new_label();
        self.masm.bind(label);
        self.control.push(Frame {
            kind: FrameKind::Loop,
            label,
            else_label: None,
            base,
            bt,
            merge_start,
            live_entry: true,
            branched: false,
        });
        Ok(())
    }

    pub fn visit_if(&mut self, bt: BlockType) -> Result<(), CompileError> {
        if self.dead {
            self.push_dead_frame(FrameKind::If, bt);
            return Ok(());
        }
        let (params, results) = self.block_sig(bt)?;
        let cond = self.pop();
        let cond = self.cond_of(cond);
        let base = self.base_below(params);
        // Plain moves only from here to the branch: the flags stay intact.
        self.spill_all(base);
        self.spill_to_slots(base);
        let merge_start = self.alloc_merge(base, results);
        let label = self.masm.new_label();
        let else_label = self.masm.new_label();
        match cond {
            Ok(c) => self.masm.branch_if(c.invert(), else_label),
            Err(true) => {}
            Err(false) => self.masm.jmp(else_label),
        }
        let idx = self.control.len();
        self.reset_frame_cache(idx);
        let mut entry = std::mem::take(&mut self.frame_caches[idx].entry);
        let dirty = self.snapshot_cache(&mut entry, RegSet(0));
        self.frame_caches[idx].entry = entry;
        self.frame_caches[idx].entry_dirty = dirty;
        self.control.push(Frame {
            kind: FrameKind::If,
            label,
            else_label: Some(else_label),
            base,
            bt,
            merge_start,
            live_entry: true,
            branched: false,
        });
        Ok(())
    }

    /// Resets the stack and the cache to the state at an `if`'s entry for
    /// its else arm.
    fn enter_else_arm(&mut self, idx: usize) {
        let f = self.control[idx];
        let params = match self.block_sig(f.bt) {
            Ok((p, _)) => p,
            Err(_) => {
                self.bail("block type of a validated frame");
                &[]
            }
        };
        self.truncate_stack(f.base);
        for &ty in params {
            self.push(ty, Loc::Slot);
        }
        let entry = std::mem::take(&mut self.frame_caches[idx].entry);
        self.set_cache(&entry, self.frame_caches[idx].entry_dirty);
        self.frame_caches[idx].entry = entry;
        self.recompute_free();
        match f.else_label {
            Some(l) => self.masm.bind(l),
            None => self.bail("an if frame without an else label"),
        }
        self.dead = false;
    }

    pub fn visit_else(&mut self) -> Result<(), CompileError> {
        let idx = self.control.len() - 1;
        let f = self.control[idx];
        self.control[idx].kind = FrameKind::Else;
        if !f.live_entry {
            return Ok(());
        }
        if !self.dead {
            self.emit_edge(idx);
            self.masm.jmp(f.label);
            self.control[idx].branched = true;
        }
        self.enter_else_arm(idx);
        Ok(())
    }

    pub fn visit_end(&mut self) -> Result<(), CompileError> {
        let idx = self.control.len() - 1;
        let f = self.control[idx];
        if f.kind == FrameKind::Function {
            if !self.dead {
                self.emit_return();
            }
            self.control.pop();
            self.dead = true;
            return Ok(());
        }
        if !f.live_entry {
            self.control.pop();
            self.vstack.truncate_merges(f.merge_start);
            return Ok(());
        }
        let (params, results) = self.block_sig(f.bt)?;
        if f.kind == FrameKind::Loop {
            if self.dead {
                self.truncate_stack(f.base);
                for &ty in results {
                    self.push(ty, Loc::Slot);
                }
            }
            self.control.pop();
            self.vstack.truncate_merges(f.merge_start);
            return Ok(());
        }
        let mut live_after = f.branched;
        if !self.dead {
            self.emit_edge(idx);
            live_after = true;
        }
        if f.kind == FrameKind::If {
            // The implicit else arm passes the parameters through.
            if !self.dead {
                self.masm.jmp(f.label);
            }
            self.enter_else_arm(idx);
            debug_assert_eq!(params.len(), results.len());
            self.emit_edge(idx);
            live_after = true;
        }
        self.masm.bind(f.label);
        self.truncate_stack(f.base);
        for k in 0..results.len() {
            let m = self.vstack.merge(f.merge_start + k);
            self.push(m.ty, m.reg.map_or(Loc::Slot, Loc::Reg));
        }
        self.vstack.truncate_merges(f.merge_start);
        let end = std::mem::take(&mut self.frame_caches[idx].end);
        if self.frame_caches[idx].end_set {
            self.set_cache(&end, self.frame_caches[idx].end_dirty);
        } else {
            self.set_cache(&[], RegSet(0));
        }
        self.frame_caches[idx].end = end;
        self.recompute_free();
        self.control.pop();
        self.dead = !live_after;
        Ok(())
    }

    pub fn visit_br(&mut self, relative_depth: u32) -> Result<(), CompileError> {
        self.emit_branch(relative_depth as usize);
        self.go_dead();
        Ok(())
    }

    pub fn visit_br_if(&mut self, relative_depth: u32) -> Result<(), CompileError> {
        let depth = relative_depth as usize;
        let cond = self.pop();
        match self.cond_of(cond) {
            Err(false) => {}
            Err(true) => {
                // Always taken; what follows is unreachable in practice but
                // stays valid code.
                let skip = self.masm.new_label();
                self.emit_branch(depth);
                self.masm.bind(skip);
            }
            Ok(c) => {
                if self.merge_is_noop(depth) {
                    let idx = self.control.len() - 1 - depth;
                    self.control[idx].branched = true;
                    let label = self.control[idx].label;
                    self.masm.branch_if(c, label);
                } else {
                    let skip = self.masm.new_label();
                    self.masm.branch_if(c.invert(), skip);
                    self.emit_branch(depth);
                    self.masm.bind(skip);
                }
            }
        }
        Ok(())
    }

    pub fn visit_br_table(&mut self, targets: BrTable<'_>) -> Result<(), CompileError> {
        let idx = self.pop();
        let default = targets.default();
        if let Loc::Const(bits) = idx.loc {
            let i = bits as u32;
            let depth = if i < targets.len() {
                match targets.targets().nth(i as usize) {
                    Some(t) => t?,
                    None => {
                        self.bail("br_table index in range but no target");
                        default
                    }
                }
            } else {
                default
            };
            self.emit_branch(depth as usize);
            self.go_dead();
            return Ok(());
        }
        let r = self.opnd_to_reg(idx);
        // One label per distinct target: the target itself when no moves
        // are needed, else a stub that moves and jumps.
        // (Labels are indexed by depth, so a table with many distinct
        // targets stays linear.)
        let mut tl = std::mem::take(&mut self.scratch_targets);
        tl.clear();
        let mut by_depth = std::mem::take(&mut self.br_table_labels);
        if by_depth.len() < self.control.len() {
            by_depth.resize(self.control.len(), None);
        }
        let mut label_for = |cg: &mut Self, depth: u32, tl: &mut Vec<(u32, Label)>| {
            if let Some(l) = by_depth[depth as usize] {
                return l;
            }
            let l = if cg.merge_is_noop(depth as usize) {
                let i = cg.control.len() - 1 - depth as usize;
                cg.control[i].branched = true;
                cg.control[i].label
            } else {
                cg.masm.new_label()
            };
            by_depth[depth as usize] = Some(l);
            tl.push((depth, l));
            l
        };
        let default_label = label_for(self, default, &mut tl);
        let table = self
            .masm
            .jump_table_dispatch(r, targets.len(), default_label);
        self.masm.bind_jump_table(table);
        for t in targets.targets() {
            let depth = t?;
            let l = label_for(self, depth, &mut tl);
            self.masm.jump_table_entry(l);
        }
        self.release(r);
        for &(depth, l) in tl.iter() {
            by_depth[depth as usize] = None;
            let i = self.control.len() - 1 - depth as usize;
            if self.control[i].label != l {
                self.masm.bind(l);
                self.emit_branch(depth as usize);
            }
        }
        self.br_table_labels = by_depth;
        self.scratch_targets = tl;
        self.go_dead();
        Ok(())
    }

    pub fn visit_return(&mut self) -> Result<(), CompileError> {
        self.emit_return();
        self.go_dead();
        Ok(())
    }
}
