//! Terminal output: colour decisions, diagnostics, and writing to stdout
//! without treating a closed pipe as an error.

use std::io::{self, IsTerminal, Write};

use platc_spec::diagnostic::merge_repeated;
use platc_spec::{Diagnostic, Sources};

use crate::args::ColorChoice;

/// How output is styled, and how much of it there is.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Colour stdout.
    pub stdout: bool,
    /// Colour stderr.
    pub stderr: bool,
    /// What stderr says beside errors.
    pub verbosity: Verbosity,
}

/// What platc says on stderr beside errors. What a command is asked for
/// (manifests, a diff, findings) is printed whatever the verbosity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// `-q`: errors only; no warnings, no notes.
    Quiet,
    /// Warnings and notes on what was done.
    Normal,
    /// `-v`: also what was loaded and rendered, and how long each step took.
    Verbose,
}

impl Style {
    /// Decides colour per stream: `auto` colours a terminal unless `NO_COLOR` is set.
    pub fn new(choice: ColorChoice, verbosity: Verbosity) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |is_terminal: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && !no_color,
        };
        Self {
            stdout: decide(io::stdout().is_terminal()),
            stderr: decide(io::stderr().is_terminal()),
            verbosity,
        }
    }

    /// Wraps `text` in an ANSI style when colouring stdout.
    pub fn paint(self, code: Paint, text: &str) -> String {
        if self.stdout { format!("\x1b[{}m{text}\x1b[0m", code.sgr()) } else { text.to_owned() }
    }
}

/// The few styles platc uses.
#[derive(Debug, Clone, Copy)]
pub enum Paint {
    /// Additions.
    Green,
    /// Removals.
    Red,
    /// Changes and hunk headers.
    Cyan,
    /// Headings.
    Bold,
}

impl Paint {
    fn sgr(self) -> &'static str {
        match self {
            Self::Green => "32",
            Self::Red => "31",
            Self::Cyan => "36",
            Self::Bold => "1",
        }
    }
}

/// Prints diagnostics to stderr with snippets, and a count line. Each
/// cause is reported once, with every place it shows up
/// ([`merge_repeated`]); warnings are left out when quiet.
pub fn report(diagnostics: &[Diagnostic], sources: &Sources, style: Style) {
    let shown: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.is_error() || style.verbosity > Verbosity::Quiet)
        .cloned()
        .collect();
    let diagnostics = merge_repeated(shown);
    let mut err = io::stderr().lock();
    let _ = err.write_all(sources.render(&diagnostics, style.stderr).as_bytes());
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let summary = match (errors, warnings) {
        (0, 0) => return,
        (0, w) => format!("platc: {w} warning(s)\n"),
        (e, 0) => format!("platc: {e} error(s); nothing was written\n"),
        (e, w) => format!("platc: {e} error(s), {w} warning(s); nothing was written\n"),
    };
    let _ = err.write_all(summary.as_bytes());
}

/// A note on stderr on what was done (`platc: golden is up to date`), unless quiet.
pub fn note(style: Style, message: &str) {
    if style.verbosity > Verbosity::Quiet {
        let _ = writeln!(io::stderr().lock(), "platc: {message}");
    }
}

/// A detail on stderr (what was loaded, how long a step took), only when verbose.
pub fn detail(style: Style, message: &str) {
    if style.verbosity == Verbosity::Verbose {
        let _ = writeln!(io::stderr().lock(), "platc: {message}");
    }
}

/// Milliseconds since `start`, for verbose timings.
pub fn elapsed_ms(start: std::time::Instant) -> String {
    format!("{:.1} ms", start.elapsed().as_secs_f64() * 1000.0)
}

/// Writes YAML documents to stdout as one stream, `---` before each, without
/// building the whole stream in memory first.
pub fn print_documents<'a>(documents: impl Iterator<Item = &'a str>) -> anyhow::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let result = documents
        .into_iter()
        .try_for_each(|document| {
            out.write_all(b"---\n").and_then(|()| out.write_all(document.as_bytes()))
        })
        .and_then(|()| out.flush());
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => Ok(other?),
    }
}

/// Writes to stdout. A closed pipe (`platc render prod | head`) ends the
/// program quietly and successfully.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => Ok(other?),
    }
}
