//! The public model: the types service, environment and platform files load
//! into, and that a Rust program can build directly.

mod build;
mod environment;
mod infrastructure;
mod ingress;
mod maintenance;
mod middleware;
mod patch;
mod platform;
mod pod;
mod resources;
mod routing;
mod secrets;
mod service;
mod types;
mod workload;

pub use environment::{ClusterFlavour, Environment, Images, ServiceOverride};
pub use infrastructure::{ExternalProvider, HelmProvider, INSTANCES, Infrastructure, Provider};
pub use ingress::{
    AddressRange, Ingress, LoadBalancer, LoadBalancerScheme, Tls, TlsVersion, TraefikApiGroup,
    TraefikVersion,
};
pub use maintenance::{Maintenance, MaintenanceSettings};
pub use middleware::{
    AUTH_USERS_KEY, AddPrefix, BASIC_AUTH_USERS_KEY, BasicAuth, Buffering, CertInfo, Chain,
    CircuitBreaker, Compress, ContentType, DigestAuth, Duration, EncodedCharacters, Encoding,
    Errors, ForwardAuth, ForwardAuthTls, GrpcWeb, Headers, InFlightReq, IpAllowList, IssuerInfo,
    Middleware, Middlewares, PassTlsClientCert, RateLimit, RedirectHttps, RedirectRegex,
    RedirectScheme, ReplacePath, ReplacePathRegex, Retry, ServiceReference, StatusCode,
    StatusRange, StripPrefix, StripPrefixRegex, SubjectInfo,
};
pub use patch::{Patch, PatchKind, PatchTarget};
pub use platform::{Defaults, MaintenancePage, PlatformSettings};
pub use pod::{
    ConfigMapFiles, ContainerParts, ContainerPort, EmptyDir, FileKey, Hatches, InitContainer,
    Layer, Lifecycle, PodSettings, SecretFiles, Sidecar, SidecarProbes, StorageMedium, Volume,
};
pub use resources::{ResourceList, Resources};
pub use routing::{Route, RoutePath, SameSite, StickyCookie};
pub use secrets::{DevelopmentSecrets, SecretStore, SecretStoreKind};
pub use service::{
    ConfigFile, Egress, Port, Probe, Probes, Protocol, RunAs, SecretKeyRef, Service, WorkloadKind,
};
pub use types::{
    ChartRepository, ChartSource, CredentialKey, Credentials, DATABASE_PLACEHOLDERS,
    DefaultRequests, ExternalField, ExternalRules, FixedOutput, HelmChart, InfraType, Output,
    SERVICE_PLACEHOLDER, ServiceRule, Types, URL_PLACEHOLDERS, UrlForms,
};
pub use workload::{Autoscale, ConcurrencyPolicy, JobSettings};

use crate::names::{EnvName, ServiceName};

/// A whole platform: settings, infrastructure types, services and
/// environments, each sorted by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Platform {
    /// Settings from `platform.yaml`, or the defaults.
    pub settings: PlatformSettings,
    /// The infrastructure types services may use: the built-in ones, and the
    /// platform's own from `types/`, which replace built-in ones of the same
    /// name.
    pub types: Types,
    /// Every service, sorted by name.
    pub services: Vec<Service>,
    /// Every environment, sorted by name.
    pub environments: Vec<Environment>,
}

impl Platform {
    /// The service called `name`.
    #[must_use]
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services
            .binary_search_by(|s| s.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.services[i])
    }

    /// The environment called `name`.
    #[must_use]
    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments
            .binary_search_by(|e| e.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.environments[i])
    }

    /// Sorts services and environments by name, the order every later stage relies on.
    pub fn sort(&mut self) {
        self.services.sort_by(|a, b| a.name.cmp(&b.name));
        self.environments.sort_by(|a, b| a.name.cmp(&b.name));
    }

    /// The names of all services.
    pub fn service_names(&self) -> impl Iterator<Item = &ServiceName> {
        self.services.iter().map(|s| &s.name)
    }

    /// The names of all environments.
    pub fn environment_names(&self) -> impl Iterator<Item = &EnvName> {
        self.environments.iter().map(|e| &e.name)
    }
}
