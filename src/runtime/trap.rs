//! Traps: what the API reports, and how generated code records them.

use super::code_memory;
use super::instance::{Instance, InstanceData};
use super::module::ModuleInner;
use super::store::StoreInner;
use crate::vm::{TrapCode, VMContextHeader, FRAME_VMCTX_OFFSET};

/// One wasm frame of a trap's backtrace, innermost first.
#[derive(Clone, Debug)]
pub struct FrameInfo {
    pub func_index: u32,
    pub func_name: Option<String>,
    /// Offset from the start of the function body in the module bytes.
    pub func_offset: usize,
    /// Offset in the module bytes.
    pub module_offset: usize,
    pub instance: Option<Instance>,
}

/// A trap: raised by generated code (with a [`TrapCode`]) or by a host
/// function (with a message), plus the wasm frames it unwound.
#[derive(Clone, Debug)]
pub struct Trap {
    code: Option<TrapCode>,
    message: String,
    frames: Vec<FrameInfo>,
    /// Set when the trap is a request to exit the program (WASI's
    /// `proc_exit`) rather than a failure.
    exit_code: Option<i32>,
}

impl Trap {
    /// A host trap with a message.
    pub fn new(message: impl Into<String>) -> Trap {
        Trap {
            code: None,
            message: message.into(),
            frames: Vec::new(),
            exit_code: None,
        }
    }

    /// A request to end the program with an exit status (WASI's
    /// `proc_exit`): it unwinds like a trap, but embedders should report
    /// it as a normal exit with [`Trap::exit_code`], not as a failure.
    pub fn exit(code: i32) -> Trap {
        Trap {
            code: None,
            message: format!("exited with status {code}"),
            frames: Vec::new(),
            exit_code: Some(code),
        }
    }

    /// The exit status of a trap made by [`Trap::exit`].
    pub fn exit_code(&self) -> Option<i32> {
        self.exit_code
    }

    pub(crate) fn from_code(code: TrapCode) -> Trap {
        Trap {
            code: Some(code),
            message: code.message().to_string(),
            frames: Vec::new(),
            exit_code: None,
        }
    }

    /// Adds outer frames: a host trap may already carry the frames of a
    /// nested wasm call it is passing on.
    pub(crate) fn append_frames(mut self, frames: Vec<FrameInfo>) -> Trap {
        self.frames.extend(frames);
        self
    }

    /// Clears `instance` from the frames: it failed to instantiate and
    /// its objects are released, so no handle to it may be handed out.
    pub(crate) fn forget_instance(&mut self, instance: Instance) {
        for frame in &mut self.frames {
            if frame.instance == Some(instance) {
                frame.instance = None;
            }
        }
    }

    pub fn code(&self) -> Option<TrapCode> {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// The wasm frames the trap unwound, innermost first.
    pub fn frames(&self) -> &[FrameInfo] {
        &self.frames
    }
}

impl std::fmt::Display for Trap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Trap {}

/// Lets a host function pass on the failure of a call it made: a trap stays
/// the same trap (with its frames); any other error becomes a trap with the
/// error's message.
impl From<super::error::Error> for Trap {
    fn from(e: super::error::Error) -> Trap {
        match e {
            super::error::Error::Trap(t) => t,
            other => Trap::new(other.to_string()),
        }
    }
}

/// Frames past this many are dropped: a stack overflow's backtrace is long
/// enough without them.
const MAX_FRAMES: usize = 1 << 16;

/// The trap recorder the raise stub calls (see `vm::abi`): records
/// the trap for `code` at `pc` in frame `fp` of an instance with `vmctx`, with
/// its backtrace, in the instance's store.
pub(crate) unsafe extern "C" fn capture(vmctx: *mut u8, code: u32, pc: usize, fp: usize) {
    // No panic may unwind into generated code; if recording fails, the call
    // still reports a trap (without details).
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let header = vmctx as *const VMContextHeader;
        // SAFETY: generated code passes its own vmctx, whose store is live.
        let inner = unsafe { &mut *((*header).store as *mut StoreInner) };
        let trap = match TrapCode::from_u32(code) {
            Some(code) => Trap::from_code(code),
            None => Trap::new(format!("unknown trap code {code}")),
        };
        // SAFETY: `pc`/`fp` are the trapping pc and frame of generated code.
        let frames = unsafe { backtrace(inner, Some(vmctx), pc, fp) };
        inner.pending_trap = Some(trap.append_frames(frames));
    }));
}

/// The wasm frames from (`pc`, `fp`) outwards: at each frame `[fp + 8]` is
/// the return address into the caller and `[fp]` the caller's frame; the
/// walk stops at the first pc outside a module function (the entry
/// trampoline of the current activation).
///
/// Each frame's instance comes from the vmctx the frame saved at
/// `FRAME_VMCTX_OFFSET`, except for the innermost frame when `vmctx` is
/// given: a stack-overflow trap fires before the prologue saves it.
///
/// # Safety
/// `pc` and `fp` must be a pc of generated code and the frame it runs in,
/// and `vmctx` (if given) the vmctx live at `pc`.
pub(crate) unsafe fn backtrace(
    store: &StoreInner,
    vmctx: Option<*mut u8>,
    mut pc: usize,
    mut fp: usize,
) -> Vec<FrameInfo> {
    let mut frames = Vec::new();
    while frames.len() < MAX_FRAMES {
        // Every pc is treated as a return address: the call (or faulting
        // instruction) is just before it (or at it), so look up `pc - 1` for
        // the function, which also keeps a trap stub's return address at the
        // very end of a function from being taken for the next function.
        let Some(module) = code_memory::lookup(pc.wrapping_sub(1)) else {
            break;
        };
        let module = module as *const ModuleInner;
        // SAFETY: registered modules are alive while their code is on the stack.
        let m = unsafe { &*module };
        let Some(defined) = m.func_at(pc.wrapping_sub(1)) else {
            break;
        };
        let frame_vmctx = match vmctx {
            Some(v) if frames.is_empty() => v,
            // SAFETY: a wasm frame past its prologue holds its vmctx there.
            _ => unsafe { *((fp as isize + FRAME_VMCTX_OFFSET as isize) as *const *mut u8) },
        };
        // SAFETY: the vmctx of a live frame of generated code.
        let instance = unsafe { instance_of(store, frame_vmctx, module) };
        let info = &m.info;
        let func_index = info.num_imported_funcs + defined;
        let body_offset = info.body_offsets[defined as usize] as usize;
        let module_offset = m
            .wasm_offset_at(pc, defined)
            .map_or(body_offset, |o| o as usize);
        frames.push(FrameInfo {
            func_index,
            func_name: info.func_name(func_index).map(str::to_string),
            func_offset: module_offset.saturating_sub(body_offset),
            module_offset,
            instance,
        });
        if fp == 0 {
            break;
        }
        // SAFETY: `fp` is a frame of generated code, which keeps the rbp chain.
        unsafe {
            pc = *(fp as *const usize).add(1);
            fp = *(fp as *const usize);
        }
    }
    frames
}

/// The instance owning `vmctx`, checked to be of `store` and to run `module`.
///
/// # Safety
/// `vmctx` must be the vmctx of a live instance.
unsafe fn instance_of(
    store: &StoreInner,
    vmctx: *mut u8,
    module: *const ModuleInner,
) -> Option<Instance> {
    // SAFETY: the header's instance field points at the owning InstanceData.
    let data = unsafe { (*(vmctx as *const VMContextHeader)).instance as *const InstanceData };
    // SAFETY: as above.
    let index = unsafe { (*data).index };
    let ours = store
        .instances
        .get(index as usize)
        .is_some_and(|i| std::ptr::eq(&**i, data) && std::ptr::eq(&*i.module.inner, module));
    ours.then_some(Instance {
        store_id: store.id,
        index,
    })
}
