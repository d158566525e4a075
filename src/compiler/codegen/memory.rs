//! Linear memory: loads, stores, `memory.size`/`memory.grow`, bulk memory.
//!
//! With the guard-page reservation an access is one instruction,
//! `[memory base + zext(addr) + offset]`, listed in the trap table; with
//! explicit bounds checks, `addr + offset + size` is compared with the
//! memory's length first. This file chooses operands and registers; the
//! address arithmetic and the access instructions are the macro
//! assembler's (`Masm::memory_base`, `heap_address`, `heap_load`, ...).

use wasmparser::MemArg;

use super::stack::{Loc, Opnd};
use super::CodeGen;
use crate::compiler::isa::masm::{Addr, MemOp};
use crate::compiler::isa::masm::{HeapIndex, Masm};
use crate::compiler::isa::regs::Reg;
use crate::module::{CompileError, ValType};
use crate::vm::{TrapCode, VMBuiltins};

impl<'m> CodeGen<'m> {
    /// Computes the address of an access of `size` bytes at the popped
    /// i32 address operand, emitting the bounds check if configured.
    /// Returns the operand and the address register the caller must release.
    pub(crate) fn effective_addr(
        &mut self,
        addr: Opnd,
        memarg: &MemArg,
        size: u64,
    ) -> (Addr, Option<Reg>) {
        let mem = match memarg.target {
            wasmparser::MemArgTarget::Memory(m) => m,
            // Validation rejects GC array targets with GC disabled.
            wasmparser::MemArgTarget::Array(_) => 0,
        };
        // Memory 0's base is pinned; another's is loaded (before the index
        // is resolved, which only uses allocatable registers).
        let def_off = self.env.offsets.memory(mem);
        let base = self.masm.memory_base(mem, def_off);
        let cached = self.cached_local_reg(addr.loc);
        // Per location: a constant index folds into the displacement, a
        // cached local is used in place; the rest goes through a register.
        let (index, owned) = match (addr.loc, cached) {
            (Loc::Const(bits), _) => (HeapIndex::Const(bits as u32), None),
            // A local's cached register serves as the index as it is.
            (_, Some(c)) => (HeapIndex::Reg(c), None),
            _ => {
                let r = self.opnd_to_reg(addr);
                (HeapIndex::Reg(r), Some(r))
            }
        };
        let check = self
            .env
            .config
            .explicit_bounds_checks
            .then(|| (size, self.trap_label(TrapCode::MemoryOutOfBounds)));
        let a = self.masm.heap_address(base, index, memarg.offset, check);
        (a, owned)
    }

    fn load(&mut self, memarg: MemArg, op: MemOp) -> Result<(), CompileError> {
        let addr = self.pop();
        let ty = match op {
            MemOp::I32 | MemOp::S8x32 | MemOp::U8x32 | MemOp::S16x32 | MemOp::U16x32 => {
                ValType::I32
            }
            MemOp::F32 => ValType::F32,
            MemOp::F64 => ValType::F64,
            _ => ValType::I64,
        };
        // With a local's register as the index, the destination must be
        // allocated first: allocating later could drop that very cache.
        let early = self.cached_local_reg(addr.loc).map(|_| self.alloc(ty));
        let (a, owned) = self.effective_addr(addr, &memarg, op.size());
        let (dst, release_after) = match (early, owned) {
            (Some(d), owned) => (d, owned),
            (None, Some(r)) if ty != ValType::F32 && ty != ValType::F64 => (r, None),
            (None, owned) => {
                if let Some(r) = owned {
                    self.release(r);
                }
                (self.alloc(ty), None)
            }
        };
        if !self.env.config.explicit_bounds_checks {
            self.record_trap_site(TrapCode::MemoryOutOfBounds);
        }
        self.masm.heap_load(op, dst, a);
        if let Some(r) = release_after {
            self.release(r);
        }
        self.push_reg(ty, dst);
        Ok(())
    }

    fn store(&mut self, memarg: MemArg, op: MemOp) -> Result<(), CompileError> {
        let value = self.pop();
        // Constants that fit an imm32 (sign-extended for 8-byte stores) are
        // stored as immediates; everything else goes through a register.
        let imm = match value.loc {
            Loc::Const(bits) => Masm::heap_store_imm_fits(op, bits),
            _ => None,
        };
        let src = match imm {
            Some(imm) => Err(imm),
            None => Ok(self.opnd_to_reg(value)),
        };
        let addr = self.pop();
        let (a, owned) = self.effective_addr(addr, &memarg, op.size());
        if !self.env.config.explicit_bounds_checks {
            self.record_trap_site(TrapCode::MemoryOutOfBounds);
        }
        match src {
            Err(imm) => self.masm.heap_store_imm(op, a, imm),
            Ok(r) => {
                self.masm.heap_store(op, a, r);
                self.release(r);
            }
        }
        if let Some(r) = owned {
            self.release(r);
        }
        Ok(())
    }

    pub fn visit_memory_size(&mut self, mem: u32) -> Result<(), CompileError> {
        let off = self.env.offsets.memory(mem);
        let r = self.alloc(ValType::I32);
        self.masm.memory_size(r, off);
        self.push_reg(ValType::I32, r);
        Ok(())
    }

    pub fn visit_memory_grow(&mut self, mem: u32) -> Result<(), CompileError> {
        self.call_builtin(
            VMBuiltins::OFFSET_MEMORY_GROW,
            1,
            &[mem as u64],
            Some(ValType::I32),
            false,
        );
        Ok(())
    }

    pub fn visit_memory_fill(&mut self, mem: u32) -> Result<(), CompileError> {
        self.call_builtin(VMBuiltins::OFFSET_MEMORY_FILL, 3, &[mem as u64], None, true);
        Ok(())
    }

    pub fn visit_memory_copy(&mut self, dst_mem: u32, src_mem: u32) -> Result<(), CompileError> {
        self.call_builtin(
            VMBuiltins::OFFSET_MEMORY_COPY,
            3,
            &[dst_mem as u64, src_mem as u64],
            None,
            true,
        );
        Ok(())
    }

    pub fn visit_memory_init(&mut self, data_index: u32, mem: u32) -> Result<(), CompileError> {
        self.call_builtin(
            VMBuiltins::OFFSET_MEMORY_INIT,
            3,
            &[mem as u64, data_index as u64],
            None,
            true,
        );
        Ok(())
    }

    pub fn visit_data_drop(&mut self, data_index: u32) -> Result<(), CompileError> {
        self.call_builtin(
            VMBuiltins::OFFSET_DATA_DROP,
            0,
            &[data_index as u64],
            None,
            false,
        );
        Ok(())
    }
}

macro_rules! loads_stores {
    ($($visit:ident => $kind:ident $op:ident;)*) => {
        impl<'m> CodeGen<'m> {
            $(
                pub fn $visit(&mut self, memarg: MemArg) -> Result<(), CompileError> {
                    self.$kind(memarg, MemOp::$op)
                }
            )*
        }
    };
}

loads_stores! {
    visit_i32_load => load I32;
    visit_i64_load => load I64;
    visit_f32_load => load F32;
    visit_f64_load => load F64;
    visit_i32_load8_s => load S8x32;
    visit_i32_load8_u => load U8x32;
    visit_i32_load16_s => load S16x32;
    visit_i32_load16_u => load U16x32;
    visit_i64_load8_s => load S8x64;
    visit_i64_load8_u => load U8x64;
    visit_i64_load16_s => load S16x64;
    visit_i64_load16_u => load U16x64;
    visit_i64_load32_s => load S32x64;
    visit_i64_load32_u => load U32x64;
    visit_i32_store => store I32;
    visit_i64_store => store I64;
    visit_f32_store => store F32;
    visit_f64_store => store F64;
    visit_i32_store8 => store U8x32;
    visit_i32_store16 => store U16x32;
    visit_i64_store8 => store U8x64;
    visit_i64_store16 => store U16x64;
    visit_i64_store32 => store U32x64;
}
