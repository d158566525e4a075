//! Integer operators: arithmetic, logic, shifts, compares, counts, division.

use dynasmrt::DynasmApi;

use super::masm::{asm, is_64, Address, Cond};
use super::regs::{Reg, RegSet, RAX, RCX, RDX, SCRATCH};
use crate::compiler::codegen::{CodeGen, Loc, Opnd};
use crate::module::{CompileError, ValType};
use crate::vm::TrapCode;

/// The second operand of a two-operand instruction.
#[derive(Clone, Copy)]
pub(crate) enum Src {
    Imm(i32),
    Reg(u8),
    /// `[rbp + disp]`
    Mem(i32),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Alu {
    Add,
    Sub,
    Mul,
    And,
    Or,
    Xor,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shift {
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
}

macro_rules! emit_alu {
    ($s:ident, $mn:ident, $w64:expr, $a:expr, $src:expr) => {
        match ($w64, $src) {
            // The sign-extended imm8 forms are 3 bytes shorter.
            (false, Src::Imm(i)) if i8::try_from(i).is_ok() => {
                asm!($s.masm; $mn Rd($a), BYTE i as i8)
            }
            (true, Src::Imm(i)) if i8::try_from(i).is_ok() => {
                asm!($s.masm; $mn Rq($a), BYTE i as i8)
            }
            (false, Src::Imm(i)) => asm!($s.masm; $mn Rd($a), i),
            (true, Src::Imm(i)) => asm!($s.masm; $mn Rq($a), i),
            (false, Src::Reg(r)) => asm!($s.masm; $mn Rd($a), Rd(r)),
            (true, Src::Reg(r)) => asm!($s.masm; $mn Rq($a), Rq(r)),
            (false, Src::Mem(d)) => asm!($s.masm; $mn Rd($a), DWORD [rbp + d]),
            (true, Src::Mem(d)) => asm!($s.masm; $mn Rq($a), QWORD [rbp + d]),
        }
    };
}

macro_rules! emit_shift {
    ($s:ident, $mn:ident, $w64:expr, $a:expr, $imm:expr) => {
        match ($w64, $imm) {
            (false, Some(i)) => asm!($s.masm; $mn Rd($a), i),
            (true, Some(i)) => asm!($s.masm; $mn Rq($a), i),
            (false, None) => asm!($s.masm; $mn Rd($a), cl),
            (true, None) => asm!($s.masm; $mn Rq($a), cl),
        }
    };
}

/// A constant of type `ty` as an x86 imm32 (sign-extended for 64-bit
/// operations), if it fits.
fn imm32_of(ty: ValType, bits: u64) -> Option<i32> {
    if !is_64(ty) {
        Some(bits as u32 as i32)
    } else {
        let v = bits as i64;
        (v >= i32::MIN as i64 && v <= i32::MAX as i64).then_some(v as i32)
    }
}

fn fold_alu(op: Alu, w64: bool, a: u64, b: u64) -> u64 {
    let r = match op {
        Alu::Add => a.wrapping_add(b),
        Alu::Sub => a.wrapping_sub(b),
        Alu::Mul => a.wrapping_mul(b),
        Alu::And => a & b,
        Alu::Or => a | b,
        Alu::Xor => a ^ b,
    };
    if w64 {
        r
    } else {
        r as u32 as u64
    }
}

impl<'m> CodeGen<'m> {
    /// The operand as an instruction source: an imm32, a register, or its
    /// slot. Wide constants go through r11. A register stays owned.
    pub(crate) fn src_of(&mut self, o: Opnd) -> Src {
        match o.loc {
            Loc::Const(bits) => match imm32_of(o.ty, bits) {
                Some(i) => Src::Imm(i),
                None => {
                    self.masm.mov_imm64(SCRATCH.code(), bits);
                    Src::Reg(SCRATCH.code())
                }
            },
            Loc::Reg(r) => Src::Reg(r.code()),
            Loc::Slot => Src::Mem(-o.off),
            Loc::Flags(_) => {
                let r = self.opnd_to_reg(o);
                Src::Reg(r.code())
            }
            Loc::Local(l) => match self.local_cache[l as usize] {
                Some(c) => Src::Reg(c.code()),
                None => Src::Mem(self.locals[l as usize].disp),
            },
        }
    }

    /// Releases the register behind a `Src` that came from `o`.
    /// Releases the register behind a `Src` made from `o`, if it owns one
    /// (not a constant's scratch, not a local's cache).
    pub(crate) fn release_src(&mut self, o: Opnd, s: Src) {
        if let (Loc::Reg(_) | Loc::Flags(_), Src::Reg(code)) = (o.loc, s) {
            self.release(Reg::gpr(code));
        }
    }

    fn alu(&mut self, ty: ValType, op: Alu) -> Result<(), CompileError> {
        let w64 = is_64(ty);
        let b = self.pop();
        let a = self.pop();
        if let (Loc::Const(x), Loc::Const(y)) = (a.loc, b.loc) {
            self.push_const(ty, fold_alu(op, w64, x, y));
            return Ok(());
        }
        // Commutative: compute into the operand that owns a register (or
        // is not a constant), so that the other can be an immediate, a
        // local's register or a slot.
        let commutative = op != Alu::Sub;
        let swap = commutative
            && (matches!(a.loc, Loc::Const(_))
                || (!matches!(a.loc, Loc::Reg(_)) && matches!(b.loc, Loc::Reg(_))));
        let (a, b) = if swap { (b, a) } else { (a, b) };
        let ra = self.opnd_to_reg(a);
        let d = ra.code();
        let s = self.src_of(b);
        match op {
            Alu::Add => emit_alu!(self, add, w64, d, s),
            Alu::Sub => emit_alu!(self, sub, w64, d, s),
            Alu::And => emit_alu!(self, and, w64, d, s),
            Alu::Or => emit_alu!(self, or, w64, d, s),
            Alu::Xor => emit_alu!(self, xor, w64, d, s),
            Alu::Mul => match (w64, s) {
                (false, Src::Imm(i)) => asm!(self.masm; imul Rd(d), Rd(d), i),
                (true, Src::Imm(i)) => asm!(self.masm; imul Rq(d), Rq(d), i),
                (false, Src::Reg(r)) => asm!(self.masm; imul Rd(d), Rd(r)),
                (true, Src::Reg(r)) => asm!(self.masm; imul Rq(d), Rq(r)),
                (false, Src::Mem(m)) => asm!(self.masm; imul Rd(d), DWORD [rbp + m]),
                (true, Src::Mem(m)) => asm!(self.masm; imul Rq(d), QWORD [rbp + m]),
            },
        }
        self.release_src(b, s);
        self.push_reg(ty, ra);
        Ok(())
    }

    /// A compare whose result stays in the flags (`cond` holds for `a ? b`).
    fn compare(&mut self, ty: ValType, cond: Cond) -> Result<(), CompileError> {
        let w64 = is_64(ty);
        let b = self.pop();
        let a = self.pop();
        if let (Loc::Const(x), Loc::Const(y)) = (a.loc, b.loc) {
            let (sx, sy) = if w64 {
                (x as i64, y as i64)
            } else {
                (x as u32 as i32 as i64, y as u32 as i32 as i64)
            };
            let r = match cond {
                Cond::E => x == y,
                Cond::NE => x != y,
                Cond::L => sx < sy,
                Cond::LE => sx <= sy,
                Cond::G => sx > sy,
                Cond::GE => sx >= sy,
                Cond::B => x < y,
                Cond::BE => x <= y,
                Cond::A => x > y,
                Cond::AE => x >= y,
                _ => unreachable!("integer compares only"),
            };
            self.push_const(ValType::I32, r as u64);
            return Ok(());
        }
        let (a, b, cond) = if matches!(a.loc, Loc::Const(_)) {
            (b, a, cond.swap())
        } else {
            (a, b, cond)
        };
        // cmp only reads its first operand: a local's register will do.
        let (ra, owned) = self.read_reg(a);
        let d = ra.code();
        let s = self.src_of(b);
        match (w64, s) {
            (false, Src::Imm(i)) => asm!(self.masm; cmp Rd(d), i),
            (true, Src::Imm(i)) => asm!(self.masm; cmp Rq(d), i),
            (false, Src::Reg(r)) => asm!(self.masm; cmp Rd(d), Rd(r)),
            (true, Src::Reg(r)) => asm!(self.masm; cmp Rq(d), Rq(r)),
            (false, Src::Mem(m)) => asm!(self.masm; cmp Rd(d), DWORD [rbp + m]),
            (true, Src::Mem(m)) => asm!(self.masm; cmp Rq(d), QWORD [rbp + m]),
        }
        self.release_src(b, s);
        if owned {
            self.release(ra);
        }
        self.push(ValType::I32, Loc::Flags(cond));
        Ok(())
    }

    fn eqz(&mut self, ty: ValType) -> Result<(), CompileError> {
        let o = self.pop();
        match o.loc {
            Loc::Const(bits) => {
                let z = if is_64(ty) {
                    bits == 0
                } else {
                    bits as u32 == 0
                };
                self.push_const(ValType::I32, z as u64);
            }
            Loc::Flags(c) => self.push(ValType::I32, Loc::Flags(c.invert())),
            _ => {
                let (r, owned) = self.read_reg(o);
                if is_64(ty) {
                    asm!(self.masm; test Rq(r.code()), Rq(r.code()));
                } else {
                    asm!(self.masm; test Rd(r.code()), Rd(r.code()));
                }
                if owned {
                    self.release(r);
                }
                self.push(ValType::I32, Loc::Flags(Cond::E));
            }
        }
        Ok(())
    }

    fn shift(&mut self, ty: ValType, op: Shift) -> Result<(), CompileError> {
        let w64 = is_64(ty);
        let mask = if w64 { 63 } else { 31 };
        let b = self.pop();
        let mut a = self.pop();
        let imm = match b.loc {
            Loc::Const(bits) => Some((bits & mask) as i8),
            _ => None,
        };
        if imm.is_none() {
            // The count must be in cl.
            if a.loc == Loc::Reg(RCX) {
                let mut avoid = RegSet(0);
                avoid.insert(RCX);
                let n = self.alloc_class(false, avoid);
                self.masm.mov_rr(n, RCX);
                self.release(RCX);
                a.loc = Loc::Reg(n);
            }
            if b.loc != Loc::Reg(RCX) {
                self.take_fixed(RCX);
                match b.loc {
                    Loc::Reg(r) => {
                        self.masm.mov_rr(RCX, r);
                        self.release(r);
                    }
                    Loc::Slot => self.masm.load(b.ty, RCX, Address::Frame(-b.off)),
                    Loc::Flags(c) => self.masm.setcc(c, RCX),
                    // take_fixed dropped a cache in rcx: resolve now.
                    Loc::Local(l) => self.load_local(l, RCX),
                    Loc::Const(_) => unreachable!(),
                }
            }
        }
        let ra = self.opnd_to_reg(a);
        let d = ra.code();
        match op {
            Shift::Shl => emit_shift!(self, shl, w64, d, imm),
            Shift::ShrS => emit_shift!(self, sar, w64, d, imm),
            Shift::ShrU => emit_shift!(self, shr, w64, d, imm),
            Shift::Rotl => emit_shift!(self, rol, w64, d, imm),
            Shift::Rotr => emit_shift!(self, ror, w64, d, imm),
        }
        if imm.is_none() {
            self.release(RCX);
        }
        self.push_reg(ty, ra);
        Ok(())
    }

    fn divrem(&mut self, ty: ValType, signed: bool, rem: bool) -> Result<(), CompileError> {
        let w64 = is_64(ty);
        let b = self.pop();
        let a = self.pop();
        let bconst = match b.loc {
            Loc::Const(bits) => Some(if w64 { bits } else { bits as u32 as u64 }),
            _ => None,
        };
        let mut avoid = RegSet(0);
        avoid.insert(RAX);
        avoid.insert(RDX);
        // Divisor: any register but rax/rdx.
        let rb = match b.loc {
            Loc::Reg(r) if !avoid.contains(r) => r,
            _ => {
                // Keep rax/rdx (possibly owned by `a`) out of the choice.
                let n = self.alloc_class(false, avoid);
                match b.loc {
                    Loc::Reg(r) => {
                        self.masm.mov_rr(n, r);
                        self.release(r);
                    }
                    Loc::Const(bits) => self.masm.load_const(ty, n, bits),
                    Loc::Slot => self.masm.load(ty, n, Address::Frame(-b.off)),
                    Loc::Flags(c) => self.masm.setcc(c, n),
                    Loc::Local(l) => self.load_local(l, n),
                }
                n
            }
        };
        // Dividend into rax.
        if a.loc != Loc::Reg(RAX) {
            if a.loc == Loc::Reg(RDX) {
                // rax may hold a stack entry: move that away first.
                self.take_fixed(RAX);
                self.masm.mov_rr(RAX, RDX);
                self.release(RDX);
            } else {
                self.take_fixed(RAX);
                match a.loc {
                    Loc::Reg(r) => {
                        self.masm.mov_rr(RAX, r);
                        self.release(r);
                    }
                    Loc::Const(bits) => self.masm.load_const(ty, RAX, bits),
                    Loc::Slot => self.masm.load(ty, RAX, Address::Frame(-a.off)),
                    Loc::Flags(c) => self.masm.setcc(c, RAX),
                    Loc::Local(l) => self.load_local(l, RAX),
                }
            }
        }
        self.take_fixed(RDX);
        let bc = rb.code();
        let zero_check = bconst.is_none_or(|c| c == 0);
        let minus_one = if w64 { u64::MAX } else { u32::MAX as u64 };
        let may_be_minus_one = bconst.is_none_or(|c| c == minus_one);
        if zero_check {
            let l = self.trap_label(TrapCode::IntegerDivisionByZero);
            if w64 {
                asm!(self.masm; test Rq(bc), Rq(bc));
            } else {
                asm!(self.masm; test Rd(bc), Rd(bc));
            }
            self.masm.jcc(Cond::E, l);
        }
        let done = self.masm.new_label();
        if signed && may_be_minus_one {
            let normal = self.masm.new_label();
            if w64 {
                asm!(self.masm; cmp Rq(bc), -1);
            } else {
                asm!(self.masm; cmp Rd(bc), -1);
            }
            self.masm.jcc(Cond::NE, normal);
            if rem {
                // x rem -1 = 0 (and INT_MIN rem -1 must not fault).
                asm!(self.masm; xor edx, edx);
                self.masm.jmp(done);
            } else {
                let l = self.trap_label(TrapCode::IntegerOverflow);
                if w64 {
                    asm!(self.masm
                        ; mov r11, QWORD i64::MIN
                        ; cmp rax, r11
                    );
                } else {
                    asm!(self.masm; cmp eax, i32::MIN);
                }
                self.masm.jcc(Cond::E, l);
            }
            self.masm.bind(normal);
        }
        match (signed, w64) {
            (true, false) => asm!(self.masm; cdq; idiv Rd(bc)),
            (true, true) => asm!(self.masm; cqo; idiv Rq(bc)),
            (false, false) => asm!(self.masm; xor edx, edx; div Rd(bc)),
            (false, true) => asm!(self.masm; xor edx, edx; div Rq(bc)),
        }
        self.masm.bind(done);
        self.release(rb);
        let (keep, other) = if rem { (RDX, RAX) } else { (RAX, RDX) };
        self.release(other);
        self.push_reg(ty, keep);
        Ok(())
    }

    fn count(&mut self, ty: ValType, which: u8) -> Result<(), CompileError> {
        let w64 = is_64(ty);
        let bits = if w64 { 64 } else { 32 };
        let r = self.pop_reg();
        let d = r.code();
        let cpu = self.env.cpu;
        match which {
            // clz
            0 => {
                if cpu.lzcnt {
                    if w64 {
                        asm!(self.masm; lzcnt Rq(d), Rq(d));
                    } else {
                        asm!(self.masm; lzcnt Rd(d), Rd(d));
                    }
                } else if w64 {
                    asm!(self.masm
                        ; mov r10d, 127
                        ; bsr r11, Rq(d)
                        ; cmovz r11, r10
                        ; xor r11d, 63
                        ; mov Rd(d), r11d
                    );
                } else {
                    asm!(self.masm
                        ; mov r10d, 63
                        ; bsr r11d, Rd(d)
                        ; cmovz r11d, r10d
                        ; xor r11d, 31
                        ; mov Rd(d), r11d
                    );
                }
            }
            // ctz
            1 => {
                if cpu.bmi1 {
                    if w64 {
                        asm!(self.masm; tzcnt Rq(d), Rq(d));
                    } else {
                        asm!(self.masm; tzcnt Rd(d), Rd(d));
                    }
                } else if w64 {
                    asm!(self.masm
                        ; mov r10d, bits
                        ; bsf r11, Rq(d)
                        ; cmovz r11, r10
                        ; mov Rq(d), r11
                    );
                } else {
                    asm!(self.masm
                        ; mov r10d, bits
                        ; bsf r11d, Rd(d)
                        ; cmovz r11d, r10d
                        ; mov Rd(d), r11d
                    );
                }
            }
            // popcnt
            _ => {
                if !cpu.popcnt {
                    self.popcnt_fallback(d, w64);
                } else if w64 {
                    asm!(self.masm; popcnt Rq(d), Rq(d));
                } else {
                    asm!(self.masm; popcnt Rd(d), Rd(d));
                }
            }
        }
        self.push_reg(ty, r);
        Ok(())
    }

    /// Population count without POPCNT: the classic SWAR reduction.
    fn popcnt_fallback(&mut self, d: u8, w64: bool) {
        if w64 {
            asm!(self.masm
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
            asm!(self.masm
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

    /// Sign extension of the low `from` bits (8, 16 or 32).
    fn extend_s(&mut self, ty: ValType, from: u8) -> Result<(), CompileError> {
        let r = self.pop_reg();
        let d = r.code();
        match (is_64(ty), from) {
            (false, 8) => asm!(self.masm; movsx Rd(d), Rb(d)),
            (false, _) => asm!(self.masm; movsx Rd(d), Rw(d)),
            (true, 8) => asm!(self.masm; movsx Rq(d), Rb(d)),
            (true, 16) => asm!(self.masm; movsx Rq(d), Rw(d)),
            (true, _) => asm!(self.masm; movsxd Rq(d), Rd(d)),
        }
        self.push_reg(ty, r);
        Ok(())
    }
}

macro_rules! int_ops {
    ($($visit:ident => $method:ident($($arg:expr),*);)*) => {
        impl<'m> CodeGen<'m> {
            $(
                pub fn $visit(&mut self) -> Result<(), CompileError> {
                    self.$method($($arg),*)
                }
            )*
        }
    };
}

use ValType::{I32, I64};

int_ops! {
    visit_i32_add => alu(I32, Alu::Add);
    visit_i32_sub => alu(I32, Alu::Sub);
    visit_i32_mul => alu(I32, Alu::Mul);
    visit_i32_and => alu(I32, Alu::And);
    visit_i32_or => alu(I32, Alu::Or);
    visit_i32_xor => alu(I32, Alu::Xor);
    visit_i64_add => alu(I64, Alu::Add);
    visit_i64_sub => alu(I64, Alu::Sub);
    visit_i64_mul => alu(I64, Alu::Mul);
    visit_i64_and => alu(I64, Alu::And);
    visit_i64_or => alu(I64, Alu::Or);
    visit_i64_xor => alu(I64, Alu::Xor);
    visit_i32_shl => shift(I32, Shift::Shl);
    visit_i32_shr_s => shift(I32, Shift::ShrS);
    visit_i32_shr_u => shift(I32, Shift::ShrU);
    visit_i32_rotl => shift(I32, Shift::Rotl);
    visit_i32_rotr => shift(I32, Shift::Rotr);
    visit_i64_shl => shift(I64, Shift::Shl);
    visit_i64_shr_s => shift(I64, Shift::ShrS);
    visit_i64_shr_u => shift(I64, Shift::ShrU);
    visit_i64_rotl => shift(I64, Shift::Rotl);
    visit_i64_rotr => shift(I64, Shift::Rotr);
    visit_i32_div_s => divrem(I32, true, false);
    visit_i32_div_u => divrem(I32, false, false);
    visit_i32_rem_s => divrem(I32, true, true);
    visit_i32_rem_u => divrem(I32, false, true);
    visit_i64_div_s => divrem(I64, true, false);
    visit_i64_div_u => divrem(I64, false, false);
    visit_i64_rem_s => divrem(I64, true, true);
    visit_i64_rem_u => divrem(I64, false, true);
    visit_i32_eqz => eqz(I32);
    visit_i64_eqz => eqz(I64);
    visit_i32_eq => compare(I32, Cond::E);
    visit_i32_ne => compare(I32, Cond::NE);
    visit_i32_lt_s => compare(I32, Cond::L);
    visit_i32_lt_u => compare(I32, Cond::B);
    visit_i32_gt_s => compare(I32, Cond::G);
    visit_i32_gt_u => compare(I32, Cond::A);
    visit_i32_le_s => compare(I32, Cond::LE);
    visit_i32_le_u => compare(I32, Cond::BE);
    visit_i32_ge_s => compare(I32, Cond::GE);
    visit_i32_ge_u => compare(I32, Cond::AE);
    visit_i64_eq => compare(I64, Cond::E);
    visit_i64_ne => compare(I64, Cond::NE);
    visit_i64_lt_s => compare(I64, Cond::L);
    visit_i64_lt_u => compare(I64, Cond::B);
    visit_i64_gt_s => compare(I64, Cond::G);
    visit_i64_gt_u => compare(I64, Cond::A);
    visit_i64_le_s => compare(I64, Cond::LE);
    visit_i64_le_u => compare(I64, Cond::BE);
    visit_i64_ge_s => compare(I64, Cond::GE);
    visit_i64_ge_u => compare(I64, Cond::AE);
    visit_i32_clz => count(I32, 0);
    visit_i32_ctz => count(I32, 1);
    visit_i32_popcnt => count(I32, 2);
    visit_i64_clz => count(I64, 0);
    visit_i64_ctz => count(I64, 1);
    visit_i64_popcnt => count(I64, 2);
    visit_i32_extend8_s => extend_s(I32, 8);
    visit_i32_extend16_s => extend_s(I32, 16);
    visit_i64_extend8_s => extend_s(I64, 8);
    visit_i64_extend16_s => extend_s(I64, 16);
    visit_i64_extend32_s => extend_s(I64, 32);
}
