//! The x86-64 backend: registers, the macro assembler, numeric operators,
//! engine stubs and entry trampolines.

pub mod masm;
mod ops_conv;
mod ops_float;
pub mod ops_int;
pub mod ops_simd;
pub mod regs;
pub mod stubs;
pub mod trampolines;
