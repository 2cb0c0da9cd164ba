//! Infrastructure types: what platc knows about Postgres, MySQL, Redis,
//! RabbitMQ and Kafka, one [`InfraType`] per type in its own file
//! (`infra/<type>.rs`); the modules and [`descriptor`] are generated from the
//! model's type table, so the compiler finds a type without a descriptor.
//!
//! A descriptor is data: the type's name, port, the outputs it yields, how
//! it names its database and user, its URL form and its chart. The one
//! field shaped as code is [`Chart::values`], the chart values writer.
//! Everything generic is derived from the descriptor here: the environment
//! variables injected into a service that uses a dependency
//! ([`InfraType::env_vars`]), the fields templates read
//! ([`InfraType::template_fields`]) and the URL ([`InfraType::outputs`]).
//! Which provider an environment chose and what it sets is resolve's
//! business (`resolve/dependencies.rs`); nothing here reads the model.

use minijinja::Value;
use platc_spec::model::DependencyType;
use platc_spec::names::{DependencyName, ObjectName};
use serde::Serialize;

use crate::helm::ChartRef;
use crate::resolved::{EnvSource, EnvVar, Outputs, SecretKey};

/// The key of the password in the Secret of an external provider.
pub const PASSWORD_KEY: &str = "password";

/// What platc knows about one infrastructure type.
#[derive(Debug)]
pub struct InfraType {
    /// The type's name in service files (`uses: {db: postgres}`).
    pub name: &'static str,
    /// The port clients connect to unless a provider says otherwise.
    pub default_port: u16,
    /// The outputs every provider of the type yields, in the order their
    /// environment variables are injected.
    pub outputs: &'static [Output],
    /// The database, vhost or database number unless a provider names one.
    pub database: DefaultDatabase,
    /// The user clients connect as unless a provider names one.
    pub default_username: &'static str,
    /// The connection URL.
    pub url: UrlForm,
    /// The chart that runs the type in the cluster.
    pub chart: Chart,
}

/// One output of a dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The host name: `<NAME>_HOST`, `resources.<name>.host`.
    Host,
    /// The port: `<NAME>_PORT`, `resources.<name>.port`.
    Port,
    /// The database, vhost or database number: `<NAME>_NAME`, `resources.<name>.name`.
    Name,
    /// The user: `<NAME>_USER`, `resources.<name>.username`.
    Username,
    /// The password, from a Secret: `<NAME>_PASSWORD`; templates read the
    /// Secret's name as `resources.<name>.password_secret`, never the value.
    Password,
    /// The connection URL without the password: `<NAME>_URL`, `resources.<name>.url`.
    Url,
    /// A value of the type's own, which depends only on TLS.
    Fixed(Fixed),
}

/// A type's own output: Kafka's security protocol and SASL mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fixed {
    /// The output's name in templates (`security_protocol`); its variable
    /// suffix is the name in capitals (`SECURITY_PROTOCOL`).
    pub name: &'static str,
    /// The value without TLS.
    pub plain: &'static str,
    /// The value with TLS.
    pub tls: &'static str,
}

/// The order templates list the common outputs in, before the type's own.
const TEMPLATE_ORDER: [Output; 6] =
    [Output::Host, Output::Port, Output::Username, Output::Url, Output::Password, Output::Name];

impl Output {
    /// The suffix of its environment variable.
    #[must_use]
    pub fn env_suffix(self) -> String {
        match self {
            Self::Host => "HOST".to_owned(),
            Self::Port => "PORT".to_owned(),
            Self::Name => "NAME".to_owned(),
            Self::Username => "USER".to_owned(),
            Self::Password => "PASSWORD".to_owned(),
            Self::Url => "URL".to_owned(),
            Self::Fixed(fixed) => fixed.name.to_ascii_uppercase(),
        }
    }

    /// Its field under `resources.<name>` in templates.
    #[must_use]
    pub fn template_field(self) -> &'static str {
        match self {
            Self::Host => "host",
            Self::Port => "port",
            Self::Name => "name",
            Self::Username => "username",
            Self::Password => "password_secret",
            Self::Url => "url",
            Self::Fixed(fixed) => fixed.name,
        }
    }
}

/// How a type names its database unless a provider does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultDatabase {
    /// The dependency's name with `_` for `-` (`orders-db` → `orders_db`).
    DependencyName,
    /// Always this value (Redis' database `0`, RabbitMQ's vhost `/`).
    Value(&'static str),
    /// The type has no database (Kafka), and yields no [`Output::Name`].
    None,
}

/// A connection URL as a template: `{username}`, `{host}`, `{port}` and
/// `{name}` stand for the outputs, `{name_segment}` for the name escaped as
/// one URL path segment (`/` → `%2F`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlForm {
    /// The URL without TLS.
    pub plain: &'static str,
    /// The URL with TLS.
    pub tls: &'static str,
}

/// What platc knows about the chart of one infrastructure type.
#[derive(Debug)]
pub struct Chart {
    /// Repository, chart and pinned version.
    pub chart: ChartRef,
    /// The key of the application user's password in the credentials Secret.
    pub password_key: &'static str,
    /// The keys the credentials Secret must hold for the chart.
    pub secret_keys: &'static [&'static str],
    /// CPU and memory requested per pod unless the provider sets resources:
    /// enough for the software to start and serve a development load.
    pub default_requests: Requests,
    /// The Service clients connect to.
    pub service: ServiceRule,
    /// The chart values for one release: the one field that is code.
    pub values: fn(&ReleaseContext<'_>) -> Result<serde_json::Value, serde_json::Error>,
}

/// Default CPU and memory requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requests {
    /// CPU.
    pub cpu: &'static str,
    /// Memory.
    pub memory: &'static str,
}

/// The name of the Service a chart gives clients, `{name}` standing for the
/// release's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceRule {
    /// With one pod.
    pub standalone: &'static str,
    /// With more than one pod.
    pub replicated: &'static str,
}

impl ServiceRule {
    /// The Service of the release `name` with `replicas` pods.
    #[must_use]
    pub fn service(&self, name: &str, replicas: u32) -> String {
        let rule = if replicas > 1 { self.replicated } else { self.standalone };
        rule.replace("{name}", name)
    }
}

/// Everything a chart values writer needs to write a release's values.
#[derive(Debug, Clone)]
pub struct ReleaseContext<'a> {
    /// The release (and dependency) name; also the chart's `fullnameOverride`.
    pub name: &'a str,
    /// Pods of the release.
    pub replicas: u32,
    /// The volume size.
    pub storage: String,
    /// Requests and limits of the release's pods.
    pub resources: ResourcesValue,
    /// The application user.
    pub username: &'a str,
    /// The database, vhost or database number.
    pub database: Option<&'a str>,
    /// The credentials Secret.
    pub secret: &'a str,
}

/// Requests and limits in the shape every chart's `resources` key takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourcesValue {
    /// Requests.
    pub requests: Amounts,
    /// Limits.
    pub limits: Amounts,
}

/// CPU and memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Amounts {
    /// CPU.
    pub cpu: String,
    /// Memory.
    pub memory: String,
}

/// Generates, from the model's [`platc_spec::dependency_type_table`], one
/// module per type (`infra/<type>.rs`, holding its `TYPE` descriptor) and
/// [`descriptor`], which maps each type to it.
macro_rules! type_modules {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $name:ident, provides $what:literal, injects [$($suffix:literal),+];
    )+) => {
        $(pub mod $name;)+

        /// The descriptor of each infrastructure type the model names.
        #[must_use]
        pub fn descriptor(kind: DependencyType) -> &'static InfraType {
            match kind {
                $(DependencyType::$variant => &$name::TYPE,)+
            }
        }
    };
}

platc_spec::dependency_type_table!(type_modules);

/// Where a provider says a dependency is, before the type adds its URL and
/// its own outputs.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The host name.
    pub host: String,
    /// The port.
    pub port: u16,
    /// The database, for the types that have one.
    pub name: Option<String>,
    /// The user.
    pub username: String,
    /// Where the password is.
    pub password: SecretKey,
    /// Whether connections use TLS.
    pub tls: bool,
}

impl InfraType {
    /// Whether the type yields `output`.
    #[must_use]
    pub fn yields(&self, output: Output) -> bool {
        self.outputs.contains(&output)
    }

    /// The database of the dependency `name`: the one a provider gives, else
    /// the type's default; none for a type without databases.
    #[must_use]
    pub fn database(&self, name: &DependencyName, given: Option<&str>) -> Option<String> {
        let default = match self.database {
            DefaultDatabase::DependencyName => name.as_str().replace('-', "_"),
            DefaultDatabase::Value(value) => value.to_owned(),
            DefaultDatabase::None => return None,
        };
        Some(given.map_or(default, ToOwned::to_owned))
    }

    /// The chart at `version`, or at the version platc pins.
    #[must_use]
    pub fn chart_ref(&self, version: Option<&str>) -> ChartRef {
        let mut chart = self.chart.chart.clone();
        if let Some(version) = version {
            chart.version = version.to_owned().into();
        }
        chart
    }

    /// The outputs of a dependency at `endpoint`.
    #[must_use]
    pub fn outputs(&self, endpoint: Endpoint) -> Outputs {
        let Endpoint { host, port, name, username, password, tls } = endpoint;
        let form = if tls { self.url.tls } else { self.url.plain };
        let name_text = name.as_deref().unwrap_or_default();
        let url = fill(
            form,
            &[
                ("username", &username),
                ("host", &host),
                ("port", &port.to_string()),
                ("name", name_text),
                ("name_segment", &name_text.replace('%', "%25").replace('/', "%2F")),
            ],
        );
        let extras = self
            .outputs
            .iter()
            .filter_map(|output| match output {
                Output::Fixed(fixed) => {
                    Some((fixed.name, if tls { fixed.tls } else { fixed.plain }.to_owned()))
                }
                _ => None,
            })
            .collect();
        Outputs { host, port, name, username, password, url, extras }
    }

    /// The environment variables injected into a service that uses the
    /// dependency `name`, in the order of [`InfraType::outputs`].
    #[must_use]
    pub fn env_vars(&self, name: &DependencyName, outputs: &Outputs) -> Vec<EnvVar> {
        let prefix = name.env_prefix();
        self.outputs
            .iter()
            .filter_map(|output| {
                let source = match output {
                    Output::Password => EnvSource::Secret(outputs.password.clone()),
                    _ => EnvSource::Value(value_text(*output, outputs)?),
                };
                Some(EnvVar { name: format!("{prefix}_{}", output.env_suffix()), source })
            })
            .collect()
    }

    /// The fields templates read as `resources.<name>.<field>`: the common
    /// outputs, then the type's own.
    #[must_use]
    pub fn template_fields(&self, outputs: &Outputs) -> Vec<(&'static str, Value)> {
        let common = TEMPLATE_ORDER.iter().filter(|output| self.yields(**output));
        let own = self.outputs.iter().filter(|output| matches!(output, Output::Fixed(_)));
        common
            .chain(own)
            .filter_map(|output| {
                let value = match output {
                    Output::Port => Value::from(outputs.port),
                    Output::Password => Value::from(outputs.password.secret.as_str()),
                    _ => Value::from(value_text(*output, outputs)?),
                };
                Some((output.template_field(), value))
            })
            .collect()
    }
}

/// An output's value as text; the password's is not text but a Secret key.
fn value_text(output: Output, outputs: &Outputs) -> Option<String> {
    match output {
        Output::Host => Some(outputs.host.clone()),
        Output::Port => Some(outputs.port.to_string()),
        Output::Name => outputs.name.clone(),
        Output::Username => Some(outputs.username.clone()),
        Output::Url => Some(outputs.url.clone()),
        Output::Password => None,
        Output::Fixed(fixed) => {
            outputs.extras.iter().find(|(name, _)| *name == fixed.name).map(|(_, v)| v.clone())
        }
    }
}

/// `form` with each `{key}` replaced by its value, in one pass, so a value
/// that looks like a placeholder stays as it is; unknown keys stay as written.
fn fill(form: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(form.len() + 64);
    let mut rest = form;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let known = after.find('}').and_then(|end| {
            let key = &after[..end];
            values.iter().find(|(k, _)| *k == key).map(|(_, value)| (*value, end))
        });
        if let Some((value, end)) = known {
            out.push_str(value);
            rest = &after[end + 1..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The credentials Secret of a dependency unless its provider names one.
///
/// # Panics
///
/// Never: a dependency name has at most 40 characters, so the name with its
/// suffix is always a valid object name.
#[must_use]
pub fn credentials_secret(name: &DependencyName) -> ObjectName {
    ObjectName::new(format!("{name}-credentials"))
        .expect("a dependency name with a suffix is a valid object name")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_is_registered_under_its_name() {
        for kind in DependencyType::ALL {
            assert_eq!(descriptor(kind).name, kind.as_str());
        }
    }

    /// Validation checks at load time that no service sets an injected
    /// variable itself; it must know the same variables the descriptors inject.
    #[test]
    fn descriptors_inject_the_variables_validation_knows() {
        for kind in DependencyType::ALL {
            let suffixes: Vec<String> =
                descriptor(kind).outputs.iter().map(|o| o.env_suffix()).collect();
            assert_eq!(suffixes, kind.env_suffixes(), "{}", kind.as_str());
        }
    }

    #[test]
    fn urls_fill_each_placeholder_once() {
        let filled =
            fill("{scheme}://{username}@{host}/", &[("username", "{host}"), ("host", "db")]);
        assert_eq!(filled, "{scheme}://{host}@db/");
    }

    #[test]
    fn descriptors_are_consistent() {
        let known = ["{username}", "{host}", "{port}", "{name}", "{name_segment}"];
        for kind in DependencyType::ALL {
            let ty = descriptor(kind);
            assert_eq!(
                ty.yields(Output::Name),
                ty.database != DefaultDatabase::None,
                "{}: a name output needs a database rule",
                ty.name
            );
            for form in [ty.url.plain, ty.url.tls] {
                let stripped = known.iter().fold(form.to_owned(), |f, p| f.replace(p, ""));
                assert!(
                    !stripped.contains(['{', '}']),
                    "{}: unknown placeholder in {form}",
                    ty.name
                );
            }
            for rule in [ty.chart.service.standalone, ty.chart.service.replicated] {
                assert!(rule.contains("{name}"), "{}: {rule}", ty.name);
            }
            assert!(ty.chart.secret_keys.contains(&ty.chart.password_key), "{}", ty.name);
        }
    }
}
