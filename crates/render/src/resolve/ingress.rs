//! How traffic reaches the environment, settled: the Traefik generation,
//! entry points, TLS and trusted proxies routes use; middlewares with their
//! object names and defaults; on kind the MetalLB pool; and the releases of
//! the platform components (MetalLB, Traefik) with their values.

use std::collections::BTreeMap;

use platc_spec::Diagnostic;
use platc_spec::model::{
    ClusterFlavour, Environment, LoadBalancerScheme, Middleware, Middlewares, Platform,
    TraefikApiGroup,
};
use platc_spec::names::ServiceName;

use crate::components::{
    self, METALLB_CHART, METALLB_NAMESPACE, TRAEFIK_NAMESPACE, TraefikSettings,
};
use crate::helm::{Release, merge};
use crate::resolved::{
    AddressPool, HeaderRules, MiddlewareKind, ResolvedIngress, ResolvedMiddleware, RouteTls,
    TlsOption, TraefikGeneration,
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

/// Middlewares under their object names: a service's own are prefixed with
/// the service's name, the platform's keep theirs.
pub(super) fn middlewares(
    service: Option<&ServiceName>,
    middlewares: &Middlewares,
) -> Vec<ResolvedMiddleware> {
    middlewares
        .iter()
        .map(|(name, middleware)| ResolvedMiddleware {
            name: match service {
                Some(service) => format!("{service}-{name}"),
                None => name.to_string(),
            },
            kind: middleware_kind(middleware),
        })
        .collect()
}

fn middleware_kind(middleware: &Middleware) -> MiddlewareKind {
    match middleware {
        Middleware::StripPrefix(strip) => MiddlewareKind::StripPrefix {
            prefixes: strip.prefixes.iter().map(|p| p.as_str().to_owned()).collect(),
        },
        Middleware::Headers(headers) => {
            let map = |m: &indexmap::IndexMap<String, String>| {
                m.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<BTreeMap<_, _>>()
            };
            MiddlewareKind::Headers(HeaderRules {
                request: map(&headers.request),
                response: map(&headers.response),
                sts_seconds: headers.sts_seconds,
                sts_include_subdomains: headers.sts_include_subdomains,
                sts_preload: headers.sts_preload,
                frame_deny: headers.frame_deny,
                content_type_nosniff: headers.content_type_nosniff,
                referrer_policy: headers.referrer_policy.clone(),
            })
        }
        Middleware::RateLimit(limit) => MiddlewareKind::RateLimit {
            average: limit.average,
            burst: limit.burst.unwrap_or(limit.average),
            period: limit.period.clone(),
            request_header: limit.request_header.clone(),
        },
        Middleware::RedirectHttps(redirect) => {
            MiddlewareKind::RedirectHttps { permanent: redirect.permanent.unwrap_or(true) }
        }
        Middleware::BasicAuth(auth) => {
            MiddlewareKind::BasicAuth { secret: auth.secret.to_string(), realm: auth.realm.clone() }
        }
        Middleware::IpAllowList(allow) => MiddlewareKind::IpAllowList {
            source_range: allow.source_range.iter().map(ToString::to_string).collect(),
        },
    }
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
    }
}
