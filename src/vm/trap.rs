//! Trap codes: why generated code trapped.
//!
//! The numbers are part of the contract (see [`super::abi`], "Traps"):
//! generated code passes them in edi to the raise stub, builtins return
//! them (0 meaning "no trap"), and the runtime maps them back with
//! [`TrapCode::from_u32`].

/// Why generated code trapped. The values are part of the contract: generated
/// code passes them in edi to the raise stub, and builtins return them.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrapCode {
    StackOverflow = 1,
    MemoryOutOfBounds = 2,
    TableOutOfBounds = 3,
    /// `call_indirect` with an index past the table's end.
    UndefinedElement = 4,
    /// `call_indirect` to a null entry.
    UninitializedElement = 5,
    IndirectCallTypeMismatch = 6,
    IntegerOverflow = 7,
    IntegerDivisionByZero = 8,
    BadConversionToInteger = 9,
    UnreachableCodeReached = 10,
    NullReference = 11,
    /// A host function returned a trap (never raised by generated code itself).
    HostTrap = 12,
}

impl TrapCode {
    pub fn from_u32(code: u32) -> Option<TrapCode> {
        use TrapCode::*;
        Some(match code {
            1 => StackOverflow,
            2 => MemoryOutOfBounds,
            3 => TableOutOfBounds,
            4 => UndefinedElement,
            5 => UninitializedElement,
            6 => IndirectCallTypeMismatch,
            7 => IntegerOverflow,
            8 => IntegerDivisionByZero,
            9 => BadConversionToInteger,
            10 => UnreachableCodeReached,
            11 => NullReference,
            12 => HostTrap,
            _ => return None,
        })
    }

    /// The message the WebAssembly specification's tests expect.
    pub fn message(self) -> &'static str {
        use TrapCode::*;
        match self {
            StackOverflow => "call stack exhausted",
            MemoryOutOfBounds => "out of bounds memory access",
            TableOutOfBounds => "out of bounds table access",
            UndefinedElement => "undefined element",
            UninitializedElement => "uninitialized element",
            IndirectCallTypeMismatch => "indirect call type mismatch",
            IntegerOverflow => "integer overflow",
            IntegerDivisionByZero => "integer divide by zero",
            BadConversionToInteger => "invalid conversion to integer",
            UnreachableCodeReached => "unreachable",
            NullReference => "null reference",
            HostTrap => "host trap",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TrapCode;

    #[test]
    fn codes_round_trip_and_zero_is_no_trap() {
        assert_eq!(TrapCode::from_u32(0), None);
        let mut n = 0;
        for code in 1.. {
            let Some(t) = TrapCode::from_u32(code) else {
                break;
            };
            assert_eq!(t as u32, code);
            assert!(!t.message().is_empty());
            n += 1;
        }
        assert_eq!(n, TrapCode::HostTrap as u32);
        assert_eq!(TrapCode::from_u32(n + 1), None);
    }
}
