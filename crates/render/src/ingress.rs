//! Ingress: each web service's routes as a Traefik `IngressRoute`, the
//! `Middleware` objects they use, and a `TLSOption` when the environment
//! sets a minimum TLS version. In maintenance, public routes send their
//! requests to the maintenance server instead of the service.

use std::collections::BTreeMap;

use platc_spec::model::{Ingress, Middleware, TraefikApiGroup};
use platc_spec::names::ObjectName;

use crate::crd::CustomResource;
use crate::crd::traefik::{
    BasicAuthSpec, HeadersSpec, IngressRouteSpec, IpListSpec, IpStrategy, MiddlewareSpec, NameRef,
    RateLimitSpec, RedirectSchemeSpec, RouteRule, RouteTls, ServiceRef, SourceCriterion,
    StripPrefixSpec, TlsOptionSpec,
};
use crate::labels;
use crate::maintenance;
use crate::object::{Object, Owner, Placed};
use crate::resolve::{ResolvedEnvironment, ResolvedService};

/// The IngressRoute and Middlewares of one service.
pub fn build(env: &ResolvedEnvironment<'_>, service: &ResolvedService<'_>, out: &mut Vec<Placed>) {
    let ingress = &env.environment.ingress;
    let api_version = ingress.api_group.api_version();
    let name = service.service.name.as_str();
    for (middleware_name, middleware) in &service.service.middlewares {
        let object_name = format!("{name}-{middleware_name}");
        let metadata = labels::metadata(
            &object_name,
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
    let maintenance = env.maintenance.is_some();
    let mut routes = Vec::new();
    for route in &service.routes {
        let target = if maintenance && route.public {
            ServiceRef { name: maintenance::NAME.to_owned(), port: maintenance::PORT }
        } else {
            ServiceRef { name: name.to_owned(), port: route.port }
        };
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
    let spec = IngressRouteSpec { entry_points: entry_points(ingress), routes, tls: tls(env) };
    let metadata =
        labels::metadata(name, env.namespace.as_str(), labels::service_labels(env, service));
    out.push(Placed {
        owner: service.owner.clone(),
        object: Object::IngressRoute(Box::new(CustomResource::new(api_version, metadata, spec))),
    });
}

/// The platform's shared Middlewares and the TLSOption, once per environment.
pub fn build_platform(env: &ResolvedEnvironment<'_>, out: &mut Vec<Placed>) {
    let ingress = &env.environment.ingress;
    let api_version = ingress.api_group.api_version();
    for (name, middleware) in &env.platform.settings.middlewares {
        let metadata = labels::metadata(
            name.as_str(),
            env.namespace.as_str(),
            labels::platform_labels(env, "ingress"),
        );
        let spec = middleware_spec(middleware, ingress);
        out.push(Placed {
            owner: Owner::Platform,
            object: Object::Middleware(Box::new(CustomResource::new(api_version, metadata, spec))),
        });
    }
    if let Some(min_version) = ingress.tls.as_ref().and_then(|t| t.min_version) {
        let metadata = labels::metadata(
            &tls_option_name(env),
            env.namespace.as_str(),
            labels::platform_labels(env, "ingress"),
        );
        let spec = TlsOptionSpec { min_version: min_version.as_str().to_owned(), sni_strict: true };
        out.push(Placed {
            owner: Owner::Platform,
            object: Object::TlsOption(Box::new(CustomResource::new(api_version, metadata, spec))),
        });
    }
}

fn tls_option_name(env: &ResolvedEnvironment<'_>) -> String {
    format!("{}-tls", env.platform.settings.name)
}

/// The entry points routes listen on: as configured, else `websecure` with
/// TLS and `web` without.
fn entry_points(ingress: &Ingress) -> Vec<String> {
    if !ingress.entry_points.is_empty() {
        return ingress.entry_points.clone();
    }
    vec![if ingress.tls.is_some() { "websecure" } else { "web" }.to_owned()]
}

fn tls(env: &ResolvedEnvironment<'_>) -> Option<RouteTls> {
    let tls = env.environment.ingress.tls.as_ref()?;
    Some(RouteTls {
        cert_resolver: tls.cert_resolver.clone(),
        secret_name: tls.secret_name.as_ref().map(ObjectName::to_string),
        options: tls.min_version.map(|_| NameRef { name: tls_option_name(env) }),
    })
}

/// Translates a middleware into Traefik's terms for the environment: the IP
/// allow list under its name in the API group, and client addresses read
/// past the trusted proxies unless PROXY protocol already delivers them.
fn middleware_spec(middleware: &Middleware, ingress: &Ingress) -> MiddlewareSpec {
    let ip_strategy =
        (!ingress.trusted_proxies.is_empty() && !ingress.proxy_protocol).then(|| IpStrategy {
            excluded_ips: ingress.trusted_proxies.iter().map(ToString::to_string).collect(),
        });
    let mut spec = MiddlewareSpec::default();
    match middleware {
        Middleware::StripPrefix(strip) => {
            spec.strip_prefix = Some(StripPrefixSpec {
                prefixes: strip.prefixes.iter().map(|p| p.as_str().to_owned()).collect(),
            });
        }
        Middleware::Headers(headers) => {
            let map = |m: &indexmap::IndexMap<String, String>| {
                m.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<BTreeMap<_, _>>()
            };
            spec.headers = Some(HeadersSpec {
                custom_request_headers: map(&headers.request),
                custom_response_headers: map(&headers.response),
                sts_seconds: headers.sts_seconds,
                sts_include_subdomains: headers.sts_include_subdomains,
                sts_preload: headers.sts_preload,
                frame_deny: headers.frame_deny,
                content_type_nosniff: headers.content_type_nosniff,
                referrer_policy: headers.referrer_policy.clone(),
            });
        }
        Middleware::RateLimit(limit) => {
            let source_criterion = match &limit.request_header {
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
                average: limit.average,
                burst: limit.burst.unwrap_or(limit.average),
                period: limit.period.clone(),
                source_criterion,
            });
        }
        Middleware::RedirectHttps(redirect) => {
            spec.redirect_scheme = Some(RedirectSchemeSpec {
                scheme: "https",
                permanent: redirect.permanent.unwrap_or(true),
            });
        }
        Middleware::BasicAuth(auth) => {
            spec.basic_auth = Some(BasicAuthSpec {
                secret: auth.secret.to_string(),
                realm: auth.realm.clone(),
                remove_header: true,
            });
        }
        Middleware::IpAllowList(allow) => {
            let list = IpListSpec {
                source_range: allow.source_range.iter().map(ToString::to_string).collect(),
                ip_strategy,
            };
            match ingress.api_group {
                TraefikApiGroup::TraefikIo => spec.ip_allow_list = Some(list),
                TraefikApiGroup::ContainoUs => spec.ip_white_list = Some(list),
            }
        }
    }
    spec
}
