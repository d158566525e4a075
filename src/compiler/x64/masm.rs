//! The x86-64 macro assembler: the one interface through which the generic
//! code generator (`codegen/`) emits machine code.
//!
//! The generic code names *what* to do (load a frame slot, call a builtin,
//! dispatch a `br_table`, compute a heap address, raise a trap) over
//! registers named by role (`regs::VMCTX`, `regs::SCRATCH`, ...), memory
//! operands of type [`Address`] (frame slots, outgoing argument slots,
//! `[reg + disp]`) and opaque conditions ([`Cond`], produced by compares and
//! tests here and only inverted, swapped or passed back by the generic
//! code). Encodings, register numbers, the SysV argument registers,
//! RIP-relative constant pools, `call rel32` and the frame layout's
//! instructions stay in this folder. A second ISA provides a `Masm` with the
//! same operations (and the same [`Address`], [`MemOp`], [`Label`] types).
//!
//! The operand vocabulary shared with the generic code (`Address`,
//! `Operand`, `MemOp`, `IntAlu`, `FloatCmp`, ...) is ISA-independent and
//! lives in `compiler::inst`. The numeric and SIMD instructions
//! are further `impl Masm` blocks in `ops_int.rs`, `ops_float.rs`,
//! `ops_conv.rs` and `ops_simd.rs`.

use dynasmrt::x64::X64Relocation;
use dynasmrt::{DynamicLabel, DynasmApi, DynasmLabelApi, VecAssembler};

use super::regs::{Reg, C_ARGS, SCRATCH, SCRATCH2, XSCRATCH};
use super::CpuFeatures;
pub use crate::compiler::inst::{Address, HeapIndex, MemOp, Operand};
use crate::module::ValType;
use crate::vm::{
    TrapCode, VMContextHeader, VMFuncRef, VMMemoryDefinition, VMStoreContext, VMTableDefinition,
    FRAME_VMCTX_OFFSET,
};

pub type Asm = VecAssembler<X64Relocation>;

/// A code position to jump to, bound once.
pub type Label = DynamicLabel;

/// The base register's hardware number and the displacement.
trait AddressParts {
    fn parts(self) -> (u8, i32);
}

impl AddressParts for Address {
    fn parts(self) -> (u8, i32) {
        match self {
            Address::Frame(d) => (super::regs::FP.code(), d),
            Address::OutArg(d) => (super::regs::SP.code(), d),
            Address::Base(r, d) => (r.code(), d),
        }
    }
}

/// The base of a linear memory for the accesses of one operator: the pinned
/// register of memory 0, or memory `n`'s base loaded into a scratch register.
#[derive(Debug, Clone, Copy)]
pub struct MemBase {
    reg: u8,
    /// vmctx offset of the memory's `VMMemoryDefinition` pointer.
    def_off: i32,
}

/// A heap memory operand `[base + index + disp]` (x86 addressing).
#[derive(Clone, Copy)]
pub struct Addr {
    pub base: u8,
    pub index: u8,
    pub disp: i32,
}

/// The frame's saved vmctx slot, reloaded with a short displacement.
const VMCTX_SLOT: i8 = FRAME_VMCTX_OFFSET as i8;
const _: () = assert!(VMCTX_SLOT as i32 == FRAME_VMCTX_OFFSET);
// The hot sequences (prologue, reloads after calls) use short encodings
// that assume these small offsets.
const _: () = assert!(VMContextHeader::OFFSET_STORE == 0);
const _: () = assert!(VMStoreContext::OFFSET_STACK_LIMIT == 0);
const _: () = assert!(VMMemoryDefinition::OFFSET_BASE == 0);

/// Emits x86-64 instructions into a [`Masm`] (`asm!(masm; mov rax, rbx)`).
macro_rules! asm {
    ($m:expr; $($t:tt)*) => {
        dynasmrt::dynasm!($m.asm ; .arch x64 ; $($t)*)
    };
}
pub(crate) use asm;

/// `[base + index + disp]` with a disp8 encoding when the offset is small.
macro_rules! load_at {
    ($s:ident, $b:expr, $i:expr, $disp:expr; $mn:ident $reg:ident($r:expr), $size:ident) => {{
        let (b, i, disp): (u8, u8, i32) = ($b, $i, $disp);
        if let Ok(d8) = i8::try_from(disp) {
            asm!($s; $mn $reg($r), $size [BYTE Rq(b) + Rq(i) + d8])
        } else {
            asm!($s; $mn $reg($r), $size [Rq(b) + Rq(i) + disp])
        }
    }};
}

macro_rules! store_at {
    ($s:ident, $b:expr, $i:expr, $disp:expr; $mn:ident $size:ident, $reg:ident($r:expr)) => {{
        let (b, i, disp): (u8, u8, i32) = ($b, $i, $disp);
        if let Ok(d8) = i8::try_from(disp) {
            asm!($s; $mn $size [BYTE Rq(b) + Rq(i) + d8], $reg($r))
        } else {
            asm!($s; $mn $size [Rq(b) + Rq(i) + disp], $reg($r))
        }
    }};
}

macro_rules! store_imm_at {
    ($s:ident, $b:expr, $i:expr, $disp:expr; $size:ident, $imm:expr) => {{
        let (b, i, disp): (u8, u8, i32) = ($b, $i, $disp);
        if let Ok(d8) = i8::try_from(disp) {
            asm!($s; mov $size [BYTE Rq(b) + Rq(i) + d8], $imm)
        } else {
            asm!($s; mov $size [Rq(b) + Rq(i) + disp], $imm)
        }
    }};
}

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
    /// The assembler; only this folder emits through it.
    pub(super) asm: Asm,
    /// Float constants referenced RIP-relative by the current function,
    /// emitted after its code by [`Masm::emit_pool`].
    pool: Vec<(DynamicLabel, u64)>,
    /// The optional instructions the code may use.
    pub(super) cpu: CpuFeatures,
}

impl Default for Masm {
    fn default() -> Self {
        Masm {
            asm: Asm::new(0),
            pool: Vec::new(),
            cpu: CpuFeatures::fixed(false),
        }
    }
}

impl Masm {
    pub(crate) fn with_capacity(code: usize, cpu: CpuFeatures) -> Masm {
        Masm {
            asm: Asm::new_with_capacity(0, code, 0, 0, 256, 0, 256),
            pool: Vec::new(),
            cpu,
        }
    }

    pub fn offset(&self) -> u32 {
        self.asm.offset().0 as u32
    }

    /// Resolves the jumps emitted so far (once per function, while its
    /// relocations are few).
    pub fn commit(&mut self) -> Result<(), String> {
        self.asm.commit().map_err(|e| e.to_string())
    }

    /// The finished code of everything emitted.
    pub fn finalize(self) -> Result<Vec<u8>, String> {
        self.asm.finalize().map_err(|e| e.to_string())
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

    pub fn branch_if(&mut self, c: Cond, l: DynamicLabel) {
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
    pub fn set_if(&mut self, c: Cond, dst: Reg) {
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
    pub fn move_if(&mut self, c: Cond, dst: Reg, src: Reg) {
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
        if dst.is_fp() {
            asm!(self; movaps Rx(dst.code()), Rx(src.code()));
        } else {
            asm!(self; mov Rq(dst.code()), Rq(src.code()));
        }
    }

    /// Loads a value of type `ty` from `addr`.
    pub fn load(&mut self, ty: ValType, dst: Reg, addr: Address) {
        let (base, disp) = addr.parts();
        self.load_raw(ty, dst, base, disp);
    }

    /// Stores a value of type `ty` to `addr` (i32/f32 store 4 bytes).
    pub fn store(&mut self, ty: ValType, addr: Address, src: Reg) {
        let (base, disp) = addr.parts();
        self.store_raw(ty, base, disp, src);
    }

    /// Stores a constant of type `ty` to `addr`.
    pub fn store_const(&mut self, ty: ValType, addr: Address, bits: u64) {
        let (base, disp) = addr.parts();
        self.store_const_raw(ty, base, disp, bits);
    }

    /// Copies a value of type `ty` between two memory locations.
    pub fn copy_mem(&mut self, ty: ValType, dst: Address, src: Address) {
        let (dbase, ddisp) = dst.parts();
        let (sbase, sdisp) = src.parts();
        self.copy_mem_raw(ty, dbase, ddisp, sbase, sdisp);
    }

    /// Stores the i32 value (0 or 1) of a pending condition to `addr`.
    pub fn store_flag(&mut self, c: Cond, addr: Address) {
        let (base, disp) = addr.parts();
        self.set_if(c, SCRATCH2);
        asm!(self; mov DWORD [Rq(base) + disp], r10d);
    }

    fn load_raw(&mut self, ty: ValType, dst: Reg, base: u8, disp: i32) {
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

    fn store_raw(&mut self, ty: ValType, base: u8, disp: i32, src: Reg) {
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
        if dst.is_fp() {
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
    pub(super) fn mov_imm64(&mut self, d: u8, bits: u64) {
        let v = bits as i64;
        if bits <= u32::MAX as u64 {
            asm!(self; mov Rd(d), bits as u32 as i32);
        } else if v >= i32::MIN as i64 && v < 0 {
            asm!(self; mov Rq(d), v as i32);
        } else {
            asm!(self; mov Rq(d), QWORD v);
        }
    }

    fn store_const_raw(&mut self, ty: ValType, base: u8, disp: i32, bits: u64) {
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
                (ty, XSCRATCH)
            } else {
                (ValType::I64, SCRATCH)
            };
            self.load_const(ty, scratch, bits);
            self.store_raw(ty, base, disp, scratch);
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

    fn copy_mem_raw(&mut self, ty: ValType, dbase: u8, ddisp: i32, sbase: u8, sdisp: i32) {
        if ty == ValType::V128 {
            self.load_raw(ty, XSCRATCH, sbase, sdisp);
            self.store_raw(ty, dbase, ddisp, XSCRATCH);
        } else {
            // Eight bytes whatever the type: slots are 8 bytes wide.
            self.load_raw(ValType::I64, SCRATCH, sbase, sdisp);
            self.store_raw(ValType::I64, dbase, ddisp, SCRATCH);
        }
    }
}

/// Frames, calls, traps and the runtime's data structures: the operations
/// the generic code generator names, each one fixed instruction sequence.
impl Masm {
    /// The function prologue: link the frame, reserve it (the size is
    /// patched by [`Masm::patch_frame_size`] once the body is done), check
    /// the stack limit (jumping to `stack_overflow`), save the vmctx.
    /// Returns the patch position of the frame size.
    pub fn prologue(&mut self, stack_overflow: Label) -> u32 {
        asm!(self
            ; push rbp
            ; mov rbp, rsp
            // The frame size is patched once the body is done.
            ; sub rsp, 0x7fff_fff0
        );
        let patch_at = self.offset() - 4;
        asm!(self
            ; mov r11, QWORD [r15]
            ; cmp rsp, QWORD [r11]
        );
        self.branch_if(Cond::B, stack_overflow);
        asm!(self; mov QWORD [BYTE rbp + VMCTX_SLOT], r15);
        patch_at
    }

    /// Writes the frame size reserved by the prologue at `at`.
    pub fn patch_frame_size(code: &mut [u8], at: u32, size: u32) {
        let at = at as usize;
        code[at..at + 4].copy_from_slice(&size.to_le_bytes());
    }

    /// Zeroes frame slots at the prologue (every allocatable register is
    /// free): `words` 8-byte words from `lowest` up, which are exactly the
    /// `slots` (frame displacement and type) listed.
    pub fn zero_frame_slots(
        &mut self,
        lowest: i32,
        words: i32,
        slots: impl Iterator<Item = (i32, ValType)>,
    ) {
        if words <= 0 {
            return;
        }
        if words <= 16 {
            asm!(self; xor eax, eax);
            for (disp, ty) in slots {
                asm!(self; mov QWORD [rbp + disp], rax);
                if ty == ValType::V128 {
                    asm!(self; mov QWORD [rbp + disp + 8], rax);
                }
            }
        } else {
            asm!(self
                ; lea rdi, [rbp + lowest]
                ; mov ecx, words
                ; xor eax, eax
                ; rep stosq
            );
        }
    }

    /// Returns from the function (the results are in place).
    pub fn epilogue(&mut self) {
        asm!(self
            ; mov rsp, rbp
            ; pop rbp
            ; ret
        );
    }

    /// Gives the frame back (the stack pointer to the frame pointer), for a
    /// trap raised where the stack pointer may be past the stack's end.
    pub fn discard_frame(&mut self) {
        asm!(self; mov rsp, rbp);
    }

    /// Calls the runtime's trap raiser with `code`; it does not return. The
    /// position after it is the trap's return address.
    pub fn raise_trap(&mut self, code: TrapCode) {
        asm!(self
            ; mov edi, code as u32 as i32
            ; call QWORD [r15 + VMContextHeader::OFFSET_RAISE_TRAP]
        );
    }

    /// Raises the trap whose code a builtin returned in `regs::RESULT`.
    pub fn raise_trap_from_result(&mut self) {
        asm!(self
            ; mov edi, eax
            ; call QWORD [r15 + VMContextHeader::OFFSET_RAISE_TRAP]
        );
    }

    /// Jumps to `ok` if a builtin returned zero (no trap) in `regs::RESULT`.
    pub fn branch_if_result_zero(&mut self, ok: Label) {
        asm!(self; test eax, eax);
        self.branch_if(Cond::E, ok);
    }

    /// `regs::MEMORY_BASE` = the base of the memory whose definition the
    /// vmctx points to at `def_off`.
    pub fn reload_memory_base(&mut self, def_off: i32) {
        asm!(self
            ; mov r14, QWORD [r15 + def_off]
            ; mov r14, QWORD [r14]
        );
    }

    /// `regs::VMCTX` from the frame's saved slot.
    pub fn restore_vmctx(&mut self) {
        asm!(self; mov r15, QWORD [BYTE rbp + VMCTX_SLOT]);
    }

    /// A direct call to a function of this module: `call rel32` with a zero
    /// displacement. Returns the position of the displacement to link.
    pub fn call_direct(&mut self) -> u32 {
        self.asm.push(0xe8);
        self.asm.push_i32(0);
        self.offset() - 4
    }

    /// Links a call emitted by [`Masm::call_direct`] (its patch position
    /// `at`) to the code offset `target`, in the finished code.
    pub fn patch_call(code: &mut [u8], at: u32, target: u32) {
        let rel = target as i64 - (at as i64 + 4);
        let at = at as usize;
        code[at..at + 4].copy_from_slice(&(rel as i32).to_le_bytes());
    }

    /// Calls through the `VMFuncRef` at vmctx offset `funcref_off` (an
    /// imported function), switching to the callee's vmctx.
    pub fn call_import(&mut self, funcref_off: i32) {
        asm!(self
            ; lea r11, [r15 + funcref_off]
            ; mov r15, QWORD [r11 + VMFuncRef::OFFSET_VMCTX]
            ; call QWORD [r11 + VMFuncRef::OFFSET_CODE]
        );
    }

    /// `call_indirect`: bounds-checks `index` (clobbered) against the table
    /// whose definition is at vmctx offset `table_off`, checks the element
    /// is set and its canonical type id equals the one at vmctx offset
    /// `type_id_off`, then calls it with its own vmctx.
    pub fn call_indirect(
        &mut self,
        index: Reg,
        table_off: i32,
        type_id_off: i32,
        undefined: Label,
        uninit: Label,
        mismatch: Label,
    ) {
        let rc = index.code();
        asm!(self
            ; mov r11, QWORD [r15 + table_off]
            ; cmp Rd(rc), DWORD [r11 + VMTableDefinition::OFFSET_LENGTH]
        );
        self.branch_if(Cond::AE, undefined);
        asm!(self
            ; mov r11, QWORD [r11 + VMTableDefinition::OFFSET_BASE]
            ; mov r11, QWORD [r11 + Rq(rc) * 8]
            ; test r11, r11
        );
        self.branch_if(Cond::E, uninit);
        asm!(self
            ; mov Rd(rc), DWORD [r15 + type_id_off]
            ; cmp Rd(rc), DWORD [r11 + VMFuncRef::OFFSET_TYPE_ID]
        );
        self.branch_if(Cond::NE, mismatch);
        asm!(self
            ; mov r15, QWORD [r11 + VMFuncRef::OFFSET_VMCTX]
            ; call QWORD [r11 + VMFuncRef::OFFSET_CODE]
        );
    }

    /// How many integer arguments a builtin takes besides the vmctx.
    pub const BUILTIN_ARGS: usize = C_ARGS.len();

    /// Builtin argument `i` (after the vmctx) = a constant.
    pub fn set_builtin_arg_const(&mut self, i: usize, bits: u64) {
        self.mov_imm64(C_ARGS[i].code(), bits);
    }

    /// Builtin argument `i` (after the vmctx) = the 8 bytes at `slot`.
    pub fn set_builtin_arg(&mut self, i: usize, slot: Address) {
        let a = C_ARGS[i].code();
        match slot {
            Address::Frame(d) => asm!(self; mov Rq(a), QWORD [rbp + d]),
            _ => self.load(ValType::I64, C_ARGS[i], slot),
        }
    }

    /// Calls the builtin at `VMBuiltins` offset `builtin` with the vmctx as
    /// its first argument. Every allocatable register is clobbered.
    pub fn call_builtin(&mut self, builtin: i32) {
        asm!(self
            ; mov rdi, r15
            ; mov rax, QWORD [r15 + VMContextHeader::OFFSET_BUILTINS]
            ; call QWORD [rax + builtin]
        );
    }

    /// `dst` = the value of the global whose storage the vmctx points to
    /// at `global_off`.
    pub fn global_load(&mut self, ty: ValType, dst: Reg, global_off: i32) {
        asm!(self; mov Rq(SCRATCH.code()), QWORD [r15 + global_off]);
        self.load(ty, dst, Address::Base(SCRATCH, 0));
    }

    /// Stores `src` to the global whose storage the vmctx points to at
    /// `global_off`.
    pub fn global_store(&mut self, ty: ValType, global_off: i32, src: Reg) {
        asm!(self; mov Rq(SCRATCH.code()), QWORD [r15 + global_off]);
        self.store(ty, Address::Base(SCRATCH, 0), src);
    }

    /// `dst` = the address of the `VMFuncRef` at vmctx offset `off`.
    pub fn vmctx_address(&mut self, dst: Reg, off: i32) {
        asm!(self; lea Rq(dst.code()), [r15 + off]);
    }

    /// `dst` = the current size in pages of the memory defined at `def_off`.
    pub fn memory_size(&mut self, dst: Reg, def_off: i32) {
        let d = dst.code();
        asm!(self
            ; mov Rq(d), QWORD [r15 + def_off]
            ; mov Rq(d), QWORD [Rq(d) + VMMemoryDefinition::OFFSET_LENGTH]
            ; shr Rq(d), 16
        );
    }

    /// `dst` = the length of the table defined at `table_off`.
    pub fn table_size(&mut self, dst: Reg, table_off: i32) {
        let d = dst.code();
        asm!(self
            ; mov Rq(d), QWORD [r15 + table_off]
            ; mov Rd(d), DWORD [Rq(d) + VMTableDefinition::OFFSET_LENGTH]
        );
    }

    /// SCRATCH = the address of element `i` of the table at `table_off`,
    /// after the bounds check.
    fn table_elem_addr(&mut self, i: u8, table_off: i32, oob: Label) {
        asm!(self
            ; mov r11, QWORD [r15 + table_off]
            ; cmp Rd(i), DWORD [r11 + VMTableDefinition::OFFSET_LENGTH]
        );
        self.branch_if(Cond::AE, oob);
        asm!(self
            ; mov r11, QWORD [r11 + VMTableDefinition::OFFSET_BASE]
            ; lea r11, [r11 + Rq(i) * 8]
        );
    }

    /// `index` = element `index` of the table at `table_off` (bounds-checked).
    pub fn table_get(&mut self, index: Reg, table_off: i32, oob: Label) {
        let i = index.code();
        self.table_elem_addr(i, table_off, oob);
        asm!(self; mov Rq(i), QWORD [r11]);
    }

    /// Element `index` of the table at `table_off` = `value` (bounds-checked).
    pub fn table_set(&mut self, index: Reg, value: Reg, table_off: i32, oob: Label) {
        self.table_elem_addr(index.code(), table_off, oob);
        asm!(self; mov QWORD [r11], Rq(value.code()));
    }

    /// Tests a value for non-zero; returns the condition that holds when it
    /// is (i32 compares 32 bits, references 64).
    pub fn test_nonzero(&mut self, ty: ValType, r: Reg) -> Cond {
        let c = r.code();
        if ty == ValType::I32 {
            asm!(self; test Rd(c), Rd(c));
        } else {
            asm!(self; test Rq(c), Rq(c));
        }
        Cond::NE
    }

    /// Tests the i32 at `addr` for non-zero; returns the condition that
    /// holds when it is.
    pub fn test_nonzero_mem(&mut self, addr: Address) -> Cond {
        match addr {
            Address::Frame(d) => asm!(self; cmp DWORD [rbp + d], 0),
            _ => {
                let (b, d) = addr.parts();
                asm!(self; cmp DWORD [Rq(b) + d], 0);
            }
        }
        Cond::NE
    }

    /// `br_table`'s dispatch: jumps to `default` if `index >= len`, else
    /// through the jump table that follows ([`Masm::bind_jump_table`] and
    /// one [`Masm::jump_table_entry`] per target). Returns the table's label.
    pub fn jump_table_dispatch(&mut self, index: Reg, len: u32, default: Label) -> Label {
        let table = self.new_label();
        let rc = index.code();
        let n = len as i32;
        // A table of 32-bit offsets (`.rel32`: relative to the start of the
        // entry itself): one indirect jump straight to the target.
        asm!(self
            ; cmp Rd(rc), n
            ; jae =>default
            ; lea r11, [=>table]
            ; movsxd r10, DWORD [r11 + Rq(rc) * 4]
            ; lea r11, [r11 + Rq(rc) * 4]
            ; add r11, r10
            ; jmp r11
        );
        table
    }

    /// Starts the jump table of [`Masm::jump_table_dispatch`].
    pub fn bind_jump_table(&mut self, table: Label) {
        self.asm.align(4, 0xcc);
        self.bind(table);
    }

    /// The next entry of a jump table.
    pub fn jump_table_entry(&mut self, target: Label) {
        asm!(self; .rel32 =>target);
    }

    /// The base register of memory `mem` for one access: memory 0's is
    /// pinned, another's is loaded into a scratch register. `def_off` is
    /// the vmctx offset of the memory's definition pointer.
    #[inline]
    pub fn memory_base(&mut self, mem: u32, def_off: i32) -> MemBase {
        let reg = if mem == 0 {
            super::regs::MEMORY_BASE.code()
        } else {
            self.load_memory_base_scratch(def_off);
            SCRATCH2.code()
        };
        MemBase { reg, def_off }
    }

    fn load_memory_base_scratch(&mut self, def_off: i32) {
        asm!(self
            ; mov r10, QWORD [r15 + def_off]
            ; mov r10, QWORD [r10 + VMMemoryDefinition::OFFSET_BASE]
        );
    }

    /// The operand of a heap access at `index + offset` in `base`'s memory.
    /// With `check` (the access size and the out-of-bounds trap label),
    /// `index + offset + size` is compared with the memory's length first.
    /// Uses only the scratch registers; `index` is left intact.
    #[inline]
    pub(crate) fn heap_address(
        &mut self,
        base: MemBase,
        index: HeapIndex,
        offset: u64,
        check: Option<(u64, Label)>,
    ) -> Addr {
        let scratch = SCRATCH.code();
        let (mut index, mut disp) = match index {
            // A constant address goes to SCRATCH, offset included.
            HeapIndex::Const(a) => {
                self.mov_imm64(scratch, (a as u64) + offset);
                (scratch, 0u64)
            }
            HeapIndex::Reg(r) => (r.code(), offset),
        };
        if disp > (i32::MAX - 16) as u64 {
            // Offsets of 2 GiB and more do not fit a displacement.
            asm!(self; mov Rd(scratch), Rd(index));
            self.mov_imm64(SCRATCH2.code(), disp);
            asm!(self; add Rq(scratch), Rq(SCRATCH2.code()));
            index = scratch;
            disp = 0;
            if base.reg == SCRATCH2.code() {
                self.load_memory_base_scratch(base.def_off);
            }
        }
        if let Some((size, oob)) = check {
            let end = disp as i64 + size as i64;
            let off = base.def_off;
            // r11 may hold the index: compute the end in rax-free scratch
            // via push-free arithmetic on r10/r11 only.
            if index == scratch {
                asm!(self; add Rq(scratch), end as i32);
                asm!(self; mov r10, QWORD [r15 + off]);
                asm!(self; cmp Rq(scratch), QWORD [r10 + VMMemoryDefinition::OFFSET_LENGTH]);
                self.branch_if(Cond::A, oob);
                asm!(self; sub Rq(scratch), end as i32);
            } else {
                asm!(self
                    ; mov r11d, Rd(index)
                    ; add r11, end as i32
                    ; mov r10, QWORD [r15 + off]
                    ; cmp r11, QWORD [r10 + VMMemoryDefinition::OFFSET_LENGTH]
                );
                self.branch_if(Cond::A, oob);
            }
            if base.reg == SCRATCH2.code() {
                asm!(self; mov r10, QWORD [r10 + VMMemoryDefinition::OFFSET_BASE]);
            }
        }
        Addr {
            base: base.reg,
            index,
            disp: disp as i32,
        }
    }

    /// Loads from the heap, extending as `op` says.
    #[inline]
    pub(crate) fn heap_load(&mut self, op: MemOp, dst: Reg, a: Addr) {
        let (b, i, disp, d) = (a.base, a.index, a.disp, dst.code());
        use MemOp::*;
        match op {
            I32 => load_at!(self, b, i, disp; mov Rd(d), DWORD),
            I64 => load_at!(self, b, i, disp; mov Rq(d), QWORD),
            F32 => load_at!(self, b, i, disp; movss Rx(d), DWORD),
            F64 => load_at!(self, b, i, disp; movsd Rx(d), QWORD),
            S8x32 => load_at!(self, b, i, disp; movsx Rd(d), BYTE),
            U8x32 | U8x64 => load_at!(self, b, i, disp; movzx Rd(d), BYTE),
            S16x32 => load_at!(self, b, i, disp; movsx Rd(d), WORD),
            U16x32 | U16x64 => load_at!(self, b, i, disp; movzx Rd(d), WORD),
            S8x64 => load_at!(self, b, i, disp; movsx Rq(d), BYTE),
            S16x64 => load_at!(self, b, i, disp; movsx Rq(d), WORD),
            S32x64 => load_at!(self, b, i, disp; movsxd Rq(d), DWORD),
            U32x64 => load_at!(self, b, i, disp; mov Rd(d), DWORD),
        }
    }

    /// Stores `op.size()` bytes of `src` to the heap.
    #[inline]
    pub(crate) fn heap_store(&mut self, op: MemOp, a: Addr, src: Reg) {
        let (b, i, disp, v) = (a.base, a.index, a.disp, src.code());
        use MemOp::*;
        match op {
            I32 | S32x64 | U32x64 => store_at!(self, b, i, disp; mov DWORD, Rd(v)),
            I64 => store_at!(self, b, i, disp; mov QWORD, Rq(v)),
            F32 => store_at!(self, b, i, disp; movss DWORD, Rx(v)),
            F64 => store_at!(self, b, i, disp; movsd QWORD, Rx(v)),
            S16x32 | U16x32 | S16x64 | U16x64 => store_at!(self, b, i, disp; mov WORD, Rw(v)),
            // Dynamic byte registers always get a REX prefix: sil/dil, not dh/bh.
            _ => store_at!(self, b, i, disp; mov BYTE, Rb(v)),
        }
    }

    /// Whether [`Masm::heap_store_imm`] can store this constant as an
    /// immediate (sign-extended for 8-byte stores).
    pub fn heap_store_imm_fits(op: MemOp, bits: u64) -> Option<i32> {
        (op.size() < 8 || bits as i64 == bits as i32 as i64).then_some(bits as i32)
    }

    /// Stores `op.size()` bytes of an immediate to the heap.
    pub(crate) fn heap_store_imm(&mut self, op: MemOp, a: Addr, imm: i32) {
        let (b, i, disp) = (a.base, a.index, a.disp);
        match op.size() {
            8 => store_imm_at!(self, b, i, disp; QWORD, imm),
            4 => store_imm_at!(self, b, i, disp; DWORD, imm),
            2 => store_imm_at!(self, b, i, disp; WORD, imm as i16),
            _ => store_imm_at!(self, b, i, disp; BYTE, imm as i8),
        }
    }
}
