//! Checks of a service's escape hatches (pod settings, lifecycle hooks,
//! volumes, sidecars and init containers): once for the service file alone,
//! and once per environment override with the override applied, reporting
//! there only what the override brings.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::LifecycleHandler;

use super::{check_probe, unknown_reference};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Origin};
use crate::model::{
    ContainerParts, Environment, Hatches, Layer, Lifecycle, PodSettings, Protocol, Service,
    ServiceOverride,
};
use crate::position::pointer_join;

/// The annotation prefix of platc's own annotations.
const RESERVED_PREFIX: &str = "platc.dev/";
/// Kubernetes' termination grace period when the pod sets none.
const DEFAULT_GRACE_SECONDS: i64 = 30;
/// Where every container of a pod has its writable scratch directory.
const TMP: &str = "/tmp";
/// The names of the volumes platc gives every pod (`/tmp`) and the pods of
/// services with config files.
const RESERVED_VOLUMES: [&str; 2] = ["tmp", "config"];

/// Where the values being checked were written: the service file, or one
/// environment's override of it.
struct Scope<'a> {
    service: &'a Service,
    /// The environment and its override, when checking an override.
    over: Option<(&'a Environment, &'a ServiceOverride)>,
}

impl Scope<'_> {
    /// The origin and pointer of `field` in the layer that wrote it.
    fn at(&self, from_override: bool, field: &str) -> (Origin, String) {
        match self.over {
            Some((environment, _)) if from_override => (
                Origin::Environment(environment.name.clone()),
                format!("{}/{field}", pointer_join("/overrides", self.service.name.as_str())),
            ),
            _ => (Origin::Service(self.service.name.clone()), format!("/{field}")),
        }
    }

    /// Whether problems of a layer are reported in this pass: the service
    /// pass reports the service's, an override pass only the override's.
    fn reports(&self, from_override: bool) -> bool {
        self.over.is_none() || from_override
    }
}

/// Checks the escape hatches of `service`, alone (`over` is `None`) or with
/// an environment's override applied.
pub(super) fn check(
    service: &Service,
    over: Option<(&Environment, &ServiceOverride)>,
    out: &mut Vec<Diagnostic>,
) {
    let scope = Scope { service, over };
    let hatches = service.hatches(over.map(|(_, o)| o));
    let (pod, lifecycle) = match over {
        Some((_, o)) => (&o.pod, &o.lifecycle),
        None => (&service.pod, &service.lifecycle),
    };
    check_pod_settings(&scope, pod, out);
    check_lifecycle(&scope, lifecycle, out);
    check_grace(&scope, &hatches, out);
    check_volumes(&scope, &hatches, out);
    check_containers(&scope, &hatches, out);
}

fn check_pod_settings(scope: &Scope<'_>, pod: &PodSettings, out: &mut Vec<Diagnostic>) {
    let (origin, base) = scope.at(true, "pod");
    for key in pod.annotations.keys() {
        if key.as_str().starts_with(RESERVED_PREFIX) {
            out.push(
                Diagnostic::error(
                    Code::SpecReservedAnnotation,
                    format!("the annotation `{key}` uses platc's own prefix `{RESERVED_PREFIX}`"),
                )
                .at(origin.clone(), pointer_join(&format!("{base}/annotations"), key.as_str()))
                .on_key()
                .with_help("use a prefix of your own, such as `example.com/owner`"),
            );
        }
    }
    for (key, value) in &pod.node_selector {
        if !label_value(value) {
            out.push(
                Diagnostic::error(
                    Code::SpecInvalidValue,
                    format!("`{value}` is not a valid label value"),
                )
                .at(origin.clone(), pointer_join(&format!("{base}/nodeSelector"), key.as_str()))
                .with_help("at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"),
            );
        }
    }
}

/// A label value: empty, or at most 63 characters of `[-A-Za-z0-9_.]`,
/// alphanumeric at both ends.
fn label_value(value: &str) -> bool {
    let bytes = value.as_bytes();
    value.is_empty()
        || (value.len() <= 63
            && bytes.iter().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b))
            && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
            && bytes.last().is_some_and(u8::is_ascii_alphanumeric))
}

fn check_lifecycle(scope: &Scope<'_>, lifecycle: &Lifecycle, out: &mut Vec<Diagnostic>) {
    let (origin, base) = scope.at(true, "lifecycle");
    for (hook, handler) in lifecycle.hooks() {
        let Some(handler) = handler else { continue };
        let actions = actions(handler);
        if actions.len() != 1 {
            let found = if actions.is_empty() {
                "none".to_owned()
            } else {
                actions.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
            };
            out.push(
                Diagnostic::error(
                    Code::SpecLifecycleAction,
                    format!(
                        "the `{hook}` hook needs exactly one of `exec`, `httpGet` or `sleep`, found {found}"
                    ),
                )
                .at(origin.clone(), format!("{base}/{hook}"))
                .with_help("for example `preStop: {sleep: {seconds: 5}}`"),
            );
        }
    }
}

/// The actions a lifecycle handler names.
fn actions(handler: &LifecycleHandler) -> Vec<&'static str> {
    [
        ("exec", handler.exec.is_some()),
        ("httpGet", handler.http_get.is_some()),
        ("sleep", handler.sleep.is_some()),
        ("tcpSocket", handler.tcp_socket.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, set)| set.then_some(name))
    .collect()
}

/// A `preStop` sleep that outlasts the grace period is cut short by the kill.
fn check_grace(scope: &Scope<'_>, hatches: &Hatches<'_>, out: &mut Vec<Diagnostic>) {
    let Some(sleep) = hatches.lifecycle.pre_stop.as_ref().and_then(|h| h.sleep.as_ref()) else {
        return;
    };
    let grace =
        hatches.pod.termination_grace_period_seconds.map_or(DEFAULT_GRACE_SECONDS, i64::from);
    if sleep.seconds < grace {
        return;
    }
    // In an override pass, only when the override set one of the two.
    let (hook_here, grace_here) = match scope.over {
        Some((_, o)) => {
            (o.lifecycle.pre_stop.is_some(), o.pod.termination_grace_period_seconds.is_some())
        }
        None => (true, true),
    };
    if !hook_here && !grace_here {
        return;
    }
    let (origin, pointer) = if hook_here {
        let (origin, base) = scope.at(true, "lifecycle");
        (origin, format!("{base}/preStop/sleep/seconds"))
    } else {
        let (origin, base) = scope.at(true, "pod");
        (origin, format!("{base}/terminationGracePeriodSeconds"))
    };
    out.push(
        Diagnostic::warning(
            Code::SpecPreStopOutlastsGrace,
            format!(
                "the `preStop` hook sleeps {}s, but the pod is killed {grace}s after it is asked to stop",
                sleep.seconds
            ),
        )
        .at(origin, pointer)
        .with_help(format!(
            "set `pod.terminationGracePeriodSeconds` above {} (the sleep plus the time the service takes to stop)",
            sleep.seconds
        )),
    );
}

/// Whether two absolute paths meet: equal, or one inside the other.
fn collide(a: &str, b: &str) -> bool {
    let a = a.trim_end_matches('/');
    let b = b.trim_end_matches('/');
    let inside = |inner: &str, outer: &str| {
        inner.strip_prefix(outer).is_some_and(|rest| outer.is_empty() || rest.starts_with('/'))
    };
    a == b || inside(a, b) || inside(b, a)
}

fn check_volumes(scope: &Scope<'_>, hatches: &Hatches<'_>, out: &mut Vec<Diagnostic>) {
    let layer = hatches.volumes;
    if !scope.reports(layer.from_override) {
        return;
    }
    let (origin, base) = scope.at(layer.from_override, "volumes");
    // What the service's container mounts before the volumes.
    let mut mounted: Vec<(String, String)> =
        vec![(TMP.to_owned(), "the writable `/tmp`".to_owned())];
    for file in &scope.service.files {
        mounted.push((file.path.clone(), format!("the config file `{}`", file.path)));
    }
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, volume) in layer.items.iter().enumerate() {
        let at = format!("{base}/{i}");
        if volume.sources() != 1 {
            out.push(
                Diagnostic::error(
                    Code::SpecVolumeSource,
                    format!(
                        "the volume `{}` needs exactly one of `emptyDir`, `secret` or `configMap`, found {}",
                        volume.name,
                        volume.sources()
                    ),
                )
                .at(origin.clone(), at.clone())
                .with_help("for example `emptyDir: {}` for scratch space"),
            );
        }
        if RESERVED_VOLUMES.contains(&volume.name.as_str()) {
            out.push(
                Diagnostic::error(
                    Code::SpecReservedName,
                    format!("the volume name `{}` is platc's own", volume.name),
                )
                .at(origin.clone(), format!("{at}/name"))
                .with_help("platc's `tmp` holds `/tmp` and its `config` the config files; name the volume after what it holds"),
            );
        }
        if let Some(first) = names.insert(volume.name.as_str(), i) {
            out.push(
                Diagnostic::error(
                    Code::SpecDuplicateName,
                    format!("two volumes are named `{}`", volume.name),
                )
                .at(origin.clone(), format!("{at}/name"))
                .with_help(format!(
                    "the first is `volumes[{first}]`; give each volume its own name"
                )),
            );
        }
        if let Some(path) = &volume.path {
            if let Some((_, what)) = mounted.iter().find(|(other, _)| collide(path, other)) {
                out.push(mount_collision(path, what, origin.clone(), format!("{at}/path")));
            }
            mounted.push((path.clone(), format!("the volume `{}`", volume.name)));
        }
    }
}

fn mount_collision(path: &str, what: &str, origin: Origin, pointer: String) -> Diagnostic {
    Diagnostic::error(
        Code::SpecMountCollision,
        format!("`{path}` meets {what}: one mount would hide the other"),
    )
    .at(origin, pointer)
    .with_help(if what.contains("`/tmp`") {
        "mount it at a directory of its own, such as `/var/cache/<name>`: `/tmp` is already writable scratch space of its own"
    } else {
        "mount it at a directory of its own, such as `/var/cache/<name>`"
    })
}

/// One sidecar or init container with where it is written.
struct Entry<'a> {
    parts: ContainerParts<'a>,
    field: &'static str,
    index: usize,
    from_override: bool,
    ports: Vec<(&'a str, u16, Protocol, usize)>,
}

fn entries<'a>(hatches: &Hatches<'a>) -> Vec<Entry<'a>> {
    let sidecars = hatches.sidecars.items.iter().enumerate().map(|(index, s)| Entry {
        parts: s.parts(),
        field: "sidecars",
        index,
        from_override: hatches.sidecars.from_override,
        ports: s
            .ports
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.as_str(), p.port, p.protocol, i))
            .collect(),
    });
    let init = layer_entries(hatches.init_containers, |c| c.parts());
    sidecars.chain(init).collect()
}

fn layer_entries<'a, T>(
    layer: Layer<'a, T>,
    parts: impl Fn(&'a T) -> ContainerParts<'a>,
) -> impl Iterator<Item = Entry<'a>> {
    layer.items.iter().enumerate().map(move |(index, item)| Entry {
        parts: parts(item),
        field: "initContainers",
        index,
        from_override: layer.from_override,
        ports: Vec::new(),
    })
}

fn check_containers(scope: &Scope<'_>, hatches: &Hatches<'_>, out: &mut Vec<Diagnostic>) {
    let service = scope.service;
    let entries = entries(hatches);
    let volumes: BTreeSet<&str> = hatches.volumes.items.iter().map(|v| v.name.as_str()).collect();
    let mut names: BTreeMap<&str, String> =
        BTreeMap::from([(service.name.as_str(), "the service's own container".to_owned())]);
    let mut port_names: BTreeMap<&str, String> =
        service.ports.iter().map(|p| (p.name.as_str(), "the service's ports".to_owned())).collect();
    let mut port_numbers: BTreeMap<(u16, Protocol), String> = service
        .ports
        .iter()
        .map(|p| ((p.port, p.protocol), "the service's ports".to_owned()))
        .collect();
    for entry in &entries {
        let (origin, base) =
            scope.at(entry.from_override, &format!("{}/{}", entry.field, entry.index));
        let reports = scope.reports(entry.from_override);
        let name = entry.parts.name.as_str();
        let label = format!("`{}[{}]`", entry.field, entry.index);
        if let Some(first) = names.insert(name, label.clone())
            && reports
        {
            out.push(
                Diagnostic::error(
                    Code::SpecDuplicateName,
                    format!("the container name `{name}` is taken by {first}"),
                )
                .at(origin.clone(), format!("{base}/name"))
                .with_help("containers of a pod need distinct names; name it after what it does"),
            );
        }
        for (port, number, protocol, i) in &entry.ports {
            if let Some(first) = port_names.insert(port, label.clone())
                && reports
            {
                out.push(
                    Diagnostic::error(
                        Code::SpecDuplicateName,
                        format!("the port name `{port}` is taken by {first}"),
                    )
                    .at(origin.clone(), format!("{base}/ports/{i}/name"))
                    .with_help("port names are unique in a pod"),
                );
            }
            if let Some(first) = port_numbers.insert((*number, *protocol), label.clone())
                && reports
            {
                out.push(
                    Diagnostic::error(
                        Code::SpecDuplicatePort,
                        format!("port {number} is taken by {first}"),
                    )
                    .at(origin.clone(), format!("{base}/ports/{i}/port"))
                    .with_help("the containers of a pod share its network: each port once"),
                );
            }
        }
        if reports {
            check_container(&entry.parts, &origin, &base, out);
        }
        check_mounts(scope, hatches, entry, &volumes, (&origin, &base), out);
    }
    if scope.reports(hatches.sidecars.from_override) {
        for (index, sidecar) in hatches.sidecars.items.iter().enumerate() {
            let (origin, base) =
                scope.at(hatches.sidecars.from_override, &format!("sidecars/{index}"));
            let ports: Vec<&str> = sidecar.ports.iter().map(|p| p.name.as_str()).collect();
            for (slot, probe) in sidecar.probes.slots() {
                if let Some(probe) = probe {
                    check_probe(probe, &format!("{base}/probes/{slot}"), &origin, &ports, out);
                }
            }
        }
    }
}

/// A container's variables are set once.
fn check_container(
    parts: &ContainerParts<'_>,
    origin: &Origin,
    base: &str,
    out: &mut Vec<Diagnostic>,
) {
    for name in parts.secrets.keys() {
        if parts.env.contains_key(name) {
            out.push(
                Diagnostic::error(
                    Code::SpecDuplicateEnv,
                    format!("`{name}` is set both in `env` and in `secrets`"),
                )
                .at(origin.clone(), pointer_join(&format!("{base}/secrets"), name.as_str()))
                .on_key()
                .with_help("keep one of the two"),
            );
        }
    }
}

/// A container mounts volumes the pod has, each at a directory of its own.
fn check_mounts(
    scope: &Scope<'_>,
    hatches: &Hatches<'_>,
    entry: &Entry<'_>,
    volumes: &BTreeSet<&str>,
    (origin, base): (&Origin, &str),
    out: &mut Vec<Diagnostic>,
) {
    let reports = scope.reports(entry.from_override);
    let mut mounted: Vec<(&str, String)> = vec![(TMP, "the writable `/tmp`".to_owned())];
    let known: Vec<&str> = volumes.iter().copied().collect();
    for (volume, path) in entry.parts.mounts {
        let at = pointer_join(&format!("{base}/mounts"), volume.as_str());
        if !volumes.contains(volume.as_str()) {
            if reports {
                out.push(
                    unknown_reference("volume", volume.as_str(), &known, origin.clone(), &at)
                        .on_key(),
                );
            } else if scope.reports(hatches.volumes.from_override) {
                // The override replaced the volumes and left this one out.
                let (origin, pointer) = scope.at(true, "volumes");
                out.push(
                    Diagnostic::error(
                        Code::SpecUnknownReference,
                        format!(
                            "these volumes leave out `{volume}`, which the {} `{}` of the service mounts",
                            if entry.field == "sidecars" { "sidecar" } else { "init container" },
                            entry.parts.name
                        ),
                    )
                    .at(origin, pointer)
                    .on_key()
                    .with_help(format!("keep the volume `{volume}` in the list: it replaces the service's")),
                );
            }
        }
        if !reports {
            continue;
        }
        if !path.starts_with('/') {
            out.push(
                Diagnostic::error(
                    Code::SpecInvalidValue,
                    format!("`{path}` is not an absolute path"),
                )
                .at(origin.clone(), at.clone())
                .with_help(format!(
                    "write the directory from the root, such as `/var/lib/{volume}`"
                )),
            );
            continue;
        }
        if let Some((_, what)) = mounted.iter().find(|(other, _)| collide(path, other)) {
            out.push(mount_collision(path, what, origin.clone(), at));
        }
        mounted.push((path, format!("the mount of `{volume}`")));
    }
}

/// Sidecar and init container images that float (`latest`) in environments
/// not marked for development: an override's once per environment, a
/// service's once.
pub(super) fn check_images(
    services: &[Service],
    environments: &[Environment],
    out: &mut Vec<Diagnostic>,
) {
    let mut reported: BTreeSet<(String, String)> = BTreeSet::new();
    for environment in environments.iter().filter(|e| !e.development) {
        for service in services {
            let over = environment.overrides.get(&service.name);
            let scope = Scope { service, over: over.map(|o| (environment, o)) };
            for entry in entries(&service.hatches(over)) {
                if !entry.parts.image.is_latest() {
                    continue;
                }
                let (origin, base) =
                    scope.at(entry.from_override, &format!("{}/{}", entry.field, entry.index));
                let pointer = format!("{base}/image");
                if !reported.insert((format!("{origin:?}"), pointer.clone())) {
                    continue;
                }
                out.push(
                    Diagnostic::error(
                        Code::SpecLatestTag,
                        format!(
                            "the container `{}` would run `{}`, a floating tag, in `{}`",
                            entry.parts.name, entry.parts.image, environment.name
                        ),
                    )
                    .at(origin, pointer)
                    .with_help("pin a version (`:1.37.0`) or a digest; `latest` is only allowed in an environment marked `development: true`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::collide;

    #[test]
    fn paths_collide_when_equal_or_nested() {
        assert!(collide("/tmp", "/tmp"));
        assert!(collide("/tmp/", "/tmp"));
        assert!(collide("/tmp/cache", "/tmp"));
        assert!(collide("/etc/app", "/etc/app/config.yaml"));
        assert!(collide("/", "/var"));
        assert!(!collide("/tmpfiles", "/tmp"));
        assert!(!collide("/var/cache", "/var/lib"));
    }
}
