//! Connections a service's settled values name but its model does not
//! declare. NetworkPolicies admit only what `calls` and `uses` say, so a URL
//! such as `http://orders-api:8080` in the environment of a service that
//! does not list `orders-api` in `calls` is a connection the cluster will
//! refuse at run time. These warnings say so at render time, at the value.
//!
//! A value names a service or an in-cluster release when it holds its host
//! in a form that resolves inside the namespace: after a URL scheme
//! (`http://auth/`), before a port (`auth:9000`), or with the namespace's
//! DNS suffix (`auth.acme-shop`, `auth.acme-shop.svc.cluster.local`). Bare
//! words are not taken for hosts: `MODE: storefront` names nothing.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use platc_spec::model::{Environment, Provider, Service};
use platc_spec::names::NamespaceName;
use platc_spec::{Code, Diagnostic, Origin};
use regex::Regex;

use super::dependencies::Provided;
use crate::resolved::{EnvSource, ResolvedService};

/// A host with an optional URL scheme (and user) before it and an optional
/// port after it.
static HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/\s]*@)?)?(?P<host>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*)(?::(?P<port>[0-9]{1,5})\b)?",
    )
    .expect("valid pattern")
});

/// Compiles the host pattern now rather than at the first value checked
/// (see [`crate::prepare`]).
pub(crate) fn prepare() {
    LazyLock::force(&HOST);
}

/// Something a value may name: a service of the platform or an in-cluster
/// release.
struct Target<'a> {
    /// The first label of its host.
    host: &'a str,
    /// What it is, for messages: `service` or the dependency's type.
    what: String,
    /// The ports its Service exposes, for services.
    ports: Vec<u16>,
    /// The name `calls` or `uses` would list.
    name: &'a str,
    /// Whether it is a dependency (declared in `uses`) or a service (`calls`).
    dependency: bool,
}

/// One reference found in a value.
#[derive(Debug, PartialEq, Eq)]
struct Reference<'a> {
    host: &'a str,
    port: Option<u16>,
}

/// Warnings for every value of every service that names a service it does
/// not `call`, a port that service does not expose, or an in-cluster
/// release it does not `use`.
pub(super) fn undeclared(
    model: &[Service],
    environment: &Environment,
    namespace: &NamespaceName,
    services: &[ResolvedService],
    provided: &[Provided<'_>],
) -> Vec<Diagnostic> {
    let mut targets: Vec<Target<'_>> = services
        .iter()
        .filter(|s| !s.ports.is_empty())
        .map(|s| Target {
            host: s.name.as_str(),
            what: "service".to_owned(),
            ports: s.ports.iter().map(|p| p.service_port).collect(),
            name: s.name.as_str(),
            dependency: false,
        })
        .collect();
    // A release answers at its Service (`cache-master`) and is named after
    // the dependency (`cache`): either host names it.
    for dependency in provided.iter().filter(|d| matches!(d.provider, Provider::Helm(_))) {
        let service = dependency.outputs.host.split('.').next().unwrap_or_default();
        let mut hosts = vec![dependency.name.as_str()];
        if service != dependency.name.as_str() {
            hosts.push(service);
        }
        targets.extend(hosts.into_iter().map(|host| Target {
            host,
            what: dependency.definition.name.to_string(),
            ports: Vec::new(),
            name: dependency.name.as_str(),
            dependency: true,
        }));
    }

    // By host, the first of a host winning, as a search in order would.
    let mut by_host: BTreeMap<&str, &Target<'_>> = BTreeMap::new();
    for target in &targets {
        by_host.entry(target.host).or_insert(target);
    }

    // Services are checked on every core; their warnings come in service order.
    let pairs: Vec<(&Service, &ResolvedService)> = model.iter().zip(services).collect();
    let found = platc_spec::parallel::map(&pairs, |&(service, resolved)| {
        let mut out = Vec::new();
        for (pointer, origin, text) in values(service, environment, resolved) {
            for reference in references(text, namespace.as_str()) {
                let Some(&target) = by_host.get(reference.host) else {
                    continue;
                };
                if target.name == service.name.as_str() {
                    continue;
                }
                let declared = if target.dependency {
                    service.uses.keys().any(|d| d.as_str() == target.name)
                } else {
                    service.calls.iter().any(|c| c.as_str() == target.name)
                };
                if !declared {
                    out.push(undeclared_diagnostic(service, target, &origin, &pointer));
                } else if let Some(port) = reference.port
                    && !target.dependency
                    && !target.ports.contains(&port)
                {
                    out.push(
                        Diagnostic::warning(
                            Code::RenderUnknownServicePort,
                            format!(
                                "`{}` connects to port {port} of service `{}`, which exposes {}",
                                service.name,
                                target.name,
                                list(&target.ports)
                            ),
                        )
                        .at(origin.clone(), pointer.clone())
                        .with_help(format!(
                            "use one of the ports `{}` declares; its NetworkPolicy admits no other",
                            target.name
                        )),
                    );
                }
            }
        }
        out
    });
    found.into_iter().flatten().collect()
}

fn undeclared_diagnostic(
    service: &Service,
    target: &Target<'_>,
    origin: &Origin,
    pointer: &str,
) -> Diagnostic {
    let (field, help) = if target.dependency {
        ("uses", format!("add `{}: {}` to `uses` of `{}`", target.name, target.what, service.name))
    } else {
        ("calls", format!("add `{}` to `calls` of `{}`", target.name, service.name))
    };
    Diagnostic::warning(
        Code::RenderUndeclaredConnection,
        format!(
            "`{}` connects to {} `{}`, which is not in its `{field}`: the NetworkPolicies will refuse the connection",
            service.name, target.what, target.name
        ),
    )
    .at(origin.clone(), pointer.to_owned())
    .with_help(help)
}

/// Every settled text value of a service with the file and pointer it was
/// written at: environment variables (the service's or its override's),
/// config files, command and arguments, and those of its sidecars and init
/// containers.
fn values<'a>(
    service: &Service,
    environment: &Environment,
    resolved: &'a ResolvedService,
) -> Vec<(String, Origin, &'a str)> {
    let own = Origin::Service(service.name.clone());
    let mut out = Vec::new();
    for var in &resolved.env {
        let EnvSource::Value(text) = &var.source else { continue };
        let overridden = environment
            .overrides
            .get(&service.name)
            .is_some_and(|o| o.env.keys().any(|k| k.as_str() == var.name));
        let (origin, pointer) = if overridden {
            (
                Origin::Environment(environment.name.clone()),
                platc_spec::position::pointer_join(
                    &platc_spec::position::pointer_join("/overrides", service.name.as_str()),
                    "env",
                ),
            )
        } else if service.env.keys().any(|k| k.as_str() == var.name) {
            (own.clone(), "/env".to_owned())
        } else {
            // An injected dependency variable: its host is the dependency's own.
            continue;
        };
        out.push((platc_spec::position::pointer_join(&pointer, &var.name), origin, text.as_str()));
    }
    for (index, file) in resolved.files.iter().enumerate() {
        out.push((format!("/files/{index}/content"), own.clone(), file.content.as_str()));
    }
    for (index, arg) in resolved.command.iter().enumerate() {
        out.push((format!("/command/{index}"), own.clone(), arg.as_str()));
    }
    for (index, arg) in resolved.args.iter().enumerate() {
        out.push((format!("/args/{index}"), own.clone(), arg.as_str()));
    }
    // Sidecars and init containers share the pod's NetworkPolicy. An
    // override that sets a list replaces the service's.
    let overrides = environment.overrides.get(&service.name);
    let lists = [
        ("sidecars", &resolved.pod.sidecars, overrides.is_some_and(|o| o.sidecars.is_some())),
        (
            "initContainers",
            &resolved.pod.init_containers,
            overrides.is_some_and(|o| o.init_containers.is_some()),
        ),
    ];
    for (field, containers, overridden) in lists {
        let (origin, base) = if overridden {
            (
                Origin::Environment(environment.name.clone()),
                format!(
                    "{}/{field}",
                    platc_spec::position::pointer_join("/overrides", service.name.as_str())
                ),
            )
        } else {
            (own.clone(), format!("/{field}"))
        };
        for (index, container) in containers.iter().enumerate() {
            let at = format!("{base}/{index}");
            for var in &container.env {
                if let EnvSource::Value(text) = &var.source {
                    let pointer =
                        platc_spec::position::pointer_join(&format!("{at}/env"), &var.name);
                    out.push((pointer, origin.clone(), text.as_str()));
                }
            }
            for (index, arg) in container.command.iter().enumerate() {
                out.push((format!("{at}/command/{index}"), origin.clone(), arg.as_str()));
            }
            for (index, arg) in container.args.iter().enumerate() {
                out.push((format!("{at}/args/{index}"), origin.clone(), arg.as_str()));
            }
        }
    }
    out
}

/// The hosts of the namespace `text` names, with their ports.
fn references<'t>(text: &'t str, namespace: &str) -> Vec<Reference<'t>> {
    let mut out = Vec::new();
    for found in HOST.captures_iter(text) {
        let Some(host) = found.name("host") else { continue };
        // A host inside a longer word (`x_orders-api`) is not one.
        let before = text[..host.start()].chars().next_back();
        if found.name("scheme").is_none() && before.is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let (first, rest) = host.as_str().split_once('.').unwrap_or((host.as_str(), ""));
        let in_namespace = rest.is_empty()
            || rest == namespace
            || rest
                .strip_prefix(namespace)
                .is_some_and(|s| s == ".svc" || s == ".svc.cluster.local");
        if !in_namespace {
            continue;
        }
        let port = found.name("port").and_then(|p| p.as_str().parse::<u16>().ok());
        if rest.is_empty() && port.is_none() && found.name("scheme").is_none() {
            continue;
        }
        out.push(Reference { host: first, port });
    }
    out
}

fn list(ports: &[u16]) -> String {
    let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
    match ports.len() {
        0 => "no port".to_owned(),
        1 => format!("port {}", ports[0]),
        _ => format!("ports {}", ports.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::{Reference, references};

    fn hosts(text: &str) -> Vec<(&str, Option<u16>)> {
        references(text, "shop").into_iter().map(|Reference { host, port }| (host, port)).collect()
    }

    #[test]
    fn urls_and_host_ports_name_hosts() {
        assert_eq!(hosts("http://orders-api:8080/x"), [("orders-api", Some(8080))]);
        assert_eq!(hosts("http://auth/.well-known"), [("auth", None)]);
        assert_eq!(hosts("amqp://app@queue:5672/"), [("queue", Some(5672))]);
        assert_eq!(hosts("catalog-api:8080"), [("catalog-api", Some(8080))]);
        assert_eq!(
            hosts("a http://a:1, b.shop.svc.cluster.local and c.shop:3"),
            [("a", Some(1)), ("b", None), ("c", Some(3))]
        );
    }

    #[test]
    fn bare_words_and_other_domains_name_nothing() {
        assert!(hosts("storefront").is_empty());
        assert!(hosts("https://orders-api.example.com/").is_empty());
        assert!(hosts("b.other.svc.cluster.local").is_empty());
        assert!(hosts("x_orders-api:80").is_empty());
    }
}
