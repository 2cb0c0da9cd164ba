//! Resolve: the model seen from one environment. Image tags, replica counts,
//! resources and environment variables are settled here, and templates are
//! rendered, so that the build stage only translates values into objects.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BTreeMap;

use minijinja::Value;
use platc_spec::Code;
use platc_spec::model::{
    Autoscale, Environment, Platform, ResourceList, Resources, SecretKeyRef, Service,
};
use platc_spec::names::{ImageTag, NamespaceName};
use platc_spec::quantity::Quantity;
use platc_spec::source::pointer_join;
use platc_spec::{Diagnostic, Origin};

use crate::infra::{self, Dependency};
use crate::object::Owner;
use crate::template::{Context, Renderer};

/// The requests of a service that sets none, anywhere.
const DEFAULT_CPU_REQUEST: &str = "100m";
/// The memory request of a service that sets none, anywhere.
const DEFAULT_MEMORY_REQUEST: &str = "128Mi";

/// One environment with every service resolved against it.
#[derive(Debug, Clone)]
pub struct ResolvedEnvironment<'a> {
    /// The whole platform.
    pub platform: &'a Platform,
    /// The environment.
    pub environment: &'a Environment,
    /// The namespace the services run in.
    pub namespace: NamespaceName,
    /// Every dependency the services use, with its provider here, in name order.
    pub dependencies: Vec<Dependency<'a>>,
    /// Every service, in name order.
    pub services: Vec<ResolvedService<'a>>,
    /// The maintenance page server, when the environment is in maintenance.
    pub maintenance: Option<ResolvedService<'a>>,
    /// Problems that do not stop compilation.
    pub warnings: Vec<Diagnostic>,
}

/// A service as it runs in one environment.
#[derive(Debug, Clone)]
pub struct ResolvedService<'a> {
    /// The service as written (or, for the maintenance server, as platc writes it).
    pub service: Cow<'a, Service>,
    /// Where its objects go in the tree.
    pub owner: Owner,
    /// The image tag it runs.
    pub tag: ImageTag,
    /// The full image reference (`ghcr.io/acme/api:1.4.2`).
    pub image: String,
    /// The replica count.
    pub replicas: u32,
    /// Effective requests and limits.
    pub resources: EffectiveResources,
    /// Environment variables in their final order.
    pub env: Vec<EnvVar>,
    /// Configuration files with templates rendered.
    pub files: Vec<ResolvedFile>,
    /// The entrypoint override, templates rendered.
    pub command: Vec<String>,
    /// The arguments, templates rendered.
    pub args: Vec<String>,
    /// Autoscaling, from the environment's override or the service.
    pub autoscale: Option<Autoscale>,
    /// A cronjob's schedule, from the environment's override or the service.
    pub schedule: Option<String>,
    /// Whether a cronjob is suspended here.
    pub suspend: bool,
    /// Routes with their hosts rendered.
    pub routes: Vec<ResolvedRoute>,
}

/// A route as it exists in one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedRoute {
    /// Its position in the service's `routes`.
    pub index: usize,
    /// The host, templates rendered.
    pub host: String,
    /// Path prefixes; `/` when none was given.
    pub paths: Vec<String>,
    /// The Service port requests go to.
    pub port: u16,
    /// The Middleware objects applied, in order.
    pub middlewares: Vec<String>,
    /// Whether the route serves the public (and so the maintenance page).
    pub public: bool,
}

/// One environment variable of a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    /// The variable's name.
    pub name: String,
    /// Where its value comes from.
    pub source: EnvSource,
}

/// The value of an environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvSource {
    /// A literal value.
    Value(String),
    /// A key of a Secret.
    Secret(SecretKeyRef),
}

/// A configuration file ready to be put in a ConfigMap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedFile {
    /// The ConfigMap key (the file name).
    pub key: String,
    /// The mount path inside the container.
    pub path: String,
    /// The content, templates rendered.
    pub content: String,
}

/// Requests and limits with every value decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveResources {
    /// CPU request.
    pub cpu_request: Quantity,
    /// Memory request.
    pub memory_request: Quantity,
    /// CPU limit.
    pub cpu_limit: Quantity,
    /// Memory limit.
    pub memory_limit: Quantity,
}

/// Resolves every service of `platform` against `environment`. Returns every
/// problem found, not only the first.
pub fn resolve<'a>(
    platform: &'a Platform,
    environment: &'a Environment,
) -> Result<ResolvedEnvironment<'a>, Vec<Diagnostic>> {
    let namespace = environment.namespace();
    let dependencies = infra::resolve(platform, environment, &namespace);
    let mut services = Vec::with_capacity(platform.services.len());
    let mut diagnostics = Vec::new();
    // Services resolve independently: on every core, results in name order.
    let results = platc_spec::parallel::map(&platform.services, |service| {
        let owner = Owner::Service(service.name.to_string());
        resolve_service(
            platform,
            environment,
            &namespace,
            &dependencies,
            Cow::Borrowed(service),
            owner,
            None,
        )
    });
    for result in results {
        match result {
            Ok(resolved) => services.push(resolved),
            Err(mut found) => diagnostics.append(&mut found),
        }
    }
    check_route_collisions(environment, &services, &mut diagnostics);
    let maintenance = if environment.maintenance {
        let (server, tag) = crate::maintenance::server(platform);
        let owner = Owner::Platform;
        match resolve_service(
            platform,
            environment,
            &namespace,
            &[],
            Cow::Owned(server),
            owner,
            Some(tag),
        ) {
            Ok(resolved) => Some(resolved),
            Err(mut found) => {
                diagnostics.append(&mut found);
                None
            }
        }
    } else {
        None
    };
    if diagnostics.is_empty() {
        let mut warnings = client_ip_warnings(platform, environment, &services);
        warnings.extend(undefined_cert_resolver(environment));
        Ok(ResolvedEnvironment {
            platform,
            environment,
            namespace,
            dependencies,
            services,
            maintenance,
            warnings,
        })
    } else {
        Err(diagnostics)
    }
}

fn resolve_service<'a>(
    platform: &Platform,
    environment: &Environment,
    namespace: &NamespaceName,
    dependencies: &[Dependency<'_>],
    service_model: Cow<'a, Service>,
    owner: Owner,
    fixed_tag: Option<ImageTag>,
) -> Result<ResolvedService<'a>, Vec<Diagnostic>> {
    let service = service_model.as_ref();
    let used: Vec<&Dependency<'_>> = service
        .uses
        .keys()
        .filter_map(|name| dependencies.iter().find(|d| &d.name == name))
        .collect();
    let mut diagnostics = Vec::new();
    let overrides = environment.overrides.get(&service.name);

    // Missing tags outside development are reported by validation; here a
    // development environment falls back to `latest`.
    let tag = fixed_tag
        .or_else(|| environment.images.tag_for(&service.name).cloned())
        .unwrap_or_else(|| ImageTag::new("latest").expect("`latest` is a valid tag"));
    let image = format!("{}:{}", service.image, tag);

    let replicas = overrides
        .and_then(|o| o.replicas)
        .or(service.replicas)
        .or(platform.settings.defaults.replicas)
        .unwrap_or(1);

    let resources = effective_resources(platform, environment, service, &mut diagnostics);

    let mut templates = Templating {
        renderer: Renderer::new(context(
            platform,
            environment,
            namespace,
            service,
            &used,
            &tag,
            &image,
        )),
        diagnostics: &mut diagnostics,
    };
    let mut env: Vec<EnvVar> = used.iter().flat_map(|d| d.outputs.env(&d.name, d.kind)).collect();
    env.extend(environment_variables(environment, service, &mut templates));
    let origin = Origin::Service(service.name.clone());
    let files = service
        .files
        .iter()
        .enumerate()
        .map(|(i, file)| ResolvedFile {
            key: file.file_name().to_owned(),
            path: file.path.clone(),
            content: templates.render(&file.content, &origin, format!("/files/{i}/content")),
        })
        .collect();
    let command = templates.render_all(&service.command, &origin, "/command");
    let args = templates.render_all(&service.args, &origin, "/args");
    let routes = resolve_routes(service, &mut templates);

    let autoscale =
        overrides.and_then(|o| o.autoscale.clone()).or_else(|| service.autoscale.clone());
    let schedule = overrides.and_then(|o| o.schedule.clone()).or_else(|| service.schedule.clone());
    let suspend = overrides.is_some_and(|o| o.suspend);
    if diagnostics.is_empty() {
        Ok(ResolvedService {
            service: service_model,
            owner,
            tag,
            image,
            replicas,
            resources,
            env,
            files,
            command,
            args,
            autoscale,
            schedule,
            suspend,
            routes,
        })
    } else {
        Err(diagnostics)
    }
}

/// A service's routes with hosts rendered and checked, ports and middlewares resolved.
fn resolve_routes(service: &Service, templates: &mut Templating<'_>) -> Vec<ResolvedRoute> {
    let origin = Origin::Service(service.name.clone());
    service
        .routes
        .iter()
        .enumerate()
        .map(|(index, route)| {
            let pointer = format!("/routes/{index}/host");
            let host = templates.render(&route.host, &origin, pointer.clone());
            if !host.is_empty() && platc_spec::names::DomainName::new(host.as_str()).is_err() {
                templates.diagnostics.push(
                    Diagnostic::error(
                        Code::RenderInvalidHost,
                        format!("`{host}` is not a host name"),
                    )
                    .at(origin.clone(), pointer)
                    .with_help(
                        "a route's host is a DNS name in lowercase, such as `api.example.com`",
                    ),
                );
            }
            let port = route
                .port
                .as_ref()
                .and_then(|name| service.ports.iter().find(|p| &p.name == name))
                .or_else(|| service.ports.first())
                .map_or(0, |p| p.service_port.unwrap_or(p.port));
            let middlewares = route
                .middlewares
                .iter()
                .map(|name| {
                    if service.middlewares.contains_key(name) {
                        format!("{}-{name}", service.name)
                    } else {
                        name.to_string()
                    }
                })
                .collect();
            let mut paths: Vec<String> =
                route.paths.iter().map(|p| p.as_str().to_owned()).collect();
            if paths.is_empty() {
                paths.push("/".to_owned());
            }
            ResolvedRoute { index, host, paths, port, middlewares, public: route.public }
        })
        .collect()
}

/// Two routes for the same host and path would fight over requests: the
/// second one is an error that names the first.
fn check_route_collisions(
    environment: &Environment,
    services: &[ResolvedService<'_>],
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeMap<(String, String), (String, usize)> = BTreeMap::new();
    for service in services {
        for route in &service.routes {
            for path in &route.paths {
                let key = (route.host.clone(), path.clone());
                let here = (service.service.name.to_string(), route.index);
                match seen.get(&key) {
                    Some((first, index)) => out.push(
                        Diagnostic::error(
                            Code::RenderRouteCollision,
                            format!(
                                "`{}{}` is routed twice in `{}`: here and in `{first}` (routes[{index}])",
                                route.host, path, environment.name
                            ),
                        )
                        .at(Origin::Service(service.service.name.clone()), format!("/routes/{}/host", route.index))
                        .with_help("give each host and path prefix to one route only"),
                    ),
                    None => {
                        seen.insert(key, here);
                    }
                }
            }
        }
    }
}

/// Middlewares that judge clients by address only see the load balancer's
/// address unless the environment trusts the proxies in front of Traefik.
fn client_ip_warnings(
    platform: &Platform,
    environment: &Environment,
    services: &[ResolvedService<'_>],
) -> Vec<Diagnostic> {
    if !environment.ingress.trusted_proxies.is_empty() {
        return Vec::new();
    }
    let mut warnings = Vec::new();
    for service in services {
        for (index, route) in service.service.routes.iter().enumerate() {
            for (position, name) in route.middlewares.iter().enumerate() {
                let middleware = service
                    .service
                    .middlewares
                    .get(name)
                    .or_else(|| platform.settings.middlewares.get(name));
                if middleware.is_some_and(platc_spec::model::Middleware::relies_on_client_ip) {
                    warnings.push(
                        Diagnostic::warning(
                            Code::RenderUntrustedClientIp,
                            format!(
                                "middleware `{name}` judges clients by address, but `{}` trusts no proxy: it would see the load balancer's address",
                                environment.name
                            ),
                        )
                        .at(Origin::Service(service.service.name.clone()), format!("/routes/{index}/middlewares/{position}"))
                        .with_help(format!(
                            "set `ingress.trustedProxies` in environments/{}.yaml to the address range of the load balancer",
                            environment.name
                        )),
                    );
                }
            }
        }
    }
    warnings
}

/// Routes name their certificate resolver; Traefik only knows the resolvers
/// its values define. Without one, every route gets Traefik's default
/// self-signed certificate.
fn undefined_cert_resolver(environment: &Environment) -> Option<Diagnostic> {
    let resolver = environment.ingress.tls.as_ref()?.cert_resolver.as_deref()?;
    // The key differs between the charts of the two API groups.
    let key = match environment.ingress.api_group {
        platc_spec::model::TraefikApiGroup::TraefikIo => "certificatesResolvers",
        platc_spec::model::TraefikApiGroup::ContainoUs => "certResolvers",
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

/// Renders templates and collects their errors, pointed at the fields the
/// templates came from.
struct Templating<'d> {
    renderer: Renderer,
    diagnostics: &'d mut Vec<Diagnostic>,
}

impl Templating<'_> {
    fn render(&mut self, text: &str, origin: &Origin, pointer: String) -> String {
        self.renderer.render(text).unwrap_or_else(|d| {
            self.diagnostics.push(d.at(origin.clone(), pointer));
            String::new()
        })
    }

    fn render_all(&mut self, texts: &[String], origin: &Origin, pointer: &str) -> Vec<String> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| self.render(t, origin, format!("{pointer}/{i}")))
            .collect()
    }
}

/// Secret references, then the service's variables in file order with
/// the environment's values replacing them in place, then the variables the
/// environment adds.
fn environment_variables(
    environment: &Environment,
    service: &Service,
    templates: &mut Templating<'_>,
) -> Vec<EnvVar> {
    let overrides = environment.overrides.get(&service.name);
    let service_origin = Origin::Service(service.name.clone());
    let env_origin = Origin::Environment(environment.name.clone());
    let override_at = |name: &str| override_pointer(service, &pointer_join("/env", name));
    let mut env: Vec<EnvVar> = service
        .secrets
        .iter()
        .map(|(name, secret)| EnvVar {
            name: name.to_string(),
            source: EnvSource::Secret(secret.clone()),
        })
        .collect();
    for (name, value) in &service.env {
        let value = match overrides.and_then(|o| o.env.get(name)) {
            Some(value) => templates.render(value, &env_origin, override_at(name.as_str())),
            None => templates.render(value, &service_origin, pointer_join("/env", name.as_str())),
        };
        env.push(EnvVar { name: name.to_string(), source: EnvSource::Value(value) });
    }
    for (name, value) in overrides.iter().flat_map(|o| &o.env) {
        if !service.env.contains_key(name) {
            let value = templates.render(value, &env_origin, override_at(name.as_str()));
            env.push(EnvVar { name: name.to_string(), source: EnvSource::Value(value) });
        }
    }
    env
}

fn override_pointer(service: &Service, rest: &str) -> String {
    format!("{}{rest}", pointer_join("/overrides", service.name.as_str()))
}

fn context(
    platform: &Platform,
    environment: &Environment,
    namespace: &NamespaceName,
    service: &Service,
    dependencies: &[&Dependency<'_>],
    tag: &ImageTag,
    image: &str,
) -> Context {
    let mut context = Context::default();
    context.insert_object(
        "environment",
        &[
            ("name", Value::from(environment.name.as_str())),
            ("namespace", Value::from(namespace.as_str())),
            ("domain", Value::from(environment.domain.as_str())),
            ("cluster", Value::from(environment.cluster.as_str())),
            ("development", Value::from(environment.development)),
        ],
    );
    context.insert_object(
        "service",
        &[
            ("name", Value::from(service.name.as_str())),
            ("image", Value::from(image)),
            ("tag", Value::from(tag.as_str())),
        ],
    );
    context.insert_object("platform", &[("name", Value::from(platform.settings.name.as_str()))]);
    let resources =
        dependencies.iter().map(|d| (d.name.to_string(), d.outputs.template_fields())).collect();
    context.insert_nested("resources", &resources);
    context
}

/// Layers requests and limits: environment override, service, platform
/// defaults, built-in defaults. A limit nobody set is never below its request;
/// a limit somebody set below its request is an error.
fn effective_resources(
    platform: &Platform,
    environment: &Environment,
    service: &Service,
    diagnostics: &mut Vec<Diagnostic>,
) -> EffectiveResources {
    let overrides = environment.overrides.get(&service.name).and_then(|o| o.resources.as_ref());
    let empty = Resources::default();
    let defaults = platform.settings.defaults.resources.as_ref().unwrap_or(&empty);
    let explicit = overrides.unwrap_or(&empty).or(service.resources.as_ref().unwrap_or(&empty));
    let builtin = ResourceList {
        cpu: Quantity::new(DEFAULT_CPU_REQUEST).ok(),
        memory: Quantity::new(DEFAULT_MEMORY_REQUEST).ok(),
    };
    let requests = explicit.requests.or(&defaults.requests).or(&builtin);
    let cpu_request = requests.cpu.unwrap_or_else(|| builtin_quantity(DEFAULT_CPU_REQUEST));
    let memory_request =
        requests.memory.unwrap_or_else(|| builtin_quantity(DEFAULT_MEMORY_REQUEST));

    let mut limit = |explicit: Option<&Quantity>,
                     default: Option<&Quantity>,
                     request: &Quantity,
                     field: &str| {
        if let Some(limit) = explicit {
            if limit.cmp_amount(request) == Ordering::Less {
                let overridden = overrides.and_then(|o| field_of(&o.limits, field)).is_some();
                let pointer = format!("/resources/limits/{field}");
                let diagnostic = Diagnostic::error(
                    Code::RenderLimitBelowRequest,
                    format!(
                        "the {field} limit {limit} is below the {field} request {request} in `{}`",
                        environment.name
                    ),
                )
                .with_help("raise the limit or lower the request");
                diagnostics.push(if overridden {
                    diagnostic.at(
                        Origin::Environment(environment.name.clone()),
                        override_pointer(service, &pointer),
                    )
                } else {
                    diagnostic.at(Origin::Service(service.name.clone()), pointer)
                });
            }
            return limit.clone();
        }
        match default {
            Some(default) if default.cmp_amount(request) != Ordering::Less => default.clone(),
            _ => request.clone(),
        }
    };
    let cpu_limit =
        limit(explicit.limits.cpu.as_ref(), defaults.limits.cpu.as_ref(), &cpu_request, "cpu");
    let memory_limit = limit(
        explicit.limits.memory.as_ref(),
        defaults.limits.memory.as_ref(),
        &memory_request,
        "memory",
    );
    EffectiveResources { cpu_request, memory_request, cpu_limit, memory_limit }
}

fn field_of<'r>(list: &'r ResourceList, field: &str) -> Option<&'r Quantity> {
    match field {
        "cpu" => list.cpu.as_ref(),
        _ => list.memory.as_ref(),
    }
}

fn builtin_quantity(text: &str) -> Quantity {
    Quantity::new(text).expect("built-in quantities are valid")
}
