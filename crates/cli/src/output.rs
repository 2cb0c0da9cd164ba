//! Terminal output: colour decisions, diagnostics, and writing to stdout
//! without treating a closed pipe as an error.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};

use platc_render::TreeDiff;
use platc_render::diff::ChangeKind;
use platc_spec::{Diagnostic, Sources};

use crate::args::ColorChoice;

/// How output is styled.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Colour stdout.
    pub stdout: bool,
    /// Colour stderr.
    pub stderr: bool,
}

impl Style {
    /// Decides colour per stream: `auto` colours a terminal unless `NO_COLOR` is set.
    pub fn new(choice: ColorChoice) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |is_terminal: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && !no_color,
        };
        Self {
            stdout: decide(io::stdout().is_terminal()),
            stderr: decide(io::stderr().is_terminal()),
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

/// Prints diagnostics to stderr with snippets, and a count line.
pub fn report(diagnostics: &[Diagnostic], sources: &Sources, style: Style) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(sources.render(diagnostics, style.stderr).as_bytes());
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

/// Writes to stdout. A closed pipe (`platc render prod | head`) ends the
/// program quietly and successfully.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => Ok(other?),
    }
}

/// A tree diff as `platc diff` prints it: a summary line headed `label`, one
/// line per object, then (unless `stat`) the unified diff of each file with
/// `old_label/…` and `new_label/…` headers.
pub fn tree_diff(
    diff: &TreeDiff,
    label: &str,
    (old_label, new_label): (&str, &str),
    stat: bool,
    style: Style,
) -> String {
    let (added, removed, changed) = diff.counts();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        style.paint(
            Paint::Bold,
            &format!("{label}: {changed} changed, {added} added, {removed} removed")
        )
    );
    for change in &diff.changes {
        let paint = match change.kind {
            ChangeKind::Added => Paint::Green,
            ChangeKind::Removed => Paint::Red,
            ChangeKind::Changed => Paint::Cyan,
        };
        let line = format!("  {} {}  ({})", change.kind.sign(), change.object, change.path);
        let _ = writeln!(out, "{}", style.paint(paint, &line));
    }
    if !stat {
        for change in &diff.changes {
            out.push('\n');
            for line in change.unified(old_label, new_label).lines() {
                let painted = match line.as_bytes().first() {
                    Some(b'+') if !line.starts_with("+++") => style.paint(Paint::Green, line),
                    Some(b'-') if !line.starts_with("---") => style.paint(Paint::Red, line),
                    Some(b'@') => style.paint(Paint::Cyan, line),
                    _ if line.starts_with("+++") || line.starts_with("---") => {
                        style.paint(Paint::Bold, line)
                    }
                    _ => line.to_owned(),
                };
                out.push_str(&painted);
                out.push('\n');
            }
        }
    }
    out
}
