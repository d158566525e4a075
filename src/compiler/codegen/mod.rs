//! The single-pass code generator: one function body at a time, operator by
//! operator, validating and emitting together.
//!
//! The abstract value stack (`stack.rs`) holds *locations*: registers,
//! constants, frame slots, pending condition flags, or references to locals.
//! Locals are cached in registers (`locals.rs`). Control frames
//! (`control.rs`) record where their merge values and cached locals live.
//! The value stack (`stack.rs`, `ValueStack`: the entries, the merge
//! locations, the free registers, the references to locals), the frame
//! layout (the locals' slots, the frame size, `frame.rs`) and the locals
//! cache (`locals.rs`) are parts with private state. Calls, memory,
//! tables, variables, the numeric operators (`numeric.rs`), SIMD (`simd.rs`)
//! and the visitor have files of their own. Internal invariant failures
//! bail out of the compile with a `CompileError` (`CodeGen::bail`), a value
//! stack with fewer operands than validation promised included (`pop`,
//! `base_below`); `test_hooks` lets the unit tests provoke one.
//!
//! This folder is ISA-independent: it decides (operands, registers,
//! constants, merges) and emits only through the macro assembler
//! (`isa::masm::Masm`), naming registers by role (`isa::regs`) and
//! operands with the shared vocabulary of `compiler::inst`. It has no
//! `dynasm!`, register number or condition code of its own.

mod calls;
mod control;
mod frame;
mod locals;
mod memory;
mod numeric;
mod simd;
mod stack;
mod tables;
mod variables;
mod visit;

use super::isa::masm::{Label, Masm};
use super::isa::regs::Reg;
use super::{CompilerConfig, FuncLoc};
use crate::module::{CompileError, FunctionToCompile, ModuleInfo, ValType};
use crate::vm::{TrapCode, VMOffsets};
use control::Frame;
use frame::FrameLayout;

pub(crate) use super::isa::CpuFeatures;

/// Hooks that let unit tests put the code generator in a deliberately
/// inconsistent state, to check that it bails out instead of panicking.
#[cfg(test)]
pub(crate) mod test_hooks {
    use std::cell::Cell;

    thread_local! {
        /// Before the operator of this index (counted from 0 in each
        /// function body), drop every value-stack entry: the operators
        /// that follow find fewer operands than validation promised.
        pub(crate) static DROP_STACK_BEFORE_OP: Cell<Option<usize>> = const { Cell::new(None) };
    }
}

/// What every function of a module is compiled against.
#[derive(Clone, Copy)]
pub(crate) struct Env<'m> {
    pub info: &'m ModuleInfo,
    pub offsets: &'m VMOffsets,
    pub config: &'m CompilerConfig,
    pub cpu: CpuFeatures,
}

/// A run of functions compiled into one buffer, with the fixups that need
/// the final layout.
#[derive(Default)]
pub(crate) struct Chunk {
    pub code: Vec<u8>,
    pub funcs: Vec<FuncLoc>,
    /// Offset of each function's internal entry (see `compile_function`).
    pub internal_entries: Vec<u32>,
    /// (offset of a `call rel32`'s displacement, callee function index).
    pub calls: Vec<(u32, u32)>,
    pub traps: Vec<(u32, TrapCode)>,
    pub address_map: Vec<(u32, u32)>,
}

/// A pending out-of-line trap: `label: mov edi, code; call raise`.
pub(crate) struct TrapStub {
    pub label: Label,
    pub code: TrapCode,
    pub wasm_offset: u32,
}

pub(crate) struct CodeGen<'m> {
    masm: Masm,
    env: Env<'m>,
    calls: Vec<(u32, u32)>,
    traps: Vec<(u32, TrapCode)>,
    address_map: Vec<(u32, u32)>,
    /// (offset of the prologue's frame-size imm32, frame size).
    frame_patches: Vec<(u32, u32)>,
    // Per-function state, reused across functions.
    /// The value stack, its merge locations and the free registers.
    vstack: stack::ValueStack,
    control: Vec<Frame>,
    /// The locals' slots and the frame's size.
    frame: FrameLayout,
    /// The current code is unreachable: operators are validated, not emitted.
    dead: bool,
    wasm_offset: u32,
    trap_stubs: Vec<TrapStub>,
    func_type: u32,
    scratch_moves: Vec<(Reg, Reg)>,
    scratch_targets: Vec<(u32, Label)>,
    /// br_table's label per target depth (all `None` between uses).
    br_table_labels: Vec<Option<Label>>,
    /// The locals cached in registers.
    lcache: locals::LocalsCache,
    /// The validator's buffers, reused from function to function.
    validator_allocs: wasmparser::FuncValidatorAllocations,
    /// Merge states of the locals cache, indexed by control depth.
    frame_caches: Vec<locals::FrameCache>,
    /// The first internal invariant failure of the current operator: the
    /// compile bails out with it (as Liftoff does) instead of panicking.
    bailout: Option<CompileError>,
}

impl<'m> CodeGen<'m> {
    pub fn new(env: Env<'m>, code_capacity: usize) -> CodeGen<'m> {
        CodeGen {
            masm: Masm::with_capacity(code_capacity, env.cpu),
            env,
            calls: Vec::new(),
            traps: Vec::new(),
            address_map: Vec::new(),
            frame_patches: Vec::new(),
            vstack: Default::default(),
            control: Vec::new(),
            frame: FrameLayout::default(),
            dead: false,
            wasm_offset: 0,
            trap_stubs: Vec::new(),
            func_type: 0,
            scratch_moves: Vec::new(),
            scratch_targets: Vec::new(),
            br_table_labels: Vec::new(),
            lcache: Default::default(),
            validator_allocs: Default::default(),
            frame_caches: Vec::new(),
            bailout: None,
        }
    }

    /// Records an internal invariant failure; the operator being compiled
    /// finishes with placeholder values, then the compile fails with it.
    /// Cold and out of line, so that the hot paths that check an invariant
    /// (every `pop`) stay small enough to inline.
    #[cold]
    #[inline(never)]
    pub fn bail(&mut self, what: &str) {
        if self.bailout.is_none() {
            self.bailout = Some(CompileError {
                message: format!("internal compiler error: {what}"),
                offset: self.wasm_offset as usize,
            });
        }
    }

    /// An operator's result, or the invariant failure it ran into.
    /// Runs after every operator: the common case is one compare.
    #[inline]
    pub fn check_bailout(&mut self, r: Result<(), CompileError>) -> Result<(), CompileError> {
        r?;
        if self.bailout.is_none() {
            return Ok(());
        }
        self.take_bailout()
    }

    #[cold]
    #[inline(never)]
    fn take_bailout(&mut self) -> Result<(), CompileError> {
        match self.bailout.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    pub fn unsupported(&self, what: &str) -> CompileError {
        CompileError {
            message: format!("{what} not supported"),
            offset: self.wasm_offset as usize,
        }
    }

    /// Compiles one function body and appends its code. Returns where it
    /// is and the offset of its internal entry.
    ///
    /// A function has two entries. The external one (`FuncLoc::offset`,
    /// used through `VMFuncRef`s and by entry trampolines) loads the memory
    /// base register; direct calls from the module's own functions enter
    /// right after that, since it already holds the same memory base at
    /// every call site.
    pub fn compile_function(
        &mut self,
        f: FunctionToCompile<'_>,
    ) -> Result<(FuncLoc, u32), CompileError> {
        let allocs = std::mem::take(&mut self.validator_allocs);
        let mut validator = f.validator.into_validator(allocs);
        self.bailout = None;
        let start = self.masm.offset();
        self.reload_memory_base();
        let internal = self.masm.offset();
        self.begin_function(f.func_index);

        let mut locals_reader = f.body.get_locals_reader()?;
        for _ in 0..locals_reader.get_count() {
            let offset = locals_reader.original_position() as usize;
            let (count, ty) = locals_reader.read()?;
            validator.define_locals(offset as u64, count, ty)?;
            let ty = ValType::from_wasmparser(ty).map_err(|mut e| {
                e.offset = offset;
                e
            })?;
            if count as usize > 50_000 || self.frame.num_locals() + count as usize > 50_000 {
                return Err(CompileError {
                    message: "too many locals".into(),
                    offset,
                });
            }
            for _ in 0..count {
                self.frame.declare_local(ty);
            }
        }
        self.lcache.reset(self.frame.num_locals());
        self.vstack.reset(self.frame.num_locals());
        self.emit_prologue();

        // The reader decodes according to the enabled features (e.g. the
        // memory index of `memory.grow` is a zero byte without multi-memory).
        let mut body = f.body.get_binary_reader_for_operators()?;
        body.set_features(*validator.features());
        let mut reader = wasmparser::OperatorsReader::new(body);
        #[cfg(test)]
        let mut op_index = 0;
        while !reader.eof() {
            let offset = reader.original_position() as usize;
            #[cfg(test)]
            {
                if test_hooks::DROP_STACK_BEFORE_OP.get() == Some(op_index) {
                    self.truncate_stack(0);
                }
                op_index += 1;
            }
            let mut v = visit::ValidateThenEmit {
                validator: &mut validator,
                cg: self,
                offset,
            };
            reader.visit_operator(&mut v)??;
        }
        reader.finish()?;
        self.validator_allocs = validator.into_allocations();
        let r = self.end_function();
        self.check_bailout(r)?;
        let end = self.masm.offset();
        Ok((
            FuncLoc {
                offset: start,
                len: end - start,
            },
            internal,
        ))
    }

    fn begin_function(&mut self, func_index: u32) {
        let info = self.env.info;
        self.func_type = info.func_types[func_index as usize];
        self.vstack.reset(0);
        self.control.clear();
        self.trap_stubs.clear();
        self.dead = false;
        self.wasm_offset = info.body_offsets[(func_index - info.num_imported_funcs) as usize];
        // Parameters stay in the caller's argument slots.
        self.frame
            .begin(&info.types[self.func_type as usize].params);
    }

    fn emit_prologue(&mut self) {
        let overflow = self.trap_label(TrapCode::StackOverflow);
        let patch_at = self.masm.prologue(overflow);
        self.frame_patches.push((patch_at, 0));
        // Zero the declared locals (parameters are above the frame pointer).
        let n_params = self.env.info.types[self.func_type as usize].params.len();
        let (declared, bytes, lowest) = self.frame.declared_locals(n_params);
        let slots = declared.iter().map(|l| (l.disp, l.ty));
        self.masm.zero_frame_slots(lowest, bytes / 8, slots);
        self.frame.start_body();
        self.push_function_frame();
    }

    /// The memory base register = base of memory 0 (at function entry and
    /// after calls that may move it).
    pub fn reload_memory_base(&mut self) {
        if self.env.info.memories.is_empty() {
            return;
        }
        let off = self.env.offsets.memory(0);
        self.masm.reload_memory_base(off);
    }

    /// After a call: the vmctx from the frame, the memory base from the vmctx.
    pub fn restore_pinned(&mut self) {
        self.masm.restore_vmctx();
        self.reload_memory_base();
    }

    /// A label that raises `code` at the current wasm offset.
    pub fn trap_label(&mut self, code: TrapCode) -> Label {
        let label = self.masm.new_label();
        self.trap_stubs.push(TrapStub {
            label,
            code,
            wasm_offset: self.wasm_offset,
        });
        label
    }

    /// Raises `code` unconditionally right here.
    pub fn emit_trap(&mut self, code: TrapCode) {
        self.masm.raise_trap(code);
        self.record_return_address();
    }

    /// Maps the current position (a call's return address) to the current
    /// wasm offset, for frame info.
    pub fn record_return_address(&mut self) {
        let pc = self.masm.offset();
        self.address_map.push((pc, self.wasm_offset));
    }

    /// Records that the next instruction may fault with `code`.
    pub fn record_trap_site(&mut self, code: TrapCode) {
        let pc = self.masm.offset();
        self.traps.push((pc, code));
        self.address_map.push((pc, self.wasm_offset));
    }

    fn end_function(&mut self) -> Result<(), CompileError> {
        let stubs = std::mem::take(&mut self.trap_stubs);
        for s in &stubs {
            self.masm.bind(s.label);
            if s.code == TrapCode::StackOverflow {
                // Raised from the prologue after the frame is reserved: the
                // stack pointer may be past the end of the real stack, so
                // give the frame back before the raise stub pushes anything.
                self.masm.discard_frame();
            }
            self.masm.raise_trap(s.code);
            let pc = self.masm.offset();
            self.address_map.push((pc, s.wasm_offset));
        }
        self.trap_stubs = stubs;
        self.trap_stubs.clear();
        self.masm.emit_pool();
        // Resolve this function's jumps now, while its relocations are few.
        self.masm.commit().map_err(|e| CompileError {
            message: format!("internal assembler error: {e}"),
            offset: self.wasm_offset as usize,
        })?;
        let size = self.frame.size();
        match self.frame_patches.last_mut() {
            Some(p) => p.1 = size,
            None => self.bail("no prologue to patch"),
        }
        Ok(())
    }

    /// Finishes the buffer: resolves labels and patches frame sizes.
    pub fn finish(
        self,
        funcs: Vec<FuncLoc>,
        internal_entries: Vec<u32>,
    ) -> Result<Chunk, CompileError> {
        let mut code = self.masm.finalize().map_err(|e| CompileError {
            message: format!("internal assembler error: {e}"),
            offset: 0,
        })?;
        for (at, size) in self.frame_patches {
            Masm::patch_frame_size(&mut code, at, size);
        }
        Ok(Chunk {
            code,
            funcs,
            internal_entries,
            calls: self.calls,
            traps: self.traps,
            address_map: self.address_map,
        })
    }
}
