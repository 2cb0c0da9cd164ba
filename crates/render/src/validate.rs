//! Checks of one environment that need only the model, run before resolve:
//! middlewares that judge clients by address behind no trusted proxy, a
//! certificate resolver Traefik does not define, and chart values users add
//! that the chart does not have. Checks of the platform as a whole belong to
//! `platc_spec::validate`; checks of rendered values (route hosts and
//! collisions) run during resolve, in `resolve/checks.rs`.

use platc_spec::Code;
use platc_spec::model::{Environment, Middleware, Platform, Provider};
use platc_spec::validate::dependencies;
use platc_spec::{Diagnostic, Origin};

use crate::components::traefik_chart;
use crate::helm::check_user_values;
use crate::infra;
use crate::resolve::traefik_generation;
use crate::resolved::TraefikGeneration;

/// Every finding of the checks of `environment`, warnings and errors.
#[must_use]
pub fn environment(platform: &Platform, environment: &Environment) -> Vec<Diagnostic> {
    let mut out = client_ip_warnings(platform, environment);
    out.extend(undefined_cert_resolver(environment));
    chart_values(platform, environment, &mut out);
    out
}

/// Middlewares that judge clients by address only see the load balancer's
/// address unless the environment trusts the proxies in front of Traefik.
/// The cause is the environment's: one warning, at its ingress settings,
/// listing every route middleware it affects.
fn client_ip_warnings(platform: &Platform, environment: &Environment) -> Vec<Diagnostic> {
    if !environment.ingress.trusted_proxies.is_empty() {
        return Vec::new();
    }
    let mut places = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for service in &platform.services {
        for (index, route) in service.routes.iter().enumerate() {
            for (position, name) in route.middlewares.iter().enumerate() {
                let middleware = service
                    .middlewares
                    .get(name)
                    .or_else(|| platform.settings.middlewares.get(name));
                if middleware.is_some_and(Middleware::relies_on_client_ip) {
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
    check_user_values(&traefik, &ingress.values, &origin, "/ingress/values", out);
    for (name, (kind, _)) in dependencies(platform) {
        let Some(Provider::Helm(helm)) = environment.infrastructure.provider(&name, kind) else {
            continue;
        };
        let chart = infra::descriptor(kind).chart_ref(helm.version.as_deref());
        let pointer = environment.infrastructure.provider_pointer(&name, kind);
        check_user_values(&chart, &helm.values, &origin, &format!("{pointer}/values"), out);
    }
}
