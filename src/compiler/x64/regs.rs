//! x86-64 registers as the code generator sees them: two classes (general
//! purpose and xmm) in one numbering, the allocatable sets, the fixed roles,
//! and the registers that hold block results at control-flow merges.
//!
//! This is part of the ISA interface: the generic code generator
//! (`codegen/`) names registers only by role (`VMCTX`, `MEMORY_BASE`,
//! `SCRATCH`, `RESULT`, ...) and through the sets below, never by number.
//! The hardware numbers stay in this folder.

/// A machine register: 0–15 are the general-purpose registers in hardware
/// encoding order, 16–31 the xmm registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reg(u8);

impl Reg {
    pub const fn gpr(code: u8) -> Reg {
        Reg(code)
    }

    pub const fn xmm(code: u8) -> Reg {
        Reg(16 + code)
    }

    /// Whether this is a floating-point/vector (xmm) register.
    pub const fn is_fp(self) -> bool {
        self.0 >= 16
    }

    /// The hardware encoding within the register's class.
    pub const fn code(self) -> u8 {
        self.0 & 15
    }

    pub const fn from_index(i: usize) -> Reg {
        Reg(i as u8)
    }

    /// Index in a table over all 32 registers.
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    pub const fn bit(self) -> u32 {
        1 << self.0
    }
}

pub const RAX: Reg = Reg::gpr(0);
pub const RCX: Reg = Reg::gpr(1);
pub const RDX: Reg = Reg::gpr(2);
pub const RBX: Reg = Reg::gpr(3);
pub const RSI: Reg = Reg::gpr(6);
pub const RDI: Reg = Reg::gpr(7);
pub const R8: Reg = Reg::gpr(8);
pub const R9: Reg = Reg::gpr(9);
pub const R12: Reg = Reg::gpr(12);
pub const R13: Reg = Reg::gpr(13);

/// Scratch registers, never allocated: free for any single instruction
/// sequence (constant materialisation, memory-to-memory moves, address
/// arithmetic, breaking move cycles).
pub const SCRATCH: Reg = Reg::gpr(11);
pub const SCRATCH2: Reg = Reg::gpr(10);
pub const XSCRATCH: Reg = Reg::xmm(15);
pub const XSCRATCH2: Reg = Reg::xmm(14);

/// Pinned roles: the vmctx of the running instance (restored from the frame
/// after every call) and the base of memory 0 (reloaded after calls that
/// may move it).
pub const VMCTX: Reg = Reg::gpr(15);
pub const MEMORY_BASE: Reg = Reg::gpr(14);
/// The frame pointer and the stack pointer (frame slots and outgoing
/// argument slots are addressed from them; see `masm::Address`).
pub const FP: Reg = Reg::gpr(5);
pub const SP: Reg = Reg::gpr(4);
/// Where a runtime builtin returns its result (SysV `rax`).
pub const RESULT: Reg = RAX;
/// Where a variable shift or rotate count must be (`cl`), if anywhere.
pub const SHIFT_COUNT: Option<Reg> = Some(RCX);
/// Integer division's fixed registers: the dividend goes in, and the
/// quotient comes out of, `DIV_QUOTIENT`; the remainder comes out of
/// `DIV_REMAINDER`; both are clobbered.
pub const DIV_QUOTIENT: Reg = RAX;
pub const DIV_REMAINDER: Reg = RDX;
/// SysV integer argument registers after `rdi` (which carries the vmctx in
/// calls to builtins).
pub(super) const C_ARGS: [Reg; 5] = [RSI, RDX, RCX, R8, R9];

/// The scratch register of the class of `r` (for breaking move cycles).
pub const fn scratch_like(r: Reg) -> Reg {
    if r.is_fp() {
        XSCRATCH
    } else {
        SCRATCH
    }
}

/// Whether a value of this type lives in the floating-point/vector register
/// class (xmm here).
pub fn is_fp_class(ty: crate::module::ValType) -> bool {
    super::masm::is_xmm_ty(ty)
}

/// The allocatable registers (allocation takes the lowest-numbered free
/// one). rsp, rbp (frame), r14 (memory base), r15 (vmctx) and the scratch
/// registers are never allocated.
pub const ALLOC_GPRS: [Reg; 10] = [RAX, RCX, RDX, RBX, RSI, RDI, R8, R9, R12, R13];
pub const ALLOC_FPRS: [Reg; 14] = [
    Reg::xmm(0),
    Reg::xmm(1),
    Reg::xmm(2),
    Reg::xmm(3),
    Reg::xmm(4),
    Reg::xmm(5),
    Reg::xmm(6),
    Reg::xmm(7),
    Reg::xmm(8),
    Reg::xmm(9),
    Reg::xmm(10),
    Reg::xmm(11),
    Reg::xmm(12),
    Reg::xmm(13),
];

/// Registers that carry block results (and loop parameters) across a
/// control-flow merge, assigned in order per class; values beyond these go
/// to their stack slots.
pub const MERGE_GPRS: [Reg; 6] = [RAX, RCX, RDX, RBX, RSI, RDI];
pub const MERGE_FPRS: [Reg; 6] = [
    Reg::xmm(0),
    Reg::xmm(1),
    Reg::xmm(2),
    Reg::xmm(3),
    Reg::xmm(4),
    Reg::xmm(5),
];

/// A set of registers as a bit mask over [`Reg`] numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RegSet(pub u32);

/// The bits of each register class in a [`RegSet`].
pub const GPR_MASK: u32 = 0x0000_ffff;
pub const FP_MASK: u32 = 0xffff_0000;

impl RegSet {
    /// The lowest-numbered register in `self & mask`, if any.
    pub fn first(self, mask: u32) -> Option<Reg> {
        let bits = self.0 & mask;
        (bits != 0).then(|| Reg::from_index(bits.trailing_zeros() as usize))
    }

    pub fn all_allocatable() -> RegSet {
        let mut s = RegSet(0);
        for r in ALLOC_GPRS.iter().chain(ALLOC_FPRS.iter()) {
            s.insert(*r);
        }
        s
    }

    pub fn contains(self, r: Reg) -> bool {
        self.0 & r.bit() != 0
    }

    pub fn insert(&mut self, r: Reg) {
        self.0 |= r.bit();
    }

    pub fn remove(&mut self, r: Reg) {
        self.0 &= !r.bit();
    }
}
