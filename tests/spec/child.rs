//! The child process: runs one `.wast` file through one [`Backend`], writing
//! protocol events to stdout as it goes.

use crate::backend::Backend;
use crate::protocol::Event;
use crate::{runner, sets};
use brisk::{BoundsChecks, Config, Features};
use std::io::Write;
use std::process::ExitCode;

/// Set in the child: `<set>\t<file>` names the one file to run.
pub const CHILD_ENV: &str = "SPEC_CHILD";

/// Runs the file that `which` (the value of [`CHILD_ENV`]) names.
pub fn run<B: Backend>(which: &str) -> ExitCode {
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
    let bounds_checks = match bounds_checks() {
        Ok(b) => b,
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
        .spawn(move || run_file::<B>(&text, features, bounds_checks, &mut |e| emit(e)));
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

/// `SPEC_BOUNDS_CHECKS=guard-pages|explicit`: how memory accesses are kept in
/// bounds (default: the engine's default, guard pages).
pub fn bounds_checks() -> Result<BoundsChecks, String> {
    match std::env::var("SPEC_BOUNDS_CHECKS").as_deref() {
        Err(_) | Ok("") => Ok(Config::default().bounds_checks),
        Ok("guard-pages") => Ok(BoundsChecks::GuardPages),
        Ok("explicit") => Ok(BoundsChecks::Explicit),
        Ok(other) => Err(format!(
            "SPEC_BOUNDS_CHECKS={other:?}: expected guard-pages or explicit"
        )),
    }
}

fn run_file<B: Backend>(
    text: &str,
    features: Features,
    bounds_checks: BoundsChecks,
    emit: &mut dyn FnMut(Event),
) {
    let mut lexer = wast::lexer::Lexer::new(text);
    // The testsuite has names with bidirectional-override characters on purpose.
    lexer.allow_confusing_unicode(true);
    let parsed = wast::parser::ParseBuffer::new_with_lexer(lexer).and_then(|buf| {
        let directives = wast::parser::parse::<wast::Wast<'_>>(&buf)?.directives;
        // `buf` owns nothing the directives borrow beyond `text`, but the
        // directives' lifetime is tied to it: run them inside this closure.
        emit(Event::Total(directives.len()));
        match runner::catch_panic(|| runner::Runner::<B>::new(text, features, bounds_checks)) {
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
