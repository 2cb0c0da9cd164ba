//! How workloads scale and how batch workloads run.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Scale with load: a HorizontalPodAutoscaler (autoscaling/v2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Autoscale {
    /// The fewest pods.
    #[schemars(range(min = 1))]
    pub min: u32,
    /// The most pods.
    #[schemars(range(min = 1))]
    pub max: u32,
    /// Target average CPU use, in percent of the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000))]
    pub cpu: Option<u16>,
    /// Target average memory use, in percent of the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000))]
    pub memory: Option<u16>,
}

/// How a `cronjob` or `job` runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct JobSettings {
    /// What to do when a run is due while the last one still runs; built in: `Forbid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency_policy: Option<ConcurrencyPolicy>,
    /// Finished runs kept; built in: 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successful_jobs_history_limit: Option<u32>,
    /// Failed runs kept; built in: 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_jobs_history_limit: Option<u32>,
    /// Retries before a run counts as failed; built in: 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff_limit: Option<u32>,
    /// Seconds a run may take before it is stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub active_deadline_seconds: Option<u32>,
    /// Seconds after its scheduled time within which a `cronjob` run may
    /// still start (when the cluster was down or the last run still
    /// running); a run that cannot start in time is skipped and the next
    /// one waits for its own time. Built in: 3600, so an outage of the
    /// control plane neither loses a run for a few minutes' delay nor starts
    /// a pile of late ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 10))]
    pub starting_deadline_seconds: Option<u32>,
    /// The time zone of the schedule (`Europe/Berlin`); built in: the cluster's (UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$"))]
    pub time_zone: Option<String>,
}

/// `concurrencyPolicy` of a CronJob.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ConcurrencyPolicy {
    /// Runs may overlap.
    Allow,
    /// A due run is skipped while the last one still runs.
    Forbid,
    /// A due run replaces the one still running.
    Replace,
}

impl ConcurrencyPolicy {
    /// The Kubernetes spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "Allow",
            Self::Forbid => "Forbid",
            Self::Replace => "Replace",
        }
    }
}
