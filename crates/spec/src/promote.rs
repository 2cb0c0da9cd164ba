//! Promoting image tags from one environment to another (`platc promote`):
//! checking the request, choosing each service's tag, editing the target
//! environment's file in place, and the platform as it is after the edit.
//!
//! Nothing here writes: [`promote`] returns the new text of the file and the
//! platform it gives, so a caller can render both sides before it replaces
//! the file (with [`file::replace_file`](crate::file::replace_file)).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Origin, suggest};
use crate::edit::{TagEdit, set_image_tags};
use crate::load::{Sources, reload_environments};
use crate::model::{Environment, Platform};
use crate::names::{EnvName, ImageTag, ObjectName, ServiceName};
use crate::position::pointer_join;
use crate::validate::validate_environments;

/// The services a promotion copies the tags of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Services<'a> {
    /// Every service of the platform, by name.
    All,
    /// These services, each once, in the order given.
    Named(&'a [String]),
}

/// What to promote: the environments by name, and the services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    /// The environment whose tags are copied.
    pub from: &'a str,
    /// The environment whose file receives them.
    pub to: &'a str,
    /// Which services.
    pub services: Services<'a>,
}

/// The tags a promotion sets, once the request is known to make sense.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The environment the tags come from.
    pub from: EnvName,
    /// The environment whose file receives them.
    pub to: EnvName,
    /// Each service to change with the tag it runs in `from`, in the order
    /// the services were given.
    pub tags: Vec<(ServiceName, ImageTag)>,
    /// The services that already run that tag in `to`.
    pub unchanged: Vec<(ServiceName, ImageTag)>,
    /// The services promoted because they ship with one that was asked for
    /// (`releaseGroups` in `platform.yaml`), in the order they were added.
    pub grouped: Vec<Grouped>,
}

/// A service promoted because it is in a release group with another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouped {
    /// The service added to the promotion.
    pub service: ServiceName,
    /// The service it ships with.
    pub with: ServiceName,
    /// The release group that says so.
    pub group: ObjectName,
}

/// Checks a request and chooses each service's tag: the one it runs in
/// `from` (its own tag, else the default). A service named in a release
/// group brings the group's other services along ([`Plan::grouped`]), after
/// the services named. Every problem is reported at once:
/// unknown environments or services, the same environment twice, services
/// with no tag in `from`, and `latest` tags for an environment that is not
/// for development (once per place in `from`'s file).
pub fn plan(platform: &Platform, request: &Request<'_>) -> Result<Plan, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let from = find_environment(platform, request.from, &mut problems);
    let to = find_environment(platform, request.to, &mut problems);
    let (services, grouped) = find_services(platform, request.services, &mut problems);
    let (Some(from), Some(to)) = (from, to) else { return Err(problems) };
    if from.name == to.name {
        problems.push(
            Diagnostic::error(
                Code::PromoteSameEnvironment,
                format!("`--from` and `--to` both name `{}`", to.name),
            )
            .with_help("promote from the environment that ran the tags to another one"),
        );
    }
    let mut plan = choose_tags(from, to, &services, &mut problems);
    plan.grouped = grouped;
    if problems.is_empty() { Ok(plan) } else { Err(problems) }
}

/// A promotion carried out in memory.
#[derive(Debug, Clone)]
pub struct Promotion {
    /// The edited environment file's path, as its
    /// [`SourceFile`](crate::source::SourceFile) holds it (relative to the
    /// platform root when it can be).
    pub path: PathBuf,
    /// The same file as messages show it.
    pub file: String,
    /// The file's new text, comments and layout kept.
    pub text: String,
    /// Each service of [`Plan::tags`], in order, and how its tag changed.
    pub changes: Vec<TagChange>,
    /// The platform as it is with the edited file.
    pub platform: Platform,
    /// The environments the edited file makes: the target and every
    /// environment that extends it, which inherits the tags it does not set.
    pub environments: Vec<EnvName>,
}

/// One service's tag in the target environment, before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagChange {
    /// The service.
    pub service: ServiceName,
    /// The tag it ran before, if it had one.
    pub old: Option<ImageTag>,
    /// The tag it runs now.
    pub new: ImageTag,
    /// How the file changed for it.
    pub edit: TagEdit,
}

/// Why a planned promotion cannot be carried out.
#[derive(Debug, thiserror::Error)]
pub enum PromoteError {
    /// The target environment was not loaded from a file (a platform built
    /// in Rust), so there is no file to edit.
    #[error("the file of environment `{0}` was not loaded")]
    NoFile(EnvName),
    /// The file cannot be edited in place (flow style, an alias, ...).
    #[error("{0}")]
    Edit(Diagnostic),
    /// The edited text does not load back as the same environment running
    /// the promoted tags: a bug in the editor, reported with what went wrong.
    #[error("the edited {file} would not load")]
    Reload {
        /// The file, as shown to the user.
        file: String,
        /// What loading the edited text found.
        diagnostics: Vec<Diagnostic>,
    },
}

/// Edits the target environment's file to run the planned tags and loads
/// the result back the way every environment file is loaded, checked against
/// the services.
///
/// The file edited is always the target's own: a tag it inherits through
/// `extends:` is added to its file, and the environment it extends is left
/// alone. Environments that extend the target are loaded again with it.
pub fn promote(
    platform: &Platform,
    sources: &Sources,
    plan: &Plan,
) -> Result<Promotion, PromoteError> {
    let origin = Origin::Environment(plan.to.clone());
    let file = sources.file(&origin).ok_or_else(|| PromoteError::NoFile(plan.to.clone()))?;
    let edited = set_image_tags(file, &plan.tags).map_err(PromoteError::Edit)?;
    let (after, environments) = reload(platform, sources, &plan.to, &edited.text, &plan.tags)
        .map_err(|diagnostics| PromoteError::Reload { file: file.display_path(), diagnostics })?;
    let before = platform.environment(plan.to.as_str()).map(|e| &e.images);
    // The editor reports on the services in the order they were given.
    let changes = plan
        .tags
        .iter()
        .zip(edited.edits)
        .map(|((service, new), (_, edit))| TagChange {
            service: service.clone(),
            old: before.and_then(|images| images.tag_for(service)).cloned(),
            new: new.clone(),
            edit,
        })
        .collect();
    Ok(Promotion {
        path: file.path.clone(),
        file: file.display_path(),
        text: edited.text,
        changes,
        platform: after,
        environments,
    })
}

/// Chooses the tags; problems are added to `problems`.
fn choose_tags(
    from: &Environment,
    to: &Environment,
    services: &[ServiceName],
    problems: &mut Vec<Diagnostic>,
) -> Plan {
    let mut plan = Plan {
        from: from.name.clone(),
        to: to.name.clone(),
        tags: Vec::new(),
        unchanged: Vec::new(),
        grouped: Vec::new(),
    };
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

/// The environment named `name`, or a problem with a suggestion.
fn find_environment<'p>(
    platform: &'p Platform,
    name: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<&'p Environment> {
    let found = platform.environment(name);
    if found.is_none() {
        let known: Vec<&str> = platform.environment_names().map(EnvName::as_str).collect();
        problems.push(unknown(Code::PromoteUnknownEnvironment, "environment", name, &known));
    }
    found
}

/// The services to promote, each once, with the services their release
/// groups bring along; unknown names are problems.
fn find_services(
    platform: &Platform,
    services: Services<'_>,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<ServiceName>, Vec<Grouped>) {
    let names = match services {
        Services::All => return (platform.service_names().cloned().collect(), Vec::new()),
        Services::Named(names) => names,
    };
    let known: Vec<&str> = platform.service_names().map(ServiceName::as_str).collect();
    let mut found: Vec<ServiceName> = Vec::new();
    let mut grouped: Vec<Grouped> = Vec::new();
    for name in names {
        match platform.service(name) {
            Some(service) if !found.contains(&service.name) => found.push(service.name.clone()),
            Some(_) => {}
            None => problems.push(unknown(Code::PromoteUnknownService, "service", name, &known)),
        }
    }
    // Services named by hand are not "brought along", whatever their order.
    for service in found.clone() {
        add_groups(platform, &service, &mut found, &mut grouped);
    }
    (found, grouped)
}

/// Adds the services that ship with `service` to `found`, and theirs in
/// turn, each recorded in `grouped`.
fn add_groups(
    platform: &Platform,
    service: &ServiceName,
    found: &mut Vec<ServiceName>,
    grouped: &mut Vec<Grouped>,
) {
    let mut queue = vec![service.clone()];
    while let Some(current) = queue.pop() {
        for (group, members) in &platform.settings.release_groups {
            if !members.contains(&current) {
                continue;
            }
            for member in members {
                // Unknown members are reported by validation.
                if found.contains(member) || platform.service(member.as_str()).is_none() {
                    continue;
                }
                found.push(member.clone());
                grouped.push(Grouped {
                    service: member.clone(),
                    with: current.clone(),
                    group: group.clone(),
                });
                queue.push(member.clone());
            }
        }
    }
}

fn unknown(code: Code, what: &str, name: &str, known: &[&str]) -> Diagnostic {
    let diagnostic = Diagnostic::error(code, format!("unknown {what} `{name}`"));
    match suggest(name, known.iter().copied()) {
        Some(close) => diagnostic.with_help(format!("did you mean `{close}`?")),
        None => diagnostic.with_help(format!("known {what}s: {}", known.join(", "))),
    }
}

/// The platform with environment `to` loaded from the edited `text` the way
/// every environment file is loaded (with the environments that extend it),
/// checked against the services, and running the promoted tags; and the
/// environments loaded again. Problems here mean the edit went wrong.
fn reload(
    platform: &Platform,
    sources: &Sources,
    to: &EnvName,
    text: &str,
    tags: &[(ServiceName, ImageTag)],
) -> Result<(Platform, Vec<EnvName>), Vec<Diagnostic>> {
    let environments = reload_environments(sources, to, text)?;
    let mut after = platform.clone();
    let mut names = Vec::new();
    for environment in environments {
        let slot = after.environments.iter_mut().find(|e| e.name == environment.name);
        let Some(slot) = slot else {
            let message =
                format!("the edited file names another environment, `{}`", environment.name);
            return Err(vec![Diagnostic::error(Code::PromoteEditFailed, message)]);
        };
        names.push(environment.name.clone());
        *slot = environment;
    }
    if !names.contains(to) {
        let message = format!("the edited file no longer makes environment `{to}`");
        return Err(vec![Diagnostic::error(Code::PromoteEditFailed, message)]);
    }
    let errors: Vec<Diagnostic> =
        validate_environments(&after).into_iter().filter(Diagnostic::is_error).collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let edited = after.environment(to.as_str()).map(|e| &e.images);
    for (service, tag) in tags {
        if edited.and_then(|images| images.tag_for(service)) != Some(tag) {
            let message = format!("`{service}` does not run `{tag}` after the edit");
            return Err(vec![Diagnostic::error(Code::PromoteEditFailed, message)]);
        }
    }
    Ok((after, names))
}
