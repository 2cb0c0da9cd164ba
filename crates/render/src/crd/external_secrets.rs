//! `ExternalSecret` (`external-secrets.io/v1`), modelled on the CRD of
//! external-secrets v2.9.0 (`config/crds/bases/external-secrets.io_externalsecrets.yaml`).
//! Current releases no longer serve `v1beta1`.

use serde::Serialize;

use super::CustomSpec;

/// The API version of `ExternalSecret`.
pub const API_VERSION: &str = "external-secrets.io/v1";

/// Which keys of which remote secrets make up one Kubernetes Secret.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretSpec {
    /// How often the store is read again (a Go duration).
    pub refresh_interval: String,
    /// The store to read from.
    pub secret_store_ref: SecretStoreRef,
    /// The Secret to create.
    pub target: Target,
    /// One entry per key of the Secret.
    pub data: Vec<SecretData>,
}

impl CustomSpec for ExternalSecretSpec {
    const KIND: &'static str = "ExternalSecret";
}

/// A reference to a `SecretStore` or `ClusterSecretStore`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SecretStoreRef {
    /// The store's name.
    pub name: String,
    /// `SecretStore` or `ClusterSecretStore`.
    pub kind: String,
}

/// The Secret an `ExternalSecret` creates.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// The Secret's name.
    pub name: String,
    /// `Owner`: the Secret is created and deleted with the `ExternalSecret`.
    pub creation_policy: String,
    /// Keys written as given beside those from the store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<TargetTemplate>,
}

/// The template of the created Secret: with `mergePolicy: Merge`, its
/// `data` is added to the keys read from the store.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetTemplate {
    /// The template engine: `v2`.
    pub engine_version: String,
    /// `Merge`: the keys from the store stay, `data` is added.
    pub merge_policy: String,
    /// Keys and their values (templates of the engine; plain text here).
    pub data: std::collections::BTreeMap<String, String>,
}

/// One key of the created Secret.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretData {
    /// The key in the Kubernetes Secret.
    pub secret_key: String,
    /// Where the value comes from.
    pub remote_ref: RemoteRef,
}

/// A value in the store.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RemoteRef {
    /// The remote secret's name or path.
    pub key: String,
    /// The field within a JSON remote secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property: Option<String>,
}
