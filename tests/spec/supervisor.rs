//! The parent process: chooses the files, runs each in a child process of
//! this binary (a few at a time), turns the child's event stream into a
//! per-file report, and prints the totals.

use crate::child::CHILD_ENV;
use crate::protocol::{Event, Outcome, Pos};
use crate::sets::{self, TestSet};
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

/// Failures printed per failing file unless `SPEC_VERBOSE` is set.
const SHOWN_FAILURES: usize = 5;

struct Options {
    /// `SPEC_WAST` files, run as the set `local`.
    local_files: Vec<String>,
    sets: Vec<String>,
    filter: Option<String>,
    jobs: usize,
    timeout: Duration,
    verbose: bool,
}

impl Options {
    fn from_env(all: &[TestSet]) -> Result<Options, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let local_files: Vec<String> = var("SPEC_WAST")
            .map(|list| list.split(',').map(|s| s.trim().to_string()).collect())
            .unwrap_or_default();
        if !local_files.is_empty() {
            // Checked here so that a typo fails once, not once per file.
            sets::local_features()?;
        }
        crate::child::bounds_checks()?;
        let sets = match var("SPEC_SETS") {
            Some(list) => {
                let names: Vec<String> = list.split(',').map(|s| s.trim().to_string()).collect();
                for name in &names {
                    if !all.iter().any(|s| &s.name == name) {
                        let known: Vec<_> = all.iter().map(|s| s.name.as_str()).collect();
                        return Err(format!("unknown set {name:?}; known: {}", known.join(", ")));
                    }
                }
                names
            }
            // Reproducers alone, unless sets are asked for too.
            None if !local_files.is_empty() => Vec::new(),
            None => all
                .iter()
                .filter(|s| s.not_run_reason.is_none())
                .map(|s| s.name.clone())
                .collect(),
        };
        let number = |name: &str, default: u64| -> Result<u64, String> {
            var(name).map_or(Ok(default), |v| {
                v.parse()
                    .map_err(|_| format!("{name}={v:?} is not a number"))
            })
        };
        Ok(Options {
            local_files,
            sets,
            filter: var("SPEC_FILTER").or_else(filter_argument),
            jobs: number("SPEC_JOBS", 2)?.max(1) as usize,
            timeout: Duration::from_secs(number("SPEC_TIMEOUT", 300)?),
            verbose: var("SPEC_VERBOSE").is_some_and(|v| v != "0"),
        })
    }
}

/// Like libtest, the first free argument filters (`cargo test --test spec
/// i32`); the options of libtest that take a value are skipped with it.
fn filter_argument() -> Option<String> {
    const WITH_VALUE: &[&str] = &["--test-threads", "--skip", "--format", "--color", "-Z"];
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if WITH_VALUE.contains(&arg.as_str()) {
            args.next();
        } else if !arg.starts_with('-') {
            return Some(arg);
        }
    }
    None
}

/// What happened to one file.
#[derive(Default)]
struct FileReport {
    set: String,
    file: String,
    /// Directives in the file, once the child has parsed it.
    total: Option<usize>,
    passed: usize,
    failures: Vec<(Option<Pos>, String)>,
    /// `assert_malformed` text modules that `wast` already rejected.
    malformed_text: Vec<(Pos, String)>,
    /// Rejections worded differently from the reference interpreter.
    other_message: Vec<(Pos, String, String)>,
    /// Directives that never ran because the child stopped early.
    unrun: usize,
}

impl FileReport {
    /// Failed directives. A file-level problem that no directive accounts
    /// for (a parse error, a crash after the last directive) counts as one.
    fn failed(&self) -> usize {
        let positioned = self.failures.iter().filter(|(p, _)| p.is_some()).count();
        let counted = positioned + self.unrun;
        if counted == 0 && !self.failures.is_empty() {
            1
        } else {
            counted
        }
    }

    fn apply(&mut self, event: Event, running: &mut Option<Pos>) {
        match event {
            Event::Total(n) => self.total = Some(n),
            Event::Start(pos) => *running = Some(pos),
            Event::Done(pos, outcome) => {
                *running = None;
                if outcome.passed() {
                    self.passed += 1;
                }
                match outcome {
                    Outcome::Pass => {}
                    Outcome::PassOtherMessage { expected, actual } => {
                        self.other_message.push((pos, expected, actual))
                    }
                    Outcome::PassMalformedText(m) => self.malformed_text.push((pos, m)),
                    Outcome::Fail(m) => self.failures.push((Some(pos), m)),
                }
            }
            Event::FileError(m) => self.failures.push((None, m)),
        }
    }

    /// Accounts for what never reported: `death` (why the child stopped
    /// early) fails the directive that was running, and every directive
    /// after it counts as failed too.
    fn close(&mut self, running: Option<Pos>, death: Option<String>) {
        if let Some(death) = death {
            let death = match running {
                Some(_) => format!("{death}, while running this directive"),
                None => death,
            };
            self.failures.push((running, death));
        }
        let reported = self.passed + self.failures.iter().filter(|(p, _)| p.is_some()).count();
        self.unrun = self.total.map_or(0, |total| total.saturating_sub(reported));
        if self.unrun > 0 {
            let unrun = self.unrun;
            self.failures
                .push((None, format!("{unrun} directive(s) did not run")));
        }
        if self.total.is_none() && self.failures.is_empty() {
            self.failures
                .push((None, "the file produced no results".into()));
        }
    }

    fn print(&self, verbose: bool) {
        let total = self.passed + self.failed();
        let status = if self.failures.is_empty() {
            "PASS"
        } else {
            "FAIL"
        };
        let mut notes = Vec::new();
        if !self.malformed_text.is_empty() {
            notes.push(format!(
                "{} malformed at text level",
                self.malformed_text.len()
            ));
        }
        if !self.other_message.is_empty() {
            notes.push(format!(
                "{} rejected with other message",
                self.other_message.len()
            ));
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join(", "))
        };
        println!(
            "{status} {}/{}: {}/{total}{notes}",
            self.set, self.file, self.passed
        );
        let shown = &self.failures;
        let limit = if verbose { usize::MAX } else { SHOWN_FAILURES };
        for (pos, message) in shown.iter().take(limit) {
            match pos {
                Some(pos) => println!("    {pos}: {message}"),
                None => println!("    {message}"),
            }
        }
        if shown.len() > limit {
            println!("    ... and {} more", shown.len() - limit);
        }
        if verbose {
            for (pos, m) in &self.malformed_text {
                println!("    note {pos}: malformed at text level: {m}");
            }
            for (pos, expected, actual) in &self.other_message {
                println!("    note {pos}: expected {expected:?}, engine said {actual:?}");
            }
        }
    }
}

/// Runs one file in a child process and collects its report.
fn run_file(set: &str, file: &str, timeout: Duration) -> FileReport {
    let mut report = FileReport {
        set: set.into(),
        file: file.into(),
        ..FileReport::default()
    };
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            report.close(None, Some(format!("cannot find the test binary: {e}")));
            return report;
        }
    };
    let child = Command::new(exe)
        .env(CHILD_ENV, format!("{set}\t{file}"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => {
            report.close(None, Some(format!("cannot start the child process: {e}")));
            return report;
        }
    };
    let (lines_tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().expect("piped stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut stderr = child.stderr.take().expect("piped stderr");
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });

    let deadline = Instant::now() + timeout;
    let mut running = None;
    let mut timed_out = false;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => {
                if let Some(event) = Event::decode(&line) {
                    report.apply(event, &mut running);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                timed_out = true;
                let _ = child.kill();
                break;
            }
        }
    }
    let status = child.wait();
    let stderr = stderr_reader.join().unwrap_or_default();
    let death = if timed_out {
        Some(format!("timed out after {}s (killed)", timeout.as_secs()))
    } else {
        match status {
            Ok(s) if s.success() => None,
            // A clean non-zero exit has already reported why (a file error).
            Ok(s) if s.code().is_some() && !report.failures.is_empty() => None,
            Ok(s) => Some(format!(
                "the child process died: {s}{}",
                stderr_tail(&stderr)
            )),
            Err(e) => Some(format!("cannot wait for the child process: {e}")),
        }
    };
    report.close(running, death);
    report
}

/// The last lines of a dead child's stderr, which usually say why it died.
fn stderr_tail(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = &lines[lines.len().saturating_sub(3)..];
    if tail.is_empty() {
        String::new()
    } else {
        format!("; stderr: {}", tail.join(" | "))
    }
}

/// Runs the selected files; `label` starts the final line (`spec`,
/// `spec-capi`), so that the runs through different APIs are told apart.
/// `api_not_run` names sets that this API cannot run, with the reason: they
/// are left out by default (and run when `SPEC_SETS` names them).
pub fn run_all(label: &str, api_not_run: &[(&str, &'static str)]) -> ExitCode {
    let mut all = sets::all();
    for set in &mut all {
        if let Some((_, reason)) = api_not_run.iter().find(|(name, _)| *name == set.name) {
            set.not_run_reason.get_or_insert(reason);
        }
    }
    let options = match Options::from_env(&all) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("{label}: {e}");
            return ExitCode::FAILURE;
        }
    };

    let mut jobs = Vec::new();
    let mut filtered_out = 0;
    for path in &options.local_files {
        jobs.push((sets::LOCAL.to_string(), path.clone()));
    }
    for set in all.iter().filter(|s| options.sets.contains(&s.name)) {
        for file in &set.files {
            let path = format!("{}/{}", set.name, file.name);
            match &options.filter {
                Some(filter) if !path.contains(filter.as_str()) => filtered_out += 1,
                _ if sets::skip_reason(&set.name, &file.name).is_some() => {}
                _ => jobs.push((set.name.clone(), file.name.clone())),
            }
        }
    }

    let next = AtomicUsize::new(0);
    let reports = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..options.jobs.min(jobs.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((set, file)) = jobs.get(i) else {
                    break;
                };
                let report = run_file(set, file, options.timeout);
                let mut reports = reports.lock().unwrap();
                // Printed under the lock so lines of two files never interleave.
                report.print(options.verbose);
                reports.push(report);
            });
        }
    });
    let reports = reports.into_inner().unwrap();

    println!();
    println!("not run:");
    for (set, file, reason) in sets::SKIPPED_FILES {
        if options.sets.iter().any(|s| s == set) {
            println!("  {set}/{file}: {reason}");
        }
    }
    for set in all.iter().filter(|s| !options.sets.contains(&s.name)) {
        let reason = set.not_run_reason.unwrap_or("not selected by SPEC_SETS");
        println!("  {} ({} files): {reason}", set.name, set.files.len());
        // Every file by name: nothing is skipped silently.
        let names: Vec<_> = set.files.iter().map(|f| f.name.as_str()).collect();
        println!("    {}", names.join(" "));
    }
    if let Some(filter) = &options.filter {
        println!("  {filtered_out} files of the selected sets: name does not contain SPEC_FILTER={filter:?}");
    }

    println!();
    let (mut passed, mut failed) = (0, 0);
    let local = (!options.local_files.is_empty()).then(|| sets::LOCAL.to_string());
    for set in local.iter().chain(&options.sets) {
        let in_set: Vec<_> = reports.iter().filter(|r| &r.set == set).collect();
        let set_passed: usize = in_set.iter().map(|r| r.passed).sum();
        let set_failed: usize = in_set.iter().map(|r| r.failed()).sum();
        let files_ok = in_set.iter().filter(|r| r.failures.is_empty()).count();
        let malformed: usize = in_set.iter().map(|r| r.malformed_text.len()).sum();
        let other: usize = in_set.iter().map(|r| r.other_message.len()).sum();
        println!(
            "{set}: {set_passed} passed, {set_failed} failed; {files_ok}/{} files pass; \
             of the passes, {malformed} assert_malformed rejected already by the text parser, \
             {other} rejections worded differently from the reference interpreter",
            in_set.len()
        );
        passed += set_passed;
        failed += set_failed;
    }
    println!("{label}: {passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
