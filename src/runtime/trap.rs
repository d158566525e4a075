//! Traps: what the API reports, and how generated code records them.

use super::instance::Instance;
use super::trampoline_abi::TrapCode;

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
}

impl Trap {
    /// A host trap with a message.
    pub fn new(message: impl Into<String>) -> Trap {
        Trap {
            code: None,
            message: message.into(),
            frames: Vec::new(),
        }
    }

    pub(crate) fn from_code(code: TrapCode) -> Trap {
        Trap {
            code: Some(code),
            message: code.message().to_string(),
            frames: Vec::new(),
        }
    }

    pub(crate) fn with_frames(mut self, frames: Vec<FrameInfo>) -> Trap {
        self.frames = frames;
        self
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
