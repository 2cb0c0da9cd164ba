//! Secrets: the Secrets the environment's workloads read, written as objects.
//! Which Secrets and keys those are, and where each value comes from, was
//! settled by resolve (`resolve/secrets.rs`). In a development environment
//! platc writes the local ones itself (credentials of in-cluster releases,
//! generated; `developmentSecrets`, as given), marked as such. Where the
//! environment names a secret store, the others become an `ExternalSecret`.
//! Elsewhere Secrets are expected to exist, and no value ever appears in the
//! output.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Secret;
use sha2::{Digest, Sha256};

use crate::crd::CustomResource;
use crate::crd::external_secrets::{
    self, ExternalSecretSpec, RemoteRef, SecretData, SecretStoreRef, Target, TargetTemplate,
};
use crate::labels;
use crate::object::{Object, Owner, Placed};
use crate::resolved::{ResolvedEnvironment, SecretSource};

/// The label that marks a Secret platc wrote for local development.
pub const DEVELOPMENT_LABEL: &str = "platc.dev/development-secret";
/// The annotation that says so in words.
pub const WARNING_ANNOTATION: &str = "platc.dev/warning";

/// The Secrets of the environment, as Secret or ExternalSecret objects.
pub fn build(env: &ResolvedEnvironment, out: &mut Vec<Placed>) {
    for (name, keys) in &env.secrets.secrets {
        let (local, remote): (BTreeMap<_, _>, BTreeMap<_, _>) =
            keys.iter().partition(|(_, source)| !matches!(source, SecretSource::Store { .. }));
        if !local.is_empty() && env.development {
            out.push(development_secret(env, name, &local));
        }
        if let (Some(store), false) = (&env.secrets.store, remote.is_empty()) {
            // Values that are not secret (a user name a chart reads from the
            // Secret) join the store's keys through the template.
            let literal: BTreeMap<String, String> = local
                .iter()
                .filter_map(|(key, source)| match source {
                    SecretSource::Value(value) => Some(((*key).clone(), value.clone())),
                    // Development values are written into the Secret above,
                    // never into an ExternalSecret.
                    SecretSource::Given(_)
                    | SecretSource::Generated
                    | SecretSource::Store { .. } => None,
                })
                .collect();
            out.push(external_secret(env, store, name, &remote, literal));
        }
    }
}

fn development_secret(
    env: &ResolvedEnvironment,
    name: &str,
    keys: &BTreeMap<&String, &SecretSource>,
) -> Placed {
    let mut metadata = labels::metadata(
        name,
        env.namespace.as_str(),
        labels::platform_labels(env, "secret", name),
    );
    if let Some(labels) = metadata.labels.as_mut() {
        labels.insert(DEVELOPMENT_LABEL.to_owned(), "true".to_owned());
    }
    metadata.annotations = Some(BTreeMap::from([(
        WARNING_ANNOTATION.to_owned(),
        format!(
            "development only: written by platc for `{}`; never use these values elsewhere",
            env.name
        ),
    )]));
    let data = keys
        .iter()
        .map(|(key, source)| {
            let value = match source {
                SecretSource::Given(value) | SecretSource::Value(value) => value.clone(),
                SecretSource::Generated | SecretSource::Store { .. } => {
                    development_password(env, name, key)
                }
            };
            ((*key).clone(), value)
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
fn development_password(env: &ResolvedEnvironment, secret: &str, key: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [env.platform.as_str(), env.name.as_str(), secret, key] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    format!("dev-{}", crate::config::hex(&digest[..12]))
}

fn external_secret(
    env: &ResolvedEnvironment,
    store: &crate::resolved::SecretStoreRef,
    name: &str,
    keys: &BTreeMap<&String, &SecretSource>,
    literal: BTreeMap<String, String>,
) -> Placed {
    let data = keys
        .iter()
        .filter_map(|(secret_key, source)| match source {
            SecretSource::Store { key, property } => Some(SecretData {
                secret_key: (*secret_key).clone(),
                remote_ref: RemoteRef { key: key.clone(), property: Some(property.clone()) },
            }),
            SecretSource::Given(_) | SecretSource::Generated | SecretSource::Value(_) => None,
        })
        .collect();
    let spec = ExternalSecretSpec {
        refresh_interval: store.refresh_interval.clone(),
        secret_store_ref: SecretStoreRef { name: store.name.clone(), kind: store.kind.to_owned() },
        target: Target {
            name: name.to_owned(),
            creation_policy: "Owner".to_owned(),
            template: (!literal.is_empty()).then(|| TargetTemplate {
                engine_version: "v2".to_owned(),
                merge_policy: "Merge".to_owned(),
                data: literal,
            }),
        },
        data,
    };
    let metadata = labels::metadata(
        name,
        env.namespace.as_str(),
        labels::platform_labels(env, "secret", name),
    );
    let object = CustomResource::new(external_secrets::API_VERSION, metadata, spec);
    Placed { owner: Owner::Platform, object: Object::ExternalSecret(Box::new(object)) }
}
