//! Engine-wide stubs: the trap-raising stub and the exit trampoline (wasm →
//! host), and the callee-saved register save/restore sequence that the entry
//! trampolines share with the unwinder. See `vm::abi`.

use dynasmrt::{DynamicLabel, DynasmApi, DynasmLabelApi};

use super::masm::{asm, Masm};
use crate::vm::{VMContextHeader, VMHostFuncContext, VMStoreContext, FRAME_ARGS_OFFSET};

/// The exit trampoline's argument slots, as a short displacement from rbp.
const ARGS: i8 = FRAME_ARGS_OFFSET as i8;
const _: () = assert!(ARGS as i32 == FRAME_ARGS_OFFSET);

/// The engine's stubs, mapped once per engine.
pub struct EngineStubs {
    pub code: Vec<u8>,
    /// Offset of the raise stub (`mov edi, code; call raise_trap`).
    pub raise_trap: u32,
    /// Offset of the exit trampoline (the `code` of every host `VMFuncRef`).
    pub exit_trampoline: u32,
}

/// Pushes the callee-saved registers in the order [`emit_restore_and_return`]
/// pops them. Leaves rbp pointing at the saved rbp, so the entry trampoline
/// is a regular frame in the rbp chain.
pub(crate) fn emit_save_callee_saved(m: &mut Masm) {
    asm!(m
        ; push rbp
        ; mov rbp, rsp
        ; push rbx
        ; push r12
        ; push r13
        ; push r14
        ; push r15
    );
}

/// Pops what [`emit_save_callee_saved`] pushed (rsp must point at the saved
/// r15) and returns `eax` from the entry trampoline.
pub(crate) fn emit_restore_and_return(m: &mut Masm) {
    asm!(m
        ; pop r15
        ; pop r14
        ; pop r13
        ; pop r12
        ; pop rbx
        ; pop rbp
        ; ret
    );
}

/// The unwinder: rax = the store; resets rsp to the activation's saved rsp
/// and returns 1 from the entry trampoline.
fn emit_unwind(m: &mut Masm, unwind: DynamicLabel) {
    asm!(m
        ; =>unwind
        ; mov rsp, QWORD [rax + VMStoreContext::OFFSET_ACTIVATION_SP]
        ; mov eax, 1
    );
    emit_restore_and_return(m);
}

/// Emits the raise stub and the exit trampoline. `capture` is the address of
/// the runtime's `unsafe extern "C" fn(vmctx: *mut u8, code: u32, pc: usize,
/// fp: usize)` trap recorder. The stubs embed it: they are never serialized.
pub fn emit_engine_stubs(capture: usize) -> EngineStubs {
    let mut m = Masm::default();
    let unwind = m.new_label();

    // Raise: entered by `call [r15 + OFFSET_RAISE_TRAP]` with edi = trap code;
    // the return address is the trapping pc and rbp the trapping frame.
    let raise_trap = m.offset();
    asm!(m
        ; pop rdx
        ; mov esi, edi
        ; mov rdi, r15
        ; mov rcx, rbp
        ; and rsp, -16
        ; mov rax, QWORD capture as i64
        ; call rax
        // r15 is callee-saved in the C ABI: still the trapping vmctx.
        ; mov rax, QWORD [r15 + VMContextHeader::OFFSET_STORE]
        ; jmp =>unwind
    );

    // Exit: r15 = the host function's VMHostFuncContext; argument/result
    // slots start at [rsp + 8] (above the return address), which is
    // [rbp + FRAME_ARGS_OFFSET] once the frame is made.
    m.asm.align(16, 0xcc);
    let exit_trampoline = m.offset();
    let trapped = m.new_label();
    asm!(m
        ; push rbp
        ; mov rbp, rsp
        ; mov rdi, r15
        ; lea rsi, [BYTE rbp + ARGS]
        ; mov rdx, rbp
        ; call QWORD [r15 + VMHostFuncContext::OFFSET_DISPATCH]
        ; test eax, eax
        ; jnz =>trapped
        ; pop rbp
        ; ret
        ; =>trapped
        ; mov rax, QWORD [r15 + VMHostFuncContext::OFFSET_STORE]
        ; jmp =>unwind
    );
    emit_unwind(&mut m, unwind);

    let code = m
        .asm
        .finalize()
        .expect("engine stubs use only labels they define");
    EngineStubs {
        code,
        raise_trap,
        exit_trampoline,
    }
}
