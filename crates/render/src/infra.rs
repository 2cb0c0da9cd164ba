//! Infrastructure types as their definitions say
//! ([`platc_spec::model::InfraType`], built in or from the platform's
//! `types/`): everything generic is derived here from a definition — the
//! outputs of a dependency at an endpoint ([`outputs`]), the variables
//! injected into each service that uses it ([`env_vars`]), the fields
//! templates read ([`template_fields`]), the chart of its release
//! ([`chart_ref`]) and the release's values ([`ValuesTemplates::values`]: the definition's
//! values template rendered and read as YAML). Which provider an
//! environment chose and what it sets is resolve's business
//! (`resolve/dependencies.rs`).

use std::collections::BTreeMap;

use minijinja::{AutoEscape, UndefinedBehavior, Value};
use platc_spec::model::{HelmChart, InfraType, Output};
use platc_spec::names::{DependencyName, ObjectName};
use platc_spec::{Code, Diagnostic, Origin};
use serde::Serialize;

use crate::helm::{ChartRef, Recorded, Repository};
use crate::resolved::{EnvSource, EnvVar, Outputs, SecretKey};

/// The key of the password in the Secret of an external provider.
pub const PASSWORD_KEY: &str = "password";

/// The order templates list the common outputs in, before the type's own.
const TEMPLATE_ORDER: [Output; 6] =
    [Output::Host, Output::Port, Output::Username, Output::Url, Output::Password, Output::Name];

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
    /// The user, for the types that have one.
    pub username: Option<String>,
    /// Where the password is, for the types that have one.
    pub password: Option<SecretKey>,
    /// Whether connections use TLS.
    pub tls: bool,
}

/// The outputs of a dependency of type `definition` at `endpoint`.
#[must_use]
pub fn outputs(definition: &InfraType, endpoint: Endpoint) -> Outputs {
    let Endpoint { host, port, name, username, password, tls } = endpoint;
    let url = definition.url.as_ref().map(|forms| {
        let form = if tls { &forms.tls } else { &forms.plain };
        let name_text = name.as_deref().unwrap_or_default();
        fill(
            form,
            &[
                ("username", username.as_deref().unwrap_or_default()),
                ("host", &host),
                ("port", &port.to_string()),
                ("name", name_text),
                ("name_segment", &name_text.replace('%', "%25").replace('/', "%2F")),
            ],
        )
    });
    let extras = definition
        .fixed_outputs
        .iter()
        .map(|(name, fixed)| {
            (name.to_string(), if tls { fixed.tls.clone() } else { fixed.plain.clone() })
        })
        .collect();
    Outputs { host, port, name, username, password, url, extras }
}

/// The environment variables injected into a service that uses the
/// dependency `name`: the type's outputs in their order, then its own.
#[must_use]
pub fn env_vars(definition: &InfraType, name: &DependencyName, outputs: &Outputs) -> Vec<EnvVar> {
    let prefix = name.env_prefix();
    let common = definition.outputs.iter().filter_map(|output| {
        let source = match output {
            Output::Password => EnvSource::Secret(outputs.password.clone()?),
            Output::Host | Output::Port | Output::Name | Output::Username | Output::Url => {
                EnvSource::Value(value_text(*output, outputs)?)
            }
        };
        Some(EnvVar { name: format!("{prefix}_{}", output.env_suffix()), source })
    });
    let own = outputs.extras.iter().map(|(output, value)| EnvVar {
        name: format!("{prefix}_{}", output.to_ascii_uppercase()),
        source: EnvSource::Value(value.clone()),
    });
    common.chain(own).collect()
}

/// The fields templates read as `resources.<name>.<field>`: the common
/// outputs, then the type's own.
#[must_use]
pub fn template_fields(definition: &InfraType, outputs: &Outputs) -> Vec<(String, Value)> {
    let common =
        TEMPLATE_ORDER.iter().filter(|output| definition.yields(**output)).filter_map(|output| {
            let value = match output {
                Output::Port => Value::from(outputs.port),
                Output::Password => Value::from(outputs.password.as_ref()?.secret.as_str()),
                Output::Host | Output::Name | Output::Username | Output::Url => {
                    Value::from(value_text(*output, outputs)?)
                }
            };
            Some((output.template_field().to_owned(), value))
        });
    let own =
        outputs.extras.iter().map(|(name, value)| (name.clone(), Value::from(value.as_str())));
    common.chain(own).collect()
}

/// An output's value as text; the password's is not text but a Secret key.
fn value_text(output: Output, outputs: &Outputs) -> Option<String> {
    match output {
        Output::Host => Some(outputs.host.clone()),
        Output::Port => Some(outputs.port.to_string()),
        Output::Name => outputs.name.clone(),
        Output::Username => outputs.username.clone(),
        Output::Url => outputs.url.clone(),
        Output::Password => None,
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

/// The chart of a type at `version`, or at the version the type pins.
#[must_use]
pub fn chart_ref(helm: &HelmChart, version: Option<&str>) -> ChartRef {
    let chart = &helm.chart;
    ChartRef {
        repository: Repository::of(&chart.repository),
        name: chart.name.clone().into(),
        version: version.unwrap_or(&chart.version).to_owned().into(),
    }
}

/// The recorded keys values for the type's chart at `version` are checked
/// against, when the type records them.
#[must_use]
pub fn recorded_keys<'a>(helm: &'a HelmChart, version: &str) -> Option<Recorded<'a>> {
    let list = helm.recorded_keys.as_deref()?;
    Some(if version == helm.chart.version {
        Recorded::Exact(list)
    } else {
        Recorded::Pinned(&helm.chart.version, list)
    })
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

/// What a values template can read about one release.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseContext<'a> {
    /// The release (and dependency) name; the chart's `fullnameOverride`.
    pub release: &'a str,
    /// Pods of the release.
    pub replicas: u32,
    /// The volume size.
    pub storage: String,
    /// Requests and limits of the release's pods.
    pub resources: ResourcesValue,
    /// The application user, for types that have one.
    pub username: Option<&'a str>,
    /// The database, vhost, database number or bucket, for types that have one.
    pub database: Option<&'a str>,
    /// The credentials Secret, for types that have one.
    pub secret: Option<&'a str>,
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

/// The variables a values template can read.
const VALUES_VARIABLES: [&str; 7] =
    ["release", "replicas", "storage", "resources", "username", "database", "secret"];

/// The values templates of the types one environment installs, each
/// compiled and checked once, however many releases use it.
pub struct ValuesTemplates<'a> {
    jinja: minijinja::Environment<'a>,
    /// The types whose template does not compile or reads an unknown
    /// variable, with why: every release of the type is refused alike.
    refused: BTreeMap<&'a str, Diagnostic>,
}

impl Default for ValuesTemplates<'_> {
    fn default() -> Self {
        let mut jinja = minijinja::Environment::new();
        jinja.set_undefined_behavior(UndefinedBehavior::Strict);
        jinja.set_auto_escape_callback(|_| AutoEscape::Json);
        if let Ok(syntax) =
            minijinja::syntax::SyntaxConfig::builder().trim_blocks(true).lstrip_blocks(true).build()
        {
            jinja.set_syntax(syntax);
        }
        Self { jinja, refused: BTreeMap::new() }
    }
}

impl<'a> ValuesTemplates<'a> {
    /// The chart values of one release of `definition`: its values template
    /// rendered with `release` and read as YAML. Every `{{ ... }}` writes
    /// JSON, so values keep their types and no string can break the YAML; a
    /// block tag on its own line leaves no line behind. The result must be a
    /// mapping.
    pub fn values(
        &mut self,
        definition: &'a InfraType,
        chart: &'a HelmChart,
        release: &ReleaseContext<'_>,
    ) -> Result<serde_json::Value, Diagnostic> {
        let located = |diagnostic: Diagnostic| {
            diagnostic.at(Origin::Type(definition.name.clone()), "/helm/values")
        };
        let name = definition.name.as_str();
        if let Some(refused) = self.refused.get(name) {
            return Err(refused.clone());
        }
        if self.jinja.get_template(name).is_err() {
            let compiled = self
                .jinja
                .add_template(name, &chart.values)
                .and_then(|()| self.jinja.get_template(name))
                .map_err(|e| template_error(definition, &e))
                .and_then(|template| check_variables(definition, &template));
            if let Err(diagnostic) = compiled {
                let diagnostic = located(diagnostic);
                self.refused.insert(name, diagnostic.clone());
                return Err(diagnostic);
            }
        }
        let template =
            self.jinja.get_template(name).map_err(|e| located(template_error(definition, &e)))?;
        render_values(definition, &template, release).map_err(located)
    }
}

/// A values template reads only the variables a release gives it.
fn check_variables(
    definition: &InfraType,
    template: &minijinja::Template<'_, '_>,
) -> Result<(), Diagnostic> {
    for variable in template.undeclared_variables(false) {
        if !VALUES_VARIABLES.contains(&variable.as_str()) {
            let help = match platc_spec::diagnostic::suggest(&variable, VALUES_VARIABLES) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!(
                    "values templates can read {}",
                    VALUES_VARIABLES.map(|v| format!("`{v}`")).join(", ")
                ),
            };
            return Err(Diagnostic::error(
                Code::RenderTemplate,
                format!(
                    "unknown variable `{variable}` in the values template of `{}`",
                    definition.name
                ),
            )
            .with_help(help));
        }
    }
    Ok(())
}

/// One release's values from its type's compiled template.
fn render_values(
    definition: &InfraType,
    template: &minijinja::Template<'_, '_>,
    release: &ReleaseContext<'_>,
) -> Result<serde_json::Value, Diagnostic> {
    let context = Value::from_pairs([
        ("release", Value::from(release.release)),
        ("replicas", Value::from(release.replicas)),
        ("storage", Value::from(release.storage.as_str())),
        ("resources", resources(&release.resources)),
        ("username", Value::from(release.username)),
        ("database", Value::from(release.database)),
        ("secret", Value::from(release.secret)),
    ]);
    let text = template.render(context).map_err(|e| template_error(definition, &e))?;
    let options = serde_saphyr::options! { strict_booleans: true };
    let values: serde_json::Value =
        serde_saphyr::from_str_with_options(&text, options).map_err(|e| {
            Diagnostic::error(
                Code::RenderTemplate,
                format!(
                    "the values template of `{}` does not give YAML: {}",
                    definition.name,
                    e.without_snippet()
                ),
            )
            .with_help("the template's text must be YAML once rendered; `{{ ... }}` writes JSON values, which YAML reads")
        })?;
    let found = match values {
        serde_json::Value::Object(_) => return Ok(values),
        serde_json::Value::Null => "nothing",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Bool(_)
        | serde_json::Value::Number(_)
        | serde_json::Value::String(_) => "a single value",
    };
    Err(Diagnostic::error(
        Code::RenderTemplate,
        format!(
            "the values template of `{}` gives {found}, not a mapping of chart values",
            definition.name
        ),
    )
    .with_help("write the chart's values as `key: value` lines: `fullnameOverride: {{ release }}`"))
}

/// The keys of `values`, written by the values template of `definition`,
/// that the chart at its pinned version does not have: each an error in the
/// type file, with the closest key the chart has.
#[must_use]
pub fn unknown_written_keys(
    definition: &InfraType,
    chart: &HelmChart,
    values: &serde_json::Value,
) -> Vec<Diagnostic> {
    let Some(list) = chart.recorded_keys.as_deref() else { return Vec::new() };
    platc_spec::chart_keys::paths(values)
        .iter()
        .filter(|path| !list.allows(path))
        .map(|path| {
            let key = platc_spec::chart_keys::dotted(path);
            let help = match list.closest(path) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!(
                    "see the chart's values.yaml at version {}; the type's `helm.keys` lists every key",
                    chart.chart.version
                ),
            };
            Diagnostic::error(
                Code::RenderUnknownChartValue,
                format!(
                    "the values template of `{}` writes `{key}`, which is not a value of the {} chart {}",
                    definition.name, chart.chart.name, chart.chart.version
                ),
            )
            .at(Origin::Type(definition.name.clone()), "/helm/values")
            .with_help(help)
        })
        .collect()
}

/// Requests and limits as a template value, in the order charts document
/// them (requests first).
fn resources(resources: &ResourcesValue) -> Value {
    let amounts = |amounts: &Amounts| {
        Value::from_pairs([
            ("cpu", Value::from(amounts.cpu.as_str())),
            ("memory", Value::from(amounts.memory.as_str())),
        ])
    };
    Value::from_pairs([
        ("requests", amounts(&resources.requests)),
        ("limits", amounts(&resources.limits)),
    ])
}

fn template_error(definition: &InfraType, error: &minijinja::Error) -> Diagnostic {
    let detail = error.detail().map_or_else(|| error.kind().to_string(), ToOwned::to_owned);
    let line =
        error.line().map(|line| format!(" (line {line} of the template)")).unwrap_or_default();
    Diagnostic::error(
        Code::RenderTemplate,
        format!("the values template of `{}` fails: {detail}{line}", definition.name),
    )
    .with_help("values templates use minijinja syntax: `{{ release }}`, `{% if replicas > 1 %}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_fill_each_placeholder_once() {
        let filled =
            fill("{scheme}://{username}@{host}/", &[("username", "{host}"), ("host", "db")]);
        assert_eq!(filled, "{scheme}://{host}@db/");
    }
}
