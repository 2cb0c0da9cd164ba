//! `platc graph ENV`: the environment's service map, as Mermaid or DOT.

use std::path::Path;

use clap::{Args, ValueEnum};
use platc_render::service_map;

use super::{environment_name, load, report_located};
use crate::Outcome;
use crate::output::{Style, print};

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The environment: a name (`production`), its file or `env/production`.
    #[arg(value_name = "ENV")]
    pub environment: String,
    /// `mermaid` for Markdown (GitHub renders it), `dot` for Graphviz.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
}

/// How the map is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// A Mermaid flowchart: put it in a ```` ```mermaid ```` block.
    Mermaid,
    /// A Graphviz digraph: `platc graph production --format dot | dot -Tsvg`.
    Dot,
}

pub fn run(root: &Path, args: &GraphArgs, style: Style) -> anyhow::Result<Outcome> {
    let Some(loaded) = load(root, style) else { return Ok(Outcome::BadInput) };
    let name = environment_name(&args.environment);
    match service_map(&loaded.platform, &name) {
        Ok((map, warnings)) => {
            if !warnings.is_empty() {
                report_located(warnings, &loaded.sources, style);
            }
            print(&match args.format {
                GraphFormat::Mermaid => map.mermaid(),
                GraphFormat::Dot => map.dot(),
            })?;
            Ok(Outcome::Success)
        }
        Err(problems) => {
            report_located(problems, &loaded.sources, style);
            Ok(Outcome::BadInput)
        }
    }
}
