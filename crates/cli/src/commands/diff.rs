//! `platc diff [ENV]` (render and compare with the golden tree) and
//! `platc diff --from A --to B` (compare two environments' renders).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use platc_render::diff::markdown::{self, Options, Section};
use platc_render::diff::{ChangeKind, TreeDiff};
use platc_render::{Tree, diff_trees, read_tree};
use platc_spec::file::{Durability, replace_file};

use super::{environment_name, load, render_tree};
use crate::Outcome;
use crate::args::{DiffArgs, DiffFormat};
use crate::output::{Paint, Style, note, print};

pub fn run(root: &Path, args: &DiffArgs, style: Style) -> anyhow::Result<Outcome> {
    let Some(loaded) = load(root, style) else { return Ok(Outcome::BadInput) };
    let (old, new, labels) = if let (Some(from), Some(to)) = (&args.from, &args.to) {
        let (from, to) = (environment_name(from), environment_name(to));
        let Some((_, old)) = render_tree(&loaded, Some(&from), style) else {
            return Ok(Outcome::BadInput);
        };
        let Some((_, new)) = render_tree(&loaded, Some(&to), style) else {
            return Ok(Outcome::BadInput);
        };
        let labels = Labels {
            title: format!("{from} → {to}"),
            old: from.clone(),
            new: to.clone(),
            command: Some(format!("platc diff --from {from} --to {to}")),
        };
        (old.subtree(&from), new.subtree(&to), labels)
    } else {
        let Some((environments, rendered)) =
            render_tree(&loaded, args.environment.as_deref(), style)
        else {
            return Ok(Outcome::BadInput);
        };
        // Compare only what was rendered: one environment's directory, or
        // all of golden/ (where an environment that left the model shows
        // as removed).
        let golden_dir = root.join(&args.golden);
        let read =
            |dir: &Path| read_tree(dir).with_context(|| format!("cannot read `{}`", dir.display()));
        let (golden, title) = match (&args.environment, environments.first()) {
            (Some(_), Some(only)) => {
                let name = only.as_str();
                let mut golden_env = Tree::new();
                golden_env.nest(name, read(&golden_dir.join(name))?);
                (golden_env, name.to_owned())
            }
            _ => (read(&golden_dir)?, "all environments".to_owned()),
        };
        let labels = Labels {
            title,
            old: args.golden.display().to_string(),
            new: "rendered".to_owned(),
            command: None,
        };
        (golden, rendered, labels)
    };

    let diff = diff_trees(&old, &new);
    if diff.is_empty() {
        note(style, &format!("{}: no differences", labels.title));
        if let Some(file) = &args.output {
            let text = match args.format {
                DiffFormat::Text => String::new(),
                DiffFormat::Markdown => {
                    format!("### platc diff: {}\n\nNo differences.\n", labels.title)
                }
            };
            write_output(file, &text)?;
        }
        return Ok(Outcome::Success);
    }
    let text = match args.format {
        // A file is not a terminal: no colours in it.
        DiffFormat::Text if args.output.is_some() => {
            let plain = Style { stdout: false, ..style };
            format_text(&diff, &labels, args.stat, plain)
        }
        DiffFormat::Text => format_text(&diff, &labels, args.stat, style),
        DiffFormat::Markdown => {
            let (text, left_out) = format_markdown(&diff, &labels, args.stat, args.max_chars);
            if left_out.objects + left_out.diffs > 0 {
                note(
                    style,
                    &format!(
                        "the markdown diff leaves out {} object(s) and {} unified diff(s) to stay within {} characters",
                        left_out.objects, left_out.diffs, args.max_chars
                    ),
                );
            }
            text
        }
    };
    match &args.output {
        Some(file) => {
            write_output(file, &text)?;
            note(style, &format!("wrote the diff to {}", file.display()));
        }
        None => print(&text)?,
    }
    Ok(Outcome::Differs)
}

/// Writes the diff where CI picks it up, replacing the file atomically.
fn write_output(file: &Path, text: &str) -> anyhow::Result<()> {
    replace_file(file, text.as_bytes(), Durability::Buffered)
        .with_context(|| format!("cannot write the diff to `{}`", file.display()))
}

/// What is compared with what.
pub struct Labels {
    /// The heading: an environment, `all environments`, or `staging → production`.
    pub title: String,
    /// The name of the old side in unified diff headers.
    pub old: String,
    /// The name of the new side.
    pub new: String,
    /// The command that shows the whole diff, when the changes do not name
    /// their environment in their paths (a comparison of two environments).
    pub command: Option<String>,
}

/// A diff for a terminal: a summary line, one line per object with the
/// fields that changed, then the unified diff of each file.
pub fn format_text(diff: &TreeDiff, labels: &Labels, stat: bool, style: Style) -> String {
    let (added, removed, changed) = diff.counts();
    let mut out = String::new();
    let summary = format!("{}: {changed} changed, {added} added, {removed} removed", labels.title);
    let _ = writeln!(out, "{}", style.paint(Paint::Bold, &summary));
    for change in &diff.changes {
        let paint = match change.kind {
            ChangeKind::Added => Paint::Green,
            ChangeKind::Removed => Paint::Red,
            ChangeKind::Changed => Paint::Cyan,
        };
        let line = format!("  {} {}  ({})", change.kind.sign(), change.object, change.path);
        let _ = writeln!(out, "{}", style.paint(paint, &line));
        for field in change.fields() {
            let _ = writeln!(out, "      {field}");
        }
    }
    if !stat {
        for change in &diff.changes {
            out.push('\n');
            for line in change.unified(&labels.old, &labels.new).lines() {
                let painted = match line.as_bytes().first() {
                    _ if line.starts_with("+++") || line.starts_with("---") => {
                        style.paint(Paint::Bold, line)
                    }
                    Some(b'+') => style.paint(Paint::Green, line),
                    Some(b'-') => style.paint(Paint::Red, line),
                    Some(b'@') => style.paint(Paint::Cyan, line),
                    _ => line.to_owned(),
                };
                out.push_str(&painted);
                out.push('\n');
            }
        }
    }
    out
}

/// A diff for a pull-request comment, grouped by environment, within
/// `budget` characters; and what it left out to stay within them.
pub fn format_markdown(
    diff: &TreeDiff,
    labels: &Labels,
    stat: bool,
    budget: usize,
) -> (String, markdown::LeftOut) {
    let sections: Vec<Section<'_>> = match &labels.command {
        Some(command) => vec![Section {
            environment: labels.title.clone(),
            command: command.clone(),
            changes: diff.changes.iter().collect(),
        }],
        None => diff
            .by_environment()
            .into_iter()
            .map(|(environment, changes)| Section {
                environment: environment.to_owned(),
                command: format!("platc diff {environment}"),
                changes,
            })
            .collect(),
    };
    let options = Options {
        title: &labels.title,
        old_label: &labels.old,
        new_label: &labels.new,
        unified: !stat,
        budget,
    };
    markdown::markdown(&sections, &options)
}
