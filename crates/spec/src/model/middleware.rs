//! Middlewares: what Traefik does to a request on its way to a service, one
//! variant per kind of Traefik's `Middleware` resource (`traefik.io` and
//! `traefik.containo.us`). Fields keep Traefik's names, so its documentation
//! applies; where platc decides something for the user (how client
//! addresses are read, which Service a reference reaches, the Secret keys
//! Traefik reads) the field says so. Options Traefik 3 deprecated in favour
//! of another (`headers.sslRedirect`, `stripPrefix.forceSlash`,
//! `contentType.autoDetect`, `ipWhiteList`, ...) are not offered: the
//! replacement is. Which Traefik version each option needs is the renderer's
//! knowledge (`platc_render::validate`).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::routing::RoutePath;
use crate::names::{IpRange, ObjectName, PortName, ServiceName};

/// What a middleware does: exactly one of these keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(
    clippy::large_enum_variant,
    reason = "a platform has tens of middlewares, read once; boxing would only make building them noisier"
)]
pub enum Middleware {
    /// Removes path prefixes before the request reaches the service.
    StripPrefix(StripPrefix),
    /// Removes path prefixes matching regular expressions.
    StripPrefixRegex(StripPrefixRegex),
    /// Adds a prefix to the path.
    AddPrefix(AddPrefix),
    /// Replaces the path (the original goes to `X-Replaced-Path`).
    ReplacePath(ReplacePath),
    /// Rewrites the path with a regular expression.
    ReplacePathRegex(ReplacePathRegex),
    /// Sets or removes request and response headers, and adds security and
    /// CORS headers.
    Headers(Headers),
    /// Sets `Content-Type` from the body when the service sends none.
    ContentType(ContentType),
    /// Compresses responses.
    Compress(Compress),
    /// Buffers requests and responses, and limits their size (a request-body
    /// limit for an upload API).
    Buffering(Buffering),
    /// Limits requests per client.
    RateLimit(RateLimit),
    /// Limits requests in progress at once, per client.
    InFlightReq(InFlightReq),
    /// Retries a request when the service does not answer.
    Retry(Retry),
    /// Stops sending requests to a failing service for a while.
    CircuitBreaker(CircuitBreaker),
    /// Redirects plain HTTP to HTTPS.
    RedirectHttps(RedirectHttps),
    /// Redirects to another scheme or port.
    RedirectScheme(RedirectScheme),
    /// Redirects URLs matching a regular expression.
    RedirectRegex(RedirectRegex),
    /// Asks for a user name and password, checked against a Secret.
    BasicAuth(BasicAuth),
    /// Asks for digest credentials, checked against a Secret.
    DigestAuth(DigestAuth),
    /// Asks another server (a service of the platform, or an address) whether
    /// the request may pass.
    ForwardAuth(ForwardAuth),
    /// Lets in only clients from these address ranges (rendered as
    /// `ipWhiteList` for Traefik 2).
    IpAllowList(IpAllowList),
    /// Passes the client's TLS certificate to the service in a header.
    #[serde(rename = "passTLSClientCert")]
    PassTlsClientCert(PassTlsClientCert),
    /// Answers errors with pages from a service of the platform.
    Errors(Errors),
    /// Applies other middlewares in order, under one name.
    Chain(Chain),
    /// Translates gRPC-Web requests to gRPC (Traefik 3).
    GrpcWeb(GrpcWeb),
    /// Allows encoded characters in request paths that Traefik refuses by
    /// default (Traefik 3.7).
    EncodedCharacters(EncodedCharacters),
}

impl Middleware {
    /// The key that names the variant (`stripPrefix`), as written in files.
    #[must_use]
    pub fn key(&self) -> &'static str {
        match self {
            Self::StripPrefix(_) => "stripPrefix",
            Self::StripPrefixRegex(_) => "stripPrefixRegex",
            Self::AddPrefix(_) => "addPrefix",
            Self::ReplacePath(_) => "replacePath",
            Self::ReplacePathRegex(_) => "replacePathRegex",
            Self::Headers(_) => "headers",
            Self::ContentType(_) => "contentType",
            Self::Compress(_) => "compress",
            Self::Buffering(_) => "buffering",
            Self::RateLimit(_) => "rateLimit",
            Self::InFlightReq(_) => "inFlightReq",
            Self::Retry(_) => "retry",
            Self::CircuitBreaker(_) => "circuitBreaker",
            Self::RedirectHttps(_) => "redirectHttps",
            Self::RedirectScheme(_) => "redirectScheme",
            Self::RedirectRegex(_) => "redirectRegex",
            Self::BasicAuth(_) => "basicAuth",
            Self::DigestAuth(_) => "digestAuth",
            Self::ForwardAuth(_) => "forwardAuth",
            Self::IpAllowList(_) => "ipAllowList",
            Self::PassTlsClientCert(_) => "passTLSClientCert",
            Self::Errors(_) => "errors",
            Self::Chain(_) => "chain",
            Self::GrpcWeb(_) => "grpcWeb",
            Self::EncodedCharacters(_) => "encodedCharacters",
        }
    }

    /// Whether the middleware judges requests by the client's address, which
    /// is only known behind trusted proxies.
    #[must_use]
    pub fn relies_on_client_ip(&self) -> bool {
        match self {
            Self::IpAllowList(_) => true,
            Self::RateLimit(limit) => limit.request_header.is_none() && !limit.request_host,
            Self::InFlightReq(limit) => limit.request_header.is_none() && !limit.request_host,
            _ => false,
        }
    }

    /// Whether the middleware sends requests to an `https://` URL: a
    /// `redirectHttps`, a `redirectScheme` to `https`, a `redirectRegex`
    /// whose replacement is an `https://` URL.
    #[must_use]
    pub fn redirects_to_https(&self) -> bool {
        match self {
            Self::RedirectHttps(_) => true,
            Self::RedirectScheme(redirect) => redirect.scheme.eq_ignore_ascii_case("https"),
            Self::RedirectRegex(redirect) => {
                redirect.replacement.to_ascii_lowercase().starts_with("https://")
            }
            _ => false,
        }
    }

    /// The Secret keys Traefik reads for this middleware: the users of
    /// `basicAuth` and `digestAuth`, the certificates of `forwardAuth.tls`.
    /// Each pair is (Secret, key).
    #[must_use]
    pub fn secret_keys(&self) -> Vec<(ObjectName, &'static str)> {
        match self {
            Self::BasicAuth(auth) => vec![(auth.secret.clone(), AUTH_USERS_KEY)],
            Self::DigestAuth(auth) => vec![(auth.secret.clone(), AUTH_USERS_KEY)],
            Self::ForwardAuth(auth) => {
                let Some(tls) = &auth.tls else { return Vec::new() };
                let mut keys = Vec::new();
                if let Some(ca) = &tls.ca_secret {
                    keys.push((ca.clone(), "ca.crt"));
                }
                if let Some(cert) = &tls.cert_secret {
                    keys.push((cert.clone(), "tls.crt"));
                    keys.push((cert.clone(), "tls.key"));
                }
                keys
            }
            _ => Vec::new(),
        }
    }

    /// The service of the platform this middleware sends requests to, with
    /// the port and the field that names it: `forwardAuth.service`,
    /// `errors.service`.
    #[must_use]
    pub fn service_reference(&self) -> Option<ServiceReference<'_>> {
        match self {
            Self::ForwardAuth(auth) => auth.service.as_ref().map(|service| ServiceReference {
                service,
                port: auth.port.as_ref(),
                field: "forwardAuth",
            }),
            Self::Errors(errors) => Some(ServiceReference {
                service: &errors.service,
                port: errors.port.as_ref(),
                field: "errors",
            }),
            _ => None,
        }
    }
}

/// A service of the platform a middleware sends requests to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceReference<'a> {
    /// The service.
    pub service: &'a ServiceName,
    /// Its port by name; its first port when `None`.
    pub port: Option<&'a PortName>,
    /// The middleware's key (`forwardAuth`), under which `service` is written.
    pub field: &'static str,
}

/// The key under which a Secret referenced by `basicAuth` or `digestAuth`
/// holds its users.
pub const AUTH_USERS_KEY: &str = "users";

/// The key under which a Secret referenced by `basicAuth` holds its users.
pub const BASIC_AUTH_USERS_KEY: &str = AUTH_USERS_KEY;

/// Middlewares defined once and referenced by name.
pub type Middlewares = IndexMap<ObjectName, Middleware>;

/// A Go duration with units, as Traefik reads it: `10s`, `1m30s`, `500ms`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Duration(String);

impl Duration {
    /// The rule, as the schema states it.
    const PATTERN: &'static str = r"^([0-9]+(ns|us|µs|ms|s|m|h))+$";

    /// The duration as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl JsonSchema for Duration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": Self::PATTERN,
            "description": "a duration with units: `10s`, `1m30s`, `500ms`",
        })
    }
}

impl TryFrom<String> for Duration {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        let mut rest = value.as_str();
        let mut parts = 0;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let after = &rest[digits..];
            let unit = ["ns", "us", "µs", "ms", "s", "m", "h"]
                .into_iter()
                .find(|unit| after.starts_with(unit))
                .map_or(0, str::len);
            if digits == 0 || unit == 0 {
                return Err(format!(
                    "`{value}` is not a duration: write `10s`, `1m30s` or `500ms`"
                ));
            }
            rest = &after[unit..];
            parts += 1;
        }
        if parts == 0 {
            return Err("an empty duration: write `10s`, `1m30s` or `500ms`".to_owned());
        }
        Ok(Self(value))
    }
}

impl From<Duration> for String {
    fn from(duration: Duration) -> String {
        duration.0
    }
}

/// An HTTP status code or a range of them: `503`, `500-599`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StatusRange(String);

impl StatusRange {
    const PATTERN: &'static str = r"^[1-5][0-9][0-9](-[1-5][0-9][0-9])?$";

    /// The range as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl JsonSchema for StatusRange {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "StatusRange".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": Self::PATTERN,
            "description": "an HTTP status code or a range, as a string: `\"503\"`, `\"500-599\"`",
        })
    }
}

impl TryFrom<String> for StatusRange {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        let code =
            |s: &str| s.len() == 3 && s.parse::<u16>().is_ok_and(|c| (100..=599).contains(&c));
        let valid = match value.split_once('-') {
            Some((low, high)) => {
                code(low) && code(high) && low.parse::<u16>().ok() <= high.parse::<u16>().ok()
            }
            None => code(&value),
        };
        if valid {
            Ok(Self(value))
        } else {
            Err(format!("`{value}` is not a status code or a range such as `500-599`"))
        }
    }
}

impl From<StatusRange> for String {
    fn from(range: StatusRange) -> String {
        range.0
    }
}

/// An HTTP status code, 100 to 599.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct StatusCode(u16);

impl StatusCode {
    /// The code.
    #[must_use]
    pub fn get(self) -> u16 {
        self.0
    }
}

impl TryFrom<u16> for StatusCode {
    type Error = String;
    fn try_from(code: u16) -> Result<Self, String> {
        if (100..=599).contains(&code) {
            Ok(Self(code))
        } else {
            Err(format!("{code} is not an HTTP status code (100 to 599)"))
        }
    }
}

impl From<StatusCode> for u16 {
    fn from(code: StatusCode) -> u16 {
        code.0
    }
}

impl JsonSchema for StatusCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "StatusCode".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "integer", "minimum": 100, "maximum": 599})
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

/// `stripPrefixRegex`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StripPrefixRegex {
    /// Regular expressions (Go syntax) matching the prefixes to remove
    /// (`/users/[a-z0-9]+`).
    #[schemars(length(min = 1))]
    pub regex: Vec<String>,
}

/// `addPrefix`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AddPrefix {
    /// The prefix put before the path (`/v2`).
    pub prefix: RoutePath,
}

/// `replacePath`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReplacePath {
    /// The path every request gets instead of its own.
    pub path: RoutePath,
}

/// `replacePathRegex`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReplacePathRegex {
    /// A regular expression (Go syntax) matching the path (`^/api/v1/(.*)`).
    #[schemars(length(min = 1))]
    pub regex: String,
    /// The new path, with `$1`-style references to the groups (`/v1/$1`).
    pub replacement: String,
}

/// `headers`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[allow(clippy::struct_excessive_bools, reason = "each flag is one of Traefik's header options")]
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
    /// Sends `Strict-Transport-Security` over plain HTTP too.
    #[serde(rename = "forceSTSHeader", default, skip_serializing_if = "std::ops::Not::not")]
    pub force_sts_header: bool,
    /// Sends `X-Frame-Options: DENY`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub frame_deny: bool,
    /// `X-Frame-Options` with this value instead of `DENY` (`SAMEORIGIN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_frame_options_value: Option<String>,
    /// Sends `X-Content-Type-Options: nosniff`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub content_type_nosniff: bool,
    /// Sends `X-XSS-Protection: 1; mode=block`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub browser_xss_filter: bool,
    /// `X-XSS-Protection` with this value instead.
    #[serde(rename = "customBrowserXSSValue", default, skip_serializing_if = "Option::is_none")]
    pub custom_browser_xss_value: Option<String>,
    /// The `Referrer-Policy` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer_policy: Option<String>,
    /// The `Content-Security-Policy` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_security_policy: Option<String>,
    /// The `Content-Security-Policy-Report-Only` header (Traefik 3.0.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_security_policy_report_only: Option<String>,
    /// The `Permissions-Policy` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_policy: Option<String>,
    /// The `Public-Key-Pins` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// CORS: `Access-Control-Allow-Origin` for these origins (`*` for any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_control_allow_origin_list: Vec<String>,
    /// CORS: origins matching these regular expressions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_control_allow_origin_list_regex: Vec<String>,
    /// CORS: `Access-Control-Allow-Methods`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_control_allow_methods: Vec<String>,
    /// CORS: `Access-Control-Allow-Headers`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_control_allow_headers: Vec<String>,
    /// CORS: `Access-Control-Expose-Headers`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_control_expose_headers: Vec<String>,
    /// CORS: `Access-Control-Allow-Credentials: true`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub access_control_allow_credentials: bool,
    /// CORS: seconds a preflight answer may be cached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_control_max_age: Option<u32>,
    /// Adds `Vary: Origin` when the allowed origin depends on the request.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub add_vary_header: bool,
    /// Host names allowed to be requested; others get 400.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_hosts: Vec<String>,
    /// Headers that may carry the proxied host name (`X-Forwarded-Host`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts_proxy_headers: Vec<String>,
    /// Header values that mark a request as HTTPS behind another proxy
    /// (`X-Forwarded-Proto: https`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub ssl_proxy_headers: IndexMap<String, String>,
    /// Turns off `allowedHosts`, `stsSeconds` and the TLS checks, for
    /// development.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_development: bool,
}

/// `contentType`: no settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentType {}

/// A compression algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// gzip.
    Gzip,
    /// Brotli.
    Br,
    /// Zstandard.
    Zstd,
}

/// `compress`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Compress {
    /// Content types never compressed (`text/event-stream`); gRPC never is.
    /// Not together with `includedContentTypes`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_content_types: Vec<String>,
    /// The only content types compressed (Traefik 3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub included_content_types: Vec<String>,
    /// Responses smaller than this many bytes stay uncompressed; built in: 1024.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_response_body_bytes: Option<u64>,
    /// The algorithms offered, in order of preference (Traefik 3.2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encodings: Vec<Encoding>,
    /// The algorithm used when the client accepts any (Traefik 3.0.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_encoding: Option<Encoding>,
}

/// `buffering`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Buffering {
    /// The largest request body accepted, in bytes; larger requests get 413.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_request_body_bytes: Option<u64>,
    /// Request bodies above this many bytes are buffered on disk; built in: 1 MiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub mem_request_body_bytes: Option<u64>,
    /// The largest response body passed on, in bytes; larger responses become 500.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_response_body_bytes: Option<u64>,
    /// Response bodies above this many bytes are buffered on disk; built in: 1 MiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub mem_response_body_bytes: Option<u64>,
    /// When to replay the buffered request (`IsNetworkError() && Attempts() < 2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_expression: Option<String>,
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
    /// Count per requested host instead of per client address.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub request_host: bool,
}

/// `inFlightReq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InFlightReq {
    /// Requests in progress at once per client; more get 429.
    #[schemars(range(min = 1))]
    pub amount: u64,
    /// Count per value of this request header instead of per client address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9-]+$"))]
    pub request_header: Option<String>,
    /// Count per requested host instead of per client address.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub request_host: bool,
}

/// `retry`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Retry {
    /// How many times a request is tried in all.
    #[schemars(range(min = 1))]
    pub attempts: u32,
    /// The first wait of the exponential backoff; retries at once when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_interval: Option<Duration>,
    /// How long retrying may take in all (Traefik 3.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// Also retry on these response statuses (Traefik 3.7).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<StatusRange>,
    /// Do not retry when sending the request failed (Traefik 3.7).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_retry_on_network_error: bool,
    /// Retry `POST`, `PATCH` and `LOCK` requests too (Traefik 3.7).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retry_non_idempotent_method: bool,
    /// Requests with a larger body are not retried, in bytes (Traefik 3.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_request_body_bytes: Option<u64>,
}

/// `circuitBreaker`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CircuitBreaker {
    /// When to open the circuit: `NetworkErrorRatio() > 0.3`,
    /// `ResponseCodeRatio(500, 600, 0, 600) > 0.25`, `LatencyAtQuantileMS(50.0) > 100`.
    #[schemars(length(min = 1))]
    pub expression: String,
    /// How often the expression is evaluated; built in: `100ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_period: Option<Duration>,
    /// How long the circuit stays open; built in: `10s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_duration: Option<Duration>,
    /// How long traffic ramps back up; built in: `10s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_duration: Option<Duration>,
    /// The status answered while open; built in: 503 (Traefik 3.0.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 100, max = 599))]
    pub response_code: Option<u16>,
}

/// `redirectHttps`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RedirectHttps {
    /// A permanent (308) rather than a temporary (307) redirect; built in: permanent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permanent: Option<bool>,
}

/// `redirectScheme`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RedirectScheme {
    /// The scheme redirected to (`https`).
    #[schemars(regex(pattern = r"^[a-z][a-z0-9+.-]*$"))]
    pub scheme: String,
    /// The port redirected to; built in: the scheme's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub port: Option<u16>,
    /// A permanent redirect (301, or 308 for other methods than GET).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub permanent: bool,
}

/// `redirectRegex`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RedirectRegex {
    /// A regular expression (Go syntax) matching the whole URL
    /// (`^https://www\.(.*)`).
    #[schemars(length(min = 1))]
    pub regex: String,
    /// The URL redirected to, with `${1}`-style references (`https://${1}`).
    #[schemars(length(min = 1))]
    pub replacement: String,
    /// A permanent redirect (308) rather than a temporary one (307).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub permanent: bool,
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
    /// A request header the authenticated user's name is passed in (`X-User`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_field: Option<String>,
    /// Whether the `Authorization` header is removed before the request
    /// reaches the service; built in: true, so credentials stay at Traefik.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_header: Option<bool>,
}

/// `digestAuth`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DigestAuth {
    /// The Secret whose `users` key holds htdigest lines (`user:realm:hash`).
    pub secret: ObjectName,
    /// The realm browsers show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realm: Option<String>,
    /// A request header the authenticated user's name is passed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_field: Option<String>,
    /// Whether the `Authorization` header is removed before the request
    /// reaches the service; built in: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_header: Option<bool>,
}

/// `forwardAuth`: exactly one of `service` (a service of the platform) or
/// `address` (a server elsewhere).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[allow(clippy::struct_excessive_bools, reason = "each flag is one of Traefik's options")]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForwardAuth {
    /// A `web` service of the platform that answers the authentication
    /// requests; platc writes its in-cluster address and lets Traefik reach
    /// its port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceName>,
    /// The port of `service`, by name; built in: its first port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<PortName>,
    /// The path requests go to on `service` (`/verify`); built in: `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<RoutePath>,
    /// The URL of an authentication server outside the platform
    /// (`https://auth.example.com/verify`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^https?://[^\s]+$"))]
    pub address: Option<String>,
    /// Passes the client's `X-Forwarded-*` headers on to the server.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub trust_forward_header: bool,
    /// Request headers sent to the server; every header when left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auth_request_headers: Vec<String>,
    /// Headers of the server's answer copied onto the request (`X-User-Id`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auth_response_headers: Vec<String>,
    /// Headers of the server's answer matching this regular expression are
    /// copied onto the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_response_headers_regex: Option<String>,
    /// Cookies of the server's answer copied onto the response (Traefik 3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_auth_cookies_to_response: Vec<String>,
    /// A request header the authenticated user's name is passed in (Traefik 3.3.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_field: Option<String>,
    /// Sends the request body to the server (Traefik 3.3).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub forward_body: bool,
    /// The largest body sent to the server, in bytes (Traefik 3.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_body_size: Option<u64>,
    /// The largest answer read from the server, in bytes (Traefik 3.6.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_response_body_size: Option<u64>,
    /// Keeps the server's `Location` header as it is (Traefik 3.3).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub preserve_location_header: bool,
    /// Asks the server with the request's method instead of `GET` (Traefik 3.4).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub preserve_request_method: bool,
    /// Where to send the client when the server answers 401 (Traefik 3.7).
    #[serde(rename = "authSigninURL", default, skip_serializing_if = "Option::is_none")]
    pub auth_signin_url: Option<String>,
    /// TLS to the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<ForwardAuthTls>,
}

/// TLS between Traefik and a `forwardAuth` server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForwardAuthTls {
    /// A Secret whose `ca.crt` key holds the CA that signed the server's certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_secret: Option<ObjectName>,
    /// A TLS Secret (`tls.crt`, `tls.key`) Traefik presents as its client certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_secret: Option<ObjectName>,
    /// Accepts any server certificate.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub insecure_skip_verify: bool,
}

/// `ipAllowList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IpAllowList {
    /// Client address ranges let in.
    #[schemars(length(min = 1))]
    pub source_range: Vec<IpRange>,
    /// The status refused clients get; built in: 403 (Traefik 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 100, max = 599))]
    pub reject_status_code: Option<u16>,
}

/// `passTLSClientCert`: what of the client certificate the service gets, in
/// the `X-Forwarded-Tls-Client-Cert` (`pem`) and
/// `X-Forwarded-Tls-Client-Cert-Info` (`info`) headers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PassTlsClientCert {
    /// The whole certificate, PEM-encoded.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pem: bool,
    /// Selected fields of the certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<CertInfo>,
}

/// The fields of a client certificate passed on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[allow(clippy::struct_excessive_bools, reason = "each flag is one field of the certificate")]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CertInfo {
    /// The end of validity.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_after: bool,
    /// The start of validity.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_before: bool,
    /// The subject alternative names.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sans: bool,
    /// The serial number.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub serial_number: bool,
    /// Fields of the subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<SubjectInfo>,
    /// Fields of the issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<IssuerInfo>,
}

/// The subject's fields passed on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[allow(clippy::struct_excessive_bools, reason = "each flag is one field of the name")]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SubjectInfo {
    /// `CN`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub common_name: bool,
    /// `C`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub country: bool,
    /// `DC`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub domain_component: bool,
    /// `L`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub locality: bool,
    /// `O`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub organization: bool,
    /// `OU`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub organizational_unit: bool,
    /// `ST`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub province: bool,
    /// The subject's serial number.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub serial_number: bool,
}

/// The issuer's fields passed on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[allow(clippy::struct_excessive_bools, reason = "each flag is one field of the name")]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IssuerInfo {
    /// `CN`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub common_name: bool,
    /// `C`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub country: bool,
    /// `DC`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub domain_component: bool,
    /// `L`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub locality: bool,
    /// `O`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub organization: bool,
    /// `ST`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub province: bool,
    /// The issuer's serial number.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub serial_number: bool,
}

/// `errors`: error responses of the route's service are replaced by pages
/// another service of the platform serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Errors {
    /// The statuses that get an error page (`"500-599"`, `"404"`).
    #[schemars(length(min = 1))]
    pub status: Vec<StatusRange>,
    /// The `web` service of the platform that serves the pages.
    pub service: ServiceName,
    /// Its port, by name; built in: its first port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<PortName>,
    /// The path asked for on `service`; `{status}` is the status
    /// (`/errors/{status}.html`); built in: `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The status answered instead of the original, by status or range
    /// (`"418": 404`, `"500-599": 503`) (Traefik 3.4).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(with = "IndexMap<String, StatusCode>")]
    pub status_rewrites: IndexMap<StatusRange, StatusCode>,
    /// The request headers passed to `service`; every header when left out,
    /// none when empty (Traefik 3.7.10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_request_headers: Option<Vec<String>>,
}

/// `chain`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Chain {
    /// The middlewares applied, in order, by name: the service's own or the
    /// platform's (a chain in `platform.yaml` names the platform's only).
    #[schemars(length(min = 1))]
    pub middlewares: Vec<ObjectName>,
}

/// `grpcWeb`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GrpcWeb {
    /// Origins allowed to call (`https://app.example.com`, `*`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_origins: Vec<String>,
}

/// `encodedCharacters`: which percent-encoded characters request paths may
/// hold; Traefik refuses some by default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EncodedCharacters {
    /// `%2F`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_encoded_slash: Option<bool>,
    /// `%5C`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_encoded_back_slash: Option<bool>,
    /// `%00`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_encoded_null_character: Option<bool>,
    /// `%25`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_encoded_percent: Option<bool>,
    /// `%3F`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_encoded_question_mark: Option<bool>,
    /// `%3B`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_encoded_semicolon: Option<bool>,
    /// `%23`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_encoded_hash: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_have_units() {
        for good in ["10s", "1m30s", "500ms", "2h", "100us", "3µs"] {
            assert!(Duration::try_from(good.to_owned()).is_ok(), "{good}");
        }
        for bad in ["", "10", "1.5s", "s", "10 s", "-1s", "1d"] {
            assert!(Duration::try_from(bad.to_owned()).is_err(), "{bad}");
        }
        let pattern = regex::Regex::new(Duration::PATTERN).expect("valid");
        for sample in ["10s", "1m30s", "10", "1.5s"] {
            assert_eq!(
                pattern.is_match(sample),
                Duration::try_from(sample.to_owned()).is_ok(),
                "the schema and the type agree on {sample}"
            );
        }
    }

    #[test]
    fn status_ranges() {
        for good in ["503", "500-599", "404-404"] {
            assert!(StatusRange::try_from(good.to_owned()).is_ok(), "{good}");
        }
        for bad in ["50", "600", "599-500", "500,502", "5xx", ""] {
            assert!(StatusRange::try_from(bad.to_owned()).is_err(), "{bad}");
        }
    }

    #[test]
    fn redirects_to_https_by_each_redirecting_kind() {
        let scheme = |scheme: &str| {
            Middleware::RedirectScheme(RedirectScheme {
                scheme: scheme.to_owned(),
                port: None,
                permanent: false,
            })
        };
        let regex = |replacement: &str| {
            Middleware::RedirectRegex(RedirectRegex {
                regex: "^http://(.*)".to_owned(),
                replacement: replacement.to_owned(),
                permanent: false,
            })
        };
        assert!(Middleware::RedirectHttps(RedirectHttps::default()).redirects_to_https());
        assert!(scheme("https").redirects_to_https());
        assert!(!scheme("http").redirects_to_https());
        assert!(regex("https://${1}").redirects_to_https());
        assert!(!regex("http://www.${1}").redirects_to_https());
        assert!(!Middleware::ContentType(ContentType {}).redirects_to_https());
    }

    #[test]
    fn keys_match_the_serialized_variant() {
        let middleware = Middleware::PassTlsClientCert(PassTlsClientCert::default());
        let value = serde_json::to_value(&middleware).expect("serializes");
        assert!(value.get(middleware.key()).is_some(), "{value}");
    }
}
