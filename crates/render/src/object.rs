//! The rendered objects: typed Kubernetes resources (k8s-openapi types, and
//! typed custom resources for Traefik and friends), each with the place it
//! takes in the output tree.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Secret, Service, ServiceAccount};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use platc_spec::diagnostic::suggest;
use platc_spec::{Code, Diagnostic};
use serde::Serialize;

use crate::crd::external_secrets::ExternalSecretSpec;
use crate::crd::metallb::{IpAddressPoolSpec, L2AdvertisementSpec};
use crate::crd::traefik::{IngressRouteSpec, MiddlewareSpec, TlsOptionSpec};
use crate::crd::{CustomResource, CustomSpec};

/// What every rendered object offers, whether a built-in kind from
/// k8s-openapi or a typed custom resource.
pub trait Manifest: Serialize {
    /// `kind`, known without an object.
    const KIND: &'static str;
    /// `apiVersion`.
    fn api_version(&self) -> &'static str;
    /// `kind`.
    fn kind(&self) -> &'static str {
        Self::KIND
    }
    /// The object's metadata.
    fn metadata(&self) -> &ObjectMeta;
    /// The object's metadata, mutable.
    fn metadata_mut(&mut self) -> &mut ObjectMeta;
}

macro_rules! builtin_manifest {
    ($($ty:ty),* $(,)?) => {
        $(
            impl Manifest for $ty {
                const KIND: &'static str = <$ty as k8s_openapi::Resource>::KIND;
                fn api_version(&self) -> &'static str {
                    <$ty as k8s_openapi::Resource>::API_VERSION
                }
                fn metadata(&self) -> &ObjectMeta {
                    &self.metadata
                }
                fn metadata_mut(&mut self) -> &mut ObjectMeta {
                    &mut self.metadata
                }
            }
        )*
    };
}

builtin_manifest!(
    Namespace,
    ServiceAccount,
    ConfigMap,
    Secret,
    Service,
    Deployment,
    CronJob,
    Job,
    HorizontalPodAutoscaler,
    PodDisruptionBudget,
    NetworkPolicy,
);

impl<S: CustomSpec> Manifest for CustomResource<S> {
    const KIND: &'static str = S::KIND;
    fn api_version(&self) -> &'static str {
        self.api_version
    }
    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

/// Who an object belongs to, which decides its directory in the tree.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Owner {
    /// Objects outside the application namespace's ApplySet, applied before
    /// the platform releases: the Namespaces and MetalLB's configuration,
    /// `bootstrap/`.
    Bootstrap,
    /// Objects shared by the environment: `manifests/platform/`.
    Platform,
    /// Objects of one service: `manifests/services/<name>/`.
    Service(String),
}

macro_rules! objects {
    ($($(#[$doc:meta])* $variant:ident($ty:ty)),* $(,)?) => {
        /// One Kubernetes object of a known type.
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum Object {
            $($(#[$doc])* $variant(Box<$ty>),)*
        }

        impl Object {
            /// Every kind platc renders, in the order of the variants.
            pub const KINDS: &'static [&'static str] = &[$(<$ty as Manifest>::KIND),*];

            /// The object's `kind`.
            #[must_use]
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Self::$variant(o) => o.kind(),)*
                }
            }

            /// The object's `apiVersion`.
            #[must_use]
            pub fn api_version(&self) -> &'static str {
                match self {
                    $(Self::$variant(o) => o.api_version(),)*
                }
            }

            /// The object's metadata.
            #[must_use]
            pub fn metadata(&self) -> &ObjectMeta {
                match self {
                    $(Self::$variant(o) => o.metadata(),)*
                }
            }

            /// The object's metadata, for adding labels after it is built.
            pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
                match self {
                    $(Self::$variant(o) => o.metadata_mut(),)*
                }
            }

            /// The object as a JSON value, as it is written.
            pub fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
                match self {
                    $(Self::$variant(o) => serde_json::to_value(o.as_ref()),)*
                }
            }

            /// The object as one YAML document (without `---`).
            pub fn to_yaml(&self) -> Result<String, serde_saphyr::SerializeError> {
                match self {
                    $(Self::$variant(o) => crate::emit::to_yaml(o.as_ref()),)*
                }
            }
        }

        /// An object serializes as the Kubernetes object it holds.
        impl Serialize for Object {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(o) => o.serialize(serializer),)*
                }
            }
        }

        $(
            impl From<$ty> for Object {
                fn from(object: $ty) -> Self {
                    Self::$variant(Box::new(object))
                }
            }
        )*
    };
}

objects! {
    /// `v1/Namespace`.
    Namespace(Namespace),
    /// `v1/ServiceAccount`.
    ServiceAccount(ServiceAccount),
    /// `v1/ConfigMap`.
    ConfigMap(ConfigMap),
    /// `v1/Service`.
    Service(Service),
    /// `apps/v1/Deployment`.
    Deployment(Deployment),
    /// `batch/v1/CronJob`.
    CronJob(CronJob),
    /// `batch/v1/Job`.
    Job(Job),
    /// `autoscaling/v2/HorizontalPodAutoscaler`.
    HorizontalPodAutoscaler(HorizontalPodAutoscaler),
    /// `policy/v1/PodDisruptionBudget`.
    PodDisruptionBudget(PodDisruptionBudget),
    /// `networking.k8s.io/v1/NetworkPolicy`.
    NetworkPolicy(NetworkPolicy),
    /// `v1/Secret` (development secrets only).
    Secret(Secret),
    /// `traefik.io/v1alpha1` or `traefik.containo.us/v1alpha1` `IngressRoute`.
    IngressRoute(CustomResource<IngressRouteSpec>),
    /// Traefik `Middleware`.
    Middleware(CustomResource<MiddlewareSpec>),
    /// Traefik `TLSOption`.
    TlsOption(CustomResource<TlsOptionSpec>),
    /// `external-secrets.io/v1/ExternalSecret`.
    ExternalSecret(CustomResource<ExternalSecretSpec>),
    /// `metallb.io/v1beta1/IPAddressPool`.
    IpAddressPool(CustomResource<IpAddressPoolSpec>),
    /// `metallb.io/v1beta1/L2Advertisement`.
    L2Advertisement(CustomResource<L2AdvertisementSpec>),
}

impl Object {
    /// The object's name.
    #[must_use]
    pub fn name(&self) -> &str {
        self.metadata().name.as_deref().unwrap_or_default()
    }

    /// The object's namespace, if it is namespaced.
    #[must_use]
    pub fn namespace(&self) -> Option<&str> {
        self.metadata().namespace.as_deref()
    }

    /// `Deployment shop/api`, the way diffs and findings name an object.
    #[must_use]
    pub fn describe(&self) -> String {
        describe(self.kind(), self.namespace(), self.name())
    }
}

/// The kinds named in `--kinds`, as platc spells them: each name matched
/// without regard to case against the kinds platc renders
/// ([`Object::KINDS`]). An unknown name is an error with the closest kind.
pub fn parse_kinds<S: AsRef<str>>(names: &[S]) -> Result<Vec<&'static str>, Vec<Diagnostic>> {
    let mut kinds = Vec::with_capacity(names.len());
    let mut problems = Vec::new();
    for name in names {
        let name = name.as_ref().trim();
        match Object::KINDS.iter().find(|kind| kind.eq_ignore_ascii_case(name)) {
            Some(kind) if !kinds.contains(kind) => kinds.push(*kind),
            Some(_) => {}
            None => {
                let mut known = Object::KINDS.to_vec();
                known.sort_unstable();
                let list = known.join(", ");
                let help = match suggest(name, known.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`? platc renders {list}"),
                    None => format!("platc renders {list}"),
                };
                problems.push(
                    Diagnostic::error(
                        Code::RenderUnknownKind,
                        format!("unknown kind `{name}` in `--kinds`"),
                    )
                    .with_help(help),
                );
            }
        }
    }
    if problems.is_empty() { Ok(kinds) } else { Err(problems) }
}

/// `Kind namespace/name` or `Kind name`.
#[must_use]
pub fn describe(kind: &str, namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(namespace) => format!("{kind} {namespace}/{name}"),
        None => format!("{kind} {name}"),
    }
}

/// An object with its owner.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// Who the object belongs to.
    pub owner: Owner,
    /// The object.
    pub object: Object,
}

impl Placed {
    /// The object's path in the output tree, relative to the environment's
    /// directory: `manifests/services/api/deployment.yaml`,
    /// `manifests/services/api/middleware-api-strip.yaml`,
    /// `bootstrap/cluster/namespace-shop.yaml`.
    #[must_use]
    pub fn path(&self) -> String {
        let kind = self.object.kind().to_ascii_lowercase();
        let name = self.object.name();
        match &self.owner {
            // `cluster` sorts before `namespaced`, so `kubectl apply -R`
            // creates the Namespaces before what lives in them.
            Owner::Bootstrap if self.object.namespace().is_none() => {
                format!("bootstrap/cluster/{kind}-{name}.yaml")
            }
            Owner::Bootstrap => format!("bootstrap/namespaced/{kind}-{name}.yaml"),
            Owner::Platform => format!("manifests/platform/{kind}-{name}.yaml"),
            // A Job's name changes with its content; its file does not.
            Owner::Service(service) if service == name || kind == "job" => {
                format!("manifests/services/{service}/{kind}.yaml")
            }
            Owner::Service(service) => format!("manifests/services/{service}/{kind}-{name}.yaml"),
        }
    }
}
