//! The resolved environment: one environment of the model with every
//! decision taken. Defaults are applied, templates rendered, names computed,
//! dependencies provided and Helm values written, so the builders only
//! translate these values into Kubernetes objects.
//!
//! Everything here is owned data and nothing here comes from
//! `platc_spec::model`. The validated value types of `platc_spec::names` and
//! `platc_spec::quantity` (`ServiceName`, `ImageTag`, `Quantity`, ...) are used
//! as they are: they are values, not the model's structure. A choice of the
//! model that a builder has to branch on is *mirrored* here as the decision
//! it comes to — [`Workload`] carries the settled settings of its kind,
//! [`TraefikGeneration`] is the Traefik platc installs and talks to — and a
//! choice that only picks a word is replaced by that word (`"Forbid"`,
//! `"TCP"`). Nothing is re-exported from the model, so a change of the
//! model's shape stops at resolve, and the builders cannot read a setting
//! resolve has not settled.
//!
//! This module imports no builder and no resolve code: builders and resolve
//! both depend on it, never the other way.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Affinity, Lifecycle, Toleration, TopologySpreadConstraint};
use platc_spec::Diagnostic;
use platc_spec::names::{
    DependencyName, EnvName, ImageTag, NamespaceName, ObjectName, PortName, ServiceName, TypeName,
};
use platc_spec::quantity::Quantity;

use crate::crd::traefik::{MiddlewareSpec, StickyCookieSpec};
use crate::helm::Release;
use crate::object::Owner;

/// One environment with everything in it resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedEnvironment {
    /// The environment's name.
    pub name: EnvName,
    /// The namespace the services run in.
    pub namespace: NamespaceName,
    /// The platform's name: the `app.kubernetes.io/part-of` label, and part
    /// of the names of the ApplySet parent and the TLSOption.
    pub platform: ObjectName,
    /// Whether the environment is marked for local development.
    pub development: bool,
    /// Every service, in name order.
    pub services: Vec<ResolvedService>,
    /// The maintenance page server, when the environment is in maintenance.
    pub maintenance: Option<ResolvedService>,
    /// Every dependency the services use, with what its provider yields here,
    /// in name order.
    pub dependencies: Vec<ResolvedDependency>,
    /// How routes reach Traefik.
    pub ingress: ResolvedIngress,
    /// The platform's shared middlewares, rendered once per environment.
    pub middlewares: Vec<ResolvedMiddleware>,
    /// The MetalLB pool Traefik takes its address from (on kind).
    pub address_pool: Option<AddressPool>,
    /// Every Secret the workloads read, and where each key comes from.
    pub secrets: ResolvedSecrets,
    /// The helmfile's releases with their values: platform components, then
    /// infrastructure.
    pub releases: Vec<Release>,
    /// The environment's patches, in file order, applied to the built
    /// objects before they are emitted.
    pub patches: Vec<ResolvedPatch>,
    /// What resolve found that does not stop the render: plaintext values a
    /// development environment keeps, opt-outs that allow nothing.
    pub warnings: Vec<Diagnostic>,
}

/// One patch of the environment, its values checked for plaintext secrets.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedPatch {
    /// Its position in the environment's `patches`.
    pub index: usize,
    /// The kind of the object it changes.
    pub kind: &'static str,
    /// The object's name (a Job's: its service's).
    pub name: String,
    /// The object's namespace, when the patch names one.
    pub namespace: Option<String>,
    /// The JSON merge patch.
    pub merge: serde_json::Map<String, serde_json::Value>,
}

/// A service as it runs in one environment.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedService {
    /// The service's name; it names its objects.
    pub name: ServiceName,
    /// Where its objects go in the tree.
    pub owner: Owner,
    /// What runs, with the settings of its kind.
    pub workload: Workload,
    /// The sentence on what it does.
    pub description: Option<String>,
    /// The image tag it runs.
    pub tag: ImageTag,
    /// The full image reference (`ghcr.io/acme/api:1.4.2`).
    pub image: String,
    /// The replica count (an autoscaler, when there is one, decides instead).
    pub replicas: u32,
    /// Effective requests and limits.
    pub resources: EffectiveResources,
    /// The ports the container listens on.
    pub ports: Vec<ResolvedPort>,
    /// Environment variables in their final order.
    pub env: Vec<EnvVar>,
    /// Configuration files with templates rendered.
    pub files: Vec<ResolvedFile>,
    /// The entrypoint override, templates rendered.
    pub command: Vec<String>,
    /// The arguments, templates rendered.
    pub args: Vec<String>,
    /// Health checks, with their ports named.
    pub probes: ResolvedProbes,
    /// Autoscaling, from the environment's override or the service.
    pub autoscale: Option<ResolvedAutoscale>,
    /// Routes with their hosts rendered and their backends chosen.
    pub routes: Vec<ResolvedRoute>,
    /// The service's own middlewares, under their object names.
    pub middlewares: Vec<ResolvedMiddleware>,
    /// The user and group its pods run as.
    pub run_as: RunAsIds,
    /// Why it runs without a readiness or liveness probe, when it says so.
    pub probe_opt_out: Option<String>,
    /// The connections its pods may accept and open.
    pub network: NetworkAccess,
    /// What its pods carry beyond what platc derives: the escape hatches.
    pub pod: PodExtras,
    /// Whether its pods prefer nodes where none of its other pods run: a
    /// Deployment of more than one pod (or an autoscaled one) whose
    /// `affinity` says nothing about pod anti-affinity, so one node's
    /// failure or drain does not take every pod at once.
    pub spread_over_nodes: bool,
}

/// A service's escape hatches with the environment's override applied:
/// pod settings, lifecycle hooks, extra volumes, sidecars and init
/// containers. Kubernetes' own shapes are k8s-openapi's types, as written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodExtras {
    /// Annotations of the pods.
    pub annotations: BTreeMap<String, String>,
    /// Node labels the pods need.
    pub node_selector: BTreeMap<String, String>,
    /// Taints the pods tolerate.
    pub tolerations: Vec<Toleration>,
    /// Node and pod (anti-)affinity.
    pub affinity: Option<Affinity>,
    /// How the pods spread; a constraint without a label selector counts
    /// the service's own pods.
    pub topology_spread_constraints: Vec<TopologySpreadConstraint>,
    /// The pods' PriorityClass.
    pub priority_class_name: Option<String>,
    /// Seconds between the stop signal and the kill.
    pub termination_grace_period_seconds: Option<u32>,
    /// Hooks of the service's container.
    pub lifecycle: Option<Lifecycle>,
    /// Extra volumes, in the order written.
    pub volumes: Vec<ResolvedVolume>,
    /// Native sidecars, started in order before the service's container.
    pub sidecars: Vec<ResolvedContainer>,
    /// Init containers, run in order after the sidecars have started.
    pub init_containers: Vec<ResolvedContainer>,
}

/// An extra volume of a pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedVolume {
    /// Its name.
    pub name: String,
    /// Where the service's container mounts it, if it does.
    pub path: Option<String>,
    /// What it holds.
    pub source: VolumeSource,
}

impl ResolvedVolume {
    /// Whether containers mount it read-only: Secrets and ConfigMaps are.
    #[must_use]
    pub fn read_only(&self) -> bool {
        !matches!(self.source, VolumeSource::EmptyDir { .. })
    }
}

/// What a volume holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeSource {
    /// Scratch space for the pod's life.
    EmptyDir {
        /// In memory (a tmpfs) rather than on the node's disk.
        memory: bool,
        /// The most it may hold.
        size_limit: Option<Quantity>,
    },
    /// Keys of a Secret, as files.
    Secret {
        /// The Secret.
        name: ObjectName,
        /// The keys, each a file of its name.
        keys: Vec<String>,
    },
    /// Keys of a ConfigMap, as files.
    ConfigMap {
        /// The ConfigMap.
        name: ObjectName,
        /// The keys, each a file of its name; every key when empty.
        keys: Vec<String>,
    },
}

/// A sidecar or init container, every default applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedContainer {
    /// Its name.
    pub name: String,
    /// The full image reference.
    pub image: String,
    /// The entrypoint override, templates rendered.
    pub command: Vec<String>,
    /// The arguments, templates rendered.
    pub args: Vec<String>,
    /// Environment variables: Secret references, then values.
    pub env: Vec<EnvVar>,
    /// Ports it listens on (sidecars).
    pub ports: Vec<ResolvedPort>,
    /// Health checks (sidecars).
    pub probes: ResolvedProbes,
    /// Effective requests and limits.
    pub resources: EffectiveResources,
    /// The volumes it mounts: volume name and directory.
    pub mounts: Vec<(String, String)>,
}

impl PodExtras {
    /// Every Secret key the extras read: their containers' `secrets` and the
    /// keys of Secret volumes.
    pub fn secret_keys(&self) -> impl Iterator<Item = (String, String)> + '_ {
        let env =
            self.sidecars.iter().chain(&self.init_containers).flat_map(|c| &c.env).filter_map(
                |var| match &var.source {
                    EnvSource::Secret(key) => Some((key.secret.to_string(), key.key.clone())),
                    EnvSource::Value(_) => None,
                },
            );
        let volumes = self.volumes.iter().flat_map(|volume| match &volume.source {
            VolumeSource::Secret { name, keys } => {
                keys.iter().map(|key| (name.to_string(), key.clone())).collect()
            }
            VolumeSource::EmptyDir { .. } | VolumeSource::ConfigMap { .. } => Vec::new(),
        });
        env.chain(volumes)
    }
}

/// The user and group of a pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunAsIds {
    /// `runAsUser`.
    pub user: u32,
    /// `runAsGroup` and `fsGroup`.
    pub group: u32,
}

/// The connections a service's pods may accept and open, beyond DNS
/// (allowed for every pod of the namespace).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkAccess {
    /// Who may connect to the pods, and on which ports.
    pub ingress: Vec<IngressRule>,
    /// Where the pods may connect to.
    pub egress: Vec<EgressRule>,
}

/// Connections the pods accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressRule {
    /// Who connects.
    pub from: Peer,
    /// The container ports, with their protocol.
    pub ports: Vec<(u16, &'static str)>,
}

/// Connections the pods open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EgressRule {
    /// Where to.
    pub to: Peer,
    /// The ports, with their protocol.
    pub ports: Vec<(u16, &'static str)>,
    /// What the rule is for, as it appears in review (`payments-api`,
    /// `postgres orders-db`, `api.stripe.com: card payments`).
    pub note: String,
}

/// The other end of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    /// The pods of a service of the platform, in the namespace.
    Service(ServiceName),
    /// The pods of an in-cluster release, in the namespace.
    Release(String),
    /// Traefik's pods, in their own namespace.
    Ingress,
    /// Addresses outside the cluster.
    Cidr(String),
    /// Any address: the destination's addresses are not known.
    Anywhere,
}

/// What a service runs as, with the settings that kind needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Workload {
    /// A long-running server behind a Service.
    Web,
    /// A long-running background process.
    Worker,
    /// A task run on a schedule.
    CronJob(CronJobRun),
    /// A task run once per version of its content.
    Job(JobRun),
}

impl Workload {
    /// The `app.kubernetes.io/component` label: the kind as services write it.
    #[must_use]
    pub fn component(&self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Worker => "worker",
            Self::CronJob(_) => "cronjob",
            Self::Job(_) => "job",
        }
    }

    /// Whether its pods run until stopped (a Deployment).
    #[must_use]
    pub fn is_long_running(&self) -> bool {
        matches!(self, Self::Web | Self::Worker)
    }
}

/// How a scheduled task runs, every default applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronJobRun {
    /// The cron schedule.
    pub schedule: String,
    /// The schedule's time zone; the cluster's when unset.
    pub time_zone: Option<String>,
    /// `concurrencyPolicy`: `Allow`, `Forbid` or `Replace`.
    pub concurrency_policy: &'static str,
    /// Finished runs kept.
    pub successful_jobs_history_limit: u32,
    /// Failed runs kept.
    pub failed_jobs_history_limit: u32,
    /// Seconds after its time within which a run may still start.
    pub starting_deadline_seconds: u32,
    /// Whether new runs are held back here.
    pub suspend: bool,
    /// How each run goes.
    pub run: JobRun,
}

/// How one run of a task goes, every default applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRun {
    /// Retries before a run counts as failed.
    pub backoff_limit: u32,
    /// Seconds a run may take.
    pub active_deadline_seconds: Option<u32>,
}

/// A port of the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedPort {
    /// Its name, which Services, probes and routes use.
    pub name: PortName,
    /// The port the container listens on.
    pub container_port: u16,
    /// The port the Service exposes.
    pub service_port: u16,
    /// `TCP` or `UDP`.
    pub protocol: &'static str,
}

/// The probes of the container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvedProbes {
    /// Restarts the container when it fails.
    pub liveness: Option<ResolvedProbe>,
    /// Takes the pod out of the Service while it fails.
    pub readiness: Option<ResolvedProbe>,
    /// Holds the other probes back until the container has started.
    pub startup: Option<ResolvedProbe>,
}

/// One probe, its ports named.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvedProbe {
    /// An HTTP GET.
    pub http: Option<HttpGet>,
    /// A TCP connection to this port, by name.
    pub tcp: Option<String>,
    /// A command run in the container.
    pub exec: Option<Vec<String>>,
    /// Seconds before the first probe.
    pub initial_delay_seconds: Option<u32>,
    /// Seconds between probes.
    pub period_seconds: Option<u32>,
    /// Seconds after which a probe times out.
    pub timeout_seconds: Option<u32>,
    /// Consecutive failures before the probe counts as failed.
    pub failure_threshold: Option<u32>,
}

/// An HTTP probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpGet {
    /// The path.
    pub path: String,
    /// The port, by name.
    pub port: String,
}

/// A HorizontalPodAutoscaler's bounds and targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedAutoscale {
    /// The fewest pods.
    pub min: u32,
    /// The most pods.
    pub max: u32,
    /// Target average CPU use, in percent of the request.
    pub cpu: Option<u16>,
    /// Target average memory use, in percent of the request.
    pub memory: Option<u16>,
}

/// A route as it exists in one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedRoute {
    /// Its position in the service's `routes`.
    pub index: usize,
    /// The host, templates rendered.
    pub host: String,
    /// Path prefixes; `/` when none was given.
    pub paths: Vec<String>,
    /// The Middleware objects applied, in order, by object name.
    pub middlewares: Vec<String>,
    /// Where requests go: the service, or the maintenance target.
    pub backend: Backend,
    /// The cookie that keeps a client on one pod, when the route asks.
    pub sticky: Option<StickyCookieSpec>,
}

/// A Service and port requests go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backend {
    /// The Service's name.
    pub service: String,
    /// The Service port.
    pub port: u16,
}

/// A middleware under its object name, in Traefik's terms for the
/// environment's Traefik: every default applied, names of other middlewares
/// and Services resolved, client addresses read past the trusted proxies,
/// each option under the name the API group gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedMiddleware {
    /// The Middleware object's name (`api-strip` for a service's own).
    pub name: String,
    /// What it does.
    pub spec: MiddlewareSpec,
    /// The Service and port of the platform it sends requests to
    /// (`forwardAuth`, `errors`), which Traefik must be let in to.
    pub backend: Option<Backend>,
}

/// How routes reach Traefik in one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedIngress {
    /// The Traefik platc installs, which decides the API group of its resources.
    pub traefik: TraefikGeneration,
    /// The Traefik release it runs (`3.7.11`).
    pub version: String,
    /// The entry points routes listen on.
    pub entry_points: Vec<String>,
    /// TLS of every route.
    pub tls: Option<RouteTls>,
    /// The TLSOption routes use, when the environment sets a minimum version.
    pub tls_option: Option<TlsOption>,
    /// The trusted proxies middlewares skip to find the client's address;
    /// none when no proxy is trusted or PROXY protocol delivers the address.
    pub excluded_ips: Option<Vec<String>>,
    /// The namespace Traefik runs in.
    pub namespace: String,
    /// The labels of Traefik's pods, which NetworkPolicies let in.
    pub pod_labels: BTreeMap<String, String>,
}

/// The Traefik platc installs and writes resources for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraefikGeneration {
    /// Traefik 3, resources in `traefik.io`.
    V3,
    /// Traefik 2, resources in `traefik.containo.us`.
    V2,
}

impl TraefikGeneration {
    /// The `apiVersion` of its custom resources.
    #[must_use]
    pub fn api_version(self) -> &'static str {
        match self {
            Self::V3 => "traefik.io/v1alpha1",
            Self::V2 => "traefik.containo.us/v1alpha1",
        }
    }
}

/// TLS of a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteTls {
    /// A certificate resolver, by name.
    pub cert_resolver: Option<String>,
    /// A TLS Secret, by name.
    pub secret_name: Option<String>,
    /// The TLSOption, by name.
    pub options: Option<String>,
}

/// A TLSOption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOption {
    /// Its name.
    pub name: String,
    /// The oldest TLS version accepted, as Traefik spells it.
    pub min_version: &'static str,
}

/// A MetalLB address pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressPool {
    /// Its name.
    pub name: String,
    /// Address ranges and CIDRs.
    pub addresses: Vec<String>,
}

/// Every Secret the environment's workloads read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvedSecrets {
    /// The store that provides them, when the environment names one.
    pub store: Option<SecretStoreRef>,
    /// Secret name → key → where its value comes from.
    pub secrets: BTreeMap<String, BTreeMap<String, SecretSource>>,
}

/// An external-secrets.io store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretStoreRef {
    /// Its name.
    pub name: String,
    /// `ClusterSecretStore` or `SecretStore`.
    pub kind: &'static str,
    /// How often the cluster re-reads it.
    pub refresh_interval: String,
}

/// Where the value of one Secret key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// A plaintext value from `developmentSecrets`.
    Given(String),
    /// A generated development password.
    Generated,
    /// A value that is not secret, written as is: the user name a chart
    /// reads from its credentials Secret. In a development environment it is
    /// written into the Secret, where a store provides the other keys into
    /// the ExternalSecret's template.
    Value(String),
    /// The secret store: remote key and property.
    Store {
        /// The remote key.
        key: String,
        /// The property in it.
        property: String,
    },
}

/// One dependency as its provider yields it here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedDependency {
    /// The name services use for it.
    pub name: DependencyName,
    /// Its infrastructure type (`postgres`).
    pub type_name: TypeName,
    /// Whether platc installs it in the cluster.
    pub in_cluster: bool,
    /// The services that use it, in name order.
    pub users: Vec<ServiceName>,
    /// What services see.
    pub outputs: Outputs,
}

/// What every provider of a type yields, so a service never notices which
/// provider it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outputs {
    /// The host name clients connect to.
    pub host: String,
    /// The port.
    pub port: u16,
    /// Database, vhost, database number or bucket, for the types that have one.
    pub name: Option<String>,
    /// The user clients connect as, for the types that have one.
    pub username: Option<String>,
    /// Where the password is, for the types that have one.
    pub password: Option<SecretKey>,
    /// A connection URL without the password, for the types that have one.
    pub url: Option<String>,
    /// The type's own outputs (Kafka's security protocol), by output name.
    pub extras: Vec<(String, String)>,
}

/// One key of a Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretKey {
    /// The Secret's name.
    pub secret: ObjectName,
    /// The key.
    pub key: String,
}

/// One environment variable of a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    /// The variable's name.
    pub name: String,
    /// Where its value comes from.
    pub source: EnvSource,
}

/// The value of an environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvSource {
    /// A literal value.
    Value(String),
    /// A key of a Secret.
    Secret(SecretKey),
}

/// A configuration file ready to be put in a ConfigMap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedFile {
    /// The ConfigMap key (the file name).
    pub key: String,
    /// The mount path inside the container.
    pub path: String,
    /// The content, templates rendered.
    pub content: String,
}

/// Requests and limits with every value decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveResources {
    /// CPU request.
    pub cpu_request: Quantity,
    /// Memory request.
    pub memory_request: Quantity,
    /// Ephemeral-storage request.
    pub ephemeral_storage_request: Quantity,
    /// CPU limit.
    pub cpu_limit: Quantity,
    /// Memory limit.
    pub memory_limit: Quantity,
    /// Ephemeral-storage limit.
    pub ephemeral_storage_limit: Quantity,
}
