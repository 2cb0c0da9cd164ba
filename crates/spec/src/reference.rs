//! The field reference: every field of service, environment and platform
//! files as Markdown tables, generated from their JSON Schemas so that it
//! says exactly what platc accepts.
//!
//! It reads only the shapes [`schema`] publishes: objects,
//! lists, maps (`patternProperties`, `additionalProperties`), `$ref` and
//! `allOf` indirections to `definitions`, enums as a `oneOf` of `const`s, and
//! the two kinds of union: tagged by a `const` field (`provider: helm`) and
//! externally tagged by their single key (`stripPrefix: {...}`). It knows
//! nothing about the model types themselves; their doc comments are the
//! descriptions.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::schema::{self, FileKind, discriminator, external_tags};

/// One kind of file, as the reference presents it.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    /// The section's heading (`Service files`).
    pub title: &'a str,
    /// Where such files live (`services/<name>.yaml`).
    pub file: &'a str,
    /// The anchor of the section; every type's anchor starts with it.
    pub anchor: &'a str,
    /// The file's JSON Schema, definitions included.
    pub schema: &'a Value,
}

/// The reference of every kind of model file, as `docs/reference.md` holds it.
#[must_use]
pub fn markdown() -> String {
    let schemas: Vec<(FileKind, Value)> =
        FileKind::ALL.into_iter().map(|kind| (kind, schema::document_schema(kind))).collect();
    let documents: Vec<Document<'_>> = schemas
        .iter()
        .map(|(kind, schema)| {
            let (title, file) = match kind {
                FileKind::Service => ("Service files", "services/<name>.yaml"),
                FileKind::Environment => ("Environment files", "environments/<name>.yaml"),
                FileKind::Platform => ("Platform settings", "platform.yaml"),
                FileKind::Type => ("Infrastructure types", "types/<name>.yaml"),
            };
            Document { title, file, anchor: kind.as_str(), schema }
        })
        .collect();
    render(&documents)
}

/// The reference of the given documents: a contents list, then one section
/// per document.
#[must_use]
pub fn render(documents: &[Document<'_>]) -> String {
    let mut out = String::from("# Field reference\n\n");
    out.push_str(
        "<!-- Generated from the JSON Schema by `platc schema --reference`; do not edit.\n     \
         The descriptions are the doc comments of the model types in crates/spec. -->\n\n",
    );
    out.push_str(
        "Every field platc reads, by kind of file. A field whose type is an object links to \
         that object's table. Values platc fills in itself when a field is left out are given \
         in its description as \"built in: ...\".\n\n",
    );
    for document in documents {
        let _ = writeln!(out, "- [{}](#{}): `{}`", document.title, document.anchor, document.file);
    }
    for document in documents {
        out.push('\n');
        Section::new(document).write(&mut out);
    }
    out
}

/// What a definition is, as far as the reference cares.
enum Shape<'a> {
    /// An object with named fields.
    Object(&'a Value),
    /// A fixed set of values, each with its description when it has one.
    Enum(Vec<(&'a Value, Option<&'a str>)>),
    /// Objects told apart by the value of one field.
    Tagged { tag: String, branches: &'a [Value] },
    /// Objects with a single key, the key naming the form.
    External(&'a [Value]),
    /// Anything else: a string with a rule, a number.
    Format(&'a Value),
}

fn shape(schema: &Value) -> Shape<'_> {
    if let Some(branches) = schema.get("oneOf").and_then(Value::as_array) {
        if let Some(values) = branches
            .iter()
            .map(|b| b.get("const").map(|c| (c, b.get("description").and_then(Value::as_str))))
            .collect::<Option<Vec<_>>>()
        {
            return Shape::Enum(values);
        }
        if let Some((tag, _)) = discriminator(branches) {
            return Shape::Tagged { tag, branches };
        }
        if external_tags(branches).is_some() {
            return Shape::External(branches);
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return Shape::Enum(values.iter().map(|v| (v, None)).collect());
    }
    if schema.get("properties").is_some() {
        return Shape::Object(schema);
    }
    Shape::Format(schema)
}

/// One document's section: the definitions it reaches, in the order a
/// depth-first walk from the top level meets them, and the YAML paths each
/// one appears at.
struct Section<'a> {
    document: &'a Document<'a>,
    definitions: Option<&'a Map<String, Value>>,
    order: Vec<&'a str>,
    /// Every full YAML path a definition appears at.
    paths: BTreeMap<&'a str, Vec<String>>,
    /// Where a definition appears, relative to the nearest definition
    /// around it (`None`: the top level).
    owners: BTreeMap<&'a str, Vec<(Option<&'a str>, String)>>,
}

impl<'a> Section<'a> {
    fn new(document: &'a Document<'a>) -> Self {
        let definitions = document
            .schema
            .get("definitions")
            .or_else(|| document.schema.get("$defs"))
            .and_then(Value::as_object);
        let mut section = Self {
            document,
            definitions,
            order: Vec::new(),
            paths: BTreeMap::new(),
            owners: BTreeMap::new(),
        };
        section.visit(document.schema, "", (None, ""), &mut Vec::new());
        section
    }

    fn definition(&self, name: &str) -> Option<&'a Value> {
        self.definitions.and_then(|d| d.get(name))
    }

    fn anchor(&self, name: &str) -> String {
        format!("{}-{}", self.document.anchor, slug(name))
    }

    /// Records every definition `schema` reaches, the paths it is reached
    /// at, and the definition (`owner`, at its path) it is reached from. A
    /// definition already on `stack` is not entered again, so recursive
    /// types end.
    fn visit(
        &mut self,
        schema: &'a Value,
        path: &str,
        owner: (Option<&'a str>, &str),
        stack: &mut Vec<&'a str>,
    ) {
        if let Some(name) = reference_name(schema) {
            if !self.paths.contains_key(name) {
                self.order.push(name);
            }
            push_new(self.paths.entry(name).or_default(), path.to_owned());
            let relative = match owner {
                (None, _) => path.to_owned(),
                (Some(_), base) => {
                    let rest = path.strip_prefix(base).unwrap_or(path);
                    rest.strip_prefix('.').unwrap_or(rest).to_owned()
                }
            };
            push_new(self.owners.entry(name).or_default(), (owner.0, relative));
            if let Some(definition) = self.definition(name)
                && !stack.contains(&name)
            {
                stack.push(name);
                self.visit(definition, path, (Some(name), path), stack);
                stack.pop();
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            for branch in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
                self.visit(branch, path, owner, stack);
            }
        }
        for (key, field) in
            schema.get("properties").and_then(Value::as_object).into_iter().flatten()
        {
            self.visit(field, &join(path, key), owner, stack);
        }
        if let Some(items) = schema.get("items") {
            self.visit(items, &format!("{path}[]"), owner, stack);
        }
        for value in
            schema.get("patternProperties").and_then(Value::as_object).into_iter().flatten()
        {
            self.visit(value.1, &join(path, "<name>"), owner, stack);
        }
        if let Some(value) = schema.get("additionalProperties").filter(|v| v.is_object()) {
            self.visit(value, &join(path, "<key>"), owner, stack);
        }
    }

    fn write(&self, out: &mut String) {
        let document = self.document;
        let _ = writeln!(out, "<a id=\"{}\"></a>\n", document.anchor);
        let _ = writeln!(out, "## {}\n", document.title);
        let _ = write!(out, "`{}`", document.file);
        match document.schema.get("description").and_then(Value::as_str) {
            Some(description) => {
                let _ = writeln!(out, ": {}\n", text(description));
            }
            None => out.push_str("\n\n"),
        }
        self.fields_table(document.schema, "", out);

        let mut enums = Vec::new();
        let mut formats = Vec::new();
        for &name in &self.order {
            let Some(definition) = self.definition(name) else { continue };
            match shape(definition) {
                Shape::Object(object) => {
                    self.heading(name, definition, out);
                    self.fields_table(object, self.single_path(name), out);
                }
                Shape::Tagged { tag, branches } => {
                    self.heading(name, definition, out);
                    self.tagged(name, &tag, branches, out);
                }
                Shape::External(branches) => {
                    self.heading(name, definition, out);
                    self.external(name, branches, out);
                }
                Shape::Enum(values) => enums.push((name, definition, values)),
                Shape::Format(format) => formats.push((name, format)),
            }
        }
        for (name, definition, values) in enums {
            self.heading(name, definition, out);
            out.push_str("| Value | Description |\n| --- | --- |\n");
            for (value, description) in values {
                let _ = writeln!(
                    out,
                    "| `{}` | {} |",
                    cell(&scalar(value)),
                    description.map(text).unwrap_or_default()
                );
            }
            out.push('\n');
        }
        if !formats.is_empty() {
            let _ = writeln!(out, "<a id=\"{}-formats\"></a>\n", document.anchor);
            out.push_str("### Formats\n\n");
            out.push_str("Values with a rule of their own.\n\n");
            out.push_str("| Format | Type | Rule |\n| --- | --- | --- |\n");
            for (name, format) in formats {
                let _ = writeln!(
                    out,
                    "| <a id=\"{}\"></a>`{name}` | {} | {} |",
                    self.anchor(name),
                    self.type_of(&strip_description(format)),
                    format.get("description").and_then(Value::as_str).map(text).unwrap_or_default()
                );
            }
            out.push('\n');
        }
    }

    /// A type's heading, description and the paths it appears at.
    fn heading(&self, name: &str, definition: &Value, out: &mut String) {
        let _ = writeln!(out, "<a id=\"{}\"></a>\n", self.anchor(name));
        let _ = writeln!(out, "### {name}\n");
        if let Some(description) = definition.get("description").and_then(Value::as_str) {
            let _ = writeln!(out, "{}\n", text(description));
        }
        let at = match self.paths.get(name).map(Vec::as_slice) {
            Some([only]) => format!("`{}`", display_path(only)),
            _ => self.owned_at(name),
        };
        if !at.is_empty() {
            let _ = writeln!(out, "At {at}.\n");
        }
    }

    /// Where a definition appears, by the definitions around it: `` `a` and
    /// `b` of [Owner](#owner) ``.
    fn owned_at(&self, name: &str) -> String {
        let mut groups: Vec<(Option<&str>, Vec<String>)> = Vec::new();
        for (owner, relative) in self.owners.get(name).into_iter().flatten() {
            let shown = format!("`{}`", display_path(relative));
            match groups.iter_mut().find(|(o, _)| o == owner) {
                Some((_, fields)) => fields.push(shown),
                None => groups.push((*owner, vec![shown])),
            }
        }
        let groups: Vec<String> = groups
            .into_iter()
            .map(|(owner, fields)| match owner {
                Some(owner) => {
                    format!("{} of [{owner}](#{})", and_list(&fields), self.anchor(owner))
                }
                None => and_list(&fields),
            })
            .collect();
        and_list(&groups)
    }

    /// The one path a definition appears at, to prefix its fields with;
    /// empty when it appears at several, whose list heads its table.
    fn single_path(&self, name: &str) -> &str {
        match self.paths.get(name).map(Vec::as_slice) {
            Some([only]) => only,
            _ => "",
        }
    }

    fn fields_table(&self, object: &Value, path: &str, out: &mut String) {
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        out.push_str(TABLE_HEAD);
        for (key, field) in
            object.get("properties").and_then(Value::as_object).into_iter().flatten()
        {
            let requirement = if required.contains(&key.as_str()) {
                "required".to_owned()
            } else if let Some(default) = field.get("default") {
                format!("default `{}`", cell(&scalar(default)))
            } else {
                "optional".to_owned()
            };
            self.row(&join(path, key), field, &requirement, self.description_of(field), out);
        }
        // Keys beyond the named ones (the platform's own infrastructure types).
        if object.get("properties").is_some()
            && let Some(other) = object.get("additionalProperties").filter(|v| v.is_object())
        {
            self.row(&join(path, "<key>"), other, "optional", self.description_of(other), out);
        }
        out.push('\n');
    }

    fn row(
        &self,
        path: &str,
        field: &Value,
        requirement: &str,
        description: Option<String>,
        out: &mut String,
    ) {
        let _ = writeln!(
            out,
            "| `{}` | {} | {requirement} | {} |",
            cell(&display_path(path)),
            self.type_of(field),
            description.unwrap_or_default()
        );
    }

    fn tagged(&self, name: &str, tag: &str, branches: &[Value], out: &mut String) {
        let _ = writeln!(out, "One of these forms, chosen by `{tag}`:\n");
        for branch in branches {
            let value = branch_tag(branch, tag);
            let description = branch.get("description").and_then(Value::as_str).map(text);
            let _ = write!(out, "- [`{tag}: {value}`](#{})", self.branch_anchor(name, &value));
            match description {
                Some(description) => {
                    let _ = writeln!(out, ": {description}");
                }
                None => out.push('\n'),
            }
        }
        out.push('\n');
        for branch in branches {
            let value = branch_tag(branch, tag);
            let _ = writeln!(out, "<a id=\"{}\"></a>\n", self.branch_anchor(name, &value));
            let _ = writeln!(out, "#### {name}: `{tag}: {value}`\n");
            self.fields_table(branch, self.single_path(name), out);
        }
    }

    fn branch_anchor(&self, name: &str, value: &str) -> String {
        format!("{}-{}", self.anchor(name), slug(value))
    }

    fn external(&self, name: &str, branches: &[Value], out: &mut String) {
        out.push_str(TABLE_HEAD);
        for branch in branches {
            for (key, field) in
                branch.get("properties").and_then(Value::as_object).into_iter().flatten()
            {
                let description = branch
                    .get("description")
                    .and_then(Value::as_str)
                    .map(text)
                    .or_else(|| self.description_of(field));
                let path = join(self.single_path(name), key);
                self.row(&path, field, "exactly one", description, out);
            }
        }
        out.push('\n');
    }

    /// A field's description, or that of the definition it refers to.
    fn description_of(&self, field: &Value) -> Option<String> {
        field
            .get("description")
            .and_then(Value::as_str)
            .or_else(|| {
                let target = self.target(field)?;
                target.get("description").and_then(Value::as_str)
            })
            .map(text)
    }

    /// The definition a field refers to, directly or through a one-element `allOf`.
    fn target(&self, field: &Value) -> Option<&'a Value> {
        match (reference_name(field), field.get("allOf").and_then(Value::as_array)) {
            (Some(name), _) => self.definition(name),
            (None, Some(all)) if all.len() == 1 => self.target(&all[0]),
            _ => None,
        }
    }

    /// The type column: a word for scalars, a link for objects and unions,
    /// the values of enums, and lists and maps of those.
    fn type_of(&self, schema: &Value) -> String {
        if let Some(name) = reference_name(schema) {
            let Some(definition) = self.definition(name) else {
                return format!("`{name}`");
            };
            let link = format!("[{name}](#{})", self.anchor(name));
            return match shape(definition) {
                Shape::Object(_) | Shape::Tagged { .. } | Shape::External(_) => link,
                Shape::Enum(values) => {
                    format!("one of [{}](#{})", values_list(&values), self.anchor(name))
                }
                Shape::Format(format) => {
                    format!("{} ({link})", self.type_of(&strip_description(format)))
                }
            };
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array)
            && let [only] = all.as_slice()
        {
            return self.type_of(only);
        }
        if let Some(value) = schema.get("const") {
            return format!("`{}`", cell(&scalar(value)));
        }
        match shape(schema) {
            Shape::Enum(values) => return format!("one of {}", values_list(&values)),
            Shape::Tagged { .. } | Shape::External(_) | Shape::Object(_) => {
                return "object".to_owned();
            }
            Shape::Format(_) => {}
        }
        // A field of two forms (`maintenance: true` or a mapping).
        if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
            return branches
                .iter()
                .map(|branch| self.type_of(branch))
                .collect::<Vec<_>>()
                .join(" or ");
        }
        match schema.get("type") {
            Some(Value::String(kind)) => self.type_named(kind, schema),
            Some(Value::Array(kinds)) => kinds
                .iter()
                .filter_map(Value::as_str)
                .map(|kind| self.type_named(kind, schema))
                .collect::<Vec<_>>()
                .join(" or "),
            _ => "any value".to_owned(),
        }
    }

    fn type_named(&self, kind: &str, schema: &Value) -> String {
        match kind {
            "array" => {
                let items =
                    schema.get("items").map_or_else(|| "any value".to_owned(), |i| self.type_of(i));
                let non_empty =
                    schema.get("minItems").and_then(Value::as_u64).is_some_and(|n| n > 0);
                if non_empty {
                    format!("non-empty list of {items}")
                } else {
                    format!("list of {items}")
                }
            }
            "object" => {
                let pattern_values = schema
                    .get("patternProperties")
                    .and_then(Value::as_object)
                    .and_then(|p| p.values().next());
                match (pattern_values, schema.get("additionalProperties")) {
                    (Some(values), _) => format!("map of {}", self.type_of(values)),
                    (None, Some(values)) if values.is_object() => {
                        format!("map of {}", self.type_of(values))
                    }
                    (None, Some(Value::Bool(true))) => "map of any values".to_owned(),
                    _ => "object".to_owned(),
                }
            }
            "integer" | "number" => {
                let minimum = schema.get("minimum").and_then(Value::as_i64).filter(|m| *m != 0);
                let maximum = schema.get("maximum").and_then(Value::as_i64);
                match (minimum, maximum) {
                    (Some(low), Some(high)) => format!("{kind}, {low} to {high}"),
                    (Some(low), None) => format!("{kind}, at least {low}"),
                    (None, Some(high)) => format!("{kind}, at most {high}"),
                    (None, None) => kind.to_owned(),
                }
            }
            other => other.to_owned(),
        }
    }
}

const TABLE_HEAD: &str = "| Field | Type | Required | Description |\n| --- | --- | --- | --- |\n";

/// The definition a `$ref` names.
fn reference_name(schema: &Value) -> Option<&str> {
    let reference = schema.get("$ref")?.as_str()?;
    reference.strip_prefix("#/definitions/").or_else(|| reference.strip_prefix("#/$defs/"))
}

/// The value of a tagged-union branch's tag field.
fn branch_tag(branch: &Value, tag: &str) -> String {
    branch.pointer(&format!("/properties/{tag}/const")).map(scalar).unwrap_or_default()
}

/// A format's schema without its description, which the rule column shows.
fn strip_description(schema: &Value) -> Value {
    let mut schema = schema.clone();
    if let Some(object) = schema.as_object_mut() {
        object.remove("description");
    }
    schema
}

fn push_new<T: PartialEq>(items: &mut Vec<T>, item: T) {
    if !items.contains(&item) {
        items.push(item);
    }
}

fn values_list(values: &[(&Value, Option<&str>)]) -> String {
    let shown: Vec<String> =
        values.iter().map(|(v, _)| format!("`{}`", cell(&scalar(v)))).collect();
    shown.join(", ")
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

fn display_path(path: &str) -> String {
    if path.is_empty() { "(top level)".to_owned() } else { path.to_owned() }
}

/// A value as written in YAML: strings bare, everything else as JSON.
fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// An anchor: lowercase ASCII letters and digits, anything else as `-`.
fn slug(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect()
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// A description as one table cell: wrapped lines joined, paragraphs kept
/// apart, pipes escaped, and `<` outside code spans written as `&lt;` (the
/// descriptions of Kubernetes' types write `<key,value,effect>` in prose,
/// which Markdown would take for HTML).
fn text(description: &str) -> String {
    let paragraphs: Vec<String> = description
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    let mut in_code = false;
    let mut escaped = String::with_capacity(description.len());
    for c in cell(&paragraphs.join("\n")).chars() {
        match c {
            '`' => {
                in_code = !in_code;
                escaped.push(c);
            }
            '<' if !in_code => escaped.push_str("&lt;"),
            _ => escaped.push(c),
        }
    }
    escaped.replace('\n', "<br><br>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A schema with one of each shape: a nested object, a list, a map, an
    /// enum, a tagged and an externally tagged union, a format.
    fn small_schema() -> Value {
        json!({
            "type": "object",
            "description": "A small file.",
            "properties": {
                "name": {
                    "description": "The name.",
                    "allOf": [{"$ref": "#/definitions/Name"}]
                },
                "size": {
                    "description": "How big.",
                    "default": "small",
                    "allOf": [{"$ref": "#/definitions/Size"}]
                },
                "ports": {
                    "type": "array",
                    "items": {"$ref": "#/definitions/Port"},
                    "description": "The ports,\nwrapped over two lines."
                },
                "labels": {
                    "type": "object",
                    "patternProperties": {"^[a-z]+$": {"type": "string"}},
                    "description": "Labels | with a pipe."
                },
                "store": {
                    "description": "Where data lives.",
                    "allOf": [{"$ref": "#/definitions/Store"}]
                },
                "filters": {
                    "type": "object",
                    "additionalProperties": {"$ref": "#/definitions/Filter"},
                    "description": "Filters by name."
                }
            },
            "required": ["name"],
            "definitions": definitions(),
        })
    }

    /// The definitions of [`small_schema`]: one of each shape.
    fn definitions() -> Value {
        json!({
            "Name": {"type": "string", "pattern": "^[a-z]+$", "description": "lowercase letters"},
            "Size": {
                "oneOf": [
                    {"type": "string", "const": "small", "description": "Small."},
                    {"type": "string", "const": "large", "description": "Large."}
                ],
                "description": "A size."
            },
            "Port": {
                "type": "object",
                "properties": {
                    "number": {
                        "type": "integer", "minimum": 1, "maximum": 65535,
                        "description": "The number."
                    },
                    "probe": {
                        "description": "Its check.",
                        "allOf": [{"$ref": "#/definitions/Probe"}]
                    }
                },
                "required": ["number"],
                "description": "A port."
            },
            "Probe": {
                "type": "object",
                "properties": {
                    "path": {"type": "string", "description": "The path; built in: `/`."}
                },
                "description": "A check."
            },
            "Store": {
                "oneOf": [
                    {
                        "type": "object",
                        "properties": {
                            "provider": {"type": "string", "const": "disk", "description": "`provider: disk` selects this form"},
                            "path": {"type": "string", "description": "The directory."}
                        },
                        "required": ["provider"],
                        "description": "On a disk."
                    },
                    {
                        "type": "object",
                        "properties": {
                            "provider": {"type": "string", "const": "cloud", "description": "`provider: cloud` selects this form"},
                            "bucket": {"type": "string", "description": "The bucket."}
                        },
                        "required": ["provider", "bucket"],
                        "description": "In a bucket."
                    }
                ],
                "description": "Where data lives."
            },
            "Filter": {
                "oneOf": [
                    {
                        "type": "object",
                        "properties": {"drop": {"$ref": "#/definitions/Probe"}},
                        "required": ["drop"],
                        "description": "Drops what the check matches."
                    },
                    {
                        "type": "object",
                        "properties": {"keep": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
                        "required": ["keep"],
                        "description": "Keeps these."
                    }
                ],
                "description": "One filter."
            }
        })
    }

    #[test]
    fn renders_every_shape() {
        let schema = small_schema();
        let document = Document {
            title: "Small files",
            file: "small/<name>.yaml",
            anchor: "small",
            schema: &schema,
        };
        let first = render(&[document]);
        assert_eq!(first, render(&[document]), "the same schema gives the same bytes");
        insta::assert_snapshot!(first);
    }

    #[test]
    fn a_type_at_several_paths_lists_them() {
        let schema = small_schema();
        let document = Document { title: "Small", file: "s.yaml", anchor: "s", schema: &schema };
        let text = render(&[document]);
        assert!(
            text.contains("At `probe` of [Port](#s-port) and `drop` of [Filter](#s-filter)."),
            "{text}"
        );
        assert!(
            text.contains("| `path` | string | optional | The path; built in: `/`. |"),
            "{text}"
        );
    }

    #[test]
    fn every_field_of_the_model_is_in_the_reference() {
        let text = markdown();
        for kind in FileKind::ALL {
            let schema = schema::document_schema(kind);
            let fields = schema["properties"].as_object().expect("top-level fields");
            for name in fields.keys() {
                assert!(text.contains(&format!("| `{name}` |")), "{kind:?} field `{name}` missing");
            }
        }
    }
}
