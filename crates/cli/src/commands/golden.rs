//! `platc golden`: re-render every environment into the golden directory.

use std::path::Path;

use anyhow::Context as _;
use platc_render::{render_all_tree, write_tree};

use super::{load, report_located};
use crate::Outcome;
use crate::args::GoldenArgs;
use crate::output::Style;

pub fn run(root: &Path, args: &GoldenArgs, style: Style) -> anyhow::Result<Outcome> {
    let Some(loaded) = load(root, style) else {
        return Ok(Outcome::BadInput);
    };
    let tree = match render_all_tree(&loaded.platform) {
        Ok(tree) => tree,
        Err(diagnostics) => {
            report_located(diagnostics, &loaded.sources, style);
            return Ok(Outcome::BadInput);
        }
    };
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
