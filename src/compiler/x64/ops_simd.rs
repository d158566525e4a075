//! 128-bit SIMD operators, x86-64 side (SSE2 up to SSE4.1; a few need
//! SSSE3/SSE4.2): one `Masm` method per wasm operator, named after it
//! (`Masm::i8x16_add`), over registers the generic code
//! (`codegen/simd.rs`) has chosen. Each table below gives the instructions;
//! the method's signature comes from the table's shape (binary, unary,
//! splat, lane access, memory, test, shift).
//!
//! v128 operands are always in registers: legacy SSE memory operands need
//! 16-byte alignment, which frame slots do not have.

use dynasmrt::DynasmApi;

use super::masm::{asm, Addr, Cond, Masm, Operand};
use super::regs::{Reg, SCRATCH, XSCRATCH, XSCRATCH2};

const X15: u8 = XSCRATCH.code();
const X14: u8 = XSCRATCH2.code();

/// Fills xmm `x` with the 32-bit pattern `v` in every lane.
fn splat32(m: &mut Masm, x: u8, v: u32) {
    asm!(m
        ; mov Rd(SCRATCH.code()), v as i32
        ; movd Rx(x), Rd(SCRATCH.code())
        ; pshufd Rx(x), Rx(x), 0
    );
}

/// Loads a 128-bit constant into xmm `x`.
fn const128(m: &mut Masm, x: u8, v: u128) {
    m.mov_imm64(SCRATCH.code(), v as u64);
    asm!(m; movq Rx(x), Rq(SCRATCH.code()));
    m.mov_imm64(SCRATCH.code(), (v >> 64) as u64);
    asm!(m; pinsrq Rx(x), Rq(SCRATCH.code()), 1);
}

impl Masm {
    /// SIMD code needs x86-64-v2 (SSSE3, SSE4.1, SSE4.2).
    pub fn simd_supported(&self) -> Result<(), &'static str> {
        let cpu = self.cpu;
        if cpu.ssse3 && cpu.sse41 && cpu.sse42 {
            Ok(())
        } else {
            Err("SIMD on a CPU without SSSE3/SSE4.1/SSE4.2")
        }
    }

    /// `d` = the 128-bit constant `bits`.
    pub fn v128_const(&mut self, d: Reg, bits: u128) {
        let x = d.code();
        if bits == 0 {
            asm!(self; xorps Rx(x), Rx(x));
        } else {
            const128(self, x, bits);
        }
    }

    pub fn v128_load(&mut self, d: Reg, a: Addr) {
        let (d, b, i, o) = (d.code(), a.base, a.index, a.disp);
        asm!(self; movups Rx(d), [Rq(b) + Rq(i) + o])
    }

    pub fn v128_store(&mut self, v: Reg, a: Addr) {
        let (v, b, i, o) = (v.code(), a.base, a.index, a.disp);
        asm!(self; movups [Rq(b) + Rq(i) + o], Rx(v))
    }

    /// xmm14 = the shift count (a constant or the i32 in `count`) masked to
    /// `mask`, plus `add`.
    fn simd_shift_count(&mut self, mask: u32, add: i32, count: Operand) {
        match count {
            Operand::Reg(rc) => asm!(self
                ; mov Rd(SCRATCH.code()), Rd(rc.code())
                ; and Rd(SCRATCH.code()), mask as i32
                ; add Rd(SCRATCH.code()), add
                ; movd Rx(X14), Rd(SCRATCH.code())
            ),
            Operand::Const(bits) => {
                let n = (bits as u32 & mask) as i32 + add;
                asm!(self; mov Rd(SCRATCH.code()), n; movd Rx(X14), Rd(SCRATCH.code()));
            }
            Operand::Mem(a) => {
                self.load(crate::module::ValType::I32, SCRATCH, a);
                asm!(self
                    ; and Rd(SCRATCH.code()), mask as i32
                    ; add Rd(SCRATCH.code()), add
                    ; movd Rx(X14), Rd(SCRATCH.code())
                );
            }
        }
    }

    /// `a = a & k | b & !k`.
    pub fn v128_bitselect(&mut self, a: Reg, b: Reg, k: Reg) {
        let (a, b, k) = (a.code(), b.code(), k.code());
        asm!(self
            ; pand Rx(a), Rx(k)
            ; movdqa Rx(X15), Rx(k)
            ; pandn Rx(X15), Rx(b)
            ; por Rx(a), Rx(X15)
        );
    }

    /// `x` = the bytes of `x` and `y` selected by `lanes`.
    pub fn i8x16_shuffle(&mut self, x: Reg, y: Reg, lanes: [u8; 16]) {
        // Two pshufb selections (0x80 selects zero), or-ed together.
        let (mut from_a, mut from_b) = (0u128, 0u128);
        for (k, &l) in lanes.iter().enumerate() {
            let (ma, mb) = if l < 16 { (l, 0x80) } else { (0x80, l - 16) };
            from_a |= (ma as u128) << (8 * k);
            from_b |= (mb as u128) << (8 * k);
        }
        let (x, y) = (x.code(), y.code());
        const128(self, X15, from_a);
        asm!(self; pshufb Rx(x), Rx(X15));
        const128(self, X15, from_b);
        asm!(self
            ; movdqa Rx(X14), Rx(y)
            ; pshufb Rx(X14), Rx(X15)
            ; por Rx(x), Rx(X14)
        );
    }
}

/// Memory operands of the SIMD loads: `$ins Rx(d), SIZE [addr]`.
macro_rules! simd_loads {
    ($($name:ident => $size:expr, |$m:ident, $d:ident, $b:ident, $i:ident, $o:ident| $body:expr;)*) => {
        impl Masm {
            $(
                pub fn $name(&mut self, d: Reg, a: Addr) {
                    let ($d, $b, $i, $o) = (d.code(), a.base, a.index, a.disp);
                    let $m = self;
                    $body;
                }
            )*
        }
    };
}

simd_loads! {
    v128_load8x8_s => 8, |m, d, b, i, o| asm!(m; pmovsxbw Rx(d), QWORD [Rq(b) + Rq(i) + o]);
    v128_load8x8_u => 8, |m, d, b, i, o| asm!(m; pmovzxbw Rx(d), QWORD [Rq(b) + Rq(i) + o]);
    v128_load16x4_s => 8, |m, d, b, i, o| asm!(m; pmovsxwd Rx(d), QWORD [Rq(b) + Rq(i) + o]);
    v128_load16x4_u => 8, |m, d, b, i, o| asm!(m; pmovzxwd Rx(d), QWORD [Rq(b) + Rq(i) + o]);
    v128_load32x2_s => 8, |m, d, b, i, o| asm!(m; pmovsxdq Rx(d), QWORD [Rq(b) + Rq(i) + o]);
    v128_load32x2_u => 8, |m, d, b, i, o| asm!(m; pmovzxdq Rx(d), QWORD [Rq(b) + Rq(i) + o]);
    v128_load32_zero => 4, |m, d, b, i, o| asm!(m; movd Rx(d), DWORD [Rq(b) + Rq(i) + o]);
    v128_load64_zero => 8, |m, d, b, i, o| asm!(m; movq Rx(d), QWORD [Rq(b) + Rq(i) + o]);
    v128_load8_splat => 1, |m, d, b, i, o| asm!(m
        ; pinsrb Rx(d), BYTE [Rq(b) + Rq(i) + o], 0
        ; pxor Rx(X15), Rx(X15)
        ; pshufb Rx(d), Rx(X15));
    v128_load16_splat => 2, |m, d, b, i, o| asm!(m
        ; pinsrw Rx(d), WORD [Rq(b) + Rq(i) + o], 0
        ; pshuflw Rx(d), Rx(d), 0
        ; pshufd Rx(d), Rx(d), 0);
    v128_load32_splat => 4, |m, d, b, i, o| asm!(m
        ; movss Rx(d), DWORD [Rq(b) + Rq(i) + o]
        ; shufps Rx(d), Rx(d), 0);
    v128_load64_splat => 8, |m, d, b, i, o| asm!(m
        ; movq Rx(d), QWORD [Rq(b) + Rq(i) + o]
        ; punpcklqdq Rx(d), Rx(d));
}

macro_rules! simd_lanes_mem {
    ($($name:ident => $kind:ident $size:expr, |$m:ident, $v:ident, $l:ident, $b:ident, $i:ident, $o:ident| $body:expr;)*) => {
        impl Masm {
            $(
                pub fn $name(&mut self, v: Reg, a: Addr, lane: u8) {
                    let ($v, $l) = (v.code(), lane as i8);
                    let ($b, $i, $o) = (a.base, a.index, a.disp);
                    let $m = self;
                    $body;
                }
            )*
        }
    };
}

simd_lanes_mem! {
    v128_load8_lane => simd_load_lane 1, |m, v, l, b, i, o| asm!(m; pinsrb Rx(v), BYTE [Rq(b) + Rq(i) + o], l);
    v128_load16_lane => simd_load_lane 2, |m, v, l, b, i, o| asm!(m; pinsrw Rx(v), WORD [Rq(b) + Rq(i) + o], l);
    v128_load32_lane => simd_load_lane 4, |m, v, l, b, i, o| asm!(m; pinsrd Rx(v), DWORD [Rq(b) + Rq(i) + o], l);
    v128_load64_lane => simd_load_lane 8, |m, v, l, b, i, o| asm!(m; pinsrq Rx(v), QWORD [Rq(b) + Rq(i) + o], l);
    v128_store8_lane => simd_store 1, |m, v, l, b, i, o| asm!(m; pextrb BYTE [Rq(b) + Rq(i) + o], Rx(v), l);
    v128_store16_lane => simd_store 2, |m, v, l, b, i, o| asm!(m; pextrw WORD [Rq(b) + Rq(i) + o], Rx(v), l);
    v128_store32_lane => simd_store 4, |m, v, l, b, i, o| asm!(m; pextrd DWORD [Rq(b) + Rq(i) + o], Rx(v), l);
    v128_store64_lane => simd_store 8, |m, v, l, b, i, o| asm!(m; pextrq QWORD [Rq(b) + Rq(i) + o], Rx(v), l);
}

/// Generates operator methods from one-line emitters. Every SIMD operator
/// requires SSE4.1 and SSSE3 (x86-64-v2).
macro_rules! simd_ops {
    ($kind:ident { $($name:ident => |$m:ident $(, $a:ident)*| $body:expr;)* }) => {
        impl Masm {
            $(
                pub fn $name(&mut self $(, $a: Reg)*) {
                    $(let $a = $a.code();)*
                    let $m = self;
                    $body;
                }
            )*
        }
    };
}

simd_ops!(simd_bin {
    v128_and => |m, d, s| asm!(m; pand Rx(d), Rx(s));
    v128_or => |m, d, s| asm!(m; por Rx(d), Rx(s));
    v128_xor => |m, d, s| asm!(m; pxor Rx(d), Rx(s));
    i8x16_add => |m, d, s| asm!(m; paddb Rx(d), Rx(s));
    i16x8_add => |m, d, s| asm!(m; paddw Rx(d), Rx(s));
    i32x4_add => |m, d, s| asm!(m; paddd Rx(d), Rx(s));
    i64x2_add => |m, d, s| asm!(m; paddq Rx(d), Rx(s));
    i8x16_sub => |m, d, s| asm!(m; psubb Rx(d), Rx(s));
    i16x8_sub => |m, d, s| asm!(m; psubw Rx(d), Rx(s));
    i32x4_sub => |m, d, s| asm!(m; psubd Rx(d), Rx(s));
    i64x2_sub => |m, d, s| asm!(m; psubq Rx(d), Rx(s));
    i8x16_add_sat_s => |m, d, s| asm!(m; paddsb Rx(d), Rx(s));
    i8x16_add_sat_u => |m, d, s| asm!(m; paddusb Rx(d), Rx(s));
    i8x16_sub_sat_s => |m, d, s| asm!(m; psubsb Rx(d), Rx(s));
    i8x16_sub_sat_u => |m, d, s| asm!(m; psubusb Rx(d), Rx(s));
    i16x8_add_sat_s => |m, d, s| asm!(m; paddsw Rx(d), Rx(s));
    i16x8_add_sat_u => |m, d, s| asm!(m; paddusw Rx(d), Rx(s));
    i16x8_sub_sat_s => |m, d, s| asm!(m; psubsw Rx(d), Rx(s));
    i16x8_sub_sat_u => |m, d, s| asm!(m; psubusw Rx(d), Rx(s));
    i16x8_mul => |m, d, s| asm!(m; pmullw Rx(d), Rx(s));
    i32x4_mul => |m, d, s| asm!(m; pmulld Rx(d), Rx(s));
    i8x16_min_s => |m, d, s| asm!(m; pminsb Rx(d), Rx(s));
    i8x16_min_u => |m, d, s| asm!(m; pminub Rx(d), Rx(s));
    i8x16_max_s => |m, d, s| asm!(m; pmaxsb Rx(d), Rx(s));
    i8x16_max_u => |m, d, s| asm!(m; pmaxub Rx(d), Rx(s));
    i16x8_min_s => |m, d, s| asm!(m; pminsw Rx(d), Rx(s));
    i16x8_min_u => |m, d, s| asm!(m; pminuw Rx(d), Rx(s));
    i16x8_max_s => |m, d, s| asm!(m; pmaxsw Rx(d), Rx(s));
    i16x8_max_u => |m, d, s| asm!(m; pmaxuw Rx(d), Rx(s));
    i32x4_min_s => |m, d, s| asm!(m; pminsd Rx(d), Rx(s));
    i32x4_min_u => |m, d, s| asm!(m; pminud Rx(d), Rx(s));
    i32x4_max_s => |m, d, s| asm!(m; pmaxsd Rx(d), Rx(s));
    i32x4_max_u => |m, d, s| asm!(m; pmaxud Rx(d), Rx(s));
    i8x16_avgr_u => |m, d, s| asm!(m; pavgb Rx(d), Rx(s));
    i16x8_avgr_u => |m, d, s| asm!(m; pavgw Rx(d), Rx(s));
    i32x4_dot_i16x8_s => |m, d, s| asm!(m; pmaddwd Rx(d), Rx(s));
    i8x16_eq => |m, d, s| asm!(m; pcmpeqb Rx(d), Rx(s));
    i16x8_eq => |m, d, s| asm!(m; pcmpeqw Rx(d), Rx(s));
    i32x4_eq => |m, d, s| asm!(m; pcmpeqd Rx(d), Rx(s));
    i64x2_eq => |m, d, s| asm!(m; pcmpeqq Rx(d), Rx(s));
    i8x16_ne => |m, d, s| asm!(m; pcmpeqb Rx(d), Rx(s); pcmpeqd Rx(X15), Rx(X15); pxor Rx(d), Rx(X15));
    i16x8_ne => |m, d, s| asm!(m; pcmpeqw Rx(d), Rx(s); pcmpeqd Rx(X15), Rx(X15); pxor Rx(d), Rx(X15));
    i32x4_ne => |m, d, s| asm!(m; pcmpeqd Rx(d), Rx(s); pcmpeqd Rx(X15), Rx(X15); pxor Rx(d), Rx(X15));
    i64x2_ne => |m, d, s| asm!(m; pcmpeqq Rx(d), Rx(s); pcmpeqd Rx(X15), Rx(X15); pxor Rx(d), Rx(X15));
    i8x16_gt_s => |m, d, s| asm!(m; pcmpgtb Rx(d), Rx(s));
    i16x8_gt_s => |m, d, s| asm!(m; pcmpgtw Rx(d), Rx(s));
    i32x4_gt_s => |m, d, s| asm!(m; pcmpgtd Rx(d), Rx(s));
    // a >= b  <=>  max(a, b) == a (and <= with min); the unsigned "greater"
    // and "less" are their negations.
    i8x16_ge_s => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pmaxsb Rx(X15), Rx(s); pcmpeqb Rx(d), Rx(X15));
    i8x16_le_s => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pminsb Rx(X15), Rx(s); pcmpeqb Rx(d), Rx(X15));
    i8x16_ge_u => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pmaxub Rx(X15), Rx(s); pcmpeqb Rx(d), Rx(X15));
    i8x16_le_u => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pminub Rx(X15), Rx(s); pcmpeqb Rx(d), Rx(X15));
    i8x16_lt_u => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pmaxub Rx(X15), Rx(s); pcmpeqb Rx(d), Rx(X15); pcmpeqd Rx(X15), Rx(X15); pxor Rx(d), Rx(X15));
    i8x16_gt_u => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pminub Rx(X15), Rx(s); pcmpeqb Rx(d), Rx(X15); pcmpeqd Rx(X15), Rx(X15); pxor Rx(d), Rx(X15));
    i16x8_ge_s => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pmaxsw Rx(X15), Rx(s); pcmpeqw Rx(d), Rx(X15));
    i16x8_le_s => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pminsw Rx(X15), Rx(s); pcmpeqw Rx(d), Rx(X15));
    i16x8_ge_u => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pmaxuw Rx(X15), Rx(s); pcmpeqw Rx(d), Rx(X15));
    i16x8_le_u => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pminuw Rx(X15), Rx(s); pcmpeqw Rx(d), Rx(X15));
    i16x8_lt_u => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pmaxuw Rx(X15), Rx(s); pcmpeqw Rx(d), Rx(X15); pcmpeqd Rx(X15), Rx(X15); pxor Rx(d), Rx(X15));
    i16x8_gt_u => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pminuw Rx(X15), Rx(s); pcmpeqw Rx(d), Rx(X15); pcmpeqd Rx(X15), Rx(X15); pxor Rx(d), Rx(X15));
    i32x4_ge_s => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pmaxsd Rx(X15), Rx(s); pcmpeqd Rx(d), Rx(X15));
    i32x4_le_s => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pminsd Rx(X15), Rx(s); pcmpeqd Rx(d), Rx(X15));
    i32x4_ge_u => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pmaxud Rx(X15), Rx(s); pcmpeqd Rx(d), Rx(X15));
    i32x4_le_u => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pminud Rx(X15), Rx(s); pcmpeqd Rx(d), Rx(X15));
    i32x4_lt_u => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pmaxud Rx(X15), Rx(s); pcmpeqd Rx(d), Rx(X15); pcmpeqd Rx(X15), Rx(X15); pxor Rx(d), Rx(X15));
    i32x4_gt_u => |m, d, s| asm!(m; movdqa Rx(X15), Rx(d); pminud Rx(X15), Rx(s); pcmpeqd Rx(d), Rx(X15); pcmpeqd Rx(X15), Rx(X15); pxor Rx(d), Rx(X15));
    f32x4_add => |m, d, s| asm!(m; addps Rx(d), Rx(s));
    f32x4_sub => |m, d, s| asm!(m; subps Rx(d), Rx(s));
    f32x4_mul => |m, d, s| asm!(m; mulps Rx(d), Rx(s));
    f32x4_div => |m, d, s| asm!(m; divps Rx(d), Rx(s));
    f64x2_add => |m, d, s| asm!(m; addpd Rx(d), Rx(s));
    f64x2_sub => |m, d, s| asm!(m; subpd Rx(d), Rx(s));
    f64x2_mul => |m, d, s| asm!(m; mulpd Rx(d), Rx(s));
    f64x2_div => |m, d, s| asm!(m; divpd Rx(d), Rx(s));
    f32x4_eq => |m, d, s| asm!(m; cmpps Rx(d), Rx(s), 0);
    f32x4_lt => |m, d, s| asm!(m; cmpps Rx(d), Rx(s), 1);
    f32x4_le => |m, d, s| asm!(m; cmpps Rx(d), Rx(s), 2);
    f32x4_ne => |m, d, s| asm!(m; cmpps Rx(d), Rx(s), 4);
    f64x2_eq => |m, d, s| asm!(m; cmppd Rx(d), Rx(s), 0);
    f64x2_lt => |m, d, s| asm!(m; cmppd Rx(d), Rx(s), 1);
    f64x2_le => |m, d, s| asm!(m; cmppd Rx(d), Rx(s), 2);
    f64x2_ne => |m, d, s| asm!(m; cmppd Rx(d), Rx(s), 4);
    // wasm min/max: NaNs propagate and -0 < +0; minps/maxps do neither, so
    // combine both operand orders (the sequences V8 uses).
    f32x4_min => |m, d, s| asm!(m
        ; movaps Rx(X15), Rx(s)
        ; minps Rx(X15), Rx(d)
        ; minps Rx(d), Rx(s)
        ; orps Rx(X15), Rx(d)
        ; cmpps Rx(d), Rx(X15), 3
        ; orps Rx(X15), Rx(d)
        ; psrld Rx(d), 10
        ; andnps Rx(d), Rx(X15));
    f64x2_min => |m, d, s| asm!(m
        ; movapd Rx(X15), Rx(s)
        ; minpd Rx(X15), Rx(d)
        ; minpd Rx(d), Rx(s)
        ; orpd Rx(X15), Rx(d)
        ; cmppd Rx(d), Rx(X15), 3
        ; orpd Rx(X15), Rx(d)
        ; psrlq Rx(d), 13
        ; andnpd Rx(d), Rx(X15));
    f32x4_max => |m, d, s| asm!(m
        ; movaps Rx(X15), Rx(s)
        ; maxps Rx(X15), Rx(d)
        ; maxps Rx(d), Rx(s)
        ; xorps Rx(d), Rx(X15)
        ; orps Rx(X15), Rx(d)
        ; subps Rx(X15), Rx(d)
        ; cmpps Rx(d), Rx(X15), 3
        ; psrld Rx(d), 10
        ; andnps Rx(d), Rx(X15));
    f64x2_max => |m, d, s| asm!(m
        ; movapd Rx(X15), Rx(s)
        ; maxpd Rx(X15), Rx(d)
        ; maxpd Rx(d), Rx(s)
        ; xorpd Rx(d), Rx(X15)
        ; orpd Rx(X15), Rx(d)
        ; subpd Rx(X15), Rx(d)
        ; cmppd Rx(d), Rx(X15), 3
        ; psrlq Rx(d), 13
        ; andnpd Rx(d), Rx(X15));
    i8x16_narrow_i16x8_s => |m, d, s| asm!(m; packsswb Rx(d), Rx(s));
    i8x16_narrow_i16x8_u => |m, d, s| asm!(m; packuswb Rx(d), Rx(s));
    i16x8_narrow_i32x4_s => |m, d, s| asm!(m; packssdw Rx(d), Rx(s));
    i16x8_narrow_i32x4_u => |m, d, s| asm!(m; packusdw Rx(d), Rx(s));
    // Rounding Q15 multiply; 0x8000 * 0x8000 must saturate to 0x7fff.
    i16x8_q15mulr_sat_s => |m, d, s| {
        asm!(m; pmulhrsw Rx(d), Rx(s));
        splat32(m, X15, 0x8000_8000);
        asm!(m; pcmpeqw Rx(X15), Rx(d); pxor Rx(d), Rx(X15));
    };
    i64x2_mul => |m, d, s| asm!(m
        ; movdqa Rx(X15), Rx(d)
        ; movdqa Rx(X14), Rx(s)
        ; psrlq Rx(X15), 32
        ; pmuludq Rx(X15), Rx(s)
        ; psrlq Rx(X14), 32
        ; pmuludq Rx(X14), Rx(d)
        ; paddq Rx(X14), Rx(X15)
        ; psllq Rx(X14), 32
        ; pmuludq Rx(d), Rx(s)
        ; paddq Rx(d), Rx(X14));
    i8x16_swizzle => |m, d, s| {
        // Indices >= 16 select zero: saturate them into pshufb's "zero" range.
        splat32(m, X15, 0x7070_7070);
        asm!(m; paddusb Rx(X15), Rx(s); pshufb Rx(d), Rx(X15));
    };
    i16x8_extmul_low_i8x16_s => |m, d, s| asm!(m; pmovsxbw Rx(d), Rx(d); pmovsxbw Rx(X15), Rx(s); pmullw Rx(d), Rx(X15));
    i16x8_extmul_low_i8x16_u => |m, d, s| asm!(m; pmovzxbw Rx(d), Rx(d); pmovzxbw Rx(X15), Rx(s); pmullw Rx(d), Rx(X15));
    i16x8_extmul_high_i8x16_s => |m, d, s| asm!(m; psrldq Rx(d), 8; pmovsxbw Rx(d), Rx(d); movdqa Rx(X15), Rx(s); psrldq Rx(X15), 8; pmovsxbw Rx(X15), Rx(X15); pmullw Rx(d), Rx(X15));
    i16x8_extmul_high_i8x16_u => |m, d, s| asm!(m; psrldq Rx(d), 8; pmovzxbw Rx(d), Rx(d); movdqa Rx(X15), Rx(s); psrldq Rx(X15), 8; pmovzxbw Rx(X15), Rx(X15); pmullw Rx(d), Rx(X15));
    i32x4_extmul_low_i16x8_s => |m, d, s| asm!(m; pmovsxwd Rx(d), Rx(d); pmovsxwd Rx(X15), Rx(s); pmulld Rx(d), Rx(X15));
    i32x4_extmul_low_i16x8_u => |m, d, s| asm!(m; pmovzxwd Rx(d), Rx(d); pmovzxwd Rx(X15), Rx(s); pmulld Rx(d), Rx(X15));
    i32x4_extmul_high_i16x8_s => |m, d, s| asm!(m; psrldq Rx(d), 8; pmovsxwd Rx(d), Rx(d); movdqa Rx(X15), Rx(s); psrldq Rx(X15), 8; pmovsxwd Rx(X15), Rx(X15); pmulld Rx(d), Rx(X15));
    i32x4_extmul_high_i16x8_u => |m, d, s| asm!(m; psrldq Rx(d), 8; pmovzxwd Rx(d), Rx(d); movdqa Rx(X15), Rx(s); psrldq Rx(X15), 8; pmovzxwd Rx(X15), Rx(X15); pmulld Rx(d), Rx(X15));
    // pmuldq/pmuludq multiply the even dwords: spread the source lanes there.
    i64x2_extmul_low_i32x4_s => |m, d, s| asm!(m; pshufd Rx(d), Rx(d), 0x50; pshufd Rx(X15), Rx(s), 0x50; pmuldq Rx(d), Rx(X15));
    i64x2_extmul_low_i32x4_u => |m, d, s| asm!(m; pshufd Rx(d), Rx(d), 0x50; pshufd Rx(X15), Rx(s), 0x50; pmuludq Rx(d), Rx(X15));
    i64x2_extmul_high_i32x4_s => |m, d, s| asm!(m; pshufd Rx(d), Rx(d), 0xfa_u8 as i8; pshufd Rx(X15), Rx(s), 0xfa_u8 as i8; pmuldq Rx(d), Rx(X15));
    i64x2_extmul_high_i32x4_u => |m, d, s| asm!(m; pshufd Rx(d), Rx(d), 0xfa_u8 as i8; pshufd Rx(X15), Rx(s), 0xfa_u8 as i8; pmuludq Rx(d), Rx(X15));
});

simd_ops!(simd_bin_swapped {
    // andnot(a, b) = a & !b = pandn with b as the destination.
    v128_andnot => |m, d, s| asm!(m; pandn Rx(d), Rx(s));
    i8x16_lt_s => |m, d, s| asm!(m; pcmpgtb Rx(d), Rx(s));
    i16x8_lt_s => |m, d, s| asm!(m; pcmpgtw Rx(d), Rx(s));
    i32x4_lt_s => |m, d, s| asm!(m; pcmpgtd Rx(d), Rx(s));
    f32x4_gt => |m, d, s| asm!(m; cmpps Rx(d), Rx(s), 1);
    f32x4_ge => |m, d, s| asm!(m; cmpps Rx(d), Rx(s), 2);
    f64x2_gt => |m, d, s| asm!(m; cmppd Rx(d), Rx(s), 1);
    f64x2_ge => |m, d, s| asm!(m; cmppd Rx(d), Rx(s), 2);
    // pmin(a, b) = b < a ? b : a = minps(b, a); pmax(a, b) = a < b ? b : a.
    f32x4_pmin => |m, d, s| asm!(m; minps Rx(d), Rx(s));
    f32x4_pmax => |m, d, s| asm!(m; maxps Rx(d), Rx(s));
    f64x2_pmin => |m, d, s| asm!(m; minpd Rx(d), Rx(s));
    f64x2_pmax => |m, d, s| asm!(m; maxpd Rx(d), Rx(s));
});

simd_ops!(simd_un_v {
    v128_not => |m, d| asm!(m; pcmpeqd Rx(X15), Rx(X15); pxor Rx(d), Rx(X15));
    i8x16_abs => |m, d| asm!(m; pabsb Rx(d), Rx(d));
    i16x8_abs => |m, d| asm!(m; pabsw Rx(d), Rx(d));
    i32x4_abs => |m, d| asm!(m; pabsd Rx(d), Rx(d));
    i64x2_abs => |m, d| asm!(m; pshufd Rx(X15), Rx(d), 0xf5_u8 as i8; psrad Rx(X15), 31; pxor Rx(d), Rx(X15); psubq Rx(d), Rx(X15));
    i8x16_neg => |m, d| asm!(m; pxor Rx(X15), Rx(X15); psubb Rx(X15), Rx(d); movdqa Rx(d), Rx(X15));
    i16x8_neg => |m, d| asm!(m; pxor Rx(X15), Rx(X15); psubw Rx(X15), Rx(d); movdqa Rx(d), Rx(X15));
    i32x4_neg => |m, d| asm!(m; pxor Rx(X15), Rx(X15); psubd Rx(X15), Rx(d); movdqa Rx(d), Rx(X15));
    i64x2_neg => |m, d| asm!(m; pxor Rx(X15), Rx(X15); psubq Rx(X15), Rx(d); movdqa Rx(d), Rx(X15));
    f32x4_abs => |m, d| asm!(m; pcmpeqd Rx(X15), Rx(X15); psrld Rx(X15), 1; andps Rx(d), Rx(X15));
    f64x2_abs => |m, d| asm!(m; pcmpeqd Rx(X15), Rx(X15); psrlq Rx(X15), 1; andpd Rx(d), Rx(X15));
    f32x4_neg => |m, d| asm!(m; pcmpeqd Rx(X15), Rx(X15); pslld Rx(X15), 31; xorps Rx(d), Rx(X15));
    f64x2_neg => |m, d| asm!(m; pcmpeqd Rx(X15), Rx(X15); psllq Rx(X15), 63; xorpd Rx(d), Rx(X15));
    f32x4_sqrt => |m, d| asm!(m; sqrtps Rx(d), Rx(d));
    f64x2_sqrt => |m, d| asm!(m; sqrtpd Rx(d), Rx(d));
    f32x4_ceil => |m, d| asm!(m; roundps Rx(d), Rx(d), 10);
    f32x4_floor => |m, d| asm!(m; roundps Rx(d), Rx(d), 9);
    f32x4_trunc => |m, d| asm!(m; roundps Rx(d), Rx(d), 11);
    f32x4_nearest => |m, d| asm!(m; roundps Rx(d), Rx(d), 8);
    f64x2_ceil => |m, d| asm!(m; roundpd Rx(d), Rx(d), 10);
    f64x2_floor => |m, d| asm!(m; roundpd Rx(d), Rx(d), 9);
    f64x2_trunc => |m, d| asm!(m; roundpd Rx(d), Rx(d), 11);
    f64x2_nearest => |m, d| asm!(m; roundpd Rx(d), Rx(d), 8);
    f32x4_convert_i32x4_s => |m, d| asm!(m; cvtdq2ps Rx(d), Rx(d));
    // Unsigned: convert the low 16 bits exactly, the high part halved (so
    // it is positive), and add up.
    f32x4_convert_i32x4_u => |m, d| asm!(m
        ; pxor Rx(X15), Rx(X15)
        ; pblendw Rx(X15), Rx(d), 0x55
        ; psubd Rx(d), Rx(X15)
        ; cvtdq2ps Rx(X15), Rx(X15)
        ; psrld Rx(d), 1
        ; cvtdq2ps Rx(d), Rx(d)
        ; addps Rx(d), Rx(d)
        ; addps Rx(d), Rx(X15));
    // NaN lanes become 0, and positive overflow (0x80000000 from a positive
    // input) becomes 0x7fffffff.
    i32x4_trunc_sat_f32x4_s => |m, d| asm!(m
        ; movaps Rx(X15), Rx(d)
        ; cmpps Rx(X15), Rx(X15), 0
        ; andps Rx(d), Rx(X15)
        ; pxor Rx(X15), Rx(d)
        ; cvttps2dq Rx(d), Rx(d)
        ; pand Rx(X15), Rx(d)
        ; psrad Rx(X15), 31
        ; pxor Rx(d), Rx(X15));
    f64x2_convert_low_i32x4_s => |m, d| asm!(m; cvtdq2pd Rx(d), Rx(d));
    // 0x43300000_xxxxxxxx is the double 2^52 + x, exactly: subtract 2^52.
    f64x2_convert_low_i32x4_u => |m, d| {
        splat32(m, X15, 0x4330_0000);
        asm!(m; unpcklps Rx(d), Rx(X15));
        const128(m, X15, 0x4330_0000_0000_0000_4330_0000_0000_0000);
        asm!(m; subpd Rx(d), Rx(X15));
    };
    // NaN -> 0 (min picks the 0 where the mask cleared the bound), too
    // large -> i32::MAX, too small -> cvttpd2dq's i32::MIN.
    i32x4_trunc_sat_f64x2_s_zero => |m, d| {
        asm!(m; movapd Rx(X15), Rx(d); cmppd Rx(X15), Rx(X15), 0);
        const128(m, X14, 0x41df_ffff_ffc0_0000_41df_ffff_ffc0_0000);
        asm!(m; andpd Rx(X15), Rx(X14); minpd Rx(d), Rx(X15); cvttpd2dq Rx(d), Rx(d));
    };
    // Clamp to [0, u32::MAX], truncate, and read the integer out of the
    // significand of 2^52 + x.
    i32x4_trunc_sat_f64x2_u_zero => |m, d| {
        asm!(m; xorpd Rx(X15), Rx(X15); maxpd Rx(d), Rx(X15));
        const128(m, X14, 0x41ef_ffff_ffe0_0000_41ef_ffff_ffe0_0000);
        asm!(m; minpd Rx(d), Rx(X14); roundpd Rx(d), Rx(d), 11);
        const128(m, X14, 0x4330_0000_0000_0000_4330_0000_0000_0000);
        asm!(m; addpd Rx(d), Rx(X14); shufps Rx(d), Rx(X15), 0x88_u8 as i8);
    };
    // Lanes >= 2^31 convert as x - 2^31 and add back; NaN and negatives
    // become 0, overflow u32::MAX.
    i32x4_trunc_sat_f32x4_u => |m, d| asm!(m
        ; pxor Rx(X15), Rx(X15)
        ; maxps Rx(d), Rx(X15)
        ; pcmpeqd Rx(X15), Rx(X15)
        ; psrld Rx(X15), 1
        ; cvtdq2ps Rx(X15), Rx(X15)
        ; movaps Rx(X14), Rx(d)
        ; subps Rx(X14), Rx(X15)
        ; cmpps Rx(X15), Rx(X14), 2
        ; cvttps2dq Rx(X14), Rx(X14)
        ; pxor Rx(X14), Rx(X15)
        ; pxor Rx(X15), Rx(X15)
        ; pmaxsd Rx(X14), Rx(X15)
        ; cvttps2dq Rx(d), Rx(d)
        ; paddd Rx(d), Rx(X14));
    f32x4_demote_f64x2_zero => |m, d| asm!(m; cvtpd2ps Rx(d), Rx(d));
    f64x2_promote_low_f32x4 => |m, d| asm!(m; cvtps2pd Rx(d), Rx(d));
    i16x8_extend_low_i8x16_s => |m, d| asm!(m; pmovsxbw Rx(d), Rx(d));
    i16x8_extend_low_i8x16_u => |m, d| asm!(m; pmovzxbw Rx(d), Rx(d));
    i32x4_extend_low_i16x8_s => |m, d| asm!(m; pmovsxwd Rx(d), Rx(d));
    i32x4_extend_low_i16x8_u => |m, d| asm!(m; pmovzxwd Rx(d), Rx(d));
    i64x2_extend_low_i32x4_s => |m, d| asm!(m; pmovsxdq Rx(d), Rx(d));
    i64x2_extend_low_i32x4_u => |m, d| asm!(m; pmovzxdq Rx(d), Rx(d));
    i16x8_extend_high_i8x16_s => |m, d| asm!(m; psrldq Rx(d), 8; pmovsxbw Rx(d), Rx(d));
    i16x8_extend_high_i8x16_u => |m, d| asm!(m; psrldq Rx(d), 8; pmovzxbw Rx(d), Rx(d));
    i32x4_extend_high_i16x8_s => |m, d| asm!(m; psrldq Rx(d), 8; pmovsxwd Rx(d), Rx(d));
    i32x4_extend_high_i16x8_u => |m, d| asm!(m; psrldq Rx(d), 8; pmovzxwd Rx(d), Rx(d));
    i64x2_extend_high_i32x4_s => |m, d| asm!(m; psrldq Rx(d), 8; pmovsxdq Rx(d), Rx(d));
    i64x2_extend_high_i32x4_u => |m, d| asm!(m; psrldq Rx(d), 8; pmovzxdq Rx(d), Rx(d));
    i16x8_extadd_pairwise_i8x16_s => |m, d| {
        splat32(m, X15, 0x0101_0101);
        asm!(m; pmaddubsw Rx(X15), Rx(d); movdqa Rx(d), Rx(X15));
    };
    i16x8_extadd_pairwise_i8x16_u => |m, d| {
        splat32(m, X15, 0x0101_0101);
        asm!(m; pmaddubsw Rx(d), Rx(X15));
    };
    i32x4_extadd_pairwise_i16x8_s => |m, d| {
        splat32(m, X15, 0x0001_0001);
        asm!(m; pmaddwd Rx(d), Rx(X15));
    };
    // Unsigned: bias to signed, add pairwise, unbias (2 * 0x8000 per lane).
    i32x4_extadd_pairwise_i16x8_u => |m, d| {
        splat32(m, X15, 0x8000_8000);
        asm!(m; pxor Rx(d), Rx(X15));
        splat32(m, X15, 0x0001_0001);
        asm!(m; pmaddwd Rx(d), Rx(X15));
        splat32(m, X15, 0x0001_0000);
        asm!(m; paddd Rx(d), Rx(X15));
    };
    i8x16_popcnt => |m, d| {
        // Nibble lookup with pshufb.
        splat32(m, X14, 0x0f0f_0f0f);
        asm!(m
            ; movdqa Rx(X15), Rx(d)
            ; pand Rx(X15), Rx(X14)
            ; psrlw Rx(d), 4
            ; pand Rx(d), Rx(X14)
        );
        const128(m, X14, 0x0403_0302_0302_0201_0302_0201_0201_0100);
        asm!(m
            ; pshufb Rx(X14), Rx(X15)
            ; movdqa Rx(X15), Rx(X14)
        );
        const128(m, X14, 0x0403_0302_0302_0201_0302_0201_0201_0100);
        asm!(m
            ; pshufb Rx(X14), Rx(d)
            ; paddb Rx(X15), Rx(X14)
            ; movdqa Rx(d), Rx(X15)
        );
    };
});

macro_rules! simd_to_scalar {
    ($($name:ident => $ty:ident $(($lane:ident))? |$m:ident, $d:ident, $v:ident $(, $l:ident)?| $body:expr;)*) => {
        impl Masm {
            $(
                pub fn $name(&mut self, d: Reg, v: Reg $(, $lane: u8)?) {
                    $(let $l = $lane as i8;)?
                    let ($d, $v) = (d.code(), v.code());
                    let $m = self;
                    $body;
                }
            )*
        }
    };
}

simd_to_scalar! {
    i8x16_extract_lane_s => I32 (lane) |m, d, v, l| asm!(m; pextrb Rd(d), Rx(v), l; movsx Rd(d), Rb(d));
    i8x16_extract_lane_u => I32 (lane) |m, d, v, l| asm!(m; pextrb Rd(d), Rx(v), l);
    i16x8_extract_lane_s => I32 (lane) |m, d, v, l| asm!(m; pextrw Rd(d), Rx(v), l; movsx Rd(d), Rw(d));
    i16x8_extract_lane_u => I32 (lane) |m, d, v, l| asm!(m; pextrw Rd(d), Rx(v), l);
    i32x4_extract_lane => I32 (lane) |m, d, v, l| asm!(m; pextrd Rd(d), Rx(v), l);
    i64x2_extract_lane => I64 (lane) |m, d, v, l| asm!(m; pextrq Rq(d), Rx(v), l);
    f32x4_extract_lane => F32 (lane) |m, d, v, l| asm!(m; pshufd Rx(d), Rx(v), l);
    // Lane 1 moves dwords 2 and 3 down (0b1110_1110).
    f64x2_extract_lane => F64 (lane) |m, d, v, l| if l == 0 {
        asm!(m; movaps Rx(d), Rx(v))
    } else {
        asm!(m; pshufd Rx(d), Rx(v), 0xee_u8 as i8)
    };
    i8x16_bitmask => I32 |m, d, v| asm!(m; pmovmskb Rd(d), Rx(v));
    i16x8_bitmask => I32 |m, d, v| asm!(m
        ; movdqa Rx(X15), Rx(v)
        ; packsswb Rx(X15), Rx(X15)
        ; pmovmskb Rd(d), Rx(X15)
        ; movzx Rd(d), Rb(d));
    i32x4_bitmask => I32 |m, d, v| asm!(m; movmskps Rd(d), Rx(v));
    i64x2_bitmask => I32 |m, d, v| asm!(m; movmskpd Rd(d), Rx(v));
}

macro_rules! simd_replace {
    ($($name:ident => |$m:ident, $v:ident, $s:ident, $l:ident| $body:expr;)*) => {
        impl Masm {
            $(
                pub fn $name(&mut self, v: Reg, s: Reg, lane: u8) {
                    let ($v, $s, $l) = (v.code(), s.code(), lane as i8);
                    let $m = self;
                    $body;
                }
            )*
        }
    };
}

simd_replace! {
    i8x16_replace_lane => |m, v, s, l| asm!(m; pinsrb Rx(v), Rd(s), l);
    i16x8_replace_lane => |m, v, s, l| asm!(m; pinsrw Rx(v), Rd(s), l);
    i32x4_replace_lane => |m, v, s, l| asm!(m; pinsrd Rx(v), Rd(s), l);
    i64x2_replace_lane => |m, v, s, l| asm!(m; pinsrq Rx(v), Rq(s), l);
    f32x4_replace_lane => |m, v, s, l| asm!(m; insertps Rx(v), Rx(s), (l << 4));
    f64x2_replace_lane => |m, v, s, l| if l == 0 {
        asm!(m; movsd Rx(v), Rx(s))
    } else {
        asm!(m; unpcklpd Rx(v), Rx(s))
    };
}

macro_rules! simd_splats {
    ($($name:ident => |$m:ident, $d:ident, $s:ident| $body:expr;)*) => {
        impl Masm {
            $(
                pub fn $name(&mut self, d: Reg, s: Reg) {
                    let ($d, $s) = (d.code(), s.code());
                    let $m = self;
                    $body;
                }
            )*
        }
    };
}

simd_splats! {
    i8x16_splat => |m, d, s| asm!(m; movd Rx(d), Rd(s); pxor Rx(X15), Rx(X15); pshufb Rx(d), Rx(X15));
    i16x8_splat => |m, d, s| asm!(m; movd Rx(d), Rd(s); pshuflw Rx(d), Rx(d), 0; pshufd Rx(d), Rx(d), 0);
    i32x4_splat => |m, d, s| asm!(m; movd Rx(d), Rd(s); pshufd Rx(d), Rx(d), 0);
    i64x2_splat => |m, d, s| asm!(m; movq Rx(d), Rq(s); punpcklqdq Rx(d), Rx(d));
    f32x4_splat => |m, d, s| asm!(m; movaps Rx(d), Rx(s); shufps Rx(d), Rx(d), 0);
    f64x2_splat => |m, d, s| asm!(m; movaps Rx(d), Rx(s); unpcklpd Rx(d), Rx(d));
}

macro_rules! simd_tests {
    ($($name:ident => $cond:ident |$m:ident, $v:ident| $body:expr;)*) => {
        impl Masm {
            $(
                /// Returns the condition that holds when the i32 result is 1.
                pub fn $name(&mut self, v: Reg) -> Cond {
                    let $v = v.code();
                    let $m = &mut *self;
                    $body;
                    Cond::$cond
                }
            )*
        }
    };
}

// The i32 result stays in the flags (ZF), ready for br_if/select.
simd_tests! {
    v128_any_true => NE |m, v| asm!(m; ptest Rx(v), Rx(v));
    i8x16_all_true => E |m, v| asm!(m; pxor Rx(X15), Rx(X15); pcmpeqb Rx(X15), Rx(v); ptest Rx(X15), Rx(X15));
    i16x8_all_true => E |m, v| asm!(m; pxor Rx(X15), Rx(X15); pcmpeqw Rx(X15), Rx(v); ptest Rx(X15), Rx(X15));
    i32x4_all_true => E |m, v| asm!(m; pxor Rx(X15), Rx(X15); pcmpeqd Rx(X15), Rx(v); ptest Rx(X15), Rx(X15));
    i64x2_all_true => E |m, v| asm!(m; pxor Rx(X15), Rx(X15); pcmpeqq Rx(X15), Rx(v); ptest Rx(X15), Rx(X15));
}

macro_rules! simd_shifts {
    ($($name:ident => $mask:expr, $add:expr, |$m:ident, $v:ident, $c:ident| $body:expr;)*) => {
        impl Masm {
            $(
                pub fn $name(&mut self, v: Reg, count: Operand) {
                    self.simd_shift_count($mask, $add, count);
                    let ($v, $c) = (v.code(), X14);
                    let $m = self;
                    $body;
                }
            )*
        }
    };
}

// The count is in xmm14 (already masked to the lane width).
simd_shifts! {
    i16x8_shl => 15, 0, |m, v, c| asm!(m; psllw Rx(v), Rx(c));
    i16x8_shr_s => 15, 0, |m, v, c| asm!(m; psraw Rx(v), Rx(c));
    i16x8_shr_u => 15, 0, |m, v, c| asm!(m; psrlw Rx(v), Rx(c));
    i32x4_shl => 31, 0, |m, v, c| asm!(m; pslld Rx(v), Rx(c));
    i32x4_shr_s => 31, 0, |m, v, c| asm!(m; psrad Rx(v), Rx(c));
    i32x4_shr_u => 31, 0, |m, v, c| asm!(m; psrld Rx(v), Rx(c));
    i64x2_shl => 63, 0, |m, v, c| asm!(m; psllq Rx(v), Rx(c));
    i64x2_shr_u => 63, 0, |m, v, c| asm!(m; psrlq Rx(v), Rx(c));
    // No psraq: (x >>u n) ^ m - m with m = sign bit >>u n sign-extends.
    i64x2_shr_s => 63, 0, |m, v, c| asm!(m
        ; pcmpeqd Rx(X15), Rx(X15)
        ; psllq Rx(X15), 63
        ; psrlq Rx(X15), Rx(c)
        ; psrlq Rx(v), Rx(c)
        ; pxor Rx(v), Rx(X15)
        ; psubq Rx(v), Rx(X15));
    // Bytes: shift words, then clear the bits that crossed from the
    // neighbouring byte (mask = 0xff shifted the same way, per byte).
    i8x16_shl => 7, 0, |m, v, c| asm!(m
        ; psllw Rx(v), Rx(c)
        ; pcmpeqd Rx(X15), Rx(X15)
        ; psrlw Rx(X15), 8
        ; psllw Rx(X15), Rx(c)
        // Keep the low byte of each word (0xff << n), so the pack does
        // not saturate.
        ; psllw Rx(X15), 8
        ; psrlw Rx(X15), 8
        ; packuswb Rx(X15), Rx(X15)
        ; pand Rx(v), Rx(X15));
    i8x16_shr_u => 7, 0, |m, v, c| asm!(m
        ; psrlw Rx(v), Rx(c)
        ; pcmpeqd Rx(X15), Rx(X15)
        ; psrlw Rx(X15), 8
        ; psrlw Rx(X15), Rx(c)
        ; packuswb Rx(X15), Rx(X15)
        ; pand Rx(v), Rx(X15));
    // Signed bytes: widen into the high byte of words, shift by n + 8, pack.
    i8x16_shr_s => 7, 8, |m, v, c| asm!(m
        ; movdqa Rx(X15), Rx(v)
        ; punpckhbw Rx(X15), Rx(X15)
        ; punpcklbw Rx(v), Rx(v)
        ; psraw Rx(X15), Rx(c)
        ; psraw Rx(v), Rx(c)
        ; packsswb Rx(v), Rx(X15));
}

simd_ops!(simd_bin {
    i64x2_gt_s => |m, d, s| asm!(m; pcmpgtq Rx(d), Rx(s));
    // a <= b  <=>  !(a > b)
    i64x2_le_s => |m, d, s| asm!(m; pcmpgtq Rx(d), Rx(s); pcmpeqd Rx(X15), Rx(X15); pxor Rx(d), Rx(X15));
});

simd_ops!(simd_bin_swapped {
    i64x2_lt_s => |m, d, s| asm!(m; pcmpgtq Rx(d), Rx(s));
    i64x2_ge_s => |m, d, s| asm!(m; pcmpgtq Rx(d), Rx(s); pcmpeqd Rx(X15), Rx(X15); pxor Rx(d), Rx(X15));
});
