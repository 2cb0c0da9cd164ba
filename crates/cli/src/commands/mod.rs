//! One module per command, and what they share: loading the platform and
//! naming environments.

pub mod check;
pub mod completions;
pub mod diff;
pub mod explain;
pub mod golden;
pub mod graph;
pub mod init;
pub mod promote;
pub mod render;
pub mod schema;

use std::path::Path;
use std::time::Instant;

use anyhow::Context as _;
use platc_render::{Object, Tree, WriteSummary, render_environments, render_files, write_tree};
use platc_spec::load::abstract_environment;
use platc_spec::names::EnvName;
use platc_spec::{Diagnostic, Loaded, Sources, load_dir};

use crate::output::{Style, detail, elapsed_ms, note, report};

/// Loads the platform at `root`, printing warnings; on errors prints them and returns `None`.
pub fn load(root: &Path, style: Style) -> Option<Loaded> {
    let start = Instant::now();
    match load_dir(root) {
        Ok(loaded) => {
            detail(
                style,
                &format!(
                    "loaded {} service(s) and {} environment(s) from {} in {}",
                    loaded.platform.services.len(),
                    loaded.platform.environments.len(),
                    root.display(),
                    elapsed_ms(start)
                ),
            );
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
    kinds: &[&str],
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
    let keep = |object: &Object| kinds.is_empty() || kinds.contains(&object.kind());
    let start = Instant::now();
    match render_environments(&loaded.platform, &names, keep) {
        Ok(rendered) => {
            detail(
                style,
                &format!(
                    "rendered {} ({} files) in {}",
                    rendered
                        .environments
                        .iter()
                        .map(EnvName::as_str)
                        .collect::<Vec<_>>()
                        .join(", "),
                    rendered.tree.len(),
                    elapsed_ms(start)
                ),
            );
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

/// One environment's tree, its paths relative to the environment (not
/// below its name, as [`render_tree_of_kinds`] nests them), keeping only
/// objects of `kinds` when any are given; warnings printed. On errors,
/// prints them and returns `None`.
pub fn render_one_of_kinds(
    loaded: &Loaded,
    environment: &str,
    kinds: &[&str],
    style: Style,
) -> Option<(EnvName, Tree)> {
    let name = environment_name(environment);
    if let Some(problem) = abstract_environment(&loaded.sources, &name) {
        report(&[problem], &loaded.sources, style);
        return None;
    }
    let keep = |object: &Object| kinds.is_empty() || kinds.contains(&object.kind());
    let start = Instant::now();
    match render_files(&loaded.platform, &name, keep) {
        Ok(rendered) => {
            detail(
                style,
                &format!(
                    "rendered {} ({} files) in {}",
                    rendered.environment,
                    rendered.tree.len(),
                    elapsed_ms(start)
                ),
            );
            if !rendered.warnings.is_empty() {
                report_located(rendered.warnings, &loaded.sources, style);
            }
            Some((rendered.environment, rendered.tree))
        }
        Err(errors) => {
            report_located(errors, &loaded.sources, style);
            None
        }
    }
}

/// Writes `tree` into `dir` (see [`write_tree`]) and says on stderr what changed.
pub fn write_out(tree: &Tree, dir: &Path, style: Style) -> anyhow::Result<WriteSummary> {
    let start = Instant::now();
    let summary =
        write_tree(tree, dir).with_context(|| format!("cannot write `{}`", dir.display()))?;
    let WriteSummary { written, removed, unchanged } = summary;
    if written + removed == 0 {
        note(style, &format!("{} is up to date ({unchanged} files)", dir.display()));
    } else {
        note(
            style,
            &format!(
                "{}: {written} file(s) written, {removed} removed, {unchanged} unchanged",
                dir.display()
            ),
        );
    }
    detail(style, &format!("wrote {} in {}", dir.display(), elapsed_ms(start)));
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
