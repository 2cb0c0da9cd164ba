//! Builder-style constructors, for platforms written in Rust rather than
//! YAML. They produce the same types the YAML files load into, so a platform
//! built here renders exactly as its YAML twin does.
//!
//! ```
//! use platc_spec::model::{ClusterFlavour, Egress, Environment, Platform, Provider, Route, Service};
//! use platc_spec::names::NameError;
//!
//! fn shop() -> Result<Platform, NameError> {
//!     let api = Service::web("api", "ghcr.io/acme/api")?
//!         .port("http", 8080)?
//!         .env("LOG_LEVEL", "info")?
//!         .uses("orders-db", "postgres")?
//!         .route(Route::host("api.{{ environment.domain }}"));
//!     let production = Environment::new("production", "example.com", ClusterFlavour::Eks)?
//!         .default_tag("1.4.2")?
//!         .provide("postgres", Provider::external("db.example.com"))?;
//!     Ok(Platform::named("shop")?.with_service(api).with_environment(production))
//! }
//! # assert_eq!(shop().unwrap().services.len(), 1);
//! ```

use indexmap::IndexMap;

use super::{
    ClusterFlavour, Egress, Environment, ExternalProvider, HelmProvider, Images, InfraType,
    Infrastructure, Ingress, Lifecycle, LoadBalancer, Maintenance, Platform, PlatformSettings,
    PodSettings, Port, Probe, Probes, Protocol, Provider, Resources, Route, RoutePath,
    SecretKeyRef, Service, ServiceOverride, WorkloadKind,
};
use crate::names::{
    DependencyName, DomainName, EnvName, EnvVarName, ImageRepository, ImageTag, NameError,
    ObjectName, PortName, ServiceName, TypeName,
};

impl Service {
    /// A service of `kind` running `image` (a repository without tag).
    pub fn new(name: &str, kind: WorkloadKind, image: &str) -> Result<Self, NameError> {
        Ok(Self {
            name: ServiceName::new(name)?,
            kind,
            description: None,
            image: ImageRepository::new(image)?,
            ports: Vec::new(),
            command: Vec::new(),
            args: Vec::new(),
            env: IndexMap::new(),
            secrets: IndexMap::new(),
            files: Vec::new(),
            uses: IndexMap::new(),
            calls: Vec::new(),
            egress: Vec::new(),
            run_as: None,
            probes: Probes::default(),
            resources: None,
            replicas: None,
            autoscale: None,
            schedule: None,
            job: None,
            routes: Vec::new(),
            middlewares: IndexMap::new(),
            allow_plaintext: IndexMap::new(),
            pod: PodSettings::default(),
            lifecycle: Lifecycle::default(),
            volumes: Vec::new(),
            sidecars: Vec::new(),
            init_containers: Vec::new(),
        })
    }

    /// A `web` service.
    pub fn web(name: &str, image: &str) -> Result<Self, NameError> {
        Self::new(name, WorkloadKind::Web, image)
    }

    /// A `worker` service.
    pub fn worker(name: &str, image: &str) -> Result<Self, NameError> {
        Self::new(name, WorkloadKind::Worker, image)
    }

    /// Adds a TCP port.
    pub fn port(mut self, name: &str, port: u16) -> Result<Self, NameError> {
        self.ports.push(Port {
            name: PortName::new(name)?,
            port,
            service_port: None,
            protocol: Protocol::Tcp,
        });
        Ok(self)
    }

    /// Sets an environment variable (a template if it contains `{{`).
    pub fn env(mut self, name: &str, value: &str) -> Result<Self, NameError> {
        self.env.insert(EnvVarName::new(name)?, value.to_owned());
        Ok(self)
    }

    /// Reads an environment variable from a key of an existing Secret.
    pub fn secret(mut self, name: &str, secret: &str, key: &str) -> Result<Self, NameError> {
        self.secrets.insert(
            EnvVarName::new(name)?,
            SecretKeyRef { secret: ObjectName::new(secret)?, key: key.to_owned() },
        );
        Ok(self)
    }

    /// Uses an infrastructure dependency of the type called `kind`.
    pub fn uses(mut self, name: &str, kind: &str) -> Result<Self, NameError> {
        self.uses.insert(DependencyName::new(name)?, TypeName::new(kind)?);
        Ok(self)
    }

    /// Declares that this service sends requests to the service `name`.
    pub fn calls(mut self, name: &str) -> Result<Self, NameError> {
        self.calls.push(ServiceName::new(name)?);
        Ok(self)
    }

    /// Allows connections to `port` of `to` outside the cluster, for `reason`.
    #[must_use]
    pub fn egress(mut self, to: &str, port: u16, reason: &str) -> Self {
        self.egress.push(Egress {
            to: to.to_owned(),
            port,
            protocol: Protocol::Tcp,
            cidr: None,
            reason: reason.to_owned(),
        });
        self
    }

    /// Runs the service without readiness and liveness probes, for `reason`.
    #[must_use]
    pub fn without_probes(mut self, reason: &str) -> Self {
        self.probes.opt_out = Some(reason.to_owned());
        self
    }

    /// Adds a route.
    #[must_use]
    pub fn route(mut self, route: Route) -> Self {
        self.routes.push(route);
        self
    }

    /// Sets the replica count.
    #[must_use]
    pub fn replicas(mut self, replicas: u32) -> Self {
        self.replicas = Some(replicas);
        self
    }

    /// Sets the readiness probe to an HTTP GET on `path` of the first port.
    #[must_use]
    pub fn readiness(mut self, path: &str) -> Self {
        self.probes.readiness = Some(Probe { http: Some(path.to_owned()), ..Probe::default() });
        self
    }

    /// Sets the liveness probe to an HTTP GET on `path` of the first port.
    #[must_use]
    pub fn liveness(mut self, path: &str) -> Self {
        self.probes.liveness = Some(Probe { http: Some(path.to_owned()), ..Probe::default() });
        self
    }

    /// Sets requests and limits.
    #[must_use]
    pub fn resources(mut self, resources: Resources) -> Self {
        self.resources = Some(resources);
        self
    }
}

impl Route {
    /// A route for every path of `host` to the service's first port.
    #[must_use]
    pub fn host(host: &str) -> Self {
        Self {
            host: host.to_owned(),
            paths: Vec::new(),
            port: None,
            middlewares: Vec::new(),
            public: true,
            sticky: None,
        }
    }

    /// Limits the route to a path prefix (`/api`).
    pub fn path(mut self, prefix: &str) -> Result<Self, String> {
        self.paths.push(RoutePath::try_from(prefix.to_owned())?);
        Ok(self)
    }

    /// Applies a middleware, by name.
    pub fn middleware(mut self, name: &str) -> Result<Self, NameError> {
        self.middlewares.push(ObjectName::new(name)?);
        Ok(self)
    }
}

impl Environment {
    /// An environment on `cluster` under `domain`, its namespace named after it.
    pub fn new(name: &str, domain: &str, cluster: ClusterFlavour) -> Result<Self, NameError> {
        Ok(Self {
            name: EnvName::new(name)?,
            extends: None,
            is_abstract: false,
            accept_inherited: IndexMap::new(),
            namespace: None,
            domain: DomainName::new(domain)?,
            cluster,
            development: false,
            images: Images::default(),
            overrides: IndexMap::new(),
            infrastructure: Infrastructure::default(),
            ingress: Ingress::default(),
            load_balancer: LoadBalancer::default(),
            secret_store: None,
            maintenance: Maintenance::default(),
            development_secrets: IndexMap::new(),
            patches: Vec::new(),
        })
    }

    /// Runs the services in `namespace`.
    pub fn in_namespace(mut self, namespace: &str) -> Result<Self, NameError> {
        self.namespace = Some(crate::names::NamespaceName::new(namespace)?);
        Ok(self)
    }

    /// The image tag of every service without its own.
    pub fn default_tag(mut self, tag: &str) -> Result<Self, NameError> {
        self.images.default_tag = Some(ImageTag::new(tag)?);
        Ok(self)
    }

    /// The image tag of one service.
    pub fn tag(mut self, service: &str, tag: &str) -> Result<Self, NameError> {
        self.images.tags.insert(ServiceName::new(service)?, ImageTag::new(tag)?);
        Ok(self)
    }

    /// Changes one service's settings here; see [`ServiceOverride`].
    pub fn override_service(
        mut self,
        service: &str,
        change: ServiceOverride,
    ) -> Result<Self, NameError> {
        self.overrides.insert(ServiceName::new(service)?, change);
        Ok(self)
    }

    /// Provides every dependency of the type called `kind` with `provider`.
    pub fn provide(mut self, kind: &str, provider: Provider) -> Result<Self, NameError> {
        self.infrastructure.types.insert(TypeName::new(kind)?, provider);
        Ok(self)
    }

    /// Marks the environment for local development.
    #[must_use]
    pub fn development(mut self) -> Self {
        self.development = true;
        self
    }
}

impl Provider {
    /// An in-cluster release of the pinned chart, with its defaults.
    #[must_use]
    pub fn helm() -> Self {
        Self::Helm(HelmProvider::default())
    }

    /// A managed endpoint at `host`, with the type's port and defaults.
    #[must_use]
    pub fn external(host: &str) -> Self {
        Self::External(ExternalProvider { host: host.to_owned(), ..ExternalProvider::default() })
    }
}

impl Platform {
    /// An empty platform called `name` (the `app.kubernetes.io/part-of` label).
    pub fn named(name: &str) -> Result<Self, NameError> {
        Ok(Self {
            settings: PlatformSettings {
                name: ObjectName::new(name)?,
                ..PlatformSettings::default()
            },
            ..Self::default()
        })
    }

    /// Adds a service, keeping services in name order.
    #[must_use]
    pub fn with_service(mut self, service: Service) -> Self {
        self.services.push(service);
        self.sort();
        self
    }

    /// Adds an infrastructure type of the platform's own, replacing a
    /// built-in type of the same name.
    #[must_use]
    pub fn with_type(mut self, definition: InfraType) -> Self {
        self.types.insert(definition);
        self
    }

    /// Adds an environment, keeping environments in name order.
    #[must_use]
    pub fn with_environment(mut self, environment: Environment) -> Self {
        self.environments.push(environment);
        self.sort();
        self
    }
}
