//! Resolve: the model seen from one environment. Image tags, replica counts,
//! resources and environment variables are settled here, and templates are
//! rendered, so that the build stage only translates values into objects.

use std::cmp::Ordering;

use minijinja::Value;
use platc_spec::model::{Environment, Platform, ResourceList, Resources, SecretKeyRef, Service};
use platc_spec::names::{ImageTag, NamespaceName};
use platc_spec::quantity::Quantity;
use platc_spec::source::pointer_join;
use platc_spec::{Diagnostic, Origin};

use crate::infra::{self, Dependency};
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
}

/// A service as it runs in one environment.
#[derive(Debug, Clone)]
pub struct ResolvedService<'a> {
    /// The service as written.
    pub service: &'a Service,
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
    for service in &platform.services {
        match resolve_service(platform, environment, &namespace, &dependencies, service) {
            Ok(resolved) => services.push(resolved),
            Err(mut found) => diagnostics.append(&mut found),
        }
    }
    if diagnostics.is_empty() {
        Ok(ResolvedEnvironment { platform, environment, namespace, dependencies, services })
    } else {
        Err(diagnostics)
    }
}

fn resolve_service<'a>(
    platform: &Platform,
    environment: &Environment,
    namespace: &NamespaceName,
    dependencies: &[Dependency<'_>],
    service: &'a Service,
) -> Result<ResolvedService<'a>, Vec<Diagnostic>> {
    let used: Vec<&Dependency<'_>> = service
        .uses
        .keys()
        .filter_map(|name| dependencies.iter().find(|d| &d.name == name))
        .collect();
    let mut diagnostics = Vec::new();
    let overrides = environment.overrides.get(&service.name);

    // Missing tags outside development are reported by validation; here a
    // development environment falls back to `latest`.
    let tag = environment
        .images
        .tag_for(&service.name)
        .cloned()
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

    if diagnostics.is_empty() {
        Ok(ResolvedService { service, tag, image, replicas, resources, env, files, command, args })
    } else {
        Err(diagnostics)
    }
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
                    "render::limit_below_request",
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
