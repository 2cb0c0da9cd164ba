//! Plaintext secrets in settled values: every string that reaches output
//! (environment variables, config files, commands and arguments with their
//! templates rendered, the Helm values of every release) is checked by
//! [`crate::plaintext`], and a value that looks like a secret is an error at
//! the model value that produced it. A development environment keeps its
//! literal values with a warning each. A service or an override may allow a
//! value explicitly, with a reason, under `allowPlaintext`; an entry there
//! that allows nothing is a warning.

use indexmap::IndexMap;
use platc_spec::Code;
use platc_spec::model::{Environment, Service};
use platc_spec::source::pointer_join;
use platc_spec::{Diagnostic, Origin};
use serde_json::Value;

use crate::plaintext::{self, Cause};

/// What the checks of one service found: errors stop the render, warnings
/// go with it.
#[derive(Debug, Default)]
pub(super) struct Findings {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

/// One `allowPlaintext` entry: the key it allows, where it is written, and
/// whether a value needed it.
struct OptOut<'a> {
    key: &'a str,
    origin: Origin,
    pointer: String,
    used: bool,
}

/// The checks of one service in one environment, with its opt-outs.
pub(super) struct Guard<'a> {
    environment: &'a Environment,
    opt_outs: Vec<OptOut<'a>>,
    pub findings: Findings,
}

/// Where a checked value comes from.
pub(super) struct Place<'p> {
    /// The `allowPlaintext` key that may allow it: a variable's name or a
    /// file's path.
    pub key: &'p str,
    /// How the value is named in messages (`env.DB_PASSWORD`).
    pub what: String,
    /// The file and JSON pointer of the model value that produced it.
    pub origin: Origin,
    pub pointer: String,
}

impl<'a> Guard<'a> {
    pub fn new(environment: &'a Environment, service: &'a Service) -> Self {
        let service_origin = Origin::Service(service.name.clone());
        let mut opt_outs: Vec<OptOut<'a>> = service
            .allow_plaintext
            .keys()
            .map(|key| OptOut {
                key,
                origin: service_origin.clone(),
                pointer: pointer_join("/allowPlaintext", key),
                used: false,
            })
            .collect();
        if let Some(overrides) = environment.overrides.get(&service.name) {
            let base = pointer_join("/overrides", service.name.as_str());
            opt_outs.extend(overrides.allow_plaintext.keys().map(|key| OptOut {
                key,
                origin: Origin::Environment(environment.name.clone()),
                pointer: pointer_join(&format!("{base}/allowPlaintext"), key),
                used: false,
            }));
        }
        Self { environment, opt_outs, findings: Findings::default() }
    }

    /// Checks the environment variable `name`, written as `raw` and
    /// rendered as `value`.
    pub fn variable(&mut self, name: &str, raw: &str, value: &str, origin: &Origin, pointer: &str) {
        if plaintext::template_reference(raw) {
            return;
        }
        if let Some(cause) = plaintext::scan(name, value) {
            let place = Place {
                key: name,
                what: format!("`{name}`"),
                origin: origin.clone(),
                pointer: pointer.to_owned(),
            };
            self.found(cause, &place, None);
        }
    }

    /// Checks a text of many lines: a config file's content or an argument.
    pub fn text(&mut self, value: &str, place: &Place<'_>) {
        if let Some((cause, line)) = plaintext::scan_text(value) {
            self.found(cause, place, Some(line));
        }
    }

    fn found(&mut self, cause: Cause, place: &Place<'_>, line: Option<usize>) {
        if let Some(opt_out) = self.opt_outs.iter_mut().find(|o| o.key == place.key) {
            opt_out.used = true;
            return;
        }
        let at_line = line.filter(|&l| l > 1).map(|l| format!(" (line {l})")).unwrap_or_default();
        let environment = &self.environment.name;
        let allow = format!(
            "if it is not a secret, say why under `allowPlaintext` (`{}: \"<reason>\"`)",
            yaml_key(place.key)
        );
        let diagnostic = if self.environment.development {
            Diagnostic::warning(
                Code::RenderPlaintextInDevelopment,
                format!(
                    "{}{at_line} holds {} in plaintext; allowed in `{environment}`, a development environment, and refused in any other",
                    place.what,
                    cause.describe(),
                ),
            )
            .with_help(format!("keep it in a `developmentSecrets` Secret and reference it with `secrets:`, or {allow}"))
        } else {
            Diagnostic::error(
                Code::RenderPlaintextSecret,
                format!(
                    "{}{at_line} would be written in plaintext in `{environment}`: it is {}",
                    place.what,
                    cause.describe(),
                ),
            )
            .with_help(format!(
                "use `secrets:` with a reference (`{}: {{secret: <name>, key: <key>}}`) and keep the value in the environment's secret store; {allow}",
                yaml_key(place.key)
            ))
        };
        let diagnostic = diagnostic.at(place.origin.clone(), place.pointer.clone());
        if diagnostic.is_error() {
            self.findings.errors.push(diagnostic);
        } else {
            self.findings.warnings.push(diagnostic);
        }
    }

    /// The findings, with a warning for every opt-out nothing needed.
    pub fn finish(mut self) -> Findings {
        let environment = &self.environment.name;
        for opt_out in self.opt_outs.iter().filter(|o| !o.used) {
            self.findings.warnings.push(
                Diagnostic::warning(
                    Code::RenderUnusedOptOut,
                    format!(
                        "`allowPlaintext` allows `{}`, but no value under it looks like a secret in `{environment}`",
                        opt_out.key
                    ),
                )
                .at(opt_out.origin.clone(), opt_out.pointer.clone())
                .on_key()
                .with_help("remove the entry: an opt-out that allows nothing hides the next real secret"),
            );
        }
        self.findings
    }
}

/// A key as it is written in YAML: quoted when it is a path.
fn yaml_key(key: &str) -> String {
    if key.contains('/') { format!("\"{key}\"") } else { key.to_owned() }
}

/// Checks the values of the release `release`: `user` are the values the
/// environment adds at `base` (its `values` field), where a finding in them
/// is reported; anything else is reported at `base`'s parent, the provider.
pub(super) fn release_values(
    environment: &Environment,
    release: &str,
    values: &Value,
    user: &IndexMap<String, Value>,
    base: &str,
    out: &mut Findings,
) {
    let mut path = Vec::new();
    walk(values, None, &mut path, &mut |path, key, text| {
        let cause = match key {
            Some(key) => plaintext::scan(key, text),
            None => plaintext::shape(text),
        }
        .or_else(|| plaintext::scan_text(text).map(|(cause, _)| cause));
        let Some(cause) = cause else { return };
        let pointer: String =
            path.iter().fold(String::new(), |pointer, token| pointer_join(&pointer, token));
        let dotted = path.join(".");
        let in_user = path.split_first().is_some_and(|(first, rest)| {
            user.get(first.as_str())
                .is_some_and(|v| rest.iter().try_fold(v, |v, t| step(v, t)).is_some())
        });
        let at = if in_user {
            format!("{base}{pointer}")
        } else {
            base.rsplit_once('/').map_or_else(String::new, |(parent, _)| parent.to_owned())
        };
        let origin = Origin::Environment(environment.name.clone());
        let name = &environment.name;
        let diagnostic = if environment.development {
            Diagnostic::warning(
                Code::RenderPlaintextInDevelopment,
                format!(
                    "`{dotted}` in the values of the release `{release}` holds {} in plaintext; allowed in `{name}`, a development environment, and refused in any other",
                    cause.describe()
                ),
            )
        } else {
            Diagnostic::error(
                Code::RenderPlaintextSecret,
                format!(
                    "`{dotted}` in the values of the release `{release}` would be written in plaintext in `{name}`: it is {}",
                    cause.describe()
                ),
            )
        }
        .at(origin, at)
        .with_help(
            "keep the value in a Secret and point the chart at it with its existingSecret-style key (`auth.existingSecret` and the `*PasswordKey` beside it, as platc does for the credentials it manages)",
        );
        if diagnostic.is_error() {
            out.errors.push(diagnostic);
        } else {
            out.warnings.push(diagnostic);
        }
    });
}

/// One step down a JSON value by a pointer token.
fn step<'v>(value: &'v Value, token: &str) -> Option<&'v Value> {
    match value {
        Value::Object(map) => map.get(token),
        Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    }
}

/// Calls `visit` with the path, the nearest map key and the text of every
/// string in `value`.
fn walk<'v>(
    value: &'v Value,
    key: Option<&'v str>,
    path: &mut Vec<String>,
    visit: &mut impl FnMut(&[String], Option<&str>, &str),
) {
    match value {
        Value::String(text) => visit(path, key, text),
        Value::Object(map) => {
            for (k, v) in map {
                path.push(k.clone());
                walk(v, Some(k), path, visit);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(i.to_string());
                walk(v, key, path, visit);
                path.pop();
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Checks the strings the patch at `index` of `environment` sets, each under
/// its key; the `value` of a `{name, value}` pair (an environment variable)
/// under its `name`.
pub(super) fn patch_values(
    environment: &Environment,
    index: usize,
    merge: &serde_json::Map<String, Value>,
    out: &mut Findings,
) {
    let base = format!("/patches/{index}/merge");
    let mut path = Vec::new();
    let mut visit = |path: &[String], key: Option<&str>, text: &str| {
        let cause = match key {
            Some(key) => plaintext::scan(key, text),
            None => plaintext::shape(text),
        }
        .or_else(|| plaintext::scan_text(text).map(|(cause, _)| cause));
        let Some(cause) = cause else { return };
        let pointer =
            path.iter().fold(base.clone(), |pointer, token| pointer_join(&pointer, token));
        let dotted = path.join(".");
        let name = &environment.name;
        let diagnostic = if environment.development {
            Diagnostic::warning(
                Code::RenderPlaintextInDevelopment,
                format!(
                    "`{dotted}` in patch {index} holds {} in plaintext; allowed in `{name}`, a development environment, and refused in any other",
                    cause.describe()
                ),
            )
        } else {
            Diagnostic::error(
                Code::RenderPlaintextSecret,
                format!(
                    "`{dotted}` in patch {index} would be written in plaintext in `{name}`: it is {}",
                    cause.describe()
                ),
            )
        }
        .at(Origin::Environment(environment.name.clone()), pointer)
        .with_help(
            "a patch sets no secret values: reference a Secret (`valueFrom.secretKeyRef`, or the service's `secrets:`) and keep the value in the environment's secret store",
        );
        if diagnostic.is_error() {
            out.errors.push(diagnostic);
        } else {
            out.warnings.push(diagnostic);
        }
    };
    for (key, value) in merge {
        path.push(key.clone());
        walk_named(value, Some(key), &mut path, &mut visit);
        path.pop();
    }
}

/// [`walk`], but the `value` of an object that also has a string `name`
/// (an environment variable, a header) is visited under that name.
fn walk_named<'v>(
    value: &'v Value,
    key: Option<&'v str>,
    path: &mut Vec<String>,
    visit: &mut impl FnMut(&[String], Option<&str>, &str),
) {
    match value {
        Value::Object(map) => {
            let named = map.get("name").and_then(Value::as_str);
            for (k, v) in map {
                path.push(k.clone());
                let key = match (k.as_str(), named) {
                    ("value", Some(name)) => Some(name),
                    _ => Some(k.as_str()),
                };
                walk_named(v, key, path, visit);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(i.to_string());
                walk_named(v, key, path, visit);
                path.pop();
            }
        }
        _ => walk(value, key, path, visit),
    }
}
