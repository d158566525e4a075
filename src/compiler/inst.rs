//! The vocabulary shared by the generic code generator (`codegen/`) and every
//! ISA's macro assembler: operands as the generic code resolves them, and the
//! operations it asks for, named by what they compute (wasm semantics), not
//! by the instruction that computes them.
//!
//! Nothing here knows an encoding or a register number: an aarch64 `Masm`
//! takes the same types.

use super::isa::regs::Reg;

/// A memory operand of the generic code: a frame slot, an outgoing
/// argument/result slot, or a register plus displacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Address {
    /// `disp` bytes from the frame pointer: the saved vmctx, the locals and
    /// the value stack's slots below it, the parameters above it.
    Frame(i32),
    /// `disp` bytes above the stack pointer: the outgoing call area, where
    /// arguments go and results come back.
    OutArg(i32),
    /// `[base + disp]`.
    Base(Reg, i32),
}

/// A source operand resolved by the generic code: where the value is now.
/// The macro assembler decides what its instructions can take directly (an
/// immediate that fits, a memory operand) and materialises the rest in a
/// scratch register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operand {
    Reg(Reg),
    /// Raw bits of a constant (i32 zero-extended, floats as their bits).
    Const(u64),
    Mem(Address),
}

/// How a load extends its value / how many bytes a store writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemOp {
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
    pub fn size(self) -> u64 {
        use MemOp::*;
        match self {
            S8x32 | U8x32 | S8x64 | U8x64 => 1,
            S16x32 | U16x32 | S16x64 | U16x64 => 2,
            I32 | F32 | S32x64 | U32x64 => 4,
            I64 | F64 => 8,
        }
    }
}

/// The index of a heap access: a register (its low 32 bits, zero-extended)
/// or a constant address.
#[derive(Debug, Clone, Copy)]
pub enum HeapIndex {
    Reg(Reg),
    Const(u32),
}

/// Two-operand integer arithmetic (`dst = dst op src`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntAlu {
    Add,
    Sub,
    Mul,
    And,
    Or,
    Xor,
}

impl IntAlu {
    pub fn commutative(self) -> bool {
        self != IntAlu::Sub
    }

    /// The operation on constants (`w64`: 64-bit, else 32-bit wrapping).
    pub fn fold(self, w64: bool, a: u64, b: u64) -> u64 {
        let r = match self {
            IntAlu::Add => a.wrapping_add(b),
            IntAlu::Sub => a.wrapping_sub(b),
            IntAlu::Mul => a.wrapping_mul(b),
            IntAlu::And => a & b,
            IntAlu::Or => a | b,
            IntAlu::Xor => a ^ b,
        };
        if w64 {
            r
        } else {
            r as u32 as u64
        }
    }
}

/// Shifts and rotates (`dst = dst op count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntShift {
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
}

/// Integer compares (`a ? b`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntCmp {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
}

impl IntCmp {
    /// The compare that holds for `b ? a` when `self` holds for `a ? b`.
    pub fn swap(self) -> IntCmp {
        use IntCmp::*;
        match self {
            LtS => GtS,
            GtS => LtS,
            LtU => GtU,
            GtU => LtU,
            LeS => GeS,
            GeS => LeS,
            LeU => GeU,
            GeU => LeU,
            c => c,
        }
    }

    /// The compare on constants.
    pub fn fold(self, w64: bool, x: u64, y: u64) -> bool {
        let (sx, sy) = if w64 {
            (x as i64, y as i64)
        } else {
            (x as u32 as i32 as i64, y as u32 as i32 as i64)
        };
        use IntCmp::*;
        match self {
            Eq => x == y,
            Ne => x != y,
            LtS => sx < sy,
            LeS => sx <= sy,
            GtS => sx > sy,
            GeS => sx >= sy,
            LtU => x < y,
            LeU => x <= y,
            GtU => x > y,
            GeU => x >= y,
        }
    }
}

/// Bit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntCount {
    Clz,
    Ctz,
    Popcnt,
}

/// Float arithmetic that takes any source operand (`dst = dst op src`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatArith {
    Add,
    Sub,
    Mul,
    Div,
}

/// Float operations on two registers (`dst = dst op src`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatBin {
    Min,
    Max,
    Copysign,
}

/// Float operations in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatUn {
    Abs,
    Neg,
    Sqrt,
    Ceil,
    Floor,
    Trunc,
    Nearest,
}

impl FloatUn {
    pub fn is_rounding(self) -> bool {
        matches!(
            self,
            FloatUn::Ceil | FloatUn::Floor | FloatUn::Trunc | FloatUn::Nearest
        )
    }
}

/// Float compares (`a ? b`, false when unordered except `Ne`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatCmp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}
