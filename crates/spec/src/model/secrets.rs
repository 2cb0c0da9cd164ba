//! Secrets as an environment sees them: an optional external-secrets.io store
//! that resolves every referenced Secret, and plaintext development secrets,
//! allowed only where `development: true`.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::names::ObjectName;

/// An external-secrets.io store the cluster resolves Secrets from (AWS Secrets
/// Manager, Vault, ...). When set, every Secret the services and providers
/// reference is rendered as an `ExternalSecret`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretStore {
    /// The store's name.
    pub name: ObjectName,
    /// Whether the store is cluster-wide (`ClusterSecretStore`, the default)
    /// or lives in the environment's namespace (`SecretStore`).
    #[serde(default, skip_serializing_if = "SecretStoreKind::is_cluster")]
    pub kind: SecretStoreKind,
    /// Prepended to every remote key: the Secret `stripe` is read from
    /// `<prefix>stripe` (e.g. `acme-shop/production/stripe`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub prefix: String,
    /// How often the cluster re-reads the store (a Go duration); built in: `1h`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$"))]
    pub refresh_interval: Option<String>,
}

/// The kind of an external-secrets.io store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SecretStoreKind {
    /// A cluster-wide store.
    #[default]
    ClusterSecretStore,
    /// A store in the environment's namespace.
    SecretStore,
}

impl SecretStoreKind {
    /// The kind's name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClusterSecretStore => "ClusterSecretStore",
            Self::SecretStore => "SecretStore",
        }
    }

    #[allow(
        clippy::trivially_copy_pass_by_ref,
        reason = "serde's skip_serializing_if passes a reference"
    )]
    fn is_cluster(&self) -> bool {
        *self == Self::ClusterSecretStore
    }
}

/// Plaintext Secrets for local development: Secret name → key → value.
/// Refused in any environment not marked `development: true`.
pub type DevelopmentSecrets = IndexMap<ObjectName, IndexMap<String, String>>;
