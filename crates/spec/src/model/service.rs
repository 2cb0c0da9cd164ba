//! A service file (`services/<name>.yaml`): what a workload needs, independent
//! of where it runs. Environments decide the image tag, the replica count and
//! how dependencies are provided.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::pod::{InitContainer, Lifecycle, PodSettings, Sidecar, Volume};
use super::resources::Resources;
use super::routing::{Middlewares, Route};
use super::workload::{Autoscale, JobSettings};
use crate::names::{
    DependencyName, EnvVarName, ImageRepository, IpRange, ObjectName, PortName, ServiceName,
    TypeName, keyed_by,
};

/// One workload: its image, ports, configuration and needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "platc service")]
pub struct Service {
    /// The service's name; it must match the file name (`services/<name>.yaml`)
    /// and names the Deployment, Service, ConfigMap and ServiceAccount.
    pub name: ServiceName,
    /// What kind of workload this is: `web` serves traffic on its ports,
    /// `worker` runs in the background without a Service, `cronjob` runs on a
    /// `schedule`, `job` runs once per change of its image or settings.
    #[serde(default)]
    pub kind: WorkloadKind,
    /// A sentence on what the service does; rendered as the
    /// `platc.dev/description` annotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The image repository without tag (`ghcr.io/acme/api`); each environment
    /// chooses the tag.
    pub image: ImageRepository,
    /// The ports the container listens on. A `web` service needs at least one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Port>,
    /// Replaces the image's entrypoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// Arguments passed to the entrypoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// Environment variables, in order, after those from `secrets`. Values
    /// are strings and may use templates: `"https://api.{{ environment.domain }}"`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(transform = keyed_by::<EnvVarName>)]
    pub env: IndexMap<EnvVarName, String>,
    /// Environment variables read from existing Secrets: the variable name maps
    /// to the Secret and key that hold the value. Secret values never appear in
    /// service files.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(transform = keyed_by::<EnvVarName>)]
    pub secrets: IndexMap<EnvVarName, SecretKeyRef>,
    /// Values that look like secrets but are not, each with the reason a
    /// reviewer reads: an `env` variable's name or a config file's `path`,
    /// mapped to why its value may be written in plaintext
    /// (`CDN_PUBLIC_KEY: "the CDN's public key, printed on every page"`).
    /// platc refuses plaintext values under secret-like names
    /// (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*API_KEY*`, ...), URLs with a
    /// password and well-known credential formats everywhere else; an entry
    /// here that allows nothing is a warning.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub allow_plaintext: IndexMap<String, String>,
    /// Configuration files mounted read-only into the container, kept in the
    /// service's ConfigMap. Contents may use templates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<ConfigFile>,
    /// Infrastructure the service uses: a dependency name and its type
    /// (`orders-db: postgres`), built in (`postgres`, `mysql`, `redis`,
    /// `rabbitmq`, `kafka`) or defined in the platform's `types/`. Services
    /// that use the same name share the resource. Each dependency injects its
    /// type's outputs, `<NAME>_HOST`, `_PORT`, `_NAME`, `_USER`, `_PASSWORD`
    /// (from a Secret), `_URL` and more, and is available to templates as
    /// `resources.<name>`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(transform = keyed_by::<DependencyName>)]
    pub uses: IndexMap<DependencyName, TypeName>,
    /// Other services of the platform this one sends requests to, by name
    /// (`calls: [payments-api]`). The pods of each may open connections to
    /// the ports of those services, and nothing else in the namespace: every
    /// other connection between services is refused by the environment's
    /// NetworkPolicies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<ServiceName>,
    /// Destinations outside the cluster that this service connects to on its
    /// own (an API such as Stripe's), beyond the external providers of its
    /// `uses`. Each opens one port, to a CIDR range when given, else to any
    /// address; a `reason` is required, since every entry widens what a
    /// compromised pod can reach.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<Egress>,
    /// The user and group the pods run as; built in: user and group 10001,
    /// outside the range of users an image or the node defines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as: Option<RunAs>,
    /// Health checks. `web` and `worker` services need readiness and
    /// liveness probes, unless `optOut` says why not.
    #[serde(default, skip_serializing_if = "Probes::is_empty")]
    pub probes: Probes,
    /// CPU and memory requests and limits; unset values come from the
    /// platform defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// The number of pods; environments may override it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Scale with load between `min` and `max` pods (a HorizontalPodAutoscaler);
    /// replaces `replicas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscale: Option<Autoscale>,
    /// When a `cronjob` runs, in cron syntax (`"30 2 * * *"`, `@hourly`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// How a `cronjob` or `job` runs: retries, deadline, history, time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<JobSettings>,
    /// Hosts and paths that reach this `web` service through Traefik.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
    /// Middlewares of this service's routes, by name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(transform = keyed_by::<ObjectName>)]
    pub middlewares: Middlewares,
    /// Settings of the pods platc does not derive: annotations, scheduling
    /// (`nodeSelector`, `tolerations`, `affinity`,
    /// `topologySpreadConstraints`, `priorityClassName`) and the termination
    /// grace period. Environments may override each.
    #[serde(default, skip_serializing_if = "PodSettings::is_empty")]
    pub pod: PodSettings,
    /// Hooks run in the service's container after it starts (`postStart`)
    /// and before it stops (`preStop`).
    #[serde(default, skip_serializing_if = "Lifecycle::is_empty")]
    pub lifecycle: Lifecycle,
    /// Extra volumes of the pod: scratch space (`emptyDir`), or a Secret's
    /// or ConfigMap's keys as files, mounted into the service's container at
    /// `path` and into sidecars and init containers by their `mounts`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Volume>,
    /// Containers beside the service's (a log shipper, a proxy), started
    /// first and kept running, with the same security context, resource
    /// defaults and checks as the service's container.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sidecars: Vec<Sidecar>,
    /// Containers run to completion, in order, before the service's
    /// container starts (after the sidecars have started).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub init_containers: Vec<InitContainer>,
}

/// The kind of workload a service runs as.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum WorkloadKind {
    /// A long-running server reachable through a Service (and routes).
    #[default]
    Web,
    /// A long-running background process: no Service, no routes.
    Worker,
    /// A task run on a schedule (a CronJob).
    Cronjob,
    /// A task run to completion once for each version (a Job), such as a
    /// database migration.
    Job,
}

impl WorkloadKind {
    /// The name used in files and labels.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Worker => "worker",
            Self::Cronjob => "cronjob",
            Self::Job => "job",
        }
    }

    /// Whether pods of this kind run until stopped (Deployment) rather than
    /// to completion (Job, CronJob).
    #[must_use]
    pub fn is_long_running(self) -> bool {
        matches!(self, Self::Web | Self::Worker)
    }
}

/// A port the container listens on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Port {
    /// The port's name (`http`, `grpc`, `metrics`), referenced by probes and routes.
    pub name: PortName,
    /// The container port number.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    /// The port the Service exposes (and routes reach); built in: `port`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub service_port: Option<u16>,
    /// The transport protocol.
    #[serde(default, skip_serializing_if = "Protocol::is_tcp")]
    pub protocol: Protocol,
}

/// A port's transport protocol.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum Protocol {
    /// TCP, the default.
    #[default]
    #[serde(rename = "TCP")]
    Tcp,
    /// UDP.
    #[serde(rename = "UDP")]
    Udp,
}

impl Protocol {
    /// The spelling Kubernetes uses.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "TCP",
            Self::Udp => "UDP",
        }
    }

    /// Whether this is TCP, the default.
    #[allow(
        clippy::trivially_copy_pass_by_ref,
        reason = "serde's skip_serializing_if passes a reference"
    )]
    #[must_use]
    pub fn is_tcp(&self) -> bool {
        *self == Self::Tcp
    }
}

/// One destination outside the cluster a service may connect to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Egress {
    /// What the service connects to (`api.stripe.com`), for review: a
    /// NetworkPolicy cannot name hosts, so the rule opens `port` to `cidr`,
    /// or to every address without one.
    #[schemars(length(min = 1, max = 253))]
    pub to: String,
    /// The destination port.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    /// The transport protocol.
    #[serde(default, skip_serializing_if = "Protocol::is_tcp")]
    pub protocol: Protocol,
    /// The addresses of `to`, when they are known and stable (`54.187.0.0/16`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<IpRange>,
    /// Why the service needs this connection; kept in the rendered policy.
    #[schemars(length(min = 1))]
    pub reason: String,
}

/// The user and group a service's pods run as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RunAs {
    /// The user id (`runAsUser`); it must not be 0.
    #[schemars(range(min = 1))]
    pub user: u32,
    /// The group id (`runAsGroup`, and `fsGroup` of the pod's volumes); built in: `user`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<u32>,
}

/// A reference to one key of an existing Secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretKeyRef {
    /// The Secret's name in the environment's namespace.
    pub secret: ObjectName,
    /// The key inside the Secret.
    #[schemars(length(min = 1), regex(pattern = r"^[-._a-zA-Z0-9]+$"))]
    pub key: String,
}

/// A configuration file mounted into the container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConfigFile {
    /// Absolute path of the file inside the container (`/etc/api/config.yaml`).
    #[schemars(regex(pattern = r"^/[^\x00]*[^/]$"))]
    pub path: String,
    /// The file's content; it may use templates.
    pub content: String,
}

impl ConfigFile {
    /// The file name, used as the ConfigMap key.
    #[must_use]
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// Liveness, readiness and startup checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Probes {
    /// Restarts the container when it fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness: Option<Probe>,
    /// Takes the pod out of the Service while it fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness: Option<Probe>,
    /// Holds the other probes back until the container has started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup: Option<Probe>,
    /// Why a `web` or `worker` service runs without a readiness or liveness
    /// probe (a process with nothing to probe); without a reason both are
    /// required. The reason is kept in the rendered workload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub opt_out: Option<String>,
}

impl Probes {
    /// Whether no probe is configured and none is opted out of.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.liveness.is_none()
            && self.readiness.is_none()
            && self.startup.is_none()
            && self.opt_out.is_none()
    }
}

/// One health check: exactly one of `http`, `tcp` or `exec`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Probe {
    /// An HTTP GET on this path succeeds with a 2xx or 3xx status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^/"))]
    pub http: Option<String>,
    /// A TCP connection to this port (by name) succeeds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp: Option<PortName>,
    /// This command exits with status 0 inside the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<Vec<String>>,
    /// The port an `http` probe connects to; defaults to the service's first port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<PortName>,
    /// Seconds to wait after the container starts before probing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_delay_seconds: Option<u32>,
    /// Seconds between probes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub period_seconds: Option<u32>,
    /// Seconds after which a probe times out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_seconds: Option<u32>,
    /// Consecutive failures before the probe counts as failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub failure_threshold: Option<u32>,
}
