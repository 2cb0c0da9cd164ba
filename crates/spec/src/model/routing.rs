//! Routes into a service and the middlewares they pass through, rendered as
//! Traefik `IngressRoute` and `Middleware` objects.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::names::{IpRange, ObjectName, PortName};

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
    /// route answers with the maintenance page; a route marked `public: false`
    /// (an admin tool behind an allow list) keeps reaching the service.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub public: bool,
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

/// What a middleware does: exactly one of these keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Middleware {
    /// Removes path prefixes before the request reaches the service.
    StripPrefix(StripPrefix),
    /// Sets or removes request and response headers, and adds security headers.
    Headers(Headers),
    /// Limits requests per client.
    RateLimit(RateLimit),
    /// Redirects plain HTTP to HTTPS.
    RedirectHttps(RedirectHttps),
    /// Asks for a user name and password, checked against a Secret.
    BasicAuth(BasicAuth),
    /// Lets in only clients from these address ranges.
    IpAllowList(IpAllowList),
}

impl Middleware {
    /// Whether the middleware judges requests by the client's address, which
    /// is only known behind trusted proxies.
    #[must_use]
    pub fn relies_on_client_ip(&self) -> bool {
        match self {
            Self::IpAllowList(_) => true,
            Self::RateLimit(limit) => limit.request_header.is_none(),
            _ => false,
        }
    }
}

/// `stripPrefix`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StripPrefix {
    /// The prefixes to remove (`/api`).
    #[schemars(length(min = 1))]
    pub prefixes: Vec<RoutePath>,
}

/// `headers`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[allow(clippy::struct_excessive_bools, reason = "each flag is one of Traefik's security headers")]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Headers {
    /// Request headers to set; an empty value removes the header.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub request: IndexMap<String, String>,
    /// Response headers to set; an empty value removes the header.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub response: IndexMap<String, String>,
    /// `Strict-Transport-Security` max-age in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sts_seconds: Option<u32>,
    /// Adds `includeSubDomains` to `Strict-Transport-Security`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sts_include_subdomains: bool,
    /// Adds `preload` to `Strict-Transport-Security`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sts_preload: bool,
    /// Sends `X-Frame-Options: DENY`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub frame_deny: bool,
    /// Sends `X-Content-Type-Options: nosniff`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub content_type_nosniff: bool,
    /// The `Referrer-Policy` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer_policy: Option<String>,
}

/// `rateLimit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RateLimit {
    /// Requests allowed per `period` on average.
    #[schemars(range(min = 1))]
    pub average: u32,
    /// Requests allowed in a burst; built in: `average`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub burst: Option<u32>,
    /// The period `average` counts over (a Go duration); built in: `1s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$"))]
    pub period: Option<String>,
    /// Count per value of this request header (an API key) instead of per
    /// client address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9-]+$"))]
    pub request_header: Option<String>,
}

/// `redirectHttps`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RedirectHttps {
    /// A permanent (308) rather than a temporary (307) redirect; built in: permanent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permanent: Option<bool>,
}

/// `basicAuth`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BasicAuth {
    /// The Secret whose `users` key holds htpasswd lines (`user:$apr1$...`).
    pub secret: ObjectName,
    /// The realm browsers show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realm: Option<String>,
}

/// `ipAllowList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IpAllowList {
    /// Client address ranges let in.
    #[schemars(length(min = 1))]
    pub source_range: Vec<IpRange>,
}

/// The key under which a Secret referenced by `basicAuth` holds its users.
pub const BASIC_AUTH_USERS_KEY: &str = "users";

/// Middlewares defined once and referenced by name.
pub type Middlewares = IndexMap<ObjectName, Middleware>;
