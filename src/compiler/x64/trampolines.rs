//! Entry trampolines (host → wasm), one per function type of a module.

use dynasmrt::DynasmApi;

use super::masm::{asm, slot_size, Masm};
use super::stubs::{emit_restore_and_return, emit_save_callee_saved};
use crate::module::FuncType;
use crate::runtime::vmctx::{VMContextHeader, VMStoreContext};

/// Number of 8-byte value slots a call with this signature uses.
pub fn slot_count(ty: &FuncType) -> u32 {
    let count = |v: &[crate::module::ValType]| -> u32 {
        v.iter().map(|t| (slot_size(*t) / 8) as u32).sum()
    };
    count(&ty.params).max(count(&ty.results))
}

/// Emits `extern "C" fn(vmctx, code, values) -> u32` for one signature:
/// saves the callee-saved registers, records the activation's rsp, copies
/// the argument slots onto the stack, calls `code` with r15 = vmctx, copies
/// the result slots back and returns 0.
pub(crate) fn emit_entry_trampoline(m: &mut Masm, ty: &FuncType) -> u32 {
    m.asm.align(16, 0xcc);
    let start = m.offset();
    let n = slot_count(ty) as i32;
    emit_save_callee_saved(m);
    // rsp ≡ 8 (mod 16) here: the return address and six pushes. Reserve the
    // slots plus one word for `values`, keeping rsp 16-aligned at the call.
    let values_at = 8 * n;
    let frame = ((values_at + 8 + 15) & !15) + 8;
    asm!(m
        ; mov rax, QWORD [rdi + VMContextHeader::OFFSET_STORE]
        ; mov QWORD [rax + VMStoreContext::OFFSET_ACTIVATION_SP], rsp
        ; sub rsp, frame
        ; mov QWORD [rsp + values_at], rdx
    );
    for i in 0..ty.params.iter().map(|t| slot_size(*t) / 8).sum::<i32>() {
        asm!(m
            ; mov rax, QWORD [rdx + 8 * i]
            ; mov QWORD [rsp + 8 * i], rax
        );
    }
    asm!(m
        ; mov r15, rdi
        ; call rsi
        ; mov rdx, QWORD [rsp + values_at]
    );
    for i in 0..ty.results.iter().map(|t| slot_size(*t) / 8).sum::<i32>() {
        asm!(m
            ; mov rax, QWORD [rsp + 8 * i]
            ; mov QWORD [rdx + 8 * i], rax
        );
    }
    asm!(m
        ; add rsp, frame
        ; xor eax, eax
    );
    emit_restore_and_return(m);
    start
}
