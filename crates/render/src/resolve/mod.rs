//! Resolve: the model seen from one environment, turned into a
//! [`ResolvedEnvironment`] that no longer refers to the model. Image tags,
//! replica counts, resources, probes, job settings and environment variables
//! are settled here, every default applied; templates are rendered;
//! dependencies get their outputs from the environment's providers; routes
//! get their middlewares' object names and their backends; the Secrets, the
//! Traefik and MetalLB settings and every Helm release, values included, are
//! worked out once. The build stage only translates the result into objects.
//!
//! | file | settles |
//! |---|---|
//! | `service.rs` | one service: tag, image, replicas, resources, ports, probes, env, files, routes, workload settings |
//! | `dependencies.rs` | each dependency's outputs from its provider and type; the infrastructure releases |
//! | `ingress.rs` | Traefik's generation, entry points and TLS; middlewares; the MetalLB pool; the platform releases |
//! | `secrets.rs` | every Secret key the workloads read and where its value comes from |
//! | `maintenance.rs` | the maintenance target: a service of the platform, or platc's server as an ordinary service |
//! | `network.rs` | the connections each service's pods may accept and open |
//! | `checks.rs` | checks of rendered values: route hosts, route collisions |
//! | `pod.rs` | a service's escape hatches: pod settings, lifecycle, volumes, sidecars and init containers, the override merged |
//! | `resources.rs` | requests and limits layered over the platform's defaults |
//! | `templating.rs` | rendering one service's templates, errors located |
//! | `plaintext.rs` | plaintext secrets in settled values, with the model's opt-outs |
//! | `reach.rs` | connections values name that `calls` and `uses` do not declare |
//!
//! Checks that need only the model run before, in [`crate::validate`].

mod checks;
mod dependencies;
mod ingress;
mod maintenance;
mod network;
mod plaintext;
mod pod;
mod reach;
mod resources;
mod secrets;
mod service;
mod templating;

use platc_spec::Diagnostic;
use platc_spec::model::{Environment, Platform};

use crate::object::Owner;
use crate::resolved::{Backend, ResolvedEnvironment, ResolvedPatch};

pub use ingress::{TraefikRelease, traefik_generation, traefik_release};
pub(crate) use reach::prepare;

/// Resolves every service of `platform` against `environment`. Returns every
/// problem found, not only the first.
pub fn resolve(
    platform: &Platform,
    environment: &Environment,
) -> Result<ResolvedEnvironment, Vec<Diagnostic>> {
    let namespace = environment.namespace();
    let provided = dependencies::resolve(platform, environment, &namespace)?;
    let ingress = ingress::ingress(platform, environment);
    let middleware_scope =
        ingress::MiddlewareScope { platform, namespace: &namespace, ingress: &ingress };
    // In maintenance, public routes reach the maintenance target: a service
    // of the platform, or platc's maintenance server.
    let target = maintenance::target(platform, environment);
    let maintenance_backend = environment.maintenance.enabled.then(|| match target {
        Some(service) => ingress::backend(platform, service, None),
        None => Backend { service: maintenance::NAME.to_owned(), port: maintenance::PORT },
    });
    let scope = service::Scope {
        platform,
        environment,
        namespace: &namespace,
        middlewares: middleware_scope,
        maintenance: maintenance_backend.as_ref(),
    };
    let mut services = Vec::with_capacity(platform.services.len());
    let mut diagnostics = Vec::new();
    let mut warnings = Vec::new();
    // Services resolve independently: on every core, results in name order.
    let results = platc_spec::parallel::map(&platform.services, |service| {
        let owner = Owner::Service(service.name.to_string());
        scope.resolve(service, &provided, owner, None)
    });
    for result in results {
        match result {
            Ok((resolved, mut found)) => {
                services.push(resolved);
                warnings.append(&mut found);
            }
            Err(mut found) => diagnostics.append(&mut found),
        }
    }
    checks::route_collisions(&environment.name, &services, &mut diagnostics);
    let maintenance = if environment.maintenance.enabled && target.is_none() {
        maintenance_server(&scope, &mut warnings, &mut diagnostics)
    } else {
        None
    };
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let mut maintenance = maintenance;
    let shared = ingress::middlewares(middleware_scope, None, &platform.settings.middlewares);
    network::resolve(&platform.services, &mut services, maintenance.as_mut(), &shared, &provided);
    warnings.extend(reach::undeclared(
        &platform.services,
        environment,
        &namespace,
        &services,
        &provided,
    ));

    let extras = services.iter().chain(&maintenance).flat_map(|s| s.pod.secret_keys()).collect();
    let secrets = secrets::resolve(platform, environment, &provided, extras);
    let mut releases =
        ingress::releases(environment, secrets.store.is_some()).map_err(|d| vec![d])?;
    // The databases' Secrets may come from the store: external-secrets first.
    let needs: Vec<String> = releases
        .iter()
        .filter(|r| r.name == "external-secrets")
        .map(crate::helm::Release::id)
        .collect();
    for mut release in dependencies::releases(&provided, &namespace)? {
        release.needs.clone_from(&needs);
        releases.push(release);
    }
    warnings.append(&mut release_plaintext(environment, &provided, &releases)?);
    warnings.append(&mut patch_plaintext(environment)?);
    Ok(ResolvedEnvironment {
        name: environment.name.clone(),
        namespace,
        platform: platform.settings.name.clone(),
        development: environment.development,
        services,
        maintenance,
        secrets,
        dependencies: provided.iter().map(dependencies::Provided::resolved).collect(),
        ingress,
        middlewares: shared,
        address_pool: ingress::address_pool(environment),
        releases,
        patches: environment
            .patches
            .iter()
            .enumerate()
            .map(|(index, patch)| ResolvedPatch {
                index,
                kind: patch.target.kind.as_str(),
                name: patch.target.name.clone(),
                namespace: patch.target.namespace.as_ref().map(ToString::to_string),
                merge: patch.merge.clone(),
            })
            .collect(),
        warnings,
    })
}

/// Plaintext secrets among the values the environment's patches set.
fn patch_plaintext(environment: &Environment) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let mut findings = plaintext::Findings::default();
    for (index, patch) in environment.patches.iter().enumerate() {
        plaintext::patch_values(environment, index, &patch.merge, &mut findings);
    }
    if findings.errors.is_empty() { Ok(findings.warnings) } else { Err(findings.errors) }
}

/// platc's maintenance server, resolved like a service of the platform;
/// `None` when it has a problem, reported in `diagnostics`.
fn maintenance_server(
    scope: &service::Scope<'_>,
    warnings: &mut Vec<Diagnostic>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<crate::resolved::ResolvedService> {
    let (server, image) = match maintenance::server(scope.platform) {
        Ok(server) => server,
        Err(found) => {
            diagnostics.push(found);
            return None;
        }
    };
    match scope.resolve(&server, &[], Owner::Platform, Some(image)) {
        Ok((resolved, mut found)) => {
            warnings.append(&mut found);
            Some(resolved)
        }
        Err(mut found) => {
            diagnostics.append(&mut found);
            None
        }
    }
}

/// Plaintext secrets in the Helm values of every release, located at the
/// user's `values` when they came from there.
fn release_plaintext(
    environment: &Environment,
    provided: &[dependencies::Provided<'_>],
    releases: &[crate::helm::Release],
) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let mut findings = plaintext::Findings::default();
    let empty = indexmap::IndexMap::new();
    for release in releases {
        let (user, base) = match provided.iter().find(|d| d.name.as_str() == release.name) {
            Some(dependency) => match dependency.provider {
                platc_spec::model::Provider::Helm(helm) => {
                    (&helm.values, format!("{}/values", dependency.pointer))
                }
                platc_spec::model::Provider::External(_) => continue,
            },
            None if release.name == "traefik" => {
                (&environment.ingress.values, "/ingress/values".to_owned())
            }
            None => (&empty, "/loadBalancer/values".to_owned()),
        };
        plaintext::release_values(
            environment,
            &release.name,
            &release.values,
            user,
            &base,
            &mut findings,
        );
    }
    if findings.errors.is_empty() { Ok(findings.warnings) } else { Err(findings.errors) }
}
