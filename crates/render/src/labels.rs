//! Labels and annotations: the Kubernetes recommended labels on every object,
//! and the selector that ties a workload to its pods and Service.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::resolved::{ResolvedEnvironment, ResolvedService};

/// `app.kubernetes.io/name`.
pub const NAME: &str = "app.kubernetes.io/name";
/// `app.kubernetes.io/instance`.
pub const INSTANCE: &str = "app.kubernetes.io/instance";
/// `app.kubernetes.io/version`.
pub const VERSION: &str = "app.kubernetes.io/version";
/// `app.kubernetes.io/component`.
pub const COMPONENT: &str = "app.kubernetes.io/component";
/// `app.kubernetes.io/part-of`.
pub const PART_OF: &str = "app.kubernetes.io/part-of";
/// `app.kubernetes.io/managed-by`.
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
/// The value of `app.kubernetes.io/managed-by`.
pub const MANAGER: &str = "platc";
/// The annotation carrying a service's description.
pub const DESCRIPTION: &str = "platc.dev/description";
/// The pod annotation carrying why a long-running service has no readiness
/// or liveness probe (`probes.optOut`).
pub const PROBES_OPT_OUT: &str = "platc.dev/probes-opt-out";
/// The scanner checks a probe opt-out answers: checkov's liveness and
/// readiness probe checks.
pub const PROBE_CHECKS: [&str; 2] = ["CKV_K8S_8", "CKV_K8S_9"];
/// The pod annotation that changes when mounted configuration changes, so a
/// new ConfigMap content rolls the pods.
pub const CONFIG_CHECKSUM: &str = "platc.dev/config-checksum";

/// The labels that select a service's pods. They never change for a
/// service, because a Deployment's selector is immutable.
#[must_use]
pub fn selector(service: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (NAME.to_owned(), service.to_owned()),
        (INSTANCE.to_owned(), service.to_owned()),
    ])
}

/// The recommended labels of every object of a service. The version is left
/// out: only the workload carries it (see [`workload_labels`]), so a new
/// image tag changes one file in review, not every object of the service.
#[must_use]
pub fn service_labels(
    env: &ResolvedEnvironment,
    service: &ResolvedService,
) -> BTreeMap<String, String> {
    let mut labels = selector(service.name.as_str());
    labels.insert(COMPONENT.to_owned(), service.workload.component().to_owned());
    labels.insert(PART_OF.to_owned(), env.platform.to_string());
    labels.insert(MANAGED_BY.to_owned(), MANAGER.to_owned());
    labels
}

/// The labels of a workload and its pods: the service labels plus
/// `app.kubernetes.io/version`, the image tag, when it is a valid label value.
#[must_use]
pub fn workload_labels(
    env: &ResolvedEnvironment,
    service: &ResolvedService,
) -> BTreeMap<String, String> {
    let mut labels = service_labels(env, service);
    if is_label_value(service.tag.as_str()) {
        labels.insert(VERSION.to_owned(), service.tag.to_string());
    }
    labels
}

/// The recommended labels of an object that belongs to the environment
/// rather than a service (a Namespace, a shared Middleware, an
/// ExternalSecret): it is its own application, so `name` and `instance` are
/// the object's name, when that is a valid label value (a Secret's name may
/// be longer than a label value can be). No selector reads these labels.
#[must_use]
pub fn platform_labels(
    env: &ResolvedEnvironment,
    component: &str,
    name: &str,
) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::from([
        (COMPONENT.to_owned(), component.to_owned()),
        (PART_OF.to_owned(), env.platform.to_string()),
        (MANAGED_BY.to_owned(), MANAGER.to_owned()),
    ]);
    if !name.is_empty() && is_label_value(name) {
        labels.insert(NAME.to_owned(), name.to_owned());
        labels.insert(INSTANCE.to_owned(), name.to_owned());
    }
    labels
}

/// Metadata of a namespaced object.
#[must_use]
pub fn metadata(name: &str, namespace: &str, labels: BTreeMap<String, String>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        namespace: Some(namespace.to_owned()),
        labels: Some(labels),
        ..ObjectMeta::default()
    }
}

/// Whether `value` is a valid label value (at most 63 characters of
/// alphanumerics, '-', '_' and '.', starting and ending alphanumeric).
#[must_use]
pub fn is_label_value(value: &str) -> bool {
    value.is_empty()
        || value.len() <= 63
            && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            && value.as_bytes()[0].is_ascii_alphanumeric()
            && value.as_bytes()[value.len() - 1].is_ascii_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values() {
        assert!(is_label_value("1.4.2"));
        assert!(is_label_value("2026-11-23_3"));
        assert!(!is_label_value("_x"));
        assert!(!is_label_value(&"a".repeat(64)));
    }
}
