//! Escape hatches: the parts of a pod a service may set beyond what platc
//! derives from the rest of its file — pod annotations, scheduling
//! (`nodeSelector`, tolerations, affinity, topology spread, priority),
//! termination, lifecycle hooks, extra volumes, sidecars and init containers.
//! An environment's override may change each of them.
//!
//! Where the shape is Kubernetes' own (tolerations, affinity, topology
//! spread constraints, lifecycle handlers) the fields are k8s-openapi's
//! types, so they read as the Kubernetes documentation says and land in the
//! output as written. Volumes and containers are platc's own, narrower
//! types: a volume is an `emptyDir`, a Secret or a ConfigMap (no host paths,
//! no Secret values), and a container gets the same security context,
//! resource defaults, plaintext checks and image rules as the service's own.
//!
//! Merging with an override: mappings merge key by key (the override's
//! value wins), lists and single values are replaced as a whole. A lifecycle
//! merges hook by hook and an affinity kind by kind: a handler or an
//! affinity kind is replaced whole, never mixed with the service's.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use k8s_openapi::api::core::v1::{
    Affinity, LifecycleHandler, Toleration, TopologySpreadConstraint,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::environment::ServiceOverride;
use super::resources::Resources;
use super::service::{Probe, Protocol, SecretKeyRef, Service};
use crate::names::{EnvVarName, ImageReference, MetadataKey, ObjectName, PortName, keyed_by};
use crate::quantity::Quantity;

/// Settings of the pod itself: annotations and where and how it is scheduled
/// and stopped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PodSettings {
    /// Annotations on the pods (not on the Deployment, CronJob or Job), for
    /// tools that read pods: `cluster-autoscaler.kubernetes.io/safe-to-evict`,
    /// a log collector's parser hint. Keys under `platc.dev/` are platc's own.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(transform = keyed_by::<MetadataKey>)]
    pub annotations: BTreeMap<MetadataKey, String>,
    /// Node labels a node must have to run the pods
    /// (`eks.amazonaws.com/nodegroup: compute`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(transform = keyed_by::<MetadataKey>)]
    pub node_selector: BTreeMap<MetadataKey, String>,
    /// Taints of nodes the pods may run on (Kubernetes' `tolerations`): with
    /// a `nodeSelector`, how a workload gets dedicated nodes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Vec<Toleration>>,
    /// Node affinity and pod (anti-)affinity rules, as Kubernetes writes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    /// How the pods spread over zones or nodes, as Kubernetes writes it
    /// (`topologySpreadConstraints`). A constraint without `labelSelector`
    /// counts the service's own pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology_spread_constraints: Option<Vec<TopologySpreadConstraint>>,
    /// The PriorityClass of the pods, which must exist in the cluster: who
    /// is scheduled first and preempted last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        length(min = 1, max = 253),
        regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    )]
    pub priority_class_name: Option<String>,
    /// Seconds between the stop signal and the kill (Kubernetes' default:
    /// 30), `preStop` hooks included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<u32>,
}

impl PodSettings {
    /// Whether nothing is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// These settings with an environment's `over` applied: annotations and
    /// node selectors merge key by key, affinity kind by kind, everything
    /// else `over` sets replaces the service's value.
    #[must_use]
    pub fn merged(&self, over: &Self) -> Self {
        let mut annotations = self.annotations.clone();
        annotations.extend(over.annotations.clone());
        let mut node_selector = self.node_selector.clone();
        node_selector.extend(over.node_selector.clone());
        let affinity = match (&self.affinity, &over.affinity) {
            (Some(base), Some(over)) => Some(Affinity {
                node_affinity: over.node_affinity.clone().or_else(|| base.node_affinity.clone()),
                pod_affinity: over.pod_affinity.clone().or_else(|| base.pod_affinity.clone()),
                pod_anti_affinity: over
                    .pod_anti_affinity
                    .clone()
                    .or_else(|| base.pod_anti_affinity.clone()),
            }),
            (base, over) => over.clone().or_else(|| base.clone()),
        };
        Self {
            annotations,
            node_selector,
            tolerations: over.tolerations.clone().or_else(|| self.tolerations.clone()),
            affinity,
            topology_spread_constraints: over
                .topology_spread_constraints
                .clone()
                .or_else(|| self.topology_spread_constraints.clone()),
            priority_class_name: over
                .priority_class_name
                .clone()
                .or_else(|| self.priority_class_name.clone()),
            termination_grace_period_seconds: over
                .termination_grace_period_seconds
                .or(self.termination_grace_period_seconds),
        }
    }
}

/// Hooks Kubernetes runs in the service's container after it starts and
/// before it stops. Each is one of `exec`, `httpGet` or `sleep`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Lifecycle {
    /// Runs right after the container is created, alongside its entrypoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_start: Option<LifecycleHandler>,
    /// Runs before the stop signal. Behind Traefik, `sleep: {seconds: 5}`
    /// keeps a pod serving while its endpoint is removed from the load
    /// balancer, so a rollout drops no request; the termination grace
    /// period must cover it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_stop: Option<LifecycleHandler>,
}

impl Lifecycle {
    /// Whether no hook is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.post_start.is_none() && self.pre_stop.is_none()
    }

    /// These hooks with an environment's `over` applied, hook by hook.
    #[must_use]
    pub fn merged(&self, over: &Self) -> Self {
        Self {
            post_start: over.post_start.clone().or_else(|| self.post_start.clone()),
            pre_stop: over.pre_stop.clone().or_else(|| self.pre_stop.clone()),
        }
    }

    /// The hooks by their field name, in file order.
    #[must_use]
    pub fn hooks(&self) -> [(&'static str, Option<&LifecycleHandler>); 2] {
        [("postStart", self.post_start.as_ref()), ("preStop", self.pre_stop.as_ref())]
    }
}

/// A volume of the pod: exactly one of `emptyDir`, `secret` or `configMap`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Volume {
    /// The volume's name, which sidecars and init containers mount it by.
    pub name: ObjectName,
    /// Where the service's container mounts it (an absolute directory);
    /// leave it out for a volume only sidecars or init containers mount. It
    /// must not be `/tmp` or a config file's path, nor lie inside or around
    /// one of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^/[^\x00]*$"))]
    pub path: Option<String>,
    /// A scratch directory that lives as long as the pod, writable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empty_dir: Option<EmptyDir>,
    /// Keys of an existing Secret, each mounted read-only as a file of its
    /// name. The Secret is referenced as `secrets` are: where the
    /// environment names a secret store, its keys come from there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretFiles>,
    /// Keys of an existing ConfigMap (one platc does not write, such as a
    /// CA bundle another tool distributes), mounted read-only as files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map: Option<ConfigMapFiles>,
}

impl Volume {
    /// How many of `emptyDir`, `secret` and `configMap` are set (one is right).
    #[must_use]
    pub fn sources(&self) -> usize {
        usize::from(self.empty_dir.is_some())
            + usize::from(self.secret.is_some())
            + usize::from(self.config_map.is_some())
    }
}

/// A scratch directory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmptyDir {
    /// `Memory` keeps it in RAM (a tmpfs, counted against the container's
    /// memory), as `/dev/shm` for Chromium needs; built in: the node's disk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<StorageMedium>,
    /// The most it may hold (`256Mi`); the pod is evicted beyond it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_limit: Option<Quantity>,
}

/// Where an `emptyDir` keeps its files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum StorageMedium {
    /// In memory (a tmpfs).
    Memory,
}

/// Keys of a Secret mounted as files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretFiles {
    /// The Secret's name in the environment's namespace.
    pub name: ObjectName,
    /// The keys to mount, each as a file named after it (`tls.crt`).
    #[schemars(length(min = 1))]
    pub keys: Vec<FileKey>,
}

/// Keys of a ConfigMap mounted as files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConfigMapFiles {
    /// The ConfigMap's name in the environment's namespace.
    pub name: ObjectName,
    /// The keys to mount, each as a file named after it; built in: every key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<FileKey>,
}

/// A key of a Secret or ConfigMap, which names the file it is mounted as.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct FileKey(
    #[schemars(length(min = 1, max = 253), regex(pattern = r"^[-._a-zA-Z0-9]+$"))] pub String,
);

impl FileKey {
    /// The key as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A container that runs beside the service's for the pod's whole life (a
/// log shipper, a database proxy), as a Kubernetes native sidecar: it starts
/// before the service's container and stops after it, and does not keep a
/// Job from completing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Sidecar {
    /// The container's name, unique in the pod.
    pub name: ObjectName,
    /// The image, its version pinned (`docker.io/library/busybox:1.37.0`);
    /// `latest` only in development environments.
    pub image: ImageReference,
    /// Replaces the image's entrypoint; entries may use templates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// Arguments passed to the entrypoint; entries may use templates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// Environment variables, after those from `secrets`; values may use
    /// templates and are checked for plaintext secrets like the service's.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(transform = keyed_by::<EnvVarName>)]
    pub env: IndexMap<EnvVarName, String>,
    /// Environment variables read from existing Secrets, as the service's
    /// `secrets`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(transform = keyed_by::<EnvVarName>)]
    pub secrets: IndexMap<EnvVarName, SecretKeyRef>,
    /// Ports the sidecar listens on, for its probes and for scraping; the
    /// service's Service does not expose them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ContainerPort>,
    /// Health checks against the sidecar's own ports. A startup probe holds
    /// the service's container back until the sidecar is ready.
    #[serde(default, skip_serializing_if = "SidecarProbes::is_empty")]
    pub probes: SidecarProbes,
    /// CPU and memory requests and limits; unset values come from the
    /// platform defaults, as for services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Volumes of the service's `volumes` this container mounts: the
    /// volume's name mapped to an absolute directory.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(transform = keyed_by::<ObjectName>)]
    pub mounts: IndexMap<ObjectName, String>,
}

/// A container that runs to completion before the service's container
/// starts (after the sidecars have started), such as a wait for a database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InitContainer {
    /// The container's name, unique in the pod.
    pub name: ObjectName,
    /// The image, its version pinned (`docker.io/library/postgres:17.2-alpine`);
    /// `latest` only in development environments.
    pub image: ImageReference,
    /// Replaces the image's entrypoint; entries may use templates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// Arguments passed to the entrypoint; entries may use templates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// Environment variables, after those from `secrets`; values may use
    /// templates and are checked for plaintext secrets like the service's.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(transform = keyed_by::<EnvVarName>)]
    pub env: IndexMap<EnvVarName, String>,
    /// Environment variables read from existing Secrets, as the service's
    /// `secrets`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(transform = keyed_by::<EnvVarName>)]
    pub secrets: IndexMap<EnvVarName, SecretKeyRef>,
    /// CPU and memory requests and limits; unset values come from the
    /// platform defaults, as for services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Volumes of the service's `volumes` this container mounts: the
    /// volume's name mapped to an absolute directory.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(transform = keyed_by::<ObjectName>)]
    pub mounts: IndexMap<ObjectName, String>,
}

/// What sidecars and init containers have in common, borrowed: how resolve
/// and validation treat both alike.
#[derive(Debug, Clone, Copy)]
pub struct ContainerParts<'a> {
    /// The container's name.
    pub name: &'a ObjectName,
    /// Its image.
    pub image: &'a ImageReference,
    /// Its entrypoint.
    pub command: &'a [String],
    /// Its arguments.
    pub args: &'a [String],
    /// Its literal variables.
    pub env: &'a IndexMap<EnvVarName, String>,
    /// Its variables from Secrets.
    pub secrets: &'a IndexMap<EnvVarName, SecretKeyRef>,
    /// Its requests and limits.
    pub resources: Option<&'a Resources>,
    /// The volumes it mounts.
    pub mounts: &'a IndexMap<ObjectName, String>,
}

impl Sidecar {
    /// The fields it shares with init containers.
    #[must_use]
    pub fn parts(&self) -> ContainerParts<'_> {
        ContainerParts {
            name: &self.name,
            image: &self.image,
            command: &self.command,
            args: &self.args,
            env: &self.env,
            secrets: &self.secrets,
            resources: self.resources.as_ref(),
            mounts: &self.mounts,
        }
    }
}

impl InitContainer {
    /// The fields it shares with sidecars.
    #[must_use]
    pub fn parts(&self) -> ContainerParts<'_> {
        ContainerParts {
            name: &self.name,
            image: &self.image,
            command: &self.command,
            args: &self.args,
            env: &self.env,
            secrets: &self.secrets,
            resources: self.resources.as_ref(),
            mounts: &self.mounts,
        }
    }
}

/// A port a sidecar listens on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContainerPort {
    /// The port's name, unique in the pod (the service's ports included).
    pub name: PortName,
    /// The port number.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    /// The transport protocol.
    #[serde(default, skip_serializing_if = "Protocol::is_tcp")]
    pub protocol: Protocol,
}

/// A sidecar's health checks; ports are the sidecar's own, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SidecarProbes {
    /// Restarts the sidecar when it fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness: Option<Probe>,
    /// Takes the pod out of its Service while it fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness: Option<Probe>,
    /// Holds the service's container back until the sidecar has started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup: Option<Probe>,
}

impl SidecarProbes {
    /// Whether no probe is configured.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.liveness.is_none() && self.readiness.is_none() && self.startup.is_none()
    }

    /// The probes by their field name.
    #[must_use]
    pub fn slots(&self) -> [(&'static str, Option<&Probe>); 3] {
        [
            ("liveness", self.liveness.as_ref()),
            ("readiness", self.readiness.as_ref()),
            ("startup", self.startup.as_ref()),
        ]
    }
}

/// The escape hatches of one service in one environment: the service's
/// values with the environment's override applied.
#[derive(Debug, Clone)]
pub struct Hatches<'a> {
    /// Pod settings, merged.
    pub pod: PodSettings,
    /// Lifecycle hooks, merged hook by hook.
    pub lifecycle: Lifecycle,
    /// The volumes: the override's list, else the service's.
    pub volumes: Layer<'a, Volume>,
    /// The sidecars: the override's list, else the service's.
    pub sidecars: Layer<'a, Sidecar>,
    /// The init containers: the override's list, else the service's.
    pub init_containers: Layer<'a, InitContainer>,
}

/// A list of the service's, or the override's that replaces it.
#[derive(Debug)]
pub struct Layer<'a, T> {
    /// The items.
    pub items: &'a [T],
    /// Whether the environment's override wrote them.
    pub from_override: bool,
}

impl<T> Clone for Layer<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Layer<'_, T> {}

impl<'a, T> Layer<'a, T> {
    fn of(service: &'a [T], over: Option<&'a Vec<T>>) -> Self {
        match over {
            Some(items) => Self { items, from_override: true },
            None => Self { items: service, from_override: false },
        }
    }
}

impl Service {
    /// The escape hatches of this service with `over`, its override in one
    /// environment, applied.
    #[must_use]
    pub fn hatches<'a>(&'a self, over: Option<&'a ServiceOverride>) -> Hatches<'a> {
        Hatches {
            pod: over.map_or_else(|| self.pod.clone(), |o| self.pod.merged(&o.pod)),
            lifecycle: over
                .map_or_else(|| self.lifecycle.clone(), |o| self.lifecycle.merged(&o.lifecycle)),
            volumes: Layer::of(&self.volumes, over.and_then(|o| o.volumes.as_ref())),
            sidecars: Layer::of(&self.sidecars, over.and_then(|o| o.sidecars.as_ref())),
            init_containers: Layer::of(
                &self.init_containers,
                over.and_then(|o| o.init_containers.as_ref()),
            ),
        }
    }
}
