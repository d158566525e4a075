//! Evaluation of constant expressions (global initialisers, segment offsets
//! and element items) into raw global bits.

use super::instance::InstanceData;
use crate::module::{ConstExpr, ConstOp};

/// Evaluates `expr` in `instance` (whose globals read by `expr` are set).
/// The validator guarantees the expression is well-typed and leaves one value.
pub(crate) fn eval(instance: &InstanceData, expr: &ConstExpr) -> [u64; 2] {
    let mut stack: Vec<[u64; 2]> = Vec::with_capacity(expr.0.len());
    for op in &expr.0 {
        let v = match *op {
            ConstOp::I32Const(x) => [x as u32 as u64, 0],
            ConstOp::I64Const(x) => [x as u64, 0],
            ConstOp::F32Const(bits) => [bits as u64, 0],
            ConstOp::F64Const(bits) => [bits, 0],
            ConstOp::V128Const(x) => [x as u64, (x >> 64) as u64],
            ConstOp::RefNull(_) => [0, 0],
            ConstOp::RefFunc(f) => [instance.funcref(f) as u64, 0],
            // SAFETY: global slots of an instance point at live store-owned cells.
            ConstOp::GlobalGet(g) => unsafe { (*instance.global(g)).bits },
            ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                let (a, b) = pop2(&mut stack);
                let (a, b) = (a[0] as u32, b[0] as u32);
                let r = match *op {
                    ConstOp::I32Add => a.wrapping_add(b),
                    ConstOp::I32Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                };
                [r as u64, 0]
            }
            ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                let (a, b) = pop2(&mut stack);
                let (a, b) = (a[0], b[0]);
                let r = match *op {
                    ConstOp::I64Add => a.wrapping_add(b),
                    ConstOp::I64Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                };
                [r, 0]
            }
        };
        stack.push(v);
    }
    stack.pop().unwrap_or_default()
}

fn pop2(stack: &mut Vec<[u64; 2]>) -> ([u64; 2], [u64; 2]) {
    let b = stack.pop().unwrap_or_default();
    let a = stack.pop().unwrap_or_default();
    (a, b)
}
