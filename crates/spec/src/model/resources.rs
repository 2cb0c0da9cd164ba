//! CPU and memory requests and limits, shared by services, environment
//! overrides and platform defaults.

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

/// An amount of CPU and memory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResourceList {
    /// CPU in cores (`1`) or millicores (`250m`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Quantity>,
    /// Memory in bytes with a binary suffix (`512Mi`, `2Gi`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Quantity>,
}

impl ResourceList {
    /// Whether neither CPU nor memory is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.cpu.is_none() && self.memory.is_none()
    }

    /// This list with the unset values taken from `fallback`.
    #[must_use]
    pub fn or(&self, fallback: &Self) -> Self {
        Self {
            cpu: self.cpu.clone().or_else(|| fallback.cpu.clone()),
            memory: self.memory.clone().or_else(|| fallback.memory.clone()),
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
