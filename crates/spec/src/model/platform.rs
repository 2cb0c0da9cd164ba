//! The optional `platform.yaml` at the root of a platform repository: its name
//! and the defaults every service starts from.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use indexmap::IndexMap;

use super::middleware::Middlewares;
use super::resources::Resources;
use crate::names::{ObjectName, ServiceName, keyed_by};

/// Platform-wide settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "platc platform")]
pub struct PlatformSettings {
    /// The platform's name, rendered as the `app.kubernetes.io/part-of` label.
    #[serde(default = "default_platform_name")]
    pub name: ObjectName,
    /// Values every service starts from.
    #[serde(default, skip_serializing_if = "Defaults::is_empty")]
    pub defaults: Defaults,
    /// Middlewares any service's routes may use, by name; rendered once per
    /// environment.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(transform = keyed_by::<ObjectName>)]
    pub middlewares: Middlewares,
    /// Who answers while an environment is in maintenance: a service of the
    /// platform, or platc's maintenance server and its page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance: Option<MaintenancePage>,
    /// Services that ship together, by group name: `platc promote` promotes
    /// every service of a group when it is asked for one of them (a
    /// migration Job and the service it migrates for), and says so. A
    /// service may be in several groups; promoting it promotes all of them.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(transform = keyed_by::<ObjectName>)]
    pub release_groups: IndexMap<ObjectName, Vec<ServiceName>>,
}

impl Default for PlatformSettings {
    fn default() -> Self {
        Self {
            name: default_platform_name(),
            defaults: Defaults::default(),
            middlewares: Middlewares::default(),
            maintenance: None,
            release_groups: IndexMap::new(),
        }
    }
}

/// Who answers while an environment is in maintenance: a `service` of the
/// platform, or platc's maintenance server, which answers every request with
/// HTTP 503, `Retry-After: 600` and the `html` page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MaintenancePage {
    /// A `web` service of the platform that answers every public route of
    /// an environment in maintenance, unless the environment names another;
    /// built in: platc's maintenance server. The service answers as it
    /// chooses: the 503 status and `Retry-After` are its job (its templates
    /// see `environment.maintenance`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceName>,
    /// The HTML page, answered with status 503 to every request; templates
    /// welcome. Built in: a short page with the platform's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// The unprivileged static web server image serving it, with tag; built
    /// in: a pinned `nginxinc/nginx-unprivileged`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(
        pattern = r"^[^\s:@]+(:[A-Za-z0-9_][A-Za-z0-9_.-]*)(@sha256:[a-f0-9]{64})?$"
    ))]
    pub image: Option<String>,
}

fn default_platform_name() -> ObjectName {
    ObjectName::new("platform").expect("`platform` is a valid name")
}

/// Defaults for values a service leaves unset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Defaults {
    /// Requests and limits of a service that sets none; built in: requests of
    /// 100m CPU and 128Mi memory, limits equal to the requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// The replica count of a service that sets none; built in: 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
}

impl Defaults {
    /// Whether no default is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.resources.is_none() && self.replicas.is_none()
    }
}
