//! Turning faults in generated code into traps.
//!
//! A SIGSEGV/SIGBUS (guard page), SIGILL (`ud2`) or SIGFPE at a pc listed in
//! a module's trap table is redirected, as `vm::abi` specifies, into
//! the engine's raise stub: the handler pushes the faulting pc on the
//! interrupted stack, puts the trap code in rdi and resumes at the stub,
//! exactly as if the code had executed `call raise_trap` there. Any other
//! signal goes to the handler that was installed before ours (or, if that was
//! the default action, the default action is restored and the fault re-runs
//! to crash the process as it would have without us).

use std::cell::{Cell, UnsafeCell};
use std::mem::MaybeUninit;
use std::sync::Once;

use super::code_memory;
use super::code_memory::page_size;
use super::module::ModuleInner;
use super::stubs;
use crate::vm::TrapCode;

const SIGNALS: [libc::c_int; 4] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE];

/// The handlers that were installed before ours, written once before our
/// handlers are installed and only read afterwards.
struct PreviousHandlers(UnsafeCell<[MaybeUninit<libc::sigaction>; 4]>);

// SAFETY: written once inside `INSTALL` before any handler can read it.
unsafe impl Sync for PreviousHandlers {}

static PREVIOUS: PreviousHandlers = PreviousHandlers(UnsafeCell::new([MaybeUninit::uninit(); 4]));
static INSTALL: Once = Once::new();

/// Installs the process-wide handlers (once).
pub(crate) fn ensure_installed() {
    INSTALL.call_once(|| {
        for (i, &sig) in SIGNALS.iter().enumerate() {
            // SAFETY: a zeroed sigaction is valid; we fill the fields we use,
            // and PREVIOUS is not yet read by anyone.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = handler as *const () as usize;
                action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut action.sa_mask);
                let prev = (*PREVIOUS.0.get())[i].as_mut_ptr();
                if libc::sigaction(sig, &action, prev) != 0 {
                    panic!("cannot install the handler for signal {sig}");
                }
            }
        }
    });
}

/// The trap code for a fault at `pc`, if `pc` is a listed instruction of
/// module code. Lock- and allocation-free.
fn trap_code_at(pc: usize) -> Option<TrapCode> {
    let module = code_memory::lookup(pc)? as *const ModuleInner;
    // SAFETY: a registered module stays alive while its code can run; it is
    // running on this thread (that is where the fault came from).
    unsafe { (*module).trap_code_at(pc) }
}

unsafe extern "C" fn handler(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let uc = ctx as *mut libc::ucontext_t;
    // SAFETY: the kernel passes a valid ucontext for SA_SIGINFO handlers.
    let gregs = unsafe { &mut (*uc).uc_mcontext.gregs };
    let pc = gregs[libc::REG_RIP as usize] as usize;
    if let (Some(code), Some(stubs)) = (trap_code_at(pc), stubs::try_get()) {
        let sp = gregs[libc::REG_RSP as usize] as usize - 8;
        // SAFETY: the interrupted wasm frame's stack has room below rsp (the
        // prologue's stack check keeps the stack limit far above its end).
        unsafe { *(sp as *mut usize) = pc };
        gregs[libc::REG_RSP as usize] = sp as i64;
        gregs[libc::REG_RDI as usize] = code as u32 as i64;
        gregs[libc::REG_RIP as usize] = stubs.raise_trap as usize as i64;
        return;
    }
    // SAFETY: forwarding the signal we received, with its own arguments.
    unsafe { chain(sig, info, ctx) }
}

unsafe fn chain(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let Some(i) = SIGNALS.iter().position(|&s| s == sig) else {
        return;
    };
    // SAFETY: PREVIOUS was fully written before our handler was installed.
    let prev = unsafe { (*PREVIOUS.0.get())[i].assume_init_ref() };
    let action = prev.sa_sigaction;
    if action == libc::SIG_DFL || action == libc::SIG_IGN {
        // Restore the default and return: the faulting instruction runs again
        // and the default action (a crash) happens as if we were not here.
        // SAFETY: resetting the disposition of a signal to its default.
        unsafe {
            let mut dfl: libc::sigaction = std::mem::zeroed();
            dfl.sa_sigaction = libc::SIG_DFL;
            libc::sigemptyset(&mut dfl.sa_mask);
            libc::sigaction(sig, &dfl, std::ptr::null_mut());
        }
    } else if prev.sa_flags & libc::SA_SIGINFO != 0 {
        // SAFETY: the previous handler declared the three-argument form.
        unsafe {
            let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                std::mem::transmute(action);
            f(sig, info, ctx)
        }
    } else {
        // SAFETY: the previous handler declared the one-argument form.
        unsafe {
            let f: extern "C" fn(libc::c_int) = std::mem::transmute(action);
            f(sig)
        }
    }
}

/// Size of the alternate signal stack we give threads that have none.
const ALT_STACK_SIZE: usize = 64 << 10;

/// An alternate signal stack this thread allocated; released at thread exit.
struct AltStack {
    mapping: *mut u8,
    len: usize,
}

impl Drop for AltStack {
    fn drop(&mut self) {
        // SAFETY: disabling our own alternate stack before unmapping it; this
        // thread is exiting and runs no handler meanwhile.
        unsafe {
            let disable = libc::stack_t {
                ss_sp: std::ptr::null_mut(),
                ss_flags: libc::SS_DISABLE,
                ss_size: 0,
            };
            libc::sigaltstack(&disable, std::ptr::null_mut());
            libc::munmap(self.mapping as *mut libc::c_void, self.len);
        }
    }
}

thread_local! {
    static ALT_STACK: Cell<Option<AltStack>> = const { Cell::new(None) };
}

/// Makes sure the current thread has an alternate signal stack, so that the
/// handler works even when the fault happened with little stack left.
/// Called once per thread, before its first entry into wasm.
pub(crate) fn ensure_thread_altstack() {
    // SAFETY: querying the current alternate stack.
    let existing = unsafe {
        let mut old: libc::stack_t = std::mem::zeroed();
        libc::sigaltstack(std::ptr::null(), &mut old);
        old
    };
    // Keep any alternate stack the host set up (Rust's std, the Go runtime
    // and JVMs install their own and expect it to stay): our handler needs
    // only a few hundred bytes of it.
    if existing.ss_flags & libc::SS_DISABLE == 0 {
        return;
    }
    let guard = page_size();
    let len = guard + ALT_STACK_SIZE;
    // SAFETY: a fresh anonymous mapping; its lowest page stays inaccessible
    // as a guard, the rest becomes the signal stack.
    unsafe {
        let mapping = libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        if mapping == libc::MAP_FAILED {
            return;
        }
        let stack = (mapping as *mut u8).add(guard);
        if libc::mprotect(
            stack as *mut libc::c_void,
            ALT_STACK_SIZE,
            libc::PROT_READ | libc::PROT_WRITE,
        ) != 0
        {
            libc::munmap(mapping, len);
            return;
        }
        let new = libc::stack_t {
            ss_sp: stack as *mut libc::c_void,
            ss_flags: 0,
            ss_size: ALT_STACK_SIZE,
        };
        if libc::sigaltstack(&new, std::ptr::null_mut()) != 0 {
            libc::munmap(mapping, len);
            return;
        }
        ALT_STACK.with(|s| {
            s.set(Some(AltStack {
                mapping: mapping as *mut u8,
                len,
            }))
        });
    }
}
