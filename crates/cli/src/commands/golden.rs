//! `platc golden`: re-render every environment into the golden directory.

use std::path::Path;

use anyhow::Context as _;
use platc_render::write_tree;

use super::{load, render_tree};
use crate::Outcome;
use crate::args::GoldenArgs;
use crate::output::Style;

pub fn run(root: &Path, args: &GoldenArgs, style: Style) -> anyhow::Result<Outcome> {
    let Some(loaded) = load(root, style) else {
        return Ok(Outcome::BadInput);
    };
    let Some((_, tree)) = render_tree(&loaded, None, style) else { return Ok(Outcome::BadInput) };
    let dir = root.join(&args.dir);
    write_tree(&tree, &dir).with_context(|| format!("cannot write `{}`", dir.display()))?;
    eprintln!(
        "platc: wrote {} files for {} environment(s) to {}",
        tree.len(),
        loaded.platform.environments.len(),
        dir.display()
    );
    Ok(Outcome::Success)
}
