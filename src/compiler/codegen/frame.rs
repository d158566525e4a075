//! The frame of the function being compiled: where its locals live and how
//! deep its value stack and outgoing call area go (the size the prologue
//! reserves).
//!
//! Layout below the frame pointer: the saved vmctx (at `FRAME_VMCTX_OFFSET`,
//! the contract's word), then the declared locals, then the value stack's
//! slots, then the outgoing call area at the stack pointer. Parameters stay
//! in the caller's argument slots above the frame pointer.

use crate::module::ValType;
use crate::vm::{value_size, FRAME_ARGS_OFFSET, FRAME_VMCTX_OFFSET};

/// Where a local lives: the frame slot `Address::Frame(disp)`.
#[derive(Clone, Copy)]
pub(crate) struct Local {
    pub ty: ValType,
    pub disp: i32,
}

/// Bytes below the frame pointer before the first local: the saved vmctx.
const LOCALS_START: i32 = -FRAME_VMCTX_OFFSET;

#[derive(Default)]
pub(super) struct FrameLayout {
    locals: Vec<Local>,
    /// Bytes below the frame pointer taken by the saved vmctx and the locals.
    locals_end: i32,
    /// Deepest stack slot used (bytes below the frame pointer).
    max_slot: i32,
    /// Largest outgoing argument area needed (bytes).
    call_area: i32,
}

impl FrameLayout {
    /// A new function with these parameters (in the caller's slots).
    pub fn begin(&mut self, params: &[ValType]) {
        self.locals.clear();
        self.call_area = 0;
        let mut disp = FRAME_ARGS_OFFSET;
        for &ty in params {
            self.locals.push(Local { ty, disp });
            disp += value_size(ty);
        }
        self.locals_end = LOCALS_START;
    }

    /// Declares the next local, below the previous ones.
    pub fn declare_local(&mut self, ty: ValType) {
        self.locals_end += value_size(ty);
        self.locals.push(Local {
            ty,
            disp: -self.locals_end,
        });
    }

    #[inline]
    pub fn local(&self, l: u32) -> Local {
        self.locals[l as usize]
    }

    pub fn num_locals(&self) -> usize {
        self.locals.len()
    }

    /// The declared locals (after `n_params` parameters), the bytes they
    /// take, and the lowest of them, for zeroing at the prologue.
    pub fn declared_locals(&self, n_params: usize) -> (&[Local], i32, i32) {
        let bytes = self.locals_end - LOCALS_START;
        (&self.locals[n_params..], bytes, -self.locals_end)
    }

    /// Where the value stack's slots start (bytes below the frame pointer).
    #[inline]
    pub fn stack_base(&self) -> i32 {
        self.locals_end
    }

    /// The body starts: the value stack is empty.
    pub fn start_body(&mut self) {
        self.max_slot = self.locals_end;
    }

    /// A value-stack slot reaching `off` bytes below the frame pointer is used.
    #[inline]
    pub fn use_slot(&mut self, off: i32) {
        if off > self.max_slot {
            self.max_slot = off;
        }
    }

    /// A call needs `bytes` of outgoing argument/result slots.
    pub fn use_call_area(&mut self, bytes: i32) {
        self.call_area = self.call_area.max(bytes);
    }

    /// The frame size the prologue reserves (16-byte aligned).
    pub fn size(&self) -> u32 {
        ((self.max_slot + self.call_area + 15) & !15) as u32
    }
}
