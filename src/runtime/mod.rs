//! Machine code + imports → instance, and everything that runs at run time.

pub mod trampoline_abi;
pub mod vmctx;
