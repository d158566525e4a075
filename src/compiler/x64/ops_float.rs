//! Floating-point operators (SSE2 + SSE4.1 `round`).

use dynasmrt::{DynamicLabel, DynasmApi, DynasmLabelApi};

use super::masm::{asm, Cond};
use super::regs::Reg;
use crate::compiler::codegen::{CodeGen, Loc, Opnd};
use crate::module::{CompileError, ValType};

#[derive(Clone, Copy, PartialEq, Eq)]
enum FBin {
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
    Copysign,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FUn {
    Abs,
    Neg,
    Sqrt,
    Ceil,
    Floor,
    Trunc,
    Nearest,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FCmp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// An xmm source: a register, a frame slot, or a pool constant.
#[derive(Clone, Copy)]
enum XSrc {
    Reg(u8),
    Mem(i32),
    Pool(DynamicLabel),
}

impl<'m> CodeGen<'m> {
    /// The operand as an xmm source; constants go through xmm15.
    fn xsrc_of(&mut self, o: Opnd) -> XSrc {
        match o.loc {
            Loc::Reg(r) => XSrc::Reg(r.code()),
            Loc::Slot => XSrc::Mem(-o.off),
            Loc::Const(bits) => XSrc::Pool(self.masm.pool_const(bits)),
            Loc::Flags(_) => unreachable!("flags are i32"),
            Loc::Local(l) => match self.local_cache[l as usize] {
                Some(c) => XSrc::Reg(c.code()),
                None => XSrc::Mem(self.locals[l as usize].disp),
            },
        }
    }

    /// Releases the register behind an `XSrc` made from `o`, if it owns one.
    fn release_xsrc(&mut self, o: Opnd, s: XSrc) {
        if let (Loc::Reg(_), XSrc::Reg(c)) = (o.loc, s) {
            self.release(Reg::xmm(c));
        }
    }

    fn fbin(&mut self, ty: ValType, op: FBin) -> Result<(), CompileError> {
        let f64 = ty == ValType::F64;
        let b = self.pop();
        let a = self.pop();
        // add and mul commute (up to which NaN comes out, which wasm leaves
        // open): compute into an operand that already owns a register.
        let swap = matches!(op, FBin::Add | FBin::Mul)
            && !matches!(a.loc, Loc::Reg(_))
            && matches!(b.loc, Loc::Reg(_));
        let (a, b) = if swap { (b, a) } else { (a, b) };
        let ra = self.opnd_to_reg(a);
        let d = ra.code();
        macro_rules! arith {
            ($ss:ident, $sd:ident) => {{
                let s = self.xsrc_of(b);
                match (f64, s) {
                    (false, XSrc::Reg(r)) => asm!(self.masm; $ss Rx(d), Rx(r)),
                    (true, XSrc::Reg(r)) => asm!(self.masm; $sd Rx(d), Rx(r)),
                    (false, XSrc::Mem(m)) => asm!(self.masm; $ss Rx(d), DWORD [rbp + m]),
                    (true, XSrc::Mem(m)) => asm!(self.masm; $sd Rx(d), QWORD [rbp + m]),
                    (false, XSrc::Pool(l)) => asm!(self.masm; $ss Rx(d), DWORD [=>l]),
                    (true, XSrc::Pool(l)) => asm!(self.masm; $sd Rx(d), QWORD [=>l]),
                }
                self.release_xsrc(b, s);
            }};
        }
        match op {
            FBin::Add => arith!(addss, addsd),
            FBin::Sub => arith!(subss, subsd),
            FBin::Mul => arith!(mulss, mulsd),
            FBin::Div => arith!(divss, divsd),
            FBin::Min | FBin::Max => {
                // minss/maxss return the second operand for NaNs and for
                // ±0 pairs; wasm wants NaN propagation and -0 < +0.
                let rb = self.opnd_to_reg(b);
                let s = rb.code();
                let (nan, ne, done) = (
                    self.masm.new_label(),
                    self.masm.new_label(),
                    self.masm.new_label(),
                );
                if f64 {
                    asm!(self.masm; ucomisd Rx(d), Rx(s));
                } else {
                    asm!(self.masm; ucomiss Rx(d), Rx(s));
                }
                self.masm.jcc(Cond::P, nan);
                self.masm.jcc(Cond::NE, ne);
                // Equal: only the signs of zeros can differ.
                if op == FBin::Min {
                    asm!(self.masm; orps Rx(d), Rx(s));
                } else {
                    asm!(self.masm; andps Rx(d), Rx(s));
                }
                self.masm.jmp(done);
                self.masm.bind(nan);
                if f64 {
                    asm!(self.masm; addsd Rx(d), Rx(s));
                } else {
                    asm!(self.masm; addss Rx(d), Rx(s));
                }
                self.masm.jmp(done);
                self.masm.bind(ne);
                match (op == FBin::Min, f64) {
                    (true, false) => asm!(self.masm; minss Rx(d), Rx(s)),
                    (true, true) => asm!(self.masm; minsd Rx(d), Rx(s)),
                    (false, false) => asm!(self.masm; maxss Rx(d), Rx(s)),
                    (false, true) => asm!(self.masm; maxsd Rx(d), Rx(s)),
                }
                self.masm.bind(done);
                self.release(rb);
            }
            FBin::Copysign => {
                let rb = self.opnd_to_reg(b);
                let s = rb.code();
                if f64 {
                    asm!(self.masm
                        ; movq r11, Rx(d)
                        ; movq r10, Rx(s)
                        ; btr r11, 63
                        ; shr r10, 63
                        ; shl r10, 63
                        ; or r11, r10
                        ; movq Rx(d), r11
                    );
                } else {
                    asm!(self.masm
                        ; movd r11d, Rx(d)
                        ; movd r10d, Rx(s)
                        ; and r11d, 0x7fff_ffff
                        ; and r10d, i32::MIN
                        ; or r11d, r10d
                        ; movd Rx(d), r11d
                    );
                }
                self.release(rb);
            }
        }
        self.push_reg(ty, ra);
        Ok(())
    }

    fn fun(&mut self, ty: ValType, op: FUn) -> Result<(), CompileError> {
        let f64 = ty == ValType::F64;
        if matches!(op, FUn::Ceil | FUn::Floor | FUn::Trunc | FUn::Nearest) && !self.env.cpu.sse41 {
            return Err(self.unsupported("float rounding on a CPU without SSE4.1"));
        }
        let r = self.pop_reg();
        let d = r.code();
        // roundss/sd immediates: mode | 8 (suppress the precision exception).
        let round = |op| match op {
            FUn::Nearest => 8,
            FUn::Floor => 9,
            FUn::Ceil => 10,
            _ => 11,
        };
        match (op, f64) {
            (FUn::Abs, false) => asm!(self.masm
                ; movd r11d, Rx(d)
                ; and r11d, 0x7fff_ffff
                ; movd Rx(d), r11d
            ),
            (FUn::Abs, true) => asm!(self.masm
                ; movq r11, Rx(d)
                ; btr r11, 63
                ; movq Rx(d), r11
            ),
            (FUn::Neg, false) => asm!(self.masm
                ; movd r11d, Rx(d)
                ; xor r11d, i32::MIN
                ; movd Rx(d), r11d
            ),
            (FUn::Neg, true) => asm!(self.masm
                ; movq r11, Rx(d)
                ; btc r11, 63
                ; movq Rx(d), r11
            ),
            (FUn::Sqrt, false) => asm!(self.masm; sqrtss Rx(d), Rx(d)),
            (FUn::Sqrt, true) => asm!(self.masm; sqrtsd Rx(d), Rx(d)),
            (op, false) => asm!(self.masm; roundss Rx(d), Rx(d), round(op)),
            (op, true) => asm!(self.masm; roundsd Rx(d), Rx(d), round(op)),
        }
        self.push_reg(ty, r);
        Ok(())
    }

    fn fcmp(&mut self, ty: ValType, op: FCmp) -> Result<(), CompileError> {
        let f64 = ty == ValType::F64;
        let b = self.pop();
        let a = self.pop();
        // `x > y` and `x >= y` are single-flag tests after ucomis(x, y)
        // (unordered sets CF): lt/le swap the operands.
        let (x, y) = match op {
            FCmp::Lt | FCmp::Le => (b, a),
            _ => (a, b),
        };
        let (rx, owned) = self.read_reg(x);
        let s = self.xsrc_of(y);
        let d = rx.code();
        match (f64, s) {
            (false, XSrc::Reg(r)) => asm!(self.masm; ucomiss Rx(d), Rx(r)),
            (true, XSrc::Reg(r)) => asm!(self.masm; ucomisd Rx(d), Rx(r)),
            (false, XSrc::Mem(m)) => asm!(self.masm; ucomiss Rx(d), DWORD [rbp + m]),
            (true, XSrc::Mem(m)) => asm!(self.masm; ucomisd Rx(d), QWORD [rbp + m]),
            (false, XSrc::Pool(l)) => asm!(self.masm; ucomiss Rx(d), DWORD [=>l]),
            (true, XSrc::Pool(l)) => asm!(self.masm; ucomisd Rx(d), QWORD [=>l]),
        }
        self.release_xsrc(y, s);
        if owned {
            self.release(rx);
        }
        match op {
            FCmp::Lt | FCmp::Gt => self.push(ValType::I32, Loc::Flags(Cond::A)),
            FCmp::Le | FCmp::Ge => self.push(ValType::I32, Loc::Flags(Cond::AE)),
            FCmp::Eq | FCmp::Ne => {
                let r = self.alloc(ValType::I32);
                if op == FCmp::Eq {
                    asm!(self.masm
                        ; setnp r10b
                        ; sete r11b
                        ; and r11b, r10b
                        ; movzx Rd(r.code()), r11b
                    );
                } else {
                    asm!(self.masm
                        ; setp r10b
                        ; setne r11b
                        ; or r11b, r10b
                        ; movzx Rd(r.code()), r11b
                    );
                }
                self.push_reg(ValType::I32, r);
            }
        }
        Ok(())
    }
}

macro_rules! float_ops {
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

use ValType::{F32, F64};

float_ops! {
    visit_f32_add => fbin(F32, FBin::Add);
    visit_f32_sub => fbin(F32, FBin::Sub);
    visit_f32_mul => fbin(F32, FBin::Mul);
    visit_f32_div => fbin(F32, FBin::Div);
    visit_f32_min => fbin(F32, FBin::Min);
    visit_f32_max => fbin(F32, FBin::Max);
    visit_f32_copysign => fbin(F32, FBin::Copysign);
    visit_f64_add => fbin(F64, FBin::Add);
    visit_f64_sub => fbin(F64, FBin::Sub);
    visit_f64_mul => fbin(F64, FBin::Mul);
    visit_f64_div => fbin(F64, FBin::Div);
    visit_f64_min => fbin(F64, FBin::Min);
    visit_f64_max => fbin(F64, FBin::Max);
    visit_f64_copysign => fbin(F64, FBin::Copysign);
    visit_f32_abs => fun(F32, FUn::Abs);
    visit_f32_neg => fun(F32, FUn::Neg);
    visit_f32_sqrt => fun(F32, FUn::Sqrt);
    visit_f32_ceil => fun(F32, FUn::Ceil);
    visit_f32_floor => fun(F32, FUn::Floor);
    visit_f32_trunc => fun(F32, FUn::Trunc);
    visit_f32_nearest => fun(F32, FUn::Nearest);
    visit_f64_abs => fun(F64, FUn::Abs);
    visit_f64_neg => fun(F64, FUn::Neg);
    visit_f64_sqrt => fun(F64, FUn::Sqrt);
    visit_f64_ceil => fun(F64, FUn::Ceil);
    visit_f64_floor => fun(F64, FUn::Floor);
    visit_f64_trunc => fun(F64, FUn::Trunc);
    visit_f64_nearest => fun(F64, FUn::Nearest);
    visit_f32_eq => fcmp(F32, FCmp::Eq);
    visit_f32_ne => fcmp(F32, FCmp::Ne);
    visit_f32_lt => fcmp(F32, FCmp::Lt);
    visit_f32_gt => fcmp(F32, FCmp::Gt);
    visit_f32_le => fcmp(F32, FCmp::Le);
    visit_f32_ge => fcmp(F32, FCmp::Ge);
    visit_f64_eq => fcmp(F64, FCmp::Eq);
    visit_f64_ne => fcmp(F64, FCmp::Ne);
    visit_f64_lt => fcmp(F64, FCmp::Lt);
    visit_f64_gt => fcmp(F64, FCmp::Gt);
    visit_f64_le => fcmp(F64, FCmp::Le);
    visit_f64_ge => fcmp(F64, FCmp::Ge);
}
