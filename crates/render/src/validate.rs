//! Checks of one environment that need only the model, run before resolve:
//! middlewares that judge clients by address behind no trusted proxy, a
//! certificate resolver Traefik does not define, chart values users add
//! that the chart does not have, the Traefik release the environment runs
//! and the middleware options that release lacks, and redirects to HTTPS
//! where no TLS is served. Checks of the platform as a whole belong to
//! `platc_spec::validate`; checks of rendered values (route hosts and
//! collisions) run during resolve, in `resolve/checks.rs`.

use platc_spec::Code;
use platc_spec::model::{
    Environment, Middleware, Middlewares, Platform, Provider, Service, TraefikVersion,
};
use platc_spec::names::ObjectName;
use platc_spec::source::pointer_join;
use platc_spec::validate::dependencies;
use platc_spec::{Diagnostic, Origin};

use crate::charts::component_keys;
use crate::components::traefik_chart;
use crate::helm::check_user_values;
use crate::infra;
use crate::resolve::{TraefikRelease, traefik_generation, traefik_release};
use crate::resolved::TraefikGeneration;

/// Every finding of the checks of `environment`, warnings and errors.
#[must_use]
pub fn environment(platform: &Platform, environment: &Environment) -> Vec<Diagnostic> {
    let mut out = client_ip_warnings(platform, environment);
    out.extend(undefined_cert_resolver(environment));
    chart_values(platform, environment, &mut out);
    let release = traefik_release(environment);
    out.extend(release.problems.iter().cloned());
    unsupported_options(platform, environment, &release, &mut out);
    out.extend(redirects_without_tls(platform, environment));
    out
}

/// The first Traefik release whose chart's CRDs have each middleware kind
/// or option that Traefik 2.10 (chart 26.0.0, the `traefik.containo.us`
/// CRDs platc installs) lacks, by its path in the model. Read from the
/// `traefik/crds/traefik.io_middlewares.yaml` of every release of
/// traefik/traefik-helm-chart against its `appVersion`; an option Traefik
/// shipped in a release no chart installed counts from the first chart that
/// did. Keys are the model's, which are Traefik's names.
const OPTIONS_SINCE: &[(&str, TraefikVersion)] = &[
    ("compress/includedContentTypes", TraefikVersion::new(3, 0, 0)),
    ("forwardAuth/addAuthCookiesToResponse", TraefikVersion::new(3, 0, 0)),
    ("grpcWeb", TraefikVersion::new(3, 0, 0)),
    ("ipAllowList/rejectStatusCode", TraefikVersion::new(3, 0, 0)),
    ("circuitBreaker/responseCode", TraefikVersion::new(3, 0, 4)),
    ("compress/defaultEncoding", TraefikVersion::new(3, 0, 4)),
    ("headers/contentSecurityPolicyReportOnly", TraefikVersion::new(3, 0, 4)),
    ("compress/encodings", TraefikVersion::new(3, 2, 0)),
    ("forwardAuth/forwardBody", TraefikVersion::new(3, 3, 1)),
    ("forwardAuth/maxBodySize", TraefikVersion::new(3, 3, 1)),
    ("forwardAuth/preserveLocationHeader", TraefikVersion::new(3, 3, 1)),
    ("forwardAuth/headerField", TraefikVersion::new(3, 3, 3)),
    ("errors/statusRewrites", TraefikVersion::new(3, 4, 0)),
    ("forwardAuth/preserveRequestMethod", TraefikVersion::new(3, 4, 0)),
    ("forwardAuth/maxResponseBodySize", TraefikVersion::new(3, 6, 9)),
    ("encodedCharacters", TraefikVersion::new(3, 7, 0)),
    ("forwardAuth/authSigninURL", TraefikVersion::new(3, 7, 0)),
    ("retry/disableRetryOnNetworkError", TraefikVersion::new(3, 7, 0)),
    ("retry/maxRequestBodyBytes", TraefikVersion::new(3, 7, 0)),
    ("retry/retryNonIdempotentMethod", TraefikVersion::new(3, 7, 0)),
    ("retry/status", TraefikVersion::new(3, 7, 0)),
    ("retry/timeout", TraefikVersion::new(3, 7, 0)),
    ("errors/errorRequestHeaders", TraefikVersion::new(3, 7, 10)),
];

/// The options of `middleware` that Traefik `version` lacks: each one's
/// path in the model (`retry/status`) and the release that has it.
#[must_use]
pub fn options_newer_than(
    middleware: &Middleware,
    version: TraefikVersion,
) -> Vec<(&'static str, TraefikVersion)> {
    let Ok(value) = serde_json::to_value(middleware) else { return Vec::new() };
    OPTIONS_SINCE
        .iter()
        .filter(|(path, since)| version < *since && value.pointer(&format!("/{path}")).is_some())
        .copied()
        .collect()
}

/// Middleware options (and kinds) the environment's Traefik release does not
/// have, at the option, in the file that defines the middleware.
fn unsupported_options(
    platform: &Platform,
    environment: &Environment,
    release: &TraefikRelease,
    out: &mut Vec<Diagnostic>,
) {
    let version = release.version;
    let name = &environment.name;
    let owners = std::iter::once((Origin::Platform, &platform.settings.middlewares))
        .chain(platform.services.iter().map(|s| (Origin::Service(s.name.clone()), &s.middlewares)));
    for (origin, middlewares) in owners {
        for (middleware_name, middleware) in middlewares {
            for (path, since) in options_newer_than(middleware, version) {
                let shown = path.replace('/', ".");
                let help = if version.major < since.major {
                    format!(
                        "remove it, or move `{name}` to Traefik 3 (`ingress.apiGroup: traefik.io`)"
                    )
                } else {
                    format!(
                        "remove it, or run Traefik {since} or later in `{name}` (`ingress.version`, `ingress.traefikVersion`)"
                    )
                };
                out.push(
                    Diagnostic::error(
                        Code::RenderUnsupportedByTraefik,
                        format!(
                            "`{shown}` needs Traefik {since} or later, but `{name}` runs Traefik {version}"
                        ),
                    )
                    .at(
                        origin.clone(),
                        format!("{}/{path}", pointer_join("/middlewares", middleware_name.as_str())),
                    )
                    .on_key()
                    .with_help(help),
                );
            }
        }
    }
}

/// The middlewares `name` stands for on a route of `service`: itself, or
/// what it chains, in order; chains are followed once each.
fn applied<'a>(
    platform: &'a Platform,
    service: &'a Service,
    name: &'a ObjectName,
) -> Vec<&'a Middleware> {
    fn walk<'a>(
        own: Option<&'a Middlewares>,
        shared: &'a Middlewares,
        name: &'a ObjectName,
        seen: &mut Vec<(bool, &'a ObjectName)>,
        out: &mut Vec<&'a Middleware>,
    ) {
        let (is_own, middleware) = match own.and_then(|m| m.get(name)) {
            Some(middleware) => (true, middleware),
            None => match shared.get(name) {
                Some(middleware) => (false, middleware),
                None => return,
            },
        };
        if seen.contains(&(is_own, name)) {
            return;
        }
        seen.push((is_own, name));
        out.push(middleware);
        if let Middleware::Chain(chain) = middleware {
            // A platform chain names platform middlewares only.
            let own = if is_own { own } else { None };
            for member in &chain.middlewares {
                walk(own, shared, member, seen, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        Some(&service.middlewares),
        &platform.settings.middlewares,
        name,
        &mut Vec::new(),
        &mut out,
    );
    out
}

/// Every route middleware of the platform that applies a middleware for
/// which `test` holds, itself or through a chain: where it is named
/// (service and pointer), and the distinct names, in the order met.
fn route_middlewares_where(
    platform: &Platform,
    test: impl Fn(&Middleware) -> bool,
) -> (Vec<(Origin, String)>, Vec<&str>) {
    let mut places = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for service in &platform.services {
        for (index, route) in service.routes.iter().enumerate() {
            for (position, name) in route.middlewares.iter().enumerate() {
                if applied(platform, service, name).into_iter().any(&test) {
                    places.push((
                        Origin::Service(service.name.clone()),
                        format!("/routes/{index}/middlewares/{position}"),
                    ));
                    if !names.contains(&name.as_str()) {
                        names.push(name.as_str());
                    }
                }
            }
        }
    }
    (places, names)
}

/// A route that redirects to `https://` in an environment without TLS sends
/// every request to an address Traefik has no router for. The cause is the
/// environment's: one warning, at the first route affected, listing the
/// others.
fn redirects_without_tls(platform: &Platform, environment: &Environment) -> Vec<Diagnostic> {
    if environment.ingress.tls.is_some() {
        return Vec::new();
    }
    let (places, mut names) = route_middlewares_where(platform, Middleware::redirects_to_https);
    let mut places = places.into_iter();
    let Some((origin, pointer)) = places.next() else { return Vec::new() };
    names.sort_unstable();
    let shown: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    let mut warning = Diagnostic::warning(
        Code::RenderRedirectWithoutTls,
        format!(
            "`{}` serves no TLS, but {} route middleware(s) redirect to https ({}): Traefik has no HTTPS route for their hosts",
            environment.name,
            places.len() + 1,
            shown.join(", ")
        ),
    )
    .at(origin, pointer)
    .with_help(format!(
        "give `{}` `ingress.tls`, or take the redirect off these routes: with TLS, platc redirects plain HTTP to HTTPS on Traefik's `web` entry point already",
        environment.name
    ));
    for (origin, pointer) in places {
        warning = warning.also_at(origin, pointer);
    }
    vec![warning]
}

/// Middlewares that judge clients by address only see the load balancer's
/// address unless the environment trusts the proxies in front of Traefik.
/// The cause is the environment's: one warning, at its ingress settings,
/// listing every route middleware it affects.
fn client_ip_warnings(platform: &Platform, environment: &Environment) -> Vec<Diagnostic> {
    if !environment.ingress.trusted_proxies.is_empty() {
        return Vec::new();
    }
    let (places, mut names) = route_middlewares_where(platform, Middleware::relies_on_client_ip);
    if places.is_empty() {
        return Vec::new();
    }
    names.sort_unstable();
    let names: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    let mut warning = Diagnostic::warning(
        Code::RenderUntrustedClientIp,
        format!(
            "`{}` trusts no proxy, but {} route middleware(s) judge clients by address ({}): they would see the load balancer's address",
            environment.name,
            places.len(),
            names.join(", ")
        ),
    )
    .at(Origin::Environment(environment.name.clone()), "/ingress/trustedProxies")
    .on_key()
    .with_help(format!(
        "set `ingress.trustedProxies` in environments/{}.yaml to the address range of the load balancer",
        environment.name
    ));
    for (origin, pointer) in places {
        warning = warning.also_at(origin, pointer);
    }
    vec![warning]
}

/// Routes name their certificate resolver; Traefik only knows the resolvers
/// its values define. Without one, every route gets Traefik's default
/// self-signed certificate.
fn undefined_cert_resolver(environment: &Environment) -> Option<Diagnostic> {
    let resolver = environment.ingress.tls.as_ref()?.cert_resolver.as_deref()?;
    // The key differs between the charts of the two generations.
    let key = match traefik_generation(environment.ingress.api_group) {
        TraefikGeneration::V3 => "certificatesResolvers",
        TraefikGeneration::V2 => "certResolvers",
    };
    let values = &environment.ingress.values;
    let in_values = values
        .get(key)
        .and_then(serde_json::Value::as_object)
        .is_some_and(|resolvers| resolvers.contains_key(resolver));
    // Or as static configuration flags: `--certificatesresolvers.<name>.acme...`
    // (Traefik reads its flags case-insensitively).
    let flag = format!("--certificatesresolvers.{}.", resolver.to_lowercase());
    let in_arguments = values
        .get("additionalArguments")
        .and_then(serde_json::Value::as_array)
        .is_some_and(|arguments| {
            arguments
                .iter()
                .filter_map(serde_json::Value::as_str)
                .any(|argument| argument.to_lowercase().starts_with(&flag))
        });
    let defined = in_values || in_arguments;
    (!defined).then(|| {
        Diagnostic::warning(
            Code::RenderUndefinedCertResolver,
            format!(
                "routes use the certificate resolver `{resolver}`, which Traefik's values in `{}` do not define: every route would get Traefik's self-signed certificate",
                environment.name
            ),
        )
        .at(Origin::Environment(environment.name.clone()), "/ingress/tls/certResolver")
        .with_help(format!(
            "define it under `ingress.values.{key}.{resolver}` (acme: email, storage and a challenge), or serve a certificate from a Secret with `secretName`"
        ))
    })
}

/// Values users add to Traefik and to in-cluster releases, checked against
/// the recorded keys of the chart version each release installs.
fn chart_values(platform: &Platform, environment: &Environment, out: &mut Vec<Diagnostic>) {
    let origin = Origin::Environment(environment.name.clone());
    let ingress = &environment.ingress;
    let traefik = traefik_chart(traefik_generation(ingress.api_group), ingress.version.as_deref());
    let recorded = component_keys(&traefik);
    check_user_values(&traefik, recorded, &ingress.values, &origin, "/ingress/values", out);
    for (name, (kind, _)) in dependencies(platform) {
        let Some(Provider::Helm(helm)) = environment.infrastructure.provider(&name, &kind) else {
            continue;
        };
        // A type without a chart is refused by validation.
        let Some(chart) = platform.types.get(kind.as_str()).and_then(|t| t.helm.as_ref()) else {
            continue;
        };
        let chart_ref = infra::chart_ref(chart, helm.version.as_deref());
        let recorded = infra::recorded_keys(chart, &chart_ref.version);
        let pointer = environment.infrastructure.provider_pointer(&name, &kind);
        let pointer = format!("{pointer}/values");
        check_user_values(&chart_ref, recorded, &helm.values, &origin, &pointer, out);
    }
}
