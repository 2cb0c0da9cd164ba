//! `platc render ENV [--out DIR]` and `platc render --all [--out DIR]`.

use std::path::Path;

use anyhow::Context as _;
use platc_render::write_tree;

use super::{load, render_tree_of_kinds};
use crate::Outcome;
use crate::args::RenderArgs;
use crate::output::{Style, print};

pub fn run(root: &Path, args: &RenderArgs, style: Style) -> anyhow::Result<Outcome> {
    let Some(loaded) = load(root, style) else { return Ok(Outcome::BadInput) };
    let environment = if args.all { None } else { args.environment.as_deref() };
    let Some((rendered, tree)) = render_tree_of_kinds(&loaded, environment, &args.kinds, style)
    else {
        return Ok(Outcome::BadInput);
    };
    // One environment is written or printed on its own; `--all` keeps one
    // directory per environment.
    let tree = match (args.all, rendered.first()) {
        (false, Some(only)) => tree.subtree(only.environment.as_str()),
        _ => tree,
    };
    if let Some(dir) = &args.out {
        write_tree(&tree, dir).with_context(|| format!("cannot write `{}`", dir.display()))?;
    } else {
        let stream: String = if args.all {
            rendered
                .iter()
                .map(|r| tree.subtree(r.environment.as_str()).manifest_stream())
                .collect()
        } else {
            tree.manifest_stream()
        };
        print(&stream)?;
    }
    Ok(Outcome::Success)
}
