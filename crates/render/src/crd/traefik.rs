//! Traefik's routing resources, modelled on its CRDs: `traefik.io/v1alpha1`
//! from traefik/traefik-helm-chart 41.3.0 (Traefik v3.7.11,
//! `traefik/crds/traefik.io_{ingressroutes,middlewares,tlsoptions}.yaml`) and
//! `traefik.containo.us/v1alpha1` from chart 26.0.0 (Traefik v2.10.6,
//! `traefik/crds/traefik.containo.us_*.yaml`). The Traefik 3 CRDs are a
//! superset of Traefik 2's: a field both have is spelt the same in both, and
//! the fields only Traefik 3 has are refused for Traefik 2 before anything
//! is built (`crate::validate`). Two things differ by name or meaning: the
//! IP allow list (`ipAllowList` in Traefik 3, `ipWhiteList` in Traefik 2,
//! whose 2.10 CRD lacks the new name) and `contentType`, which turns
//! detection on in Traefik 3 and needs `autoDetect: true` to mean the same
//! in Traefik 2.

use std::collections::BTreeMap;

use serde::Serialize;

use super::CustomSpec;

/// `IngressRoute`: HTTP routers of one service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NameRef {
    /// The referenced object's name.
    pub name: String,
}

/// A Kubernetes Service and port.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ServiceRef {
    /// The Service's name.
    pub name: String,
    /// The Service port.
    pub port: u16,
    /// Sticky sessions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sticky: Option<Sticky>,
}

/// Sticky sessions by cookie.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Sticky {
    /// The cookie.
    pub cookie: StickyCookieSpec,
}

/// The sticky cookie: the fields both API groups have.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StickyCookieSpec {
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// HTTPS only.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub secure: bool,
    /// Hidden from scripts.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub http_only: bool,
    /// `SameSite`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_site: Option<&'static str>,
}

/// TLS of an IngressRoute.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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

/// `Middleware`: exactly one of the fields is set. Every kind of both
/// groups' CRDs except `plugin`: a plugin's configuration is free-form
/// (`x-kubernetes-preserve-unknown-fields`), and the plugin itself is
/// declared in Traefik's static configuration and downloaded when Traefik
/// starts, so nothing here could type or check it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MiddlewareSpec {
    /// Adds a path prefix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub add_prefix: Option<AddPrefixSpec>,
    /// Basic authentication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basic_auth: Option<AuthSpec>,
    /// Buffering and body size limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buffering: Option<BufferingSpec>,
    /// Other middlewares in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<ChainSpec>,
    /// The circuit breaker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub circuit_breaker: Option<CircuitBreakerSpec>,
    /// Response compression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compress: Option<CompressSpec>,
    /// Content-Type detection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<ContentTypeSpec>,
    /// Digest authentication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest_auth: Option<AuthSpec>,
    /// Encoded characters allowed in paths (Traefik 3.7).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoded_characters: Option<EncodedCharactersSpec>,
    /// Error pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<ErrorsSpec>,
    /// Authentication by another server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forward_auth: Option<ForwardAuthSpec>,
    /// gRPC-Web to gRPC (Traefik 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grpc_web: Option<GrpcWebSpec>,
    /// Header manipulation and security headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<HeadersSpec>,
    /// Requests in progress at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_flight_req: Option<InFlightReqSpec>,
    /// The IP allow list (Traefik 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_allow_list: Option<IpListSpec>,
    /// The IP allow list under its Traefik 2 name.
    #[serde(rename = "ipWhiteList", skip_serializing_if = "Option::is_none")]
    pub ip_white_list: Option<IpListSpec>,
    /// The client certificate, passed on in headers.
    #[serde(rename = "passTLSClientCert", skip_serializing_if = "Option::is_none")]
    pub pass_tls_client_cert: Option<PassTlsClientCertSpec>,
    /// Rate limiting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitSpec>,
    /// Redirection by regular expression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_regex: Option<RedirectRegexSpec>,
    /// Scheme redirection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_scheme: Option<RedirectSchemeSpec>,
    /// Replaces the path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replace_path: Option<ReplacePathSpec>,
    /// Rewrites the path by regular expression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replace_path_regex: Option<ReplacePathRegexSpec>,
    /// Retries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetrySpec>,
    /// Removes path prefixes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strip_prefix: Option<StripPrefixSpec>,
    /// Removes path prefixes by regular expression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strip_prefix_regex: Option<StripPrefixRegexSpec>,
}

impl CustomSpec for MiddlewareSpec {
    const KIND: &'static str = "Middleware";
}

/// `addPrefix`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AddPrefixSpec {
    /// The prefix.
    pub prefix: String,
}

/// `stripPrefix`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StripPrefixSpec {
    /// The prefixes.
    pub prefixes: Vec<String>,
}

/// `stripPrefixRegex`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StripPrefixRegexSpec {
    /// The regular expressions.
    pub regex: Vec<String>,
}

/// `replacePath`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReplacePathSpec {
    /// The new path.
    pub path: String,
}

/// `replacePathRegex`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReplacePathRegexSpec {
    /// The regular expression.
    pub regex: String,
    /// The replacement.
    pub replacement: String,
}

/// `headers`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[allow(clippy::struct_excessive_bools, reason = "each flag is one of Traefik's header options")]
#[serde(rename_all = "camelCase")]
pub struct HeadersSpec {
    /// Request headers to set (empty value: remove).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub custom_request_headers: BTreeMap<String, String>,
    /// Response headers to set (empty value: remove).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub custom_response_headers: BTreeMap<String, String>,
    /// HSTS max-age.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sts_seconds: Option<u32>,
    /// HSTS includeSubDomains.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sts_include_subdomains: bool,
    /// HSTS preload.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sts_preload: bool,
    /// HSTS over plain HTTP too.
    #[serde(rename = "forceSTSHeader", skip_serializing_if = "std::ops::Not::not")]
    pub force_sts_header: bool,
    /// `X-Frame-Options: DENY`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub frame_deny: bool,
    /// Another `X-Frame-Options` value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_frame_options_value: Option<String>,
    /// `X-Content-Type-Options: nosniff`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub content_type_nosniff: bool,
    /// `X-XSS-Protection: 1; mode=block`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub browser_xss_filter: bool,
    /// Another `X-XSS-Protection` value.
    #[serde(rename = "customBrowserXSSValue", skip_serializing_if = "Option::is_none")]
    pub custom_browser_xss_value: Option<String>,
    /// `Referrer-Policy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrer_policy: Option<String>,
    /// `Content-Security-Policy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_security_policy: Option<String>,
    /// `Content-Security-Policy-Report-Only`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_security_policy_report_only: Option<String>,
    /// `Permissions-Policy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_policy: Option<String>,
    /// `Public-Key-Pins`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// CORS origins.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub access_control_allow_origin_list: Vec<String>,
    /// CORS origin patterns.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub access_control_allow_origin_list_regex: Vec<String>,
    /// CORS methods.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub access_control_allow_methods: Vec<String>,
    /// CORS request headers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub access_control_allow_headers: Vec<String>,
    /// CORS exposed headers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub access_control_expose_headers: Vec<String>,
    /// CORS credentials.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub access_control_allow_credentials: bool,
    /// CORS preflight cache.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_control_max_age: Option<u32>,
    /// `Vary: Origin`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub add_vary_header: bool,
    /// Allowed hosts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_hosts: Vec<String>,
    /// Headers carrying the proxied host.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hosts_proxy_headers: Vec<String>,
    /// Headers marking a request as HTTPS.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub ssl_proxy_headers: BTreeMap<String, String>,
    /// Development mode.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_development: bool,
}

/// `contentType`: empty for Traefik 3; Traefik 2 detects unless told not
/// to, so it says `autoDetect: true`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentTypeSpec {
    /// Traefik 2's switch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_detect: Option<bool>,
}

/// `compress`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompressSpec {
    /// Content types not compressed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excluded_content_types: Vec<String>,
    /// The only content types compressed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub included_content_types: Vec<String>,
    /// The smallest body compressed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_response_body_bytes: Option<u64>,
    /// The algorithms.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub encodings: Vec<String>,
    /// The algorithm when any is accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_encoding: Option<String>,
}

/// `buffering`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BufferingSpec {
    /// The largest request body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_request_body_bytes: Option<u64>,
    /// The in-memory request threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mem_request_body_bytes: Option<u64>,
    /// The largest response body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_response_body_bytes: Option<u64>,
    /// The in-memory response threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mem_response_body_bytes: Option<u64>,
    /// When to replay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_expression: Option<String>,
}

/// `rateLimit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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

/// `inFlightReq`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InFlightReqSpec {
    /// Requests at once.
    pub amount: u64,
    /// What counts as one client.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_criterion: Option<SourceCriterion>,
}

/// How a client is told apart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceCriterion {
    /// By a request header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_header_name: Option<String>,
    /// By the requested host.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub request_host: bool,
    /// By address, read from `X-Forwarded-For` past the trusted proxies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_strategy: Option<IpStrategy>,
}

/// Which address of `X-Forwarded-For` is the client's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IpStrategy {
    /// Addresses skipped from the right: the trusted proxies.
    #[serde(rename = "excludedIPs")]
    pub excluded_ips: Vec<String>,
}

/// `retry`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetrySpec {
    /// Attempts in all.
    pub attempts: u32,
    /// The first backoff wait.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_interval: Option<String>,
    /// The time retrying may take.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// Statuses retried.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<String>,
    /// No retry on network errors.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub disable_retry_on_network_error: bool,
    /// Retry non-idempotent methods.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub retry_non_idempotent_method: bool,
    /// The largest body retried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_request_body_bytes: Option<u64>,
}

/// `circuitBreaker`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CircuitBreakerSpec {
    /// When to open.
    pub expression: String,
    /// How often to check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_period: Option<String>,
    /// How long to stay open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_duration: Option<String>,
    /// How long to recover.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_duration: Option<String>,
    /// The status while open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_code: Option<u16>,
}

/// `redirectScheme`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RedirectSchemeSpec {
    /// The target scheme.
    pub scheme: String,
    /// The target port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// A permanent redirect.
    pub permanent: bool,
}

/// `redirectRegex`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RedirectRegexSpec {
    /// The regular expression.
    pub regex: String,
    /// The target.
    pub replacement: String,
    /// A permanent redirect.
    pub permanent: bool,
}

/// `basicAuth` and `digestAuth`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthSpec {
    /// The Secret with the `users` key.
    pub secret: String,
    /// The realm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub realm: Option<String>,
    /// The header the user's name goes in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_field: Option<String>,
    /// Do not pass the Authorization header to the service.
    pub remove_header: bool,
}

/// `forwardAuth`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[allow(clippy::struct_excessive_bools, reason = "each flag is one of Traefik's options")]
#[serde(rename_all = "camelCase")]
pub struct ForwardAuthSpec {
    /// The server's URL.
    pub address: String,
    /// Pass `X-Forwarded-*` on.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub trust_forward_header: bool,
    /// Request headers sent.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub auth_request_headers: Vec<String>,
    /// Answer headers copied.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub auth_response_headers: Vec<String>,
    /// Answer headers copied, by pattern.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_response_headers_regex: Option<String>,
    /// Answer cookies copied.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub add_auth_cookies_to_response: Vec<String>,
    /// The header the user's name goes in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_field: Option<String>,
    /// Send the body.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub forward_body: bool,
    /// The largest body sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_body_size: Option<u64>,
    /// The largest answer read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_response_body_size: Option<u64>,
    /// Keep `Location`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub preserve_location_header: bool,
    /// Keep the method.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub preserve_request_method: bool,
    /// Where 401s go.
    #[serde(rename = "authSigninURL", skip_serializing_if = "Option::is_none")]
    pub auth_signin_url: Option<String>,
    /// TLS to the server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<ClientTlsSpec>,
}

/// TLS from Traefik to a server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientTlsSpec {
    /// The CA's Secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_secret: Option<String>,
    /// The client certificate's Secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_secret: Option<String>,
    /// Accept any certificate.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub insecure_skip_verify: bool,
}

/// `ipAllowList` / `ipWhiteList`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IpListSpec {
    /// Allowed ranges.
    pub source_range: Vec<String>,
    /// Which forwarded address is the client's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_strategy: Option<IpStrategy>,
    /// The status of refusals (Traefik 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reject_status_code: Option<u16>,
}

/// `passTLSClientCert`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PassTlsClientCertSpec {
    /// The whole certificate.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pem: bool,
    /// Selected fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub info: Option<CertInfoSpec>,
}

/// The certificate fields passed on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[allow(clippy::struct_excessive_bools, reason = "each flag is one field of the certificate")]
#[serde(rename_all = "camelCase")]
pub struct CertInfoSpec {
    /// End of validity.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_after: bool,
    /// Start of validity.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_before: bool,
    /// Alternative names.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sans: bool,
    /// Serial number.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub serial_number: bool,
    /// Subject fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<DistinguishedNameSpec>,
    /// Issuer fields (no `organizationalUnit`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<DistinguishedNameSpec>,
}

/// Fields of a distinguished name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[allow(clippy::struct_excessive_bools, reason = "each flag is one field of the name")]
#[serde(rename_all = "camelCase")]
pub struct DistinguishedNameSpec {
    /// `CN`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub common_name: bool,
    /// `C`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub country: bool,
    /// `DC`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub domain_component: bool,
    /// `L`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub locality: bool,
    /// `O`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub organization: bool,
    /// `OU` (subject only).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub organizational_unit: bool,
    /// `ST`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub province: bool,
    /// Serial number.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub serial_number: bool,
}

/// `errors`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorsSpec {
    /// Statuses with an error page.
    pub status: Vec<String>,
    /// The Service serving the pages.
    pub service: ServiceRef,
    /// The path asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Statuses answered instead.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub status_rewrites: BTreeMap<String, u16>,
    /// Request headers passed on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_request_headers: Option<Vec<String>>,
}

/// `chain`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ChainSpec {
    /// The middlewares, by name in the same namespace.
    pub middlewares: Vec<NameRef>,
}

/// `grpcWeb`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrpcWebSpec {
    /// Allowed origins.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allow_origins: Vec<String>,
}

/// `encodedCharacters`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EncodedCharactersSpec {
    /// `%2F`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_encoded_slash: Option<bool>,
    /// `%5C`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_encoded_back_slash: Option<bool>,
    /// `%00`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_encoded_null_character: Option<bool>,
    /// `%25`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_encoded_percent: Option<bool>,
    /// `%3F`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_encoded_question_mark: Option<bool>,
    /// `%3B`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_encoded_semicolon: Option<bool>,
    /// `%23`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_encoded_hash: Option<bool>,
}

/// `TLSOption`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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
