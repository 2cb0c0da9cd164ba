//! Dependencies as one environment provides them: each dependency the
//! services use gets its outputs from the environment's provider (an
//! in-cluster release or an external endpoint) and its type's definition,
//! the variables and template fields derived from them, and, for
//! in-cluster providers, its Helm release with the chart's values.

use minijinja::Value;
use platc_spec::model::{
    DefaultRequests, Environment, HelmProvider, InfraType, Platform, Provider, Resources,
};
use platc_spec::names::{DependencyName, NamespaceName, ObjectName, ServiceName};
use platc_spec::quantity::Quantity;
use platc_spec::validate::dependencies;
use platc_spec::{Code, Diagnostic, Origin};

use crate::helm::{Release, merge};
use crate::infra::{
    self, Amounts, Endpoint, PASSWORD_KEY, ReleaseContext, ResourcesValue, ValuesTemplates,
};
use crate::resolved::{EnvVar, Outputs, ResolvedDependency, SecretKey, SecretSource};

/// The size of each volume of an in-cluster release unless the provider sets one.
pub const DEFAULT_STORAGE: &str = "8Gi";

/// One dependency with its provider here, and what services see of it.
#[derive(Debug)]
pub(super) struct Provided<'a> {
    /// The name services use for it.
    pub name: DependencyName,
    /// Its type.
    pub definition: &'a InfraType,
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
    pub fields: Vec<(String, Value)>,
}

impl Provided<'_> {
    /// The Secret holding the credentials, and the source of every key it
    /// must hold (`store` standing for the secret store's entry of the
    /// dependency, `development` telling whether platc writes generated
    /// values); none for a type without a password.
    pub fn credentials(
        &self,
        development: bool,
        store: &str,
    ) -> Option<(&ObjectName, Vec<(String, SecretSource)>)> {
        let password = self.outputs.password.as_ref()?;
        let from_store =
            |key: &str| SecretSource::Store { key: store.to_owned(), property: key.to_owned() };
        let keys = match self.provider {
            Provider::Helm(_) => {
                let credentials = self.definition.helm.as_ref()?.credentials.as_ref()?;
                credentials
                    .keys
                    .iter()
                    .map(|key| {
                        let key = key.0.as_str();
                        let username = self
                            .outputs
                            .username
                            .as_ref()
                            .filter(|_| credentials.username_key.as_deref() == Some(key));
                        let source = match username {
                            Some(username) => SecretSource::Value(username.clone()),
                            None if development => SecretSource::Generated,
                            None => from_store(key),
                        };
                        (key.to_owned(), source)
                    })
                    .collect()
            }
            Provider::External(_) => vec![(PASSWORD_KEY.to_owned(), from_store(PASSWORD_KEY))],
        };
        Some((&password.secret, keys))
    }

    /// The dependency as the resolved environment records it.
    pub fn resolved(&self) -> ResolvedDependency {
        ResolvedDependency {
            name: self.name.clone(),
            type_name: self.definition.name.clone(),
            in_cluster: matches!(self.provider, Provider::Helm(_)),
            users: self.users.clone(),
            outputs: self.outputs.clone(),
        }
    }
}

/// Every dependency the services use, with its provider in `environment`,
/// in name order. Dependencies without a provider were reported by
/// validation and are skipped; a type the platform does not know, or
/// `provider: helm` for a type without a chart (in a platform built in Rust
/// and never validated), is an error.
pub(super) fn resolve<'a>(
    platform: &'a Platform,
    environment: &'a Environment,
    namespace: &NamespaceName,
) -> Result<Vec<Provided<'a>>, Vec<Diagnostic>> {
    let mut found = Vec::new();
    let mut refused = Vec::new();
    for (name, (kind, users)) in dependencies(platform) {
        let Some(definition) = platform.types.get(kind.as_str()) else {
            let service = users.first().map(|s| s.name.clone());
            let mut diagnostic = Diagnostic::error(
                Code::SpecUnknownType,
                format!("unknown infrastructure type `{kind}` of the dependency `{name}`"),
            )
            .with_help(format!("define it in `types/{kind}.yaml`, or use a known type"));
            if let Some(service) = service {
                diagnostic = diagnostic.at(
                    Origin::Service(service),
                    platc_spec::source::pointer_join("/uses", name.as_str()),
                );
            }
            refused.push(diagnostic);
            continue;
        };
        let Some(provider) = environment.infrastructure.provider(&name, &kind) else {
            continue;
        };
        let pointer = environment.infrastructure.provider_pointer(&name, &kind);
        if matches!(provider, Provider::Helm(_)) && definition.helm.is_none() {
            refused.push(
                Diagnostic::error(
                    Code::SpecUnsupportedProvider,
                    format!("the type `{kind}` has no chart to run in the cluster"),
                )
                .at(Origin::Environment(environment.name.clone()), format!("{pointer}/provider"))
                .with_help(format!("provide `{kind}` with `provider: external` and its `host`")),
            );
            continue;
        }
        let outputs = infra::outputs(definition, endpoint(&name, definition, provider, namespace));
        let env = infra::env_vars(definition, &name, &outputs);
        let fields = infra::template_fields(definition, &outputs);
        let users = users.iter().map(|s| s.name.clone()).collect();
        found.push(Provided { name, definition, provider, pointer, users, outputs, env, fields });
    }
    if refused.is_empty() { Ok(found) } else { Err(refused) }
}

/// Where the provider puts the dependency `name` of type `definition`.
fn endpoint(
    name: &DependencyName,
    definition: &InfraType,
    provider: &Provider,
    namespace: &NamespaceName,
) -> Endpoint {
    let username = |given: Option<&String>| {
        definition
            .yields(platc_spec::model::Output::Username)
            .then(|| given.cloned().or_else(|| definition.username.clone()))
            .flatten()
    };
    let has_password = definition.yields(platc_spec::model::Output::Password);
    match provider {
        Provider::Helm(helm) => {
            let replicas = helm.replicas.unwrap_or(1);
            // A type without a chart was refused above.
            let chart = definition.helm.as_ref();
            let service = chart
                .map_or_else(|| name.to_string(), |c| c.service.service(name.as_str(), replicas));
            let password_key = chart.and_then(|c| c.credentials.as_ref()).map(|c| &c.password_key);
            Endpoint {
                host: format!("{service}.{namespace}.svc.cluster.local"),
                port: definition.port,
                name: definition.default_database(name.as_str()),
                username: username(helm.username.as_ref()),
                password: password_key.filter(|_| has_password).map(|key| SecretKey {
                    secret: infra::credentials_secret(name),
                    key: key.clone(),
                }),
                tls: false,
            }
        }
        Provider::External(external) => Endpoint {
            host: external.host.clone(),
            port: external.port.unwrap_or_else(|| definition.external_port()),
            name: external
                .database
                .clone()
                .filter(|_| definition.yields(platc_spec::model::Output::Name))
                .or_else(|| definition.default_database(name.as_str())),
            username: username(external.username.as_ref()),
            password: has_password.then(|| SecretKey {
                secret: external.secret.clone().unwrap_or_else(|| infra::credentials_secret(name)),
                key: PASSWORD_KEY.to_owned(),
            }),
            tls: external.tls.unwrap_or_else(|| definition.external_tls()),
        },
    }
}

/// The release of every in-cluster dependency with its values: the type's
/// template's, then the values users add (checked against the chart's keys
/// before resolve, in [`crate::validate`]).
pub(super) fn releases(
    provided: &[Provided<'_>],
    namespace: &NamespaceName,
) -> Result<Vec<Release>, Vec<Diagnostic>> {
    let mut releases = Vec::new();
    let mut errors = Vec::new();
    let mut templates = ValuesTemplates::default();
    for dependency in provided {
        if let Provider::Helm(helm) = dependency.provider {
            match release(dependency, helm, namespace, &mut templates) {
                Ok(Some(release)) => releases.push(release),
                Ok(None) => {}
                Err(mut found) => errors.append(&mut found),
            }
        }
    }
    if errors.is_empty() { Ok(releases) } else { Err(errors) }
}

fn release<'a>(
    dependency: &Provided<'a>,
    helm: &HelmProvider,
    namespace: &NamespaceName,
    templates: &mut ValuesTemplates<'a>,
) -> Result<Option<Release>, Vec<Diagnostic>> {
    // A type without a chart was refused when the dependency was resolved.
    let Some(chart) = dependency.definition.helm.as_ref() else { return Ok(None) };
    let context = ReleaseContext {
        release: dependency.name.as_str(),
        replicas: helm.replicas.unwrap_or(1),
        storage: helm
            .storage
            .as_ref()
            .map_or_else(|| DEFAULT_STORAGE.to_owned(), ToString::to_string),
        resources: resources_value(helm.resources.as_ref(), &chart.requests),
        username: dependency.outputs.username.as_deref(),
        database: dependency.outputs.name.as_deref(),
        secret: dependency.outputs.password.as_ref().map(|p| p.secret.as_str()),
    };
    let mut values =
        templates.values(dependency.definition, chart, &context).map_err(|d| vec![d])?;
    // What the template writes is checked against the keys of the version
    // the type pins; an environment that picks another version takes the
    // chance (its own values are judged in `crate::validate`).
    let chart_ref = infra::chart_ref(chart, helm.version.as_deref());
    if chart_ref.version == chart.chart.version {
        let unknown = infra::unknown_written_keys(dependency.definition, chart, &values);
        if !unknown.is_empty() {
            return Err(unknown);
        }
    }
    merge(&mut values, &serde_json::Value::Object(helm.values.clone().into_iter().collect()));
    let chart = chart_ref;
    Ok(Some(Release::new(dependency.name.as_str(), namespace.as_str(), chart, values)))
}

/// A provider's resources over the chart's default requests; a limit left
/// unset equals its request (memory limits below requests are impossible
/// here, and a database should not be throttled below what it reserved).
fn resources_value(resources: Option<&Resources>, defaults: &DefaultRequests) -> ResourcesValue {
    let empty = Resources::default();
    let resources = resources.unwrap_or(&empty);
    let request_cpu = resources.requests.cpu.as_ref().unwrap_or(&defaults.cpu).to_string();
    let request_memory = resources.requests.memory.as_ref().unwrap_or(&defaults.memory).to_string();
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
