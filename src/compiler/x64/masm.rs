//! The x86-64 macro assembler: typed moves between registers, frame slots
//! and constants, conditional jumps and condition codes. The generic code
//! generator talks to the machine through these helpers; numeric operators
//! use `dynasm!` directly in the `ops_*` files of this folder.

use dynasmrt::x64::X64Relocation;
use dynasmrt::{DynamicLabel, DynasmApi, DynasmLabelApi, VecAssembler};

use super::regs::{Reg, SCRATCH, XSCRATCH};
use crate::module::ValType;

pub type Asm = VecAssembler<X64Relocation>;

/// Emits x86-64 instructions into a [`Masm`] (`asm!(masm; mov rax, rbx)`).
macro_rules! asm {
    ($m:expr; $($t:tt)*) => {
        dynasmrt::dynasm!($m.asm ; .arch x64 ; $($t)*)
    };
}
pub(crate) use asm;

/// Condition codes, named after the flags test they perform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cond {
    O,
    NO,
    B,
    AE,
    E,
    NE,
    BE,
    A,
    S,
    NS,
    P,
    NP,
    L,
    GE,
    LE,
    G,
}

impl Cond {
    pub fn invert(self) -> Cond {
        use Cond::*;
        match self {
            O => NO,
            NO => O,
            B => AE,
            AE => B,
            E => NE,
            NE => E,
            BE => A,
            A => BE,
            S => NS,
            NS => S,
            P => NP,
            NP => P,
            L => GE,
            GE => L,
            LE => G,
            G => LE,
        }
    }

    /// The condition that holds for `b ? a` when `self` holds for `a ? b`.
    pub fn swap(self) -> Cond {
        use Cond::*;
        match self {
            B => A,
            A => B,
            AE => BE,
            BE => AE,
            L => G,
            G => L,
            LE => GE,
            GE => LE,
            c => c,
        }
    }
}

/// Whether a value of this type lives in an xmm register.
pub fn is_xmm_ty(ty: ValType) -> bool {
    matches!(ty, ValType::F32 | ValType::F64 | ValType::V128)
}

/// Whether a GPR value of this type uses 64-bit operations.
pub fn is_64(ty: ValType) -> bool {
    !matches!(ty, ValType::I32 | ValType::F32)
}

pub struct Masm {
    pub asm: Asm,
    /// Float constants referenced RIP-relative by the current function,
    /// emitted after its code by [`Masm::emit_pool`].
    pool: Vec<(DynamicLabel, u64)>,
}

impl Default for Masm {
    fn default() -> Self {
        Masm {
            asm: Asm::new(0),
            pool: Vec::new(),
        }
    }
}

impl Masm {
    pub fn with_capacity(code: usize) -> Masm {
        Masm {
            asm: Asm::new_with_capacity(0, code, 0, 0, 256, 0, 256),
            pool: Vec::new(),
        }
    }

    pub fn offset(&self) -> u32 {
        self.asm.offset().0 as u32
    }

    pub fn new_label(&mut self) -> DynamicLabel {
        self.asm.new_dynamic_label()
    }

    pub fn bind(&mut self, l: DynamicLabel) {
        asm!(self; =>l);
    }

    pub fn jmp(&mut self, l: DynamicLabel) {
        asm!(self; jmp =>l);
    }

    pub fn jcc(&mut self, c: Cond, l: DynamicLabel) {
        use Cond::*;
        match c {
            O => asm!(self; jo =>l),
            NO => asm!(self; jno =>l),
            B => asm!(self; jb =>l),
            AE => asm!(self; jae =>l),
            E => asm!(self; je =>l),
            NE => asm!(self; jne =>l),
            BE => asm!(self; jbe =>l),
            A => asm!(self; ja =>l),
            S => asm!(self; js =>l),
            NS => asm!(self; jns =>l),
            P => asm!(self; jp =>l),
            NP => asm!(self; jnp =>l),
            L => asm!(self; jl =>l),
            GE => asm!(self; jge =>l),
            LE => asm!(self; jle =>l),
            G => asm!(self; jg =>l),
        }
    }

    /// `dst = cond ? 1 : 0` (32-bit, zero-extended). Does not read `dst`.
    pub fn setcc(&mut self, c: Cond, dst: Reg) {
        use Cond::*;
        match c {
            O => asm!(self; seto r11b),
            NO => asm!(self; setno r11b),
            B => asm!(self; setb r11b),
            AE => asm!(self; setae r11b),
            E => asm!(self; sete r11b),
            NE => asm!(self; setne r11b),
            BE => asm!(self; setbe r11b),
            A => asm!(self; seta r11b),
            S => asm!(self; sets r11b),
            NS => asm!(self; setns r11b),
            P => asm!(self; setp r11b),
            NP => asm!(self; setnp r11b),
            L => asm!(self; setl r11b),
            GE => asm!(self; setge r11b),
            LE => asm!(self; setle r11b),
            G => asm!(self; setg r11b),
        }
        asm!(self; movzx Rd(dst.code()), r11b);
    }

    /// `if cond { dst = src }` on 64-bit registers (upper halves of i32
    /// values are zero, so this is correct for both widths).
    pub fn cmov(&mut self, c: Cond, dst: Reg, src: Reg) {
        let (d, s) = (dst.code(), src.code());
        use Cond::*;
        match c {
            O => asm!(self; cmovo Rq(d), Rq(s)),
            NO => asm!(self; cmovno Rq(d), Rq(s)),
            B => asm!(self; cmovb Rq(d), Rq(s)),
            AE => asm!(self; cmovae Rq(d), Rq(s)),
            E => asm!(self; cmove Rq(d), Rq(s)),
            NE => asm!(self; cmovne Rq(d), Rq(s)),
            BE => asm!(self; cmovbe Rq(d), Rq(s)),
            A => asm!(self; cmova Rq(d), Rq(s)),
            S => asm!(self; cmovs Rq(d), Rq(s)),
            NS => asm!(self; cmovns Rq(d), Rq(s)),
            P => asm!(self; cmovp Rq(d), Rq(s)),
            NP => asm!(self; cmovnp Rq(d), Rq(s)),
            L => asm!(self; cmovl Rq(d), Rq(s)),
            GE => asm!(self; cmovge Rq(d), Rq(s)),
            LE => asm!(self; cmovle Rq(d), Rq(s)),
            G => asm!(self; cmovg Rq(d), Rq(s)),
        }
    }

    /// Register-to-register copy within one class.
    pub fn mov_rr(&mut self, dst: Reg, src: Reg) {
        if dst == src {
            return;
        }
        if dst.is_xmm() {
            asm!(self; movaps Rx(dst.code()), Rx(src.code()));
        } else {
            asm!(self; mov Rq(dst.code()), Rq(src.code()));
        }
    }

    /// Loads a value of type `ty` from `[base + disp]`.
    pub fn load(&mut self, ty: ValType, dst: Reg, base: u8, disp: i32) {
        let d = dst.code();
        // Frame accesses: a static rbp base and a disp8 where it fits keep
        // the encoding short (a dynamic base always costs a SIB + disp32).
        if base == 5 {
            if let Ok(b) = i8::try_from(disp) {
                match ty {
                    ValType::I32 => asm!(self; mov Rd(d), DWORD [BYTE rbp + b]),
                    ValType::I64 | ValType::FuncRef | ValType::ExternRef => {
                        asm!(self; mov Rq(d), QWORD [BYTE rbp + b])
                    }
                    ValType::F32 => asm!(self; movss Rx(d), DWORD [BYTE rbp + b]),
                    ValType::F64 => asm!(self; movsd Rx(d), QWORD [BYTE rbp + b]),
                    ValType::V128 => asm!(self; movups Rx(d), [BYTE rbp + b]),
                }
            } else {
                match ty {
                    ValType::I32 => asm!(self; mov Rd(d), DWORD [rbp + disp]),
                    ValType::I64 | ValType::FuncRef | ValType::ExternRef => {
                        asm!(self; mov Rq(d), QWORD [rbp + disp])
                    }
                    ValType::F32 => asm!(self; movss Rx(d), DWORD [rbp + disp]),
                    ValType::F64 => asm!(self; movsd Rx(d), QWORD [rbp + disp]),
                    ValType::V128 => asm!(self; movups Rx(d), [rbp + disp]),
                }
            }
            return;
        }
        if base == 4 {
            // Outgoing call slots.
            if let Ok(b) = i8::try_from(disp) {
                match ty {
                    ValType::I32 => asm!(self; mov Rd(d), DWORD [BYTE rsp + b]),
                    ValType::I64 | ValType::FuncRef | ValType::ExternRef => {
                        asm!(self; mov Rq(d), QWORD [BYTE rsp + b])
                    }
                    ValType::F32 => asm!(self; movss Rx(d), DWORD [BYTE rsp + b]),
                    ValType::F64 => asm!(self; movsd Rx(d), QWORD [BYTE rsp + b]),
                    ValType::V128 => asm!(self; movups Rx(d), [BYTE rsp + b]),
                }
                return;
            }
            match ty {
                ValType::I32 => asm!(self; mov Rd(d), DWORD [rsp + disp]),
                ValType::I64 | ValType::FuncRef | ValType::ExternRef => {
                    asm!(self; mov Rq(d), QWORD [rsp + disp])
                }
                ValType::F32 => asm!(self; movss Rx(d), DWORD [rsp + disp]),
                ValType::F64 => asm!(self; movsd Rx(d), QWORD [rsp + disp]),
                ValType::V128 => asm!(self; movups Rx(d), [rsp + disp]),
            }
            return;
        }
        match ty {
            ValType::I32 => asm!(self; mov Rd(d), DWORD [Rq(base) + disp]),
            ValType::I64 | ValType::FuncRef | ValType::ExternRef => {
                asm!(self; mov Rq(d), QWORD [Rq(base) + disp])
            }
            ValType::F32 => asm!(self; movss Rx(d), DWORD [Rq(base) + disp]),
            ValType::F64 => asm!(self; movsd Rx(d), QWORD [Rq(base) + disp]),
            ValType::V128 => asm!(self; movups Rx(d), [Rq(base) + disp]),
        }
    }

    /// Stores a value of type `ty` to `[base + disp]` (i32/f32 store 4 bytes).
    pub fn store(&mut self, ty: ValType, base: u8, disp: i32, src: Reg) {
        let s = src.code();
        if base == 5 {
            if let Ok(b) = i8::try_from(disp) {
                match ty {
                    ValType::I32 => asm!(self; mov DWORD [BYTE rbp + b], Rd(s)),
                    ValType::I64 | ValType::FuncRef | ValType::ExternRef => {
                        asm!(self; mov QWORD [BYTE rbp + b], Rq(s))
                    }
                    ValType::F32 => asm!(self; movss DWORD [BYTE rbp + b], Rx(s)),
                    ValType::F64 => asm!(self; movsd QWORD [BYTE rbp + b], Rx(s)),
                    ValType::V128 => asm!(self; movups [BYTE rbp + b], Rx(s)),
                }
            } else {
                match ty {
                    ValType::I32 => asm!(self; mov DWORD [rbp + disp], Rd(s)),
                    ValType::I64 | ValType::FuncRef | ValType::ExternRef => {
                        asm!(self; mov QWORD [rbp + disp], Rq(s))
                    }
                    ValType::F32 => asm!(self; movss DWORD [rbp + disp], Rx(s)),
                    ValType::F64 => asm!(self; movsd QWORD [rbp + disp], Rx(s)),
                    ValType::V128 => asm!(self; movups [rbp + disp], Rx(s)),
                }
            }
            return;
        }
        if base == 4 {
            if let Ok(b) = i8::try_from(disp) {
                match ty {
                    ValType::I32 => asm!(self; mov DWORD [BYTE rsp + b], Rd(s)),
                    ValType::I64 | ValType::FuncRef | ValType::ExternRef => {
                        asm!(self; mov QWORD [BYTE rsp + b], Rq(s))
                    }
                    ValType::F32 => asm!(self; movss DWORD [BYTE rsp + b], Rx(s)),
                    ValType::F64 => asm!(self; movsd QWORD [BYTE rsp + b], Rx(s)),
                    ValType::V128 => asm!(self; movups [BYTE rsp + b], Rx(s)),
                }
                return;
            }
            match ty {
                ValType::I32 => asm!(self; mov DWORD [rsp + disp], Rd(s)),
                ValType::I64 | ValType::FuncRef | ValType::ExternRef => {
                    asm!(self; mov QWORD [rsp + disp], Rq(s))
                }
                ValType::F32 => asm!(self; movss DWORD [rsp + disp], Rx(s)),
                ValType::F64 => asm!(self; movsd QWORD [rsp + disp], Rx(s)),
                ValType::V128 => asm!(self; movups [rsp + disp], Rx(s)),
            }
            return;
        }
        match ty {
            ValType::I32 => asm!(self; mov DWORD [Rq(base) + disp], Rd(s)),
            ValType::I64 | ValType::FuncRef | ValType::ExternRef => {
                asm!(self; mov QWORD [Rq(base) + disp], Rq(s))
            }
            ValType::F32 => asm!(self; movss DWORD [Rq(base) + disp], Rx(s)),
            ValType::F64 => asm!(self; movsd QWORD [Rq(base) + disp], Rx(s)),
            ValType::V128 => asm!(self; movups [Rq(base) + disp], Rx(s)),
        }
    }

    /// Materialises a constant (raw bits) in a register. Never touches the
    /// flags, so it may sit between a compare and its branch.
    pub fn load_const(&mut self, ty: ValType, dst: Reg, bits: u64) {
        let d = dst.code();
        if dst.is_xmm() {
            if bits == 0 {
                asm!(self; xorps Rx(d), Rx(d));
            } else {
                // One load from the function's constant pool.
                let l = self.pool_const(bits);
                if ty == ValType::F32 {
                    asm!(self; movss Rx(d), DWORD [=>l]);
                } else {
                    asm!(self; movsd Rx(d), QWORD [=>l]);
                }
            }
        } else if ty == ValType::I32 {
            asm!(self; mov Rd(d), bits as u32 as i32);
        } else {
            self.mov_imm64(d, bits);
        }
    }

    /// A label for 8 bytes of constant data in the current function's pool.
    pub fn pool_const(&mut self, bits: u64) -> DynamicLabel {
        let l = self.new_label();
        self.pool.push((l, bits));
        l
    }

    /// Emits the current function's constant pool (after its code).
    pub fn emit_pool(&mut self) {
        if self.pool.is_empty() {
            return;
        }
        self.asm.align(8, 0xcc);
        for i in 0..self.pool.len() {
            let (l, bits) = self.pool[i];
            self.bind(l);
            self.asm.push_u64(bits);
        }
        self.pool.clear();
    }

    /// `mov r64, imm` in its shortest flag-free encoding.
    pub fn mov_imm64(&mut self, d: u8, bits: u64) {
        let v = bits as i64;
        if bits <= u32::MAX as u64 {
            asm!(self; mov Rd(d), bits as u32 as i32);
        } else if v >= i32::MIN as i64 && v < 0 {
            asm!(self; mov Rq(d), v as i32);
        } else {
            asm!(self; mov Rq(d), QWORD v);
        }
    }

    /// Stores a constant of type `ty` to `[base + disp]`.
    pub fn store_const(&mut self, ty: ValType, base: u8, disp: i32, bits: u64) {
        let imm = match ty {
            ValType::I32 | ValType::F32 => Some((false, bits as u32 as i32)),
            ValType::V128 => None,
            _ => {
                let v = bits as i64;
                (v == v as i32 as i64).then_some((true, v as i32))
            }
        };
        let Some((wide, imm)) = imm else {
            // Through a scratch register, with the compact store encodings.
            // (Float bits travel as an i64 through r11.)
            let (ty, scratch) = if ty == ValType::V128 {
                (ty, Reg::xmm(XSCRATCH))
            } else {
                (ValType::I64, Reg::gpr(SCRATCH))
            };
            self.load_const(ty, scratch, bits);
            self.store(ty, base, disp, scratch);
            return;
        };
        match (base, i8::try_from(disp), wide) {
            (5, Ok(b), false) => asm!(self; mov DWORD [BYTE rbp + b], imm),
            (5, Ok(b), true) => asm!(self; mov QWORD [BYTE rbp + b], imm),
            (5, Err(_), false) => asm!(self; mov DWORD [rbp + disp], imm),
            (5, Err(_), true) => asm!(self; mov QWORD [rbp + disp], imm),
            (4, Ok(b), false) => asm!(self; mov DWORD [BYTE rsp + b], imm),
            (4, Ok(b), true) => asm!(self; mov QWORD [BYTE rsp + b], imm),
            (_, _, false) => asm!(self; mov DWORD [Rq(base) + disp], imm),
            (_, _, true) => asm!(self; mov QWORD [Rq(base) + disp], imm),
        }
    }

    /// Copies a value of type `ty` between two memory locations.
    pub fn copy_mem(&mut self, ty: ValType, dbase: u8, ddisp: i32, sbase: u8, sdisp: i32) {
        if ty == ValType::V128 {
            self.load(ty, Reg::xmm(XSCRATCH), sbase, sdisp);
            self.store(ty, dbase, ddisp, Reg::xmm(XSCRATCH));
        } else {
            // Eight bytes whatever the type: slots are 8 bytes wide.
            self.load(ValType::I64, Reg::gpr(SCRATCH), sbase, sdisp);
            self.store(ValType::I64, dbase, ddisp, Reg::gpr(SCRATCH));
        }
    }
}
