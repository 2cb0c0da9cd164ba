//! Ingress: each web service's routes as a Traefik `IngressRoute`, the
//! `Middleware` objects they use, and a `TLSOption` when the environment
//! sets a minimum TLS version. Which Service a route reaches (in maintenance,
//! the maintenance target) and what each middleware says in Traefik's terms
//! were decided by resolve.

use crate::crd::CustomResource;
use crate::crd::traefik::{
    IngressRouteSpec, NameRef, RouteRule, RouteTls, ServiceRef, Sticky, TlsOptionSpec,
};
use crate::labels;
use crate::object::{Object, Owner, Placed};
use crate::resolved::{ResolvedEnvironment, ResolvedService};

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
        let spec = middleware.spec.clone();
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
        let target = ServiceRef {
            name: route.backend.service.clone(),
            port: route.backend.port,
            sticky: route.sticky.clone().map(|cookie| Sticky { cookie }),
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
        let spec = middleware.spec.clone();
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
