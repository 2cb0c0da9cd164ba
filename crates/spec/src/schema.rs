//! The JSON Schema of service, environment and platform files, generated from
//! the model types, and validation of documents against it.
//!
//! The schema is the first gate of loading: it reports every problem of a file
//! at once (unknown keys with suggestions, wrong types, bad names), each with a
//! JSON pointer that the caller turns into a line and column. Editors use the
//! same schema through yaml-language-server.

use std::sync::LazyLock;

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

use crate::code::Code;
use crate::diagnostic::{Diagnostic, suggest};
use crate::model::{Environment, InfraType, PlatformSettings, Service, Types};
use crate::names::{self, NameKind};
use crate::position::pointer_join;
use crate::quantity::Quantity;

/// Where the published schemas are served: `schema/` of platc's repository,
/// at its main branch.
pub const SCHEMA_BASE_URL: &str = "https://raw.githubusercontent.com/platc/platc/main/schema/";

/// The kinds of model files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// `services/<name>.yaml`.
    Service,
    /// `environments/<name>.yaml`.
    Environment,
    /// `platform.yaml`.
    Platform,
    /// `types/<name>.yaml`.
    Type,
}

impl FileKind {
    /// Every file kind, in the order their schemas are published.
    pub const ALL: [Self; 4] = [Self::Service, Self::Environment, Self::Platform, Self::Type];

    /// `service`, `environment`, `platform` or `type`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Service => "service",
            Self::Environment => "environment",
            Self::Platform => "platform",
            Self::Type => "type",
        }
    }

    /// The file name the schema is published under (`service.schema.json`).
    #[must_use]
    pub fn schema_file_name(self) -> String {
        format!("{}.schema.json", self.as_str())
    }

    /// The schema's `$id`: where the published file is served, the raw file of
    /// `schema/` in platc's repository. yaml-language-server resolves a
    /// schema's references against its `$id`, and mishandles ids that do not
    /// end in the schema's own file name; a real URL ending in it resolves
    /// to the same document wherever an editor loaded the schema from.
    #[must_use]
    pub fn schema_id(self) -> String {
        format!("{SCHEMA_BASE_URL}{}", self.schema_file_name())
    }
}

/// The JSON Schema (draft-07, the dialect editors support best) of one kind
/// of file, as published for editors.
///
/// It is the [`document_schema`], except that an environment file that
/// extends another (or is abstract) only holds what differs: for such a file
/// editors check the names of its top-level keys and its own keys
/// (`name`, `extends`, ...), and platc checks the rest once the file is
/// merged with what it extends.
#[must_use]
pub fn json_schema(kind: FileKind) -> Value {
    let mut value = document_schema(kind);
    if kind == FileKind::Environment {
        layered(&mut value);
    }
    value
}

/// The JSON Schema of a whole document of one kind: every file that extends
/// nothing, and every environment once merged with what it extends. platc
/// validates against it; the field reference is generated from it.
#[must_use]
pub fn document_schema(kind: FileKind) -> Value {
    let generator = SchemaSettings::draft07().into_generator();
    let schema = match kind {
        FileKind::Service => generator.into_root_schema_for::<Service>(),
        FileKind::Environment => generator.into_root_schema_for::<Environment>(),
        FileKind::Platform => generator.into_root_schema_for::<PlatformSettings>(),
        FileKind::Type => generator.into_root_schema_for::<InfraType>(),
    };
    let mut value = schema.to_value();
    crate::kubernetes::refine(&mut value);
    forbid_null(&mut value);
    suggest_builtin_types(&mut value);
    if let Some(root) = value.as_object_mut() {
        // First, where editors and readers look for it.
        let mut with_id = serde_json::Map::new();
        with_id.insert("$id".to_owned(), Value::String(kind.schema_id()));
        with_id.extend(std::mem::take(root));
        *root = with_id;
    }
    value
}

/// Offers the built-in type names wherever a value is a type name
/// (`uses: {db: postgres}`), so editors complete them; other names stay
/// valid, for the platform's own types.
fn suggest_builtin_types(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let id = NameKind::InfraType.id();
            if map.get(names::FORMAT_KEYWORD).and_then(Value::as_str) == Some(id) {
                let builtin: Vec<Value> = Types::builtin().names().map(Value::from).collect();
                map.insert("examples".to_owned(), Value::Array(builtin));
            }
            map.values_mut().for_each(suggest_builtin_types);
        }
        Value::Array(items) => items.iter_mut().for_each(suggest_builtin_types),
        _ => {}
    }
}

/// Moves the rules of a whole environment into an `else` branch, taken by
/// files that neither extend another nor are abstract; the `then` branch
/// allows any value under the known top-level keys but keeps the rules of
/// the file's own keys.
fn layered(schema: &mut Value) {
    let Some(root) = schema.as_object_mut() else { return };
    let properties = root.remove("properties").unwrap_or_else(|| Value::Object(Map::new()));
    let required = root.remove("required").unwrap_or_else(|| Value::Array(Vec::new()));
    let additional = root.remove("additionalProperties").unwrap_or(Value::Bool(false));
    let loose: Map<String, Value> = properties
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, property)| {
            let rule = if Environment::OWN_KEYS.contains(&name.as_str()) {
                property.clone()
            } else {
                let mut description = Map::new();
                if let Some(text) = property.get("description") {
                    description.insert("description".to_owned(), text.clone());
                }
                Value::Object(description)
            };
            (name.clone(), rule)
        })
        .collect();
    root.insert("required".to_owned(), serde_json::json!(["name"]));
    root.insert(
        "if".to_owned(),
        serde_json::json!({"anyOf": [
            {"required": ["extends"]},
            {"required": ["abstract"], "properties": {"abstract": {"const": true}}},
        ]}),
    );
    root.insert(
        "then".to_owned(),
        serde_json::json!({"properties": loose, "additionalProperties": additional}),
    );
    root.insert(
        "else".to_owned(),
        serde_json::json!({
            "properties": properties,
            "required": required,
            "additionalProperties": additional,
        }),
    );
}

/// Gives the tag property of each tagged-union branch a description, as
/// every other field has.
fn describe_tags(branches: &mut [Value]) {
    for branch in branches {
        let Some(properties) = branch.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (name, property) in properties.iter_mut() {
            if let (Some(value), None) =
                (property.get("const").cloned(), property.get("description"))
                && let Some(object) = property.as_object_mut()
            {
                object.insert(
                    "description".to_owned(),
                    Value::String(format!(
                        "`{name}: {}` selects this form",
                        value.as_str().unwrap_or_default()
                    )),
                );
            }
        }
    }
}

/// Publishes optional fields as their type alone: an explicit `null` is almost
/// always an unfinished line (`port:` with nothing after it), better reported
/// than silently ignored.
fn forbid_null(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let single = types.remove(0);
                    map.insert("type".to_owned(), single);
                }
            }
            if let Some(Value::Array(branches)) = map.get_mut("oneOf") {
                describe_tags(branches);
            }
            if let Some(Value::Array(branches)) = map.get("anyOf") {
                let null = serde_json::json!({"type": "null"});
                if branches.len() == 2 && branches.contains(&null) {
                    let other = branches.iter().find(|b| **b != null).cloned().unwrap_or_default();
                    map.remove("anyOf");
                    map.insert("allOf".to_owned(), Value::Array(vec![other]));
                }
            }
            map.values_mut().for_each(forbid_null);
        }
        Value::Array(items) => items.iter_mut().for_each(forbid_null),
        _ => {}
    }
}

/// The schema as the pretty-printed JSON that `platc schema` prints and `schema/` holds.
#[must_use]
pub fn json_schema_text(kind: FileKind) -> String {
    let mut text = serde_json::to_string_pretty(&json_schema(kind)).unwrap_or_default();
    text.push('\n');
    text
}

struct Compiled {
    schema: Value,
    validator: jsonschema::Validator,
}

fn compile(kind: FileKind) -> Compiled {
    let schema = document_schema(kind);
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&schema)
        .expect("the generated schema is a valid draft-07 schema");
    Compiled { schema, validator }
}

/// Each kind's schema, compiled the first time a file of the kind is read:
/// a platform without `types/` never compiles the schema of type files.
static COMPILED: [LazyLock<Compiled>; 4] = [
    LazyLock::new(|| compile(FileKind::Service)),
    LazyLock::new(|| compile(FileKind::Environment)),
    LazyLock::new(|| compile(FileKind::Platform)),
    LazyLock::new(|| compile(FileKind::Type)),
];

fn compiled(kind: FileKind) -> &'static Compiled {
    let index = match kind {
        FileKind::Service => 0,
        FileKind::Environment => 1,
        FileKind::Platform => 2,
        FileKind::Type => 3,
    };
    &COMPILED[index]
}

/// Whether a document is valid against the schema of its kind (the fast
/// check; [`validate`] explains why not).
#[must_use]
pub fn is_valid(kind: FileKind, instance: &Value) -> bool {
    compiled(kind).validator.is_valid(instance)
}

/// Validates a document against the schema of its kind. Every violation
/// becomes a diagnostic with a JSON pointer into the document; the caller adds
/// the origin and the position.
#[must_use]
pub fn validate(kind: FileKind, instance: &Value) -> Vec<Diagnostic> {
    let compiled = compiled(kind);
    let mut out: Vec<Diagnostic> = Vec::new();
    for error in compiled.validator.iter_errors(instance) {
        collect(&error, &compiled.schema, instance, &mut out);
    }
    out.sort_by(|a, b| a.pointer.cmp(&b.pointer).then_with(|| a.message.cmp(&b.message)));
    out.dedup_by(|a, b| a.pointer == b.pointer && a.message == b.message);
    out
}

fn collect(
    error: &ValidationError<'_>,
    schema: &Value,
    instance: &Value,
    out: &mut Vec<Diagnostic>,
) {
    let pointer = error.instance_path().as_str();
    let schema_path = error.schema_path().as_str();
    let keyword_parent = schema_path.rsplit_once('/').map_or("", |(parent, _)| parent);
    let subschema = schema.pointer(keyword_parent);
    let found = instance.pointer(pointer);
    match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let branches = subschema
                .and_then(|s| s.get("oneOf").or_else(|| s.get("anyOf")))
                .and_then(Value::as_array);
            let constants: Option<Vec<Value>> = branches
                .and_then(|b| b.iter().map(|branch| branch.get("const").cloned()).collect());
            if let Some(constants) = constants {
                let kind = ValidationErrorKind::Enum {
                    options: std::sync::Arc::new(Value::Array(constants)),
                };
                out.extend(describe(&kind, pointer, subschema, found, &error.to_string()));
                return;
            }
            // A tagged union (`provider: helm | external`): judge the value by
            // the branch its tag selects, or report the tag itself.
            if let Some((tag, tags)) = branches.and_then(|b| discriminator(b)) {
                collect_tagged(error, context, &tag, tags, schema, instance, out);
                return;
            }
            // An externally tagged union (`stripPrefix: {...}` or `headers:
            // {...}`): one key names the variant.
            if let Some(variants) = branches.and_then(|b| external_tags(b)) {
                collect_external(error, context, &variants, schema, instance, out);
                return;
            }
            // Report the branch the value came closest to: one of the value's
            // type (`maintenance: {enabld: true}` is a mistake in the
            // mapping, not a boolean), the one that failed deepest in the
            // document, then with the fewest errors.
            let of_another_type = |errors: &Vec<ValidationError<'static>>| {
                errors.iter().all(|e| {
                    matches!(e.kind(), ValidationErrorKind::Type { .. })
                        && e.instance_path().as_str() == pointer
                })
            };
            let candidates: Vec<&Vec<ValidationError<'static>>> =
                context.iter().filter(|errors| !errors.is_empty()).collect();
            let same_type: Vec<&Vec<ValidationError<'static>>> =
                candidates.iter().copied().filter(|errors| !of_another_type(errors)).collect();
            let candidates = if same_type.is_empty() { candidates } else { same_type };
            let best = candidates.into_iter().max_by(|a, b| {
                let depth = |errors: &Vec<ValidationError<'static>>| {
                    errors.iter().map(|e| e.instance_path().as_str().len()).max().unwrap_or(0)
                };
                depth(a).cmp(&depth(b)).then_with(|| b.len().cmp(&a.len()))
            });
            match best {
                Some(errors) => {
                    for inner in errors {
                        collect(inner, schema, instance, out);
                    }
                }
                None => out.extend(describe(
                    error.kind(),
                    pointer,
                    subschema,
                    found,
                    &error.to_string(),
                )),
            }
        }
        ValidationErrorKind::PropertyNames { .. } => {
            out.extend(invalid_keys(pointer, subschema, found));
        }
        kind => out.extend(describe(kind, pointer, subschema, found, &error.to_string())),
    }
}

/// The keys of a mapping whose names break the rule of its `propertyNames`
/// (the type names under `infrastructure`), each at its key.
fn invalid_keys(
    pointer: &str,
    subschema: Option<&Value>,
    found: Option<&Value>,
) -> Vec<Diagnostic> {
    // The error's schema path ends inside `propertyNames` or at it.
    let format = subschema.and_then(|s| {
        Format::of_value(s).or_else(|| s.get("propertyNames").and_then(Format::of_value))
    });
    let Some(Format::Name(kind)) = format else {
        return vec![
            Diagnostic::error(Code::SpecInvalidValue, "a key is not valid here")
                .at_pointer(pointer),
        ];
    };
    found
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|map| map.keys())
        .filter(|key| !kind.accepts(key))
        .map(|key| {
            invalid(Format::Name(kind), key, &format!("`{key}`"))
                .at_pointer(pointer_join(pointer, key))
                .on_key()
        })
        .collect()
}

fn describe(
    kind: &ValidationErrorKind,
    pointer: &str,
    subschema: Option<&Value>,
    found: Option<&Value>,
    fallback: &str,
) -> Vec<Diagnostic> {
    let description =
        subschema.and_then(|s| s.get("description")).and_then(Value::as_str).map(hint);
    let shown = found.map_or_else(String::new, |v| match v.as_str() {
        Some(s) => format!("`{s}`"),
        None => format!("`{v}`"),
    });
    let diagnostic = match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            return unexpected.iter().map(|field| unknown_key(field, pointer, subschema)).collect();
        }
        ValidationErrorKind::Required { property } => {
            let field = property.as_str().unwrap_or_default();
            let help = subschema
                .and_then(|s| s.pointer(&format!("/properties/{field}/description")))
                .and_then(Value::as_str)
                .map_or_else(
                    || format!("add `{field}`"),
                    |d| format!("add `{field}`: {}", hint(d)),
                );
            Diagnostic::error(Code::SpecMissingField, format!("missing field `{field}`"))
                .with_help(help)
        }
        ValidationErrorKind::Type { kind } => wrong_type(kind, found, description),
        ValidationErrorKind::Enum { options } => {
            let options: Vec<&str> = options
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let given = found.and_then(Value::as_str).unwrap_or_default();
            let diagnostic = Diagnostic::error(
                Code::SpecUnknownVariant,
                format!("{shown} is not one of {}", quoted_list(&options)),
            );
            match (suggest(given, options.iter().copied()), description) {
                (Some(close), _) => diagnostic.with_help(format!("did you mean `{close}`?")),
                (None, Some(description)) => diagnostic.with_help(description),
                (None, None) => diagnostic,
            }
        }
        ValidationErrorKind::Pattern { .. } | ValidationErrorKind::MaxLength { .. }
            if let Some(format) = subschema.and_then(Format::of_value) =>
        {
            invalid(format, found.and_then(Value::as_str).unwrap_or_default(), &shown)
        }
        ValidationErrorKind::Pattern { pattern } => {
            // A pattern of no named format: the schema's description is the rule.
            let given = found.and_then(Value::as_str).unwrap_or_default();
            let rule = description.unwrap_or_default();
            let diagnostic =
                Diagnostic::error(Code::SpecInvalidValue, format!("{shown} is not a valid value"));
            let fix = regex::Regex::new(pattern)
                .ok()
                .and_then(|re| conform(given, |candidate| re.is_match(candidate)));
            match fix {
                Some(fix) => diagnostic.with_help(format!("{rule}; try `{fix}`")),
                None => diagnostic.with_help(rule),
            }
        }
        ValidationErrorKind::MaxLength { limit } => {
            let diagnostic = Diagnostic::error(
                Code::SpecInvalidValue,
                format!("{shown} is longer than {limit} characters"),
            );
            match description {
                Some(description) => diagnostic.with_help(description),
                None => diagnostic,
            }
        }
        ValidationErrorKind::Minimum { limit } | ValidationErrorKind::Maximum { limit } => {
            let side = if matches!(kind, ValidationErrorKind::Minimum { .. }) {
                "below the minimum"
            } else {
                "above the maximum"
            };
            let diagnostic =
                Diagnostic::error(Code::SpecInvalidValue, format!("{shown} is {side} {limit}"));
            match description {
                Some(description) => diagnostic.with_help(description),
                None => diagnostic,
            }
        }
        _ => Diagnostic::error(Code::SpecInvalidValue, fallback.to_owned()),
    };
    vec![diagnostic.at_pointer(pointer)]
}

/// Reports a value of a tagged union by the branch its tag selects; an
/// unknown or missing tag is reported on its own.
fn collect_tagged(
    error: &ValidationError<'_>,
    context: &[Vec<ValidationError<'static>>],
    tag: &str,
    tags: Vec<Value>,
    schema: &Value,
    instance: &Value,
    out: &mut Vec<Diagnostic>,
) {
    let pointer = error.instance_path().as_str();
    let found = instance.pointer(pointer);
    let given = found.and_then(|f| f.get(tag));
    let chosen = given.and_then(|g| tags.iter().position(|t| t == g));
    match (given, chosen) {
        (Some(_), Some(index)) => {
            if let Some(errors) = context.get(index) {
                for inner in errors {
                    collect(inner, schema, instance, out);
                }
            }
        }
        (Some(given), None) => {
            let kind =
                ValidationErrorKind::Enum { options: std::sync::Arc::new(Value::Array(tags)) };
            let at = pointer_join(pointer, tag);
            out.extend(describe(&kind, &at, None, Some(given), &error.to_string()));
        }
        (None, _) => {
            let options: Vec<&str> = tags.iter().filter_map(Value::as_str).collect();
            out.push(
                Diagnostic::error(Code::SpecMissingField, format!("missing field `{tag}`"))
                    .with_help(format!("add `{tag}:` with one of {}", quoted_list(&options)))
                    .at_pointer(pointer),
            );
        }
    }
}

/// The variant names of an externally tagged union: every branch is an
/// object with exactly one required property.
pub(crate) fn external_tags(branches: &[Value]) -> Option<Vec<String>> {
    branches
        .iter()
        .map(|branch| {
            let required = branch.get("required")?.as_array()?;
            let properties = branch.get("properties")?.as_object()?;
            match (required.as_slice(), properties.len()) {
                ([only], 1) => only.as_str().map(ToOwned::to_owned),
                _ => None,
            }
        })
        .collect()
}

/// Reports a value of an externally tagged union by its one key.
fn collect_external(
    error: &ValidationError<'_>,
    context: &[Vec<ValidationError<'static>>],
    variants: &[String],
    schema: &Value,
    instance: &Value,
    out: &mut Vec<Diagnostic>,
) {
    let pointer = error.instance_path().as_str();
    let names: Vec<&str> = variants.iter().map(String::as_str).collect();
    let keys: Vec<&String> = instance
        .pointer(pointer)
        .and_then(Value::as_object)
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    let [key] = keys.as_slice() else {
        let found: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
        let message = if found.is_empty() {
            format!("expected exactly one of {}", quoted_list(&names))
        } else {
            // The keys found are the kinds; the whole list would bury them.
            format!("expected exactly one key, found {}", quoted_list(&found))
        };
        out.push(
            Diagnostic::error(Code::SpecWrongType, message)
                .with_help("write each kind as its own entry, under its own name")
                .at_pointer(pointer),
        );
        return;
    };
    if let Some(index) = variants.iter().position(|v| v == *key) {
        for inner in context.get(index).into_iter().flatten() {
            collect(inner, schema, instance, out);
        }
        return;
    }
    let help = suggest(key, names.iter().copied()).map_or_else(
        || format!("expected one of {}", quoted_list(&names)),
        |close| format!("did you mean `{close}`?"),
    );
    // A long list (the middleware kinds) goes to the help, when no
    // suggestion takes its place, rather than into the message.
    let message = if names.len() > 8 {
        format!("`{key}` is not one of the {} kinds", names.len())
    } else {
        format!("`{key}` is not one of {}", quoted_list(&names))
    };
    out.push(
        Diagnostic::error(Code::SpecUnknownVariant, message)
            .with_help(help)
            .at_pointer(pointer_join(pointer, key))
            .on_key(),
    );
}

/// The tag property shared by every branch of a tagged union, and each
/// branch's tag value, in branch order.
pub(crate) fn discriminator(branches: &[Value]) -> Option<(String, Vec<Value>)> {
    let first = branches.first()?.get("properties")?.as_object()?;
    let tag = first.iter().find(|(_, p)| p.get("const").is_some())?.0.clone();
    let tags = branches
        .iter()
        .map(|b| b.pointer(&format!("/properties/{tag}/const")).cloned())
        .collect::<Option<Vec<Value>>>()?;
    Some((tag, tags))
}

/// A value of the wrong JSON type, with the likely fix: quotes to add or remove.
fn wrong_type(kind: &TypeKind, found: Option<&Value>, description: Option<String>) -> Diagnostic {
    let expected = match kind {
        TypeKind::Single(t) => type_name(&t.to_string()),
        TypeKind::Multiple(ts) => {
            ts.iter().map(|t| type_name(&t.to_string())).collect::<Vec<_>>().join(" or ")
        }
    };
    let actual = found.map_or("nothing", json_type_name);
    let diagnostic =
        Diagnostic::error(Code::SpecWrongType, format!("expected {expected}, found {actual}"));
    let quoted_number = found.and_then(Value::as_str).filter(|s| s.trim().parse::<f64>().is_ok());
    let help = match (expected.as_str(), found, quoted_number) {
        ("a string", Some(value), _) if value.is_number() || value.is_boolean() => {
            Some(format!("quote the value to keep it a string: \"{value}\""))
        }
        ("an integer" | "a number", _, Some(number)) => {
            Some(format!("remove the quotes: {}", number.trim()))
        }
        _ => description,
    };
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// A key the schema does not allow: an unknown field of a struct, or a key
/// of a map whose keys follow a naming rule (`env` variable names).
fn unknown_key(field: &str, pointer: &str, subschema: Option<&Value>) -> Diagnostic {
    let at = pointer_join(pointer, field);
    let key_pattern = subschema
        .and_then(|s| s.get("patternProperties"))
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    if key_pattern {
        let diagnostic = match subschema.and_then(Format::of_keys) {
            Some(format) => invalid(format, field, &format!("`{field}`")),
            None => {
                Diagnostic::error(Code::SpecInvalidValue, format!("`{field}` is not a valid key"))
                    .with_help("a key matching the naming rule")
            }
        };
        return diagnostic.at_pointer(at).on_key();
    }
    let known: Vec<&str> = subschema
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let help = if known.is_empty() {
        "remove this key".to_owned()
    } else {
        format!("expected one of {}", quoted_list(&known))
    };
    let message = match suggest(field, known.iter().copied()) {
        Some(close) => format!("unknown field `{field}`, did you mean `{close}`?"),
        None => format!("unknown field `{field}`"),
    };
    Diagnostic::error(Code::SpecUnknownField, message).with_help(help).at_pointer(at).on_key()
}

/// The rule a string value follows, as its schema names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// A validated name of one kind.
    Name(NameKind),
    /// A Kubernetes quantity.
    Quantity,
}

impl Format {
    /// The format a value's schema names ([`names::FORMAT_KEYWORD`]).
    fn of_value(schema: &Value) -> Option<Self> {
        Self::from_id(schema.get(names::FORMAT_KEYWORD)?.as_str()?)
    }

    /// The format of the keys a map's schema names ([`names::KEYS_KEYWORD`]).
    fn of_keys(schema: &Value) -> Option<Self> {
        Self::from_id(schema.get(names::KEYS_KEYWORD)?.as_str()?)
    }

    fn from_id(id: &str) -> Option<Self> {
        if id == Quantity::FORMAT {
            return Some(Self::Quantity);
        }
        NameKind::from_id(id).map(Self::Name)
    }

    fn what(self) -> &'static str {
        match self {
            Self::Name(kind) => kind.what(),
            Self::Quantity => "Kubernetes quantity",
        }
    }

    fn rule(self) -> &'static str {
        match self {
            Self::Name(kind) => kind.rule(),
            Self::Quantity => Quantity::RULE,
        }
    }

    /// A close value that follows the rule.
    fn fix(self, value: &str) -> Option<String> {
        match self {
            Self::Name(kind) => conform(value, |candidate| kind.accepts(candidate)),
            Self::Quantity => Quantity::suggest(value),
        }
    }
}

/// A value (or key) that breaks the rule of its format, with the rule and,
/// when there is one, a close value that follows it.
fn invalid(format: Format, given: &str, shown: &str) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        Code::SpecInvalidValue,
        format!("{shown} is not a valid {}", format.what()),
    );
    match format.fix(given) {
        Some(fix) => diagnostic.with_help(format!("{}; try `{fix}`", format.rule())),
        None => diagnostic.with_help(format.rule()),
    }
}

/// The closest spelling of `value` that `accepts`, trying the usual slips:
/// case, and `-` versus `_`.
fn conform(value: &str, accepts: impl Fn(&str) -> bool) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    let upper = value.to_ascii_uppercase();
    let untagged = match value.split('@').next().unwrap_or(value).rsplit_once(':') {
        Some((repository, tag)) if !tag.contains('/') => repository.to_owned(),
        _ => value.split('@').next().unwrap_or(value).to_owned(),
    };
    [
        untagged,
        value.replace('-', "_"),
        upper.replace('-', "_"),
        // Lowercase alone first: dots may belong (`Example.com` → `example.com`).
        lower.clone(),
        lower.replace(['_', ' ', '.'], "-"),
        lower.trim_matches(|c: char| !c.is_ascii_alphanumeric()).replace(['_', ' '], "-"),
    ]
    .into_iter()
    .find(|candidate| candidate != value && accepts(candidate))
}

/// A schema description turned into a help clause: one line, lowercase
/// start, no final period.
fn hint(description: &str) -> String {
    let line = description.split_whitespace().collect::<Vec<_>>().join(" ");
    let line = line.trim_end_matches('.');
    let mut chars = line.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(line.chars().skip(1)).collect()
        }
        _ => line.to_owned(),
    }
}

fn type_name(json_type: &str) -> String {
    match json_type {
        "object" => "a mapping".to_owned(),
        "array" => "a list".to_owned(),
        "string" => "a string".to_owned(),
        "integer" => "an integer".to_owned(),
        "number" => "a number".to_owned(),
        "boolean" => "true or false".to_owned(),
        "null" => "nothing".to_owned(),
        other => other.to_owned(),
    }
}

fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn quoted_list(items: &[&str]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

impl Diagnostic {
    /// Points at a value by JSON pointer, origin to be filled in by the caller.
    pub(crate) fn at_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_field_has_a_description() {
        fn walk(value: &Value, path: &str, missing: &mut Vec<String>) {
            if let Some(props) = value.get("properties").and_then(Value::as_object) {
                for (name, prop) in props {
                    if prop.get("description").is_none() {
                        missing.push(format!("{path}/{name}"));
                    }
                }
            }
            if let Some(obj) = value.as_object() {
                for (k, v) in obj {
                    walk(v, &format!("{path}/{k}"), missing);
                }
            }
        }
        for kind in FileKind::ALL {
            let mut missing = Vec::new();
            walk(&json_schema(kind), "", &mut missing);
            assert!(missing.is_empty(), "{kind:?} fields without description: {missing:?}");
        }
    }

    #[test]
    fn every_map_with_key_rules_names_the_kind_of_its_keys() {
        fn walk(value: &Value, path: &str, missing: &mut Vec<String>) {
            if let Some(object) = value.as_object() {
                if object.contains_key("patternProperties")
                    && !object.contains_key(names::KEYS_KEYWORD)
                {
                    missing.push(path.to_owned());
                }
                for (key, child) in object {
                    walk(child, &format!("{path}/{key}"), missing);
                }
            } else if let Some(items) = value.as_array() {
                for (index, child) in items.iter().enumerate() {
                    walk(child, &format!("{path}/{index}"), missing);
                }
            }
        }
        for kind in FileKind::ALL {
            let mut missing = Vec::new();
            walk(&json_schema(kind), "", &mut missing);
            assert!(
                missing.is_empty(),
                "{kind:?}: maps without `#[schemars(transform = keyed_by::<K>)]`: {missing:?}"
            );
        }
    }

    #[test]
    fn every_kind_of_name_is_named_in_the_schemas() {
        fn walk(value: &Value, found: &mut Vec<String>) {
            if let Some(object) = value.as_object() {
                for keyword in [names::FORMAT_KEYWORD, names::KEYS_KEYWORD] {
                    if let Some(id) = object.get(keyword).and_then(Value::as_str) {
                        found.push(id.to_owned());
                    }
                }
                for child in object.values() {
                    walk(child, found);
                }
            } else if let Some(items) = value.as_array() {
                for child in items {
                    walk(child, found);
                }
            }
        }
        let mut found = Vec::new();
        for kind in FileKind::ALL {
            walk(&json_schema(kind), &mut found);
        }
        for kind in NameKind::ALL {
            assert!(found.iter().any(|id| id == kind.id()), "{kind:?} is named nowhere");
        }
    }

    #[test]
    fn names_sharing_a_pattern_are_reported_by_their_own_rule() {
        let doc = json!({
            "name": "api",
            "image": "ghcr.io/acme/api",
            "ports": [{"name": "HTTP", "port": 8080}],
            "uses": {"Auth_DB": "postgres"},
        });
        let diagnostics = validate(FileKind::Service, &doc);
        let found: Vec<(&str, &str, Option<&str>)> = diagnostics
            .iter()
            .map(|d| {
                (d.pointer.as_deref().unwrap_or_default(), d.message.as_str(), d.help.as_deref())
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "/ports/0/name",
                    "`HTTP` is not a valid port name",
                    Some(
                        "lowercase letters, digits and '-', with at least one letter, not starting or ending with '-' nor holding '--', at most 15 characters (an IANA service name); try `http`"
                    )
                ),
                (
                    "/uses/Auth_DB",
                    "`Auth_DB` is not a valid dependency name",
                    Some(
                        "lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 40 characters; try `auth-db`"
                    )
                ),
            ]
        );
    }

    #[test]
    fn a_port_name_too_long_states_its_rule() {
        let doc = json!({"name": "api", "image": "x", "ports": [{"name": "administration-ui", "port": 80}]});
        let diagnostics = validate(FileKind::Service, &doc);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].message, "`administration-ui` is not a valid port name");
        assert_eq!(diagnostics[0].help.as_deref(), Some(NameKind::Port.rule()));
    }

    #[test]
    fn unknown_field_points_at_key_with_suggestion() {
        let doc = json!({"name": "api", "image": "ghcr.io/acme/api", "replcas": 2});
        let diagnostics = validate(FileKind::Service, &doc);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].code, Code::SpecUnknownField);
        assert_eq!(diagnostics[0].message, "unknown field `replcas`, did you mean `replicas`?");
        assert_eq!(diagnostics[0].pointer.as_deref(), Some("/replcas"));
        assert!(diagnostics[0].at_key);
    }

    #[test]
    fn nested_unknown_fields_use_the_nested_fields() {
        let doc = json!({"name": "api", "image": "x", "ports": [{"name": "http", "prot": 80}]});
        let diagnostics = validate(FileKind::Service, &doc);
        let unknown: Vec<_> =
            diagnostics.iter().filter(|d| d.code == Code::SpecUnknownField).collect();
        assert_eq!(unknown.len(), 1, "{diagnostics:?}");
        assert_eq!(unknown[0].pointer.as_deref(), Some("/ports/0/prot"));
        assert_eq!(unknown[0].message, "unknown field `prot`, did you mean `port`?");
        assert_eq!(
            unknown[0].help.as_deref(),
            Some("expected one of `name`, `port`, `servicePort`, `protocol`")
        );
    }

    #[test]
    fn reports_every_problem_at_once() {
        let doc = json!({"name": "Api", "kind": "webb", "image": "x", "replicas": "two", "foo": 1});
        let codes: Vec<_> = validate(FileKind::Service, &doc).iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                Code::SpecUnknownField,
                Code::SpecUnknownVariant,
                Code::SpecInvalidValue,
                Code::SpecWrongType
            ]
        );
    }

    #[test]
    fn numbers_for_strings_suggest_quoting() {
        let doc = json!({"name": "api", "image": "x", "env": {"PORT": 8080}});
        let diagnostics = validate(FileKind::Service, &doc);
        assert_eq!(diagnostics[0].message, "expected a string, found an integer");
        assert_eq!(
            diagnostics[0].help.as_deref(),
            Some("quote the value to keep it a string: \"8080\"")
        );
    }
}
