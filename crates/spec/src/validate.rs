//! Cross checks on a model that passed the schema: references between files,
//! uniqueness, and rules the schema cannot express. Every problem is
//! collected; none stops the others from being found.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Diagnostic, Origin, suggest};
use crate::model::{Environment, Platform, Probe, Service, WorkloadKind};
use crate::source::pointer_join;

/// Every problem in `platform` that involves more than one field or file.
#[must_use]
pub fn validate(platform: &Platform) -> Vec<Diagnostic> {
    let mut out = validate_services(platform);
    out.extend(validate_environments(platform));
    out
}

/// The checks of each service on its own.
#[must_use]
pub fn validate_services(platform: &Platform) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for service in &platform.services {
        check_service(service, &mut out);
    }
    out
}

/// The checks of each environment against the services; meaningful only
/// when every service loaded.
#[must_use]
pub fn validate_environments(platform: &Platform) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for environment in &platform.environments {
        check_environment(platform, environment, &mut out);
    }
    out
}

fn check_service(service: &Service, out: &mut Vec<Diagnostic>) {
    let origin = Origin::Service(service.name.clone());
    let at = |pointer: &str| (origin.clone(), pointer.to_owned());

    if service.kind == WorkloadKind::Web && service.ports.is_empty() {
        let (o, p) = at("/kind");
        out.push(
            Diagnostic::error(
                "spec::web_without_port",
                format!("web service `{}` has no port", service.name),
            )
            .at(o, p)
            .with_help("add `ports: [{name: http, port: 8080}]`, or make it a `worker`"),
        );
    }

    let mut port_names = BTreeMap::new();
    let mut port_numbers = BTreeMap::new();
    for (i, port) in service.ports.iter().enumerate() {
        if let Some(first) = port_names.insert(port.name.as_str(), i) {
            out.push(
                Diagnostic::error(
                    "spec::duplicate_name",
                    format!("port name `{}` is used twice", port.name),
                )
                .at(origin.clone(), format!("/ports/{i}/name"))
                .with_help(format!(
                    "the first use is `ports[{first}]`; give each port its own name"
                )),
            );
        }
        if let Some(first) = port_numbers.insert((port.port, port.protocol), i) {
            out.push(
                Diagnostic::error(
                    "spec::duplicate_port",
                    format!("port {} is declared twice", port.port),
                )
                .at(origin.clone(), format!("/ports/{i}/port"))
                .with_help(format!("the first declaration is `ports[{first}]`")),
            );
        }
    }
    let port_list: Vec<&str> = service.ports.iter().map(|p| p.name.as_str()).collect();

    for (slot, probe) in [
        ("liveness", &service.probes.liveness),
        ("readiness", &service.probes.readiness),
        ("startup", &service.probes.startup),
    ] {
        if let Some(probe) = probe {
            check_probe(probe, &format!("/probes/{slot}"), &origin, &port_list, out);
        }
    }

    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for name in service.env.keys() {
        names.insert(name.as_str(), "env");
    }
    for name in service.secrets.keys() {
        if names.contains_key(name.as_str()) {
            out.push(
                Diagnostic::error(
                    "spec::duplicate_env",
                    format!("`{name}` is set both in `env` and in `secrets`"),
                )
                .at(origin.clone(), pointer_join("/secrets", name.as_str()))
                .on_key()
                .with_help("keep one of the two"),
            );
        }
    }

    let mut file_names: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, file) in service.files.iter().enumerate() {
        let name = file.file_name();
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
            || name.len() > 253
        {
            out.push(
                Diagnostic::error(
                    "spec::invalid_file_name",
                    format!("`{name}` cannot be a ConfigMap key"),
                )
                .at(origin.clone(), format!("/files/{i}/path"))
                .with_help("file names may use letters, digits, '-', '_' and '.'"),
            );
        }
        if let Some(first) = file_names.insert(name, i) {
            out.push(
                Diagnostic::error("spec::duplicate_file", format!("two files are named `{name}`"))
                    .at(origin.clone(), format!("/files/{i}/path"))
                    .with_help(format!(
                        "the first is `files[{first}]`; files share one ConfigMap, so their names must differ"
                    )),
            );
        }
    }
}

fn check_probe(
    probe: &Probe,
    pointer: &str,
    origin: &Origin,
    ports: &[&str],
    out: &mut Vec<Diagnostic>,
) {
    let actions = usize::from(probe.http.is_some())
        + usize::from(probe.tcp.is_some())
        + usize::from(probe.exec.is_some());
    if actions != 1 {
        out.push(
            Diagnostic::error(
                "spec::probe_action",
                format!("a probe needs exactly one of `http`, `tcp` or `exec`, found {actions}"),
            )
            .at(origin.clone(), pointer)
            .with_help("for example `readiness: {http: /ready}`"),
        );
    }
    let port_refs = [("tcp", probe.tcp.as_ref()), ("port", probe.port.as_ref())];
    for (field, port) in port_refs {
        if let Some(port) = port
            && !ports.contains(&port.as_str())
        {
            out.push(unknown_reference(
                "port",
                port.as_str(),
                ports,
                origin.clone(),
                &format!("{pointer}/{field}"),
            ));
        }
    }
    if probe.http.is_some() && probe.port.is_none() && ports.is_empty() {
        out.push(
            Diagnostic::error(
                "spec::probe_without_port",
                "an `http` probe needs a port, and the service has none",
            )
            .at(origin.clone(), pointer)
            .with_help("declare the port under `ports`"),
        );
    }
}

fn check_environment(platform: &Platform, environment: &Environment, out: &mut Vec<Diagnostic>) {
    let origin = Origin::Environment(environment.name.clone());
    let services: Vec<&str> = platform.services.iter().map(|s| s.name.as_str()).collect();
    for name in environment.images.tags.keys() {
        if platform.service(name.as_str()).is_none() {
            out.push(
                unknown_reference(
                    "service",
                    name.as_str(),
                    &services,
                    origin.clone(),
                    &pointer_join("/images/tags", name.as_str()),
                )
                .on_key(),
            );
        }
    }
    for name in environment.overrides.keys() {
        if platform.service(name.as_str()).is_none() {
            out.push(
                unknown_reference(
                    "service",
                    name.as_str(),
                    &services,
                    origin.clone(),
                    &pointer_join("/overrides", name.as_str()),
                )
                .on_key(),
            );
        }
    }

    let mut untagged = BTreeSet::new();
    for service in &platform.services {
        match environment.images.tag_for(&service.name) {
            None if !environment.development => {
                untagged.insert(service.name.as_str());
            }
            Some(tag) if tag.is_latest() && !environment.development => {
                let pointer = if environment.images.tags.contains_key(&service.name) {
                    pointer_join("/images/tags", service.name.as_str())
                } else {
                    "/images/defaultTag".to_owned()
                };
                out.push(
                    Diagnostic::error(
                        "spec::latest_tag",
                        format!("service `{}` would run the `latest` tag in `{}`", service.name, environment.name),
                    )
                    .at(origin.clone(), pointer)
                    .with_help(
                        "pin a version; `latest` is only allowed in an environment marked `development: true`",
                    ),
                );
            }
            _ => {}
        }
    }
    if !untagged.is_empty() {
        let list: Vec<String> = untagged.iter().map(|s| format!("`{s}`")).collect();
        out.push(
            Diagnostic::error(
                "spec::missing_tag",
                format!(
                    "no image tag for {} in `{}`",
                    list.join(", "),
                    environment.name
                ),
            )
            .at(origin, "/images")
            .with_help("set `images.defaultTag`, or a tag per service under `images.tags`"),
        );
    }
}

/// A reference to a name that does not exist, with the closest existing one.
pub(crate) fn unknown_reference(
    what: &str,
    name: &str,
    known: &[&str],
    origin: Origin,
    pointer: &str,
) -> Diagnostic {
    let help = match suggest(name, known.iter().copied()) {
        Some(close) => format!("did you mean `{close}`?"),
        None if known.is_empty() => format!("no {what} is defined"),
        None => format!(
            "known {what}s: {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Diagnostic::error(
        "spec::unknown_reference",
        format!("unknown {what} `{name}`"),
    )
    .at(origin, pointer)
    .with_help(help)
}
