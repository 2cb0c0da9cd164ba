//! `platc render ENV [--out DIR]` and `platc render --all [--out DIR]`.

use std::path::Path;

use anyhow::Context as _;
use platc_render::{Tree, render, render_all, write_tree};

use super::{environment_name, load, report_located};
use crate::Outcome;
use crate::args::RenderArgs;
use crate::output::{Style, print};

pub fn run(root: &Path, args: &RenderArgs, style: Style) -> anyhow::Result<Outcome> {
    let Some(loaded) = load(root, style) else {
        return Ok(Outcome::BadInput);
    };
    let platform = &loaded.platform;
    let rendered = match &args.environment {
        Some(env) if !args.all => render(platform, &environment_name(env)).map(|r| vec![r]),
        _ => render_all(platform),
    };
    let rendered = match rendered {
        Ok(rendered) => rendered,
        Err(diagnostics) => {
            report_located(diagnostics, &loaded.sources, style);
            return Ok(Outcome::BadInput);
        }
    };
    let mut tree = Tree::new();
    for r in &rendered {
        let env_tree = match r.tree() {
            Ok(t) => t,
            Err(d) => {
                report_located(vec![d], &loaded.sources, style);
                return Ok(Outcome::BadInput);
            }
        };
        if args.all {
            tree.nest(r.environment.as_str(), env_tree);
        } else {
            tree = env_tree;
        }
    }
    match &args.out {
        Some(dir) => {
            write_tree(&tree, dir).with_context(|| format!("cannot write `{}`", dir.display()))?;
        }
        None if args.all => {
            let mut stream = String::new();
            for r in &rendered {
                stream.push_str(&tree.subtree(r.environment.as_str()).manifest_stream());
            }
            print(&stream)?;
        }
        None => print(&tree.manifest_stream())?,
    }
    Ok(Outcome::Success)
}
