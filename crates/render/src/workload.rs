//! Workloads: the Deployment, CronJob or Job of a service, its pod template
//! and container, and its ServiceAccount.
//!
//! Every pod meets the *restricted* Pod Security Standard: non-root (user
//! and group 10001 unless the service sets `runAs`), no privilege
//! escalation, all capabilities dropped, the RuntimeDefault seccomp profile,
//! a read-only root filesystem with a writable `/tmp`, and no
//! service-account token unless asked for. Sidecars and init containers get
//! the same security context, `/tmp` and requests and limits as the
//! service's container. A service that opts out of probes carries its
//! reason on its pods.
//!
//! The escape hatches land where Kubernetes has them: pod annotations,
//! scheduling and the grace period on the pod, lifecycle hooks and extra
//! mounts on the service's container, sidecars as native sidecars (init
//! containers with `restartPolicy: Always`, started in order before the
//! other init containers and the service's container).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{
    Affinity, Capabilities, ConfigMapVolumeSource, Container, ContainerPort, EmptyDirVolumeSource,
    EnvVar, EnvVarSource, ExecAction, HTTPGetAction, KeyToPath, PodAffinityTerm, PodAntiAffinity,
    PodSecurityContext, PodSpec, PodTemplateSpec, Probe, ResourceRequirements, SeccompProfile,
    SecretKeySelector, SecretVolumeSource, SecurityContext, ServiceAccount, TCPSocketAction,
    TopologySpreadConstraint, Volume, VolumeMount, WeightedPodAffinityTerm,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use platc_spec::Diagnostic;
use sha2::{Digest, Sha256};

use crate::config;
use crate::labels;
use crate::object::{Object, Placed};
use crate::resolved::{
    CronJobRun, EffectiveResources, EnvSource, JobRun, PodExtras, ResolvedContainer,
    ResolvedEnvironment, ResolvedPort, ResolvedProbe, ResolvedProbes, ResolvedService,
    ResolvedVolume, VolumeSource, Workload,
};

/// The name of the writable scratch volume mounted at `/tmp`.
const TMP_VOLUME: &str = "tmp";
/// The name of the volume holding the service's configuration files.
const CONFIG_VOLUME: &str = "config";
/// The mode of files from Secrets: readable by their owner (root) and by
/// the pod's group (its `fsGroup`), by nobody else.
const SECRET_FILE_MODE: i32 = 0o440;

/// The workload objects of one service: its ServiceAccount and a
/// Deployment, CronJob or Job.
pub fn build(
    env: &ResolvedEnvironment,
    service: &ResolvedService,
    out: &mut Vec<Placed>,
) -> Result<(), Diagnostic> {
    let owner = service.owner.clone();
    out.push(Placed { owner: owner.clone(), object: Object::from(service_account(env, service)) });
    let object = match &service.workload {
        Workload::Web | Workload::Worker => Object::from(deployment(env, service)),
        Workload::CronJob(run) => Object::from(cron_job(env, service, run)),
        Workload::Job(run) => Object::from(job(env, service, run)?),
    };
    out.push(Placed { owner, object });
    Ok(())
}

fn service_account(env: &ResolvedEnvironment, service: &ResolvedService) -> ServiceAccount {
    ServiceAccount {
        metadata: labels::metadata(
            service.name.as_str(),
            env.namespace.as_str(),
            labels::service_labels(env, service),
        ),
        automount_service_account_token: Some(false),
        ..ServiceAccount::default()
    }
}

fn workload_metadata(
    env: &ResolvedEnvironment,
    service: &ResolvedService,
    name: &str,
) -> ObjectMeta {
    let mut metadata =
        labels::metadata(name, env.namespace.as_str(), labels::workload_labels(env, service));
    let mut annotations = BTreeMap::new();
    if let Some(description) = &service.description {
        annotations.insert(labels::DESCRIPTION.to_owned(), description.clone());
    }
    if let Some(reason) = &service.probe_opt_out {
        // The reviewed opt-out, in the form scanners read: checkov's
        // readiness (CKV_K8S_9) and liveness (CKV_K8S_8) checks skip the
        // workload with this reason instead of failing it.
        for (i, check) in labels::PROBE_CHECKS.iter().enumerate() {
            annotations.insert(format!("checkov.io/skip{}", i + 1), format!("{check}={reason}"));
        }
    }
    metadata.annotations = (!annotations.is_empty()).then_some(annotations);
    metadata
}

fn deployment(env: &ResolvedEnvironment, service: &ResolvedService) -> Deployment {
    let name = service.name.as_str();
    Deployment {
        metadata: workload_metadata(env, service, name),
        spec: Some(DeploymentSpec {
            // With an autoscaler the replica count is its to decide; stating
            // one here would reset it on every apply.
            replicas: service.autoscale.is_none().then(|| saturating_i32(service.replicas)),
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

fn job_spec(env: &ResolvedEnvironment, service: &ResolvedService, run: &JobRun) -> JobSpec {
    let mut template = pod_template(env, service);
    if let Some(spec) = template.spec.as_mut() {
        // A failed run leaves its pod behind for `kubectl logs`; retries are new pods.
        spec.restart_policy = Some("Never".to_owned());
    }
    JobSpec {
        backoff_limit: Some(saturating_i32(run.backoff_limit)),
        active_deadline_seconds: run.active_deadline_seconds.map(i64::from),
        template,
        ..JobSpec::default()
    }
}

fn cron_job(env: &ResolvedEnvironment, service: &ResolvedService, cron: &CronJobRun) -> CronJob {
    CronJob {
        metadata: workload_metadata(env, service, service.name.as_str()),
        spec: Some(CronJobSpec {
            schedule: cron.schedule.clone(),
            time_zone: cron.time_zone.clone(),
            concurrency_policy: Some(cron.concurrency_policy.to_owned()),
            successful_jobs_history_limit: Some(saturating_i32(cron.successful_jobs_history_limit)),
            failed_jobs_history_limit: Some(saturating_i32(cron.failed_jobs_history_limit)),
            starting_deadline_seconds: Some(i64::from(cron.starting_deadline_seconds)),
            suspend: cron.suspend.then_some(true),
            job_template: JobTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels::workload_labels(env, service)),
                    ..ObjectMeta::default()
                }),
                spec: Some(job_spec(env, service, &cron.run)),
            },
        }),
        ..CronJob::default()
    }
}

/// A Job's pod template cannot change once created, so the Job is named
/// after its content: a new image or setting is a new Job, which runs once,
/// and the old one is pruned. Its file stays `job.yaml`, so review shows the
/// change as a diff.
fn job(
    env: &ResolvedEnvironment,
    service: &ResolvedService,
    run: &JobRun,
) -> Result<Job, Diagnostic> {
    let spec = job_spec(env, service, run);
    let name = job_name(service.name.as_str(), &spec)?;
    Ok(Job { metadata: workload_metadata(env, service, &name), spec: Some(spec), ..Job::default() })
}

/// The name of the Job of `service` that runs `spec`: the service's name and
/// a digest of the spec.
pub fn job_name(service: &str, spec: &JobSpec) -> Result<String, Diagnostic> {
    let fingerprint = serde_json::to_vec(spec).map_err(|e| {
        crate::emit::serialize_error(
            &format!("the Job of `{service}` to name it after its content"),
            &e,
        )
    })?;
    let digest = crate::config::hex(&Sha256::digest(&fingerprint)[..4]);
    Ok(format!("{service}-{digest}"))
}

/// The pod template shared by every workload kind.
#[must_use]
pub fn pod_template(env: &ResolvedEnvironment, service: &ResolvedService) -> PodTemplateSpec {
    let name = service.name.as_str();
    let extras = &service.pod;
    let mut volumes = vec![Volume {
        name: TMP_VOLUME.to_owned(),
        empty_dir: Some(EmptyDirVolumeSource::default()),
        ..Volume::default()
    }];
    // The service's own annotations; validation keeps them off platc's keys.
    let mut annotations = extras.annotations.clone();
    if let Some(reason) = &service.probe_opt_out {
        annotations.insert(labels::PROBES_OPT_OUT.to_owned(), reason.clone());
    }
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
    volumes.extend(extras.volumes.iter().map(volume));
    let init_containers: Vec<Container> = extras
        .sidecars
        .iter()
        .map(|sidecar| Container {
            // A native sidecar: started before the containers after it, kept
            // running, stopped after the service's container.
            restart_policy: Some("Always".to_owned()),
            ..extra_container(sidecar, &extras.volumes)
        })
        .chain(extras.init_containers.iter().map(|init| extra_container(init, &extras.volumes)))
        .collect();
    let nonempty = |map: &BTreeMap<String, String>| (!map.is_empty()).then(|| map.clone());
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels::workload_labels(env, service)),
            annotations: nonempty(&annotations),
            ..ObjectMeta::default()
        }),
        spec: Some(PodSpec {
            service_account_name: Some(name.to_owned()),
            automount_service_account_token: Some(false),
            security_context: Some(PodSecurityContext {
                run_as_non_root: Some(true),
                run_as_user: Some(i64::from(service.run_as.user)),
                run_as_group: Some(i64::from(service.run_as.group)),
                fs_group: Some(i64::from(service.run_as.group)),
                seccomp_profile: Some(SeccompProfile {
                    type_: "RuntimeDefault".to_owned(),
                    ..SeccompProfile::default()
                }),
                ..PodSecurityContext::default()
            }),
            init_containers: (!init_containers.is_empty()).then_some(init_containers),
            containers: vec![container(service)],
            volumes: Some(volumes),
            node_selector: nonempty(&extras.node_selector),
            tolerations: (!extras.tolerations.is_empty()).then(|| extras.tolerations.clone()),
            affinity: affinity(service),
            topology_spread_constraints: topology_spread(name, extras),
            priority_class_name: extras.priority_class_name.clone(),
            termination_grace_period_seconds: extras
                .termination_grace_period_seconds
                .map(i64::from),
            ..PodSpec::default()
        }),
    }
}

/// The service's affinity, with a preference for one pod per node when
/// resolve says its pods should spread: preferred, not required, so a
/// single-node cluster (kind) still schedules every pod.
fn affinity(service: &ResolvedService) -> Option<Affinity> {
    let mut affinity = service.pod.affinity.clone();
    if service.spread_over_nodes {
        affinity.get_or_insert_with(Affinity::default).pod_anti_affinity = Some(PodAntiAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![
                WeightedPodAffinityTerm {
                    weight: 100,
                    pod_affinity_term: PodAffinityTerm {
                        label_selector: Some(LabelSelector {
                            match_labels: Some(labels::selector(service.name.as_str())),
                            ..LabelSelector::default()
                        }),
                        topology_key: "kubernetes.io/hostname".to_owned(),
                        ..PodAffinityTerm::default()
                    },
                },
            ]),
            ..PodAntiAffinity::default()
        });
    }
    affinity
}

/// The topology spread constraints, a constraint without a label selector
/// counting the service's own pods.
fn topology_spread(name: &str, extras: &PodExtras) -> Option<Vec<TopologySpreadConstraint>> {
    let constraints: Vec<TopologySpreadConstraint> = extras
        .topology_spread_constraints
        .iter()
        .map(|constraint| TopologySpreadConstraint {
            label_selector: constraint.label_selector.clone().or_else(|| {
                Some(LabelSelector {
                    match_labels: Some(labels::selector(name)),
                    ..LabelSelector::default()
                })
            }),
            ..constraint.clone()
        })
        .collect();
    (!constraints.is_empty()).then_some(constraints)
}

fn volume(volume: &ResolvedVolume) -> Volume {
    let items = |keys: &[String]| {
        (!keys.is_empty()).then(|| {
            keys.iter()
                .map(|key| KeyToPath { key: key.clone(), path: key.clone(), mode: None })
                .collect()
        })
    };
    let mut out = Volume { name: volume.name.clone(), ..Volume::default() };
    match &volume.source {
        VolumeSource::EmptyDir { memory, size_limit } => {
            out.empty_dir = Some(EmptyDirVolumeSource {
                medium: memory.then(|| "Memory".to_owned()),
                size_limit: size_limit.as_ref().map(|q| Quantity(q.to_string())),
            });
        }
        VolumeSource::Secret { name, keys } => {
            out.secret = Some(SecretVolumeSource {
                secret_name: Some(name.to_string()),
                items: items(keys),
                default_mode: Some(SECRET_FILE_MODE),
                ..SecretVolumeSource::default()
            });
        }
        VolumeSource::ConfigMap { name, keys } => {
            out.config_map = Some(ConfigMapVolumeSource {
                name: name.to_string(),
                items: items(keys),
                ..ConfigMapVolumeSource::default()
            });
        }
    }
    out
}

/// The security context of every container: restricted, read-only root.
fn security_context() -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".to_owned()]),
            ..Capabilities::default()
        }),
        read_only_root_filesystem: Some(true),
        run_as_non_root: Some(true),
        ..SecurityContext::default()
    }
}

/// The writable `/tmp` every container has.
fn tmp_mount() -> VolumeMount {
    VolumeMount {
        name: TMP_VOLUME.to_owned(),
        mount_path: "/tmp".to_owned(),
        ..VolumeMount::default()
    }
}

fn container_ports(ports: &[ResolvedPort]) -> Option<Vec<ContainerPort>> {
    let ports: Vec<ContainerPort> = ports
        .iter()
        .map(|p| ContainerPort {
            name: Some(p.name.to_string()),
            container_port: i32::from(p.container_port),
            protocol: Some(p.protocol.to_owned()),
            ..ContainerPort::default()
        })
        .collect();
    (!ports.is_empty()).then_some(ports)
}

fn env_vars(vars: &[crate::resolved::EnvVar]) -> Option<Vec<EnvVar>> {
    let env: Vec<EnvVar> = vars.iter().map(env_var).collect();
    (!env.is_empty()).then_some(env)
}

fn container(service: &ResolvedService) -> Container {
    let mut mounts = vec![tmp_mount()];
    for file in &service.files {
        mounts.push(VolumeMount {
            name: CONFIG_VOLUME.to_owned(),
            mount_path: file.path.clone(),
            sub_path: Some(file.key.clone()),
            read_only: Some(true),
            ..VolumeMount::default()
        });
    }
    for volume in &service.pod.volumes {
        if let Some(path) = &volume.path {
            mounts.push(mount(volume, path));
        }
    }
    let probes = &service.probes;
    Container {
        name: service.name.to_string(),
        image: Some(service.image.clone()),
        // Explicit, because Kubernetes would pull `latest` on every start,
        // which breaks images loaded into kind by hand.
        image_pull_policy: Some("IfNotPresent".to_owned()),
        command: (!service.command.is_empty()).then(|| service.command.clone()),
        args: (!service.args.is_empty()).then(|| service.args.clone()),
        ports: container_ports(&service.ports),
        env: env_vars(&service.env),
        resources: Some(resources(&service.resources)),
        liveness_probe: probes.liveness.as_ref().map(probe),
        readiness_probe: probes.readiness.as_ref().map(probe),
        startup_probe: probes.startup.as_ref().map(probe),
        lifecycle: service.pod.lifecycle.clone(),
        security_context: Some(security_context()),
        volume_mounts: Some(mounts),
        ..Container::default()
    }
}

fn mount(volume: &ResolvedVolume, path: &str) -> VolumeMount {
    VolumeMount {
        name: volume.name.clone(),
        mount_path: path.to_owned(),
        read_only: volume.read_only().then_some(true),
        ..VolumeMount::default()
    }
}

/// A sidecar or init container, hardened like the service's container.
fn extra_container(extra: &ResolvedContainer, volumes: &[ResolvedVolume]) -> Container {
    let mut mounts = vec![tmp_mount()];
    for (name, path) in &extra.mounts {
        // Validation has checked that every mount names a volume.
        if let Some(volume) = volumes.iter().find(|v| &v.name == name) {
            mounts.push(mount(volume, path));
        }
    }
    let ResolvedProbes { liveness, readiness, startup } = &extra.probes;
    Container {
        name: extra.name.clone(),
        image: Some(extra.image.clone()),
        image_pull_policy: Some("IfNotPresent".to_owned()),
        command: (!extra.command.is_empty()).then(|| extra.command.clone()),
        args: (!extra.args.is_empty()).then(|| extra.args.clone()),
        ports: container_ports(&extra.ports),
        env: env_vars(&extra.env),
        resources: Some(resources(&extra.resources)),
        liveness_probe: liveness.as_ref().map(probe),
        readiness_probe: readiness.as_ref().map(probe),
        startup_probe: startup.as_ref().map(probe),
        security_context: Some(security_context()),
        volume_mounts: Some(mounts),
        ..Container::default()
    }
}

fn env_var(var: &crate::resolved::EnvVar) -> EnvVar {
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

fn resources(r: &EffectiveResources) -> ResourceRequirements {
    use platc_spec::quantity::Quantity as Amount;
    let list = |cpu: &Amount, memory: &Amount, ephemeral_storage: &Amount| {
        BTreeMap::from([
            ("cpu".to_owned(), Quantity(cpu.to_string())),
            ("ephemeral-storage".to_owned(), Quantity(ephemeral_storage.to_string())),
            ("memory".to_owned(), Quantity(memory.to_string())),
        ])
    };
    ResourceRequirements {
        requests: Some(list(&r.cpu_request, &r.memory_request, &r.ephemeral_storage_request)),
        limits: Some(list(&r.cpu_limit, &r.memory_limit, &r.ephemeral_storage_limit)),
        ..ResourceRequirements::default()
    }
}

fn probe(probe: &ResolvedProbe) -> Probe {
    Probe {
        http_get: probe.http.as_ref().map(|http| HTTPGetAction {
            path: Some(http.path.clone()),
            port: IntOrString::String(http.port.clone()),
            ..HTTPGetAction::default()
        }),
        tcp_socket: probe.tcp.as_ref().map(|port| TCPSocketAction {
            port: IntOrString::String(port.clone()),
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
