//! The calling convention and the frame layout: how control and values
//! cross between host code and generated code, and how traps unwind. The
//! vmctx layout is in [`super::vmctx`], the trap codes in [`super::trap`].
//!
//! # The wasm calling convention (wasm → wasm)
//!
//! - r15 holds the callee's vmctx. r14 caches the base of memory 0: each
//!   function loads it in its prologue and after every call, so it is never
//!   relied on across a call. (Exception, internal to the compiler: a
//!   direct call between functions of one module enters the callee after
//!   its r14 load and skips the reloads after the call, because r14 holds
//!   the current base at every call site and such a callee returns with r15
//!   and — with guard pages, where a memory's base never moves — r14 as it
//!   found them. `FuncLoc::offset`, the entry for everyone else, loads r14.)
//! - Every other general-purpose and xmm register is clobbered by a call
//!   (the single-pass compiler spills live values before calls anyway).
//! - Arguments and results travel in *slots*: the caller reserves
//!   `max(params, results)` 8-byte slots at the bottom of its frame, slot `i` at
//!   `[rsp + 8*i]` at the `call`, and stores argument `i` in slot `i`. The callee
//!   reads them at `[rbp + 16 + 8*i]` (after `push rbp; mov rbp, rsp`;
//!   16 is [`FRAME_ARGS_OFFSET`]) and
//!   writes result `j` to slot `j` before returning; the caller reads results
//!   from `[rsp + 8*j]`. A v128 value takes two consecutive slots (low half
//!   first; [`value_slots`]). i32 and f32 values occupy the low 4 bytes of
//!   their slot (the rest is unspecified).
//! - rsp is 16-byte aligned at every `call`.
//! - Every function starts with `push rbp; mov rbp, rsp`, keeps rbp as frame
//!   pointer, and checks `rsp - frame_size` against
//!   `VMStoreContext::stack_limit` before touching its frame: the rbp chain is
//!   what the runtime walks for backtraces. The stack-overflow trap is raised
//!   with rsp no lower than `rbp` (e.g. `mov rsp, rbp` before the raise
//!   call): the runtime keeps only 128 KiB of native stack below the limit,
//!   less than a large frame.
//! - A call to an imported function or through `call_indirect` loads `code`
//!   and `vmctx` from a `VMFuncRef`, sets r15 to that vmctx, calls `code`,
//!   and restores r15 from the caller's own frame afterwards.
//! - Right after its stack check, every function saves its vmctx (r15) at
//!   `[rbp + FRAME_VMCTX_OFFSET]`; backtraces read it there to tell which
//!   instance each frame belongs to.
//!
//! The uniform slot layout makes the way out to the host signature-
//! independent: one exit trampoline per engine serves every host function.
//!
//! # Host → wasm: entry trampolines
//!
//! The compiler emits one entry trampoline per function type of a module,
//! of type [`EntryTrampoline`]: it saves the callee-saved registers (rbx, rbp,
//! r12–r15), records rsp in `VMStoreContext::activation_sp` (found through
//! `vmctx.header.store`), copies the argument slots from `values` onto its
//! stack, sets r15, calls `code`, copies the result slots back to `values`
//! and returns 0. The runtime saves and restores `activation_sp` around the
//! call, so activations nest.
//!
//! # Wasm → host: the exit trampoline
//!
//! A host function's `VMFuncRef` has `code` = the engine's exit trampoline and
//! `vmctx` = its `VMHostFuncContext`. The trampoline does `push rbp; mov rbp,
//! rsp`, calls `dispatch(r15, rbp + 16, rbp)`, and on a non-zero result
//! unwinds (see below); otherwise it returns with the results in the slots.
//!
//! # Traps
//!
//! Generated code raises a trap with `mov edi, code; call [r15 +
//! VMContextHeader::OFFSET_RAISE_TRAP]`: the return address is the trapping pc,
//! rbp the trapping frame. The engine's raise stub calls
//! `capture(vmctx, code, pc, fp)` (which records the trap and its backtrace in
//! the store), then sets rsp to `activation_sp`, pops the callee-saved
//! registers and returns 1 from the entry trampoline.
//!
//! A faulting instruction (an out-of-bounds access hitting a guard page) is
//! listed in the module's trap table; the signal handler finds the trap code by
//! pc, and makes the faulting context look as if it had executed that same
//! `call` sequence: it pushes the pc, sets rdi to the code and rip to the raise
//! stub. Unwinding thus only ever crosses frames of generated code.

use crate::module::{FuncType, ValType};

/// Bytes of one value slot.
pub const SLOT_SIZE: i32 = 8;

/// Where every wasm frame keeps its vmctx, relative to its rbp: the first
/// word below the saved rbp. Everything else below rbp (locals, spilled
/// values, the outgoing slots) is the compiler's own business.
pub const FRAME_VMCTX_OFFSET: i32 = -8;

/// Where a function's argument (and result) slots start, relative to its
/// rbp: above the saved rbp and the return address. The same holds for the
/// exit trampoline, which makes the same `push rbp; mov rbp, rsp` frame.
pub const FRAME_ARGS_OFFSET: i32 = 16;

const _: () = assert!(FRAME_VMCTX_OFFSET == -(size_of::<*mut u8>() as i32));
const _: () = assert!(FRAME_ARGS_OFFSET == 2 * size_of::<usize>() as i32);
const _: () = assert!(SLOT_SIZE == size_of::<u64>() as i32);

/// Slots a value of type `ty` takes: two for a v128 (low half first), one
/// for everything else. The one definition of a value's width, for the
/// calling convention, the runtime's raw slots and the compiler's frame.
pub const fn value_slots(ty: ValType) -> usize {
    match ty {
        ValType::V128 => 2,
        _ => 1,
    }
}

/// The most slots any value takes (a v128's).
pub const MAX_VALUE_SLOTS: usize = value_slots(ValType::V128);

/// Bytes a value of type `ty` takes in slots (the compiler's unit).
pub const fn value_size(ty: ValType) -> i32 {
    value_slots(ty) as i32 * SLOT_SIZE
}

/// Slots that values of `types` take, laid out one after another.
pub fn values_slots(types: &[ValType]) -> usize {
    types.iter().map(|t| value_slots(*t)).sum()
}

/// Slots a call with signature `ty` needs: `max(params, results)`, since
/// results are written over the arguments.
pub fn call_slots(ty: &FuncType) -> usize {
    values_slots(&ty.params).max(values_slots(&ty.results))
}

/// Host → wasm. `values` holds `max(params, results)` slots. Returns 0 when
/// the call returned, 1 when it trapped (the trap is recorded in the store).
pub type EntryTrampoline =
    unsafe extern "C" fn(vmctx: *mut u8, code: *const u8, values: *mut u64) -> u32;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_widths() {
        use ValType::*;
        for ty in [I32, I64, F32, F64, FuncRef, ExternRef] {
            assert_eq!((value_slots(ty), value_size(ty)), (1, 8), "{ty}");
        }
        assert_eq!((value_slots(V128), value_size(V128)), (2, 16));
        assert_eq!(MAX_VALUE_SLOTS, 2);
        assert_eq!(value_size(V128) as usize, size_of::<u128>());
    }

    #[test]
    fn call_slots_is_max_of_params_and_results() {
        use ValType::*;
        let ty = |params: &[ValType], results: &[ValType]| FuncType {
            params: params.into(),
            results: results.into(),
        };
        assert_eq!(call_slots(&ty(&[], &[])), 0);
        assert_eq!(call_slots(&ty(&[I32, I64], &[F32])), 2);
        assert_eq!(call_slots(&ty(&[I32], &[V128, F64])), 3);
        assert_eq!(call_slots(&ty(&[V128, V128], &[I32])), 4);
    }
}
