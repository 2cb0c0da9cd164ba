//! Platform components: the objects an environment needs once, whatever its
//! services — today its Namespace.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::labels;
use crate::object::{Object, Owner, Placed};
use crate::resolve::ResolvedEnvironment;

/// The Pod Security Standard every namespace enforces.
const POD_SECURITY_LEVEL: &str = "restricted";

/// The environment's Namespace, enforcing the restricted Pod Security Standard.
pub fn build(env: &ResolvedEnvironment<'_>, out: &mut Vec<Placed>) {
    let mut labels: BTreeMap<String, String> = labels::platform_labels(env, "namespace");
    for mode in ["enforce", "audit", "warn"] {
        labels.insert(
            format!("pod-security.kubernetes.io/{mode}"),
            POD_SECURITY_LEVEL.to_owned(),
        );
    }
    let namespace = Namespace {
        metadata: ObjectMeta {
            name: Some(env.namespace.to_string()),
            labels: Some(labels),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    };
    out.push(Placed {
        owner: Owner::Cluster,
        object: Object::from(namespace),
    });
}
