//! `platc diff [ENV]`: render and compare with the golden directory.

use std::path::Path;

use anyhow::Context as _;
use platc_render::{Tree, diff_trees, read_tree};

use super::{load, render_tree};
use crate::Outcome;
use crate::args::DiffArgs;
use crate::output::{Style, print, tree_diff};

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
    let golden_label = args.golden.display().to_string();
    let out = tree_diff(&diff, &label, (&golden_label, "rendered"), args.stat, style);
    print(&out)?;
    Ok(Outcome::Differs)
}
