//! Floating-point operators, x86-64 side (SSE2, SSE4.1 `round`): the
//! instructions for operands the generic code (`codegen/numeric.rs`) has
//! already resolved.

use dynasmrt::{DynamicLabel, DynasmApi, DynasmLabelApi};

use super::masm::{asm, Address, Cond, Masm, Operand};
use super::regs::{Reg, XSCRATCH};
use crate::compiler::inst::{FloatArith, FloatBin, FloatCmp, FloatUn};
use crate::module::ValType;

/// An xmm source: a register, a frame slot, or a pool constant.
#[derive(Clone, Copy)]
enum XSrc {
    Reg(u8),
    Mem(i32),
    Pool(DynamicLabel),
}

impl Masm {
    /// The operand as an xmm source: constants come from the pool.
    fn xsrc(&mut self, f64: bool, o: Operand) -> XSrc {
        match o {
            Operand::Reg(r) => XSrc::Reg(r.code()),
            Operand::Mem(Address::Frame(d)) => XSrc::Mem(d),
            Operand::Const(bits) => XSrc::Pool(self.pool_const(bits)),
            Operand::Mem(a) => {
                let ty = if f64 { ValType::F64 } else { ValType::F32 };
                self.load(ty, XSCRATCH, a);
                XSrc::Reg(XSCRATCH.code())
            }
        }
    }

    /// `dst = dst op src`.
    pub fn float_arith(&mut self, op: FloatArith, f64: bool, dst: Reg, src: Operand) {
        let d = dst.code();
        let s = self.xsrc(f64, src);
        macro_rules! arith {
            ($ss:ident, $sd:ident) => {{
                match (f64, s) {
                    (false, XSrc::Reg(r)) => asm!(self; $ss Rx(d), Rx(r)),
                    (true, XSrc::Reg(r)) => asm!(self; $sd Rx(d), Rx(r)),
                    (false, XSrc::Mem(m)) => asm!(self; $ss Rx(d), DWORD [rbp + m]),
                    (true, XSrc::Mem(m)) => asm!(self; $sd Rx(d), QWORD [rbp + m]),
                    (false, XSrc::Pool(l)) => asm!(self; $ss Rx(d), DWORD [=>l]),
                    (true, XSrc::Pool(l)) => asm!(self; $sd Rx(d), QWORD [=>l]),
                }
            }};
        }
        match op {
            FloatArith::Add => arith!(addss, addsd),
            FloatArith::Sub => arith!(subss, subsd),
            FloatArith::Mul => arith!(mulss, mulsd),
            FloatArith::Div => arith!(divss, divsd),
        }
    }

    /// `dst = dst op src` on two registers.
    pub fn float_bin(&mut self, op: FloatBin, f64: bool, dst: Reg, src: Reg) {
        let (d, s) = (dst.code(), src.code());
        match op {
            FloatBin::Min | FloatBin::Max => {
                // minss/maxss return the second operand for NaNs and for
                // ±0 pairs; wasm wants NaN propagation and -0 < +0.
                let (nan, ne, done) = (self.new_label(), self.new_label(), self.new_label());
                if f64 {
                    asm!(self; ucomisd Rx(d), Rx(s));
                } else {
                    asm!(self; ucomiss Rx(d), Rx(s));
                }
                self.branch_if(Cond::P, nan);
                self.branch_if(Cond::NE, ne);
                // Equal: only the signs of zeros can differ.
                if op == FloatBin::Min {
                    asm!(self; orps Rx(d), Rx(s));
                } else {
                    asm!(self; andps Rx(d), Rx(s));
                }
                self.jmp(done);
                self.bind(nan);
                if f64 {
                    asm!(self; addsd Rx(d), Rx(s));
                } else {
                    asm!(self; addss Rx(d), Rx(s));
                }
                self.jmp(done);
                self.bind(ne);
                match (op == FloatBin::Min, f64) {
                    (true, false) => asm!(self; minss Rx(d), Rx(s)),
                    (true, true) => asm!(self; minsd Rx(d), Rx(s)),
                    (false, false) => asm!(self; maxss Rx(d), Rx(s)),
                    (false, true) => asm!(self; maxsd Rx(d), Rx(s)),
                }
                self.bind(done);
            }
            FloatBin::Copysign => {
                if f64 {
                    asm!(self
                        ; movq r11, Rx(d)
                        ; movq r10, Rx(s)
                        ; btr r11, 63
                        ; shr r10, 63
                        ; shl r10, 63
                        ; or r11, r10
                        ; movq Rx(d), r11
                    );
                } else {
                    asm!(self
                        ; movd r11d, Rx(d)
                        ; movd r10d, Rx(s)
                        ; and r11d, 0x7fff_ffff
                        ; and r10d, i32::MIN
                        ; or r11d, r10d
                        ; movd Rx(d), r11d
                    );
                }
            }
        }
    }

    /// Whether [`Masm::float_unary`] can round (SSE4.1), or why not.
    pub fn can_round_floats(&self) -> Result<(), &'static str> {
        if self.cpu.sse41 {
            Ok(())
        } else {
            Err("float rounding on a CPU without SSE4.1")
        }
    }

    /// `r = op(r)`.
    pub fn float_unary(&mut self, op: FloatUn, f64: bool, r: Reg) {
        let d = r.code();
        // roundss/sd immediates: mode | 8 (suppress the precision exception).
        let round = |op| match op {
            FloatUn::Nearest => 8,
            FloatUn::Floor => 9,
            FloatUn::Ceil => 10,
            _ => 11,
        };
        match (op, f64) {
            (FloatUn::Abs, false) => asm!(self
                ; movd r11d, Rx(d)
                ; and r11d, 0x7fff_ffff
                ; movd Rx(d), r11d
            ),
            (FloatUn::Abs, true) => asm!(self
                ; movq r11, Rx(d)
                ; btr r11, 63
                ; movq Rx(d), r11
            ),
            (FloatUn::Neg, false) => asm!(self
                ; movd r11d, Rx(d)
                ; xor r11d, i32::MIN
                ; movd Rx(d), r11d
            ),
            (FloatUn::Neg, true) => asm!(self
                ; movq r11, Rx(d)
                ; btc r11, 63
                ; movq Rx(d), r11
            ),
            (FloatUn::Sqrt, false) => asm!(self; sqrtss Rx(d), Rx(d)),
            (FloatUn::Sqrt, true) => asm!(self; sqrtsd Rx(d), Rx(d)),
            (op, false) => asm!(self; roundss Rx(d), Rx(d), round(op)),
            (op, true) => asm!(self; roundsd Rx(d), Rx(d), round(op)),
        }
    }

    /// Whether [`Masm::float_cmp`] wants its operands swapped (`b ? a`) for
    /// `op`.
    pub fn float_cmp_swaps(op: FloatCmp) -> bool {
        // `x > y` and `x >= y` are single-flag tests after ucomis(x, y)
        // (unordered sets CF): lt/le swap the operands.
        matches!(op, FloatCmp::Lt | FloatCmp::Le)
    }

    /// Compares `x` with `y` (in the order [`Masm::float_cmp_swaps`] asks
    /// for). Returns the condition that holds when `op` does, or `None` if
    /// the result must be materialised by [`Masm::float_cmp_result`] right
    /// after (no single condition covers it).
    pub fn float_cmp(&mut self, op: FloatCmp, f64: bool, x: Reg, y: Operand) -> Option<Cond> {
        let d = x.code();
        let s = self.xsrc(f64, y);
        match (f64, s) {
            (false, XSrc::Reg(r)) => asm!(self; ucomiss Rx(d), Rx(r)),
            (true, XSrc::Reg(r)) => asm!(self; ucomisd Rx(d), Rx(r)),
            (false, XSrc::Mem(m)) => asm!(self; ucomiss Rx(d), DWORD [rbp + m]),
            (true, XSrc::Mem(m)) => asm!(self; ucomisd Rx(d), QWORD [rbp + m]),
            (false, XSrc::Pool(l)) => asm!(self; ucomiss Rx(d), DWORD [=>l]),
            (true, XSrc::Pool(l)) => asm!(self; ucomisd Rx(d), QWORD [=>l]),
        }
        match op {
            FloatCmp::Lt | FloatCmp::Gt => Some(Cond::A),
            FloatCmp::Le | FloatCmp::Ge => Some(Cond::AE),
            FloatCmp::Eq | FloatCmp::Ne => None,
        }
    }

    /// `dst` = the i32 result of the float compare `op` just emitted.
    pub fn float_cmp_result(&mut self, op: FloatCmp, dst: Reg) {
        if op == FloatCmp::Eq {
            asm!(self
                ; setnp r10b
                ; sete r11b
                ; and r11b, r10b
                ; movzx Rd(dst.code()), r11b
            );
        } else {
            asm!(self
                ; setp r10b
                ; setne r11b
                ; or r11b, r10b
                ; movzx Rd(dst.code()), r11b
            );
        }
    }
}
