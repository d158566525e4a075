//! Contract 2 of 2 between the compiler and the runtime: how control and
//! values cross between host code and generated code, and how traps unwind.
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
//!   reads them at `[rbp + 16 + 8*i]` (after `push rbp; mov rbp, rsp`) and
//!   writes result `j` to slot `j` before returning; the caller reads results
//!   from `[rsp + 8*j]`. A v128 value takes two consecutive slots. i32 and f32
//!   values occupy the low 4 bytes of their slot (the rest is unspecified).
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

/// Where every wasm frame keeps its vmctx, relative to its rbp.
pub const FRAME_VMCTX_OFFSET: i32 = -8;

/// Host → wasm. `values` holds `max(params, results)` slots. Returns 0 when
/// the call returned, 1 when it trapped (the trap is recorded in the store).
pub type EntryTrampoline =
    unsafe extern "C" fn(vmctx: *mut u8, code: *const u8, values: *mut u64) -> u32;

/// Why generated code trapped. The values are part of the contract: generated
/// code passes them in edi to the raise stub, and builtins return them.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrapCode {
    StackOverflow = 1,
    MemoryOutOfBounds = 2,
    TableOutOfBounds = 3,
    /// `call_indirect` with an index past the table's end.
    UndefinedElement = 4,
    /// `call_indirect` to a null entry.
    UninitializedElement = 5,
    IndirectCallTypeMismatch = 6,
    IntegerOverflow = 7,
    IntegerDivisionByZero = 8,
    BadConversionToInteger = 9,
    UnreachableCodeReached = 10,
    NullReference = 11,
    /// A host function returned a trap (never raised by generated code itself).
    HostTrap = 12,
}

impl TrapCode {
    pub fn from_u32(code: u32) -> Option<TrapCode> {
        use TrapCode::*;
        Some(match code {
            1 => StackOverflow,
            2 => MemoryOutOfBounds,
            3 => TableOutOfBounds,
            4 => UndefinedElement,
            5 => UninitializedElement,
            6 => IndirectCallTypeMismatch,
            7 => IntegerOverflow,
            8 => IntegerDivisionByZero,
            9 => BadConversionToInteger,
            10 => UnreachableCodeReached,
            11 => NullReference,
            12 => HostTrap,
            _ => return None,
        })
    }

    /// The message the WebAssembly specification's tests expect.
    pub fn message(self) -> &'static str {
        use TrapCode::*;
        match self {
            StackOverflow => "call stack exhausted",
            MemoryOutOfBounds => "out of bounds memory access",
            TableOutOfBounds => "out of bounds table access",
            UndefinedElement => "undefined element",
            UninitializedElement => "uninitialized element",
            IndirectCallTypeMismatch => "indirect call type mismatch",
            IntegerOverflow => "integer overflow",
            IntegerDivisionByZero => "integer divide by zero",
            BadConversionToInteger => "invalid conversion to integer",
            UnreachableCodeReached => "unreachable",
            NullReference => "null reference",
            HostTrap => "host trap",
        }
    }
}
