//! The line protocol between the runner process and the child process that
//! runs one `.wast` file. The child writes one event per line on stdout as it
//! goes, so that when the engine crashes the process, the parent still knows
//! what passed and which directive was running.

use std::fmt;

/// A position in a `.wast` file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    /// An `assert_invalid`/`assert_malformed` module was rejected, for a
    /// reason worded differently from the reference interpreter's.
    PassOtherMessage {
        expected: String,
        actual: String,
    },
    /// An `assert_malformed` text module that `wast` itself cannot parse.
    PassMalformedText(String),
    Fail(String),
}

impl Outcome {
    pub fn passed(&self) -> bool {
        !matches!(self, Outcome::Fail(_))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The file parsed into this many directives.
    Total(usize),
    /// The directive at this position is about to run.
    Start(Pos),
    Done(Pos, Outcome),
    /// The file could not be run at all (it did not parse, or the runner
    /// could not set up its store).
    FileError(String),
}

/// Field separator; free-form text is escaped so that it never contains it
/// nor a newline.
const SEP: char = '\t';

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

impl Event {
    /// One line, without the newline.
    pub fn encode(&self) -> String {
        match self {
            Event::Total(n) => format!("total{SEP}{n}"),
            Event::Start(p) => format!("start{SEP}{}{SEP}{}", p.line, p.col),
            Event::Done(p, outcome) => {
                let head = format!("done{SEP}{}{SEP}{}", p.line, p.col);
                match outcome {
                    Outcome::Pass => format!("{head}{SEP}pass"),
                    Outcome::PassOtherMessage { expected, actual } => format!(
                        "{head}{SEP}pass-other-message{SEP}{}{SEP}{}",
                        escape(expected),
                        escape(actual)
                    ),
                    Outcome::PassMalformedText(m) => {
                        format!("{head}{SEP}pass-malformed-text{SEP}{}", escape(m))
                    }
                    Outcome::Fail(m) => format!("{head}{SEP}fail{SEP}{}", escape(m)),
                }
            }
            Event::FileError(m) => format!("file-error{SEP}{}", escape(m)),
        }
    }

    /// Parses a line written by [`Event::encode`]; `None` for anything else
    /// (the engine may print to stdout too).
    pub fn decode(line: &str) -> Option<Event> {
        let fields: Vec<&str> = line.split(SEP).collect();
        let pos = |l: &str, c: &str| -> Option<Pos> {
            Some(Pos {
                line: l.parse().ok()?,
                col: c.parse().ok()?,
            })
        };
        Some(match fields.as_slice() {
            ["total", n] => Event::Total(n.parse().ok()?),
            ["start", l, c] => Event::Start(pos(l, c)?),
            ["done", l, c, "pass"] => Event::Done(pos(l, c)?, Outcome::Pass),
            ["done", l, c, "pass-other-message", e, a] => Event::Done(
                pos(l, c)?,
                Outcome::PassOtherMessage {
                    expected: unescape(e),
                    actual: unescape(a),
                },
            ),
            ["done", l, c, "pass-malformed-text", m] => {
                Event::Done(pos(l, c)?, Outcome::PassMalformedText(unescape(m)))
            }
            ["done", l, c, "fail", m] => Event::Done(pos(l, c)?, Outcome::Fail(unescape(m))),
            ["file-error", m] => Event::FileError(unescape(m)),
            _ => return None,
        })
    }
}
