//! Infrastructure providers: each dependency the services use, resolved
//! against the environment's provider into the same outputs whatever the
//! provider — host, port, name, user, a password Secret and a URL — plus,
//! for in-cluster providers, the chart values and the helmfile release.
//!
//! One file per infrastructure type holds its chart and its values; adding a
//! type means adding a file and a line to [`chart_for`].

pub mod kafka;
pub mod mysql;
pub mod postgres;
pub mod rabbitmq;
pub mod redis;

use minijinja::Value;
use platc_spec::model::{
    DependencyType, Environment, ExternalProvider, HelmProvider, Provider, Resources, SecretKeyRef,
};
use platc_spec::names::{DependencyName, NamespaceName, ObjectName, ServiceName};
use platc_spec::quantity::Quantity;
use platc_spec::validate::dependencies;
use platc_spec::{Diagnostic, Origin, Platform};
use serde::Serialize;

use crate::helm::{ChartRef, Release};
use crate::resolve::{EnvSource, EnvVar};

/// The size of each volume of an in-cluster release unless the provider sets one.
pub const DEFAULT_STORAGE: &str = "8Gi";
/// The application user unless the provider sets one.
pub const DEFAULT_USERNAME: &str = "app";
/// The key of the password in every credentials Secret.
pub const PASSWORD_KEY: &str = "password";

/// One dependency as it exists in one environment.
#[derive(Debug, Clone)]
pub struct Dependency<'a> {
    /// The name services use for it.
    pub name: DependencyName,
    /// Its type.
    pub kind: DependencyType,
    /// How the environment provides it.
    pub provider: &'a Provider,
    /// The services that use it, in name order.
    pub users: Vec<ServiceName>,
    /// What services see.
    pub outputs: Outputs,
}

impl Dependency<'_> {
    /// The Secret holding the credentials, and every key it must hold.
    #[must_use]
    pub fn credentials(&self) -> (&ObjectName, Vec<&'static str>) {
        let keys = match self.provider {
            Provider::Helm(_) => chart_for(self.kind).secret_keys.to_vec(),
            Provider::External(_) => vec![PASSWORD_KEY],
        };
        (&self.outputs.password.secret, keys)
    }
}

/// What every provider of a type yields, so a service never notices which
/// provider it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outputs {
    /// The host name clients connect to.
    pub host: String,
    /// The port.
    pub port: u16,
    /// Database, vhost or database number; none for Kafka.
    pub name: Option<String>,
    /// The user clients connect as.
    pub username: String,
    /// Where the password is.
    pub password: SecretKeyRef,
    /// A connection URL without the password.
    pub url: String,
    /// Kafka's security protocol (`SASL_PLAINTEXT` or `SASL_SSL`).
    pub security_protocol: Option<&'static str>,
    /// Kafka's SASL mechanism.
    pub sasl_mechanism: Option<&'static str>,
}

impl Outputs {
    /// The environment variables injected into a service that uses the
    /// dependency, in the order of [`DependencyType::env_suffixes`].
    #[must_use]
    pub fn env(&self, name: &DependencyName, kind: DependencyType) -> Vec<EnvVar> {
        let prefix = name.env_prefix();
        kind.env_suffixes()
            .iter()
            .filter_map(|suffix| {
                let value = match *suffix {
                    "HOST" => self.host.clone(),
                    "PORT" => self.port.to_string(),
                    "NAME" => self.name.clone()?,
                    "USER" => self.username.clone(),
                    "PASSWORD" => {
                        return Some(EnvVar {
                            name: format!("{prefix}_PASSWORD"),
                            source: EnvSource::Secret(self.password.clone()),
                        });
                    }
                    "URL" => self.url.clone(),
                    "SECURITY_PROTOCOL" => self.security_protocol?.to_owned(),
                    "SASL_MECHANISM" => self.sasl_mechanism?.to_owned(),
                    _ => return None,
                };
                Some(EnvVar { name: format!("{prefix}_{suffix}"), source: EnvSource::Value(value) })
            })
            .collect()
    }

    /// The fields templates read as `resources.<name>.<field>`.
    #[must_use]
    pub fn template_fields(&self) -> Vec<(&'static str, Value)> {
        let mut fields = vec![
            ("host", Value::from(self.host.as_str())),
            ("port", Value::from(self.port)),
            ("username", Value::from(self.username.as_str())),
            ("url", Value::from(self.url.as_str())),
            ("password_secret", Value::from(self.password.secret.as_str())),
        ];
        if let Some(name) = &self.name {
            fields.push(("name", Value::from(name.as_str())));
        }
        if let Some(protocol) = self.security_protocol {
            fields.push(("security_protocol", Value::from(protocol)));
        }
        if let Some(mechanism) = self.sasl_mechanism {
            fields.push(("sasl_mechanism", Value::from(mechanism)));
        }
        fields
    }
}

/// What platc knows about the chart of one infrastructure type.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Repository, chart and pinned version.
    pub chart: ChartRef,
    /// The key of the application user's password in the credentials Secret.
    pub password_key: &'static str,
    /// The keys the credentials Secret must hold for the chart.
    pub secret_keys: &'static [&'static str],
    /// CPU and memory requested per pod unless the provider sets resources:
    /// enough for the software to start and serve a development load.
    pub default_requests: (&'static str, &'static str),
    /// The Service clients connect to, given the release's full name and
    /// replica count.
    pub service: fn(&str, u32) -> String,
    /// The chart values for one release.
    pub values: fn(&ReleaseContext<'_>) -> Result<serde_json::Value, serde_json::Error>,
}

/// Everything a chart module needs to write a release's values.
#[derive(Debug, Clone)]
pub struct ReleaseContext<'a> {
    /// The release (and dependency) name; also the chart's `fullnameOverride`.
    pub name: &'a str,
    /// The provider's settings.
    pub helm: &'a HelmProvider,
    /// Pods of the release.
    pub replicas: u32,
    /// The volume size.
    pub storage: String,
    /// Requests and limits of the release's pods.
    pub resources: ResourcesValue,
    /// The application user.
    pub username: String,
    /// The database, vhost or database number.
    pub database: Option<String>,
    /// The credentials Secret.
    pub secret: &'a str,
}

/// Requests and limits in the shape every chart's `resources` key takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourcesValue {
    /// Requests.
    pub requests: Amounts,
    /// Limits.
    pub limits: Amounts,
}

/// CPU and memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Amounts {
    /// CPU.
    pub cpu: String,
    /// Memory.
    pub memory: String,
}

/// The chart of each infrastructure type.
#[must_use]
pub fn chart_for(kind: DependencyType) -> Chart {
    match kind {
        DependencyType::Postgres => postgres::CHART,
        DependencyType::Mysql => mysql::CHART,
        DependencyType::Redis => redis::CHART,
        DependencyType::Rabbitmq => rabbitmq::CHART,
        DependencyType::Kafka => kafka::CHART,
    }
}

/// Every dependency the services use, with its provider in `environment`,
/// in name order. Dependencies without a provider were reported by validation
/// and are skipped.
#[must_use]
pub fn resolve<'a>(
    platform: &'a Platform,
    environment: &'a Environment,
    namespace: &NamespaceName,
) -> Vec<Dependency<'a>> {
    dependencies(platform)
        .into_iter()
        .filter_map(|(name, (kind, users))| {
            let provider = environment.infrastructure.provider(&name, kind)?;
            let outputs = outputs(&name, kind, provider, namespace);
            let users = users.iter().map(|s| s.name.clone()).collect();
            Some(Dependency { name, kind, provider, users, outputs })
        })
        .collect()
}

/// The default database, vhost or database number of a dependency.
fn default_name(name: &DependencyName, kind: DependencyType) -> Option<String> {
    match kind {
        DependencyType::Postgres | DependencyType::Mysql => Some(name.as_str().replace('-', "_")),
        DependencyType::Redis => Some("0".to_owned()),
        DependencyType::Rabbitmq => Some("/".to_owned()),
        DependencyType::Kafka => None,
    }
}

fn default_username(kind: DependencyType) -> &'static str {
    match kind {
        // Redis has no application user without ACLs: clients authenticate
        // as `default` with the password.
        DependencyType::Redis => "default",
        _ => DEFAULT_USERNAME,
    }
}

/// The credentials Secret of a dependency unless its provider names one.
///
/// # Panics
///
/// Never: a dependency name has at most 40 characters, so the name with its
/// suffix is always a valid object name.
#[must_use]
pub fn credentials_secret(name: &DependencyName) -> ObjectName {
    ObjectName::new(format!("{name}-credentials"))
        .expect("a dependency name with a suffix is a valid object name")
}

fn outputs(
    name: &DependencyName,
    kind: DependencyType,
    provider: &Provider,
    namespace: &NamespaceName,
) -> Outputs {
    let (host, port, database, username, secret, tls, password_key) = match provider {
        Provider::Helm(helm) => {
            let replicas = helm.replicas.unwrap_or(1);
            let service = (chart_for(kind).service)(name.as_str(), replicas);
            (
                format!("{service}.{namespace}.svc.cluster.local"),
                kind.default_port(),
                default_name(name, kind),
                helm.username.clone().unwrap_or_else(|| default_username(kind).to_owned()),
                credentials_secret(name),
                false,
                chart_for(kind).password_key,
            )
        }
        Provider::External(external) => external_endpoint(name, kind, external),
    };
    let url = url(kind, &username, &host, port, database.as_deref(), tls);
    let (security_protocol, sasl_mechanism) = match kind {
        DependencyType::Kafka => {
            (Some(if tls { "SASL_SSL" } else { "SASL_PLAINTEXT" }), Some("PLAIN"))
        }
        _ => (None, None),
    };
    Outputs {
        host,
        port,
        name: database,
        username,
        password: SecretKeyRef { secret, key: password_key.to_owned() },
        url,
        security_protocol,
        sasl_mechanism,
    }
}

fn external_endpoint(
    name: &DependencyName,
    kind: DependencyType,
    external: &ExternalProvider,
) -> (String, u16, Option<String>, String, ObjectName, bool, &'static str) {
    let database = match kind {
        DependencyType::Kafka => None,
        _ => external.database.clone().or_else(|| default_name(name, kind)),
    };
    (
        external.host.clone(),
        external.port.unwrap_or_else(|| kind.default_port()),
        database,
        external.username.clone().unwrap_or_else(|| default_username(kind).to_owned()),
        external.secret.clone().unwrap_or_else(|| credentials_secret(name)),
        external.tls.unwrap_or(true),
        PASSWORD_KEY,
    )
}

/// A connection URL in the form each type's clients expect, without the password.
fn url(
    kind: DependencyType,
    user: &str,
    host: &str,
    port: u16,
    name: Option<&str>,
    tls: bool,
) -> String {
    let name = name.unwrap_or_default();
    match kind {
        DependencyType::Postgres => {
            let ssl = if tls { "?sslmode=require" } else { "" };
            format!("postgresql://{user}@{host}:{port}/{name}{ssl}")
        }
        DependencyType::Mysql => {
            let ssl = if tls { "?ssl-mode=REQUIRED" } else { "" };
            format!("mysql://{user}@{host}:{port}/{name}{ssl}")
        }
        DependencyType::Redis => {
            let scheme = if tls { "rediss" } else { "redis" };
            format!("{scheme}://{user}@{host}:{port}/{name}")
        }
        DependencyType::Rabbitmq => {
            let scheme = if tls { "amqps" } else { "amqp" };
            format!(
                "{scheme}://{user}@{host}:{port}/{}",
                name.replace('%', "%25").replace('/', "%2F")
            )
        }
        DependencyType::Kafka => format!("{host}:{port}"),
    }
}

/// The values of every in-cluster release, and its helmfile entry. Values
/// users add are checked against the chart's keys.
pub fn releases(
    environment: &Environment,
    dependencies: &[Dependency<'_>],
    namespace: &NamespaceName,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Release> {
    let origin = Origin::Environment(environment.name.clone());
    dependencies
        .iter()
        .filter_map(|dependency| {
            let Provider::Helm(helm) = dependency.provider else {
                return None;
            };
            let chart = chart_for(dependency.kind);
            let context = ReleaseContext {
                name: dependency.name.as_str(),
                helm,
                replicas: helm.replicas.unwrap_or(1),
                storage: helm
                    .storage
                    .as_ref()
                    .map_or_else(|| DEFAULT_STORAGE.to_owned(), ToString::to_string),
                resources: resources_value(helm.resources.as_ref(), chart.default_requests),
                username: dependency.outputs.username.clone(),
                database: dependency.outputs.name.clone(),
                secret: dependency.outputs.password.secret.as_str(),
            };
            let mut values = match (chart.values)(&context) {
                Ok(values) => values,
                Err(e) => {
                    diagnostics.push(crate::emit::serialize_error(
                        &format!("the values of the release `{}`", dependency.name),
                        &e,
                    ));
                    return None;
                }
            };
            crate::helm::merge(&mut values, &bitnami_legacy_images(chart.chart.name));
            crate::helm::merge(
                &mut values,
                &serde_json::Value::Object(helm.values.clone().into_iter().collect()),
            );
            let mut chart = chart.chart;
            if let Some(version) = &helm.version {
                chart.version = version.clone().into();
            }
            let pointer =
                environment.infrastructure.provider_pointer(&dependency.name, dependency.kind);
            crate::helm::check_user_values(
                &chart,
                &helm.values,
                &origin,
                &format!("{pointer}/values"),
                diagnostics,
            );
            Some(Release::new(dependency.name.as_str(), namespace.as_str(), chart, values))
        })
        .collect()
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
fn resources_value(resources: Option<&Resources>, (cpu, memory): (&str, &str)) -> ResourcesValue {
    let empty = Resources::default();
    let resources = resources.unwrap_or(&empty);
    let request_cpu = resources.requests.cpu.as_ref().map_or(cpu, Quantity::as_str).to_owned();
    let request_memory =
        resources.requests.memory.as_ref().map_or(memory, Quantity::as_str).to_owned();
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
