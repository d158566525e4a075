//! Conversions between number types, x86-64 side: wrap/extend, float ↔
//! int (trapping and saturating), demote/promote, reinterpret, over
//! registers chosen by the generic code (`codegen/numeric.rs`).

use dynasmrt::DynasmApi;

use super::masm::{asm, Cond, Label, Masm};
use super::regs::{Reg, XSCRATCH};
use crate::module::ValType;

impl Masm {
    /// `r` = its low 32 bits, zero-extended (i32.wrap_i64,
    /// i64.extend_i32_u).
    pub fn zero_extend_32(&mut self, r: Reg) {
        asm!(self; mov Rd(r.code()), Rd(r.code()));
    }

    /// `dst` (of type `to`) = the bits of `src` (the other class).
    pub fn reinterpret(&mut self, to: ValType, dst: Reg, src: Reg) {
        let (d, s) = (dst.code(), src.code());
        match to {
            ValType::I32 => asm!(self; movd Rd(d), Rx(s)),
            ValType::I64 => asm!(self; movq Rq(d), Rx(s)),
            ValType::F32 => asm!(self; movd Rx(d), Rd(s)),
            _ => asm!(self; movq Rx(d), Rq(s)),
        }
    }

    /// int → float: `dst` (f64 if `f64`, else f32) = `src` (i64 if `src64`,
    /// else i32; `signed`).
    pub fn int_to_float(&mut self, f64: bool, src64: bool, signed: bool, dst: Reg, src: Reg) {
        let (d, s) = (dst.code(), src.code());
        asm!(self; xorps Rx(d), Rx(d));
        match (src64, signed) {
            (false, true) => {
                if f64 {
                    asm!(self; cvtsi2sd Rx(d), Rd(s));
                } else {
                    asm!(self; cvtsi2ss Rx(d), Rd(s));
                }
            }
            // A zero-extended u32 is a non-negative i64.
            (false, false) | (true, true) => {
                if f64 {
                    asm!(self; cvtsi2sd Rx(d), Rq(s));
                } else {
                    asm!(self; cvtsi2ss Rx(d), Rq(s));
                }
            }
            (true, false) => {
                // u64 ≥ 2^63: halve with the lost bit kept sticky, convert,
                // double — rounds exactly like a direct conversion.
                let (big, done) = (self.new_label(), self.new_label());
                asm!(self; test Rq(s), Rq(s));
                self.branch_if(Cond::S, big);
                if f64 {
                    asm!(self; cvtsi2sd Rx(d), Rq(s));
                } else {
                    asm!(self; cvtsi2ss Rx(d), Rq(s));
                }
                self.jmp(done);
                self.bind(big);
                asm!(self
                    ; mov r11, Rq(s)
                    ; shr r11, 1
                    ; mov r10d, Rd(s)
                    ; and r10d, 1
                    ; or r11, r10
                );
                if f64 {
                    asm!(self; cvtsi2sd Rx(d), r11; addsd Rx(d), Rx(d));
                } else {
                    asm!(self; cvtsi2ss Rx(d), r11; addss Rx(d), Rx(d));
                }
                self.bind(done);
            }
        }
    }

    /// f64 → f32 (`to` F32) or f32 → f64, in place.
    pub fn float_demote_promote(&mut self, to: ValType, r: Reg) {
        let d = r.code();
        if to == ValType::F32 {
            asm!(self; cvtsd2ss Rx(d), Rx(d));
        } else {
            asm!(self; cvtss2sd Rx(d), Rx(d));
        }
    }

    /// Compares the float in `x` with the constant `c` (ucomis x, c).
    fn ucomi_const(&mut self, f64: bool, x: u8, c: f64) {
        let bits = if f64 {
            c.to_bits()
        } else {
            (c as f32).to_bits() as u64
        };
        let ty = if f64 { ValType::F64 } else { ValType::F32 };
        self.load_const(ty, XSCRATCH, bits);
        if f64 {
            asm!(self; ucomisd Rx(x), Rx(XSCRATCH.code()));
        } else {
            asm!(self; ucomiss Rx(x), Rx(XSCRATCH.code()));
        }
    }

    /// float → int: `dst` (of type `to`) = `x` (of type `from`, clobbered)
    /// truncated. With `traps` (NaN, overflow) out-of-range inputs jump
    /// there; without, they saturate.
    pub fn float_to_int(
        &mut self,
        from: ValType,
        to: ValType,
        signed: bool,
        x: Reg,
        dst: Reg,
        traps: Option<(Label, Label)>,
    ) {
        let f64 = from == ValType::F64;
        let i64 = to == ValType::I64;
        let (xs, d) = (x.code(), dst.code());
        let done = self.new_label();

        // Out-of-range paths: a trap stub, or an inline constant result.
        let (nan_l, low_l, high_l) = match traps {
            None => (self.new_label(), self.new_label(), self.new_label()),
            Some((nan, ovf)) => (nan, ovf, ovf),
        };

        // NaN.
        if f64 {
            asm!(self; ucomisd Rx(xs), Rx(xs));
        } else {
            asm!(self; ucomiss Rx(xs), Rx(xs));
        }
        self.branch_if(Cond::P, nan_l);
        // Lower bound: exclusive bound `lo` (x <= lo fails) or inclusive
        // `lo` (x < lo fails), whichever the source type can represent.
        let (lo, lo_inclusive) = match (signed, i64, f64) {
            (false, _, _) => (-1.0, false),
            (true, false, true) => (-2147483649.0, false),
            (true, false, false) => (-2147483648.0, true),
            (true, true, _) => (-9223372036854775808.0, true),
        };
        self.ucomi_const(f64, xs, lo);
        self.branch_if(if lo_inclusive { Cond::B } else { Cond::BE }, low_l);
        // Upper bound (exclusive, a power of two: exact in both types).
        let hi = match (signed, i64) {
            (true, false) => 2147483648.0,
            (true, true) => 9223372036854775808.0,
            (false, false) => 4294967296.0,
            (false, true) => 18446744073709551616.0,
        };
        self.ucomi_const(f64, xs, hi);
        self.branch_if(Cond::AE, high_l);

        match (signed, i64) {
            (true, false) => {
                if f64 {
                    asm!(self; cvttsd2si Rd(d), Rx(xs));
                } else {
                    asm!(self; cvttss2si Rd(d), Rx(xs));
                }
            }
            (true, true) | (false, false) => {
                // In range for a signed 64-bit conversion; u32 results are
                // then zero-extended.
                if f64 {
                    asm!(self; cvttsd2si Rq(d), Rx(xs));
                } else {
                    asm!(self; cvttss2si Rq(d), Rx(xs));
                }
                if !i64 {
                    asm!(self; mov Rd(d), Rd(d));
                }
            }
            (false, true) => {
                let big = self.new_label();
                self.ucomi_const(f64, xs, 9223372036854775808.0);
                self.branch_if(Cond::AE, big);
                if f64 {
                    asm!(self; cvttsd2si Rq(d), Rx(xs));
                } else {
                    asm!(self; cvttss2si Rq(d), Rx(xs));
                }
                self.jmp(done);
                self.bind(big);
                // xmm15 still holds 2^63.
                if f64 {
                    asm!(self
                        ; subsd Rx(xs), Rx(XSCRATCH.code())
                        ; cvttsd2si Rq(d), Rx(xs)
                    );
                } else {
                    asm!(self
                        ; subss Rx(xs), Rx(XSCRATCH.code())
                        ; cvttss2si Rq(d), Rx(xs)
                    );
                }
                asm!(self; btc Rq(d), 63);
            }
        }
        if traps.is_none() {
            self.jmp(done);
            let (lo_v, hi_v): (u64, u64) = match (signed, i64) {
                (true, false) => (i32::MIN as u32 as u64, i32::MAX as u64),
                (true, true) => (i64::MIN as u64, i64::MAX as u64),
                (false, false) => (0, u32::MAX as u64),
                (false, true) => (0, u64::MAX),
            };
            self.bind(nan_l);
            self.load_const(to, dst, 0);
            self.jmp(done);
            self.bind(low_l);
            self.load_const(to, dst, lo_v);
            self.jmp(done);
            self.bind(high_l);
            self.load_const(to, dst, hi_v);
        }
        self.bind(done);
    }
}
