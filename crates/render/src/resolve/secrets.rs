//! Which Secrets the environment's workloads read, and where each key's
//! value comes from: the credentials of every dependency (generated for
//! in-cluster releases in development, else from the secret store), the TLS
//! certificate routes name, the keys services (their containers, sidecars,
//! init containers and Secret volumes) and middlewares (basic and digest
//! users, forward-auth certificates) reference, and the plaintext
//! `developmentSecrets`.

use std::collections::{BTreeMap, BTreeSet};

use platc_spec::model::{Environment, Middleware, Platform, Provider};

use super::dependencies::Provided;
use crate::resolved::{ResolvedSecrets, SecretSource, SecretStoreRef};

/// How often the cluster re-reads the store unless the environment says.
const DEFAULT_REFRESH_INTERVAL: &str = "1h";

/// Every Secret key of `environment` and its source. `extras` are the keys
/// the services' escape hatches read here (sidecars, init containers,
/// Secret volumes), which the environment's overrides may change.
pub(super) fn resolve(
    platform: &Platform,
    environment: &Environment,
    provided: &[Provided<'_>],
    extras: BTreeSet<(String, String)>,
) -> ResolvedSecrets {
    let store = environment.secret_store.as_ref();
    let prefix = store.map(|s| s.prefix.as_str()).unwrap_or_default();
    let mut secrets: BTreeMap<String, BTreeMap<String, SecretSource>> = BTreeMap::new();

    for dependency in provided {
        let remote = match dependency.provider {
            Provider::External(external) => external.remote_key.clone(),
            Provider::Helm(_) => None,
        }
        .unwrap_or_else(|| format!("{prefix}{}", dependency.name));
        let Some((secret, keys)) = dependency.credentials(environment.development, &remote) else {
            continue;
        };
        let entry = secrets.entry(secret.to_string()).or_default();
        for (key, source) in keys {
            entry.insert(key, source);
        }
    }
    // The TLS certificate Secret routes name, from the store like any other.
    if let Some(secret) = environment.ingress.tls.as_ref().and_then(|t| t.secret_name.as_ref()) {
        for key in ["tls.crt", "tls.key"] {
            let source =
                SecretSource::Store { key: format!("{prefix}{secret}"), property: key.to_owned() };
            secrets.entry(secret.to_string()).or_default().entry(key.to_owned()).or_insert(source);
        }
    }
    for (secret, key) in referenced_keys(platform).into_iter().chain(extras) {
        let source =
            SecretSource::Store { key: format!("{prefix}{secret}"), property: key.clone() };
        secrets.entry(secret).or_default().entry(key).or_insert(source);
    }
    for (secret, values) in &environment.development_secrets {
        let entry = secrets.entry(secret.to_string()).or_default();
        for (key, value) in values {
            entry.insert(key.clone(), SecretSource::Given(value.clone()));
        }
    }
    ResolvedSecrets {
        store: store.map(|store| SecretStoreRef {
            name: store.name.to_string(),
            kind: store.kind.as_str(),
            refresh_interval: store
                .refresh_interval
                .clone()
                .unwrap_or_else(|| DEFAULT_REFRESH_INTERVAL.to_owned()),
        }),
        secrets,
    }
}

/// The Secret keys services and Traefik read: the services' `secrets`, and
/// what their middlewares (the service's own and the platform's) reference:
/// the users of `basicAuth` and `digestAuth`, the certificates of
/// `forwardAuth.tls`.
fn referenced_keys(platform: &Platform) -> BTreeSet<(String, String)> {
    let mut keys = BTreeSet::new();
    let of = |middleware: &Middleware| {
        middleware
            .secret_keys()
            .into_iter()
            .map(|(secret, key)| (secret.to_string(), key.to_owned()))
            .collect::<Vec<_>>()
    };
    for service in &platform.services {
        keys.extend(service.secrets.values().map(|r| (r.secret.to_string(), r.key.clone())));
        keys.extend(service.middlewares.values().flat_map(of));
    }
    keys.extend(platform.settings.middlewares.values().flat_map(of));
    keys
}
