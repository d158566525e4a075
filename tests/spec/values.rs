//! Script values ↔ engine values: turning `invoke` arguments into [`Value`]s
//! and checking returned [`Value`]s against `assert_return` expectations.

use crate::backend::{ExternVal, Value};
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::token::{F32, F64};
use wast::{WastArg, WastRet};

/// Converts an `invoke` argument. `ref.extern N` becomes a fresh host reference
/// carrying `N` (made by the backend), which [`matches`] recognises by that
/// payload.
pub fn arg_to_value(arg: &WastArg<'_>) -> Result<Value, String> {
    let WastArg::Core(arg) = arg else {
        return Err("component-model argument".into());
    };
    Ok(match arg {
        WastArgCore::I32(v) => Value::I32(*v),
        WastArgCore::I64(v) => Value::I64(*v),
        WastArgCore::F32(v) => Value::F32(v.bits),
        WastArgCore::F64(v) => Value::F64(v.bits),
        WastArgCore::V128(v) => Value::V128(u128::from_le_bytes(v.to_le_bytes())),
        WastArgCore::RefNull(heap) => match null_kind(heap)? {
            RefKind::Func => Value::FuncRef { is_null: true },
            RefKind::Extern => Value::ExternRef(ExternVal::Null),
        },
        WastArgCore::RefExtern(n) => Value::ExternRef(ExternVal::Host(*n)),
        WastArgCore::RefHost(_) => return Err("`ref.host` argument (GC proposal)".into()),
    })
}

#[derive(Debug, PartialEq, Eq)]
enum RefKind {
    Func,
    Extern,
}

/// Which null a `ref.null <heaptype>` denotes.
fn null_kind(heap: &HeapType<'_>) -> Result<RefKind, String> {
    match heap {
        HeapType::Abstract { shared: false, ty } => match ty {
            AbstractHeapType::Func | AbstractHeapType::NoFunc => Ok(RefKind::Func),
            AbstractHeapType::Extern | AbstractHeapType::NoExtern => Ok(RefKind::Extern),
            other => Err(format!("`ref.null {other:?}` (unsupported heap type)")),
        },
        other => Err(format!("`ref.null {other:?}` (unsupported heap type)")),
    }
}

/// Whether `actual` satisfies the expectation `expected`.
pub fn matches(expected: &WastRet<'_>, actual: &Value) -> Result<bool, String> {
    let WastRet::Core(expected) = expected else {
        return Err("component-model result".into());
    };
    matches_core(expected, actual)
}

fn matches_core(expected: &WastRetCore<'_>, actual: &Value) -> Result<bool, String> {
    let extern_null = |r: &ExternVal| *r == ExternVal::Null;
    Ok(match (expected, actual) {
        (WastRetCore::I32(e), Value::I32(a)) => e == a,
        (WastRetCore::I64(e), Value::I64(a)) => e == a,
        (WastRetCore::F32(e), Value::F32(a)) => f32_matches(e, *a),
        (WastRetCore::F64(e), Value::F64(a)) => f64_matches(e, *a),
        (WastRetCore::V128(e), Value::V128(a)) => v128_matches(e, *a),
        (WastRetCore::RefNull(None), Value::FuncRef { is_null }) => *is_null,
        (WastRetCore::RefNull(None), Value::ExternRef(r)) => extern_null(r),
        (WastRetCore::RefNull(Some(heap)), Value::FuncRef { is_null }) => {
            null_kind(heap)? == RefKind::Func && *is_null
        }
        (WastRetCore::RefNull(Some(heap)), Value::ExternRef(r)) => {
            null_kind(heap)? == RefKind::Extern && extern_null(r)
        }
        (WastRetCore::RefExtern(None), Value::ExternRef(r)) => !extern_null(r),
        (WastRetCore::RefExtern(Some(n)), Value::ExternRef(r)) => *r == ExternVal::Host(*n),
        // The API has no way to ask which function a funcref denotes, so
        // `ref.func $f` is checked as "some non-null funcref" (as wasmtime does).
        (WastRetCore::RefFunc(_), Value::FuncRef { is_null }) => !is_null,
        (WastRetCore::Either(options), _) => {
            for option in options {
                if matches_core(option, actual)? {
                    return Ok(true);
                }
            }
            false
        }
        (
            WastRetCore::RefHost(_)
            | WastRetCore::RefAny
            | WastRetCore::RefEq
            | WastRetCore::RefArray
            | WastRetCore::RefStruct
            | WastRetCore::RefI31
            | WastRetCore::RefI31Shared,
            _,
        ) => {
            return Err(format!(
                "unsupported expectation {expected:?} (GC proposal)"
            ))
        }
        // Any other pairing is a value of the wrong type.
        _ => false,
    })
}

const F32_QUIET: u32 = 0x0040_0000;
const F32_EXP: u32 = 0x7f80_0000;
const F64_QUIET: u64 = 0x0008_0000_0000_0000;
const F64_EXP: u64 = 0x7ff0_0000_0000_0000;

pub fn f32_matches(expected: &NanPattern<F32>, bits: u32) -> bool {
    match expected {
        // A canonical NaN has only the quiet bit set in its payload (any sign).
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == F32_EXP | F32_QUIET,
        // An arithmetic NaN has the quiet bit set and any other payload.
        NanPattern::ArithmeticNan => bits & (F32_EXP | F32_QUIET) == F32_EXP | F32_QUIET,
        NanPattern::Value(v) => v.bits == bits,
    }
}

pub fn f64_matches(expected: &NanPattern<F64>, bits: u64) -> bool {
    match expected {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == F64_EXP | F64_QUIET,
        NanPattern::ArithmeticNan => bits & (F64_EXP | F64_QUIET) == F64_EXP | F64_QUIET,
        NanPattern::Value(v) => v.bits == bits,
    }
}

pub fn v128_matches(expected: &V128Pattern, actual: u128) -> bool {
    let bytes = actual.to_le_bytes();
    // Lane `i` of width `N` bytes, little-endian.
    fn lane<const N: usize>(bytes: &[u8; 16], i: usize) -> [u8; N] {
        bytes[i * N..(i + 1) * N].try_into().unwrap()
    }
    match expected {
        V128Pattern::I8x16(e) => (0..16).all(|i| e[i] == i8::from_le_bytes(lane::<1>(&bytes, i))),
        V128Pattern::I16x8(e) => (0..8).all(|i| e[i] == i16::from_le_bytes(lane::<2>(&bytes, i))),
        V128Pattern::I32x4(e) => (0..4).all(|i| e[i] == i32::from_le_bytes(lane::<4>(&bytes, i))),
        V128Pattern::I64x2(e) => (0..2).all(|i| e[i] == i64::from_le_bytes(lane::<8>(&bytes, i))),
        V128Pattern::F32x4(e) => {
            (0..4).all(|i| f32_matches(&e[i], u32::from_le_bytes(lane::<4>(&bytes, i))))
        }
        V128Pattern::F64x2(e) => {
            (0..2).all(|i| f64_matches(&e[i], u64::from_le_bytes(lane::<8>(&bytes, i))))
        }
    }
}

/// Renders a value for failure messages: integers in decimal, floats as bits
/// and value, references by kind.
pub fn show_val(v: &Value) -> String {
    match v {
        Value::I32(x) => format!("i32:{x}"),
        Value::I64(x) => format!("i64:{x}"),
        Value::F32(b) => format!("f32:{}(0x{b:08x})", f32::from_bits(*b)),
        Value::F64(b) => format!("f64:{}(0x{b:016x})", f64::from_bits(*b)),
        Value::V128(x) => format!("v128:0x{x:032x}"),
        Value::FuncRef { is_null: true } => "ref.null func".into(),
        Value::FuncRef { is_null: false } => "ref.func".into(),
        Value::ExternRef(ExternVal::Null) => "ref.null extern".into(),
        Value::ExternRef(ExternVal::Host(n)) => format!("ref.extern {n}"),
        Value::ExternRef(ExternVal::Foreign) => "ref.extern <host>".into(),
    }
}

/// Renders `actual` like `expected`: a v128 in the expectation's lane shape,
/// anything else as [`show_val`] does.
pub fn show_val_like(expected: Option<&WastRet<'_>>, actual: &Value) -> String {
    let (Some(WastRet::Core(WastRetCore::V128(pattern))), Value::V128(bits)) = (expected, actual)
    else {
        return show_val(actual);
    };
    let b = bits.to_le_bytes();
    let lanes = |shape: &str, lanes: Vec<String>| format!("v128:{shape}[{}]", lanes.join(" "));
    let chunks = |n: usize| b.chunks(n).map(|c| c.to_vec()).collect::<Vec<_>>();
    match pattern {
        V128Pattern::I8x16(_) => lanes("i8x16", b.iter().map(|x| (*x as i8).to_string()).collect()),
        V128Pattern::I16x8(_) => lanes(
            "i16x8",
            chunks(2)
                .iter()
                .map(|c| i16::from_le_bytes([c[0], c[1]]).to_string())
                .collect(),
        ),
        V128Pattern::I32x4(_) => lanes(
            "i32x4",
            chunks(4)
                .iter()
                .map(|c| i32::from_le_bytes(c[..].try_into().unwrap()).to_string())
                .collect(),
        ),
        V128Pattern::I64x2(_) => lanes(
            "i64x2",
            chunks(8)
                .iter()
                .map(|c| i64::from_le_bytes(c[..].try_into().unwrap()).to_string())
                .collect(),
        ),
        V128Pattern::F32x4(_) => lanes(
            "f32x4",
            chunks(4)
                .iter()
                .map(|c| {
                    let bits = u32::from_le_bytes(c[..].try_into().unwrap());
                    format!("{}(0x{bits:08x})", f32::from_bits(bits))
                })
                .collect(),
        ),
        V128Pattern::F64x2(_) => lanes(
            "f64x2",
            chunks(8)
                .iter()
                .map(|c| {
                    let bits = u64::from_le_bytes(c[..].try_into().unwrap());
                    format!("{}(0x{bits:016x})", f64::from_bits(bits))
                })
                .collect(),
        ),
    }
}

/// Renders an expectation for failure messages.
pub fn show_ret(expected: &WastRet<'_>) -> String {
    match expected {
        WastRet::Core(core) => show_ret_core(core),
        #[allow(unreachable_patterns)]
        other => format!("{other:?}"),
    }
}

fn show_ret_core(expected: &WastRetCore<'_>) -> String {
    let nan32 = |p: &NanPattern<F32>| match p {
        NanPattern::CanonicalNan => "nan:canonical".to_string(),
        NanPattern::ArithmeticNan => "nan:arithmetic".to_string(),
        NanPattern::Value(v) => format!("{}(0x{:08x})", f32::from_bits(v.bits), v.bits),
    };
    let nan64 = |p: &NanPattern<F64>| match p {
        NanPattern::CanonicalNan => "nan:canonical".to_string(),
        NanPattern::ArithmeticNan => "nan:arithmetic".to_string(),
        NanPattern::Value(v) => format!("{}(0x{:016x})", f64::from_bits(v.bits), v.bits),
    };
    match expected {
        WastRetCore::I32(x) => format!("i32:{x}"),
        WastRetCore::I64(x) => format!("i64:{x}"),
        WastRetCore::F32(p) => format!("f32:{}", nan32(p)),
        WastRetCore::F64(p) => format!("f64:{}", nan64(p)),
        WastRetCore::V128(pattern) => {
            let lanes =
                |shape: &str, lanes: Vec<String>| format!("v128:{shape}[{}]", lanes.join(" "));
            let ints = |v: &[i64]| v.iter().map(|x| x.to_string()).collect();
            match pattern {
                V128Pattern::I8x16(v) => lanes("i8x16", ints(&v.map(i64::from))),
                V128Pattern::I16x8(v) => lanes("i16x8", ints(&v.map(i64::from))),
                V128Pattern::I32x4(v) => lanes("i32x4", ints(&v.map(i64::from))),
                V128Pattern::I64x2(v) => lanes("i64x2", ints(v)),
                V128Pattern::F32x4(v) => lanes("f32x4", v.iter().map(nan32).collect()),
                V128Pattern::F64x2(v) => lanes("f64x2", v.iter().map(nan64).collect()),
            }
        }
        WastRetCore::RefNull(_) => "ref.null".into(),
        WastRetCore::RefExtern(Some(n)) => format!("ref.extern {n}"),
        WastRetCore::RefExtern(None) => "ref.extern".into(),
        WastRetCore::RefFunc(_) => "ref.func".into(),
        WastRetCore::Either(options) => {
            let options: Vec<_> = options.iter().map(show_ret_core).collect();
            format!("either({})", options.join(" | "))
        }
        other => format!("{other:?}"),
    }
}
