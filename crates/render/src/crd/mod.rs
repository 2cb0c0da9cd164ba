//! Typed custom resources: the objects of Traefik, MetalLB and
//! external-secrets.io that k8s-openapi does not ship. Each spec is a Rust
//! struct whose field names and nesting follow the project's own CRD, so a
//! typo cannot reach the output.

pub mod external_secrets;
pub mod metallb;
pub mod traefik;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// The spec of a custom resource kind.
pub trait CustomSpec: Serialize {
    /// The resource's `kind`.
    const KIND: &'static str;
}

/// A custom resource: type metadata, object metadata and a typed spec,
/// serialized in that order.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomResource<S> {
    /// `group/version`; chosen per object because some kinds (Traefik's)
    /// exist under two API groups.
    pub api_version: &'static str,
    /// Name, namespace, labels and annotations.
    pub metadata: ObjectMeta,
    /// The desired state.
    pub spec: S,
}

impl<S: CustomSpec> CustomResource<S> {
    /// A resource of `api_version` with this metadata and spec.
    pub fn new(api_version: &'static str, metadata: ObjectMeta, spec: S) -> Self {
        Self { api_version, metadata, spec }
    }
}

impl<S: CustomSpec> Serialize for CustomResource<S> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        let mut state = serializer.serialize_struct(S::KIND, 4)?;
        state.serialize_field("apiVersion", self.api_version)?;
        state.serialize_field("kind", S::KIND)?;
        state.serialize_field("metadata", &self.metadata)?;
        state.serialize_field("spec", &self.spec)?;
        state.end()
    }
}
