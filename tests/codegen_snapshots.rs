//! Snapshot tests of the generated code: its quality, which the spec suites
//! and the fuzzers do not see (a change that doubles the instructions of a
//! loop passes every other test).
//!
//! Each `tests/snapshots/<name>.wat` is compiled and every defined function
//! disassembled (Intel syntax, offsets relative to the function's start)
//! into `<name>.expected`, which the test compares with the checked-in
//! file. After a change to the compiler that is meant to change the code,
//! review the diff and bless the new text:
//!
//! ```sh
//! BLESS=1 cargo test --release --test codegen_snapshots
//! ```
//!
//! Leading `;;` lines of a `.wat` file may select how it is compiled:
//! `;; bounds-checks: explicit` (default: guard pages) and
//! `;; cpu: baseline` (plain x86-64 with SSE2; default: every optional
//! feature the compiler uses, LZCNT, BMI1, POPCNT, SSSE3, SSE4.1 and
//! SSE4.2). The features are fixed rather than detected so that every
//! machine prints the same text.
//!
//! The text depends on nothing but the code of the function: branch
//! targets are offsets in the function, direct calls print as
//! `<func N>` (plus the offset of the internal entry), RIP-relative
//! operands as offsets; a `br_table`'s jump table prints as `.rel32`
//! entries and the constant pool after the code as `.quad`s. Instructions
//! that may fault into a trap are annotated with the trap.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use brisk::compiler::CompiledCode;
use brisk::{BoundsChecks, Config, Engine, Module};
use iced_x86::{
    Decoder, DecoderOptions, Formatter, Instruction, IntelFormatter, Mnemonic, OpKind,
    SymbolResolver, SymbolResult,
};

fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// How a `.wat` file asks to be compiled (its leading `;;` lines).
#[derive(Default)]
struct Options {
    explicit_bounds_checks: bool,
    baseline_cpu: bool,
}

fn options(wat: &str) -> Result<Options, String> {
    let mut o = Options::default();
    for line in wat.lines() {
        let Some(comment) = line.trim().strip_prefix(";;") else {
            break;
        };
        let Some((key, value)) = comment.trim().split_once(':') else {
            continue;
        };
        match (key.trim(), value.trim()) {
            ("bounds-checks", "explicit") => o.explicit_bounds_checks = true,
            ("bounds-checks", "guard-pages") => o.explicit_bounds_checks = false,
            ("cpu", "baseline") => o.baseline_cpu = true,
            ("cpu", "all") => o.baseline_cpu = false,
            ("bounds-checks" | "cpu", v) => return Err(format!("unknown {key}: {v}")),
            _ => {}
        }
    }
    Ok(o)
}

/// The name section's function names, by function index.
fn function_names(wasm: &[u8]) -> BTreeMap<u32, String> {
    let mut names = BTreeMap::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        let Ok(wasmparser::Payload::CustomSection(c)) = payload else {
            continue;
        };
        let wasmparser::KnownCustom::Name(reader) = c.as_known() else {
            continue;
        };
        for sub in reader.into_iter().flatten() {
            if let wasmparser::Name::Function(map) = sub {
                for naming in map.into_iter().flatten() {
                    names.insert(naming.index, naming.name.to_string());
                }
            }
        }
    }
    names
}

fn num_imported_funcs(wasm: &[u8]) -> u32 {
    let mut n = 0;
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::ImportSection(imports)) = payload {
            for import in imports.into_imports().flatten() {
                if matches!(import.ty, wasmparser::TypeRef::Func(_)) {
                    n += 1;
                }
            }
        }
    }
    n
}

/// Prints branch targets and RIP-relative operands as offsets in the
/// function, and calls to other functions as `<func N>`.
struct Resolver {
    /// Module code offset of the function being printed (decoded at ip 0).
    func_start: u64,
    func_len: u64,
    /// (module code offset, len, function index) of every defined function.
    funcs: Vec<(u64, u64, u32)>,
}

impl SymbolResolver for Resolver {
    fn symbol(
        &mut self,
        instruction: &Instruction,
        _operand: u32,
        instruction_operand: Option<u32>,
        address: u64,
        _address_size: u32,
    ) -> Option<SymbolResult<'_>> {
        let kind = instruction.op_kind(instruction_operand?);
        let branch = matches!(
            kind,
            OpKind::NearBranch16 | OpKind::NearBranch32 | OpKind::NearBranch64
        );
        let rip_memory = kind == OpKind::Memory && instruction.is_ip_rel_memory_operand();
        if !branch && !rip_memory {
            return None;
        }
        let text = if address < self.func_len {
            format!("0x{address:04x}")
        } else {
            let target = self.func_start.wrapping_add(address);
            match self
                .funcs
                .iter()
                .find(|&&(start, len, _)| (start..start + len).contains(&target))
            {
                Some(&(start, _, index)) if target == start => format!("<func {index}>"),
                Some(&(start, _, index)) => format!("<func {index}+0x{:x}>", target - start),
                None => format!("<code+0x{target:x}>"),
            }
        };
        Some(SymbolResult::with_string(address, text))
    }
}

fn formatter(resolver: Resolver) -> IntelFormatter {
    let mut f = IntelFormatter::with_options(Some(Box::new(resolver)), None);
    let o = f.options_mut();
    o.set_hex_prefix("0x");
    o.set_hex_suffix("");
    o.set_uppercase_hex(false);
    o.set_space_after_operand_separator(true);
    o.set_branch_leading_zeros(false);
    o.set_show_branch_size(false);
    f
}

/// The text of every defined function of a compiled module.
fn disassemble(wasm: &[u8], compiled: &CompiledCode) -> Result<String, String> {
    let names = function_names(wasm);
    let imported = num_imported_funcs(wasm);
    let funcs: Vec<(u64, u64, u32)> = compiled
        .funcs
        .iter()
        .enumerate()
        .map(|(i, f)| (f.offset as u64, f.len as u64, imported + i as u32))
        .collect();
    let mut out = String::new();
    for &(start, len, index) in &funcs {
        let code = &compiled.code[start as usize..(start + len) as usize];
        let traps: BTreeMap<u64, String> = compiled
            .traps
            .iter()
            .filter(|(pc, _)| (start..start + len).contains(&(*pc as u64)))
            .map(|(pc, t)| (*pc as u64 - start, format!("{t:?}")))
            .collect();
        let mut fmt = formatter(Resolver {
            func_start: start,
            func_len: len,
            funcs: funcs.clone(),
        });
        let mut body = String::new();
        let mut instructions = 0;
        // Data inside the function: jump tables (start → entries) and the
        // constant pool, which runs to the function's end.
        let mut tables: BTreeMap<u64, u64> = BTreeMap::new();
        let mut pool: Option<u64> = None;
        let mut last_cmp_imm: Option<u64> = None;
        let mut decoder = Decoder::with_ip(64, code, 0, DecoderOptions::NONE);
        let mut pos = 0u64;
        while pos < len {
            if let Some(&n) = tables.get(&pos) {
                for _ in 0..n {
                    let at = pos as usize;
                    let Some(bytes) = code.get(at..at + 4) else {
                        return Err(format!("func {index}: jump table past the end"));
                    };
                    let rel = i32::from_le_bytes(bytes.try_into().unwrap()) as i64;
                    let target = (pos as i64 + rel) as u64;
                    writeln!(body, "{pos:04x}  .rel32 0x{target:04x}").unwrap();
                    pos += 4;
                }
                continue;
            }
            if pool == Some(pos) {
                while pos + 8 <= len {
                    let at = pos as usize;
                    let q = u64::from_le_bytes(code[at..at + 8].try_into().unwrap());
                    writeln!(body, "{pos:04x}  .quad 0x{q:016x}").unwrap();
                    pos += 8;
                }
                if pos < len {
                    return Err(format!("func {index}: constant pool of odd size"));
                }
                break;
            }
            decoder
                .set_position(pos as usize)
                .map_err(|e| e.to_string())?;
            decoder.set_ip(pos);
            let instr = decoder.decode();
            let next_data = tables
                .keys()
                .copied()
                .chain(pool)
                .filter(|&d| d > pos)
                .min();
            if instr.is_invalid() || next_data.is_some_and(|d| d < pos + instr.len() as u64) {
                writeln!(body, "{pos:04x}  .byte 0x{:02x}", code[pos as usize]).unwrap();
                pos += 1;
                continue;
            }
            if instr.is_ip_rel_memory_operand() {
                let target = instr.ip_rel_memory_address();
                if target <= pos || target >= len {
                    return Err(format!(
                        "func {index}: RIP-relative operand at 0x{pos:04x} points outside the function's data"
                    ));
                }
                if instr.mnemonic() == Mnemonic::Lea {
                    // `cmp idx, n; jae default; lea r11, [table]`: the table
                    // has n entries.
                    let n = last_cmp_imm.ok_or_else(|| {
                        format!("func {index}: jump table at 0x{target:04x} without a bound")
                    })?;
                    tables.insert(target, n);
                } else {
                    pool = Some(pool.map_or(target, |p| p.min(target)));
                }
            }
            if instr.mnemonic() == Mnemonic::Cmp {
                last_cmp_imm = matches!(
                    instr.op1_kind(),
                    OpKind::Immediate8to32 | OpKind::Immediate32 | OpKind::Immediate8
                )
                .then(|| instr.immediate(1));
            }
            let mut text = String::new();
            fmt.format(&instr, &mut text);
            write!(body, "{pos:04x}  {text}").unwrap();
            if let Some(t) = traps.get(&pos) {
                write!(body, "  ; trap: {t}").unwrap();
            }
            body.push('\n');
            instructions += 1;
            pos += instr.len() as u64;
        }
        let name = names
            .get(&index)
            .map_or(String::new(), |n| format!(" ${n}"));
        writeln!(
            out,
            ";; func {index}{name}: {instructions} instructions, {len} bytes"
        )
        .unwrap();
        out.push_str(&body);
        out.push('\n');
    }
    Ok(out)
}

fn snapshot(wat_path: &Path) -> Result<String, String> {
    let wat = std::fs::read_to_string(wat_path).map_err(|e| e.to_string())?;
    let o = options(&wat)?;
    let wasm = wat::parse_str(&wat).map_err(|e| e.to_string())?;
    let engine = Engine::new(Config {
        bounds_checks: if o.explicit_bounds_checks {
            BoundsChecks::Explicit
        } else {
            BoundsChecks::GuardPages
        },
        ..Config::default()
    });
    let compiled =
        Module::compile_for_snapshot(&engine, &wasm, o.baseline_cpu).map_err(|e| e.to_string())?;
    disassemble(&wasm, &compiled)
}

/// A unified diff of two texts (whole lines, 3 lines of context).
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    // Longest common subsequence, from the ends.
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // (tag, line): ' ' common, '-' only expected, '+' only actual.
    let mut ops: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', a[i]));
            i += 1;
        } else {
            ops.push(('+', b[j]));
            j += 1;
        }
    }
    const CONTEXT: usize = 3;
    let changed: Vec<usize> = (0..ops.len()).filter(|&k| ops[k].0 != ' ').collect();
    let mut out = String::new();
    let mut k = 0;
    while k < changed.len() {
        // One hunk: changes closer than twice the context merge.
        let first = changed[k];
        let mut last = first;
        while k + 1 < changed.len() && changed[k + 1] <= last + 2 * CONTEXT + 1 {
            k += 1;
            last = changed[k];
        }
        k += 1;
        let lo = first.saturating_sub(CONTEXT);
        let hi = (last + CONTEXT + 1).min(ops.len());
        let old_line = 1 + ops[..lo].iter().filter(|o| o.0 != '+').count();
        let new_line = 1 + ops[..lo].iter().filter(|o| o.0 != '-').count();
        writeln!(out, "@@ -{old_line} +{new_line} @@").unwrap();
        for (tag, line) in &ops[lo..hi] {
            writeln!(out, "{tag}{line}").unwrap();
        }
    }
    out
}

#[test]
fn codegen_snapshots() {
    let bless = std::env::var_os("BLESS").is_some_and(|v| !v.is_empty() && v != "0");
    let dir = snapshot_dir();
    let mut wats: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/snapshots exists")
        .map(|e| e.expect("readable directory").path())
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
        .collect();
    wats.sort();
    assert!(!wats.is_empty(), "no .wat files in {}", dir.display());
    let mut failures = Vec::new();
    for wat in &wats {
        let expected_path = wat.with_extension("expected");
        let name = wat.file_name().unwrap().to_string_lossy().into_owned();
        let actual = match snapshot(wat) {
            Ok(text) => text,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let expected = std::fs::read_to_string(&expected_path).ok();
        if expected.as_deref() == Some(actual.as_str()) {
            continue;
        }
        if bless {
            std::fs::write(&expected_path, &actual).expect("writes the expected file");
            eprintln!("blessed {}", expected_path.display());
            continue;
        }
        let report = match expected {
            None => format!("{name}: no {} (run with BLESS=1)", expected_path.display()),
            Some(expected) => format!(
                "{name}: the code differs from {} (- expected, + actual):\n{}",
                expected_path.display(),
                diff(&expected, &actual)
            ),
        };
        failures.push(report);
    }
    // An expected file whose input is gone is stale.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "expected") && !p.with_extension("wat").exists() {
            failures.push(format!("{}: no matching .wat", p.display()));
        }
    }
    if !failures.is_empty() {
        panic!(
            "{} of {} snapshots failed; if the change is intended, review it and run\n\
             BLESS=1 cargo test --release --test codegen_snapshots\n\n{}",
            failures.len(),
            wats.len(),
            failures.join("\n\n")
        );
    }
}
