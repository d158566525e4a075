//! Every exported function survives null handles ("Null pointers" in
//! `src/capi/mod.rs`), checked over every function, so that a new one cannot
//! be missed: the declarations are read from `include/wasm.h`,
//! `include/brisk.h` and `include/wasi.h` (preprocessed, `WASM_API_EXTERN`
//! marking each), and their names must be exactly the `wasm_*`, `brisk_*`
//! and `wasi_*` functions the shared library exports.
//!
//! From the declarations this test writes a C program that calls each
//! function with every argument zero: null for every pointer (objects,
//! vectors, `out` parameters, callbacks), 0 for every number, zeroed
//! structs. It calls each function with an `out` parameter again with a
//! buffer there, to see what it writes, and each function that takes a
//! store again with a real store, so that the nulls after it are reached.
//! Each call runs in a child process of its own (`fork`, then `waitpid`),
//! so that one crash cannot hide another, with an alarm against hangs. The
//! program prints each call's result (and the buffer), or how its child
//! died; the test fails listing every call that crashed and every answer
//! that is not the nothing answer of mod.rs's table (or, where null means
//! something, the answer the standard gives).

mod native_common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::Command;

use native_common::{compiler, exported_functions, library, manifest_dir, profile_dir};

fn work_dir() -> PathBuf {
    let dir = profile_dir().join("capi-nulls");
    std::fs::create_dir_all(&dir).expect("create the work dir");
    dir
}

/// A C compiler for this host (the `cc` crate's choice), finding the
/// headers in `include/`.
fn c_compiler() -> Command {
    let mut cmd = compiler(false, false, &work_dir());
    cmd.args(["-std=c11", "-Wall", "-Wextra", "-Werror"]);
    cmd.arg("-I").arg(manifest_dir().join("include"));
    cmd
}

/// One parameter of a declaration.
#[derive(Debug)]
struct Param {
    /// The declaration with the parameter's name replaced by `@`.
    decl: String,
    name: String,
}

/// One function the headers declare.
#[derive(Debug)]
struct Function {
    name: String,
    ret: String,
    params: Vec<Param>,
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Splits a parameter list at its top-level commas.
fn split_params(list: &str) -> Vec<String> {
    let (mut parts, mut depth, mut current) = (Vec::new(), 0, String::new());
    for c in list.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current).trim().to_string());
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    let last = current.trim();
    if !last.is_empty() {
        parts.push(last.to_string());
    }
    parts
}

fn parse_param(text: &str) -> Param {
    // A function pointer: `ret (*name)(args)`.
    if let Some(star) = text.find("(*") {
        let rest = &text[star + 2..];
        let end = rest.find(')').expect("(*name)");
        let name = rest[..end].trim().to_string();
        let decl = format!("{}(*@{}", &text[..star], &rest[end..]);
        return Param { decl, name };
    }
    let trimmed = text.trim_end();
    let start = trimmed
        .rfind(|c: char| !is_ident_char(c))
        .map_or(0, |i| i + 1);
    assert!(
        start > 0 && start < trimmed.len(),
        "a parameter without a name: {text:?}"
    );
    Param {
        decl: format!("{}@", &trimmed[..start]),
        name: trimmed[start..].to_string(),
    }
}

/// The functions `include/wasm.h`, `include/brisk.h` and `include/wasi.h`
/// declare, by name.
fn declared_functions() -> BTreeMap<String, Function> {
    let dir = work_dir();
    let src = dir.join("headers.c");
    std::fs::write(
        &src,
        "#include <wasm.h>\n#include <brisk.h>\n#include <wasi.h>\n",
    )
    .expect("write headers.c");
    let out = c_compiler()
        .args(["-E", "-P", "-DWASM_API_EXTERN=__brisk_api__"])
        .arg(&src)
        .output()
        .expect("preprocess the headers");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
    let mut functions = BTreeMap::new();
    for decl in text.split("__brisk_api__").skip(1) {
        let decl = decl[..decl.find(';').expect("a declaration ends with ;")].trim();
        let open = decl.find('(').expect("a function declaration");
        let close = decl.rfind(')').expect("a function declaration");
        let head = decl[..open].trim_end();
        let start = head.rfind(|c: char| !is_ident_char(c)).map_or(0, |i| i + 1);
        let name = head[start..].to_string();
        let ret = head[..start].trim().to_string();
        let list = decl[open + 1..close].trim();
        let params = if list == "void" || list.is_empty() {
            Vec::new()
        } else {
            split_params(list).iter().map(|p| parse_param(p)).collect()
        };
        let previous = functions.insert(name.clone(), Function { name, ret, params });
        assert!(
            previous.is_none(),
            "declared twice: {:?}",
            previous.map(|f| f.name)
        );
    }
    functions
}

impl Param {
    fn is_store(&self) -> bool {
        self.decl.replace(' ', "").ends_with("wasm_store_t*@")
    }
}

impl Function {
    /// The parameter that takes the store, if any.
    fn store_param(&self) -> Option<usize> {
        self.params.iter().position(Param::is_store)
    }

    /// The parameter that receives a result, if any: an `out` parameter,
    /// `wasm_instance_new`'s `trap` or `brisk_module_new`'s `error` (not a
    /// `const` pointer, which the function reads: `wasi_trap_exit_code`'s
    /// `trap`).
    fn out_param(&self) -> Option<usize> {
        self.params.iter().position(|p| {
            matches!(p.name.as_str(), "out" | "trap" | "error")
                && p.decl.contains('*')
                && !p.decl.trim_start().starts_with("const")
        })
    }
}

/// One call of the C program: a function with every argument zero, but
/// for its out parameter if `out` says so, which then points at a buffer
/// filled with 0xa5 bytes, and its store parameter if `store` says so,
/// which then is a real store (so that the other nulls are reached).
struct Case<'a> {
    f: &'a Function,
    out: Option<usize>,
    store: Option<usize>,
}

impl Case<'_> {
    fn label(&self) -> String {
        let mut label = self.f.name.clone();
        if self.store.is_some() {
            label.push_str("(store)");
        }
        if let Some(i) = self.out {
            label = format!("{label}/{}", self.f.params[i].name);
        }
        label
    }
}

/// Every function with null for every pointer; those with an out parameter
/// again with a buffer there; those that take a store again with a store
/// (and a buffer, if they have an out parameter).
fn cases(functions: &BTreeMap<String, Function>) -> Vec<Case<'_>> {
    let all = || functions.values();
    let mut cases: Vec<Case> = all()
        .map(|f| Case {
            f,
            out: None,
            store: None,
        })
        .collect();
    cases.extend(all().filter_map(|f| {
        f.out_param().map(|i| Case {
            f,
            out: Some(i),
            store: None,
        })
    }));
    cases.extend(all().filter_map(|f| {
        f.store_param().map(|i| Case {
            f,
            out: f.out_param(),
            store: Some(i),
        })
    }));
    cases
}

/// The C program: one function per case, each run in a child of its own.
/// A case prints `label result` (`-` for no result) and, with a buffer,
/// the buffer's first two 64-bit words.
fn program(cases: &[Case]) -> String {
    let mut c = String::from(
        "#define _POSIX_C_SOURCE 200809L\n\
         #include <wasm.h>\n\
         #include <brisk.h>\n\
         #include <wasi.h>\n\
         #include <signal.h>\n\
         #include <stdint.h>\n\
         #include <stdio.h>\n\
         #include <string.h>\n\
         #include <sys/wait.h>\n\
         #include <unistd.h>\n\n",
    );
    for (i, case) in cases.iter().enumerate() {
        let f = case.f;
        writeln!(c, "static void case_{i}(void) {{").unwrap();
        if case.out.is_some() {
            c.push_str("  uint64_t buf[8];\n  memset(buf, 0xa5, sizeof buf);\n");
        }
        if case.store.is_some() {
            c.push_str(
                "  wasm_engine_t* engine = wasm_engine_new();\n\
                 \x20 wasm_store_t* store = wasm_store_new(engine);\n\
                 \x20 if (!store) { printf(\"no store\\n\"); _exit(3); }\n",
            );
        }
        let mut args = Vec::new();
        for (j, p) in f.params.iter().enumerate() {
            let arg = format!("a{j}");
            writeln!(c, "  {};", p.decl.replace('@', &arg)).unwrap();
            writeln!(c, "  memset(&{arg}, 0, sizeof {arg});").unwrap();
            if case.out == Some(j) {
                writeln!(c, "  {arg} = (void*)buf;").unwrap();
            }
            if case.store == Some(j) {
                writeln!(c, "  {arg} = store;").unwrap();
            }
            args.push(arg);
        }
        let call = format!("{}({})", f.name, args.join(", "));
        let result = if f.ret == "void" {
            writeln!(c, "  {call};").unwrap();
            "printf(\"-\")".to_string()
        } else {
            writeln!(c, "  {} r = {call};", f.ret).unwrap();
            "printf(\"%llx\", (unsigned long long)(uintptr_t)r)".to_string()
        };
        writeln!(c, "  printf(\"{} \");\n  {result};", case.label()).unwrap();
        if case.out.is_some() {
            c.push_str(
                "  printf(\" %llx %llx\", (unsigned long long)buf[0], (unsigned long long)buf[1]);\n",
            );
        }
        c.push_str("  printf(\"\\n\");\n}\n\n");
    }
    c.push_str("static const struct { const char* label; void (*run)(void); } cases[] = {\n");
    for (i, case) in cases.iter().enumerate() {
        writeln!(c, "  {{\"{}\", case_{i}}},", case.label()).unwrap();
    }
    c.push_str(
        "};\n\n\
         int main(void) {\n\
         \x20 for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {\n\
         \x20   fflush(stdout);\n\
         \x20   pid_t pid = fork();\n\
         \x20   if (pid < 0) { perror(\"fork\"); return 2; }\n\
         \x20   if (pid == 0) {\n\
         \x20     alarm(20);\n\
         \x20     cases[i].run();\n\
         \x20     fflush(stdout);\n\
         \x20     _exit(0);\n\
         \x20   }\n\
         \x20   int status;\n\
         \x20   if (waitpid(pid, &status, 0) != pid) { perror(\"waitpid\"); return 2; }\n\
         \x20   if (WIFSIGNALED(status)) {\n\
         \x20     printf(\"%s crashed: signal %d (%s)\\n\", cases[i].label, WTERMSIG(status),\n\
         \x20            strsignal(WTERMSIG(status)));\n\
         \x20   } else if (WEXITSTATUS(status) != 0) {\n\
         \x20     printf(\"%s crashed: exit status %d\\n\", cases[i].label, WEXITSTATUS(status));\n\
         \x20   }\n\
         \x20 }\n\
         \x20 return 0;\n\
         }\n",
    );
    c
}

/// What a call must write to its out parameter when every other argument
/// is null: the nothing answer, or what null means where it means something.
fn out_ok(f: &Function, out: &Param, words: [u64; 2]) -> Result<(), String> {
    const UNWRITTEN: u64 = 0xa5a5_a5a5_a5a5_a5a5;
    let [w0, w1] = words;
    let ok = if out.decl.contains("wasm_trap_t") {
        // wasm_instance_new: a trap that says why.
        w0 != 0 && w0 != UNWRITTEN
    } else if out.decl.contains("wasm_val_t") && !out.decl.contains("vec") {
        // A value of no kind, all bits zero (the padding after `kind` is
        // not written).
        w0 & 0xff == 0xff && w1 == 0
    } else if f.name == "brisk_module_new" {
        // The reason it failed.
        w0 != 0 && w0 != UNWRITTEN && w1 != 0 && w1 != UNWRITTEN
    } else {
        // The empty vector.
        w0 == 0 && w1 == 0
    };
    if ok {
        Ok(())
    } else {
        Err(format!("wrote {w0:#x} {w1:#x}"))
    }
}

/// What a call with every argument zero must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Exactly this (null, false and 0 are 0).
    Value(u64),
    /// A real object: where null (or 0) means something in the standard.
    Object,
    /// Nothing to check: the function returns nothing.
    Void,
}

/// The nothing answer of a function's result ("Null pointers" in mod.rs),
/// or, where null (or 0) means something, what it means.
fn expected(f: &Function) -> Expect {
    let name = f.name.as_str();
    match name {
        // No arguments: a new object.
        "wasm_config_new" | "wasm_engine_new" | "wasi_config_new" => Expect::Object,
        // A null configuration is the default one.
        "wasm_engine_new_with_config" => Expect::Object,
        // Kind 0 is WASM_I32.
        "wasm_valtype_new" => Expect::Object,
        // Null parameter and result vectors are empty ones.
        "wasm_functype_new" => Expect::Object,
        // Null would read as success: a null function is a trap.
        "wasm_func_call" => Expect::Object,
        // Two nulls are the same reference.
        _ if name.ends_with("_same") => Expect::Value(1),
        // No kind has 0xff (0 would read as WASM_I32, ...).
        "wasm_valtype_kind"
        | "wasm_externtype_kind"
        | "wasm_extern_kind"
        | "wasm_globaltype_mutability" => Expect::Value(0xff),
        // All ones: 0 is the first function or byte.
        "wasm_frame_func_index" => Expect::Value(u32::MAX.into()),
        "wasm_frame_func_offset" | "wasm_frame_module_offset" => Expect::Value(usize::MAX as u64),
        _ if f.ret == "void" => Expect::Void,
        // Pointers, bools, sizes, counts: null, false, 0.
        _ => Expect::Value(0),
    }
}

#[test]
fn every_function_survives_null_handles() {
    let functions = declared_functions();
    let declared: BTreeSet<String> = functions.keys().cloned().collect();
    let exported = exported_functions(&["wasm_", "brisk_", "wasi_"]);
    assert_eq!(
        declared, exported,
        "the headers' declarations and the library's wasm_*/brisk_*/wasi_* exports differ"
    );

    let cases = cases(&functions);
    let dir = work_dir();
    let src = dir.join("nulls.c");
    std::fs::write(&src, program(&cases)).expect("write nulls.c");
    let exe = dir.join("nulls");
    let out = c_compiler()
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .arg(library("libbrisk.a"))
        .args(["-lpthread", "-ldl", "-lm"])
        .output()
        .expect("run the C compiler");
    assert!(
        out.status.success(),
        "compiling {}:\n{}",
        src.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(&exe).output().expect("run the null calls");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the null-call driver failed ({}):\n{stdout}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );

    let mut crashed = BTreeMap::new();
    let mut answers = BTreeMap::new();
    for line in stdout.lines() {
        let (label, rest) = line.split_once(' ').expect("`label answer` lines");
        if let Some(how) = rest.strip_prefix("crashed: ") {
            crashed.insert(label.to_string(), how.to_string());
        } else {
            answers.insert(label.to_string(), rest.to_string());
        }
    }
    let mut wrong = Vec::new();
    for case in &cases {
        let label = case.label();
        if crashed.contains_key(&label) {
            continue;
        }
        let Some(answer) = answers.get(&label) else {
            wrong.push(format!("{label}: no answer"));
            continue;
        };
        let mut words = answer.split(' ');
        let result = words.next().unwrap_or_default();
        let got = u64::from_str_radix(result, 16).ok();
        let want = match (case.store.is_some(), case.f.name.as_str()) {
            // With a store, a null message is the empty one, and a foreign
            // object needs nothing else.
            (true, "wasm_trap_new" | "wasm_foreign_new") => Expect::Object,
            // With a store, a null WASI configuration is the default one.
            (true, "wasi_env_new") => Expect::Object,
            _ => expected(case.f),
        };
        let ok = match want {
            Expect::Void => result == "-",
            Expect::Object => got.is_some_and(|g| g != 0),
            Expect::Value(v) => got == Some(v),
        };
        if !ok {
            wrong.push(format!("{label} returned {result}, expected {want:?}"));
        }
        if let Some(i) = case.out {
            let words: Vec<u64> = words
                .map(|w| u64::from_str_radix(w, 16).expect("a hex word"))
                .collect();
            let words = <[u64; 2]>::try_from(words).expect("two words of the buffer");
            if let Err(e) = out_ok(case.f, &case.f.params[i], words) {
                wrong.push(format!("{label} {e}"));
            }
        }
    }
    let outs = cases.iter().filter(|c| c.out.is_some()).count();
    let stores = cases.iter().filter(|c| c.store.is_some()).count();
    // The closing line, past the test harness's capture of `println!`, so
    // that a plain `cargo test` shows it.
    writeln!(
        std::io::stdout().lock(),
        "nulls: {} functions called with null handles, {} crashed \
         ({} calls: {outs} with an out buffer, {stores} with a real store)",
        functions.len(),
        crashed.len(),
        cases.len()
    )
    .expect("write to stdout");
    assert!(
        crashed.is_empty(),
        "{} calls crashed with null handles:\n  {}",
        crashed.len(),
        crashed
            .iter()
            .map(|(label, how)| format!("{label}: {how}"))
            .collect::<Vec<_>>()
            .join("\n  ")
    );
    assert!(
        wrong.is_empty(),
        "{} calls answered null handles with something other than their \
         nothing answer (see \"Null pointers\" in src/capi/mod.rs):\n  {}",
        wrong.len(),
        wrong.join("\n  ")
    );
}
