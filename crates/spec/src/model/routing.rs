//! Routes into a service, rendered as Traefik `IngressRoute` objects; the
//! middlewares they pass through are in `middleware.rs`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::names::{ObjectName, PortName};

/// The middlewares routes name, for the files that hold both.
pub(super) use super::middleware::Middlewares;

/// Requests for a host (and path prefixes) that reach one of the service's ports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Route {
    /// The host name; templates welcome: `"api.{{ environment.domain }}"`.
    #[schemars(length(min = 1))]
    pub host: String,
    /// Path prefixes (`/orders`); every path when left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<RoutePath>,
    /// The port requests go to; defaults to the service's first port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<PortName>,
    /// Middlewares applied in order: the service's own (`middlewares:` in the
    /// service file) or the platform's (in `platform.yaml`), by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub middlewares: Vec<ObjectName>,
    /// Whether the route serves the public. In maintenance mode every public
    /// route answers with the maintenance target; a route marked `public: false`
    /// (an admin tool behind an allow list) keeps reaching the service.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub public: bool,
    /// Sends each client's requests to the same pod, by a cookie Traefik
    /// sets: for services that keep sessions in memory. `sticky: {}` uses
    /// Traefik's cookie name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticky: Option<StickyCookie>,
}

/// The cookie that keeps a client on one pod.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StickyCookie {
    /// The cookie's name; built in: one Traefik derives from the route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]+$"))]
    pub name: Option<String>,
    /// Sent over HTTPS only.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secure: bool,
    /// Hidden from scripts in the page.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub http_only: bool,
    /// The cookie's `SameSite` attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_site: Option<SameSite>,
}

/// A cookie's `SameSite` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SameSite {
    /// Sent with cross-site requests too (needs `secure`).
    None,
    /// Sent with top-level navigations from other sites.
    Lax,
    /// Sent with same-site requests only.
    Strict,
}

impl SameSite {
    /// The attribute's value, as Traefik spells it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Lax => "lax",
            Self::Strict => "strict",
        }
    }
}

fn yes() -> bool {
    true
}

#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_yes(value: &bool) -> bool {
    *value
}

/// A path prefix: starts with `/`, no spaces or backticks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoutePath(String);

impl JsonSchema for RoutePath {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RoutePath".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": r"^/[^\s`]*$",
            "description": "a path prefix starting with `/`, without spaces or backticks",
        })
    }
}

impl RoutePath {
    /// The path as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RoutePath {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        if value.starts_with('/') && !value.contains(|c: char| c.is_whitespace() || c == '`') {
            Ok(Self(value))
        } else {
            Err(format!(
                "`{value}` is not a path prefix: start it with `/`, without spaces or backticks"
            ))
        }
    }
}

impl From<RoutePath> for String {
    fn from(path: RoutePath) -> String {
        path.0
    }
}
