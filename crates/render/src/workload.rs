//! Workloads: the Deployment of a service, its pod template and container,
//! and its ServiceAccount.
//!
//! Every pod meets the *restricted* Pod Security Standard: non-root, no
//! privilege escalation, all capabilities dropped, the RuntimeDefault seccomp
//! profile, a read-only root filesystem with a writable `/tmp`, and no
//! service-account token unless asked for.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Capabilities, ConfigMapVolumeSource, Container, ContainerPort, EmptyDirVolumeSource, EnvVar,
    EnvVarSource, ExecAction, HTTPGetAction, PodSecurityContext, PodSpec, PodTemplateSpec, Probe,
    ResourceRequirements, SeccompProfile, SecretKeySelector, SecurityContext, ServiceAccount,
    TCPSocketAction, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use platc_spec::model;

use crate::config;
use crate::labels;
use crate::object::{Object, Owner, Placed};
use crate::resolve::{EnvSource, ResolvedEnvironment, ResolvedService};

/// The name of the writable scratch volume mounted at `/tmp`.
const TMP_VOLUME: &str = "tmp";
/// The name of the volume holding the service's configuration files.
const CONFIG_VOLUME: &str = "config";

/// The workload objects of one service.
pub fn build(env: &ResolvedEnvironment<'_>, service: &ResolvedService<'_>, out: &mut Vec<Placed>) {
    let owner = Owner::Service(service.service.name.to_string());
    out.push(Placed { owner: owner.clone(), object: Object::from(service_account(env, service)) });
    out.push(Placed { owner, object: Object::from(deployment(env, service)) });
}

fn service_account(env: &ResolvedEnvironment<'_>, service: &ResolvedService<'_>) -> ServiceAccount {
    ServiceAccount {
        metadata: labels::metadata(
            service.service.name.as_str(),
            env.namespace.as_str(),
            labels::service_labels(env, service),
        ),
        automount_service_account_token: Some(false),
        ..ServiceAccount::default()
    }
}

fn deployment(env: &ResolvedEnvironment<'_>, service: &ResolvedService<'_>) -> Deployment {
    let name = service.service.name.as_str();
    let mut metadata =
        labels::metadata(name, env.namespace.as_str(), labels::workload_labels(env, service));
    if let Some(description) = &service.service.description {
        metadata.annotations =
            Some(BTreeMap::from([(labels::DESCRIPTION.to_owned(), description.clone())]));
    }
    Deployment {
        metadata,
        spec: Some(DeploymentSpec {
            replicas: Some(i32::try_from(service.replicas).unwrap_or(i32::MAX)),
            selector: LabelSelector {
                match_labels: Some(labels::selector(name)),
                ..LabelSelector::default()
            },
            template: pod_template(env, service),
            ..DeploymentSpec::default()
        }),
        ..Deployment::default()
    }
}

/// The pod template shared by every workload kind.
#[must_use]
pub fn pod_template(
    env: &ResolvedEnvironment<'_>,
    service: &ResolvedService<'_>,
) -> PodTemplateSpec {
    let name = service.service.name.as_str();
    let mut volumes = vec![Volume {
        name: TMP_VOLUME.to_owned(),
        empty_dir: Some(EmptyDirVolumeSource::default()),
        ..Volume::default()
    }];
    let mut annotations = BTreeMap::new();
    if !service.files.is_empty() {
        volumes.push(Volume {
            name: CONFIG_VOLUME.to_owned(),
            config_map: Some(ConfigMapVolumeSource {
                name: name.to_owned(),
                ..ConfigMapVolumeSource::default()
            }),
            ..Volume::default()
        });
        annotations.insert(labels::CONFIG_CHECKSUM.to_owned(), config::checksum(&service.files));
    }
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels::workload_labels(env, service)),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..ObjectMeta::default()
        }),
        spec: Some(PodSpec {
            service_account_name: Some(name.to_owned()),
            automount_service_account_token: Some(false),
            security_context: Some(PodSecurityContext {
                run_as_non_root: Some(true),
                seccomp_profile: Some(SeccompProfile {
                    type_: "RuntimeDefault".to_owned(),
                    ..SeccompProfile::default()
                }),
                ..PodSecurityContext::default()
            }),
            containers: vec![container(service)],
            volumes: Some(volumes),
            ..PodSpec::default()
        }),
    }
}

fn container(service: &ResolvedService<'_>) -> Container {
    let spec = service.service;
    let mut mounts = vec![VolumeMount {
        name: TMP_VOLUME.to_owned(),
        mount_path: "/tmp".to_owned(),
        ..VolumeMount::default()
    }];
    for file in &service.files {
        mounts.push(VolumeMount {
            name: CONFIG_VOLUME.to_owned(),
            mount_path: file.path.clone(),
            sub_path: Some(file.key.clone()),
            read_only: Some(true),
            ..VolumeMount::default()
        });
    }
    let ports: Vec<ContainerPort> = spec
        .ports
        .iter()
        .map(|p| ContainerPort {
            name: Some(p.name.to_string()),
            container_port: i32::from(p.port),
            protocol: Some(p.protocol.as_str().to_owned()),
            ..ContainerPort::default()
        })
        .collect();
    let env: Vec<EnvVar> = service.env.iter().map(env_var).collect();
    let first_port = spec.ports.first().map(|p| p.name.as_str());
    Container {
        name: spec.name.to_string(),
        image: Some(service.image.clone()),
        // Explicit, because Kubernetes would pull `latest` on every start,
        // which breaks images loaded into kind by hand.
        image_pull_policy: Some("IfNotPresent".to_owned()),
        command: (!service.command.is_empty()).then(|| service.command.clone()),
        args: (!service.args.is_empty()).then(|| service.args.clone()),
        ports: (!ports.is_empty()).then_some(ports),
        env: (!env.is_empty()).then_some(env),
        resources: Some(resources(service)),
        liveness_probe: spec.probes.liveness.as_ref().map(|p| probe(p, first_port)),
        readiness_probe: spec.probes.readiness.as_ref().map(|p| probe(p, first_port)),
        startup_probe: spec.probes.startup.as_ref().map(|p| probe(p, first_port)),
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(false),
            capabilities: Some(Capabilities {
                drop: Some(vec!["ALL".to_owned()]),
                ..Capabilities::default()
            }),
            read_only_root_filesystem: Some(true),
            run_as_non_root: Some(true),
            ..SecurityContext::default()
        }),
        volume_mounts: Some(mounts),
        ..Container::default()
    }
}

fn env_var(var: &crate::resolve::EnvVar) -> EnvVar {
    match &var.source {
        EnvSource::Value(value) => {
            EnvVar { name: var.name.clone(), value: Some(value.clone()), ..EnvVar::default() }
        }
        EnvSource::Secret(secret) => EnvVar {
            name: var.name.clone(),
            value_from: Some(EnvVarSource {
                secret_key_ref: Some(SecretKeySelector {
                    name: secret.secret.to_string(),
                    key: secret.key.clone(),
                    ..SecretKeySelector::default()
                }),
                ..EnvVarSource::default()
            }),
            ..EnvVar::default()
        },
    }
}

fn resources(service: &ResolvedService<'_>) -> ResourceRequirements {
    let r = &service.resources;
    let list = |cpu: &platc_spec::quantity::Quantity, memory: &platc_spec::quantity::Quantity| {
        BTreeMap::from([
            ("cpu".to_owned(), Quantity(cpu.to_string())),
            ("memory".to_owned(), Quantity(memory.to_string())),
        ])
    };
    ResourceRequirements {
        requests: Some(list(&r.cpu_request, &r.memory_request)),
        limits: Some(list(&r.cpu_limit, &r.memory_limit)),
        ..ResourceRequirements::default()
    }
}

fn probe(probe: &model::Probe, first_port: Option<&str>) -> Probe {
    let port_of = |name: Option<&str>| {
        IntOrString::String(name.or(first_port).unwrap_or_default().to_owned())
    };
    Probe {
        http_get: probe.http.as_ref().map(|path| HTTPGetAction {
            path: Some(path.clone()),
            port: port_of(probe.port.as_ref().map(AsRef::as_ref)),
            ..HTTPGetAction::default()
        }),
        tcp_socket: probe.tcp.as_ref().map(|port| TCPSocketAction {
            port: IntOrString::String(port.to_string()),
            ..TCPSocketAction::default()
        }),
        exec: probe.exec.as_ref().map(|command| ExecAction { command: Some(command.clone()) }),
        initial_delay_seconds: probe.initial_delay_seconds.map(saturating_i32),
        period_seconds: probe.period_seconds.map(saturating_i32),
        timeout_seconds: probe.timeout_seconds.map(saturating_i32),
        failure_threshold: probe.failure_threshold.map(saturating_i32),
        ..Probe::default()
    }
}

fn saturating_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}
