//! The environment's ApplySet (KEP-3659): the parent object that lets
//! `kubectl apply --prune --applyset=secret/<name>` delete the objects that
//! left the model, with no controller and no Helm state.
//!
//! kubectl labels every object it applies with
//! `applyset.kubernetes.io/part-of: <id>` and refuses input that already
//! carries the label (the specification asks tools to), so members are
//! rendered without it; the id is the one kubectl computes from the parent.
//! The parent is written beside the manifests (`applyset.yaml`), not among
//! them, so it is never applied as a member of its own set.

use std::collections::BTreeSet;

use base64::Engine as _;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use sha2::{Digest, Sha256};

use crate::labels;
use crate::object::{Object, Placed};
use crate::resolved::ResolvedEnvironment;

/// Label of the parent: the set's id.
pub const ID_LABEL: &str = "applyset.kubernetes.io/id";
/// Label kubectl puts on every member: the id of its set.
pub const PART_OF_LABEL: &str = "applyset.kubernetes.io/part-of";
/// Annotation naming the tool that manages the set.
pub const TOOLING_ANNOTATION: &str = "applyset.kubernetes.io/tooling";
/// Annotation listing the group-kinds of the members.
pub const GROUP_KINDS_ANNOTATION: &str = "applyset.kubernetes.io/contains-group-kinds";
/// Annotation listing namespaces beyond the parent's.
pub const NAMESPACES_ANNOTATION: &str = "applyset.kubernetes.io/additional-namespaces";
/// The tool that applies the set: kubectl, of the Kubernetes version platc
/// validates for. kubectl accepts an existing parent whose annotation names
/// the tool `kubectl` whatever the version after the last `/`
/// (`toolingBaseName` in kubectl's `applyset.go`), and writes its own
/// version back.
pub const TOOLING: &str = "kubectl/v1.33";

/// The id of the set whose parent is `kind`.`group` `namespace`/`name`:
/// `applyset-<base64url(sha256(<name>.<namespace>.<kind>.<group>))>-v1`.
#[must_use]
pub fn id(name: &str, namespace: &str, kind: &str, group: &str) -> String {
    let digest = Sha256::digest(format!("{name}.{namespace}.{kind}.{group}").as_bytes());
    format!("applyset-{}-v1", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest))
}

/// The parent's name in the environment's namespace.
#[must_use]
pub fn parent_name(env: &ResolvedEnvironment) -> String {
    format!("applyset-{}", env.platform)
}

/// The group-kind of an object as the ApplySet annotations write it:
/// `Deployment.apps`, `Service`, `IngressRoute.traefik.io`.
#[must_use]
pub fn group_kind(api_version: &str, kind: &str) -> String {
    match api_version.rsplit_once('/') {
        Some((group, _)) => format!("{kind}.{group}"),
        None => kind.to_owned(),
    }
}

/// What the parent says about its members: their group-kinds and the
/// namespaces they live in, gathered object by object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Members {
    kinds: BTreeSet<String>,
    namespaces: BTreeSet<String>,
}

impl Members {
    /// The members among `objects`: those `member` accepts.
    #[must_use]
    pub fn of(objects: &[Placed], member: impl Fn(&Placed) -> bool) -> Self {
        let mut members = Self::default();
        for placed in objects.iter().filter(|placed| member(placed)) {
            members.add(&placed.object);
        }
        members
    }

    /// Counts `object` in.
    fn add(&mut self, object: &Object) {
        self.kinds.insert(group_kind(object.api_version(), object.kind()));
        if let Some(namespace) = object.namespace()
            && !self.namespaces.contains(namespace)
        {
            self.namespaces.insert(namespace.to_owned());
        }
    }

    /// Counts the members of `other` in.
    pub fn merge(&mut self, other: Members) {
        self.kinds.extend(other.kinds);
        self.namespaces.extend(other.namespaces);
    }
}

/// The parent Secret of the environment's manifests.
#[must_use]
pub fn parent(env: &ResolvedEnvironment, members: Members) -> Secret {
    let name = parent_name(env);
    let namespace = env.namespace.as_str();
    let Members { kinds, mut namespaces } = members;
    namespaces.remove(namespace);
    // kubectl writes the namespaces annotation even when it is empty.
    let annotations = std::collections::BTreeMap::from([
        (TOOLING_ANNOTATION.to_owned(), TOOLING.to_owned()),
        (GROUP_KINDS_ANNOTATION.to_owned(), kinds.into_iter().collect::<Vec<_>>().join(",")),
        (NAMESPACES_ANNOTATION.to_owned(), namespaces.into_iter().collect::<Vec<_>>().join(",")),
    ]);
    let mut labels = labels::platform_labels(env, "applyset", &name);
    labels.insert(ID_LABEL.to_owned(), id(&name, namespace, "Secret", ""));
    Secret {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: Some(namespace.to_owned()),
            labels: Some(labels),
            annotations: Some(annotations),
            ..ObjectMeta::default()
        },
        type_: Some("Opaque".to_owned()),
        ..Secret::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_kinds_follow_the_specification() {
        assert_eq!(group_kind("apps/v1", "Deployment"), "Deployment.apps");
        assert_eq!(group_kind("v1", "Service"), "Service");
        assert_eq!(group_kind("traefik.io/v1alpha1", "IngressRoute"), "IngressRoute.traefik.io");
    }
}
