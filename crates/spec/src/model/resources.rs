//! CPU, memory and ephemeral-storage requests and limits, shared by
//! services, environment overrides and platform defaults.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::quantity::Quantity;

/// Requests and limits. Any value left out is filled in from the next layer:
/// environment override, then service, then platform defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Resources {
    /// What the scheduler reserves for the container.
    #[serde(default, skip_serializing_if = "ResourceList::is_empty")]
    pub requests: ResourceList,
    /// The most the container may use; a limit left unset is never below its request.
    #[serde(default, skip_serializing_if = "ResourceList::is_empty")]
    pub limits: ResourceList,
}

/// An amount of CPU, memory and local ephemeral storage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResourceList {
    /// CPU in cores (`1`) or millicores (`250m`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Quantity>,
    /// Memory in bytes with a binary suffix (`512Mi`, `2Gi`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Quantity>,
    /// Node-local disk for the container's writable layers, logs and its
    /// `/tmp` and other `emptyDir` volumes (`ephemeral-storage`), in bytes
    /// with a binary suffix. Built in for workloads: 50Mi requested and a
    /// 2Gi limit, the sizes of Bitnami's resource presets, so one pod
    /// filling its `/tmp` is evicted alone instead of putting the node under
    /// disk pressure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_storage: Option<Quantity>,
}

impl ResourceList {
    /// Whether nothing is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.cpu.is_none() && self.memory.is_none() && self.ephemeral_storage.is_none()
    }

    /// This list with the unset values taken from `fallback`.
    #[must_use]
    pub fn or(&self, fallback: &Self) -> Self {
        Self {
            cpu: self.cpu.clone().or_else(|| fallback.cpu.clone()),
            memory: self.memory.clone().or_else(|| fallback.memory.clone()),
            ephemeral_storage: self
                .ephemeral_storage
                .clone()
                .or_else(|| fallback.ephemeral_storage.clone()),
        }
    }
}

impl Resources {
    /// These resources with unset values taken from `fallback`.
    #[must_use]
    pub fn or(&self, fallback: &Self) -> Self {
        Self {
            requests: self.requests.or(&fallback.requests),
            limits: self.limits.or(&fallback.limits),
        }
    }
}
