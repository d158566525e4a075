//! The engine stubs (trap raising and the host exit trampoline), mapped
//! once per process: they embed only the address of the runtime's trap
//! recorder and the contract offsets, which no engine configuration changes.

use std::sync::OnceLock;

use super::code_memory::CodeMemory;
use super::trap;

pub(crate) struct Stubs {
    _code: CodeMemory,
    /// The raise stub (`VMContextHeader::raise_trap` of every vmctx).
    pub(crate) raise_trap: *const u8,
    /// The `code` of every host function's `VMFuncRef`.
    pub(crate) exit_trampoline: *const u8,
}

// SAFETY: immutable after creation; the pointers are into `_code`, which lives as long.
unsafe impl Send for Stubs {}
// SAFETY: as above.
unsafe impl Sync for Stubs {}

static STUBS: OnceLock<Stubs> = OnceLock::new();

/// The stubs, mapped on first use.
pub(crate) fn get() -> &'static Stubs {
    STUBS.get_or_init(|| {
        let capture = trap::capture as *const () as usize;
        let stubs = crate::compiler::emit_engine_stubs(capture);
        let code = CodeMemory::new(&stubs.code).expect("cannot map the engine stubs");
        // SAFETY: both offsets are inside the code just mapped.
        let (raise_trap, exit_trampoline) = unsafe {
            (
                code.base().add(stubs.raise_trap as usize),
                code.base().add(stubs.exit_trampoline as usize),
            )
        };
        Stubs {
            _code: code,
            raise_trap,
            exit_trampoline,
        }
    })
}

/// The stubs if already mapped; never blocks (for the signal handler).
pub(crate) fn try_get() -> Option<&'static Stubs> {
    STUBS.get()
}
