//! Patches: the last resort of an environment file. A patch names one
//! rendered object and changes it with a JSON merge patch (RFC 7386), for a
//! reason a reviewer reads. Patches live in environment files only: they
//! name objects, which exist per environment, and each environment's diff is
//! where they are reviewed; a need every environment shares belongs in the
//! model or its escape hatches.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::names::NamespaceName;

/// One patch of one rendered object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Patch {
    /// The object the patch changes; a patch that matches no object is an error.
    pub target: PatchTarget,
    /// Why the model cannot say this (and what would let the patch go):
    /// reviewers read it, and `platc check` lists it with every patch in effect.
    #[schemars(length(min = 1))]
    pub reason: String,
    /// A JSON merge patch (RFC 7386, what `kubectl patch --type merge`
    /// applies): mappings merge key by key, `null` removes a key, lists and
    /// values replace what the object holds. The result must still be an
    /// object of its kind, field for field (a misspelt field is an error),
    /// keep its kind, name and namespace, and pass the plaintext-secret and
    /// output checks.
    pub merge: Map<String, Value>,
}

/// The rendered object a patch changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PatchTarget {
    /// The object's kind.
    pub kind: PatchKind,
    /// The object's name (a Job by its service's name: its own name follows
    /// its content, and is computed again after the patch).
    #[schemars(length(min = 1, max = 253))]
    pub name: String,
    /// The object's namespace; built in: any (objects are named uniquely
    /// per kind in an environment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<NamespaceName>,
}

/// The kinds a patch may change: Kubernetes' own kinds that platc renders.
/// Custom resources (Traefik's, MetalLB's, `ExternalSecret`) are written
/// through platc's narrow types of the fields it uses, so a patch could not
/// add to them and stay typed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum PatchKind {
    /// `apps/v1` Deployment.
    Deployment,
    /// `batch/v1` CronJob.
    CronJob,
    /// `batch/v1` Job.
    Job,
    /// `v1` Service.
    Service,
    /// `v1` ServiceAccount.
    ServiceAccount,
    /// `v1` ConfigMap.
    ConfigMap,
    /// `v1` Secret (development Secrets).
    Secret,
    /// `v1` Namespace.
    Namespace,
    /// `autoscaling/v2` HorizontalPodAutoscaler.
    HorizontalPodAutoscaler,
    /// `policy/v1` PodDisruptionBudget.
    PodDisruptionBudget,
    /// `networking.k8s.io/v1` NetworkPolicy.
    NetworkPolicy,
}

impl PatchKind {
    /// The kind as Kubernetes spells it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deployment => "Deployment",
            Self::CronJob => "CronJob",
            Self::Job => "Job",
            Self::Service => "Service",
            Self::ServiceAccount => "ServiceAccount",
            Self::ConfigMap => "ConfigMap",
            Self::Secret => "Secret",
            Self::Namespace => "Namespace",
            Self::HorizontalPodAutoscaler => "HorizontalPodAutoscaler",
            Self::PodDisruptionBudget => "PodDisruptionBudget",
            Self::NetworkPolicy => "NetworkPolicy",
        }
    }
}
