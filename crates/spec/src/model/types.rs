//! Infrastructure types as data: a type definition file (`types/<name>.yaml`)
//! says everything platc knows about one kind of infrastructure — the
//! outputs services get, how they are named by default, the URL form, what a
//! managed endpoint needs, and the chart that runs it in the cluster with
//! its values template. The built-in types are such files too, shipped in
//! `crates/spec/types/` and listed once in [`builtin_types!`]; a platform's
//! own file adds a type or replaces a built-in one of the same name.
//!
//! The definition is data only. Validation checks that it is consistent
//! (`crate::validate`); the render crate derives the injected variables,
//! template fields, credentials and release from it.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::chart_keys::KeyList;
use crate::names::{OutputName, TypeName, keyed_by};
use crate::quantity::Quantity;

/// What platc knows about one type of infrastructure: the outputs every
/// provider yields, their defaults, what a managed endpoint needs, and the
/// chart that runs it in the cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "platc infrastructure type")]
pub struct InfraType {
    /// The type's name: what services write under `uses` (`db: mongodb`) and
    /// environments under `infrastructure`. It must match the file name
    /// (`types/<name>.yaml`); a built-in type of the same name is replaced.
    pub name: TypeName,
    /// What the type is, in a sentence; editors show it beside the type's
    /// provider in environment files.
    pub description: String,
    /// The port clients connect to unless a provider says otherwise.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    /// The outputs every provider yields, in the order their variables are
    /// injected: `host` and `port` always; `name` (a database, vhost or
    /// bucket), `username`, `password` (from a Secret) and `url` when the
    /// type has them.
    pub outputs: Vec<Output>,
    /// Outputs of the type's own, injected after `outputs`: each a value that
    /// depends only on whether connections use TLS (Kafka's
    /// `security_protocol: {plain: SASL_PLAINTEXT, tls: SASL_SSL}`). The
    /// variable's suffix is the name in capitals.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(transform = keyed_by::<OutputName>)]
    pub fixed_outputs: IndexMap<OutputName, FixedOutput>,
    /// The `name` output unless a provider sets `database`: a fixed value
    /// (Redis' `"0"`, RabbitMQ's `/`), or a form where `{dependency}` stands
    /// for the dependency's name (`orders-db`) and `{dependency_underscored}`
    /// for it with `_` for `-` (`orders_db`). Required with a `name` output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 128))]
    pub database: Option<String>,
    /// The user clients connect as unless a provider names one. Required
    /// with a `username` output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 128))]
    pub username: Option<String>,
    /// The connection URL, without the password. Required with a `url` output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<UrlForms>,
    /// What an environment's `provider: external` gives and needs for this
    /// type.
    #[serde(default, skip_serializing_if = "ExternalRules::is_default")]
    pub external: ExternalRules,
    /// How the type runs in the cluster (`provider: helm`). Without it the
    /// type can only be provided `external`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helm: Option<HelmChart>,
    /// Whether platc ships the definition (not a platform's own file).
    #[serde(skip)]
    pub builtin: bool,
}

/// One of the outputs every type may yield.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Output {
    /// The host name: `<NAME>_HOST`, `resources.<name>.host`.
    Host,
    /// The port: `<NAME>_PORT`, `resources.<name>.port`.
    Port,
    /// The database, vhost, database number or bucket: `<NAME>_NAME`,
    /// `resources.<name>.name`.
    Name,
    /// The user: `<NAME>_USER`, `resources.<name>.username`.
    Username,
    /// The password, from the credentials Secret: `<NAME>_PASSWORD`;
    /// templates read the Secret's name as `resources.<name>.password_secret`,
    /// never the value.
    Password,
    /// The connection URL without the password: `<NAME>_URL`, `resources.<name>.url`.
    Url,
}

impl Output {
    /// Every output, in the order the schema lists them.
    pub const ALL: [Self; 6] =
        [Self::Host, Self::Port, Self::Name, Self::Username, Self::Password, Self::Url];

    /// Whether every type must yield it: every dependency is reached at a
    /// host and a port.
    #[must_use]
    pub const fn is_required(self) -> bool {
        match self {
            Self::Host | Self::Port => true,
            Self::Name | Self::Username | Self::Password | Self::Url => false,
        }
    }

    /// The name in type files (`host`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Host => "host",
            Self::Port => "port",
            Self::Name => "name",
            Self::Username => "username",
            Self::Password => "password",
            Self::Url => "url",
        }
    }

    /// The suffix of its environment variable (`HOST`, `USER`).
    #[must_use]
    pub const fn env_suffix(self) -> &'static str {
        match self {
            Self::Host => "HOST",
            Self::Port => "PORT",
            Self::Name => "NAME",
            Self::Username => "USER",
            Self::Password => "PASSWORD",
            Self::Url => "URL",
        }
    }

    /// Its field under `resources.<name>` in templates.
    #[must_use]
    pub const fn template_field(self) -> &'static str {
        match self {
            Self::Host => "host",
            Self::Port => "port",
            Self::Name => "name",
            Self::Username => "username",
            Self::Password => "password_secret",
            Self::Url => "url",
        }
    }
}

/// A type's own output: its value without and with TLS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixedOutput {
    /// The value when connections do not use TLS (in-cluster releases).
    pub plain: String,
    /// The value when they do.
    pub tls: String,
}

/// A connection URL without and with TLS. `{host}`, `{port}`, `{name}`,
/// `{username}` stand for the outputs, `{name_segment}` for the name
/// escaped as one URL path segment (`/` → `%2F`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UrlForms {
    /// The URL when connections do not use TLS (in-cluster releases):
    /// `postgresql://{username}@{host}:{port}/{name}`.
    #[schemars(length(min = 1))]
    pub plain: String,
    /// The URL when they do: `postgresql://{username}@{host}:{port}/{name}?sslmode=require`.
    #[schemars(length(min = 1))]
    pub tls: String,
}

/// The placeholders URL forms may use, each with the output it stands for.
pub const URL_PLACEHOLDERS: [(&str, Output); 5] = [
    ("host", Output::Host),
    ("port", Output::Port),
    ("name", Output::Name),
    ("name_segment", Output::Name),
    ("username", Output::Username),
];
/// The placeholders the `database` form may use.
pub const DATABASE_PLACEHOLDERS: [&str; 2] = ["dependency", "dependency_underscored"];
/// The placeholder of Service rules.
pub const SERVICE_PLACEHOLDER: &str = "release";

/// What a managed endpoint outside the cluster gives and needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExternalRules {
    /// The port of a managed endpoint unless the environment sets one;
    /// built in: the type's `port`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<u16>,
    /// Whether connections to a managed endpoint use TLS unless the
    /// environment says; built in: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<bool>,
    /// Fields an environment's `provider: external` must set because no
    /// default fits (a bucket name is global: `database`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<ExternalField>,
}

impl ExternalRules {
    fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// A field of `provider: external` a type can require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ExternalField {
    /// `port`.
    Port,
    /// `database` (the `name` output).
    Database,
    /// `username`.
    Username,
    /// `cidr`.
    Cidr,
}

impl ExternalField {
    /// The field's name in environment files.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Port => "port",
            Self::Database => "database",
            Self::Username => "username",
            Self::Cidr => "cidr",
        }
    }
}

/// The chart that runs a type in the cluster, and how platc configures it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HelmChart {
    /// The chart: its repository, name and pinned version.
    pub chart: ChartSource,
    /// The file of the chart's recorded value keys beside the definition
    /// (`mongodb-17.0.2.keys`, generated from the chart's `values.yaml` by
    /// `gen_keys.py`). Values the template writes and values environments
    /// add are checked against it; without it they are not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]*\.keys$"))]
    pub keys: Option<String>,
    /// CPU and memory each pod requests unless the environment sets
    /// `resources`: enough to start and serve a development load. Limits
    /// equal the requests unless set.
    pub requests: DefaultRequests,
    /// The Service clients connect to, `{release}` standing for the
    /// release's name.
    pub service: ServiceRule,
    /// The credentials Secret (`<dependency>-credentials`) the chart reads
    /// its passwords from. Required with a `password` output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Credentials>,
    /// The chart values of one release as a minijinja template of YAML.
    /// `{{ ... }}` writes JSON, so every value keeps its type and no string
    /// can break the YAML; `release`, `replicas`, `storage`, `resources`
    /// (`{requests: {cpu, memory}, limits: {...}}`), `username`, `database`
    /// and `secret` (the credentials Secret) are the variables. The result
    /// must be a mapping; environments' `values` are merged over it.
    #[schemars(length(min = 1))]
    pub values: String,
    /// The recorded keys read from [`HelmChart::keys`].
    #[serde(skip)]
    #[schemars(skip)]
    pub recorded_keys: Option<Arc<KeyList>>,
}

/// A chart at a pinned version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChartSource {
    /// Where the chart is published.
    pub repository: ChartRepository,
    /// The chart's name in the repository.
    #[schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"), length(max = 63))]
    pub name: String,
    /// The version platc installs unless an environment sets `version`.
    #[schemars(regex(pattern = r"^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$"))]
    pub version: String,
}

/// A chart repository as the helmfile names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChartRepository {
    /// The repository's name in the helmfile (`bitnami`); types that share a
    /// repository give it the same name and URL.
    #[schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"), length(max = 63))]
    pub name: String,
    /// Its URL: `https://...` for a chart repository, `oci://...` for an OCI
    /// registry (`oci://registry-1.docker.io/bitnamicharts`).
    #[schemars(regex(pattern = r"^(https?|oci)://[^\s]+$"))]
    pub url: String,
}

impl ChartRepository {
    /// Whether the repository is an OCI registry.
    #[must_use]
    pub fn is_oci(&self) -> bool {
        self.url.starts_with("oci://")
    }
}

/// CPU and memory one pod requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DefaultRequests {
    /// CPU (`250m`).
    pub cpu: Quantity,
    /// Memory (`256Mi`).
    pub memory: Quantity,
}

/// The name of the Service a chart gives clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceRule {
    /// With one pod (`{release}`).
    #[schemars(length(min = 1))]
    pub standalone: String,
    /// With more than one (`{release}-primary`).
    #[schemars(length(min = 1))]
    pub replicated: String,
}

impl ServiceRule {
    /// The Service of the release `release` with `replicas` pods.
    #[must_use]
    pub fn service(&self, release: &str, replicas: u32) -> String {
        let rule = if replicas > 1 { &self.replicated } else { &self.standalone };
        rule.replace("{release}", release)
    }
}

/// The keys of the credentials Secret a chart reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Credentials {
    /// The key of the application user's password: what `<NAME>_PASSWORD`
    /// reads.
    #[schemars(regex(pattern = r"^[-._a-zA-Z0-9]+$"), length(max = 253))]
    pub password_key: String,
    /// The key holding the user name, for charts that read it from the
    /// Secret too (MinIO's root user). platc writes the user name there: in
    /// the Secret of a development environment, and through the
    /// ExternalSecret's template where a secret store provides the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[-._a-zA-Z0-9]+$"), length(max = 253))]
    pub username_key: Option<String>,
    /// Every key the chart reads, the two above included. Each is generated
    /// in a development environment and comes from the secret store
    /// elsewhere.
    #[schemars(length(min = 1))]
    pub keys: Vec<CredentialKey>,
}

/// A key of a credentials Secret.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct CredentialKey(
    #[schemars(regex(pattern = r"^[-._a-zA-Z0-9]+$"), length(min = 1, max = 253))] pub String,
);

impl InfraType {
    /// Whether the type yields `output`.
    #[must_use]
    pub fn yields(&self, output: Output) -> bool {
        self.outputs.contains(&output)
    }

    /// The suffixes of the environment variables a dependency of this type
    /// injects into each service that uses it, in order: `orders-db` gives
    /// `ORDERS_DB_HOST`, `ORDERS_DB_PORT`, ...
    #[must_use]
    pub fn env_suffixes(&self) -> Vec<String> {
        self.outputs
            .iter()
            .map(|output| output.env_suffix().to_owned())
            .chain(self.fixed_outputs.keys().map(|name| name.as_str().to_ascii_uppercase()))
            .collect()
    }

    /// The `name` output of the dependency `dependency` unless a provider
    /// gives one: the type's `database` form filled in.
    #[must_use]
    pub fn default_database(&self, dependency: &str) -> Option<String> {
        let form = self.database.as_deref()?;
        Some(
            form.replace("{dependency_underscored}", &dependency.replace('-', "_"))
                .replace("{dependency}", dependency),
        )
    }

    /// The port of a managed endpoint unless the environment sets one.
    #[must_use]
    pub fn external_port(&self) -> u16 {
        self.external.port.unwrap_or(self.port)
    }

    /// Whether a managed endpoint uses TLS unless the environment says.
    #[must_use]
    pub fn external_tls(&self) -> bool {
        self.external.tls.unwrap_or(true)
    }
}

/// Every infrastructure type a platform knows: the built-in ones and the
/// platform's own (`types/*.yaml`), which replace built-in ones of the same
/// name. In name order.
#[derive(Debug, Clone, PartialEq)]
pub struct Types {
    by_name: BTreeMap<TypeName, Arc<InfraType>>,
}

impl Default for Types {
    /// The built-in types.
    fn default() -> Self {
        Self::builtin().clone()
    }
}

impl Types {
    /// The types platc ships.
    #[must_use]
    pub fn builtin() -> &'static Self {
        &BUILTIN
    }

    /// The type called `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&InfraType> {
        self.by_name.get(name).map(AsRef::as_ref)
    }

    /// Every type, in name order.
    pub fn iter(&self) -> impl Iterator<Item = &InfraType> {
        self.by_name.values().map(AsRef::as_ref)
    }

    /// The names of every type, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(TypeName::as_str)
    }

    /// Adds a type, replacing one of the same name; returns the replaced one.
    pub fn insert(&mut self, definition: InfraType) -> Option<Arc<InfraType>> {
        self.by_name.insert(definition.name.clone(), Arc::new(definition))
    }
}

/// One built-in type: its definition file and the recorded keys of its chart.
struct Builtin {
    file: &'static str,
    text: &'static str,
    keys: (&'static str, &'static str),
}

/// The built-in types: each line embeds a definition from
/// `crates/spec/types/` and the recorded key list of its chart (generated by
/// `crates/render/charts/gen_keys.py`), which the definition names under
/// `helm.keys`. Adding a built-in type is its file, its key list and a line
/// here.
macro_rules! builtin_types {
    ($($file:literal with $keys:literal,)+) => {
        const BUILTIN_TYPES: &[Builtin] = &[$(
            Builtin {
                file: $file,
                text: include_str!(concat!("../../types/", $file)),
                keys: ($keys, include_str!(concat!("../../types/", $keys))),
            },
        )+];
    };
}

builtin_types! {
    "postgres.yaml" with "postgresql-17.1.0.keys",
    "mysql.yaml" with "mysql-14.0.5.keys",
    "redis.yaml" with "redis-23.1.1.keys",
    "rabbitmq.yaml" with "rabbitmq-16.0.16.keys",
    "kafka.yaml" with "kafka-32.4.4.keys",
}

/// The built-in types, parsed once. They are platc's own files, checked by
/// the tests (`builtin_types_are_valid`), so a failure here is a bug in platc.
static BUILTIN: LazyLock<Types> = LazyLock::new(|| {
    let mut types = Types { by_name: BTreeMap::new() };
    for builtin in BUILTIN_TYPES {
        let mut definition = parse_builtin(builtin)
            .unwrap_or_else(|e| panic!("the built-in type {} does not parse: {e}", builtin.file));
        definition.builtin = true;
        types.insert(definition);
    }
    types
});

/// A built-in definition with its key list attached.
fn parse_builtin(builtin: &Builtin) -> Result<InfraType, String> {
    let mut definition: InfraType =
        serde_saphyr::from_str_with_options(builtin.text, crate::source::parse_options())
            .map_err(|e| e.to_string())?;
    let (keys_file, keys_text) = builtin.keys;
    let helm = definition.helm.as_mut().ok_or("a built-in type has a chart")?;
    if helm.keys.as_deref() != Some(keys_file) {
        return Err(format!("`helm.keys` must name the registered key list {keys_file}"));
    }
    helm.recorded_keys = Some(Arc::new(KeyList::parse(keys_text)));
    Ok(definition)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_types_parse_with_their_key_lists() {
        for builtin in BUILTIN_TYPES {
            let definition =
                parse_builtin(builtin).unwrap_or_else(|e| panic!("{}: {e}", builtin.file));
            assert_eq!(format!("{}.yaml", definition.name), builtin.file);
            let keys = definition.helm.and_then(|h| h.recorded_keys).expect("keys");
            assert!(keys.len() > 100, "{}: {} keys", builtin.file, keys.len());
        }
        let names: Vec<&str> = Types::builtin().names().collect();
        assert_eq!(names, ["kafka", "mysql", "postgres", "rabbitmq", "redis"]);
    }

    /// Every definition and key list in `crates/spec/types/` is registered:
    /// a file there that no line of `builtin_types!` embeds is a type platc
    /// does not ship.
    #[test]
    fn every_file_of_the_types_directory_is_registered() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("types");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .expect("types/ is readable")
            .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let mut registered: Vec<String> =
            BUILTIN_TYPES.iter().flat_map(|b| [b.file.to_owned(), b.keys.0.to_owned()]).collect();
        registered.sort();
        assert_eq!(files, registered);
    }

    #[test]
    fn defaults_fill_their_forms() {
        let postgres = Types::builtin().get("postgres").expect("postgres");
        assert_eq!(postgres.default_database("orders-db").as_deref(), Some("orders_db"));
        let kafka = Types::builtin().get("kafka").expect("kafka");
        assert_eq!(kafka.default_database("events"), None);
        assert_eq!(
            kafka.env_suffixes(),
            ["HOST", "PORT", "USER", "PASSWORD", "URL", "SECURITY_PROTOCOL", "SASL_MECHANISM"]
        );
        let rule = &postgres.helm.as_ref().expect("chart").service;
        assert_eq!(rule.service("orders-db", 1), "orders-db");
        assert_eq!(rule.service("orders-db", 2), "orders-db-primary");
    }
}
