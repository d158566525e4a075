//! Integer operators, x86-64 side: the instructions for operands the
//! generic code (`codegen/numeric.rs`) has already resolved (registers,
//! constants, frame slots). Fixed-register constraints (the shift count in
//! `cl`, division in `rax:rdx`) are declared in `regs.rs`.

use dynasmrt::DynasmApi;

use super::masm::{asm, Address, Cond, Label, Masm, Operand};
use super::regs::{Reg, SCRATCH};
use crate::compiler::inst::{IntAlu, IntCmp, IntCount, IntShift};
use crate::module::ValType;

/// The second operand of a two-operand instruction.
#[derive(Clone, Copy)]
enum Src {
    Imm(i32),
    Reg(u8),
    /// `[rbp + disp]`
    Mem(i32),
}

macro_rules! emit_alu {
    ($s:ident, $mn:ident, $w64:expr, $a:expr, $src:expr) => {
        match ($w64, $src) {
            // The sign-extended imm8 forms are 3 bytes shorter.
            (false, Src::Imm(i)) if i8::try_from(i).is_ok() => {
                asm!($s; $mn Rd($a), BYTE i as i8)
            }
            (true, Src::Imm(i)) if i8::try_from(i).is_ok() => {
                asm!($s; $mn Rq($a), BYTE i as i8)
            }
            (false, Src::Imm(i)) => asm!($s; $mn Rd($a), i),
            (true, Src::Imm(i)) => asm!($s; $mn Rq($a), i),
            (false, Src::Reg(r)) => asm!($s; $mn Rd($a), Rd(r)),
            (true, Src::Reg(r)) => asm!($s; $mn Rq($a), Rq(r)),
            (false, Src::Mem(d)) => asm!($s; $mn Rd($a), DWORD [rbp + d]),
            (true, Src::Mem(d)) => asm!($s; $mn Rq($a), QWORD [rbp + d]),
        }
    };
}

macro_rules! emit_shift {
    ($s:ident, $mn:ident, $w64:expr, $a:expr, $imm:expr) => {
        match ($w64, $imm) {
            (false, Some(i)) => asm!($s; $mn Rd($a), i),
            (true, Some(i)) => asm!($s; $mn Rq($a), i),
            (false, None) => asm!($s; $mn Rd($a), cl),
            (true, None) => asm!($s; $mn Rq($a), cl),
        }
    };
}

/// A constant as an x86 imm32 (sign-extended for 64-bit operations), if
/// it fits.
fn imm32_of(w64: bool, bits: u64) -> Option<i32> {
    if !w64 {
        Some(bits as u32 as i32)
    } else {
        let v = bits as i64;
        (v >= i32::MIN as i64 && v <= i32::MAX as i64).then_some(v as i32)
    }
}

/// The condition code of an integer compare.
fn cond_of(c: IntCmp) -> Cond {
    match c {
        IntCmp::Eq => Cond::E,
        IntCmp::Ne => Cond::NE,
        IntCmp::LtS => Cond::L,
        IntCmp::LtU => Cond::B,
        IntCmp::GtS => Cond::G,
        IntCmp::GtU => Cond::A,
        IntCmp::LeS => Cond::LE,
        IntCmp::LeU => Cond::BE,
        IntCmp::GeS => Cond::GE,
        IntCmp::GeU => Cond::AE,
    }
}

impl Masm {
    /// The operand as an instruction source: an imm32, a register, or a
    /// frame slot. Wide constants (and other memory) go through SCRATCH.
    fn int_src(&mut self, w64: bool, o: Operand) -> Src {
        match o {
            Operand::Const(bits) => match imm32_of(w64, bits) {
                Some(i) => Src::Imm(i),
                None => {
                    self.mov_imm64(SCRATCH.code(), bits);
                    Src::Reg(SCRATCH.code())
                }
            },
            Operand::Reg(r) => Src::Reg(r.code()),
            Operand::Mem(Address::Frame(d)) => Src::Mem(d),
            Operand::Mem(a) => {
                let ty = if w64 { ValType::I64 } else { ValType::I32 };
                self.load(ty, SCRATCH, a);
                Src::Reg(SCRATCH.code())
            }
        }
    }

    /// `dst = dst op src`.
    pub fn int_alu(&mut self, op: IntAlu, w64: bool, dst: Reg, src: Operand) {
        let d = dst.code();
        let s = self.int_src(w64, src);
        match op {
            IntAlu::Add => emit_alu!(self, add, w64, d, s),
            IntAlu::Sub => emit_alu!(self, sub, w64, d, s),
            IntAlu::And => emit_alu!(self, and, w64, d, s),
            IntAlu::Or => emit_alu!(self, or, w64, d, s),
            IntAlu::Xor => emit_alu!(self, xor, w64, d, s),
            IntAlu::Mul => match (w64, s) {
                (false, Src::Imm(i)) => asm!(self; imul Rd(d), Rd(d), i),
                (true, Src::Imm(i)) => asm!(self; imul Rq(d), Rq(d), i),
                (false, Src::Reg(r)) => asm!(self; imul Rd(d), Rd(r)),
                (true, Src::Reg(r)) => asm!(self; imul Rq(d), Rq(r)),
                (false, Src::Mem(m)) => asm!(self; imul Rd(d), DWORD [rbp + m]),
                (true, Src::Mem(m)) => asm!(self; imul Rq(d), QWORD [rbp + m]),
            },
        }
    }

    /// Compares `a` with `b`; returns the condition that holds when
    /// `a cmp b` (the result stays in the flags).
    pub fn int_cmp(&mut self, w64: bool, a: Reg, b: Operand, cmp: IntCmp) -> Cond {
        let d = a.code();
        let s = self.int_src(w64, b);
        match (w64, s) {
            (false, Src::Imm(i)) => asm!(self; cmp Rd(d), i),
            (true, Src::Imm(i)) => asm!(self; cmp Rq(d), i),
            (false, Src::Reg(r)) => asm!(self; cmp Rd(d), Rd(r)),
            (true, Src::Reg(r)) => asm!(self; cmp Rq(d), Rq(r)),
            (false, Src::Mem(m)) => asm!(self; cmp Rd(d), DWORD [rbp + m]),
            (true, Src::Mem(m)) => asm!(self; cmp Rq(d), QWORD [rbp + m]),
        }
        cond_of(cmp)
    }

    /// `dst = dst op count`: `count` is a constant (already masked) or
    /// `regs::SHIFT_COUNT`.
    pub fn int_shift(&mut self, op: IntShift, w64: bool, dst: Reg, count: Operand) {
        let d = dst.code();
        let imm = match count {
            Operand::Const(c) => Some(c as i8),
            _ => {
                debug_assert_eq!(count, Operand::Reg(super::regs::RCX));
                None
            }
        };
        match op {
            IntShift::Shl => emit_shift!(self, shl, w64, d, imm),
            IntShift::ShrS => emit_shift!(self, sar, w64, d, imm),
            IntShift::ShrU => emit_shift!(self, shr, w64, d, imm),
            IntShift::Rotl => emit_shift!(self, rol, w64, d, imm),
            IntShift::Rotr => emit_shift!(self, ror, w64, d, imm),
        }
    }

    /// Division or remainder of `regs::DIV_QUOTIENT` by `divisor`, the
    /// result in `regs::DIV_QUOTIENT` (quotient) or `regs::DIV_REMAINDER`
    /// (remainder; both are clobbered). Jumps to `by_zero` if given and the
    /// divisor is zero. With `minus_one`, a divisor of -1 is handled apart:
    /// the remainder is 0, the quotient of the minimum value jumps to
    /// `overflow`.
    #[allow(clippy::too_many_arguments)]
    pub fn int_divrem(
        &mut self,
        w64: bool,
        signed: bool,
        rem: bool,
        divisor: Reg,
        by_zero: Option<Label>,
        minus_one: bool,
        overflow: Option<Label>,
    ) {
        let bc = divisor.code();
        if let Some(l) = by_zero {
            if w64 {
                asm!(self; test Rq(bc), Rq(bc));
            } else {
                asm!(self; test Rd(bc), Rd(bc));
            }
            self.branch_if(Cond::E, l);
        }
        let done = self.new_label();
        if minus_one {
            let normal = self.new_label();
            if w64 {
                asm!(self; cmp Rq(bc), -1);
            } else {
                asm!(self; cmp Rd(bc), -1);
            }
            self.branch_if(Cond::NE, normal);
            if rem {
                // x rem -1 = 0 (and INT_MIN rem -1 must not fault).
                asm!(self; xor edx, edx);
                self.jmp(done);
            } else if let Some(l) = overflow {
                if w64 {
                    asm!(self
                        ; mov r11, QWORD i64::MIN
                        ; cmp rax, r11
                    );
                } else {
                    asm!(self; cmp eax, i32::MIN);
                }
                self.branch_if(Cond::E, l);
            }
            self.bind(normal);
        }
        match (signed, w64) {
            (true, false) => asm!(self; cdq; idiv Rd(bc)),
            (true, true) => asm!(self; cqo; idiv Rq(bc)),
            (false, false) => asm!(self; xor edx, edx; div Rd(bc)),
            (false, true) => asm!(self; xor edx, edx; div Rq(bc)),
        }
        self.bind(done);
    }

    /// `r = count(r)`.
    pub fn int_count(&mut self, which: IntCount, w64: bool, r: Reg) {
        let bits = if w64 { 64 } else { 32 };
        let d = r.code();
        let cpu = self.cpu;
        match which {
            // clz
            IntCount::Clz => {
                if cpu.lzcnt {
                    if w64 {
                        asm!(self; lzcnt Rq(d), Rq(d));
                    } else {
                        asm!(self; lzcnt Rd(d), Rd(d));
                    }
                } else if w64 {
                    asm!(self
                        ; mov r10d, 127
                        ; bsr r11, Rq(d)
                        ; cmovz r11, r10
                        ; xor r11d, 63
                        ; mov Rd(d), r11d
                    );
                } else {
                    asm!(self
                        ; mov r10d, 63
                        ; bsr r11d, Rd(d)
                        ; cmovz r11d, r10d
                        ; xor r11d, 31
                        ; mov Rd(d), r11d
                    );
                }
            }
            // ctz
            IntCount::Ctz => {
                if cpu.bmi1 {
                    if w64 {
                        asm!(self; tzcnt Rq(d), Rq(d));
                    } else {
                        asm!(self; tzcnt Rd(d), Rd(d));
                    }
                } else if w64 {
                    asm!(self
                        ; mov r10d, bits
                        ; bsf r11, Rq(d)
                        ; cmovz r11, r10
                        ; mov Rq(d), r11
                    );
                } else {
                    asm!(self
                        ; mov r10d, bits
                        ; bsf r11d, Rd(d)
                        ; cmovz r11d, r10d
                        ; mov Rd(d), r11d
                    );
                }
            }
            // popcnt
            IntCount::Popcnt => {
                if !cpu.popcnt {
                    self.popcnt_fallback(d, w64);
                } else if w64 {
                    asm!(self; popcnt Rq(d), Rq(d));
                } else {
                    asm!(self; popcnt Rd(d), Rd(d));
                }
            }
        }
    }

    /// Population count without POPCNT: the classic SWAR reduction.
    fn popcnt_fallback(&mut self, d: u8, w64: bool) {
        if w64 {
            asm!(self
                ; mov r11, Rq(d)
                ; shr r11, 1
                ; mov r10, QWORD 0x5555_5555_5555_5555
                ; and r11, r10
                ; sub Rq(d), r11
                ; mov r10, QWORD 0x3333_3333_3333_3333
                ; mov r11, Rq(d)
                ; and Rq(d), r10
                ; shr r11, 2
                ; and r11, r10
                ; add Rq(d), r11
                ; mov r11, Rq(d)
                ; shr r11, 4
                ; add Rq(d), r11
                ; mov r10, QWORD 0x0f0f_0f0f_0f0f_0f0f
                ; and Rq(d), r10
                ; mov r10, QWORD 0x0101_0101_0101_0101
                ; imul Rq(d), r10
                ; shr Rq(d), 56
            );
        } else {
            asm!(self
                ; mov r11d, Rd(d)
                ; shr r11d, 1
                ; and r11d, 0x5555_5555
                ; sub Rd(d), r11d
                ; mov r11d, Rd(d)
                ; and Rd(d), 0x3333_3333
                ; shr r11d, 2
                ; and r11d, 0x3333_3333
                ; add Rd(d), r11d
                ; mov r11d, Rd(d)
                ; shr r11d, 4
                ; add Rd(d), r11d
                ; and Rd(d), 0x0f0f_0f0f
                ; imul Rd(d), Rd(d), 0x0101_0101
                ; shr Rd(d), 24
            );
        }
    }

    /// Sign extension of the low `from` bits (8, 16 or 32) of `r`.
    pub fn sign_extend(&mut self, w64: bool, from: u8, r: Reg) {
        let d = r.code();
        match (w64, from) {
            (false, 8) => asm!(self; movsx Rd(d), Rb(d)),
            (false, _) => asm!(self; movsx Rd(d), Rw(d)),
            (true, 8) => asm!(self; movsx Rq(d), Rb(d)),
            (true, 16) => asm!(self; movsx Rq(d), Rw(d)),
            (true, _) => asm!(self; movsxd Rq(d), Rd(d)),
        }
    }
}
