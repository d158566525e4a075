//! 128-bit SIMD operators, generic side: pop the operands, choose and
//! allocate registers, compute heap addresses, push the result, and ask the
//! macro assembler for the operator by name (`Masm::i8x16_add(dst, src)`;
//! the x86-64 instructions are in `isa/ops_simd.rs`). Every operator
//! belongs to one shape below, which fixes the signature of its `Masm`
//! method.
//!
//! v128 values live in fp/vector registers like floats; `v128.const` is
//! materialised at once (a `Loc::Const` holds 64 bits). Operators not
//! implemented fall back to [`SimdFallback`]'s defaults, which fail the
//! compile with a clean error.

use wasmparser::{for_each_visit_simd_operator, MemArg, V128};

use super::stack::{Loc, Opnd};
use super::CodeGen;
use crate::compiler::isa::masm::{Addr, Cond, Masm, Operand};
use crate::compiler::isa::regs::Reg;
use crate::module::{CompileError, ValType};
use crate::vm::TrapCode;

macro_rules! define_fallback {
    ($(@$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            #[allow(unused_variables)]
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Result<(), CompileError> {
                Err(self.simd_unsupported(concat!("the `", stringify!($op), "` operator")))
            }
        )*
    };
}

/// Every SIMD operator, failing by default; `CodeGen`'s inherent methods of
/// the same names take precedence where implemented.
#[allow(dead_code)]
pub(crate) trait SimdFallback {
    fn simd_unsupported(&self, what: &str) -> CompileError;

    for_each_visit_simd_operator!(define_fallback);
}

impl SimdFallback for CodeGen<'_> {
    fn simd_unsupported(&self, what: &str) -> CompileError {
        self.unsupported(what)
    }
}

const V: ValType = ValType::V128;

/// `Masm` methods by shape.
type Bin = fn(&mut Masm, Reg, Reg);
type Un = fn(&mut Masm, Reg);

impl<'m> CodeGen<'m> {
    fn simd_ok(&self) -> Result<(), CompileError> {
        self.masm
            .simd_supported()
            .map_err(|why| self.unsupported(why))
    }

    /// `a op b` with the result in (a copy of) `a`.
    fn simd_bin(&mut self, f: Bin) -> Result<(), CompileError> {
        let b = self.pop();
        let a = self.pop();
        let ra = self.opnd_to_reg(a);
        let (rb, owned) = self.read_reg(b);
        f(&mut self.masm, ra, rb);
        if owned {
            self.release(rb);
        }
        self.push_reg(V, ra);
        Ok(())
    }

    /// `b op a` with the result in (a copy of) `b` (for operators whose
    /// instruction takes the operands the other way round).
    fn simd_bin_swapped(&mut self, f: Bin) -> Result<(), CompileError> {
        let b = self.pop();
        let a = self.pop();
        let rb = self.opnd_to_reg(b);
        let (ra, owned) = self.read_reg(a);
        f(&mut self.masm, rb, ra);
        if owned {
            self.release(ra);
        }
        self.push_reg(V, rb);
        Ok(())
    }

    /// An in-place operation on one v128.
    fn simd_un(&mut self, f: Un) -> Result<(), CompileError> {
        let r = self.pop_reg();
        f(&mut self.masm, r);
        self.push_reg(V, r);
        Ok(())
    }

    /// A scalar operand broadcast with `f(dst, scalar)`.
    fn simd_splat(&mut self, f: Bin) -> Result<(), CompileError> {
        let o = self.pop();
        let (rs, owned) = self.read_reg(o);
        let d = self.alloc(V);
        f(&mut self.masm, d, rs);
        if owned {
            self.release(rs);
        }
        self.push_reg(V, d);
        Ok(())
    }

    /// A lane-wise test whose i32 result stays in the flags.
    fn simd_test(&mut self, f: fn(&mut Masm, Reg) -> Cond) -> Result<(), CompileError> {
        let o = self.pop();
        let (r, owned) = self.read_reg(o);
        let c = f(&mut self.masm, r);
        if owned {
            self.release(r);
        }
        self.push(ValType::I32, Loc::Flags(c));
        Ok(())
    }

    /// A shift of a v128 by an i32 count: `f(v, count)`.
    fn simd_shift(&mut self, f: fn(&mut Masm, Reg, Operand)) -> Result<(), CompileError> {
        let c = self.pop();
        let v = self.pop();
        let rv = self.opnd_to_reg(v);
        // Per location: a constant count is an immediate, any other is read
        // in a register (`read_reg`).
        match c.loc {
            Loc::Const(bits) => f(&mut self.masm, rv, Operand::Const(bits)),
            _ => {
                let (rc, owned) = self.read_reg(c);
                f(&mut self.masm, rv, Operand::Reg(rc));
                if owned {
                    self.release(rc);
                }
            }
        }
        self.push_reg(V, rv);
        Ok(())
    }

    /// A v128 lane to a scalar of type `ty`: `f(dst, v)`.
    fn simd_to_scalar(
        &mut self,
        ty: ValType,
        f: impl FnOnce(&mut Masm, Reg, Reg),
    ) -> Result<(), CompileError> {
        let o = self.pop();
        let (v, owned) = self.read_reg(o);
        let d = self.alloc(ty);
        f(&mut self.masm, d, v);
        if owned {
            self.release(v);
        }
        self.push_reg(ty, d);
        Ok(())
    }

    /// Replaces lane `lane` of the v128 below with the scalar on top.
    fn simd_replace(
        &mut self,
        lane: u8,
        f: fn(&mut Masm, Reg, Reg, u8),
    ) -> Result<(), CompileError> {
        let s = self.pop();
        let v = self.pop();
        let rv = self.opnd_to_reg(v);
        let (rs, owned) = self.read_reg(s);
        f(&mut self.masm, rv, rs, lane);
        if owned {
            self.release(rs);
        }
        self.push_reg(V, rv);
        Ok(())
    }

    /// Emits `f(addr)` for the address operand at a recorded trap site.
    fn simd_mem(&mut self, addr: Opnd, memarg: MemArg, size: u64, f: impl FnOnce(&mut Masm, Addr)) {
        let (a, owned) = self.effective_addr(addr, &memarg, size);
        if !self.env.config.explicit_bounds_checks {
            self.record_trap_site(TrapCode::MemoryOutOfBounds);
        }
        f(&mut self.masm, a);
        if let Some(r) = owned {
            self.release(r);
        }
    }

    /// A load into a fresh register: `f(dst, addr)`.
    fn simd_load(
        &mut self,
        memarg: MemArg,
        size: u64,
        f: fn(&mut Masm, Reg, Addr),
    ) -> Result<(), CompileError> {
        // The destination first: the address may be a local's register.
        let addr = self.pop();
        let d = self.alloc(V);
        self.simd_mem(addr, memarg, size, |m, a| f(m, d, a));
        self.push_reg(V, d);
        Ok(())
    }

    /// A load into a lane of the v128 operand below the address.
    fn simd_load_lane(
        &mut self,
        memarg: MemArg,
        size: u64,
        f: impl FnOnce(&mut Masm, Reg, Addr),
    ) -> Result<(), CompileError> {
        let v = self.pop();
        let addr = self.pop();
        let rv = self.opnd_to_reg(v);
        self.simd_mem(addr, memarg, size, |m, a| f(m, rv, a));
        self.push_reg(V, rv);
        Ok(())
    }

    /// A store of the v128 operand: `f(v, addr)`.
    fn simd_store(
        &mut self,
        memarg: MemArg,
        size: u64,
        f: impl FnOnce(&mut Masm, Reg, Addr),
    ) -> Result<(), CompileError> {
        let v = self.pop();
        let addr = self.pop();
        let rv = self.opnd_to_reg(v);
        self.simd_mem(addr, memarg, size, |m, a| f(m, rv, a));
        self.release(rv);
        Ok(())
    }

    pub fn visit_v128_const(&mut self, value: V128) -> Result<(), CompileError> {
        self.simd_ok()?;
        let r = self.alloc(V);
        self.masm.v128_const(r, value.i128() as u128);
        self.push_reg(V, r);
        Ok(())
    }

    pub fn visit_v128_load(&mut self, memarg: MemArg) -> Result<(), CompileError> {
        self.simd_ok()?;
        self.simd_load(memarg, 16, Masm::v128_load)
    }

    pub fn visit_v128_store(&mut self, memarg: MemArg) -> Result<(), CompileError> {
        self.simd_ok()?;
        self.simd_store(memarg, 16, Masm::v128_store)
    }

    pub fn visit_v128_bitselect(&mut self) -> Result<(), CompileError> {
        self.simd_ok()?;
        let c = self.pop();
        let v2 = self.pop();
        let v1 = self.pop();
        let r1 = self.opnd_to_reg(v1);
        let (r2, owned2) = self.read_reg(v2);
        let (rc, ownedc) = self.read_reg(c);
        // v1 & c | v2 & !c
        self.masm.v128_bitselect(r1, r2, rc);
        if owned2 {
            self.release(r2);
        }
        if ownedc {
            self.release(rc);
        }
        self.push_reg(V, r1);
        Ok(())
    }

    pub fn visit_i8x16_shuffle(&mut self, lanes: [u8; 16]) -> Result<(), CompileError> {
        self.simd_ok()?;
        let b = self.pop();
        let a = self.pop();
        let ra = self.opnd_to_reg(a);
        let (rb, owned) = self.read_reg(b);
        self.masm.i8x16_shuffle(ra, rb, lanes);
        if owned {
            self.release(rb);
        }
        self.push_reg(V, ra);
        Ok(())
    }
}

/// `visit_x => shape(Masm::x)`: every SIMD operator needs the ISA's SIMD
/// support, then goes through its shape's helper.
macro_rules! simd_visits {
    ($($visit:ident => $helper:ident($($arg:expr),*);)*) => {
        impl<'m> CodeGen<'m> {
            $(
                pub fn $visit(&mut self) -> Result<(), CompileError> {
                    self.simd_ok()?;
                    self.$helper($($arg),*)
                }
            )*
        }
    };
}

macro_rules! simd_visits_mem {
    ($($visit:ident => $helper:ident($size:expr, $emit:path);)*) => {
        impl<'m> CodeGen<'m> {
            $(
                pub fn $visit(&mut self, memarg: MemArg) -> Result<(), CompileError> {
                    self.simd_ok()?;
                    self.$helper(memarg, $size, $emit)
                }
            )*
        }
    };
}

macro_rules! simd_visits_lane_mem {
    ($($visit:ident => $helper:ident($size:expr, $emit:path);)*) => {
        impl<'m> CodeGen<'m> {
            $(
                pub fn $visit(&mut self, memarg: MemArg, lane: u8) -> Result<(), CompileError> {
                    self.simd_ok()?;
                    self.$helper(memarg, $size, |m, v, a| $emit(m, v, a, lane))
                }
            )*
        }
    };
}

macro_rules! simd_visits_lane {
    ($lane:ident; $($visit:ident => $helper:ident($($arg:expr),*);)*) => {
        impl<'m> CodeGen<'m> {
            $(
                pub fn $visit(&mut self, $lane: u8) -> Result<(), CompileError> {
                    self.simd_ok()?;
                    self.$helper($($arg),*)
                }
            )*
        }
    };
}

simd_visits_mem! {
    visit_v128_load8x8_s => simd_load(8, Masm::v128_load8x8_s);
    visit_v128_load8x8_u => simd_load(8, Masm::v128_load8x8_u);
    visit_v128_load16x4_s => simd_load(8, Masm::v128_load16x4_s);
    visit_v128_load16x4_u => simd_load(8, Masm::v128_load16x4_u);
    visit_v128_load32x2_s => simd_load(8, Masm::v128_load32x2_s);
    visit_v128_load32x2_u => simd_load(8, Masm::v128_load32x2_u);
    visit_v128_load32_zero => simd_load(4, Masm::v128_load32_zero);
    visit_v128_load64_zero => simd_load(8, Masm::v128_load64_zero);
    visit_v128_load8_splat => simd_load(1, Masm::v128_load8_splat);
    visit_v128_load16_splat => simd_load(2, Masm::v128_load16_splat);
    visit_v128_load32_splat => simd_load(4, Masm::v128_load32_splat);
    visit_v128_load64_splat => simd_load(8, Masm::v128_load64_splat);
}

simd_visits_lane_mem! {
    visit_v128_load8_lane => simd_load_lane(1, Masm::v128_load8_lane);
    visit_v128_load16_lane => simd_load_lane(2, Masm::v128_load16_lane);
    visit_v128_load32_lane => simd_load_lane(4, Masm::v128_load32_lane);
    visit_v128_load64_lane => simd_load_lane(8, Masm::v128_load64_lane);
    visit_v128_store8_lane => simd_store(1, Masm::v128_store8_lane);
    visit_v128_store16_lane => simd_store(2, Masm::v128_store16_lane);
    visit_v128_store32_lane => simd_store(4, Masm::v128_store32_lane);
    visit_v128_store64_lane => simd_store(8, Masm::v128_store64_lane);
}

simd_visits! {
    visit_v128_and => simd_bin(Masm::v128_and);
    visit_v128_or => simd_bin(Masm::v128_or);
    visit_v128_xor => simd_bin(Masm::v128_xor);
    visit_i8x16_add => simd_bin(Masm::i8x16_add);
    visit_i16x8_add => simd_bin(Masm::i16x8_add);
    visit_i32x4_add => simd_bin(Masm::i32x4_add);
    visit_i64x2_add => simd_bin(Masm::i64x2_add);
    visit_i8x16_sub => simd_bin(Masm::i8x16_sub);
    visit_i16x8_sub => simd_bin(Masm::i16x8_sub);
    visit_i32x4_sub => simd_bin(Masm::i32x4_sub);
    visit_i64x2_sub => simd_bin(Masm::i64x2_sub);
    visit_i8x16_add_sat_s => simd_bin(Masm::i8x16_add_sat_s);
    visit_i8x16_add_sat_u => simd_bin(Masm::i8x16_add_sat_u);
    visit_i8x16_sub_sat_s => simd_bin(Masm::i8x16_sub_sat_s);
    visit_i8x16_sub_sat_u => simd_bin(Masm::i8x16_sub_sat_u);
    visit_i16x8_add_sat_s => simd_bin(Masm::i16x8_add_sat_s);
    visit_i16x8_add_sat_u => simd_bin(Masm::i16x8_add_sat_u);
    visit_i16x8_sub_sat_s => simd_bin(Masm::i16x8_sub_sat_s);
    visit_i16x8_sub_sat_u => simd_bin(Masm::i16x8_sub_sat_u);
    visit_i16x8_mul => simd_bin(Masm::i16x8_mul);
    visit_i32x4_mul => simd_bin(Masm::i32x4_mul);
    visit_i8x16_min_s => simd_bin(Masm::i8x16_min_s);
    visit_i8x16_min_u => simd_bin(Masm::i8x16_min_u);
    visit_i8x16_max_s => simd_bin(Masm::i8x16_max_s);
    visit_i8x16_max_u => simd_bin(Masm::i8x16_max_u);
    visit_i16x8_min_s => simd_bin(Masm::i16x8_min_s);
    visit_i16x8_min_u => simd_bin(Masm::i16x8_min_u);
    visit_i16x8_max_s => simd_bin(Masm::i16x8_max_s);
    visit_i16x8_max_u => simd_bin(Masm::i16x8_max_u);
    visit_i32x4_min_s => simd_bin(Masm::i32x4_min_s);
    visit_i32x4_min_u => simd_bin(Masm::i32x4_min_u);
    visit_i32x4_max_s => simd_bin(Masm::i32x4_max_s);
    visit_i32x4_max_u => simd_bin(Masm::i32x4_max_u);
    visit_i8x16_avgr_u => simd_bin(Masm::i8x16_avgr_u);
    visit_i16x8_avgr_u => simd_bin(Masm::i16x8_avgr_u);
    visit_i32x4_dot_i16x8_s => simd_bin(Masm::i32x4_dot_i16x8_s);
    visit_i8x16_eq => simd_bin(Masm::i8x16_eq);
    visit_i16x8_eq => simd_bin(Masm::i16x8_eq);
    visit_i32x4_eq => simd_bin(Masm::i32x4_eq);
    visit_i64x2_eq => simd_bin(Masm::i64x2_eq);
    visit_i8x16_ne => simd_bin(Masm::i8x16_ne);
    visit_i16x8_ne => simd_bin(Masm::i16x8_ne);
    visit_i32x4_ne => simd_bin(Masm::i32x4_ne);
    visit_i64x2_ne => simd_bin(Masm::i64x2_ne);
    visit_i8x16_gt_s => simd_bin(Masm::i8x16_gt_s);
    visit_i16x8_gt_s => simd_bin(Masm::i16x8_gt_s);
    visit_i32x4_gt_s => simd_bin(Masm::i32x4_gt_s);
    visit_i8x16_ge_s => simd_bin(Masm::i8x16_ge_s);
    visit_i8x16_le_s => simd_bin(Masm::i8x16_le_s);
    visit_i8x16_ge_u => simd_bin(Masm::i8x16_ge_u);
    visit_i8x16_le_u => simd_bin(Masm::i8x16_le_u);
    visit_i8x16_lt_u => simd_bin(Masm::i8x16_lt_u);
    visit_i8x16_gt_u => simd_bin(Masm::i8x16_gt_u);
    visit_i16x8_ge_s => simd_bin(Masm::i16x8_ge_s);
    visit_i16x8_le_s => simd_bin(Masm::i16x8_le_s);
    visit_i16x8_ge_u => simd_bin(Masm::i16x8_ge_u);
    visit_i16x8_le_u => simd_bin(Masm::i16x8_le_u);
    visit_i16x8_lt_u => simd_bin(Masm::i16x8_lt_u);
    visit_i16x8_gt_u => simd_bin(Masm::i16x8_gt_u);
    visit_i32x4_ge_s => simd_bin(Masm::i32x4_ge_s);
    visit_i32x4_le_s => simd_bin(Masm::i32x4_le_s);
    visit_i32x4_ge_u => simd_bin(Masm::i32x4_ge_u);
    visit_i32x4_le_u => simd_bin(Masm::i32x4_le_u);
    visit_i32x4_lt_u => simd_bin(Masm::i32x4_lt_u);
    visit_i32x4_gt_u => simd_bin(Masm::i32x4_gt_u);
    visit_f32x4_add => simd_bin(Masm::f32x4_add);
    visit_f32x4_sub => simd_bin(Masm::f32x4_sub);
    visit_f32x4_mul => simd_bin(Masm::f32x4_mul);
    visit_f32x4_div => simd_bin(Masm::f32x4_div);
    visit_f64x2_add => simd_bin(Masm::f64x2_add);
    visit_f64x2_sub => simd_bin(Masm::f64x2_sub);
    visit_f64x2_mul => simd_bin(Masm::f64x2_mul);
    visit_f64x2_div => simd_bin(Masm::f64x2_div);
    visit_f32x4_eq => simd_bin(Masm::f32x4_eq);
    visit_f32x4_lt => simd_bin(Masm::f32x4_lt);
    visit_f32x4_le => simd_bin(Masm::f32x4_le);
    visit_f32x4_ne => simd_bin(Masm::f32x4_ne);
    visit_f64x2_eq => simd_bin(Masm::f64x2_eq);
    visit_f64x2_lt => simd_bin(Masm::f64x2_lt);
    visit_f64x2_le => simd_bin(Masm::f64x2_le);
    visit_f64x2_ne => simd_bin(Masm::f64x2_ne);
    visit_f32x4_min => simd_bin(Masm::f32x4_min);
    visit_f64x2_min => simd_bin(Masm::f64x2_min);
    visit_f32x4_max => simd_bin(Masm::f32x4_max);
    visit_f64x2_max => simd_bin(Masm::f64x2_max);
    visit_i8x16_narrow_i16x8_s => simd_bin(Masm::i8x16_narrow_i16x8_s);
    visit_i8x16_narrow_i16x8_u => simd_bin(Masm::i8x16_narrow_i16x8_u);
    visit_i16x8_narrow_i32x4_s => simd_bin(Masm::i16x8_narrow_i32x4_s);
    visit_i16x8_narrow_i32x4_u => simd_bin(Masm::i16x8_narrow_i32x4_u);
    visit_i16x8_q15mulr_sat_s => simd_bin(Masm::i16x8_q15mulr_sat_s);
    visit_i64x2_mul => simd_bin(Masm::i64x2_mul);
    visit_i8x16_swizzle => simd_bin(Masm::i8x16_swizzle);
    visit_i16x8_extmul_low_i8x16_s => simd_bin(Masm::i16x8_extmul_low_i8x16_s);
    visit_i16x8_extmul_low_i8x16_u => simd_bin(Masm::i16x8_extmul_low_i8x16_u);
    visit_i16x8_extmul_high_i8x16_s => simd_bin(Masm::i16x8_extmul_high_i8x16_s);
    visit_i16x8_extmul_high_i8x16_u => simd_bin(Masm::i16x8_extmul_high_i8x16_u);
    visit_i32x4_extmul_low_i16x8_s => simd_bin(Masm::i32x4_extmul_low_i16x8_s);
    visit_i32x4_extmul_low_i16x8_u => simd_bin(Masm::i32x4_extmul_low_i16x8_u);
    visit_i32x4_extmul_high_i16x8_s => simd_bin(Masm::i32x4_extmul_high_i16x8_s);
    visit_i32x4_extmul_high_i16x8_u => simd_bin(Masm::i32x4_extmul_high_i16x8_u);
    visit_i64x2_extmul_low_i32x4_s => simd_bin(Masm::i64x2_extmul_low_i32x4_s);
    visit_i64x2_extmul_low_i32x4_u => simd_bin(Masm::i64x2_extmul_low_i32x4_u);
    visit_i64x2_extmul_high_i32x4_s => simd_bin(Masm::i64x2_extmul_high_i32x4_s);
    visit_i64x2_extmul_high_i32x4_u => simd_bin(Masm::i64x2_extmul_high_i32x4_u);
    visit_i64x2_gt_s => simd_bin(Masm::i64x2_gt_s);
    visit_i64x2_le_s => simd_bin(Masm::i64x2_le_s);
    visit_v128_andnot => simd_bin_swapped(Masm::v128_andnot);
    visit_i8x16_lt_s => simd_bin_swapped(Masm::i8x16_lt_s);
    visit_i16x8_lt_s => simd_bin_swapped(Masm::i16x8_lt_s);
    visit_i32x4_lt_s => simd_bin_swapped(Masm::i32x4_lt_s);
    visit_f32x4_gt => simd_bin_swapped(Masm::f32x4_gt);
    visit_f32x4_ge => simd_bin_swapped(Masm::f32x4_ge);
    visit_f64x2_gt => simd_bin_swapped(Masm::f64x2_gt);
    visit_f64x2_ge => simd_bin_swapped(Masm::f64x2_ge);
    visit_f32x4_pmin => simd_bin_swapped(Masm::f32x4_pmin);
    visit_f32x4_pmax => simd_bin_swapped(Masm::f32x4_pmax);
    visit_f64x2_pmin => simd_bin_swapped(Masm::f64x2_pmin);
    visit_f64x2_pmax => simd_bin_swapped(Masm::f64x2_pmax);
    visit_i64x2_lt_s => simd_bin_swapped(Masm::i64x2_lt_s);
    visit_i64x2_ge_s => simd_bin_swapped(Masm::i64x2_ge_s);
    visit_v128_not => simd_un(Masm::v128_not);
    visit_i8x16_abs => simd_un(Masm::i8x16_abs);
    visit_i16x8_abs => simd_un(Masm::i16x8_abs);
    visit_i32x4_abs => simd_un(Masm::i32x4_abs);
    visit_i64x2_abs => simd_un(Masm::i64x2_abs);
    visit_i8x16_neg => simd_un(Masm::i8x16_neg);
    visit_i16x8_neg => simd_un(Masm::i16x8_neg);
    visit_i32x4_neg => simd_un(Masm::i32x4_neg);
    visit_i64x2_neg => simd_un(Masm::i64x2_neg);
    visit_f32x4_abs => simd_un(Masm::f32x4_abs);
    visit_f64x2_abs => simd_un(Masm::f64x2_abs);
    visit_f32x4_neg => simd_un(Masm::f32x4_neg);
    visit_f64x2_neg => simd_un(Masm::f64x2_neg);
    visit_f32x4_sqrt => simd_un(Masm::f32x4_sqrt);
    visit_f64x2_sqrt => simd_un(Masm::f64x2_sqrt);
    visit_f32x4_ceil => simd_un(Masm::f32x4_ceil);
    visit_f32x4_floor => simd_un(Masm::f32x4_floor);
    visit_f32x4_trunc => simd_un(Masm::f32x4_trunc);
    visit_f32x4_nearest => simd_un(Masm::f32x4_nearest);
    visit_f64x2_ceil => simd_un(Masm::f64x2_ceil);
    visit_f64x2_floor => simd_un(Masm::f64x2_floor);
    visit_f64x2_trunc => simd_un(Masm::f64x2_trunc);
    visit_f64x2_nearest => simd_un(Masm::f64x2_nearest);
    visit_f32x4_convert_i32x4_s => simd_un(Masm::f32x4_convert_i32x4_s);
    visit_f32x4_convert_i32x4_u => simd_un(Masm::f32x4_convert_i32x4_u);
    visit_i32x4_trunc_sat_f32x4_s => simd_un(Masm::i32x4_trunc_sat_f32x4_s);
    visit_f64x2_convert_low_i32x4_s => simd_un(Masm::f64x2_convert_low_i32x4_s);
    visit_f64x2_convert_low_i32x4_u => simd_un(Masm::f64x2_convert_low_i32x4_u);
    visit_i32x4_trunc_sat_f64x2_s_zero => simd_un(Masm::i32x4_trunc_sat_f64x2_s_zero);
    visit_i32x4_trunc_sat_f64x2_u_zero => simd_un(Masm::i32x4_trunc_sat_f64x2_u_zero);
    visit_i32x4_trunc_sat_f32x4_u => simd_un(Masm::i32x4_trunc_sat_f32x4_u);
    visit_f32x4_demote_f64x2_zero => simd_un(Masm::f32x4_demote_f64x2_zero);
    visit_f64x2_promote_low_f32x4 => simd_un(Masm::f64x2_promote_low_f32x4);
    visit_i16x8_extend_low_i8x16_s => simd_un(Masm::i16x8_extend_low_i8x16_s);
    visit_i16x8_extend_low_i8x16_u => simd_un(Masm::i16x8_extend_low_i8x16_u);
    visit_i32x4_extend_low_i16x8_s => simd_un(Masm::i32x4_extend_low_i16x8_s);
    visit_i32x4_extend_low_i16x8_u => simd_un(Masm::i32x4_extend_low_i16x8_u);
    visit_i64x2_extend_low_i32x4_s => simd_un(Masm::i64x2_extend_low_i32x4_s);
    visit_i64x2_extend_low_i32x4_u => simd_un(Masm::i64x2_extend_low_i32x4_u);
    visit_i16x8_extend_high_i8x16_s => simd_un(Masm::i16x8_extend_high_i8x16_s);
    visit_i16x8_extend_high_i8x16_u => simd_un(Masm::i16x8_extend_high_i8x16_u);
    visit_i32x4_extend_high_i16x8_s => simd_un(Masm::i32x4_extend_high_i16x8_s);
    visit_i32x4_extend_high_i16x8_u => simd_un(Masm::i32x4_extend_high_i16x8_u);
    visit_i64x2_extend_high_i32x4_s => simd_un(Masm::i64x2_extend_high_i32x4_s);
    visit_i64x2_extend_high_i32x4_u => simd_un(Masm::i64x2_extend_high_i32x4_u);
    visit_i16x8_extadd_pairwise_i8x16_s => simd_un(Masm::i16x8_extadd_pairwise_i8x16_s);
    visit_i16x8_extadd_pairwise_i8x16_u => simd_un(Masm::i16x8_extadd_pairwise_i8x16_u);
    visit_i32x4_extadd_pairwise_i16x8_s => simd_un(Masm::i32x4_extadd_pairwise_i16x8_s);
    visit_i32x4_extadd_pairwise_i16x8_u => simd_un(Masm::i32x4_extadd_pairwise_i16x8_u);
    visit_i8x16_popcnt => simd_un(Masm::i8x16_popcnt);
    visit_i8x16_splat => simd_splat(Masm::i8x16_splat);
    visit_i16x8_splat => simd_splat(Masm::i16x8_splat);
    visit_i32x4_splat => simd_splat(Masm::i32x4_splat);
    visit_i64x2_splat => simd_splat(Masm::i64x2_splat);
    visit_f32x4_splat => simd_splat(Masm::f32x4_splat);
    visit_f64x2_splat => simd_splat(Masm::f64x2_splat);
    visit_v128_any_true => simd_test(Masm::v128_any_true);
    visit_i8x16_all_true => simd_test(Masm::i8x16_all_true);
    visit_i16x8_all_true => simd_test(Masm::i16x8_all_true);
    visit_i32x4_all_true => simd_test(Masm::i32x4_all_true);
    visit_i64x2_all_true => simd_test(Masm::i64x2_all_true);
    visit_i16x8_shl => simd_shift(Masm::i16x8_shl);
    visit_i16x8_shr_s => simd_shift(Masm::i16x8_shr_s);
    visit_i16x8_shr_u => simd_shift(Masm::i16x8_shr_u);
    visit_i32x4_shl => simd_shift(Masm::i32x4_shl);
    visit_i32x4_shr_s => simd_shift(Masm::i32x4_shr_s);
    visit_i32x4_shr_u => simd_shift(Masm::i32x4_shr_u);
    visit_i64x2_shl => simd_shift(Masm::i64x2_shl);
    visit_i64x2_shr_u => simd_shift(Masm::i64x2_shr_u);
    visit_i64x2_shr_s => simd_shift(Masm::i64x2_shr_s);
    visit_i8x16_shl => simd_shift(Masm::i8x16_shl);
    visit_i8x16_shr_u => simd_shift(Masm::i8x16_shr_u);
    visit_i8x16_shr_s => simd_shift(Masm::i8x16_shr_s);
    visit_i8x16_bitmask => simd_to_scalar(ValType::I32, Masm::i8x16_bitmask);
    visit_i16x8_bitmask => simd_to_scalar(ValType::I32, Masm::i16x8_bitmask);
    visit_i32x4_bitmask => simd_to_scalar(ValType::I32, Masm::i32x4_bitmask);
    visit_i64x2_bitmask => simd_to_scalar(ValType::I32, Masm::i64x2_bitmask);
}

simd_visits_lane! {
    lane;
    visit_i8x16_extract_lane_s => simd_to_scalar(ValType::I32, |m, d, v| Masm::i8x16_extract_lane_s(m, d, v, lane));
    visit_i8x16_extract_lane_u => simd_to_scalar(ValType::I32, |m, d, v| Masm::i8x16_extract_lane_u(m, d, v, lane));
    visit_i16x8_extract_lane_s => simd_to_scalar(ValType::I32, |m, d, v| Masm::i16x8_extract_lane_s(m, d, v, lane));
    visit_i16x8_extract_lane_u => simd_to_scalar(ValType::I32, |m, d, v| Masm::i16x8_extract_lane_u(m, d, v, lane));
    visit_i32x4_extract_lane => simd_to_scalar(ValType::I32, |m, d, v| Masm::i32x4_extract_lane(m, d, v, lane));
    visit_i64x2_extract_lane => simd_to_scalar(ValType::I64, |m, d, v| Masm::i64x2_extract_lane(m, d, v, lane));
    visit_f32x4_extract_lane => simd_to_scalar(ValType::F32, |m, d, v| Masm::f32x4_extract_lane(m, d, v, lane));
    visit_f64x2_extract_lane => simd_to_scalar(ValType::F64, |m, d, v| Masm::f64x2_extract_lane(m, d, v, lane));
    visit_i8x16_replace_lane => simd_replace(lane, Masm::i8x16_replace_lane);
    visit_i16x8_replace_lane => simd_replace(lane, Masm::i16x8_replace_lane);
    visit_i32x4_replace_lane => simd_replace(lane, Masm::i32x4_replace_lane);
    visit_i64x2_replace_lane => simd_replace(lane, Masm::i64x2_replace_lane);
    visit_f32x4_replace_lane => simd_replace(lane, Masm::f32x4_replace_lane);
    visit_f64x2_replace_lane => simd_replace(lane, Masm::f64x2_replace_lane);
}
