//! A service's escape hatches in one environment: the override merged in
//! (mappings key by key, lists replaced), the containers' templates
//! rendered, their values checked for plaintext secrets, their resources
//! layered like the service's, their probes' ports named.

use k8s_openapi::api::core::v1::Lifecycle;
use platc_spec::Origin;
use platc_spec::model::{
    ContainerParts, Environment, Layer, Platform, Probe, Resources, Service, Sidecar,
    StorageMedium, Volume,
};
use platc_spec::source::pointer_join;

use super::plaintext::{Guard, Place};
use super::resources::{self, BelowRequest, limit_below_request};
use super::templating::Templating;
use crate::resolved::{
    EnvSource, EnvVar, HttpGet, PodExtras, ResolvedContainer, ResolvedPort, ResolvedProbe,
    ResolvedProbes, ResolvedVolume, SecretKey, VolumeSource,
};

/// What resolving the extras of one service needs.
pub(super) struct Extras<'a, 't, 'd> {
    pub platform: &'a Platform,
    pub environment: &'a Environment,
    pub service: &'a Service,
    pub templates: &'t mut Templating<'d>,
    pub guard: &'t mut Guard<'a>,
}

impl Extras<'_, '_, '_> {
    /// The service's escape hatches with the environment's override applied.
    pub fn resolve(mut self) -> PodExtras {
        let over = self.environment.overrides.get(&self.service.name);
        let hatches = self.service.hatches(over);
        let pod = hatches.pod;
        let lifecycle = (!hatches.lifecycle.is_empty()).then(|| Lifecycle {
            post_start: hatches.lifecycle.post_start.clone(),
            pre_stop: hatches.lifecycle.pre_stop.clone(),
            stop_signal: None,
        });
        let sidecars = self.sidecars(hatches.sidecars);
        let init_containers = self.init_containers(hatches.init_containers);
        PodExtras {
            annotations: pod
                .annotations
                .into_iter()
                .map(|(key, value)| (String::from(key), value))
                .collect(),
            node_selector: pod
                .node_selector
                .into_iter()
                .map(|(key, value)| (String::from(key), value))
                .collect(),
            tolerations: pod.tolerations.unwrap_or_default(),
            affinity: pod.affinity,
            topology_spread_constraints: pod.topology_spread_constraints.unwrap_or_default(),
            priority_class_name: pod.priority_class_name,
            termination_grace_period_seconds: pod.termination_grace_period_seconds,
            lifecycle,
            volumes: hatches.volumes.items.iter().map(volume).collect(),
            sidecars,
            init_containers,
        }
    }

    /// Where a list item of the service or of its override is written.
    fn at(&self, from_override: bool, field: &str, index: usize) -> (Origin, String) {
        if from_override {
            (
                Origin::Environment(self.environment.name.clone()),
                format!(
                    "{}/{field}/{index}",
                    pointer_join("/overrides", self.service.name.as_str())
                ),
            )
        } else {
            (Origin::Service(self.service.name.clone()), format!("/{field}/{index}"))
        }
    }

    fn sidecars(&mut self, layer: Layer<'_, Sidecar>) -> Vec<ResolvedContainer> {
        layer
            .items
            .iter()
            .enumerate()
            .map(|(index, sidecar)| {
                let at = self.at(layer.from_override, "sidecars", index);
                let mut container = self.container(&sidecar.parts(), &at);
                container.ports = sidecar
                    .ports
                    .iter()
                    .map(|p| ResolvedPort {
                        name: p.name.clone(),
                        container_port: p.port,
                        service_port: p.port,
                        protocol: p.protocol.as_str(),
                    })
                    .collect();
                let first_port = sidecar.ports.first().map(|p| p.name.as_str());
                container.probes = ResolvedProbes {
                    liveness: sidecar.probes.liveness.as_ref().map(|p| probe(p, first_port)),
                    readiness: sidecar.probes.readiness.as_ref().map(|p| probe(p, first_port)),
                    startup: sidecar.probes.startup.as_ref().map(|p| probe(p, first_port)),
                };
                container
            })
            .collect()
    }

    fn init_containers(
        &mut self,
        layer: Layer<'_, platc_spec::model::InitContainer>,
    ) -> Vec<ResolvedContainer> {
        layer
            .items
            .iter()
            .enumerate()
            .map(|(index, init)| {
                let at = self.at(layer.from_override, "initContainers", index);
                self.container(&init.parts(), &at)
            })
            .collect()
    }

    /// What sidecars and init containers share: variables (Secret
    /// references, then values), entrypoint and arguments with templates
    /// rendered and checked, resources layered, mounts.
    fn container(
        &mut self,
        parts: &ContainerParts<'_>,
        (origin, base): &(Origin, String),
    ) -> ResolvedContainer {
        let mut env: Vec<EnvVar> = parts
            .secrets
            .iter()
            .map(|(name, secret)| EnvVar {
                name: name.to_string(),
                source: EnvSource::Secret(SecretKey {
                    secret: secret.secret.clone(),
                    key: secret.key.clone(),
                }),
            })
            .collect();
        for (name, raw) in parts.env {
            let pointer = pointer_join(&format!("{base}/env"), name.as_str());
            let value = self.templates.render(raw, origin, pointer.clone());
            self.guard.variable(name.as_str(), raw, &value, origin, &pointer);
            env.push(EnvVar { name: name.to_string(), source: EnvSource::Value(value) });
        }
        let command = self.templates.render_all(parts.command, origin, &format!("{base}/command"));
        let args = self.templates.render_all(parts.args, origin, &format!("{base}/args"));
        for (field, texts) in [("command", &command), ("args", &args)] {
            for (i, text) in texts.iter().enumerate() {
                let place = Place {
                    key: field,
                    what: format!("`{field}[{i}]` of the container `{}`", parts.name),
                    origin: origin.clone(),
                    pointer: format!("{base}/{field}/{i}"),
                };
                self.guard.text(text, &place);
            }
        }
        let empty = Resources::default();
        let defaults = self.platform.settings.defaults.resources.as_ref().unwrap_or(&empty);
        let (resources, below) = resources::layer(parts.resources.unwrap_or(&empty), defaults);
        for BelowRequest { field, key, limit, request } in below {
            self.templates.diagnostics.push(
                limit_below_request(field, &limit, &request, &self.environment.name)
                    .at(origin.clone(), format!("{base}/resources/limits/{key}")),
            );
        }
        ResolvedContainer {
            name: parts.name.to_string(),
            image: parts.image.to_string(),
            command,
            args,
            env,
            ports: Vec::new(),
            probes: ResolvedProbes::default(),
            resources,
            mounts: parts
                .mounts
                .iter()
                .map(|(volume, path)| (volume.to_string(), path.clone()))
                .collect(),
        }
    }
}

fn volume(volume: &Volume) -> ResolvedVolume {
    let keys = |keys: &[platc_spec::model::FileKey]| {
        keys.iter().map(|k| k.as_str().to_owned()).collect::<Vec<_>>()
    };
    // Validation has made sure exactly one source is set.
    let source = if let Some(secret) = &volume.secret {
        VolumeSource::Secret { name: secret.name.clone(), keys: keys(&secret.keys) }
    } else if let Some(config_map) = &volume.config_map {
        VolumeSource::ConfigMap { name: config_map.name.clone(), keys: keys(&config_map.keys) }
    } else {
        let empty_dir = volume.empty_dir.clone().unwrap_or_default();
        VolumeSource::EmptyDir {
            memory: empty_dir.medium == Some(StorageMedium::Memory),
            size_limit: empty_dir.size_limit,
        }
    };
    ResolvedVolume { name: volume.name.to_string(), path: volume.path.clone(), source }
}

/// One probe with its port named: an HTTP probe without a port checks
/// `first_port`, the container's first.
pub(super) fn probe(probe: &Probe, first_port: Option<&str>) -> ResolvedProbe {
    ResolvedProbe {
        http: probe.http.as_ref().map(|path| HttpGet {
            path: path.clone(),
            port: probe
                .port
                .as_ref()
                .map(AsRef::as_ref)
                .or(first_port)
                .unwrap_or_default()
                .to_owned(),
        }),
        tcp: probe.tcp.as_ref().map(ToString::to_string),
        exec: probe.exec.clone(),
        initial_delay_seconds: probe.initial_delay_seconds,
        period_seconds: probe.period_seconds,
        timeout_seconds: probe.timeout_seconds,
        failure_threshold: probe.failure_threshold,
    }
}
