//! Ingress: each web service's routes as a Traefik `IngressRoute`, the
//! `Middleware` objects they use, and a `TLSOption` when the environment
//! sets a minimum TLS version. Which Service a route reaches (in maintenance,
//! the maintenance server) was decided by resolve.

use crate::crd::CustomResource;
use crate::crd::traefik::{
    BasicAuthSpec, HeadersSpec, IngressRouteSpec, IpListSpec, IpStrategy, MiddlewareSpec, NameRef,
    RateLimitSpec, RedirectSchemeSpec, RouteRule, RouteTls, ServiceRef, SourceCriterion,
    StripPrefixSpec, TlsOptionSpec,
};
use crate::labels;
use crate::object::{Object, Owner, Placed};
use crate::resolved::{
    MiddlewareKind, ResolvedEnvironment, ResolvedIngress, ResolvedMiddleware, ResolvedService,
    TraefikGeneration,
};

/// The IngressRoute and Middlewares of one service.
pub fn build(env: &ResolvedEnvironment, service: &ResolvedService, out: &mut Vec<Placed>) {
    let ingress = &env.ingress;
    let api_version = ingress.traefik.api_version();
    let name = service.name.as_str();
    for middleware in &service.middlewares {
        let metadata = labels::metadata(
            &middleware.name,
            env.namespace.as_str(),
            labels::service_labels(env, service),
        );
        let spec = middleware_spec(middleware, ingress);
        out.push(Placed {
            owner: service.owner.clone(),
            object: Object::Middleware(Box::new(CustomResource::new(api_version, metadata, spec))),
        });
    }
    if service.routes.is_empty() {
        return;
    }
    let mut routes = Vec::new();
    for route in &service.routes {
        let target = ServiceRef { name: route.backend.service.clone(), port: route.backend.port };
        for path in &route.paths {
            let rule = if path == "/" {
                format!("Host(`{}`)", route.host)
            } else {
                format!("Host(`{}`) && PathPrefix(`{path}`)", route.host)
            };
            routes.push(RouteRule {
                kind: "Rule",
                match_: rule,
                middlewares: route
                    .middlewares
                    .iter()
                    .map(|m| NameRef { name: m.clone() })
                    .collect(),
                services: vec![target.clone()],
            });
        }
    }
    let tls = ingress.tls.as_ref().map(|tls| RouteTls {
        cert_resolver: tls.cert_resolver.clone(),
        secret_name: tls.secret_name.clone(),
        options: tls.options.clone().map(|name| NameRef { name }),
    });
    let spec = IngressRouteSpec { entry_points: ingress.entry_points.clone(), routes, tls };
    let metadata =
        labels::metadata(name, env.namespace.as_str(), labels::service_labels(env, service));
    out.push(Placed {
        owner: service.owner.clone(),
        object: Object::IngressRoute(Box::new(CustomResource::new(api_version, metadata, spec))),
    });
}

/// The platform's shared Middlewares and the TLSOption, once per environment.
pub fn build_platform(env: &ResolvedEnvironment, out: &mut Vec<Placed>) {
    let ingress = &env.ingress;
    let api_version = ingress.traefik.api_version();
    for middleware in &env.middlewares {
        let metadata = labels::metadata(
            &middleware.name,
            env.namespace.as_str(),
            labels::platform_labels(env, "ingress", &middleware.name),
        );
        let spec = middleware_spec(middleware, ingress);
        out.push(Placed {
            owner: Owner::Platform,
            object: Object::Middleware(Box::new(CustomResource::new(api_version, metadata, spec))),
        });
    }
    if let Some(option) = &ingress.tls_option {
        let metadata = labels::metadata(
            &option.name,
            env.namespace.as_str(),
            labels::platform_labels(env, "ingress", &option.name),
        );
        let spec = TlsOptionSpec { min_version: option.min_version.to_owned(), sni_strict: true };
        out.push(Placed {
            owner: Owner::Platform,
            object: Object::TlsOption(Box::new(CustomResource::new(api_version, metadata, spec))),
        });
    }
}

/// Translates a middleware into Traefik's terms for the environment: the IP
/// allow list under its name in the API group, and client addresses read
/// past the trusted proxies unless PROXY protocol already delivers them.
fn middleware_spec(middleware: &ResolvedMiddleware, ingress: &ResolvedIngress) -> MiddlewareSpec {
    let ip_strategy =
        ingress.excluded_ips.as_ref().map(|ips| IpStrategy { excluded_ips: ips.clone() });
    let mut spec = MiddlewareSpec::default();
    match &middleware.kind {
        MiddlewareKind::StripPrefix { prefixes } => {
            spec.strip_prefix = Some(StripPrefixSpec { prefixes: prefixes.clone() });
        }
        MiddlewareKind::Headers(headers) => {
            spec.headers = Some(HeadersSpec {
                custom_request_headers: headers.request.clone(),
                custom_response_headers: headers.response.clone(),
                sts_seconds: headers.sts_seconds,
                sts_include_subdomains: headers.sts_include_subdomains,
                sts_preload: headers.sts_preload,
                frame_deny: headers.frame_deny,
                content_type_nosniff: headers.content_type_nosniff,
                referrer_policy: headers.referrer_policy.clone(),
            });
        }
        MiddlewareKind::RateLimit { average, burst, period, request_header } => {
            let source_criterion = match request_header {
                Some(header) => Some(SourceCriterion {
                    request_header_name: Some(header.clone()),
                    ip_strategy: None,
                }),
                None => ip_strategy.map(|strategy| SourceCriterion {
                    request_header_name: None,
                    ip_strategy: Some(strategy),
                }),
            };
            spec.rate_limit = Some(RateLimitSpec {
                average: *average,
                burst: *burst,
                period: period.clone(),
                source_criterion,
            });
        }
        MiddlewareKind::RedirectHttps { permanent } => {
            spec.redirect_scheme =
                Some(RedirectSchemeSpec { scheme: "https", permanent: *permanent });
        }
        MiddlewareKind::BasicAuth { secret, realm } => {
            spec.basic_auth = Some(BasicAuthSpec {
                secret: secret.clone(),
                realm: realm.clone(),
                remove_header: true,
            });
        }
        MiddlewareKind::IpAllowList { source_range } => {
            let list = IpListSpec { source_range: source_range.clone(), ip_strategy };
            match ingress.traefik {
                TraefikGeneration::V3 => spec.ip_allow_list = Some(list),
                TraefikGeneration::V2 => spec.ip_white_list = Some(list),
            }
        }
    }
    spec
}
