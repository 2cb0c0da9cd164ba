//! Infrastructure dependencies: what services `use` (a named Postgres, Redis,
//! ...) and how each environment *provides* it — an in-cluster Helm release
//! or an external managed endpoint. Services never see the difference: every
//! provider of a type yields the same outputs.

use indexmap::IndexMap;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use super::resources::Resources;
use super::types::Types;
use crate::names::{DependencyName, IpRange, ObjectName, TypeName, keyed_by};
use crate::position::pointer_join;
use crate::quantity::Quantity;

/// The key of `infrastructure` that holds providers of single dependencies;
/// every other key names an infrastructure type, so no type can be called so.
pub const INSTANCES: &str = "instances";

/// How an environment provides each type of infrastructure, and exceptions
/// for individual dependencies: `postgres: {provider: helm}`,
/// `instances: {audit-db: {provider: external, ...}}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Infrastructure {
    /// The provider of each type, by type name, in the order written.
    pub types: IndexMap<TypeName, Provider>,
    /// Providers for individual dependencies, by dependency name; they take
    /// precedence over the provider of the dependency's type.
    pub instances: IndexMap<DependencyName, Provider>,
}

impl Infrastructure {
    /// Whether no provider is configured.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.types.is_empty() && self.instances.is_empty()
    }

    /// The provider of a type.
    #[must_use]
    pub fn for_type(&self, kind: &TypeName) -> Option<&Provider> {
        self.types.get(kind)
    }

    /// The provider of one dependency: its own entry under `instances`, else
    /// its type's provider.
    #[must_use]
    pub fn provider(&self, name: &DependencyName, kind: &TypeName) -> Option<&Provider> {
        self.instances.get(name).or_else(|| self.for_type(kind))
    }

    /// The JSON pointer of the provider `provider` resolves to, for diagnostics.
    #[must_use]
    pub fn provider_pointer(&self, name: &DependencyName, kind: &TypeName) -> String {
        if self.instances.contains_key(name) {
            pointer_join(&format!("/infrastructure/{INSTANCES}"), name.as_str())
        } else {
            pointer_join("/infrastructure", kind.as_str())
        }
    }
}

impl Serialize for Infrastructure {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let instances = usize::from(!self.instances.is_empty());
        let mut map = serializer.serialize_map(Some(self.types.len() + instances))?;
        for (kind, provider) in &self.types {
            map.serialize_entry(kind.as_str(), provider)?;
        }
        if !self.instances.is_empty() {
            map.serialize_entry(INSTANCES, &self.instances)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Infrastructure {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Infrastructure;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a mapping of infrastructure types to providers, and `instances`")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Infrastructure, A::Error> {
                let mut out = Infrastructure::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key == INSTANCES {
                        out.instances = map.next_value()?;
                    } else {
                        let kind = TypeName::new(key).map_err(serde::de::Error::custom)?;
                        let provider = map.next_value()?;
                        out.types.insert(kind, provider);
                    }
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

impl JsonSchema for Infrastructure {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Infrastructure".into()
    }

    /// A mapping of type names to providers: the built-in types are listed,
    /// so editors complete them, and any other valid name is accepted,
    /// checked against the platform's types by validation.
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let provider = generator.subschema_for::<Provider>();
        let mut instances = generator.subschema_for::<IndexMap<DependencyName, Provider>>();
        keyed_by::<DependencyName>(&mut instances);
        instances.insert(
            "description".to_owned(),
            "Providers for individual dependencies, by dependency name; they take precedence \
             over the provider of the dependency's type."
                .into(),
        );
        let mut properties = serde_json::Map::new();
        for definition in Types::builtin().iter() {
            properties.insert(
                definition.name.to_string(),
                serde_json::json!({
                    "allOf": [provider.clone()],
                    "description": format!(
                        "{} How `{}` dependencies are provided.",
                        definition.description, definition.name
                    ),
                }),
            );
        }
        properties.insert(INSTANCES.to_owned(), instances.to_value());
        json_schema!({
            "description": "How an environment provides each type of infrastructure (a built-in \
                type or one of the platform's `types/`), by type name, and exceptions for \
                individual dependencies under `instances`.",
            "type": "object",
            "properties": properties,
            "propertyNames": TypeName::json_schema(generator),
            "additionalProperties": {
                "allOf": [provider],
                "description": "How dependencies of any other type are provided: a type of the \
                    platform's own (`types/<name>.yaml`), by its name.",
            },
        })
    }
}

/// Where a dependency comes from in one environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "provider", rename_all = "lowercase", deny_unknown_fields)]
pub enum Provider {
    /// An in-cluster release of the chart the type pins (Bitnami's for the
    /// built-in types), installed with the environment's helmfile.
    Helm(HelmProvider),
    /// A managed service outside the cluster (RDS, Confluent Cloud, ...).
    External(ExternalProvider),
}

/// An in-cluster Helm release.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HelmProvider {
    /// The chart version, to try another chart version than the type pins.
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
    /// Requests and limits of the release's pods; built in: the type's
    /// `helm.requests`, sized for each chart to start and serve a
    /// development load, limits equal to the requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// The application user services connect as, for types with a
    /// `username` output; built in: the type's `username` (`app`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"), length(max = 32))]
    pub username: Option<String>,
    /// Extra chart values, merged over the values the type's template
    /// writes (maps merge, `null` removes, everything else replaces). Keys
    /// must exist in the chart when the type records its keys.
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
    /// The port; built in: the type's port for managed endpoints (5432,
    /// 3306, 6379, 5672, 9092 for the built-in types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<u16>,
    /// The addresses `host` resolves to (`10.30.0.0/16` for an RDS cluster
    /// in the VPC), which narrows the NetworkPolicy egress of the services
    /// using it to that range; without it they may reach `port` on any address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<IpRange>,
    /// The database (Postgres, MySQL), vhost (RabbitMQ), database number
    /// (Redis) or bucket: the `name` output, for types that have one; built
    /// in: the type's `database` (the dependency name with `_` for `-`,
    /// `/`, `0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 63))]
    pub database: Option<String>,
    /// The user services connect as (for Confluent Cloud: the API key), for
    /// types with a `username` output; built in: the type's `username`
    /// (`app`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 128))]
    pub username: Option<String>,
    /// The Secret holding the password under the key `password`, for types
    /// with a `password` output; built in: `<dependency>-credentials`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<ObjectName>,
    /// Where the environment's secret store keeps the credentials; built in:
    /// the store's prefix followed by the dependency name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub remote_key: Option<String>,
    /// Whether connections use TLS (Postgres `sslmode=require`, Kafka
    /// `SASL_SSL`); built in: the type's `external.tls` (true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<bool>,
}
