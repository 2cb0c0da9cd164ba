//! `platc promote SERVICE… --from A --to B` (or `--all`): copy the image tags
//! services run in environment A into environment B's file, edited in place,
//! and print the rendered diff this causes in B.
//!
//! Nothing is written unless every service can be promoted, the edited file
//! loads again, and both renders succeed.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use platc_render::{Tree, diff_trees, render_files};
use platc_spec::Code;
use platc_spec::diagnostic::{Diagnostic, Origin, suggest};
use platc_spec::edit::{TagEdit, set_image_tags};
use platc_spec::file::{Durability, replace_file};
use platc_spec::load::environment_from_str;
use platc_spec::names::{EnvName, ImageTag, ServiceName};
use platc_spec::source::pointer_join;
use platc_spec::validate::validate_environments;
use platc_spec::{Environment, Platform, Sources};

use super::diff::{Labels, format_text};
use super::{environment_name, load, report_located};
use crate::Outcome;
use crate::args::PromoteArgs;
use crate::output::{Style, print, report};

pub fn run(root: &Path, args: &PromoteArgs, style: Style) -> anyhow::Result<Outcome> {
    let Some(loaded) = load(root, style) else { return Ok(Outcome::BadInput) };
    let platform = &loaded.platform;

    let mut problems = Vec::new();
    let from = find_environment(platform, &args.from, &mut problems);
    let to = find_environment(platform, &args.to, &mut problems);
    let services = find_services(platform, args, &mut problems);
    let (Some(from), Some(to)) = (from, to) else {
        report_located(problems, &loaded.sources, style);
        return Ok(Outcome::BadInput);
    };
    if from.name == to.name {
        problems.push(
            Diagnostic::error(
                Code::PromoteSameEnvironment,
                format!("`--from` and `--to` both name `{}`", to.name),
            )
            .with_help("promote from the environment that ran the tags to another one"),
        );
    }
    let plan = plan(from, to, &services, &mut problems);
    if !problems.is_empty() {
        report_located(problems, &loaded.sources, style);
        return Ok(Outcome::BadInput);
    }

    let origin = Origin::Environment(to.name.clone());
    let file = loaded.sources.file(&origin).context("the environment's file was not loaded")?;
    for (service, tag) in &plan.unchanged {
        eprintln!("platc: {service}: already at {tag} in {}", to.name);
    }
    if plan.tags.is_empty() {
        eprintln!("platc: nothing to promote; {} is unchanged", file.display_path());
        return Ok(Outcome::Success);
    }

    let edited = match set_image_tags(file, &plan.tags) {
        Ok(edited) => edited,
        Err(diagnostic) => {
            report(&[diagnostic], &loaded.sources, style);
            return Ok(Outcome::BadInput);
        }
    };
    let after = match reload(platform, &edited.text, &plan.tags) {
        Ok(after) => after,
        Err(diagnostics) => {
            eprintln!(
                "platc: the edited {} would not load; this is a bug in platc, and nothing was written",
                file.display_path()
            );
            for diagnostic in diagnostics {
                eprintln!("platc: {diagnostic}");
            }
            return Ok(Outcome::BadInput);
        }
    };

    let env = to.name.as_str();
    let Some(old_tree) = rendered(platform, env, &loaded.sources, style, false) else {
        return Ok(Outcome::BadInput);
    };
    let Some(new_tree) = rendered(&after, env, &loaded.sources, style, true) else {
        return Ok(Outcome::BadInput);
    };
    if !args.dry_run {
        let path = root.join(&file.path);
        // An edited model file is synced before it replaces the old one.
        replace_file(&path, edited.text.as_bytes(), Durability::Synced)?;
    }

    // The editor reports on the services in the order they were given.
    for ((service, new), (_, edit)) in plan.tags.iter().zip(&edited.edits) {
        let old =
            to.images.tag_for(service).map_or_else(|| "no tag".to_owned(), ToString::to_string);
        let added = if *edit == TagEdit::Added { " (added to images.tags)" } else { "" };
        eprintln!("platc: {service}: {old} -> {new}{added}");
    }
    let diff = diff_trees(&old_tree, &new_tree);
    if diff.is_empty() {
        eprintln!("platc: {env}: the new tags change no rendered file");
    } else {
        let labels =
            Labels { title: env.to_string(), old: "before".to_owned(), new: "after".to_owned() };
        print(&format_text(&diff, &labels, false, style))?;
    }
    if args.dry_run {
        eprintln!("platc: dry run: {} was not written", file.display_path());
    } else {
        eprintln!("platc: updated {}", file.display_path());
    }
    Ok(Outcome::Success)
}

/// The tags to copy, and the services whose tag already matches.
struct Plan {
    tags: Vec<(ServiceName, ImageTag)>,
    unchanged: Vec<(ServiceName, ImageTag)>,
}

/// Chooses each service's tag: the one it runs in `from` (its own tag, else
/// the default). Services with no tag there, or with `latest` for an
/// environment that is not for development, are problems, reported once per
/// place in `from`'s file.
fn plan(
    from: &Environment,
    to: &Environment,
    services: &[ServiceName],
    problems: &mut Vec<Diagnostic>,
) -> Plan {
    let mut plan = Plan { tags: Vec::new(), unchanged: Vec::new() };
    let mut untagged = Vec::new();
    let mut latest: BTreeMap<String, Vec<&ServiceName>> = BTreeMap::new();
    for service in services {
        match from.images.tag_for(service) {
            None => untagged.push(service),
            Some(tag) if tag.is_latest() && !to.development => {
                let pointer = if from.images.tags.contains_key(service) {
                    pointer_join("/images/tags", service.as_str())
                } else {
                    "/images/defaultTag".to_owned()
                };
                latest.entry(pointer).or_default().push(service);
            }
            Some(tag) if to.images.tag_for(service) == Some(tag) => {
                plan.unchanged.push((service.clone(), tag.clone()));
            }
            Some(tag) => plan.tags.push((service.clone(), tag.clone())),
        }
    }
    let origin = Origin::Environment(from.name.clone());
    let list = |services: &[&ServiceName]| {
        services.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
    };
    if !untagged.is_empty() {
        problems.push(
            Diagnostic::error(
                Code::PromoteNoTag,
                format!("no image tag for {} in `{}`", list(&untagged), from.name),
            )
            .at(origin.clone(), "/images")
            .with_help(format!(
                "set `images.defaultTag`, or a tag per service under `images.tags`, in `{}` first",
                from.name
            )),
        );
    }
    for (pointer, services) in latest {
        problems.push(
            Diagnostic::error(
                Code::PromoteLatestTag,
                format!(
                    "the `latest` tag of {} in `{}` cannot be promoted to `{}`",
                    list(&services),
                    from.name,
                    to.name
                ),
            )
            .at(origin.clone(), pointer)
            .with_help(format!(
                "`latest` is only allowed in an environment marked `development: true`; pin a version in `{}` first",
                from.name
            )),
        );
    }
    plan
}

/// The environment an argument names, or a problem with a suggestion.
fn find_environment<'p>(
    platform: &'p Platform,
    argument: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<&'p Environment> {
    let name = environment_name(argument);
    let found = platform.environment(&name);
    if found.is_none() {
        let known: Vec<&str> = platform.environment_names().map(EnvName::as_str).collect();
        problems.push(unknown(Code::PromoteUnknownEnvironment, "environment", &name, &known));
    }
    found
}

/// The services to promote, each once, in the order given (`--all`: every
/// service, by name); unknown names are problems.
fn find_services(
    platform: &Platform,
    args: &PromoteArgs,
    problems: &mut Vec<Diagnostic>,
) -> Vec<ServiceName> {
    if args.all {
        return platform.service_names().cloned().collect();
    }
    let known: Vec<&str> = platform.service_names().map(ServiceName::as_str).collect();
    let mut services: Vec<ServiceName> = Vec::new();
    for argument in &args.services {
        match platform.service(argument) {
            Some(service) if !services.contains(&service.name) => {
                services.push(service.name.clone());
            }
            Some(_) => {}
            None => {
                problems.push(unknown(Code::PromoteUnknownService, "service", argument, &known));
            }
        }
    }
    services
}

fn unknown(code: Code, what: &str, name: &str, known: &[&str]) -> Diagnostic {
    let diagnostic = Diagnostic::error(code, format!("unknown {what} `{name}`"));
    match suggest(name, known.iter().copied()) {
        Some(close) => diagnostic.with_help(format!("did you mean `{close}`?")),
        None => diagnostic.with_help(format!("known {what}s: {}", known.join(", "))),
    }
}

/// The platform with the edited environment loaded from `text` the way
/// `platc` loads every environment file, checked against the services, and
/// running the promoted tags. Problems here mean the edit went wrong.
fn reload(
    platform: &Platform,
    text: &str,
    tags: &[(ServiceName, ImageTag)],
) -> Result<Platform, Vec<Diagnostic>> {
    let environment = environment_from_str(text)?;
    let name = environment.name.clone();
    let mut after = platform.clone();
    let Some(slot) = after.environments.iter_mut().find(|e| e.name == environment.name) else {
        let message = format!("the edited file names another environment, `{}`", environment.name);
        return Err(vec![Diagnostic::error(Code::PromoteEditFailed, message)]);
    };
    *slot = environment;
    let errors: Vec<Diagnostic> =
        validate_environments(&after).into_iter().filter(Diagnostic::is_error).collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let edited = after.environment(name.as_str()).map(|e| &e.images);
    for (service, tag) in tags {
        if edited.and_then(|images| images.tag_for(service)) != Some(tag) {
            let message = format!("`{service}` does not run `{tag}` after the edit");
            return Err(vec![Diagnostic::error(Code::PromoteEditFailed, message)]);
        }
    }
    Ok(after)
}

/// Renders one environment as a tree under its own directory (`<env>/…`), the
/// paths `platc diff` shows. Problems are printed; warnings only when asked,
/// so they are not shown twice.
fn rendered(
    platform: &Platform,
    environment: &str,
    sources: &Sources,
    style: Style,
    warnings: bool,
) -> Option<Tree> {
    let result =
        render_files(platform, environment, |_| true).map(|files| (files.warnings, files.tree));
    match result {
        Ok((found, env_tree)) => {
            if warnings && !found.is_empty() {
                report_located(found, sources, style);
            }
            let mut tree = Tree::new();
            tree.nest(environment, env_tree);
            Some(tree)
        }
        Err(diagnostics) => {
            report_located(diagnostics, sources, style);
            None
        }
    }
}
