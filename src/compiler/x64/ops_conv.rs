//! Conversions between number types: wrap/extend, float ↔ int (trapping
//! and saturating), demote/promote, reinterpret.

use dynasmrt::DynasmApi;

use super::masm::{asm, Cond};
use super::regs::XSCRATCH;
use crate::compiler::codegen::{CodeGen, Loc};
use crate::module::{CompileError, ValType};
use crate::vm::TrapCode;

impl<'m> CodeGen<'m> {
    /// i32.wrap_i64 / i64.extend_i32_u: a 32-bit move zero-extends.
    fn zext32(&mut self, to: ValType) -> Result<(), CompileError> {
        let o = self.pop();
        if let Loc::Const(bits) = o.loc {
            self.push_const(to, bits as u32 as u64);
            return Ok(());
        }
        let r = self.opnd_to_reg(o);
        asm!(self.masm; mov Rd(r.code()), Rd(r.code()));
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
        asm!(self.masm; movsxd Rq(r.code()), Rd(r.code()));
        self.push_reg(ValType::I64, r);
        Ok(())
    }

    /// Same bits, other type.
    fn reinterpret(&mut self, to: ValType) -> Result<(), CompileError> {
        let o = self.pop();
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
                let (d, s) = (dst.code(), src.code());
                match to {
                    ValType::I32 => asm!(self.masm; movd Rd(d), Rx(s)),
                    ValType::I64 => asm!(self.masm; movq Rq(d), Rx(s)),
                    ValType::F32 => asm!(self.masm; movd Rx(d), Rd(s)),
                    _ => asm!(self.masm; movq Rx(d), Rq(s)),
                }
                self.release(src);
                self.push_reg(to, dst);
            }
        }
        Ok(())
    }

    /// int → float. `src64`: the source is i64; `signed`.
    fn convert(&mut self, to: ValType, src64: bool, signed: bool) -> Result<(), CompileError> {
        let f64 = to == ValType::F64;
        let src = self.pop_reg();
        let dst = self.alloc(to);
        let (d, s) = (dst.code(), src.code());
        asm!(self.masm; xorps Rx(d), Rx(d));
        match (src64, signed) {
            (false, true) => {
                if f64 {
                    asm!(self.masm; cvtsi2sd Rx(d), Rd(s));
                } else {
                    asm!(self.masm; cvtsi2ss Rx(d), Rd(s));
                }
            }
            // A zero-extended u32 is a non-negative i64.
            (false, false) | (true, true) => {
                if f64 {
                    asm!(self.masm; cvtsi2sd Rx(d), Rq(s));
                } else {
                    asm!(self.masm; cvtsi2ss Rx(d), Rq(s));
                }
            }
            (true, false) => {
                // u64 ≥ 2^63: halve with the lost bit kept sticky, convert,
                // double — rounds exactly like a direct conversion.
                let (big, done) = (self.masm.new_label(), self.masm.new_label());
                asm!(self.masm; test Rq(s), Rq(s));
                self.masm.jcc(Cond::S, big);
                if f64 {
                    asm!(self.masm; cvtsi2sd Rx(d), Rq(s));
                } else {
                    asm!(self.masm; cvtsi2ss Rx(d), Rq(s));
                }
                self.masm.jmp(done);
                self.masm.bind(big);
                asm!(self.masm
                    ; mov r11, Rq(s)
                    ; shr r11, 1
                    ; mov r10d, Rd(s)
                    ; and r10d, 1
                    ; or r11, r10
                );
                if f64 {
                    asm!(self.masm; cvtsi2sd Rx(d), r11; addsd Rx(d), Rx(d));
                } else {
                    asm!(self.masm; cvtsi2ss Rx(d), r11; addss Rx(d), Rx(d));
                }
                self.masm.bind(done);
            }
        }
        self.release(src);
        self.push_reg(to, dst);
        Ok(())
    }

    fn demote_promote(&mut self, to: ValType) -> Result<(), CompileError> {
        let r = self.pop_reg();
        let d = r.code();
        if to == ValType::F32 {
            asm!(self.masm; cvtsd2ss Rx(d), Rx(d));
        } else {
            asm!(self.masm; cvtss2sd Rx(d), Rx(d));
        }
        self.push_reg(to, r);
        Ok(())
    }

    /// Compares the float in `x` with the constant `c` (ucomis x, c).
    fn ucomi_const(&mut self, f64: bool, x: u8, c: f64) {
        let bits = if f64 {
            c.to_bits()
        } else {
            (c as f32).to_bits() as u64
        };
        let ty = if f64 { ValType::F64 } else { ValType::F32 };
        self.masm.load_const(ty, XSCRATCH, bits);
        if f64 {
            asm!(self.masm; ucomisd Rx(x), Rx(XSCRATCH.code()));
        } else {
            asm!(self.masm; ucomiss Rx(x), Rx(XSCRATCH.code()));
        }
    }

    /// float → int, trapping (`sat == false`) or saturating.
    fn trunc(
        &mut self,
        from: ValType,
        to: ValType,
        signed: bool,
        sat: bool,
    ) -> Result<(), CompileError> {
        let f64 = from == ValType::F64;
        let i64 = to == ValType::I64;
        let x = self.pop_reg();
        let dst = self.alloc(to);
        let (xs, d) = (x.code(), dst.code());
        let done = self.masm.new_label();

        // Out-of-range paths: a trap stub, or an inline constant result.
        let (nan_l, low_l, high_l) = if sat {
            (
                self.masm.new_label(),
                self.masm.new_label(),
                self.masm.new_label(),
            )
        } else {
            let nan = self.trap_label(TrapCode::BadConversionToInteger);
            let ovf = self.trap_label(TrapCode::IntegerOverflow);
            (nan, ovf, ovf)
        };

        // NaN.
        if f64 {
            asm!(self.masm; ucomisd Rx(xs), Rx(xs));
        } else {
            asm!(self.masm; ucomiss Rx(xs), Rx(xs));
        }
        self.masm.jcc(Cond::P, nan_l);
        // Lower bound: exclusive bound `lo` (x <= lo fails) or inclusive
        // `lo` (x < lo fails), whichever the source type can represent.
        let (lo, lo_inclusive) = match (signed, i64, f64) {
            (false, _, _) => (-1.0, false),
            (true, false, true) => (-2147483649.0, false),
            (true, false, false) => (-2147483648.0, true),
            (true, true, _) => (-9223372036854775808.0, true),
        };
        self.ucomi_const(f64, xs, lo);
        self.masm
            .jcc(if lo_inclusive { Cond::B } else { Cond::BE }, low_l);
        // Upper bound (exclusive, a power of two: exact in both types).
        let hi = match (signed, i64) {
            (true, false) => 2147483648.0,
            (true, true) => 9223372036854775808.0,
            (false, false) => 4294967296.0,
            (false, true) => 18446744073709551616.0,
        };
        self.ucomi_const(f64, xs, hi);
        self.masm.jcc(Cond::AE, high_l);

        match (signed, i64) {
            (true, false) => {
                if f64 {
                    asm!(self.masm; cvttsd2si Rd(d), Rx(xs));
                } else {
                    asm!(self.masm; cvttss2si Rd(d), Rx(xs));
                }
            }
            (true, true) | (false, false) => {
                // In range for a signed 64-bit conversion; u32 results are
                // then zero-extended.
                if f64 {
                    asm!(self.masm; cvttsd2si Rq(d), Rx(xs));
                } else {
                    asm!(self.masm; cvttss2si Rq(d), Rx(xs));
                }
                if !i64 {
                    asm!(self.masm; mov Rd(d), Rd(d));
                }
            }
            (false, true) => {
                let big = self.masm.new_label();
                self.ucomi_const(f64, xs, 9223372036854775808.0);
                self.masm.jcc(Cond::AE, big);
                if f64 {
                    asm!(self.masm; cvttsd2si Rq(d), Rx(xs));
                } else {
                    asm!(self.masm; cvttss2si Rq(d), Rx(xs));
                }
                self.masm.jmp(done);
                self.masm.bind(big);
                // xmm15 still holds 2^63.
                if f64 {
                    asm!(self.masm
                        ; subsd Rx(xs), Rx(XSCRATCH.code())
                        ; cvttsd2si Rq(d), Rx(xs)
                    );
                } else {
                    asm!(self.masm
                        ; subss Rx(xs), Rx(XSCRATCH.code())
                        ; cvttss2si Rq(d), Rx(xs)
                    );
                }
                asm!(self.masm; btc Rq(d), 63);
            }
        }
        if sat {
            self.masm.jmp(done);
            let (lo_v, hi_v): (u64, u64) = match (signed, i64) {
                (true, false) => (i32::MIN as u32 as u64, i32::MAX as u64),
                (true, true) => (i64::MIN as u64, i64::MAX as u64),
                (false, false) => (0, u32::MAX as u64),
                (false, true) => (0, u64::MAX),
            };
            self.masm.bind(nan_l);
            self.masm.load_const(to, dst, 0);
            self.masm.jmp(done);
            self.masm.bind(low_l);
            self.masm.load_const(to, dst, lo_v);
            self.masm.jmp(done);
            self.masm.bind(high_l);
            self.masm.load_const(to, dst, hi_v);
        }
        self.masm.bind(done);
        self.release(x);
        self.push_reg(to, dst);
        Ok(())
    }
}

macro_rules! conv_ops {
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

conv_ops! {
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
