//! Cross checks on a model that passed the schema: references between files,
//! uniqueness, and rules the schema cannot express. Every problem is
//! collected; none stops the others from being found.

use std::collections::{BTreeMap, BTreeSet};

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Origin, suggest};
use crate::model::{
    Autoscale, ClusterFlavour, DATABASE_PLACEHOLDERS, Environment, ExternalField, HelmChart,
    INSTANCES, InfraType, Middleware, Output, Platform, Probe, Provider, SERVICE_PLACEHOLDER,
    Service, ServiceOverride, Types, URL_PLACEHOLDERS, WorkloadKind,
};
use crate::names::{DependencyName, ObjectName, TypeName};
use crate::position::pointer_join;

mod pod;

/// Every problem in `platform` that involves more than one field or file.
#[must_use]
pub fn validate(platform: &Platform) -> Vec<Diagnostic> {
    let mut out = validate_types(platform);
    out.extend(validate_services(platform));
    out.extend(validate_environments(platform));
    out
}

/// Policies `platc check` applies to the input on top of validity:
/// long-running services (`web` and `worker`) answer readiness and liveness
/// probes, so rollouts wait for them and hung pods are restarted, unless
/// `probes.optOut` says why not. Workers without ports probe with `exec`.
#[must_use]
pub fn policy(platform: &Platform) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for service in &platform.services {
        let long_running = matches!(service.kind, WorkloadKind::Web | WorkloadKind::Worker);
        if !long_running || service.probes.opt_out.is_some() {
            continue;
        }
        let missing: Vec<&str> =
            [("readiness", &service.probes.readiness), ("liveness", &service.probes.liveness)]
                .into_iter()
                .filter(|(_, probe)| probe.is_none())
                .map(|(name, _)| name)
                .collect();
        if !missing.is_empty() {
            let pointer = if service.probes.is_empty() { "/kind" } else { "/probes" };
            out.push(
                Diagnostic::warning(
                    Code::CheckMissingProbe,
                    format!("{} service `{}` has no {} probe", service.kind.as_str(), service.name, missing.join(" or ")),
                )
                .at(Origin::Service(service.name.clone()), pointer)
                .with_help(if service.ports.is_empty() {
                    "add `probes: {readiness: {exec: [...]}, liveness: {exec: [...]}}`, or say why not in `probes.optOut`"
                } else {
                    "add `probes: {readiness: {http: /ready}, liveness: {http: /healthz}}` (or `tcp: <port>`), or say why not in `probes.optOut`"
                }),
            );
        }
    }
    out
}

/// Every dependency the services use, by name, with its type and the
/// services that use it, in name order.
#[must_use]
pub fn dependencies(platform: &Platform) -> BTreeMap<DependencyName, (TypeName, Vec<&Service>)> {
    let mut out: BTreeMap<DependencyName, (TypeName, Vec<&Service>)> = BTreeMap::new();
    for service in &platform.services {
        for (name, kind) in &service.uses {
            out.entry(name.clone()).or_insert_with(|| (kind.clone(), Vec::new())).1.push(service);
        }
    }
    out
}

/// The checks of each service on its own.
#[must_use]
pub fn validate_services(platform: &Platform) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Services by name, the first of a name winning, for `calls`: a lookup
    // per call instead of a pass over every service.
    let mut by_name: BTreeMap<&str, &Service> = BTreeMap::new();
    for service in &platform.services {
        by_name.entry(service.name.as_str()).or_insert(service);
    }
    for service in &platform.services {
        check_service(service, &platform.types, &mut out);
        check_workload(service, &mut out);
        check_routes(platform, service, &mut out);
        check_calls(platform, &by_name, service, &mut out);
        check_middlewares(platform, Some(service), &mut out);
        pod::check(service, None, &mut out);
    }
    check_middlewares(platform, None, &mut out);
    check_platform_maintenance(platform, &mut out);
    check_dependency_types(platform, &mut out);
    check_release_groups(platform, &mut out);
    out
}

/// The middlewares of `service` (the platform's when `None`): chains name
/// existing middlewares and do not contain themselves; services that
/// `forwardAuth` and `errors` send requests to exist, are `web` services and
/// have the port named; options that exclude each other are not both set.
fn check_middlewares(platform: &Platform, service: Option<&Service>, out: &mut Vec<Diagnostic>) {
    let (origin, middlewares) = match service {
        Some(service) => (Origin::Service(service.name.clone()), &service.middlewares),
        None => (Origin::Platform, &platform.settings.middlewares),
    };
    let shared = &platform.settings.middlewares;
    // What a name in a chain means here: the service's own, else the platform's.
    let lookup = |name: &ObjectName| -> Option<(bool, &Middleware)> {
        match service.and_then(|s| s.middlewares.get(name)) {
            Some(own) => Some((true, own)),
            None => shared.get(name).map(|m| (false, m)),
        }
    };
    let mut known: Vec<&str> = middlewares.keys().map(ObjectName::as_str).collect();
    if service.is_some() {
        known.extend(shared.keys().map(ObjectName::as_str));
    }
    for (name, middleware) in middlewares {
        let base = format!("{}/{}", pointer_join("/middlewares", name.as_str()), middleware.key());
        let conflict = |first: &str, second: &str, help: &str| {
            Diagnostic::error(
                Code::SpecConflictingFields,
                format!("`{first}` and `{second}` are both set"),
            )
            .at(origin.clone(), format!("{base}/{second}"))
            .on_key()
            .with_help(help.to_owned())
        };
        match middleware {
            Middleware::Chain(chain) => {
                for (j, member) in chain.middlewares.iter().enumerate() {
                    if lookup(member).is_none() {
                        out.push(unknown_reference(
                            "middleware",
                            member.as_str(),
                            &known,
                            origin.clone(),
                            &format!("{base}/middlewares/{j}"),
                        ));
                    }
                }
                if let Some(path) = chain_cycle(name, service, shared) {
                    out.push(
                        Diagnostic::error(
                            Code::SpecMiddlewareCycle,
                            format!("the chain `{name}` contains itself: {}", path.join(" → ")),
                        )
                        .at(origin.clone(), format!("{base}/middlewares"))
                        .with_help("a chain applies other middlewares; remove the loop"),
                    );
                }
            }
            Middleware::ForwardAuth(auth) => match (&auth.service, &auth.address) {
                (Some(_), Some(_)) => out.push(conflict(
                    "service",
                    "address",
                    "`service` asks a service of the platform, `address` a server elsewhere: keep one",
                )),
                (None, None) => out.push(
                    Diagnostic::error(
                        Code::SpecMissingField,
                        "`forwardAuth` needs `service` or `address`",
                    )
                    .at(origin.clone(), base.clone())
                    .with_help("`service: auth` asks a service of the platform; `address: https://...` a server elsewhere"),
                ),
                (None, Some(_)) => {
                    for field in ["port", "path"] {
                        let set = if field == "port" { auth.port.is_some() } else { auth.path.is_some() };
                        if set {
                            out.push(conflict("address", field, "`port` and `path` belong to `service`; write them into `address`"));
                        }
                    }
                }
                (Some(_), None) => {}
            },
            Middleware::Compress(compress)
                if !compress.excluded_content_types.is_empty()
                    && !compress.included_content_types.is_empty() =>
            {
                out.push(conflict(
                    "excludedContentTypes",
                    "includedContentTypes",
                    "Traefik refuses both: list what to compress, or what not to",
                ));
            }
            Middleware::RateLimit(limit) if limit.request_header.is_some() && limit.request_host => {
                out.push(conflict("requestHeader", "requestHost", "count clients by one criterion: a header, the host, or (neither) the address"));
            }
            Middleware::InFlightReq(limit) if limit.request_header.is_some() && limit.request_host => {
                out.push(conflict("requestHeader", "requestHost", "count clients by one criterion: a header, the host, or (neither) the address"));
            }
            _ => {}
        }
        if let Some(reference) = middleware.service_reference() {
            let pointer =
                format!("{}/{}", pointer_join("/middlewares", name.as_str()), reference.field);
            check_target(platform, reference.service, reference.port, &origin, &pointer, out);
        }
    }
}

/// The chain `name` of `service` (the platform's when `None`) leads back to
/// itself: the names on the way, from `name` to `name` again.
fn chain_cycle(
    name: &ObjectName,
    service: Option<&Service>,
    shared: &crate::model::Middlewares,
) -> Option<Vec<String>> {
    // A chain of the platform names the platform's middlewares only; a
    // service's chain names its own first.
    fn walk<'a>(
        current: (bool, &'a ObjectName),
        start: (bool, &'a ObjectName),
        service: Option<&'a Service>,
        shared: &'a crate::model::Middlewares,
        path: &mut Vec<(bool, &'a ObjectName)>,
    ) -> bool {
        let middleware = if current.0 {
            service.and_then(|s| s.middlewares.get(current.1))
        } else {
            shared.get(current.1)
        };
        let Some(Middleware::Chain(chain)) = middleware else { return false };
        for member in &chain.middlewares {
            let own = current.0 && service.is_some_and(|s| s.middlewares.contains_key(member));
            let next = (own, member);
            if next == start {
                path.push(next);
                return true;
            }
            if path.contains(&next) {
                continue;
            }
            path.push(next);
            if walk(next, start, service, shared, path) {
                return true;
            }
            path.pop();
        }
        false
    }
    let start = (service.is_some(), name);
    let mut path = vec![start];
    walk(start, start, service, shared, &mut path)
        .then(|| path.iter().map(|(_, n)| format!("`{n}`")).collect())
}

/// A service Traefik sends requests to (a maintenance target, a
/// `forwardAuth` or `errors` server): it exists, is `web`, and has the port
/// named. `pointer` is the object that names it (`service` and `port` below).
fn check_target(
    platform: &Platform,
    name: &crate::names::ServiceName,
    port: Option<&crate::names::PortName>,
    origin: &Origin,
    pointer: &str,
    out: &mut Vec<Diagnostic>,
) {
    let known: Vec<&str> = platform.services.iter().map(|s| s.name.as_str()).collect();
    let Some(target) = platform.service(name.as_str()) else {
        out.push(unknown_reference(
            "service",
            name.as_str(),
            &known,
            origin.clone(),
            &format!("{pointer}/service"),
        ));
        return;
    };
    if target.kind != WorkloadKind::Web {
        let webs: Vec<&str> = platform
            .services
            .iter()
            .filter(|s| s.kind == WorkloadKind::Web)
            .map(|s| s.name.as_str())
            .collect();
        let help = match suggest(name.as_str(), webs.iter().copied()) {
            Some(close) => format!(
                "Traefik sends requests to it, so it must be a `web` service with a port; did you mean `{close}`?"
            ),
            None => {
                "Traefik sends requests to it, so it must be a `web` service with a port".to_owned()
            }
        };
        out.push(
            Diagnostic::error(
                Code::SpecNotWeb,
                format!("`{name}` is a {} service and serves no port", target.kind.as_str()),
            )
            .at(origin.clone(), format!("{pointer}/service"))
            .with_help(help),
        );
        return;
    }
    if let Some(port) = port {
        let ports: Vec<&str> = target.ports.iter().map(|p| p.name.as_str()).collect();
        if !ports.contains(&port.as_str()) {
            out.push(
                unknown_reference(
                    "port",
                    port.as_str(),
                    &ports,
                    origin.clone(),
                    &format!("{pointer}/port"),
                )
                .with_help(match suggest(port.as_str(), ports.iter().copied()) {
                    Some(close) => {
                        format!("did you mean `{close}`? `{name}` has the ports {}", quoted(&ports))
                    }
                    None => format!("`{name}` has the ports {}", quoted(&ports)),
                }),
            );
        }
    }
}

fn quoted(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// `platform.yaml`'s maintenance target is a `web` service, and the page
/// of platc's server is not set beside it, where no environment would use it.
fn check_platform_maintenance(platform: &Platform, out: &mut Vec<Diagnostic>) {
    let Some(maintenance) = &platform.settings.maintenance else { return };
    let Some(service) = &maintenance.service else { return };
    check_target(platform, service, None, &Origin::Platform, "/maintenance", out);
    for (field, set) in
        [("html", maintenance.html.is_some()), ("image", maintenance.image.is_some())]
    {
        if set {
            out.push(
                Diagnostic::error(
                    Code::SpecConflictingFields,
                    format!("`maintenance.{field}` is set next to `maintenance.service`"),
                )
                .at(Origin::Platform, format!("/maintenance/{field}"))
                .on_key()
                .with_help(format!(
                    "`{field}` configures platc's maintenance server, which no environment uses while `{service}` answers: remove it, or remove `service`"
                )),
            );
        }
    }
}

/// Every service of a release group exists.
fn check_release_groups(platform: &Platform, out: &mut Vec<Diagnostic>) {
    let known: Vec<&str> = platform.services.iter().map(|s| s.name.as_str()).collect();
    for (group, services) in &platform.settings.release_groups {
        for (i, name) in services.iter().enumerate() {
            if platform.service(name.as_str()).is_none() {
                let pointer = format!("{}/{i}", pointer_join("/releaseGroups", group.as_str()));
                out.push(unknown_reference(
                    "service",
                    name.as_str(),
                    &known,
                    Origin::Platform,
                    &pointer,
                ));
            }
        }
    }
}

/// Settings fit the workload kind: a schedule for cronjobs, autoscaling for
/// long-running workloads.
fn check_workload(service: &Service, out: &mut Vec<Diagnostic>) {
    let origin = Origin::Service(service.name.clone());
    let kind = service.kind;
    match (&service.schedule, kind) {
        (None, WorkloadKind::Cronjob) => out.push(
            Diagnostic::error(
                Code::SpecMissingSchedule,
                format!("cronjob `{}` has no schedule", service.name),
            )
            .at(origin.clone(), "/kind")
            .with_help(
                "add `schedule: \"30 2 * * *\"` (minute hour day-of-month month day-of-week)",
            ),
        ),
        (Some(schedule), WorkloadKind::Cronjob) => {
            if let Err(why) = crate::cron::check(schedule) {
                out.push(
                    Diagnostic::error(Code::SpecInvalidSchedule, why)
                        .at(origin.clone(), "/schedule")
                        .with_help("for example `*/15 * * * *` (every 15 minutes) or `@daily`"),
                );
            }
        }
        (Some(_), _) => out.push(not_for_kind("schedule", kind, "cronjob", &origin)),
        (None, _) => {}
    }
    if service.job.is_some() && kind.is_long_running() {
        out.push(not_for_kind("job", kind, "cronjob` or `job", &origin));
    }
    if let Some(autoscale) = &service.autoscale {
        if !kind.is_long_running() {
            out.push(not_for_kind("autoscale", kind, "web` or `worker", &origin));
        }
        if service.replicas.is_some() {
            out.push(
                Diagnostic::error(
                    Code::SpecReplicasAndAutoscale,
                    "`replicas` and `autoscale` are both set",
                )
                .at(origin.clone(), "/replicas")
                .on_key()
                .with_help(
                    "the autoscaler decides the replica count; keep `autoscale.min` instead",
                ),
            );
        }
        check_autoscale(autoscale, &origin, "/autoscale", out);
    }
    if !kind.is_long_running() && service.replicas.is_some() {
        out.push(not_for_kind("replicas", kind, "web` or `worker", &origin));
    }
}

fn not_for_kind(field: &str, kind: WorkloadKind, allowed: &str, origin: &Origin) -> Diagnostic {
    Diagnostic::error(
        Code::SpecNotForKind,
        format!("`{field}` does not apply to a `{}` service", kind.as_str()),
    )
    .at(origin.clone(), format!("/{field}"))
    .on_key()
    .with_help(format!("`{field}` is for `{allowed}` services; remove it or change `kind`"))
}

fn check_autoscale(
    autoscale: &Autoscale,
    origin: &Origin,
    pointer: &str,
    out: &mut Vec<Diagnostic>,
) {
    if autoscale.min > autoscale.max {
        out.push(
            Diagnostic::error(
                Code::SpecInvalidAutoscale,
                format!("autoscaling from {} down to {} pods", autoscale.min, autoscale.max),
            )
            .at(origin.clone(), format!("{pointer}/max"))
            .with_help("`max` must be at least `min`"),
        );
    }
    if autoscale.cpu.is_none() && autoscale.memory.is_none() {
        out.push(
            Diagnostic::error(
                Code::SpecInvalidAutoscale,
                "autoscaling needs a target: `cpu` or `memory`",
            )
            .at(origin.clone(), pointer)
            .with_help("for example `cpu: 70` scales to keep CPU use near 70% of the request"),
        );
    }
}

/// Routes belong to web services, reach a declared port and name existing middlewares.
/// Every service named in `calls` exists and serves on a port.
fn check_calls(
    platform: &Platform,
    by_name: &BTreeMap<&str, &Service>,
    service: &Service,
    out: &mut Vec<Diagnostic>,
) {
    let origin = Origin::Service(service.name.clone());
    for (i, name) in service.calls.iter().enumerate() {
        let pointer = format!("/calls/{i}");
        match by_name.get(name.as_str()) {
            None => {
                let known: Vec<&str> = platform.services.iter().map(|s| s.name.as_str()).collect();
                out.push(unknown_reference(
                    "service",
                    name.as_str(),
                    &known,
                    origin.clone(),
                    &pointer,
                ));
            }
            Some(callee) if callee.kind != WorkloadKind::Web => out.push(
                Diagnostic::error(
                    Code::SpecNotCallable,
                    format!(
                        "`{name}` is a {} service and serves no port to call",
                        callee.kind.as_str()
                    ),
                )
                .at(origin.clone(), pointer)
                .with_help("only `web` services can be called; remove it from `calls`"),
            ),
            Some(_) => {}
        }
    }
}

fn check_routes(platform: &Platform, service: &Service, out: &mut Vec<Diagnostic>) {
    let origin = Origin::Service(service.name.clone());
    if !service.routes.is_empty() && service.kind != WorkloadKind::Web {
        out.push(
            Diagnostic::error(
                Code::SpecRouteWithoutPort,
                format!(
                    "`{}` is a {} service; only web services have routes",
                    service.name,
                    service.kind.as_str()
                ),
            )
            .at(origin.clone(), "/routes")
            .on_key()
            .with_help("make it `kind: web` with a port, or remove the routes"),
        );
        return;
    }
    let ports: Vec<&str> = service.ports.iter().map(|p| p.name.as_str()).collect();
    let mut middlewares: Vec<&str> = service.middlewares.keys().map(ObjectName::as_str).collect();
    middlewares.extend(platform.settings.middlewares.keys().map(ObjectName::as_str));
    for (i, route) in service.routes.iter().enumerate() {
        if let Some(port) = &route.port
            && !ports.contains(&port.as_str())
        {
            out.push(unknown_reference(
                "port",
                port.as_str(),
                &ports,
                origin.clone(),
                &format!("/routes/{i}/port"),
            ));
        }
        for (j, name) in route.middlewares.iter().enumerate() {
            if !middlewares.contains(&name.as_str()) {
                out.push(
                    unknown_reference(
                        "middleware",
                        name.as_str(),
                        &middlewares,
                        origin.clone(),
                        &format!("/routes/{i}/middlewares/{j}"),
                    )
                    .with_help(match suggest(name.as_str(), middlewares.iter().copied()) {
                        Some(close) => format!("did you mean `{close}`? define middlewares under `middlewares:` in the service file or in platform.yaml"),
                        None => "define it under `middlewares:` in the service file, or in platform.yaml to share it".to_owned(),
                    }),
                );
            }
        }
    }
    for name in service.middlewares.keys() {
        let object = format!("{}-{name}", service.name);
        if object.len() > 63 {
            out.push(
                Diagnostic::error(
                    Code::SpecNameTooLong,
                    format!("the Middleware `{object}` would have more than 63 characters"),
                )
                .at(origin.clone(), pointer_join("/middlewares", name.as_str()))
                .on_key()
                .with_help("shorten the middleware's name"),
            );
        }
    }
}

/// Release names of the platform components, which dependencies cannot take.
pub const RESERVED_DEPENDENCY_NAMES: [&str; 2] = ["traefik", "metallb"];

/// A dependency's type is one the platform knows. A dependency name means
/// one resource, so every service must give it the same type; and it names
/// a Helm release, so it cannot be a platform component's.
fn check_dependency_types(platform: &Platform, out: &mut Vec<Diagnostic>) {
    let mut first: BTreeMap<&DependencyName, (&Service, &TypeName)> = BTreeMap::new();
    for service in &platform.services {
        for (name, kind) in &service.uses {
            if platform.types.get(kind.as_str()).is_none() {
                out.push(unknown_type(
                    kind,
                    &platform.types,
                    Origin::Service(service.name.clone()),
                    pointer_join("/uses", name.as_str()),
                    false,
                ));
            }
            if RESERVED_DEPENDENCY_NAMES.contains(&name.as_str()) {
                out.push(
                    Diagnostic::error(
                        Code::SpecReservedName,
                        format!("`{name}` is the release name of a platform component"),
                    )
                    .at(Origin::Service(service.name.clone()), pointer_join("/uses", name.as_str()))
                    .on_key()
                    .with_help(format!(
                        "name the dependency after what it holds, e.g. `{name}-{}`",
                        kind.as_str()
                    )),
                );
            }
            match first.get(name) {
                Some((owner, first_kind)) if *first_kind != kind => out.push(
                    Diagnostic::error(
                        Code::SpecDependencyTypeConflict,
                        format!(
                            "`{name}` is a {} here but a {} in service `{}`",
                            kind.as_str(),
                            first_kind.as_str(),
                            owner.name
                        ),
                    )
                    .at(Origin::Service(service.name.clone()), pointer_join("/uses", name.as_str()))
                    .with_help("services that use the same name share one resource; give this one another name"),
                ),
                Some(_) => {}
                None => {
                    first.insert(name, (service, kind));
                }
            }
        }
    }
}

/// The checks of each environment against the services; meaningful only
/// when every service loaded.
#[must_use]
pub fn validate_environments(platform: &Platform) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for environment in &platform.environments {
        check_environment(platform, environment, &mut out);
        if let Some(service) = &environment.maintenance.service {
            let origin = Origin::Environment(environment.name.clone());
            check_target(platform, service, None, &origin, "/maintenance", &mut out);
        }
    }
    pod::check_images(&platform.services, &platform.environments, &mut out);
    out
}

fn check_service(service: &Service, types: &Types, out: &mut Vec<Diagnostic>) {
    let origin = Origin::Service(service.name.clone());
    let at = |pointer: &str| (origin.clone(), pointer.to_owned());

    if service.kind == WorkloadKind::Web && service.ports.is_empty() {
        let (o, p) = at("/kind");
        out.push(
            Diagnostic::error(
                Code::SpecWebWithoutPort,
                format!("web service `{}` has no port", service.name),
            )
            .at(o, p)
            .with_help("add `ports: [{name: http, port: 8080}]`, or make it a `worker`"),
        );
    }

    check_ports(service, &origin, out);
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

    check_env_names(service, types, &origin, out);
    check_files(service, &origin, out);
}

/// Port names and numbers are unique.
fn check_ports(service: &Service, origin: &Origin, out: &mut Vec<Diagnostic>) {
    let mut port_names = BTreeMap::new();
    let mut port_numbers = BTreeMap::new();
    for (i, port) in service.ports.iter().enumerate() {
        if let Some(first) = port_names.insert(port.name.as_str(), i) {
            out.push(
                Diagnostic::error(
                    Code::SpecDuplicateName,
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
                    Code::SpecDuplicatePort,
                    format!("port {} is declared twice", port.port),
                )
                .at(origin.clone(), format!("/ports/{i}/port"))
                .with_help(format!("the first declaration is `ports[{first}]`")),
            );
        }
    }
}

/// A variable is set once: by `env`, by `secrets` or by a dependency.
fn check_env_names(service: &Service, types: &Types, origin: &Origin, out: &mut Vec<Diagnostic>) {
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for name in service.env.keys() {
        names.insert(name.as_str(), "env");
    }
    for name in service.secrets.keys() {
        if names.contains_key(name.as_str()) {
            out.push(
                Diagnostic::error(
                    Code::SpecDuplicateEnv,
                    format!("`{name}` is set both in `env` and in `secrets`"),
                )
                .at(origin.clone(), pointer_join("/secrets", name.as_str()))
                .on_key()
                .with_help("keep one of the two"),
            );
        }
    }

    for (dependency, kind) in &service.uses {
        let prefix = dependency.env_prefix();
        // An unknown type injects nothing; it is reported on its own.
        let suffixes = types.get(kind.as_str()).map(InfraType::env_suffixes);
        for suffix in suffixes.unwrap_or_default() {
            let injected = format!("{prefix}_{suffix}");
            let (field, clash) = if service.env.contains_key(injected.as_str()) {
                ("env", true)
            } else {
                ("secrets", service.secrets.contains_key(injected.as_str()))
            };
            if clash {
                out.push(
                    Diagnostic::error(
                        Code::SpecDuplicateEnv,
                        format!("`{injected}` is set by the dependency `{dependency}` and again in `{field}`"),
                    )
                    .at(origin.clone(), pointer_join(&format!("/{field}"), &injected))
                    .on_key()
                    .with_help(format!("remove it from `{field}`: the environment's provider of `{dependency}` sets it")),
                );
            }
        }
    }
}

/// Config files share one ConfigMap, so their names are valid, distinct keys.
fn check_files(service: &Service, origin: &Origin, out: &mut Vec<Diagnostic>) {
    let mut file_names: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, file) in service.files.iter().enumerate() {
        let name = file.file_name();
        if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
            || name.len() > 253
        {
            out.push(
                Diagnostic::error(
                    Code::SpecInvalidFileName,
                    format!("`{name}` cannot be a ConfigMap key"),
                )
                .at(origin.clone(), format!("/files/{i}/path"))
                .with_help("file names may use letters, digits, '-', '_' and '.'"),
            );
        }
        if let Some(first) = file_names.insert(name, i) {
            out.push(
                Diagnostic::error(Code::SpecDuplicateFile, format!("two files are named `{name}`"))
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
                Code::SpecProbeAction,
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
                Code::SpecProbeWithoutPort,
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

    check_infrastructure(platform, environment, &origin, out);
    check_overrides(platform, environment, &origin, out);
    if let Some(tls) = &environment.ingress.tls
        && tls.cert_resolver.is_some() == tls.secret_name.is_some()
    {
        out.push(
            Diagnostic::error(Code::SpecInvalidTls, "TLS needs exactly one of `certResolver` or `secretName`")
                .at(origin.clone(), "/ingress/tls")
                .with_help("`certResolver: letsencrypt` has Traefik obtain certificates; `secretName` names a TLS Secret"),
        );
    }

    if !environment.development && !environment.development_secrets.is_empty() {
        out.push(
            Diagnostic::error(
                Code::SpecPlaintextSecret,
                format!("plaintext secret values in `{}`, which is not a development environment", environment.name),
            )
            .at(origin.clone(), "/developmentSecrets")
            .on_key()
            .with_help("keep secret values out of the model: reference existing Secrets, or set `secretStore`"),
        );
    }
    if environment.cluster == ClusterFlavour::Kind && environment.load_balancer.addresses.is_empty()
    {
        out.push(
            Diagnostic::error(
                Code::SpecMissingAddressPool,
                format!("`{}` runs on kind but gives MetalLB no addresses", environment.name),
            )
            .at(origin.clone(), "/cluster")
            .with_help("add `loadBalancer.addresses`, a range from kind's Docker network such as `172.18.255.200-172.18.255.250`"),
        );
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
                        Code::SpecLatestTag,
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
                Code::SpecMissingTag,
                format!("no image tag for {} in `{}`", list.join(", "), environment.name),
            )
            .at(origin, "/images")
            .with_help("set `images.defaultTag`, or a tag per service under `images.tags`"),
        );
    }
}

/// Overrides fit the kind of the service they change.
fn check_overrides(
    platform: &Platform,
    environment: &Environment,
    origin: &Origin,
    out: &mut Vec<Diagnostic>,
) {
    for (name, overrides) in &environment.overrides {
        let Some(service) = platform.service(name.as_str()) else { continue };
        let base = pointer_join("/overrides", name.as_str());
        let kind = service.kind;
        let misplaced = [
            ("autoscale", overrides.autoscale.is_some() && !kind.is_long_running()),
            ("replicas", overrides.replicas.is_some() && !kind.is_long_running()),
            ("schedule", overrides.schedule.is_some() && kind != WorkloadKind::Cronjob),
            ("suspend", overrides.suspend && kind != WorkloadKind::Cronjob),
        ];
        for (field, wrong) in misplaced {
            if wrong {
                out.push(
                    Diagnostic::error(
                        Code::SpecNotForKind,
                        format!(
                            "`{field}` does not apply to `{name}`, a `{}` service",
                            kind.as_str()
                        ),
                    )
                    .at(origin.clone(), format!("{base}/{field}"))
                    .on_key()
                    .with_help("remove it from the override"),
                );
            }
        }
        if let Some(schedule) = &overrides.schedule
            && kind == WorkloadKind::Cronjob
            && let Err(why) = crate::cron::check(schedule)
        {
            out.push(
                Diagnostic::error(Code::SpecInvalidSchedule, why)
                    .at(origin.clone(), format!("{base}/schedule")),
            );
        }
        if let Some(autoscale) = &overrides.autoscale {
            check_autoscale(autoscale, origin, &format!("{base}/autoscale"), out);
        }
        check_override_env(&platform.types, service, environment, overrides, origin, out);
        pod::check(service, Some((environment, overrides)), out);
    }
}

/// An override sets a variable the service reads from a Secret, or one a
/// dependency injects: the container would get it twice, and the literal,
/// last, would win.
fn check_override_env(
    types: &Types,
    service: &Service,
    environment: &Environment,
    overrides: &ServiceOverride,
    origin: &Origin,
    out: &mut Vec<Diagnostic>,
) {
    let base = pointer_join(&pointer_join("/overrides", service.name.as_str()), "env");
    let file = format!("services/{}.yaml", service.name);
    for name in overrides.env.keys() {
        let name = name.as_str();
        let (first, help) = if let Some(secret) = service.secrets.get(name) {
            (
                format!(
                    "a reference to the Secret `{}` (key `{}`) in {file} (`secrets.{name}`)",
                    secret.secret, secret.key
                ),
                format!(
                    "remove it from the override: `{name}` comes from the Secret; change the Secret's value in `{}`'s secret store instead",
                    environment.name
                ),
            )
        } else if let Some(dependency) = service.uses.iter().find_map(|(dependency, kind)| {
            let prefix = dependency.env_prefix();
            let suffixes = types.get(kind.as_str()).map(InfraType::env_suffixes);
            suffixes
                .unwrap_or_default()
                .iter()
                .any(|suffix| name == format!("{prefix}_{suffix}"))
                .then_some(dependency)
        }) {
            (
                format!(
                    "injected by the dependency `{dependency}` in {file} (`uses.{dependency}`)"
                ),
                format!(
                    "remove it from the override: `{}`'s provider of `{dependency}` sets it (`infrastructure`)",
                    environment.name
                ),
            )
        } else {
            continue;
        };
        out.push(
            Diagnostic::error(
                Code::SpecDuplicateEnv,
                format!("`{name}` is {first}; the override in `{}` would set it again, and the container would run the literal", environment.name),
            )
            .at(origin.clone(), pointer_join(&base, name))
            .on_key()
            .with_help(help),
        );
    }
}

/// Every dependency must have a provider here; instances must name
/// dependencies; types must be known; and each provider must fit its type.
fn check_infrastructure(
    platform: &Platform,
    environment: &Environment,
    origin: &Origin,
    out: &mut Vec<Diagnostic>,
) {
    let dependencies = dependencies(platform);
    let infrastructure = &environment.infrastructure;
    for (name, (kind, users)) in &dependencies {
        if platform.types.get(kind.as_str()).is_some()
            && infrastructure.provider(name, kind).is_none()
        {
            let users: Vec<String> = users.iter().map(|s| format!("`{}`", s.name)).collect();
            let pointer = if infrastructure.is_empty() { "" } else { "/infrastructure" };
            out.push(
                Diagnostic::error(
                    Code::SpecMissingProvider,
                    format!(
                        "`{}` provides no {} for `{name}`, used by {}",
                        environment.name,
                        kind.as_str(),
                        users.join(", ")
                    ),
                )
                .at(origin.clone(), pointer)
                .with_help(format!(
                    "add `infrastructure.{}` with `provider: helm` (in-cluster) or `provider: external` and a `host`",
                    kind.as_str()
                )),
            );
        }
    }
    for (kind, provider) in &infrastructure.types {
        let pointer = pointer_join("/infrastructure", kind.as_str());
        match platform.types.get(kind.as_str()) {
            Some(definition) => check_provider(definition, provider, origin, &pointer, out),
            None => out.push(unknown_type(kind, &platform.types, origin.clone(), pointer, true)),
        }
    }
    let known: Vec<&str> = dependencies.keys().map(DependencyName::as_str).collect();
    for (name, provider) in &infrastructure.instances {
        let pointer = pointer_join(&format!("/infrastructure/{INSTANCES}"), name.as_str());
        match dependencies.get(name) {
            Some((kind, _)) => {
                if let Some(definition) = platform.types.get(kind.as_str()) {
                    check_provider(definition, provider, origin, &pointer, out);
                }
            }
            None => out.push(
                unknown_reference("dependency", name.as_str(), &known, origin.clone(), &pointer)
                    .on_key(),
            ),
        }
    }
}

/// A provider fits its type: `helm` needs a chart; fields set only for
/// outputs the type has; the fields the type requires of `external` set.
fn check_provider(
    definition: &InfraType,
    provider: &Provider,
    origin: &Origin,
    pointer: &str,
    out: &mut Vec<Diagnostic>,
) {
    let kind = &definition.name;
    let unsupported = |field: &str, message: String, help: String| {
        Diagnostic::error(Code::SpecUnsupportedProvider, message)
            .at(origin.clone(), pointer_join(pointer, field))
            .on_key()
            .with_help(help)
    };
    let needs_output = |field: &str, set: bool, output: Output, out: &mut Vec<Diagnostic>| {
        if set && !definition.yields(output) {
            out.push(unsupported(
                field,
                format!(
                    "`{field}` is set, but the type `{kind}` has no `{}` output",
                    output.as_str()
                ),
                format!("remove `{field}`: services using `{kind}` get no such value"),
            ));
        }
    };
    match provider {
        Provider::Helm(helm) => {
            if definition.helm.is_none() {
                out.push(unsupported(
                    "provider",
                    format!("the type `{kind}` has no chart to run in the cluster"),
                    format!("provide `{kind}` with `provider: external` and its `host`, or give the type a `helm` section"),
                ));
            }
            needs_output("username", helm.username.is_some(), Output::Username, out);
        }
        Provider::External(external) => {
            needs_output("database", external.database.is_some(), Output::Name, out);
            needs_output("username", external.username.is_some(), Output::Username, out);
            needs_output("secret", external.secret.is_some(), Output::Password, out);
            needs_output("remoteKey", external.remote_key.is_some(), Output::Password, out);
            for field in &definition.external.requires {
                let set = match field {
                    ExternalField::Port => external.port.is_some(),
                    ExternalField::Database => external.database.is_some(),
                    ExternalField::Username => external.username.is_some(),
                    ExternalField::Cidr => external.cidr.is_some(),
                };
                if !set {
                    out.push(
                        Diagnostic::error(
                            Code::SpecUnsupportedProvider,
                            format!(
                                "missing field `{}`: the type `{kind}` has no default for it",
                                field.as_str()
                            ),
                        )
                        .at(origin.clone(), pointer)
                        .with_help(format!(
                            "add `{}:`; the type lists it under `external.requires`",
                            field.as_str()
                        )),
                    );
                }
            }
        }
    }
}

/// A type name the platform does not know, with the closest known one.
fn unknown_type(
    kind: &TypeName,
    types: &Types,
    origin: Origin,
    pointer: String,
    on_key: bool,
) -> Diagnostic {
    let known: Vec<&str> = types.names().collect();
    let message = match suggest(kind.as_str(), known.iter().copied()) {
        Some(close) => format!("unknown infrastructure type `{kind}`, did you mean `{close}`?"),
        None => format!("unknown infrastructure type `{kind}`"),
    };
    let list = known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    let diagnostic = Diagnostic::error(Code::SpecUnknownType, message)
        .at(origin, pointer)
        .with_help(format!("known types: {list}; define a new one in `types/{kind}.yaml`"));
    if on_key { diagnostic.on_key() } else { diagnostic }
}

/// The checks of the platform's own type definitions.
#[must_use]
pub fn validate_types(platform: &Platform) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut repositories: BTreeMap<&str, (&TypeName, &str)> = BTreeMap::new();
    for definition in platform.types.iter() {
        if !definition.builtin {
            out.extend(check_type(definition));
        }
        let Some(helm) = &definition.helm else { continue };
        let repository = &helm.chart.repository;
        match repositories.get(repository.name.as_str()) {
            Some((first, url)) if *url != repository.url && !definition.builtin => out.push(
                Diagnostic::error(
                    Code::SpecInvalidType,
                    format!(
                        "the chart repository `{}` is `{url}` for the type `{first}`, but `{}` here",
                        repository.name, repository.url
                    ),
                )
                .at(Origin::Type(definition.name.clone()), "/helm/chart/repository/url")
                .with_help("the helmfile names each repository once: use the same URL, or another name"),
            ),
            Some(_) => {}
            None => {
                repositories.insert(&repository.name, (&definition.name, &repository.url));
            }
        }
    }
    out
}

/// The names a type's own outputs cannot take: the fields and variable
/// suffixes of the common outputs.
const RESERVED_OUTPUT_NAMES: [&str; 8] =
    ["host", "port", "name", "username", "user", "password", "password_secret", "url"];

/// Every problem of one type definition on its own: the outputs and what
/// each needs, the placeholders of its forms, its chart's Service rule and
/// credentials.
#[must_use]
pub fn check_type(definition: &InfraType) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let origin = Origin::Type(definition.name.clone());
    let error = |message: String, pointer: &str, help: String| {
        Diagnostic::error(Code::SpecInvalidType, message)
            .at(origin.clone(), pointer)
            .with_help(help)
    };
    if definition.name.as_str() == INSTANCES {
        out.push(error(
            format!("a type cannot be called `{INSTANCES}`"),
            "/name",
            format!("`infrastructure.{INSTANCES}` holds the providers of single dependencies; choose another name"),
        ));
    }
    check_outputs(definition, &error, &mut out);
    check_forms(definition, &error, &mut out);
    if let Some(helm) = &definition.helm {
        check_chart(definition, helm, &error, &mut out);
    }
    out
}

/// The outputs: `host` and `port`, each once, each with its setting; the
/// type's own named apart from the common ones.
fn check_outputs(
    definition: &InfraType,
    error: &impl Fn(String, &str, String) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen = BTreeSet::new();
    for (index, output) in definition.outputs.iter().enumerate() {
        if !seen.insert(*output) {
            out.push(error(
                format!("the output `{}` is listed twice", output.as_str()),
                &format!("/outputs/{index}"),
                "list each output once".to_owned(),
            ));
        }
    }
    for required in Output::ALL.into_iter().filter(|o| o.is_required()) {
        if !definition.yields(required) {
            out.push(error(
                format!("missing output `{}`", required.as_str()),
                "/outputs",
                "every dependency is reached at a host and port: list `host` and `port` under `outputs`".to_owned(),
            ));
        }
    }
    let pairs = [
        (
            Output::Name,
            "database",
            definition.database.is_some(),
            "`database: \"{dependency_underscored}\"` (the dependency's name) or a fixed value",
        ),
        (
            Output::Username,
            "username",
            definition.username.is_some(),
            "`username: app`, the user clients connect as unless a provider names one",
        ),
        (Output::Url, "url", definition.url.is_some(), "`url: {plain: ..., tls: ...}`"),
    ];
    for (output, field, set, example) in pairs {
        output_and_setting(definition, output, field, set, example, error, out);
    }
    if let Some(helm) = &definition.helm {
        output_and_setting(
            definition,
            Output::Password,
            "helm/credentials",
            helm.credentials.is_some(),
            "`helm.credentials` with the chart's `passwordKey` and `keys`",
            error,
            out,
        );
    }
    for name in definition.fixed_outputs.keys() {
        if RESERVED_OUTPUT_NAMES.contains(&name.as_str()) {
            out.push(
                error(
                    format!("`{name}` is the name of a common output"),
                    &pointer_join("/fixedOutputs", name.as_str()),
                    "list common outputs under `outputs`; give the type's own output another name"
                        .to_owned(),
                )
                .on_key(),
            );
        }
    }
    for field in &definition.external.requires {
        let output = match field {
            ExternalField::Database => Some(Output::Name),
            ExternalField::Username => Some(Output::Username),
            ExternalField::Port | ExternalField::Cidr => None,
        };
        if let Some(output) = output.filter(|o| !definition.yields(*o)) {
            out.push(error(
                format!(
                    "`external.requires` lists `{}`, but the type has no `{}` output",
                    field.as_str(),
                    output.as_str()
                ),
                "/external/requires",
                format!("remove `{}` from `external.requires`", field.as_str()),
            ));
        }
    }
}

/// The URL forms and the `database` form use only their placeholders, and
/// those only for outputs the type has.
fn check_forms(
    definition: &InfraType,
    error: &impl Fn(String, &str, String) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(url) = &definition.url {
        for (field, form) in [("plain", &url.plain), ("tls", &url.tls)] {
            let pointer = format!("/url/{field}");
            for placeholder in placeholders(form) {
                let known = URL_PLACEHOLDERS.iter().find(|(name, _)| *name == placeholder);
                let Some(&(_, output)) = known else {
                    out.push(unknown_placeholder(
                        placeholder,
                        &URL_PLACEHOLDERS.map(|(name, _)| name),
                        "a URL form",
                        error,
                        &pointer,
                    ));
                    continue;
                };
                // A missing required output is reported once, above.
                if !output.is_required() && !definition.yields(output) {
                    out.push(error(
                        format!("`{{{placeholder}}}` stands for the `{}` output, which the type does not have", output.as_str()),
                        &pointer,
                        format!("add `{}` to `outputs`, or leave `{{{placeholder}}}` out", output.as_str()),
                    ));
                }
            }
        }
    }
    if let Some(database) = &definition.database {
        for placeholder in placeholders(database) {
            if !DATABASE_PLACEHOLDERS.contains(&placeholder) {
                out.push(unknown_placeholder(
                    placeholder,
                    &DATABASE_PLACEHOLDERS,
                    "`database`",
                    error,
                    "/database",
                ));
            }
        }
    }
}

/// The chart's Service rules name the release; its credentials list the
/// keys they point at, once each.
fn check_chart(
    definition: &InfraType,
    helm: &HelmChart,
    error: &impl Fn(String, &str, String) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    for (field, rule) in
        [("standalone", &helm.service.standalone), ("replicated", &helm.service.replicated)]
    {
        let pointer = format!("/helm/service/{field}");
        let found = placeholders(rule);
        for placeholder in &found {
            if *placeholder != SERVICE_PLACEHOLDER {
                out.push(unknown_placeholder(
                    placeholder,
                    &[SERVICE_PLACEHOLDER],
                    "a Service rule",
                    error,
                    &pointer,
                ));
            }
        }
        if !found.contains(&SERVICE_PLACEHOLDER) {
            out.push(error(
                format!("the Service rule `{rule}` does not name the release"),
                &pointer,
                "write the chart's Service name with `{release}` (`{release}-primary`): each release has its own".to_owned(),
            ));
        }
    }
    let Some(credentials) = &helm.credentials else { return };
    let listed: Vec<&str> = credentials.keys.iter().map(|k| k.0.as_str()).collect();
    for (field, key) in [
        ("passwordKey", Some(&credentials.password_key)),
        ("usernameKey", credentials.username_key.as_ref()),
    ] {
        if let Some(key) = key
            && !listed.contains(&key.as_str())
        {
            out.push(error(
                format!("`{key}` is not among the credentials' `keys`"),
                &format!("/helm/credentials/{field}"),
                format!("add `{key}` to `keys`: the Secret must hold it"),
            ));
        }
    }
    if credentials.username_key.is_some() && !definition.yields(Output::Username) {
        out.push(error(
            "`usernameKey` is set, but the type has no `username` output".to_owned(),
            "/helm/credentials/usernameKey",
            "add `username` to `outputs` (with a default `username`), or remove `usernameKey`"
                .to_owned(),
        ));
    }
    let mut keys = BTreeSet::new();
    for (index, key) in listed.iter().enumerate() {
        if !keys.insert(*key) {
            out.push(error(
                format!("the key `{key}` is listed twice"),
                &format!("/helm/credentials/keys/{index}"),
                "list each key once".to_owned(),
            ));
        }
    }
}

/// An output listed without its setting, or the setting without the output.
fn output_and_setting(
    definition: &InfraType,
    output: Output,
    field: &str,
    set: bool,
    example: &str,
    error: &impl Fn(String, &str, String) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    let name = output.as_str();
    let shown = field.replace('/', ".");
    match (definition.outputs.iter().position(|o| *o == output), set) {
        (Some(index), false) => out.push(error(
            format!("the `{name}` output needs `{shown}`"),
            &format!("/outputs/{index}"),
            format!("add {example}, or remove `{name}` from `outputs`"),
        )),
        (None, true) => out.push(
            error(
                format!("`{shown}` is set, but the type has no `{name}` output"),
                &format!("/{field}"),
                format!("add `{name}` to `outputs`, or remove `{shown}`"),
            )
            .on_key(),
        ),
        (Some(_), true) | (None, false) => {}
    }
}

fn unknown_placeholder(
    placeholder: &str,
    known: &[&str],
    place: &str,
    error: &impl Fn(String, &str, String) -> Diagnostic,
    pointer: &str,
) -> Diagnostic {
    let list = known.iter().map(|k| format!("`{{{k}}}`")).collect::<Vec<_>>().join(", ");
    let help = match suggest(placeholder, known.iter().copied()) {
        Some(close) => format!("did you mean `{{{close}}}`? {place} may use {list}"),
        None => format!("{place} may use {list}"),
    };
    error(format!("unknown placeholder `{{{placeholder}}}` in {place}"), pointer, help)
}

/// The `{name}` placeholders of a form, in order.
fn placeholders(form: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = form;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                found.push(&after[..end]);
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    found
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
            known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
        ),
    };
    Diagnostic::error(Code::SpecUnknownReference, format!("unknown {what} `{name}`"))
        .at(origin, pointer)
        .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Probe;

    /// The built-in types pass the checks a platform's own type passes.
    #[test]
    fn builtin_types_are_consistent() {
        for definition in Types::builtin().iter() {
            let problems = check_type(definition);
            assert!(problems.is_empty(), "{}: {problems:?}", definition.name);
        }
    }

    #[test]
    fn placeholders_are_found_in_order() {
        assert_eq!(placeholders("{a}://{b}@x/{c"), ["a", "b"]);
        assert!(placeholders("plain").is_empty());
    }

    fn exec(command: &str) -> Probe {
        Probe { exec: Some(vec![command.to_owned()]), ..Probe::default() }
    }

    fn findings(service: Service) -> Vec<String> {
        let platform = Platform::named("shop").expect("name").with_service(service);
        policy(&platform)
            .into_iter()
            .inspect(|d| assert_eq!(d.code, Code::CheckMissingProbe))
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn long_running_services_need_both_probes_or_a_reason() {
        let web = Service::web("api", "ghcr.io/acme/api").expect("service");
        let web = web.port("http", 8080).expect("port");
        assert_eq!(findings(web.clone()), ["web service `api` has no readiness or liveness probe"]);
        assert_eq!(
            findings(web.clone().readiness("/ready")),
            ["web service `api` has no liveness probe"]
        );
        assert!(findings(web.clone().readiness("/ready").liveness("/healthz")).is_empty());
        assert!(
            findings(web.without_probes("a static file server with no health endpoint")).is_empty()
        );

        let mut worker = Service::worker("mailer", "ghcr.io/acme/mailer").expect("service");
        assert_eq!(
            findings(worker.clone()),
            ["worker service `mailer` has no readiness or liveness probe"]
        );
        worker.probes.liveness = Some(exec("/app/health"));
        assert_eq!(findings(worker.clone()), ["worker service `mailer` has no readiness probe"]);
        worker.probes.readiness = Some(exec("/app/ready"));
        assert!(findings(worker).is_empty());
    }

    #[test]
    fn jobs_need_no_probes() {
        let mut job = Service::worker("migrate", "ghcr.io/acme/migrate").expect("service");
        job.kind = crate::model::WorkloadKind::Job;
        assert!(findings(job.clone()).is_empty());
        job.kind = crate::model::WorkloadKind::Cronjob;
        assert!(findings(job).is_empty());
    }
}
