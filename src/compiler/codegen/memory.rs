//! Linear memory: loads, stores, `memory.size`/`memory.grow`, bulk memory.
//!
//! With the guard-page reservation an access is one instruction,
//! `[r14 + zext(addr) + offset]`, listed in the trap table; with explicit
//! bounds checks, `addr + offset + size` is compared with the memory's
//! length first.

use dynasmrt::DynasmApi;
use wasmparser::MemArg;

use super::stack::{Loc, Opnd};
use super::CodeGen;
use crate::compiler::x64::masm::{asm, Cond};
use crate::compiler::x64::regs::{Reg, SCRATCH, SCRATCH2};
use crate::module::{CompileError, ValType};
use crate::vm::{TrapCode, VMBuiltins, VMMemoryDefinition};

/// `[base + index + disp]` with a disp8 encoding when the offset is small.
macro_rules! load_at {
    ($s:ident, $b:expr, $i:expr, $disp:expr; $mn:ident $reg:ident($r:expr), $size:ident) => {{
        let (b, i, disp): (u8, u8, i32) = ($b, $i, $disp);
        if let Ok(d8) = i8::try_from(disp) {
            asm!($s.masm; $mn $reg($r), $size [BYTE Rq(b) + Rq(i) + d8])
        } else {
            asm!($s.masm; $mn $reg($r), $size [Rq(b) + Rq(i) + disp])
        }
    }};
}

macro_rules! store_at {
    ($s:ident, $b:expr, $i:expr, $disp:expr; $mn:ident $size:ident, $reg:ident($r:expr)) => {{
        let (b, i, disp): (u8, u8, i32) = ($b, $i, $disp);
        if let Ok(d8) = i8::try_from(disp) {
            asm!($s.masm; $mn $size [BYTE Rq(b) + Rq(i) + d8], $reg($r))
        } else {
            asm!($s.masm; $mn $size [Rq(b) + Rq(i) + disp], $reg($r))
        }
    }};
}

macro_rules! store_imm_at {
    ($s:ident, $b:expr, $i:expr, $disp:expr; $size:ident, $imm:expr) => {{
        let (b, i, disp): (u8, u8, i32) = ($b, $i, $disp);
        if let Ok(d8) = i8::try_from(disp) {
            asm!($s.masm; mov $size [BYTE Rq(b) + Rq(i) + d8], $imm)
        } else {
            asm!($s.masm; mov $size [Rq(b) + Rq(i) + disp], $imm)
        }
    }};
}

/// How a load extends its value / how many bytes a store writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MemOp {
    I32,
    I64,
    F32,
    F64,
    S8x32,
    U8x32,
    S16x32,
    U16x32,
    S8x64,
    U8x64,
    S16x64,
    U16x64,
    S32x64,
    U32x64,
}

impl MemOp {
    fn size(self) -> u64 {
        use MemOp::*;
        match self {
            S8x32 | U8x32 | S8x64 | U8x64 => 1,
            S16x32 | U16x32 | S16x64 | U16x64 => 2,
            I32 | F32 | S32x64 | U32x64 => 4,
            I64 | F64 => 8,
        }
    }
}

/// A memory operand `[base + index + disp]`.
#[derive(Clone, Copy)]
pub(crate) struct Addr {
    pub base: u8,
    pub index: u8,
    pub disp: i32,
}

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
        let base = if mem == 0 {
            14
        } else {
            let off = self.env.offsets.memory(mem);
            asm!(self.masm
                ; mov r10, QWORD [r15 + off]
                ; mov r10, QWORD [r10 + VMMemoryDefinition::OFFSET_BASE]
            );
            SCRATCH2
        };
        let offset = memarg.offset;
        // The index register: the address operand, or r11 for a constant.
        let (index, owned, mut disp) = match addr.loc {
            Loc::Const(bits) => {
                let ea = (bits as u32 as u64) + offset;
                self.masm.mov_imm64(SCRATCH, ea);
                (SCRATCH, None, 0u64)
            }
            // A local's cached register serves as the index as it is.
            Loc::Local(l) if self.local_cache[l as usize].is_some() => {
                let c = self.local_cache[l as usize].expect("checked");
                (c.code(), None, offset)
            }
            _ => {
                let r = self.opnd_to_reg(addr);
                (r.code(), Some(r), offset)
            }
        };
        let mut index = index;
        if disp > (i32::MAX - 16) as u64 {
            // Offsets of 2 GiB and more do not fit a displacement.
            asm!(self.masm; mov Rd(SCRATCH), Rd(index));
            self.masm.mov_imm64(SCRATCH2, disp);
            asm!(self.masm; add Rq(SCRATCH), Rq(SCRATCH2));
            index = SCRATCH;
            disp = 0;
            if base == SCRATCH2 {
                let off = self.env.offsets.memory(mem);
                asm!(self.masm
                    ; mov r10, QWORD [r15 + off]
                    ; mov r10, QWORD [r10 + VMMemoryDefinition::OFFSET_BASE]
                );
            }
        }
        if self.env.config.explicit_bounds_checks {
            let oob = self.trap_label(TrapCode::MemoryOutOfBounds);
            let end = disp as i64 + size as i64;
            let off = self.env.offsets.memory(mem);
            // r11 may hold the index: compute the end in rax-free scratch
            // via push-free arithmetic on r10/r11 only.
            if index == SCRATCH {
                asm!(self.masm; add Rq(SCRATCH), end as i32);
                asm!(self.masm; mov r10, QWORD [r15 + off]);
                asm!(self.masm; cmp Rq(SCRATCH), QWORD [r10 + VMMemoryDefinition::OFFSET_LENGTH]);
                self.masm.jcc(Cond::A, oob);
                asm!(self.masm; sub Rq(SCRATCH), end as i32);
            } else {
                asm!(self.masm
                    ; mov r11d, Rd(index)
                    ; add r11, end as i32
                    ; mov r10, QWORD [r15 + off]
                    ; cmp r11, QWORD [r10 + VMMemoryDefinition::OFFSET_LENGTH]
                );
                self.masm.jcc(Cond::A, oob);
            }
            if base == SCRATCH2 {
                asm!(self.masm; mov r10, QWORD [r10 + VMMemoryDefinition::OFFSET_BASE]);
            }
        }
        (
            Addr {
                base,
                index,
                disp: disp as i32,
            },
            owned,
        )
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
        let early = match addr.loc {
            Loc::Local(l) if self.local_cache[l as usize].is_some() => Some(self.alloc(ty)),
            _ => None,
        };
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
        let (b, i, disp, d) = (a.base, a.index, a.disp, dst.code());
        if !self.env.config.explicit_bounds_checks {
            self.record_trap_site(TrapCode::MemoryOutOfBounds);
        }
        use MemOp::*;
        match op {
            I32 => load_at!(self, b, i, disp; mov Rd(d), DWORD),
            I64 => load_at!(self, b, i, disp; mov Rq(d), QWORD),
            F32 => load_at!(self, b, i, disp; movss Rx(d), DWORD),
            F64 => load_at!(self, b, i, disp; movsd Rx(d), QWORD),
            S8x32 => load_at!(self, b, i, disp; movsx Rd(d), BYTE),
            U8x32 | U8x64 => load_at!(self, b, i, disp; movzx Rd(d), BYTE),
            S16x32 => load_at!(self, b, i, disp; movsx Rd(d), WORD),
            U16x32 | U16x64 => load_at!(self, b, i, disp; movzx Rd(d), WORD),
            S8x64 => load_at!(self, b, i, disp; movsx Rq(d), BYTE),
            S16x64 => load_at!(self, b, i, disp; movsx Rq(d), WORD),
            S32x64 => load_at!(self, b, i, disp; movsxd Rq(d), DWORD),
            U32x64 => load_at!(self, b, i, disp; mov Rd(d), DWORD),
        }
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
            Loc::Const(bits) if op.size() < 8 || bits as i64 == bits as i32 as i64 => {
                Some(bits as i32)
            }
            _ => None,
        };
        let vreg = match imm {
            Some(_) => None,
            None => Some(self.opnd_to_reg(value)),
        };
        let addr = self.pop();
        let (a, owned) = self.effective_addr(addr, &memarg, op.size());
        let (b, i, disp) = (a.base, a.index, a.disp);
        if !self.env.config.explicit_bounds_checks {
            self.record_trap_site(TrapCode::MemoryOutOfBounds);
        }
        use MemOp::*;
        match (vreg, imm) {
            (None, Some(imm)) => match op.size() {
                8 => store_imm_at!(self, b, i, disp; QWORD, imm),
                4 => store_imm_at!(self, b, i, disp; DWORD, imm),
                2 => store_imm_at!(self, b, i, disp; WORD, imm as i16),
                _ => store_imm_at!(self, b, i, disp; BYTE, imm as i8),
            },
            (Some(r), _) => {
                let v = r.code();
                match op {
                    I32 | S32x64 | U32x64 => {
                        store_at!(self, b, i, disp; mov DWORD, Rd(v))
                    }
                    I64 => store_at!(self, b, i, disp; mov QWORD, Rq(v)),
                    F32 => store_at!(self, b, i, disp; movss DWORD, Rx(v)),
                    F64 => store_at!(self, b, i, disp; movsd QWORD, Rx(v)),
                    S16x32 | U16x32 | S16x64 | U16x64 => {
                        store_at!(self, b, i, disp; mov WORD, Rw(v))
                    }
                    // Dynamic byte registers always get a REX prefix: sil/dil, not dh/bh.
                    _ => store_at!(self, b, i, disp; mov BYTE, Rb(v)),
                }
                self.release(r);
            }
            (None, None) => unreachable!(),
        }
        if let Some(r) = owned {
            self.release(r);
        }
        Ok(())
    }

    pub fn visit_memory_size(&mut self, mem: u32) -> Result<(), CompileError> {
        let off = self.env.offsets.memory(mem);
        let r = self.alloc(ValType::I32);
        let d = r.code();
        asm!(self.masm
            ; mov Rq(d), QWORD [r15 + off]
            ; mov Rq(d), QWORD [Rq(d) + VMMemoryDefinition::OFFSET_LENGTH]
            ; shr Rq(d), 16
        );
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
