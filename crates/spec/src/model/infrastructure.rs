//! Infrastructure dependencies: what services `use` (a named Postgres, Redis,
//! ...) and how each environment *provides* it — an in-cluster Helm release
//! or an external managed endpoint. Services never see the difference: every
//! provider of a type yields the same outputs.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::resources::Resources;
use crate::names::{DependencyName, IpRange, ObjectName, keyed_by};
use crate::quantity::Quantity;

/// Generates [`DependencyType`] and the per-type fields of [`Infrastructure`]
/// from [`dependency_type_table`]: each line is one type, its name in files,
/// what the environment's provider field provides, and the suffixes of the
/// variables it injects.
macro_rules! dependency_types {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $name:ident, provides $what:literal, injects [$($suffix:literal),+];
    )+) => {
        /// The kinds of infrastructure a service can use.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
            JsonSchema,
        )]
        #[serde(rename_all = "lowercase")]
        pub enum DependencyType {
            $($(#[doc = $doc])* $variant,)+
        }

        impl DependencyType {
            /// Every type, in the order they are listed.
            pub const ALL: [Self; [$(stringify!($variant)),+].len()] = [$(Self::$variant),+];

            /// The name used in files.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => stringify!($name),)+
                }
            }

            /// The suffixes of the environment variables a dependency of this
            /// type injects into each service that uses it: `orders-db` gives
            /// `ORDERS_DB_HOST`, `ORDERS_DB_PORT`, ... `PASSWORD` comes from a
            /// Secret. Validation needs them to find variables a service sets
            /// again; the render crate's type descriptors inject exactly
            /// these, which its tests check.
            #[must_use]
            pub fn env_suffixes(self) -> &'static [&'static str] {
                match self {
                    $(Self::$variant => &[$($suffix),+],)+
                }
            }
        }

        /// How an environment provides each type of infrastructure, and exceptions
        /// for individual dependencies.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields, rename_all = "camelCase")]
        pub struct Infrastructure {
            $(
                #[doc = concat!("How ", $what, " are provided.")]
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $name: Option<Provider>,
            )+
            /// Providers for individual dependencies, by dependency name; they take
            /// precedence over the provider of the dependency's type.
            #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
            #[schemars(transform = keyed_by::<DependencyName>)]
            pub instances: IndexMap<DependencyName, Provider>,
        }

        impl Infrastructure {
            /// The provider of a type.
            #[must_use]
            pub fn for_type(&self, kind: DependencyType) -> Option<&Provider> {
                match kind {
                    $(DependencyType::$variant => self.$name.as_ref(),)+
                }
            }

            /// The provider field of a type, to set or change it.
            pub fn for_type_mut(&mut self, kind: DependencyType) -> &mut Option<Provider> {
                match kind {
                    $(DependencyType::$variant => &mut self.$name,)+
                }
            }
        }
    };
}

/// The one list of infrastructure types, handed to a macro that generates
/// code from it: [`DependencyType`] and [`Infrastructure`] here, the module
/// and descriptor of each type in the render crate (`render/src/infra/`).
/// Adding a type is a line here and the type's file there.
#[macro_export]
macro_rules! dependency_type_table {
    ($generate:ident) => {
        $generate! {
            /// A PostgreSQL database.
            Postgres = postgres, provides "PostgreSQL databases",
                injects ["HOST", "PORT", "NAME", "USER", "PASSWORD", "URL"];
            /// A MySQL database.
            Mysql = mysql, provides "MySQL databases",
                injects ["HOST", "PORT", "NAME", "USER", "PASSWORD", "URL"];
            /// A Redis key-value store.
            Redis = redis, provides "Redis stores",
                injects ["HOST", "PORT", "NAME", "USER", "PASSWORD", "URL"];
            /// A RabbitMQ message broker.
            Rabbitmq = rabbitmq, provides "RabbitMQ brokers",
                injects ["HOST", "PORT", "NAME", "USER", "PASSWORD", "URL"];
            /// A Kafka cluster.
            Kafka = kafka, provides "Kafka clusters",
                injects ["HOST", "PORT", "USER", "PASSWORD", "URL", "SECURITY_PROTOCOL", "SASL_MECHANISM"];
        }
    };
}

dependency_type_table!(dependency_types);

impl Infrastructure {
    /// Whether no provider is configured.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        DependencyType::ALL.iter().all(|t| self.for_type(*t).is_none()) && self.instances.is_empty()
    }

    /// The provider of one dependency: its own entry under `instances`, else
    /// its type's provider.
    #[must_use]
    pub fn provider(&self, name: &DependencyName, kind: DependencyType) -> Option<&Provider> {
        self.instances.get(name).or_else(|| self.for_type(kind))
    }

    /// The JSON pointer of the provider `provider` resolves to, for diagnostics.
    #[must_use]
    pub fn provider_pointer(&self, name: &DependencyName, kind: DependencyType) -> String {
        if self.instances.contains_key(name) {
            crate::position::pointer_join("/infrastructure/instances", name.as_str())
        } else {
            format!("/infrastructure/{}", kind.as_str())
        }
    }
}

/// Where a dependency comes from in one environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "provider", rename_all = "lowercase", deny_unknown_fields)]
pub enum Provider {
    /// An in-cluster release of a pinned community chart (Bitnami), installed
    /// with the environment's helmfile.
    Helm(HelmProvider),
    /// A managed service outside the cluster (RDS, Confluent Cloud, ...).
    External(ExternalProvider),
}

/// An in-cluster Helm release.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HelmProvider {
    /// The chart version, to try a newer chart than the one platc pins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$"))]
    pub version: Option<String>,
    /// Pods of the release: 1 runs the chart standalone, more turns on its
    /// replication (read replicas, Redis replicas, a RabbitMQ or Kafka cluster).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub replicas: Option<u32>,
    /// The size of each persistent volume; built in: 8Gi.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<Quantity>,
    /// Requests and limits of the release's pods; built in: requests sized
    /// for each chart to start and serve a development load, limits equal to
    /// the requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// The application user services connect as; built in: `app`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"), length(max = 32))]
    pub username: Option<String>,
    /// Extra chart values, merged over the values platc writes (maps merge,
    /// everything else replaces). Keys must exist in the chart.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub values: IndexMap<String, serde_json::Value>,
}

/// A managed endpoint outside the cluster.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExternalProvider {
    /// The host name clients connect to (for Kafka: the bootstrap server).
    #[schemars(
        regex(
            pattern = r"^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$"
        ),
        length(max = 253)
    )]
    pub host: String,
    /// The port; built in: the type's usual port (5432, 3306, 6379, 5672, 9092).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<u16>,
    /// The addresses `host` resolves to (`10.30.0.0/16` for an RDS cluster
    /// in the VPC), which narrows the NetworkPolicy egress of the services
    /// using it to that range; without it they may reach `port` on any address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<IpRange>,
    /// The database (Postgres, MySQL), vhost (RabbitMQ) or database number
    /// (Redis); built in: the dependency name with `_` for `-`, `/`, `0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 63))]
    pub database: Option<String>,
    /// The user services connect as (for Confluent Cloud: the API key); built in: `app`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 128))]
    pub username: Option<String>,
    /// The Secret holding the password under the key `password`; built in:
    /// `<dependency>-credentials`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<ObjectName>,
    /// Where the environment's secret store keeps the credentials; built in:
    /// the store's prefix followed by the dependency name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub remote_key: Option<String>,
    /// Whether connections use TLS (Postgres `sslmode=require`, Kafka `SASL_SSL`); built in: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<bool>,
}
