//! Entering wasm from the host: stack limits, nesting of activations, and
//! collecting the trap of a call that unwound.

use std::cell::Cell;

use super::signals;
use super::store::{Store, StoreInner};
use super::trap::Trap;
use crate::vm::EntryTrampoline;

/// Native stack kept free below the wasm stack limit, for the raise stub,
/// trap capture and host functions called near the limit.
const HOST_STACK_RESERVE: usize = 128 << 10;

/// Calls `code` with `vmctx` through `trampoline`, with arguments and results
/// in `slots`.
///
/// # Safety
/// `trampoline` must be the entry trampoline for the type of `code`, `vmctx`
/// the vmctx `code` expects (of an instance or host function of `store`),
/// and `slots` must hold the arguments with room for the results.
pub(crate) unsafe fn call_wasm(
    store: &mut Store,
    trampoline: EntryTrampoline,
    vmctx: *mut u8,
    code: *const u8,
    slots: *mut u64,
) -> Result<(), Trap> {
    let stack_low = thread_stack_low();
    let max_stack = store.engine().config().max_wasm_stack;
    let outer: *mut Store = store;
    // From here on only raw pointers are used: host functions called by the
    // wasm code re-borrow the store through `outer`.
    // SAFETY: `outer` is a live, exclusively borrowed store.
    let inner: *mut StoreInner = unsafe { &mut **(*outer).inner };
    // SAFETY: `inner` is live; nothing else accesses it during these writes.
    let (old_limit, old_sp) = unsafe {
        (*inner).outer = outer;
        let old = ((*inner).vm.stack_limit, (*inner).vm.activation_sp);
        if old.0 == 0 {
            (*inner).vm.stack_limit = stack_limit(max_stack, stack_low);
        }
        old
    };
    // SAFETY: the caller guarantees the trampoline, code, vmctx and slots match.
    let rc = unsafe { trampoline(vmctx, code, slots) };
    // SAFETY: the wasm call is over; `inner` is still live and ours.
    unsafe {
        (*inner).vm.activation_sp = old_sp;
        (*inner).vm.stack_limit = old_limit;
        if rc == 0 {
            Ok(())
        } else {
            Err((*inner)
                .pending_trap
                .take()
                .unwrap_or_else(|| Trap::new("wasm trapped without recording a trap")))
        }
    }
}

/// The lowest rsp wasm may use for an outermost call made from here: the
/// configured stack size below the current stack pointer, but never closer
/// than [`HOST_STACK_RESERVE`] to the end of the thread's stack.
#[inline(always)]
fn stack_limit(max_wasm_stack: usize, stack_low: usize) -> usize {
    let marker = 0u8;
    let sp = std::hint::black_box(&marker) as *const u8 as usize;
    sp.saturating_sub(max_wasm_stack)
        .max(stack_low.saturating_add(HOST_STACK_RESERVE))
}

thread_local! {
    /// The lowest address of this thread's stack (0 if unknown), or
    /// `usize::MAX` before the thread first entered wasm.
    static STACK_LOW: Cell<usize> = const { Cell::new(usize::MAX) };
}

/// The lowest address of the current thread's stack (0 if unknown). The
/// first call on a thread also prepares the thread (and the process) for
/// running wasm: signal handlers and an alternate signal stack.
#[inline(always)]
fn thread_stack_low() -> usize {
    let low = STACK_LOW.with(Cell::get);
    if low != usize::MAX {
        return low;
    }
    init_thread()
}

#[cold]
#[inline(never)]
fn init_thread() -> usize {
    signals::ensure_installed();
    signals::ensure_thread_altstack();
    let low = query_stack_low();
    STACK_LOW.with(|c| c.set(low));
    low
}

fn query_stack_low() -> usize {
    // SAFETY: pthread_getattr_np fills `attr` for the calling thread; we
    // destroy it after reading the stack range.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return 0;
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let rc = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        if rc != 0 {
            return 0;
        }
        addr as usize
    }
}
