//! Dependencies as one environment provides them: each dependency the
//! services use gets its outputs from the environment's provider (an
//! in-cluster release or an external endpoint) and its type's descriptor,
//! the variables and template fields derived from them, and, for
//! in-cluster providers, its Helm release with the chart's values.

use minijinja::Value;
use platc_spec::Diagnostic;
use platc_spec::model::{Environment, HelmProvider, Platform, Provider, Resources};
use platc_spec::names::{DependencyName, NamespaceName, ObjectName, ServiceName};
use platc_spec::quantity::Quantity;
use platc_spec::validate::dependencies;

use crate::helm::{Release, merge};
use crate::infra::{
    self, Amounts, Endpoint, InfraType, PASSWORD_KEY, ReleaseContext, Requests, ResourcesValue,
};
use crate::resolved::{EnvVar, Outputs, ResolvedDependency, SecretKey};

/// The size of each volume of an in-cluster release unless the provider sets one.
pub const DEFAULT_STORAGE: &str = "8Gi";

/// One dependency with its provider here, and what services see of it.
#[derive(Debug)]
pub(super) struct Provided<'a> {
    /// The name services use for it.
    pub name: DependencyName,
    /// Its type.
    pub descriptor: &'static InfraType,
    /// How the environment provides it.
    pub provider: &'a Provider,
    /// Where the environment file sets the provider (a JSON pointer).
    pub pointer: String,
    /// The services that use it, in name order.
    pub users: Vec<ServiceName>,
    /// What its provider yields.
    pub outputs: Outputs,
    /// The variables injected into each service that uses it.
    pub env: Vec<EnvVar>,
    /// What templates read as `resources.<name>`.
    pub fields: Vec<(&'static str, Value)>,
}

impl Provided<'_> {
    /// The Secret holding the credentials, and every key it must hold.
    pub fn credentials(&self) -> (&ObjectName, &'static [&'static str]) {
        let keys: &'static [&'static str] = match self.provider {
            Provider::Helm(_) => self.descriptor.chart.secret_keys,
            Provider::External(_) => &[PASSWORD_KEY],
        };
        (&self.outputs.password.secret, keys)
    }

    /// The dependency as the resolved environment records it.
    pub fn resolved(&self) -> ResolvedDependency {
        ResolvedDependency {
            name: self.name.clone(),
            type_name: self.descriptor.name,
            in_cluster: matches!(self.provider, Provider::Helm(_)),
            users: self.users.clone(),
            outputs: self.outputs.clone(),
        }
    }
}

/// Every dependency the services use, with its provider in `environment`,
/// in name order. Dependencies without a provider were reported by validation
/// and are skipped.
pub(super) fn resolve<'a>(
    platform: &Platform,
    environment: &'a Environment,
    namespace: &NamespaceName,
) -> Vec<Provided<'a>> {
    dependencies(platform)
        .into_iter()
        .filter_map(|(name, (kind, users))| {
            let provider = environment.infrastructure.provider(&name, kind)?;
            let pointer = environment.infrastructure.provider_pointer(&name, kind);
            let descriptor = infra::descriptor(kind);
            let outputs = descriptor.outputs(endpoint(&name, descriptor, provider, namespace));
            let env = descriptor.env_vars(&name, &outputs);
            let fields = descriptor.template_fields(&outputs);
            let users = users.iter().map(|s| s.name.clone()).collect();
            Some(Provided { name, descriptor, provider, pointer, users, outputs, env, fields })
        })
        .collect()
}

/// Where the provider puts the dependency `name` of type `descriptor`.
fn endpoint(
    name: &DependencyName,
    descriptor: &InfraType,
    provider: &Provider,
    namespace: &NamespaceName,
) -> Endpoint {
    match provider {
        Provider::Helm(helm) => {
            let service =
                descriptor.chart.service.service(name.as_str(), helm.replicas.unwrap_or(1));
            Endpoint {
                host: format!("{service}.{namespace}.svc.cluster.local"),
                port: descriptor.default_port,
                name: descriptor.database(name, None),
                username: helm
                    .username
                    .clone()
                    .unwrap_or_else(|| descriptor.default_username.to_owned()),
                password: SecretKey {
                    secret: infra::credentials_secret(name),
                    key: descriptor.chart.password_key.to_owned(),
                },
                tls: false,
            }
        }
        Provider::External(external) => Endpoint {
            host: external.host.clone(),
            port: external.port.unwrap_or(descriptor.default_port),
            name: descriptor.database(name, external.database.as_deref()),
            username: external
                .username
                .clone()
                .unwrap_or_else(|| descriptor.default_username.to_owned()),
            password: SecretKey {
                secret: external.secret.clone().unwrap_or_else(|| infra::credentials_secret(name)),
                key: PASSWORD_KEY.to_owned(),
            },
            tls: external.tls.unwrap_or(true),
        },
    }
}

/// The release of every in-cluster dependency with its values: the chart's
/// writer's, Bitnami's image fix, then the values users add (checked against
/// the chart's keys before resolve, in [`crate::validate`]).
pub(super) fn releases(
    provided: &[Provided<'_>],
    namespace: &NamespaceName,
) -> Result<Vec<Release>, Diagnostic> {
    provided
        .iter()
        .filter_map(|dependency| match dependency.provider {
            Provider::Helm(helm) => Some(release(dependency, helm, namespace)),
            Provider::External(_) => None,
        })
        .collect()
}

fn release(
    dependency: &Provided<'_>,
    helm: &HelmProvider,
    namespace: &NamespaceName,
) -> Result<Release, Diagnostic> {
    let chart = &dependency.descriptor.chart;
    let context = ReleaseContext {
        name: dependency.name.as_str(),
        replicas: helm.replicas.unwrap_or(1),
        storage: helm
            .storage
            .as_ref()
            .map_or_else(|| DEFAULT_STORAGE.to_owned(), ToString::to_string),
        resources: resources_value(helm.resources.as_ref(), chart.default_requests),
        username: &dependency.outputs.username,
        database: dependency.outputs.name.as_deref(),
        secret: dependency.outputs.password.secret.as_str(),
    };
    let mut values = (chart.values)(&context).map_err(|e| {
        crate::emit::serialize_error(
            &format!("the values of the release `{}`", dependency.name),
            &e,
        )
    })?;
    merge(&mut values, &bitnami_legacy_images(chart.chart.name));
    merge(&mut values, &serde_json::Value::Object(helm.values.clone().into_iter().collect()));
    let chart = dependency.descriptor.chart_ref(helm.version.as_deref());
    Ok(Release::new(dependency.name.as_str(), namespace.as_str(), chart, values))
}

/// Bitnami stopped publishing versioned images under `docker.io/bitnami` in
/// August 2025 and moved them to `docker.io/bitnamilegacy`. The pinned charts
/// still name the old repository, and refuse a substituted image unless
/// `global.security.allowInsecureImages` is set. An environment can point
/// `image` elsewhere through the provider's `values`.
fn bitnami_legacy_images(chart: &str) -> serde_json::Value {
    serde_json::json!({
        "global": {"security": {"allowInsecureImages": true}},
        "image": {"repository": format!("bitnamilegacy/{chart}")},
    })
}

/// A provider's resources over the chart's default requests; a limit left
/// unset equals its request (memory limits below requests are impossible
/// here, and a database should not be throttled below what it reserved).
fn resources_value(resources: Option<&Resources>, defaults: Requests) -> ResourcesValue {
    let empty = Resources::default();
    let resources = resources.unwrap_or(&empty);
    let request_cpu =
        resources.requests.cpu.as_ref().map_or(defaults.cpu, Quantity::as_str).to_owned();
    let request_memory =
        resources.requests.memory.as_ref().map_or(defaults.memory, Quantity::as_str).to_owned();
    let limit = |limit: Option<&Quantity>, request: &str| match (limit, Quantity::new(request)) {
        (Some(limit), Ok(request)) if limit.cmp_amount(&request) != std::cmp::Ordering::Less => {
            limit.to_string()
        }
        _ => request.to_owned(),
    };
    ResourcesValue {
        limits: Amounts {
            cpu: limit(resources.limits.cpu.as_ref(), &request_cpu),
            memory: limit(resources.limits.memory.as_ref(), &request_memory),
        },
        requests: Amounts { cpu: request_cpu, memory: request_memory },
    }
}
