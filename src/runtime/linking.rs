//! Linking: checking the externs given to `Instance::new` against the
//! module's imports (count, kinds, function types, limits subtyping, global
//! types).

use super::error::Error;
use super::func::func_type;
use super::instance::Extern;
use super::module::Module;
use super::store::Store;
use crate::module::ImportKind;

/// Checks the number and types of `imports` against the module's imports.
pub(crate) fn check_imports(
    store: &Store,
    module: &Module,
    imports: &[Extern],
) -> Result<(), Error> {
    let info = &module.inner.info;
    if imports.len() != info.imports.len() {
        return Err(Error::Link(format!(
            "expected {} imports, got {}",
            info.imports.len(),
            imports.len()
        )));
    }
    for (import, ext) in info.imports.iter().zip(imports) {
        let ok = match (&import.kind, ext) {
            (ImportKind::Func(t), Extern::Func(f)) => {
                *func_type(store, *f) == info.types[*t as usize]
            }
            (ImportKind::Table(expected), Extern::Table(t)) => {
                let actual = t.ty(store);
                actual.element == expected.element
                    && limits_match(actual.min, actual.max, expected.min, expected.max)
            }
            (ImportKind::Memory(expected), Extern::Memory(m)) => {
                let actual = m.ty(store);
                actual.shared == expected.shared
                    && limits_match(actual.min, actual.max, expected.min, expected.max)
            }
            (ImportKind::Global(expected), Extern::Global(g)) => g.ty(store) == *expected,
            _ => false,
        };
        if !ok {
            return Err(Error::Link(format!(
                "incompatible import type for `{}::{}`",
                import.module, import.name
            )));
        }
    }
    Ok(())
}

/// Limits subtyping: the actual object must be at least as large as
/// expected, and bounded at least as tightly when a maximum is expected.
fn limits_match(min: u32, max: Option<u32>, expected_min: u32, expected_max: Option<u32>) -> bool {
    min >= expected_min
        && match expected_max {
            None => true,
            Some(em) => max.is_some_and(|m| m <= em),
        }
}

#[cfg(test)]
mod tests {
    use super::limits_match;

    #[test]
    fn limits_subtyping() {
        // At least as large as expected.
        assert!(limits_match(2, None, 1, None));
        assert!(!limits_match(1, None, 2, None));
        // An expected maximum needs an actual maximum no larger.
        assert!(limits_match(1, Some(3), 1, Some(3)));
        assert!(limits_match(1, Some(2), 1, Some(3)));
        assert!(!limits_match(1, Some(4), 1, Some(3)));
        assert!(!limits_match(1, None, 1, Some(3)));
        // No expected maximum accepts any.
        assert!(limits_match(1, Some(1), 0, None));
    }
}
