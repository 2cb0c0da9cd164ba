//! `platc diff [ENV]` (render and compare with the golden tree) and
//! `platc diff --from A --to B` (compare two environments' renders).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use platc_render::diff::{ChangeKind, TreeDiff};
use platc_render::{Tree, diff_trees, read_tree};

use super::{environment_name, load, render_tree};
use crate::Outcome;
use crate::args::{DiffArgs, DiffFormat};
use crate::output::{Paint, Style, print};

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
        let labels =
            Labels { title: format!("{from} → {to}"), old: from.clone(), new: to.clone() };
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
        let labels =
            Labels { title, old: args.golden.display().to_string(), new: "rendered".to_owned() };
        (golden, rendered, labels)
    };

    let diff = diff_trees(&old, &new);
    if diff.is_empty() {
        eprintln!("platc: {}: no differences", labels.title);
        return Ok(Outcome::Success);
    }
    let text = match args.format {
        DiffFormat::Text => format_text(&diff, &labels, args.stat, style),
        DiffFormat::Markdown => format_markdown(&diff, &labels, args.stat),
    };
    print(&text)?;
    Ok(Outcome::Differs)
}

/// What is compared with what.
pub struct Labels {
    /// The heading: an environment, `all environments`, or `staging → production`.
    pub title: String,
    /// The name of the old side in unified diff headers.
    pub old: String,
    /// The name of the new side.
    pub new: String,
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

/// A diff for a pull-request comment: a summary table and, per object, a
/// collapsible section with the changed fields and the unified diff.
pub fn format_markdown(diff: &TreeDiff, labels: &Labels, stat: bool) -> String {
    let (added, removed, changed) = diff.counts();
    let mut out = String::new();
    let _ = writeln!(out, "### platc diff: {}\n", labels.title);
    let _ = writeln!(out, "**{changed} changed, {added} added, {removed} removed**\n");
    let _ = writeln!(out, "| | object | file |\n|---|---|---|");
    for change in &diff.changes {
        let _ =
            writeln!(out, "| `{}` | {} | `{}` |", change.kind.sign(), change.object, change.path);
    }
    for change in &diff.changes {
        let _ = writeln!(
            out,
            "\n<details><summary><code>{}</code> {}</summary>\n",
            change.kind.sign(),
            change.object
        );
        let fields = change.fields();
        for field in &fields {
            let value = |v: &Option<String>| {
                v.as_deref().map_or_else(|| "—".to_owned(), |v| format!("`{v}`"))
            };
            let _ =
                writeln!(out, "- `{}`: {} → {}", field.path, value(&field.old), value(&field.new));
        }
        if !stat {
            if !fields.is_empty() {
                out.push('\n');
            }
            let _ = writeln!(out, "```diff\n{}```", change.unified(&labels.old, &labels.new));
        }
        out.push_str("\n</details>\n");
    }
    out
}
