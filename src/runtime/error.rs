//! The error type of the Rust API.

use super::trap::Trap;
use crate::module::CompileError;

#[derive(Debug)]
pub enum Error {
    /// The module is malformed or invalid.
    Compile(CompileError),
    /// Instantiation failed to resolve an import ("unknown import",
    /// "incompatible import type").
    Link(String),
    /// Execution trapped (including in a start function or a segment
    /// initialiser).
    Trap(Trap),
    /// Wrong argument arity or types, or a value of the wrong type.
    Type(String),
    /// Allocation failure or growth past a maximum.
    Resource(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Compile(e) => write!(f, "{e}"),
            Error::Link(m) | Error::Type(m) | Error::Resource(m) => f.write_str(m),
            Error::Trap(t) => write!(f, "{t}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<CompileError> for Error {
    fn from(e: CompileError) -> Error {
        Error::Compile(e)
    }
}

impl From<Trap> for Error {
    fn from(t: Trap) -> Error {
        Error::Trap(t)
    }
}
