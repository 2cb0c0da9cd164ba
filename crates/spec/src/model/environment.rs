//! An environment file (`environments/<name>.yaml`): where and how the
//! platform runs — namespace, domain, cluster flavour, image tags and
//! per-service overrides.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::infrastructure::Infrastructure;
use super::ingress::{Ingress, LoadBalancer};
use super::maintenance::Maintenance;
use super::patch::Patch;
use super::pod::{InitContainer, Lifecycle, PodSettings, Sidecar, Volume};
use super::resources::Resources;
use super::secrets::{DevelopmentSecrets, SecretStore};
use super::workload::Autoscale;
use crate::names::{
    DomainName, EnvName, EnvVarName, ImageTag, NamespaceName, ObjectName, ServiceName, keyed_by,
};

/// One place the platform runs. A file that `extends` another holds only
/// what differs: the fields marked required must be set by the time the
/// chain is merged, in this file or one it extends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "platc environment")]
pub struct Environment {
    /// The environment's name; it must match the file name (`environments/<name>.yaml`).
    pub name: EnvName,
    /// Another environment this one is based on: its settings are inherited
    /// and this file's override them. Mappings merge key by key, lists and
    /// scalars replace, `null` removes an inherited key; `name`, `extends`,
    /// `abstract` and `acceptInherited` are never inherited. Values that must
    /// differ per environment (`domain`, `namespace`, `secretStore.prefix`,
    /// an external provider's `host`, `username`, `remoteKey` and `secret`)
    /// may not be the parent's unless `acceptInherited` says why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<EnvName>,
    /// Marks a base that other environments extend and that is never
    /// rendered itself; it may leave out required fields such as `domain`.
    /// Abstract environments are not part of the loaded platform.
    #[serde(default, rename = "abstract", skip_serializing_if = "std::ops::Not::not")]
    pub is_abstract: bool,
    /// Values that must differ per environment but are kept from the
    /// environment this one extends on purpose: the key path
    /// (`infrastructure.kafka.host`) mapped to the reason, for reviewers.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub accept_inherited: IndexMap<String, String>,
    /// The Kubernetes namespace the services run in; defaults to the environment's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<NamespaceName>,
    /// The DNS domain routes are published under, available to templates as
    /// `environment.domain`.
    pub domain: DomainName,
    /// The kind of cluster: `kind` on a laptop, `eks` on AWS, `generic` elsewhere.
    pub cluster: ClusterFlavour,
    /// Marks an environment for local development: the `latest` tag and missing
    /// tags are allowed here and nowhere else.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub development: bool,
    /// Which image tag each service runs.
    #[serde(default, skip_serializing_if = "Images::is_empty")]
    pub images: Images,
    /// Per-service settings that differ in this environment.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(transform = keyed_by::<ServiceName>)]
    pub overrides: IndexMap<ServiceName, ServiceOverride>,
    /// How each type of infrastructure the services use is provided here.
    #[serde(default, skip_serializing_if = "Infrastructure::is_empty")]
    pub infrastructure: Infrastructure,
    /// The Traefik release that serves the routes, and which proxies it trusts.
    #[serde(default, skip_serializing_if = "Ingress::is_empty")]
    pub ingress: Ingress,
    /// How Traefik is exposed: a MetalLB pool on `kind`, an AWS NLB on `eks`.
    #[serde(default, skip_serializing_if = "LoadBalancer::is_empty")]
    pub load_balancer: LoadBalancer,
    /// An external-secrets.io store that provides every Secret services and
    /// providers reference, rendered as `ExternalSecret` objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_store: Option<SecretStore>,
    /// Switches every public route to the maintenance target (HTTP 503 and
    /// a page) while the workloads keep running, for a cut-over: `true`, or
    /// `{enabled: true, service: landing}` to have a service of the platform
    /// answer.
    #[serde(default, skip_serializing_if = "Maintenance::is_off")]
    pub maintenance: Maintenance,
    /// Plaintext Secrets for local development (Secret → key → value),
    /// rendered as Secret objects marked as development-only. Refused unless
    /// `development: true`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(transform = keyed_by::<ObjectName>)]
    pub development_secrets: DevelopmentSecrets,
    /// The last resort, for what neither the model nor its escape hatches
    /// can say: JSON merge patches (RFC 7386) applied to named rendered
    /// objects of this environment after they are built, each with the
    /// reason a reviewer reads. `platc check` lists every patch in effect.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patches: Vec<Patch>,
}

impl Environment {
    /// The keys of an environment file that belong to the file itself and
    /// are never inherited through `extends`.
    pub const OWN_KEYS: [&'static str; 4] = ["name", "extends", "abstract", "acceptInherited"];

    /// The namespace the services run in.
    #[must_use]
    pub fn namespace(&self) -> NamespaceName {
        self.namespace.clone().unwrap_or_else(|| NamespaceName::from(&self.name))
    }
}

/// The kind of cluster an environment runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ClusterFlavour {
    /// kind (Kubernetes in Docker) on a developer's machine.
    Kind,
    /// Amazon EKS.
    Eks,
    /// Any other conformant cluster.
    Generic,
}

impl ClusterFlavour {
    /// The name used in files and templates.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kind => "kind",
            Self::Eks => "eks",
            Self::Generic => "generic",
        }
    }
}

/// Image tags: a default for every service and exceptions per service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Images {
    /// The tag of every service not listed under `tags`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_tag: Option<ImageTag>,
    /// The tag of individual services; `platc promote` copies these between environments.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(transform = keyed_by::<ServiceName>)]
    pub tags: IndexMap<ServiceName, ImageTag>,
}

impl Images {
    /// Whether neither a default nor a per-service tag is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.default_tag.is_none() && self.tags.is_empty()
    }

    /// The tag `service` runs with here, if any.
    #[must_use]
    pub fn tag_for(&self, service: &ServiceName) -> Option<&ImageTag> {
        self.tags.get(service).or(self.default_tag.as_ref())
    }
}

/// Settings of one service that differ in this environment. Mappings merge
/// with the service's key by key (the override's value wins); lists and
/// single values replace the service's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServiceOverride {
    /// Replaces the service's replica count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Replaces individual requests and limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Adds environment variables or replaces the values of the service's own.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(transform = keyed_by::<EnvVarName>)]
    pub env: IndexMap<EnvVarName, String>,
    /// Values of this override's `env` that look like secrets but are not:
    /// the variable's name mapped to the reason its value may be written in
    /// plaintext here. An entry that allows nothing is a warning.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub allow_plaintext: IndexMap<String, String>,
    /// Replaces the service's autoscaling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscale: Option<Autoscale>,
    /// Replaces a `cronjob`'s schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// Stops a `cronjob` from starting new runs here.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub suspend: bool,
    /// Merged into the service's pod settings: `annotations` and
    /// `nodeSelector` key by key, `affinity` kind by kind (`nodeAffinity`,
    /// `podAffinity`, `podAntiAffinity`); the other fields replace the
    /// service's.
    #[serde(default, skip_serializing_if = "PodSettings::is_empty")]
    pub pod: PodSettings,
    /// Merged into the service's lifecycle hooks, hook by hook: a hook set
    /// here replaces the service's.
    #[serde(default, skip_serializing_if = "Lifecycle::is_empty")]
    pub lifecycle: Lifecycle,
    /// Replaces the service's volumes (`[]` removes them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volumes: Option<Vec<Volume>>,
    /// Replaces the service's sidecars (`[]` removes them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sidecars: Option<Vec<Sidecar>>,
    /// Replaces the service's init containers (`[]` removes them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_containers: Option<Vec<InitContainer>>,
}
