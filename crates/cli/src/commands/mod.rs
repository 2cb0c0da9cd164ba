//! One module per command, and what they share: loading the platform and
//! naming environments.

pub mod check;
pub mod diff;
pub mod explain;
pub mod golden;
pub mod promote;
pub mod render;
pub mod schema;

use std::path::Path;

use anyhow::Context as _;
use platc_render::{Object, Tree, WriteSummary, render_environments, write_tree};
use platc_spec::load::abstract_environment;
use platc_spec::names::EnvName;
use platc_spec::{Diagnostic, Loaded, Sources, load_dir};

use crate::output::{Style, report};

/// Loads the platform at `root`, printing warnings; on errors prints them and returns `None`.
pub fn load(root: &Path, style: Style) -> Option<Loaded> {
    match load_dir(root) {
        Ok(loaded) => {
            if !loaded.warnings.is_empty() {
                report(&loaded.warnings, &loaded.sources, style);
            }
            Some(loaded)
        }
        Err(failure) => {
            report(&failure.diagnostics, &failure.sources, style);
            None
        }
    }
}

/// Prints diagnostics raised after loading, located in the loaded sources.
pub fn report_located(mut diagnostics: Vec<Diagnostic>, sources: &Sources, style: Style) {
    sources.locate_all(&mut diagnostics);
    platc_spec::load::sort_diagnostics(&mut diagnostics);
    platc_spec::load::dedup_diagnostics(&mut diagnostics);
    report(&diagnostics, sources, style);
}

/// Renders one environment (or all), prints warnings, and returns the names
/// of the environments rendered and their tree, each under its own
/// directory (`<env>/...`). On errors, prints them and returns `None`.
pub fn render_tree(
    loaded: &Loaded,
    environment: Option<&str>,
    style: Style,
) -> Option<(Vec<EnvName>, Tree)> {
    render_tree_of_kinds(loaded, environment, &[], style)
}

/// [`render_tree`], keeping only objects of `kinds` when any are given.
pub fn render_tree_of_kinds(
    loaded: &Loaded,
    environment: Option<&str>,
    kinds: &[String],
    style: Style,
) -> Option<(Vec<EnvName>, Tree)> {
    let names: Vec<String> = match environment {
        Some(env) => {
            let name = environment_name(env);
            if let Some(problem) = abstract_environment(&loaded.sources, &name) {
                report(&[problem], &loaded.sources, style);
                return None;
            }
            vec![name]
        }
        None => loaded.platform.environment_names().map(ToString::to_string).collect(),
    };
    let keep = |object: &Object| kinds.is_empty() || kinds.iter().any(|kind| kind == object.kind());
    match render_environments(&loaded.platform, &names, keep) {
        Ok(rendered) => {
            if !rendered.warnings.is_empty() {
                report_located(rendered.warnings, &loaded.sources, style);
            }
            Some((rendered.environments, rendered.tree))
        }
        Err(errors) => {
            report_located(errors, &loaded.sources, style);
            None
        }
    }
}

/// Writes `tree` into `dir` (see [`write_tree`]) and says on stderr what changed.
pub fn write_out(tree: &Tree, dir: &Path) -> anyhow::Result<WriteSummary> {
    let summary =
        write_tree(tree, dir).with_context(|| format!("cannot write `{}`", dir.display()))?;
    let WriteSummary { written, removed, unchanged } = summary;
    if written + removed == 0 {
        eprintln!("platc: {} is up to date ({unchanged} files)", dir.display());
    } else {
        eprintln!(
            "platc: {}: {written} file(s) written, {removed} removed, {unchanged} unchanged",
            dir.display()
        );
    }
    Ok(summary)
}

/// The environment name an argument designates: `production`,
/// `environments/production.yaml` and `env/production` all mean `production`.
pub fn environment_name(argument: &str) -> String {
    let last = argument.trim_end_matches('/').rsplit('/').next().unwrap_or(argument);
    last.strip_suffix(".yaml").or_else(|| last.strip_suffix(".yml")).unwrap_or(last).to_owned()
}

#[cfg(test)]
mod tests {
    use super::environment_name;

    #[test]
    fn environment_arguments() {
        assert_eq!(environment_name("production"), "production");
        assert_eq!(environment_name("environments/production.yaml"), "production");
        assert_eq!(environment_name("env/production"), "production");
        assert_eq!(environment_name("./environments/local.yml"), "local");
    }
}
