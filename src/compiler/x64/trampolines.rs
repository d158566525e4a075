//! Entry trampolines (host → wasm), one per function type of a module.

use dynasmrt::DynasmApi;

use super::masm::{asm, Masm};
use super::stubs::{emit_restore_and_return, emit_save_callee_saved};
use crate::module::FuncType;
use crate::vm::{call_slots, values_slots, VMContextHeader, VMStoreContext};

/// Emits `extern "C" fn(vmctx, code, values) -> u32` for one signature:
/// saves the callee-saved registers, records the activation's rsp, copies
/// the argument slots onto the stack, calls `code` with r15 = vmctx, copies
/// the result slots back and returns 0.
pub(crate) fn emit_entry_trampoline(m: &mut Masm, ty: &FuncType) -> u32 {
    m.asm.align(16, 0xcc);
    let start = m.offset();
    let n = call_slots(ty) as i32;
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
    for i in 0..values_slots(&ty.params) as i32 {
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
    for i in 0..values_slots(&ty.results) as i32 {
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
