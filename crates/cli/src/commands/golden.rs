//! `platc golden`: re-render every environment into the golden directory.

use std::path::Path;

use super::{load, render_tree, write_out};
use crate::Outcome;
use crate::args::GoldenArgs;
use crate::output::Style;

pub fn run(root: &Path, args: &GoldenArgs, style: Style) -> anyhow::Result<Outcome> {
    let Some(loaded) = load(root, style) else {
        return Ok(Outcome::BadInput);
    };
    let Some((_, tree)) = render_tree(&loaded, None, style) else { return Ok(Outcome::BadInput) };
    let dir = root.join(&args.dir);
    write_out(&tree, &dir, style)?;
    Ok(Outcome::Success)
}
