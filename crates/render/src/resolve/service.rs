//! One service resolved against one environment: its tag and image, replica
//! count, layered resources, ports, probes with their ports named, workload
//! settings with their defaults, environment variables in their final
//! order, rendered templates, and routes with their middlewares and backends.

use minijinja::Value;
use platc_spec::model::{
    ConcurrencyPolicy, Environment, Platform, ResourceList, Resources, SameSite, Service,
    WorkloadKind,
};
use platc_spec::names::{ImageTag, NamespaceName};
use platc_spec::quantity::Quantity;
use platc_spec::source::pointer_join;
use platc_spec::{Diagnostic, Origin};

use super::checks;
use super::dependencies::Provided;
use super::ingress::{MiddlewareScope, middlewares, object_name};
use super::plaintext::{Guard, Place};
use super::pod::{self, Extras};
use super::resources::{self, BelowRequest, limit_below_request};
use super::templating::Templating;
use crate::crd::traefik::StickyCookieSpec;
use crate::object::Owner;
use crate::resolved::{
    Backend, CronJobRun, EffectiveResources, EnvSource, EnvVar, JobRun, NetworkAccess,
    ResolvedAutoscale, ResolvedFile, ResolvedPort, ResolvedProbes, ResolvedRoute, ResolvedService,
    RunAsIds, SecretKey, Workload,
};
use crate::template::{Context, Renderer};

/// The replica count of a service nobody gives one.
const DEFAULT_REPLICAS: u32 = 1;
/// The user and group pods run as unless the service says otherwise: above
/// the ids images and nodes define (system users, the first login users), so
/// a container escape lands on an id that owns nothing on the node.
const DEFAULT_RUN_AS: RunAsIds = RunAsIds { user: 10001, group: 10001 };
/// Retries of a failed run unless the service sets them.
const DEFAULT_BACKOFF_LIMIT: u32 = 2;
/// Finished runs of a cronjob kept unless the service says otherwise.
const DEFAULT_SUCCESSFUL_JOBS_HISTORY: u32 = 3;
/// A cronjob run may start up to an hour late (see `JobSettings`).
const DEFAULT_STARTING_DEADLINE_SECONDS: u32 = 3600;
/// Failed runs of a cronjob kept unless the service says otherwise.
const DEFAULT_FAILED_JOBS_HISTORY: u32 = 1;

/// What every service of the environment is resolved in.
pub(super) struct Scope<'a> {
    pub platform: &'a Platform,
    pub environment: &'a Environment,
    pub namespace: &'a NamespaceName,
    /// What middlewares are translated in.
    pub middlewares: MiddlewareScope<'a>,
    /// Where public routes go in maintenance; `None` outside maintenance.
    pub maintenance: Option<&'a Backend>,
}

impl Scope<'_> {
    /// Resolves `service`, whose dependencies are among `dependencies` (in
    /// name order, as [`super::dependencies::resolve`] gives them).
    /// `fixed` is the tag and image of a service whose image the environment
    /// does not choose (the maintenance server).
    pub fn resolve(
        &self,
        service: &Service,
        dependencies: &[Provided<'_>],
        owner: Owner,
        fixed: Option<(ImageTag, String)>,
    ) -> Result<(ResolvedService, Vec<Diagnostic>), Vec<Diagnostic>> {
        let Scope { platform, environment, .. } = *self;
        // `dependencies` is in name order, one entry a name.
        let used: Vec<&Provided<'_>> = service
            .uses
            .keys()
            .filter_map(|name| {
                dependencies.binary_search_by(|d| d.name.cmp(name)).ok().map(|i| &dependencies[i])
            })
            .collect();
        let mut diagnostics = Vec::new();
        let overrides = environment.overrides.get(&service.name);

        // Missing tags outside development are reported by validation; here a
        // development environment falls back to `latest`.
        let (tag, image) = fixed.unwrap_or_else(|| {
            let tag = environment
                .images
                .tag_for(&service.name)
                .cloned()
                .unwrap_or_else(|| ImageTag::new("latest").expect("`latest` is a valid tag"));
            let image = format!("{}:{}", service.image, tag);
            (tag, image)
        });

        let replicas = overrides
            .and_then(|o| o.replicas)
            .or(service.replicas)
            .or(platform.settings.defaults.replicas)
            .unwrap_or(DEFAULT_REPLICAS);

        let resources = effective_resources(platform, environment, service, &mut diagnostics);

        let mut templates = Templating {
            renderer: Renderer::new(self.context(service, &used, &tag, &image)),
            diagnostics: &mut diagnostics,
        };
        let mut guard = Guard::new(environment, service);
        let mut env: Vec<EnvVar> = used.iter().flat_map(|d| d.env.iter().cloned()).collect();
        env.extend(environment_variables(environment, service, &mut templates, &mut guard));
        let origin = Origin::Service(service.name.clone());
        let files = service
            .files
            .iter()
            .enumerate()
            .map(|(i, file)| {
                let pointer = format!("/files/{i}/content");
                let content = templates.render(&file.content, &origin, pointer.clone());
                let place = Place {
                    key: &file.path,
                    what: format!("the file `{}`", file.path),
                    origin: origin.clone(),
                    pointer,
                };
                guard.text(&content, &place);
                ResolvedFile { key: file.file_name().to_owned(), path: file.path.clone(), content }
            })
            .collect();
        let command = templates.render_all(&service.command, &origin, "/command");
        let args = templates.render_all(&service.args, &origin, "/args");
        guard_arguments(&mut guard, &origin, &command, &args);
        let routes = self.routes(service, &mut templates);
        let extras =
            Extras { platform, environment, service, templates: &mut templates, guard: &mut guard }
                .resolve();
        let findings = guard.finish();
        diagnostics.extend(findings.errors);

        let autoscale = overrides
            .and_then(|o| o.autoscale.as_ref())
            .or(service.autoscale.as_ref())
            .map(|a| ResolvedAutoscale { min: a.min, max: a.max, cpu: a.cpu, memory: a.memory });
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        let workload = self.workload(service);
        let spread_over_nodes = matches!(workload, Workload::Web | Workload::Worker)
            && (autoscale.is_some() || replicas > 1)
            && extras.affinity.as_ref().is_none_or(|a| a.pod_anti_affinity.is_none());
        let resolved = ResolvedService {
            name: service.name.clone(),
            owner,
            workload,
            description: service.description.clone(),
            tag,
            image,
            replicas,
            resources,
            ports: ports(service),
            env,
            files,
            command,
            args,
            probes: probes(service),
            autoscale,
            routes,
            middlewares: middlewares(self.middlewares, Some(service), &service.middlewares),
            run_as: service.run_as.map_or(DEFAULT_RUN_AS, |run_as| RunAsIds {
                user: run_as.user,
                group: run_as.group.unwrap_or(run_as.user),
            }),
            probe_opt_out: service.probes.opt_out.clone(),
            // Connections depend on the other services: see `network.rs`.
            network: NetworkAccess::default(),
            pod: extras,
            spread_over_nodes,
        };
        Ok((resolved, findings.warnings))
    }

    /// The workload kind with its settings, from the environment's override
    /// or the service, defaults applied.
    fn workload(&self, service: &Service) -> Workload {
        let overrides = self.environment.overrides.get(&service.name);
        let settings = service.job.clone().unwrap_or_default();
        let run = JobRun {
            backoff_limit: settings.backoff_limit.unwrap_or(DEFAULT_BACKOFF_LIMIT),
            active_deadline_seconds: settings.active_deadline_seconds,
        };
        match service.kind {
            WorkloadKind::Web => Workload::Web,
            WorkloadKind::Worker => Workload::Worker,
            WorkloadKind::Job => Workload::Job(run),
            WorkloadKind::Cronjob => Workload::CronJob(CronJobRun {
                // A cronjob without a schedule was reported by validation.
                schedule: overrides
                    .and_then(|o| o.schedule.clone())
                    .or_else(|| service.schedule.clone())
                    .unwrap_or_default(),
                time_zone: settings.time_zone,
                concurrency_policy: settings
                    .concurrency_policy
                    .unwrap_or(ConcurrencyPolicy::Forbid)
                    .as_str(),
                successful_jobs_history_limit: settings
                    .successful_jobs_history_limit
                    .unwrap_or(DEFAULT_SUCCESSFUL_JOBS_HISTORY),
                failed_jobs_history_limit: settings
                    .failed_jobs_history_limit
                    .unwrap_or(DEFAULT_FAILED_JOBS_HISTORY),
                starting_deadline_seconds: settings
                    .starting_deadline_seconds
                    .unwrap_or(DEFAULT_STARTING_DEADLINE_SECONDS),
                suspend: overrides.is_some_and(|o| o.suspend),
                run,
            }),
        }
    }

    /// A service's routes with hosts rendered and checked, ports, backends
    /// and middlewares resolved.
    fn routes(&self, service: &Service, templates: &mut Templating<'_>) -> Vec<ResolvedRoute> {
        let origin = Origin::Service(service.name.clone());
        service
            .routes
            .iter()
            .enumerate()
            .map(|(index, route)| {
                let pointer = format!("/routes/{index}/host");
                let host = templates.render(&route.host, &origin, pointer.clone());
                templates.diagnostics.extend(checks::route_host(&host, &origin, pointer));
                let port = route
                    .port
                    .as_ref()
                    .and_then(|name| service.ports.iter().find(|p| &p.name == name))
                    .or_else(|| service.ports.first())
                    .map_or(0, |p| p.service_port.unwrap_or(p.port));
                // In maintenance, public routes reach the maintenance target;
                // a service that is the target keeps its own routes.
                let backend = match self.maintenance {
                    Some(target) if route.public && target.service != service.name.as_str() => {
                        target.clone()
                    }
                    _ => Backend { service: service.name.to_string(), port },
                };
                let middlewares =
                    route.middlewares.iter().map(|name| object_name(Some(service), name)).collect();
                let mut paths: Vec<String> =
                    route.paths.iter().map(|p| p.as_str().to_owned()).collect();
                if paths.is_empty() {
                    paths.push("/".to_owned());
                }
                let sticky = route.sticky.as_ref().map(|cookie| StickyCookieSpec {
                    name: cookie.name.clone(),
                    secure: cookie.secure,
                    http_only: cookie.http_only,
                    same_site: cookie.same_site.map(SameSite::as_str),
                });
                ResolvedRoute { index, host, paths, middlewares, backend, sticky }
            })
            .collect()
    }

    /// What templates of `service` can read.
    fn context(
        &self,
        service: &Service,
        dependencies: &[&Provided<'_>],
        tag: &ImageTag,
        image: &str,
    ) -> Context {
        let environment = self.environment;
        let mut context = Context::default();
        context.insert_object(
            "environment",
            &[
                ("name", Value::from(environment.name.as_str())),
                ("namespace", Value::from(self.namespace.as_str())),
                ("domain", Value::from(environment.domain.as_str())),
                ("cluster", Value::from(environment.cluster.as_str())),
                ("development", Value::from(environment.development)),
                ("maintenance", Value::from(environment.maintenance.enabled)),
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
        context.insert_object(
            "platform",
            &[("name", Value::from(self.platform.settings.name.as_str()))],
        );
        let resources = dependencies
            .iter()
            .map(|d| {
                let fields = d.fields.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                (d.name.to_string(), fields)
            })
            .collect();
        context.insert_nested("resources", &resources);
        context
    }
}

/// The probes with their ports named: an HTTP probe without a port checks
/// the service's first one.
fn probes(service: &Service) -> ResolvedProbes {
    let first_port = service.ports.first().map(|p| p.name.as_str());
    ResolvedProbes {
        liveness: service.probes.liveness.as_ref().map(|p| pod::probe(p, first_port)),
        readiness: service.probes.readiness.as_ref().map(|p| pod::probe(p, first_port)),
        startup: service.probes.startup.as_ref().map(|p| pod::probe(p, first_port)),
    }
}

/// Secret references, then the service's variables in file order with
/// the environment's values replacing them in place, then the variables the
/// environment adds.
fn environment_variables(
    environment: &Environment,
    service: &Service,
    templates: &mut Templating<'_>,
    guard: &mut Guard<'_>,
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
            source: EnvSource::Secret(SecretKey {
                secret: secret.secret.clone(),
                key: secret.key.clone(),
            }),
        })
        .collect();
    let mut value = |name: &str, raw: &str, origin: &Origin, pointer: String| {
        let value = templates.render(raw, origin, pointer.clone());
        guard.variable(name, raw, &value, origin, &pointer);
        EnvVar { name: name.to_owned(), source: EnvSource::Value(value) }
    };
    for (name, raw) in &service.env {
        let name = name.as_str();
        env.push(match overrides.and_then(|o| o.env.get(name)) {
            Some(raw) => value(name, raw, &env_origin, override_at(name)),
            None => value(name, raw, &service_origin, pointer_join("/env", name)),
        });
    }
    for (name, raw) in overrides.iter().flat_map(|o| &o.env) {
        if !service.env.contains_key(name) {
            env.push(value(name.as_str(), raw, &env_origin, override_at(name.as_str())));
        }
    }
    env
}

fn override_pointer(service: &Service, rest: &str) -> String {
    format!("{}{rest}", pointer_join("/overrides", service.name.as_str()))
}

/// The container's ports, each with the port its Service exposes.
fn ports(service: &Service) -> Vec<ResolvedPort> {
    service
        .ports
        .iter()
        .map(|p| ResolvedPort {
            name: p.name.clone(),
            container_port: p.port,
            service_port: p.service_port.unwrap_or(p.port),
            protocol: p.protocol.as_str(),
        })
        .collect()
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
    let (effective, below) = resources::layer(&explicit, defaults);
    for BelowRequest { field, key, limit, request } in below {
        let overridden = overrides.and_then(|o| field_of(&o.limits, key)).is_some();
        let pointer = format!("/resources/limits/{key}");
        let diagnostic = limit_below_request(field, &limit, &request, &environment.name);
        diagnostics.push(if overridden {
            diagnostic.at(
                Origin::Environment(environment.name.clone()),
                override_pointer(service, &pointer),
            )
        } else {
            diagnostic.at(Origin::Service(service.name.clone()), pointer)
        });
    }
    effective
}

fn field_of<'r>(list: &'r ResourceList, key: &str) -> Option<&'r Quantity> {
    match key {
        "cpu" => list.cpu.as_ref(),
        "memory" => list.memory.as_ref(),
        "ephemeralStorage" => list.ephemeral_storage.as_ref(),
        _ => None,
    }
}

/// Hands every `command` and `args` entry to the plaintext guard.
fn guard_arguments(guard: &mut Guard<'_>, origin: &Origin, command: &[String], args: &[String]) {
    for (field, texts) in [("command", command), ("args", args)] {
        for (i, text) in texts.iter().enumerate() {
            let place = Place {
                key: field,
                what: format!("`{field}[{i}]`"),
                origin: origin.clone(),
                pointer: format!("/{field}/{i}"),
            };
            guard.text(text, &place);
        }
    }
}
