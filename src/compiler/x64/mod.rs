//! The x86-64 backend: everything the generic code generator (`codegen/`)
//! does not know about the machine.
//!
//! - `regs`: registers by role and the allocatable sets;
//! - `masm`: the macro assembler, the only way `codegen/` emits code
//!   (frames, calls, traps, heap and table access, moves, branches);
//! - `ops_int`, `ops_float`, `ops_conv`, `ops_simd`: more `impl Masm`
//!   blocks, the instructions of the numeric and SIMD operators over
//!   operands resolved by `codegen/numeric.rs` and `codegen/simd.rs`
//!   (nothing in this folder touches the code generator's state);
//! - `stubs`, `trampolines`: engine stubs and per-signature entry code;
//! - [`CpuFeatures`]: the optional instruction-set extensions.
//!
//! An aarch64 backend is a sibling folder exporting the same names (see
//! `compiler::isa`).

pub mod masm;
mod ops_conv;
mod ops_float;
pub mod ops_int;
pub mod ops_simd;
pub mod regs;
pub mod stubs;
pub mod trampolines;

/// CPU features the generated code may use, detected once per compile.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CpuFeatures {
    pub lzcnt: bool,
    pub bmi1: bool,
    pub popcnt: bool,
    pub sse41: bool,
    pub ssse3: bool,
    pub sse42: bool,
}

impl CpuFeatures {
    pub fn detect() -> CpuFeatures {
        CpuFeatures {
            lzcnt: std::arch::is_x86_feature_detected!("lzcnt"),
            bmi1: std::arch::is_x86_feature_detected!("bmi1"),
            popcnt: std::arch::is_x86_feature_detected!("popcnt"),
            sse41: std::arch::is_x86_feature_detected!("sse4.1"),
            ssse3: std::arch::is_x86_feature_detected!("ssse3"),
            sse42: std::arch::is_x86_feature_detected!("sse4.2"),
        }
    }

    /// Every optional feature on (any x86-64 since about 2013), or none
    /// (plain x86-64 with SSE2): fixed sets for the snapshot tests.
    pub fn fixed(all: bool) -> CpuFeatures {
        CpuFeatures {
            lzcnt: all,
            bmi1: all,
            popcnt: all,
            sse41: all,
            ssse3: all,
            sse42: all,
        }
    }
}
