//! Secrets: which Secrets the environment's workloads read, and where each
//! comes from. In a development environment platc writes them itself
//! (credentials of in-cluster releases, generated; `developmentSecrets`, as
//! given), marked as such. Where the environment names a secret store, every
//! other referenced Secret becomes an `ExternalSecret`. Elsewhere Secrets are
//! expected to exist, and no value ever appears in the output.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::Secret;
use platc_spec::model::{BASIC_AUTH_USERS_KEY, Middleware, Provider};
use sha2::{Digest, Sha256};

use crate::crd::CustomResource;
use crate::crd::external_secrets::{
    self, ExternalSecretSpec, RemoteRef, SecretData, SecretStoreRef, Target,
};
use crate::labels;
use crate::object::{Object, Owner, Placed};
use crate::resolve::ResolvedEnvironment;

/// The label that marks a Secret platc wrote for local development.
pub const DEVELOPMENT_LABEL: &str = "platc.dev/development-secret";
/// The annotation that says so in words.
pub const WARNING_ANNOTATION: &str = "platc.dev/warning";

/// Where the value of one Secret key comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    /// A plaintext value from `developmentSecrets`.
    Given(String),
    /// A generated development password.
    Generated,
    /// The secret store: remote key and property.
    Store { key: String, property: String },
}

/// The Secrets of the environment, as Secret or ExternalSecret objects.
pub fn build(env: &ResolvedEnvironment<'_>, out: &mut Vec<Placed>) {
    let environment = env.environment;
    let store = environment.secret_store.as_ref();
    let prefix = store.map(|s| s.prefix.as_str()).unwrap_or_default();
    let mut secrets: BTreeMap<String, BTreeMap<String, Source>> = BTreeMap::new();

    for dependency in &env.dependencies {
        let (secret, keys) = dependency.credentials();
        let remote = match dependency.provider {
            Provider::External(external) => external.remote_key.clone(),
            Provider::Helm(_) => None,
        }
        .unwrap_or_else(|| format!("{prefix}{}", dependency.name));
        for key in keys {
            let source = match dependency.provider {
                Provider::Helm(_) if environment.development => Source::Generated,
                Provider::Helm(_) | Provider::External(_) => {
                    Source::Store { key: remote.clone(), property: key.to_owned() }
                }
            };
            secrets.entry(secret.to_string()).or_default().insert(key.to_owned(), source);
        }
    }
    // The TLS certificate Secret routes name, from the store like any other.
    if let Some(secret) = environment.ingress.tls.as_ref().and_then(|t| t.secret_name.as_ref()) {
        for key in ["tls.crt", "tls.key"] {
            let source =
                Source::Store { key: format!("{prefix}{secret}"), property: key.to_owned() };
            secrets.entry(secret.to_string()).or_default().entry(key.to_owned()).or_insert(source);
        }
    }
    for (secret, key) in referenced_keys(env) {
        let source = Source::Store { key: format!("{prefix}{secret}"), property: key.clone() };
        secrets.entry(secret).or_default().entry(key).or_insert(source);
    }
    for (secret, values) in &environment.development_secrets {
        let entry = secrets.entry(secret.to_string()).or_default();
        for (key, value) in values {
            entry.insert(key.clone(), Source::Given(value.clone()));
        }
    }

    for (name, keys) in secrets {
        let (local, remote): (BTreeMap<_, _>, BTreeMap<_, _>) =
            keys.into_iter().partition(|(_, source)| !matches!(source, Source::Store { .. }));
        if !local.is_empty() && environment.development {
            out.push(development_secret(env, &name, &local));
        }
        if let (Some(store), false) = (store, remote.is_empty()) {
            out.push(external_secret(env, store, &name, &remote));
        }
    }
}

fn development_secret(
    env: &ResolvedEnvironment<'_>,
    name: &str,
    keys: &BTreeMap<String, Source>,
) -> Placed {
    let mut metadata =
        labels::metadata(name, env.namespace.as_str(), labels::platform_labels(env, "secret"));
    if let Some(labels) = metadata.labels.as_mut() {
        labels.insert(DEVELOPMENT_LABEL.to_owned(), "true".to_owned());
    }
    metadata.annotations = Some(BTreeMap::from([(
        WARNING_ANNOTATION.to_owned(),
        format!(
            "development only: written by platc for `{}`; never use these values elsewhere",
            env.environment.name
        ),
    )]));
    let data = keys
        .iter()
        .map(|(key, source)| {
            let value = match source {
                Source::Given(value) => value.clone(),
                _ => development_password(env, name, key),
            };
            (key.clone(), value)
        })
        .collect();
    let secret = Secret {
        metadata,
        string_data: Some(data),
        type_: Some("Opaque".to_owned()),
        ..Secret::default()
    };
    Placed { owner: Owner::Platform, object: Object::from(secret) }
}

/// A password that is the same on every run (so the golden output is stable
/// and a re-render does not rotate it) and different for every platform,
/// environment, Secret and key. It protects nothing: it is for a laptop.
fn development_password(env: &ResolvedEnvironment<'_>, secret: &str, key: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [env.platform.settings.name.as_str(), env.environment.name.as_str(), secret, key] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    format!("dev-{}", crate::config::hex(&digest[..12]))
}

fn external_secret(
    env: &ResolvedEnvironment<'_>,
    store: &platc_spec::model::SecretStore,
    name: &str,
    keys: &BTreeMap<String, Source>,
) -> Placed {
    let data = keys
        .iter()
        .filter_map(|(secret_key, source)| match source {
            Source::Store { key, property } => Some(SecretData {
                secret_key: secret_key.clone(),
                remote_ref: RemoteRef { key: key.clone(), property: Some(property.clone()) },
            }),
            _ => None,
        })
        .collect();
    let spec = ExternalSecretSpec {
        refresh_interval: store.refresh_interval.clone().unwrap_or_else(|| "1h".to_owned()),
        secret_store_ref: SecretStoreRef {
            name: store.name.to_string(),
            kind: store.kind.as_str().to_owned(),
        },
        target: Target { name: name.to_owned(), creation_policy: "Owner".to_owned() },
        data,
    };
    let metadata =
        labels::metadata(name, env.namespace.as_str(), labels::platform_labels(env, "secret"));
    let object = CustomResource::new(external_secrets::API_VERSION, metadata, spec);
    Placed { owner: Owner::Platform, object: Object::ExternalSecret(Box::new(object)) }
}

/// The Secret keys services read directly: their `secrets` and the users of
/// their basic-auth middlewares (the service's own and the platform's).
fn referenced_keys(env: &ResolvedEnvironment<'_>) -> BTreeSet<(String, String)> {
    let mut keys = BTreeSet::new();
    let basic_auth = |middleware: &Middleware| match middleware {
        Middleware::BasicAuth(auth) => {
            Some((auth.secret.to_string(), BASIC_AUTH_USERS_KEY.to_owned()))
        }
        _ => None,
    };
    for service in &env.services {
        keys.extend(
            service.service.secrets.values().map(|r| (r.secret.to_string(), r.key.clone())),
        );
        keys.extend(service.service.middlewares.values().filter_map(basic_auth));
    }
    keys.extend(env.platform.settings.middlewares.values().filter_map(basic_auth));
    keys
}
