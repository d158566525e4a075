//! The operator visitor: each operator is validated first, then emitted.
//!
//! `ValidateThenEmit` implements wasmparser's `VisitOperator` for every
//! operator (generated from `for_each_visit_operator!`): it forwards the
//! operator to the function validator, then — unless the code is
//! unreachable — to the code generator's method of the same name.
//! Operators of proposals we do not compile fail with a `CompileError`.

use wasmparser::{
    for_each_visit_operator, for_each_visit_simd_operator, FuncValidator, ValidatorResources,
    VisitOperator, VisitSimdOperator,
};

use super::CodeGen;
// Default (unsupported) bodies for the SIMD operators not implemented yet.
#[allow(unused_imports)]
use super::simd::SimdFallback;
use crate::module::CompileError;

pub(crate) struct ValidateThenEmit<'v, 'm> {
    pub validator: &'v mut FuncValidator<ValidatorResources>,
    pub cg: &'v mut CodeGen<'m>,
    pub offset: usize,
}

/// Operators that open or close a control frame run even in unreachable code.
macro_rules! is_control {
    (Block) => {
        true
    };
    (Loop) => {
        true
    };
    (If) => {
        true
    };
    (Else) => {
        true
    };
    (End) => {
        true
    };
    ($other:ident) => {
        false
    };
}

/// Operators that consume pending compare flags themselves.
macro_rules! uses_flags {
    (If) => {
        true
    };
    (BrIf) => {
        true
    };
    (Select) => {
        true
    };
    (TypedSelect) => {
        true
    };
    (I32Eqz) => {
        true
    };
    (Drop) => {
        true
    };
    ($other:ident) => {
        false
    };
}

macro_rules! emit_op {
    ($s:ident, mvp, $op:ident, $visit:ident $(, $arg:ident)*) => {
        emit_op!(@supported $s, $op, $visit $(, $arg)*)
    };
    ($s:ident, sign_extension, $op:ident, $visit:ident $(, $arg:ident)*) => {
        emit_op!(@supported $s, $op, $visit $(, $arg)*)
    };
    ($s:ident, saturating_float_to_int, $op:ident, $visit:ident $(, $arg:ident)*) => {
        emit_op!(@supported $s, $op, $visit $(, $arg)*)
    };
    ($s:ident, bulk_memory, $op:ident, $visit:ident $(, $arg:ident)*) => {
        emit_op!(@supported $s, $op, $visit $(, $arg)*)
    };
    ($s:ident, reference_types, $op:ident, $visit:ident $(, $arg:ident)*) => {
        emit_op!(@supported $s, $op, $visit $(, $arg)*)
    };
    ($s:ident, simd, $op:ident, $visit:ident $(, $arg:ident)*) => {
        emit_op!(@supported $s, $op, $visit $(, $arg)*)
    };
    (@supported $s:ident, $op:ident, $visit:ident $(, $arg:ident)*) => {{
        if $s.cg.dead && !is_control!($op) {
            return Ok(());
        }
        if !uses_flags!($op) {
            $s.cg.materialize_flags();
        }
        let r = $s.cg.$visit($($arg),*);
        $s.cg.check_bailout(r)
    }};
    ($s:ident, $proposal:ident, $op:ident, $visit:ident $(, $arg:ident)*) => {{
        $(let _ = $arg;)*
        Err($s.cg.unsupported(concat!("the `", stringify!($op), "` operator")))
    }};
}

macro_rules! define_visit {
    ($(@$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
                self.validator
                    .visitor(self.offset as u64)
                    .$visit($($($arg.clone()),*)?)?;
                self.cg.wasm_offset = self.offset as u32;
                emit_op!(self, $proposal, $op, $visit $($(, $arg)*)?)
            }
        )*
    };
}

macro_rules! define_visit_simd {
    ($(@$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
                self.validator
                    .simd_visitor(self.offset as u64)
                    .$visit($($($arg.clone()),*)?)?;
                self.cg.wasm_offset = self.offset as u32;
                emit_op!(self, $proposal, $op, $visit $($(, $arg)*)?)
            }
        )*
    };
}

#[allow(clippy::clone_on_copy, clippy::redundant_clone)]
impl<'a> VisitOperator<'a> for ValidateThenEmit<'_, '_> {
    type Output = Result<(), CompileError>;

    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }

    for_each_visit_operator!(define_visit);
}

#[allow(clippy::clone_on_copy, clippy::redundant_clone)]
impl<'a> VisitSimdOperator<'a> for ValidateThenEmit<'_, '_> {
    for_each_visit_simd_operator!(define_visit_simd);
}
