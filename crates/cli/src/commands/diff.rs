//! `platc diff [ENV]`: render and compare with the golden directory.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use platc_render::diff::ChangeKind;
use platc_render::{Tree, diff_trees, read_tree};

use super::{load, render_tree};
use crate::Outcome;
use crate::args::DiffArgs;
use crate::output::{Paint, Style, print};

pub fn run(root: &Path, args: &DiffArgs, style: Style) -> anyhow::Result<Outcome> {
    let Some(loaded) = load(root, style) else {
        return Ok(Outcome::BadInput);
    };
    let golden_dir = root.join(&args.golden);
    let golden = read_tree(&golden_dir)
        .with_context(|| format!("cannot read `{}`", golden_dir.display()))?;
    let Some((environments, rendered)) = render_tree(&loaded, args.environment.as_deref(), style)
    else {
        return Ok(Outcome::BadInput);
    };
    // Compare only what was rendered: one environment's directory, or all.
    let (golden, label) = match (&args.environment, environments.first()) {
        (Some(_), Some(only)) => {
            let name = only.environment.as_str();
            let mut golden_env = Tree::new();
            golden_env.nest(name, golden.subtree(name));
            (golden_env, name.to_owned())
        }
        _ => (golden, "all environments".to_owned()),
    };

    let diff = diff_trees(&golden, &rendered);
    if diff.is_empty() {
        eprintln!("platc: {label}: no differences from {}", args.golden.display());
        return Ok(Outcome::Success);
    }
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
    if !args.stat {
        let golden_label = args.golden.display().to_string();
        for change in &diff.changes {
            out.push('\n');
            for line in change.unified(&golden_label, "rendered").lines() {
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
    print(&out)?;
    Ok(Outcome::Differs)
}
