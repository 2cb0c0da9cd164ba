//! Traefik's routing resources, modelled on its CRDs: `traefik.io/v1alpha1`
//! from traefik/traefik-helm-chart 41.3.0 (Traefik v3.7.11,
//! `traefik/crds/traefik.io_{ingressroutes,middlewares,tlsoptions}.yaml`) and
//! `traefik.containo.us/v1alpha1` from chart 26.0.0 (Traefik v2.11,
//! `traefik/crds/traefik.containo.us_*.yaml`). The fields platc writes are
//! the same in both groups except the IP allow list, `ipAllowList` in
//! Traefik 3 and `ipWhiteList` in Traefik 2.

use serde::Serialize;

use super::CustomSpec;

/// `IngressRoute`: HTTP routers of one service.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressRouteSpec {
    /// The entry points the routers listen on.
    pub entry_points: Vec<String>,
    /// One router per host and path.
    pub routes: Vec<RouteRule>,
    /// TLS for every router, when the environment serves TLS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<RouteTls>,
}

impl CustomSpec for IngressRouteSpec {
    const KIND: &'static str = "IngressRoute";
}

/// One router.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RouteRule {
    /// Always `Rule` (required by Traefik 2).
    pub kind: &'static str,
    /// The rule: `Host(`a.example.com`) && PathPrefix(`/x`)`.
    #[serde(rename = "match")]
    pub match_: String,
    /// Middlewares in order, by name in the same namespace.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub middlewares: Vec<NameRef>,
    /// Where requests go.
    pub services: Vec<ServiceRef>,
}

/// A reference by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NameRef {
    /// The referenced object's name.
    pub name: String,
}

/// A Kubernetes Service and port.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ServiceRef {
    /// The Service's name.
    pub name: String,
    /// The Service port.
    pub port: u16,
}

/// TLS of an IngressRoute.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteTls {
    /// A certificate resolver.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_resolver: Option<String>,
    /// A TLS Secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<String>,
    /// A TLSOption, by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<NameRef>,
}

/// `Middleware`: exactly one of the fields is set.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MiddlewareSpec {
    /// Removes path prefixes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strip_prefix: Option<StripPrefixSpec>,
    /// Header manipulation and security headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<HeadersSpec>,
    /// Rate limiting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitSpec>,
    /// Scheme redirection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_scheme: Option<RedirectSchemeSpec>,
    /// Basic authentication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basic_auth: Option<BasicAuthSpec>,
    /// The IP allow list (Traefik 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_allow_list: Option<IpListSpec>,
    /// The IP allow list under its Traefik 2 name.
    #[serde(rename = "ipWhiteList", skip_serializing_if = "Option::is_none")]
    pub ip_white_list: Option<IpListSpec>,
}

impl CustomSpec for MiddlewareSpec {
    const KIND: &'static str = "Middleware";
}

/// `stripPrefix`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StripPrefixSpec {
    /// The prefixes.
    pub prefixes: Vec<String>,
}

/// `headers`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[allow(clippy::struct_excessive_bools, reason = "each flag is one of Traefik's security headers")]
#[serde(rename_all = "camelCase")]
pub struct HeadersSpec {
    /// Request headers to set (empty value: remove).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub custom_request_headers: std::collections::BTreeMap<String, String>,
    /// Response headers to set (empty value: remove).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub custom_response_headers: std::collections::BTreeMap<String, String>,
    /// HSTS max-age.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sts_seconds: Option<u32>,
    /// HSTS includeSubDomains.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sts_include_subdomains: bool,
    /// HSTS preload.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sts_preload: bool,
    /// `X-Frame-Options: DENY`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub frame_deny: bool,
    /// `X-Content-Type-Options: nosniff`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub content_type_nosniff: bool,
    /// `Referrer-Policy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrer_policy: Option<String>,
}

/// `rateLimit`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitSpec {
    /// Average requests per period.
    pub average: u32,
    /// Burst size.
    pub burst: u32,
    /// The period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// What counts as one client.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_criterion: Option<SourceCriterion>,
}

/// How a client is told apart.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceCriterion {
    /// By a request header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_header_name: Option<String>,
    /// By address, read from `X-Forwarded-For` past the trusted proxies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_strategy: Option<IpStrategy>,
}

/// Which address of `X-Forwarded-For` is the client's.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IpStrategy {
    /// Addresses skipped from the right: the trusted proxies.
    #[serde(rename = "excludedIPs")]
    pub excluded_ips: Vec<String>,
}

/// `redirectScheme`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RedirectSchemeSpec {
    /// The target scheme.
    pub scheme: &'static str,
    /// A permanent redirect.
    pub permanent: bool,
}

/// `basicAuth`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BasicAuthSpec {
    /// The Secret with the `users` key.
    pub secret: String,
    /// The realm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub realm: Option<String>,
    /// Do not pass the Authorization header to the service.
    pub remove_header: bool,
}

/// `ipAllowList` / `ipWhiteList`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IpListSpec {
    /// Allowed ranges.
    pub source_range: Vec<String>,
    /// Which forwarded address is the client's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_strategy: Option<IpStrategy>,
}

/// `TLSOption`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TlsOptionSpec {
    /// The oldest TLS version accepted.
    pub min_version: String,
    /// Refuse connections without SNI matching a certificate.
    pub sni_strict: bool,
}

impl CustomSpec for TlsOptionSpec {
    const KIND: &'static str = "TLSOption";
}
