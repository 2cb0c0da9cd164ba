//! How traffic reaches the environment, settled: the Traefik generation and
//! release, entry points, TLS and trusted proxies routes use; middlewares in
//! Traefik's terms, with their object names and defaults; on kind the
//! MetalLB pool; and the releases of the platform components (MetalLB,
//! Traefik) with their values.

use std::collections::BTreeMap;

use platc_spec::model::{
    ClusterFlavour, Encoding, Environment, LoadBalancerScheme, Middleware, Middlewares, Platform,
    Service, TraefikApiGroup, TraefikVersion,
};
use platc_spec::names::{EnvName, NamespaceName, ObjectName, PortName, ServiceName};
use platc_spec::{Code, Diagnostic, Origin};

use crate::components::{
    self, METALLB_CHART, METALLB_NAMESPACE, TRAEFIK_NAMESPACE, TraefikSettings,
};
use crate::crd::traefik::{
    AddPrefixSpec, AuthSpec, BufferingSpec, CertInfoSpec, ChainSpec, CircuitBreakerSpec,
    ClientTlsSpec, CompressSpec, ContentTypeSpec, DistinguishedNameSpec, EncodedCharactersSpec,
    ErrorsSpec, ForwardAuthSpec, GrpcWebSpec, HeadersSpec, InFlightReqSpec, IpListSpec, IpStrategy,
    MiddlewareSpec, NameRef, PassTlsClientCertSpec, RateLimitSpec, RedirectRegexSpec,
    RedirectSchemeSpec, ReplacePathRegexSpec, ReplacePathSpec, RetrySpec, ServiceRef,
    SourceCriterion, StripPrefixRegexSpec, StripPrefixSpec,
};
use crate::helm::{Release, merge};
use crate::resolved::{
    AddressPool, Backend, ResolvedIngress, ResolvedMiddleware, RouteTls, TlsOption,
    TraefikGeneration,
};

/// The Traefik an API group is served by: Traefik 3 for `traefik.io`,
/// Traefik 2 for `traefik.containo.us`.
#[must_use]
pub fn traefik_generation(api_group: TraefikApiGroup) -> TraefikGeneration {
    match api_group {
        TraefikApiGroup::TraefikIo => TraefikGeneration::V3,
        TraefikApiGroup::ContainoUs => TraefikGeneration::V2,
    }
}

/// The Traefik release an environment runs, as platc takes it, and what is
/// wrong with what the environment says about it.
#[derive(Debug, Clone, PartialEq)]
pub struct TraefikRelease {
    /// The release: stated, else the image tag's, else the chart's
    /// `appVersion`; the pinned chart's when none of them can be read.
    pub version: TraefikVersion,
    /// Where the environment says it, for a diagnostic about it.
    pub pointer: &'static str,
    /// What [`crate::validate`] reports: a stated release that is not the
    /// one that runs, a release platc cannot tell, a release of the wrong
    /// major version for the API group.
    pub problems: Vec<Diagnostic>,
}

/// The Traefik release `environment` runs.
#[must_use]
pub fn traefik_release(environment: &Environment) -> TraefikRelease {
    let ingress = &environment.ingress;
    let generation = traefik_generation(ingress.api_group);
    let chart = components::traefik_chart(generation, ingress.version.as_deref());
    let origin = Origin::Environment(environment.name.clone());
    let name = &environment.name;
    let mut problems = Vec::new();
    let chart_release =
        components::traefik_app_version(&chart.version).and_then(TraefikVersion::parse);
    // `image.tag` may carry a digest (`v3.7.11@sha256:...`).
    let image_tag = ingress
        .values
        .get("image")
        .and_then(|image| image.get("tag"))
        .and_then(serde_json::Value::as_str)
        .filter(|tag| !tag.is_empty());
    let running = match image_tag {
        Some(tag) => TraefikVersion::parse(tag.split('@').next().unwrap_or(tag)),
        None => chart_release,
    };
    let (version, pointer) = match (ingress.traefik_version, running) {
        (Some(stated), Some(running)) if stated != running => {
            let diagnostic = mismatch(name, stated, running, image_tag, &chart.version);
            problems.push(diagnostic.at(origin.clone(), "/ingress/traefikVersion"));
            (stated, "/ingress/traefikVersion")
        }
        (Some(stated), _) => (stated, "/ingress/traefikVersion"),
        (None, Some(running)) => {
            let pointer = match (image_tag, &ingress.version) {
                (Some(_), _) => "/ingress/values/image/tag",
                (None, Some(_)) => "/ingress/version",
                (None, None) => "/ingress/apiGroup",
            };
            (running, pointer)
        }
        (None, None) => {
            let (message, pointer) = match image_tag {
                Some(tag) => (
                    format!(
                        "platc cannot tell which Traefik release the image tag `{tag}` of `{name}` is"
                    ),
                    "/ingress/values/image/tag",
                ),
                None => (
                    format!(
                        "platc does not know which Traefik release the chart {} installs",
                        chart.version
                    ),
                    "/ingress/version",
                ),
            };
            problems.push(
                Diagnostic::error(Code::RenderTraefikVersion, message)
                    .at(origin.clone(), pointer)
                    .with_help(
                        "state it: `ingress.traefikVersion: \"3.7.11\"` (the chart's `appVersion`)",
                    ),
            );
            let pinned = components::traefik_chart(generation, None);
            let fallback = components::traefik_app_version(&pinned.version)
                .and_then(TraefikVersion::parse)
                .unwrap_or(TraefikVersion::new(3, 0, 0));
            (fallback, pointer)
        }
    };
    if problems.is_empty() {
        problems.extend(wrong_major(environment, version, pointer));
    }
    TraefikRelease { version, pointer, problems }
}

/// A stated release that is not the one that runs: what runs, and how to
/// make the two agree.
fn mismatch(
    name: &EnvName,
    stated: TraefikVersion,
    running: TraefikVersion,
    image_tag: Option<&str>,
    chart_version: &str,
) -> Diagnostic {
    if let Some(tag) = image_tag {
        return Diagnostic::error(
            Code::RenderTraefikVersion,
            format!(
                "`{name}` states Traefik {stated}, but `ingress.values.image.tag` runs `{tag}`"
            ),
        )
        .with_help(
            "make the two agree, or remove `image.tag` to run the release the chart installs",
        );
    }
    let other = match components::traefik_chart_installing(&stated.to_string()) {
        Some(chart) => format!("install the chart that does: `ingress.version: \"{chart}\"`"),
        None => format!("set `ingress.values.image.tag: v{stated}`"),
    };
    Diagnostic::error(
        Code::RenderTraefikVersion,
        format!("`{name}` states Traefik {stated}, but the chart {chart_version} installs Traefik {running}"),
    )
    .with_help(format!("state `traefikVersion: \"{running}\"`, or {other}"))
}

/// A release whose major version does not serve the environment's API
/// group: Traefik 3 for `traefik.io`, Traefik 2 for `traefik.containo.us`.
fn wrong_major(
    environment: &Environment,
    version: TraefikVersion,
    pointer: &'static str,
) -> Option<Diagnostic> {
    let (major, group) = match environment.ingress.api_group {
        TraefikApiGroup::TraefikIo => (3, "traefik.io"),
        TraefikApiGroup::ContainoUs => (2, "traefik.containo.us"),
    };
    if version.major == major {
        return None;
    }
    let help = match version.major {
        2 => "platc runs Traefik 2 for `ingress.apiGroup: traefik.containo.us`".to_owned(),
        3 => "platc runs Traefik 3 for `ingress.apiGroup: traefik.io` (Traefik 3 no longer serves `traefik.containo.us`)".to_owned(),
        _ => format!("platc knows Traefik 2 (`traefik.containo.us`) and 3 (`traefik.io`); this environment needs Traefik {major}"),
    };
    Some(
        Diagnostic::error(
            Code::RenderTraefikVersion,
            format!(
                "`{}` would run Traefik {version} for `{group}`, which needs Traefik {major}",
                environment.name
            ),
        )
        .at(Origin::Environment(environment.name.clone()), pointer)
        .with_help(help),
    )
}

/// The ingress settings every route of `environment` shares.
pub(super) fn ingress(platform: &Platform, environment: &Environment) -> ResolvedIngress {
    let ingress = &environment.ingress;
    let tls_option_name = format!("{}-tls", platform.settings.name);
    // As configured, else `websecure` with TLS and `web` without.
    let entry_points = if ingress.entry_points.is_empty() {
        vec![if ingress.tls.is_some() { "websecure" } else { "web" }.to_owned()]
    } else {
        ingress.entry_points.clone()
    };
    let tls = ingress.tls.as_ref();
    ResolvedIngress {
        traefik: traefik_generation(ingress.api_group),
        version: traefik_release(environment).version.to_string(),
        entry_points,
        tls: tls.map(|tls| RouteTls {
            cert_resolver: tls.cert_resolver.clone(),
            secret_name: tls.secret_name.as_ref().map(ToString::to_string),
            options: tls.min_version.map(|_| tls_option_name.clone()),
        }),
        tls_option: tls.and_then(|t| t.min_version).map(|min_version| TlsOption {
            name: tls_option_name.clone(),
            min_version: min_version.as_str(),
        }),
        // Client addresses are read past the trusted proxies, unless PROXY
        // protocol already delivers them.
        excluded_ips: (!ingress.trusted_proxies.is_empty() && !ingress.proxy_protocol)
            .then(|| ingress.trusted_proxies.iter().map(ToString::to_string).collect()),
        namespace: components::TRAEFIK_NAMESPACE.to_owned(),
        pod_labels: components::traefik_pod_labels(
            ingress.values.get("nameOverride").and_then(serde_json::Value::as_str),
        ),
    }
}

/// What middlewares are translated in: the platform (for the services
/// `forwardAuth` and `errors` reach), the namespace they run in, and the
/// environment's Traefik.
#[derive(Clone, Copy)]
pub(super) struct MiddlewareScope<'a> {
    pub platform: &'a Platform,
    pub namespace: &'a NamespaceName,
    pub ingress: &'a ResolvedIngress,
}

/// Middlewares under their object names, in Traefik's terms: a service's
/// own are prefixed with the service's name, the platform's keep theirs.
pub(super) fn middlewares(
    scope: MiddlewareScope<'_>,
    service: Option<&Service>,
    middlewares: &Middlewares,
) -> Vec<ResolvedMiddleware> {
    middlewares
        .iter()
        .map(|(name, middleware)| {
            let (spec, backend) = middleware_spec(scope, service, middleware);
            ResolvedMiddleware { name: object_name(service, name), spec, backend }
        })
        .collect()
}

/// The object name of middleware `name` as `service` (the platform when
/// `None`) refers to it: its own are `<service>-<name>`, the platform's keep
/// their name.
pub(super) fn object_name(service: Option<&Service>, name: &ObjectName) -> String {
    match service {
        Some(service) if service.middlewares.contains_key(name) => {
            format!("{}-{name}", service.name)
        }
        _ => name.to_string(),
    }
}

/// The Service and port a middleware reaches: `port` of `service`, else its
/// first port. Validation made sure both exist.
pub(super) fn backend(
    platform: &Platform,
    service: &ServiceName,
    port: Option<&PortName>,
) -> Backend {
    let port = platform
        .service(service.as_str())
        .and_then(|s| {
            port.and_then(|name| s.ports.iter().find(|p| &p.name == name))
                .or_else(|| s.ports.first())
        })
        .map_or(0, |p| p.service_port.unwrap_or(p.port));
    Backend { service: service.to_string(), port }
}

/// Which forwarded address is the client's: past the trusted proxies;
/// `None` when Traefik's default (the connection's address) is right.
fn ip_strategy(ingress: &ResolvedIngress) -> Option<IpStrategy> {
    ingress.excluded_ips.clone().map(|excluded_ips| IpStrategy { excluded_ips })
}

/// What counts as one client of a rate or in-flight limit.
fn source_criterion(
    ingress: &ResolvedIngress,
    header: Option<&String>,
    host: bool,
) -> Option<SourceCriterion> {
    match (header, host) {
        (Some(header), _) => Some(SourceCriterion {
            request_header_name: Some(header.clone()),
            ..SourceCriterion::default()
        }),
        (None, true) => Some(SourceCriterion { request_host: true, ..SourceCriterion::default() }),
        (None, false) => ip_strategy(ingress).map(|strategy| SourceCriterion {
            ip_strategy: Some(strategy),
            ..SourceCriterion::default()
        }),
    }
}

fn strings<T: ToString>(items: &[T]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

fn sorted(map: &indexmap::IndexMap<String, String>) -> BTreeMap<String, String> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// One middleware in Traefik's terms for the environment, with the Service
/// it sends requests to.
#[allow(clippy::too_many_lines, reason = "one arm per kind of middleware")]
fn middleware_spec(
    scope: MiddlewareScope<'_>,
    service: Option<&Service>,
    middleware: &Middleware,
) -> (MiddlewareSpec, Option<Backend>) {
    let ingress = scope.ingress;
    let traefik_2 = ingress.traefik == TraefikGeneration::V2;
    let mut spec = MiddlewareSpec::default();
    let mut reaches = None;
    match middleware {
        Middleware::StripPrefix(strip) => {
            spec.strip_prefix = Some(StripPrefixSpec {
                prefixes: strip.prefixes.iter().map(|p| p.as_str().to_owned()).collect(),
            });
        }
        Middleware::StripPrefixRegex(strip) => {
            spec.strip_prefix_regex = Some(StripPrefixRegexSpec { regex: strip.regex.clone() });
        }
        Middleware::AddPrefix(add) => {
            spec.add_prefix = Some(AddPrefixSpec { prefix: add.prefix.as_str().to_owned() });
        }
        Middleware::ReplacePath(replace) => {
            spec.replace_path = Some(ReplacePathSpec { path: replace.path.as_str().to_owned() });
        }
        Middleware::ReplacePathRegex(replace) => {
            spec.replace_path_regex = Some(ReplacePathRegexSpec {
                regex: replace.regex.clone(),
                replacement: replace.replacement.clone(),
            });
        }
        Middleware::Headers(h) => {
            spec.headers = Some(HeadersSpec {
                custom_request_headers: sorted(&h.request),
                custom_response_headers: sorted(&h.response),
                sts_seconds: h.sts_seconds,
                sts_include_subdomains: h.sts_include_subdomains,
                sts_preload: h.sts_preload,
                force_sts_header: h.force_sts_header,
                frame_deny: h.frame_deny,
                custom_frame_options_value: h.custom_frame_options_value.clone(),
                content_type_nosniff: h.content_type_nosniff,
                browser_xss_filter: h.browser_xss_filter,
                custom_browser_xss_value: h.custom_browser_xss_value.clone(),
                referrer_policy: h.referrer_policy.clone(),
                content_security_policy: h.content_security_policy.clone(),
                content_security_policy_report_only: h.content_security_policy_report_only.clone(),
                permissions_policy: h.permissions_policy.clone(),
                public_key: h.public_key.clone(),
                access_control_allow_origin_list: h.access_control_allow_origin_list.clone(),
                access_control_allow_origin_list_regex: h
                    .access_control_allow_origin_list_regex
                    .clone(),
                access_control_allow_methods: h.access_control_allow_methods.clone(),
                access_control_allow_headers: h.access_control_allow_headers.clone(),
                access_control_expose_headers: h.access_control_expose_headers.clone(),
                access_control_allow_credentials: h.access_control_allow_credentials,
                access_control_max_age: h.access_control_max_age,
                add_vary_header: h.add_vary_header,
                allowed_hosts: h.allowed_hosts.clone(),
                hosts_proxy_headers: h.hosts_proxy_headers.clone(),
                ssl_proxy_headers: sorted(&h.ssl_proxy_headers),
                is_development: h.is_development,
            });
        }
        Middleware::ContentType(_) => {
            // Traefik 2 detects unless told not to; Traefik 3 only with the
            // middleware. Both mean: detect.
            spec.content_type = Some(ContentTypeSpec { auto_detect: traefik_2.then_some(true) });
        }
        Middleware::Compress(compress) => {
            let encoding = |e: &Encoding| match e {
                Encoding::Gzip => "gzip",
                Encoding::Br => "br",
                Encoding::Zstd => "zstd",
            };
            spec.compress = Some(CompressSpec {
                excluded_content_types: compress.excluded_content_types.clone(),
                included_content_types: compress.included_content_types.clone(),
                min_response_body_bytes: compress.min_response_body_bytes,
                encodings: compress.encodings.iter().map(|e| encoding(e).to_owned()).collect(),
                default_encoding: compress
                    .default_encoding
                    .as_ref()
                    .map(|e| encoding(e).to_owned()),
            });
        }
        Middleware::Buffering(buffering) => {
            spec.buffering = Some(BufferingSpec {
                max_request_body_bytes: buffering.max_request_body_bytes,
                mem_request_body_bytes: buffering.mem_request_body_bytes,
                max_response_body_bytes: buffering.max_response_body_bytes,
                mem_response_body_bytes: buffering.mem_response_body_bytes,
                retry_expression: buffering.retry_expression.clone(),
            });
        }
        Middleware::RateLimit(limit) => {
            spec.rate_limit = Some(RateLimitSpec {
                average: limit.average,
                burst: limit.burst.unwrap_or(limit.average),
                period: limit.period.clone(),
                source_criterion: source_criterion(
                    ingress,
                    limit.request_header.as_ref(),
                    limit.request_host,
                ),
            });
        }
        Middleware::InFlightReq(limit) => {
            spec.in_flight_req = Some(InFlightReqSpec {
                amount: limit.amount,
                source_criterion: source_criterion(
                    ingress,
                    limit.request_header.as_ref(),
                    limit.request_host,
                ),
            });
        }
        Middleware::Retry(retry) => {
            spec.retry = Some(RetrySpec {
                attempts: retry.attempts,
                initial_interval: retry.initial_interval.as_ref().map(|d| d.as_str().to_owned()),
                timeout: retry.timeout.as_ref().map(|d| d.as_str().to_owned()),
                status: retry.status.iter().map(|s| s.as_str().to_owned()).collect(),
                disable_retry_on_network_error: retry.disable_retry_on_network_error,
                retry_non_idempotent_method: retry.retry_non_idempotent_method,
                max_request_body_bytes: retry.max_request_body_bytes,
            });
        }
        Middleware::CircuitBreaker(breaker) => {
            let duration =
                |d: &Option<platc_spec::model::Duration>| d.as_ref().map(|d| d.as_str().to_owned());
            spec.circuit_breaker = Some(CircuitBreakerSpec {
                expression: breaker.expression.clone(),
                check_period: duration(&breaker.check_period),
                fallback_duration: duration(&breaker.fallback_duration),
                recovery_duration: duration(&breaker.recovery_duration),
                response_code: breaker.response_code,
            });
        }
        Middleware::RedirectHttps(redirect) => {
            spec.redirect_scheme = Some(RedirectSchemeSpec {
                scheme: "https".to_owned(),
                port: None,
                permanent: redirect.permanent.unwrap_or(true),
            });
        }
        Middleware::RedirectScheme(redirect) => {
            spec.redirect_scheme = Some(RedirectSchemeSpec {
                scheme: redirect.scheme.clone(),
                port: redirect.port.map(|p| p.to_string()),
                permanent: redirect.permanent,
            });
        }
        Middleware::RedirectRegex(redirect) => {
            spec.redirect_regex = Some(RedirectRegexSpec {
                regex: redirect.regex.clone(),
                replacement: redirect.replacement.clone(),
                permanent: redirect.permanent,
            });
        }
        Middleware::BasicAuth(auth) => {
            spec.basic_auth = Some(AuthSpec {
                secret: auth.secret.to_string(),
                realm: auth.realm.clone(),
                header_field: auth.header_field.clone(),
                remove_header: auth.remove_header.unwrap_or(true),
            });
        }
        Middleware::DigestAuth(auth) => {
            spec.digest_auth = Some(AuthSpec {
                secret: auth.secret.to_string(),
                realm: auth.realm.clone(),
                header_field: auth.header_field.clone(),
                remove_header: auth.remove_header.unwrap_or(true),
            });
        }
        Middleware::ForwardAuth(auth) => {
            // Traefik runs in its own namespace: the Service's name is
            // qualified with the platform's namespace.
            let address = match (&auth.service, &auth.address) {
                (Some(target), _) => {
                    let backend = backend(scope.platform, target, auth.port.as_ref());
                    let path = auth.path.as_ref().map_or("", |p| p.as_str());
                    let address = format!(
                        "http://{}.{}.svc:{}{path}",
                        backend.service, scope.namespace, backend.port
                    );
                    reaches = Some(backend);
                    address
                }
                (None, Some(address)) => address.clone(),
                (None, None) => String::new(),
            };
            spec.forward_auth = Some(ForwardAuthSpec {
                address,
                trust_forward_header: auth.trust_forward_header,
                auth_request_headers: auth.auth_request_headers.clone(),
                auth_response_headers: auth.auth_response_headers.clone(),
                auth_response_headers_regex: auth.auth_response_headers_regex.clone(),
                add_auth_cookies_to_response: auth.add_auth_cookies_to_response.clone(),
                header_field: auth.header_field.clone(),
                forward_body: auth.forward_body,
                max_body_size: auth.max_body_size,
                max_response_body_size: auth.max_response_body_size,
                preserve_location_header: auth.preserve_location_header,
                preserve_request_method: auth.preserve_request_method,
                auth_signin_url: auth.auth_signin_url.clone(),
                tls: auth.tls.as_ref().map(|tls| ClientTlsSpec {
                    ca_secret: tls.ca_secret.as_ref().map(ToString::to_string),
                    cert_secret: tls.cert_secret.as_ref().map(ToString::to_string),
                    insecure_skip_verify: tls.insecure_skip_verify,
                }),
            });
        }
        Middleware::IpAllowList(allow) => {
            let list = IpListSpec {
                source_range: strings(&allow.source_range),
                ip_strategy: ip_strategy(ingress),
                reject_status_code: allow.reject_status_code,
            };
            // Traefik 2.10's CRD knows the list only as `ipWhiteList`.
            if traefik_2 {
                spec.ip_white_list = Some(list);
            } else {
                spec.ip_allow_list = Some(list);
            }
        }
        Middleware::PassTlsClientCert(pass) => {
            spec.pass_tls_client_cert = Some(PassTlsClientCertSpec {
                pem: pass.pem,
                info: pass.info.as_ref().map(|info| CertInfoSpec {
                    not_after: info.not_after,
                    not_before: info.not_before,
                    sans: info.sans,
                    serial_number: info.serial_number,
                    subject: info.subject.as_ref().map(|n| DistinguishedNameSpec {
                        common_name: n.common_name,
                        country: n.country,
                        domain_component: n.domain_component,
                        locality: n.locality,
                        organization: n.organization,
                        organizational_unit: n.organizational_unit,
                        province: n.province,
                        serial_number: n.serial_number,
                    }),
                    issuer: info.issuer.as_ref().map(|n| DistinguishedNameSpec {
                        common_name: n.common_name,
                        country: n.country,
                        domain_component: n.domain_component,
                        locality: n.locality,
                        organization: n.organization,
                        organizational_unit: false,
                        province: n.province,
                        serial_number: n.serial_number,
                    }),
                }),
            });
        }
        Middleware::Errors(errors) => {
            let backend = backend(scope.platform, &errors.service, errors.port.as_ref());
            spec.errors = Some(ErrorsSpec {
                status: errors.status.iter().map(|s| s.as_str().to_owned()).collect(),
                service: ServiceRef {
                    name: backend.service.clone(),
                    port: backend.port,
                    sticky: None,
                },
                query: errors.query.clone(),
                status_rewrites: errors
                    .status_rewrites
                    .iter()
                    .map(|(from, to)| (from.as_str().to_owned(), to.get()))
                    .collect(),
                error_request_headers: errors.error_request_headers.clone(),
            });
            reaches = Some(backend);
        }
        Middleware::Chain(chain) => {
            spec.chain = Some(ChainSpec {
                middlewares: chain
                    .middlewares
                    .iter()
                    .map(|name| NameRef { name: object_name(service, name) })
                    .collect(),
            });
        }
        Middleware::GrpcWeb(grpc) => {
            spec.grpc_web = Some(GrpcWebSpec { allow_origins: grpc.allow_origins.clone() });
        }
        Middleware::EncodedCharacters(encoded) => {
            spec.encoded_characters = Some(EncodedCharactersSpec {
                allow_encoded_slash: encoded.allow_encoded_slash,
                allow_encoded_back_slash: encoded.allow_encoded_back_slash,
                allow_encoded_null_character: encoded.allow_encoded_null_character,
                allow_encoded_percent: encoded.allow_encoded_percent,
                allow_encoded_question_mark: encoded.allow_encoded_question_mark,
                allow_encoded_semicolon: encoded.allow_encoded_semicolon,
                allow_encoded_hash: encoded.allow_encoded_hash,
            });
        }
    }
    (spec, reaches)
}

/// The MetalLB pool Traefik's Service takes its address from, on kind. The
/// pool does not hand out addresses on its own, so only Traefik gets one.
pub(super) fn address_pool(environment: &Environment) -> Option<AddressPool> {
    (environment.cluster == ClusterFlavour::Kind).then(|| AddressPool {
        name: pool_name(environment),
        addresses: environment
            .load_balancer
            .addresses
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect(),
    })
}

fn pool_name(environment: &Environment) -> String {
    format!("{}-ingress", environment.name)
}

/// The platform releases of the helmfile: MetalLB on kind, then Traefik
/// (after MetalLB, which gives its Service an address), then external-secrets
/// when the environment names a secret store; each with the values users add
/// merged over platc's (checked against the chart's keys before resolve, in
/// [`crate::validate`]).
pub(super) fn releases(
    environment: &Environment,
    secret_store: bool,
) -> Result<Vec<Release>, Diagnostic> {
    let mut releases = Vec::new();
    if environment.cluster == ClusterFlavour::Kind {
        let values = components::metallb_values();
        releases.push(Release::platform("metallb", METALLB_NAMESPACE, METALLB_CHART, values));
    }
    let ingress = &environment.ingress;
    let settings = traefik_settings(environment);
    let chart = components::traefik_chart(settings.generation, ingress.version.as_deref());
    let mut values = components::traefik_values(&settings)
        .map_err(|e| crate::emit::serialize_error("the values of the release `traefik`", &e))?;
    merge(&mut values, &serde_json::Value::Object(ingress.values.clone().into_iter().collect()));
    let mut release = Release::platform("traefik", TRAEFIK_NAMESPACE, chart, values);
    release.needs = releases.iter().map(Release::id).collect();
    releases.push(release);
    if secret_store {
        releases.push(Release::platform(
            "external-secrets",
            components::EXTERNAL_SECRETS_NAMESPACE,
            components::EXTERNAL_SECRETS_CHART,
            components::external_secrets_values(),
        ));
    }
    Ok(releases)
}

/// Traefik's settings: trusted proxies, PROXY protocol, the redirect to
/// HTTPS and the load balancer in front of its Service, by cluster flavour.
fn traefik_settings(environment: &Environment) -> TraefikSettings {
    let ingress = &environment.ingress;
    let mut annotations = BTreeMap::new();
    match environment.cluster {
        ClusterFlavour::Kind => {
            annotations.insert("metallb.io/address-pool".to_owned(), pool_name(environment));
        }
        ClusterFlavour::Eks => {
            let scheme =
                environment.load_balancer.scheme.unwrap_or(LoadBalancerScheme::InternetFacing);
            let aws = "service.beta.kubernetes.io/aws-load-balancer";
            annotations.insert(format!("{aws}-type"), "external".to_owned());
            annotations.insert(format!("{aws}-nlb-target-type"), "ip".to_owned());
            annotations.insert(format!("{aws}-scheme"), scheme.as_str().to_owned());
            if ingress.proxy_protocol {
                annotations.insert(format!("{aws}-proxy-protocol"), "*".to_owned());
            }
        }
        ClusterFlavour::Generic => {}
    }
    for (key, value) in &environment.load_balancer.annotations {
        annotations.insert(key.clone(), value.clone());
    }
    TraefikSettings {
        generation: traefik_generation(ingress.api_group),
        replicas: ingress.replicas.unwrap_or(1),
        trusted_ips: ingress.trusted_proxies.iter().map(ToString::to_string).collect(),
        proxy_protocol: ingress.proxy_protocol,
        // With TLS on the default entry points, routes listen on `websecure`
        // only: plain HTTP redirects there.
        redirect_to_websecure: ingress.tls.is_some() && ingress.entry_points.is_empty(),
        service_annotations: annotations,
        image_tag: format!("v{}", traefik_release(environment).version),
    }
}
