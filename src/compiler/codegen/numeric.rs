//! Numeric operators, generic side: pop the operands, fold constants, choose
//! and allocate registers (honouring the ISA's fixed-register constraints
//! declared in `isa::regs`), then ask the macro assembler for the
//! instruction with resolved operands (`Masm::int_alu`, `float_arith`, ...)
//! and push the result.
//!
//! Integer and float operators and the conversions between them live here;
//! SIMD, with the same split, in `simd.rs`.

use super::stack::Loc;
use super::CodeGen;
use crate::compiler::inst::{
    FloatArith, FloatBin, FloatCmp, FloatUn, IntAlu, IntCmp, IntCount, IntShift,
};
use crate::compiler::isa::masm::{Masm, Operand};
use crate::compiler::isa::regs::{self, RegSet};
use crate::module::{CompileError, ValType};
use crate::vm::TrapCode;

/// Whether integer operations on `ty` are 64-bit.
fn is_64(ty: ValType) -> bool {
    ty != ValType::I32
}

impl<'m> CodeGen<'m> {
    fn int_alu(&mut self, ty: ValType, op: IntAlu) -> Result<(), CompileError> {
        let w64 = is_64(ty);
        let b = self.pop();
        let a = self.pop();
        if let (Loc::Const(x), Loc::Const(y)) = (a.loc, b.loc) {
            self.push_const(ty, op.fold(w64, x, y));
            return Ok(());
        }
        // Commutative: compute into the operand that owns a register (or
        // is not a constant), so that the other can be an immediate, a
        // local's register or a slot.
        let swap = op.commutative()
            && (matches!(a.loc, Loc::Const(_))
                || (!matches!(a.loc, Loc::Reg(_)) && matches!(b.loc, Loc::Reg(_))));
        let (a, b) = if swap { (b, a) } else { (a, b) };
        let ra = self.opnd_to_reg(a);
        let (s, owned) = self.operand(b);
        self.masm.int_alu(op, w64, ra, s);
        if let Some(r) = owned {
            self.release(r);
        }
        self.push_reg(ty, ra);
        Ok(())
    }

    /// A compare whose result stays in the flags.
    fn int_cmp(&mut self, ty: ValType, cmp: IntCmp) -> Result<(), CompileError> {
        let w64 = is_64(ty);
        let b = self.pop();
        let a = self.pop();
        if let (Loc::Const(x), Loc::Const(y)) = (a.loc, b.loc) {
            self.push_const(ValType::I32, cmp.fold(w64, x, y) as u64);
            return Ok(());
        }
        let (a, b, cmp) = if matches!(a.loc, Loc::Const(_)) {
            (b, a, cmp.swap())
        } else {
            (a, b, cmp)
        };
        // A compare only reads its first operand: a local's register will do.
        let (ra, owned_a) = self.read_reg(a);
        let (s, owned_b) = self.operand(b);
        let c = self.masm.int_cmp(w64, ra, s, cmp);
        if let Some(r) = owned_b {
            self.release(r);
        }
        if owned_a {
            self.release(ra);
        }
        self.push(ValType::I32, Loc::Flags(c));
        Ok(())
    }

    fn int_eqz(&mut self, ty: ValType) -> Result<(), CompileError> {
        let o = self.pop();
        // Per location: a constant folds, pending flags invert; the rest
        // is tested in a register (`read_reg`).
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
                let nonzero = self.masm.test_nonzero(ty, r);
                if owned {
                    self.release(r);
                }
                self.push(ValType::I32, Loc::Flags(nonzero.invert()));
            }
        }
        Ok(())
    }

    fn int_shift(&mut self, ty: ValType, op: IntShift) -> Result<(), CompileError> {
        let w64 = is_64(ty);
        let mask = if w64 { 63 } else { 31 };
        let b = self.pop();
        let mut a = self.pop();
        // Per location: a constant count is an immediate; any other goes
        // into the ISA's count register if it has one.
        let count = match (b.loc, regs::SHIFT_COUNT) {
            (Loc::Const(bits), _) => Operand::Const(bits & mask),
            (_, Some(rc)) => {
                // The count must be in the ISA's count register.
                if a.loc == Loc::Reg(rc) {
                    let mut avoid = RegSet(0);
                    avoid.insert(rc);
                    let n = self.alloc_class(false, avoid);
                    self.masm.mov_rr(n, rc);
                    self.release(rc);
                    a.loc = Loc::Reg(n);
                }
                if b.loc != Loc::Reg(rc) {
                    // (take_fixed may drop a local's cache in it: resolve after.)
                    self.take_fixed(rc);
                    self.opnd_into(b, rc);
                }
                Operand::Reg(rc)
            }
            (_, None) => Operand::Reg(self.opnd_to_reg(b)),
        };
        let ra = self.opnd_to_reg(a);
        self.masm.int_shift(op, w64, ra, count);
        if let Operand::Reg(r) = count {
            self.release(r);
        }
        self.push_reg(ty, ra);
        Ok(())
    }

    fn int_divrem(&mut self, ty: ValType, signed: bool, rem: bool) -> Result<(), CompileError> {
        let (quot, remr) = (regs::DIV_QUOTIENT, regs::DIV_REMAINDER);
        let w64 = is_64(ty);
        let b = self.pop();
        let a = self.pop();
        // A constant divisor drops the checks it cannot fail.
        let bconst = match b.loc {
            Loc::Const(bits) => Some(if w64 { bits } else { bits as u32 as u64 }),
            _ => None,
        };
        let mut avoid = RegSet(0);
        avoid.insert(quot);
        avoid.insert(remr);
        // Divisor: any register but the fixed ones.
        let rb = match b.loc {
            Loc::Reg(r) if !avoid.contains(r) => r,
            _ => {
                // Keep the fixed registers (possibly owned by `a`) out of the choice.
                let n = self.alloc_class(false, avoid);
                self.opnd_into(b, n);
                n
            }
        };
        // Dividend into the quotient register (a stack entry there moves
        // away first).
        if a.loc != Loc::Reg(quot) {
            self.take_fixed(quot);
            self.opnd_into(a, quot);
        }
        self.take_fixed(remr);
        let minus_one = if w64 { u64::MAX } else { u32::MAX as u64 };
        let by_zero = bconst
            .is_none_or(|c| c == 0)
            .then(|| self.trap_label(TrapCode::IntegerDivisionByZero));
        let check_minus_one = signed && bconst.is_none_or(|c| c == minus_one);
        let overflow =
            (check_minus_one && !rem).then(|| self.trap_label(TrapCode::IntegerOverflow));
        self.masm
            .int_divrem(w64, signed, rem, rb, by_zero, check_minus_one, overflow);
        self.release(rb);
        let (keep, other) = if rem { (remr, quot) } else { (quot, remr) };
        self.release(other);
        self.push_reg(ty, keep);
        Ok(())
    }

    fn int_count(&mut self, ty: ValType, which: IntCount) -> Result<(), CompileError> {
        let r = self.pop_reg();
        self.masm.int_count(which, is_64(ty), r);
        self.push_reg(ty, r);
        Ok(())
    }

    /// Sign extension of the low `from` bits (8, 16 or 32).
    fn int_extend_s(&mut self, ty: ValType, from: u8) -> Result<(), CompileError> {
        let r = self.pop_reg();
        self.masm.sign_extend(is_64(ty), from, r);
        self.push_reg(ty, r);
        Ok(())
    }

    fn float_arith(&mut self, ty: ValType, op: FloatArith) -> Result<(), CompileError> {
        let f64 = ty == ValType::F64;
        let b = self.pop();
        let a = self.pop();
        // add and mul commute (up to which NaN comes out, which wasm leaves
        // open): compute into an operand that already owns a register.
        let swap = matches!(op, FloatArith::Add | FloatArith::Mul)
            && !matches!(a.loc, Loc::Reg(_))
            && matches!(b.loc, Loc::Reg(_));
        let (a, b) = if swap { (b, a) } else { (a, b) };
        let ra = self.opnd_to_reg(a);
        let (s, owned) = self.operand(b);
        self.masm.float_arith(op, f64, ra, s);
        if let Some(r) = owned {
            self.release(r);
        }
        self.push_reg(ty, ra);
        Ok(())
    }

    fn float_bin(&mut self, ty: ValType, op: FloatBin) -> Result<(), CompileError> {
        let b = self.pop();
        let a = self.pop();
        let ra = self.opnd_to_reg(a);
        let rb = self.opnd_to_reg(b);
        self.masm.float_bin(op, ty == ValType::F64, ra, rb);
        self.release(rb);
        self.push_reg(ty, ra);
        Ok(())
    }

    fn float_unary(&mut self, ty: ValType, op: FloatUn) -> Result<(), CompileError> {
        if op.is_rounding() {
            self.masm
                .can_round_floats()
                .map_err(|why| self.unsupported(why))?;
        }
        let r = self.pop_reg();
        self.masm.float_unary(op, ty == ValType::F64, r);
        self.push_reg(ty, r);
        Ok(())
    }

    fn float_cmp(&mut self, ty: ValType, op: FloatCmp) -> Result<(), CompileError> {
        let b = self.pop();
        let a = self.pop();
        let (x, y) = if Masm::float_cmp_swaps(op) {
            (b, a)
        } else {
            (a, b)
        };
        let (rx, owned_x) = self.read_reg(x);
        let (s, owned_y) = self.operand(y);
        let c = self.masm.float_cmp(op, ty == ValType::F64, rx, s);
        if let Some(r) = owned_y {
            self.release(r);
        }
        if owned_x {
            self.release(rx);
        }
        match c {
            Some(c) => self.push(ValType::I32, Loc::Flags(c)),
            None => {
                // (Allocating may spill, which leaves the flags alone.)
                let r = self.alloc(ValType::I32);
                self.masm.float_cmp_result(op, r);
                self.push_reg(ValType::I32, r);
            }
        }
        Ok(())
    }
}

/// Conversions.
impl<'m> CodeGen<'m> {
    /// i32.wrap_i64 / i64.extend_i32_u: the low 32 bits, zero-extended.
    fn zext32(&mut self, to: ValType) -> Result<(), CompileError> {
        let o = self.pop();
        if let Loc::Const(bits) = o.loc {
            self.push_const(to, bits as u32 as u64);
            return Ok(());
        }
        let r = self.opnd_to_reg(o);
        self.masm.zero_extend_32(r);
        self.push_reg(to, r);
        Ok(())
    }

    fn extend_i32_s(&mut self) -> Result<(), CompileError> {
        let o = self.pop();
        if let Loc::Const(bits) = o.loc {
            self.push_const(ValType::I64, bits as u32 as i32 as i64 as u64);
            return Ok(());
        }
        let r = self.opnd_to_reg(o);
        self.masm.sign_extend(true, 32, r);
        self.push_reg(ValType::I64, r);
        Ok(())
    }

    /// Same bits, other type.
    fn reinterpret(&mut self, to: ValType) -> Result<(), CompileError> {
        let o = self.pop();
        // Per location: a constant keeps its bits, a slot is loaded as the
        // new type; a register needs a move between register classes.
        match o.loc {
            Loc::Const(bits) => self.push_const(to, bits),
            Loc::Slot => {
                // The slot holds the raw bits: load them as the new type.
                let mut o = o;
                o.ty = to;
                let r = self.opnd_to_reg(o);
                self.push_reg(to, r);
            }
            _ => {
                let src = self.opnd_to_reg(o);
                let dst = self.alloc(to);
                self.masm.reinterpret(to, dst, src);
                self.release(src);
                self.push_reg(to, dst);
            }
        }
        Ok(())
    }

    /// int → float. `src64`: the source is i64; `signed`.
    fn convert(&mut self, to: ValType, src64: bool, signed: bool) -> Result<(), CompileError> {
        let src = self.pop_reg();
        let dst = self.alloc(to);
        self.masm
            .int_to_float(to == ValType::F64, src64, signed, dst, src);
        self.release(src);
        self.push_reg(to, dst);
        Ok(())
    }

    fn demote_promote(&mut self, to: ValType) -> Result<(), CompileError> {
        let r = self.pop_reg();
        self.masm.float_demote_promote(to, r);
        self.push_reg(to, r);
        Ok(())
    }

    /// float → int, trapping (`sat == false`) or saturating.
    fn trunc(
        &mut self,
        from: ValType,
        to: ValType,
        signed: bool,
        sat: bool,
    ) -> Result<(), CompileError> {
        let x = self.pop_reg();
        let dst = self.alloc(to);
        let traps = (!sat).then(|| {
            let nan = self.trap_label(TrapCode::BadConversionToInteger);
            let ovf = self.trap_label(TrapCode::IntegerOverflow);
            (nan, ovf)
        });
        self.masm.float_to_int(from, to, signed, x, dst, traps);
        self.release(x);
        self.push_reg(to, dst);
        Ok(())
    }
}

macro_rules! numeric_ops {
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

use ValType::{F32, F64, I32, I64};

numeric_ops! {
    visit_i32_add => int_alu(I32, IntAlu::Add);
    visit_i32_sub => int_alu(I32, IntAlu::Sub);
    visit_i32_mul => int_alu(I32, IntAlu::Mul);
    visit_i32_and => int_alu(I32, IntAlu::And);
    visit_i32_or => int_alu(I32, IntAlu::Or);
    visit_i32_xor => int_alu(I32, IntAlu::Xor);
    visit_i64_add => int_alu(I64, IntAlu::Add);
    visit_i64_sub => int_alu(I64, IntAlu::Sub);
    visit_i64_mul => int_alu(I64, IntAlu::Mul);
    visit_i64_and => int_alu(I64, IntAlu::And);
    visit_i64_or => int_alu(I64, IntAlu::Or);
    visit_i64_xor => int_alu(I64, IntAlu::Xor);
    visit_i32_shl => int_shift(I32, IntShift::Shl);
    visit_i32_shr_s => int_shift(I32, IntShift::ShrS);
    visit_i32_shr_u => int_shift(I32, IntShift::ShrU);
    visit_i32_rotl => int_shift(I32, IntShift::Rotl);
    visit_i32_rotr => int_shift(I32, IntShift::Rotr);
    visit_i64_shl => int_shift(I64, IntShift::Shl);
    visit_i64_shr_s => int_shift(I64, IntShift::ShrS);
    visit_i64_shr_u => int_shift(I64, IntShift::ShrU);
    visit_i64_rotl => int_shift(I64, IntShift::Rotl);
    visit_i64_rotr => int_shift(I64, IntShift::Rotr);
    visit_i32_div_s => int_divrem(I32, true, false);
    visit_i32_div_u => int_divrem(I32, false, false);
    visit_i32_rem_s => int_divrem(I32, true, true);
    visit_i32_rem_u => int_divrem(I32, false, true);
    visit_i64_div_s => int_divrem(I64, true, false);
    visit_i64_div_u => int_divrem(I64, false, false);
    visit_i64_rem_s => int_divrem(I64, true, true);
    visit_i64_rem_u => int_divrem(I64, false, true);
    visit_i32_eqz => int_eqz(I32);
    visit_i64_eqz => int_eqz(I64);
    visit_i32_eq => int_cmp(I32, IntCmp::Eq);
    visit_i32_ne => int_cmp(I32, IntCmp::Ne);
    visit_i32_lt_s => int_cmp(I32, IntCmp::LtS);
    visit_i32_lt_u => int_cmp(I32, IntCmp::LtU);
    visit_i32_gt_s => int_cmp(I32, IntCmp::GtS);
    visit_i32_gt_u => int_cmp(I32, IntCmp::GtU);
    visit_i32_le_s => int_cmp(I32, IntCmp::LeS);
    visit_i32_le_u => int_cmp(I32, IntCmp::LeU);
    visit_i32_ge_s => int_cmp(I32, IntCmp::GeS);
    visit_i32_ge_u => int_cmp(I32, IntCmp::GeU);
    visit_i64_eq => int_cmp(I64, IntCmp::Eq);
    visit_i64_ne => int_cmp(I64, IntCmp::Ne);
    visit_i64_lt_s => int_cmp(I64, IntCmp::LtS);
    visit_i64_lt_u => int_cmp(I64, IntCmp::LtU);
    visit_i64_gt_s => int_cmp(I64, IntCmp::GtS);
    visit_i64_gt_u => int_cmp(I64, IntCmp::GtU);
    visit_i64_le_s => int_cmp(I64, IntCmp::LeS);
    visit_i64_le_u => int_cmp(I64, IntCmp::LeU);
    visit_i64_ge_s => int_cmp(I64, IntCmp::GeS);
    visit_i64_ge_u => int_cmp(I64, IntCmp::GeU);
    visit_i32_clz => int_count(I32, IntCount::Clz);
    visit_i32_ctz => int_count(I32, IntCount::Ctz);
    visit_i32_popcnt => int_count(I32, IntCount::Popcnt);
    visit_i64_clz => int_count(I64, IntCount::Clz);
    visit_i64_ctz => int_count(I64, IntCount::Ctz);
    visit_i64_popcnt => int_count(I64, IntCount::Popcnt);
    visit_i32_extend8_s => int_extend_s(I32, 8);
    visit_i32_extend16_s => int_extend_s(I32, 16);
    visit_i64_extend8_s => int_extend_s(I64, 8);
    visit_i64_extend16_s => int_extend_s(I64, 16);
    visit_i64_extend32_s => int_extend_s(I64, 32);
    visit_f32_add => float_arith(F32, FloatArith::Add);
    visit_f32_sub => float_arith(F32, FloatArith::Sub);
    visit_f32_mul => float_arith(F32, FloatArith::Mul);
    visit_f32_div => float_arith(F32, FloatArith::Div);
    visit_f32_min => float_bin(F32, FloatBin::Min);
    visit_f32_max => float_bin(F32, FloatBin::Max);
    visit_f32_copysign => float_bin(F32, FloatBin::Copysign);
    visit_f64_add => float_arith(F64, FloatArith::Add);
    visit_f64_sub => float_arith(F64, FloatArith::Sub);
    visit_f64_mul => float_arith(F64, FloatArith::Mul);
    visit_f64_div => float_arith(F64, FloatArith::Div);
    visit_f64_min => float_bin(F64, FloatBin::Min);
    visit_f64_max => float_bin(F64, FloatBin::Max);
    visit_f64_copysign => float_bin(F64, FloatBin::Copysign);
    visit_f32_abs => float_unary(F32, FloatUn::Abs);
    visit_f32_neg => float_unary(F32, FloatUn::Neg);
    visit_f32_sqrt => float_unary(F32, FloatUn::Sqrt);
    visit_f32_ceil => float_unary(F32, FloatUn::Ceil);
    visit_f32_floor => float_unary(F32, FloatUn::Floor);
    visit_f32_trunc => float_unary(F32, FloatUn::Trunc);
    visit_f32_nearest => float_unary(F32, FloatUn::Nearest);
    visit_f64_abs => float_unary(F64, FloatUn::Abs);
    visit_f64_neg => float_unary(F64, FloatUn::Neg);
    visit_f64_sqrt => float_unary(F64, FloatUn::Sqrt);
    visit_f64_ceil => float_unary(F64, FloatUn::Ceil);
    visit_f64_floor => float_unary(F64, FloatUn::Floor);
    visit_f64_trunc => float_unary(F64, FloatUn::Trunc);
    visit_f64_nearest => float_unary(F64, FloatUn::Nearest);
    visit_f32_eq => float_cmp(F32, FloatCmp::Eq);
    visit_f32_ne => float_cmp(F32, FloatCmp::Ne);
    visit_f32_lt => float_cmp(F32, FloatCmp::Lt);
    visit_f32_gt => float_cmp(F32, FloatCmp::Gt);
    visit_f32_le => float_cmp(F32, FloatCmp::Le);
    visit_f32_ge => float_cmp(F32, FloatCmp::Ge);
    visit_f64_eq => float_cmp(F64, FloatCmp::Eq);
    visit_f64_ne => float_cmp(F64, FloatCmp::Ne);
    visit_f64_lt => float_cmp(F64, FloatCmp::Lt);
    visit_f64_gt => float_cmp(F64, FloatCmp::Gt);
    visit_f64_le => float_cmp(F64, FloatCmp::Le);
    visit_f64_ge => float_cmp(F64, FloatCmp::Ge);
    visit_i32_wrap_i64 => zext32(I32);
    visit_i64_extend_i32_u => zext32(I64);
    visit_i64_extend_i32_s => extend_i32_s();
    visit_i32_reinterpret_f32 => reinterpret(I32);
    visit_i64_reinterpret_f64 => reinterpret(I64);
    visit_f32_reinterpret_i32 => reinterpret(F32);
    visit_f64_reinterpret_i64 => reinterpret(F64);
    visit_f32_convert_i32_s => convert(F32, false, true);
    visit_f32_convert_i32_u => convert(F32, false, false);
    visit_f32_convert_i64_s => convert(F32, true, true);
    visit_f32_convert_i64_u => convert(F32, true, false);
    visit_f64_convert_i32_s => convert(F64, false, true);
    visit_f64_convert_i32_u => convert(F64, false, false);
    visit_f64_convert_i64_s => convert(F64, true, true);
    visit_f64_convert_i64_u => convert(F64, true, false);
    visit_f32_demote_f64 => demote_promote(F32);
    visit_f64_promote_f32 => demote_promote(F64);
    visit_i32_trunc_f32_s => trunc(F32, I32, true, false);
    visit_i32_trunc_f32_u => trunc(F32, I32, false, false);
    visit_i32_trunc_f64_s => trunc(F64, I32, true, false);
    visit_i32_trunc_f64_u => trunc(F64, I32, false, false);
    visit_i64_trunc_f32_s => trunc(F32, I64, true, false);
    visit_i64_trunc_f32_u => trunc(F32, I64, false, false);
    visit_i64_trunc_f64_s => trunc(F64, I64, true, false);
    visit_i64_trunc_f64_u => trunc(F64, I64, false, false);
    visit_i32_trunc_sat_f32_s => trunc(F32, I32, true, true);
    visit_i32_trunc_sat_f32_u => trunc(F32, I32, false, true);
    visit_i32_trunc_sat_f64_s => trunc(F64, I32, true, true);
    visit_i32_trunc_sat_f64_u => trunc(F64, I32, false, true);
    visit_i64_trunc_sat_f32_s => trunc(F32, I64, true, true);
    visit_i64_trunc_sat_f32_u => trunc(F32, I64, false, true);
    visit_i64_trunc_sat_f64_s => trunc(F64, I64, true, true);
    visit_i64_trunc_sat_f64_u => trunc(F64, I64, false, true);
}
