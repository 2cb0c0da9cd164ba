//! The Kubernetes types of the model in the JSON Schema: k8s-openapi's own
//! schemas (its `schemars` feature), made as strict as platc's.
//!
//! The model uses k8s-openapi's types where the shape is Kubernetes' own
//! (tolerations, affinity, topology spread constraints, lifecycle handlers).
//! Their deserializers ignore unknown fields, so the schema is the gate that
//! catches a misspelt key, and k8s-openapi's schemas leave objects open and
//! enumerations as plain strings. [`refine`] closes every Kubernetes object
//! (`additionalProperties: false`), gives the fields with a fixed set of
//! values their `enum` (so a typo gets a suggestion), gives int-or-string
//! fields their two types, drops the fields platc does not render, and
//! names each definition by its kind (`Toleration`) instead of its Go
//! package path, unless that name is taken.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The prefix of the definitions k8s-openapi's schemas are named by.
const PREFIX: &str = "io.k8s.";

/// Fields whose values Kubernetes fixes: (definition, field, values).
const ENUMS: &[(&str, &str, &[&str])] = &[
    ("Toleration", "effect", &["NoSchedule", "PreferNoSchedule", "NoExecute"]),
    ("Toleration", "operator", &["Exists", "Equal"]),
    ("TopologySpreadConstraint", "whenUnsatisfiable", &["DoNotSchedule", "ScheduleAnyway"]),
    ("TopologySpreadConstraint", "nodeAffinityPolicy", &["Honor", "Ignore"]),
    ("TopologySpreadConstraint", "nodeTaintsPolicy", &["Honor", "Ignore"]),
    ("NodeSelectorRequirement", "operator", &["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]),
    ("LabelSelectorRequirement", "operator", &["In", "NotIn", "Exists", "DoesNotExist"]),
    ("HTTPGetAction", "scheme", &["HTTP", "HTTPS"]),
];

/// Fields platc leaves out: (definition, field).
const DROPPED: &[(&str, &str)] = &[
    // Deprecated: accepted by the API server but never run, so a hook that
    // uses it fails at runtime.
    ("LifecycleHandler", "tcpSocket"),
];

/// Refines the Kubernetes definitions of a generated schema in place.
pub(crate) fn refine(schema: &mut Value) {
    let Some(definitions) = schema.get_mut("definitions").and_then(Value::as_object_mut) else {
        return;
    };
    let renames = short_names(definitions);
    let old = std::mem::take(definitions);
    for (name, mut definition) in old {
        let kubernetes = name.starts_with(PREFIX);
        let name = renames.get(&name).cloned().unwrap_or(name);
        if let (true, Some(object)) = (kubernetes, definition.as_object_mut()) {
            refine_definition(&name, object);
        }
        definitions.insert(name, definition);
    }
    rewrite_refs(schema, &renames);
    prune(schema);
}

/// Removes the definitions nothing refers to any more (those of dropped fields).
fn prune(schema: &mut Value) {
    let Some(definitions) = schema.get("definitions").and_then(Value::as_object) else {
        return;
    };
    let mut reachable = std::collections::BTreeSet::new();
    let mut pending: Vec<String> = Vec::new();
    let mut root = schema.clone();
    if let Some(object) = root.as_object_mut() {
        object.remove("definitions");
    }
    refs(&root, &mut pending);
    while let Some(name) = pending.pop() {
        if reachable.insert(name.clone())
            && let Some(definition) = definitions.get(&name)
        {
            refs(definition, &mut pending);
        }
    }
    if let Some(definitions) = schema.get_mut("definitions").and_then(Value::as_object_mut) {
        definitions.retain(|name, _| reachable.contains(name));
    }
}

/// The definitions `value` refers to.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(target) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/definitions/"))
            {
                out.push(target.to_owned());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// Each Kubernetes definition's kind name (`io.k8s.api.core.v1.Toleration`
/// → `Toleration`), where no other definition has it.
fn short_names(definitions: &Map<String, Value>) -> BTreeMap<String, String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for name in definitions.keys() {
        *counts.entry(short(name)).or_default() += 1;
    }
    definitions
        .keys()
        .filter(|name| name.starts_with(PREFIX) && counts[short(name)] == 1)
        .map(|name| (name.clone(), short(name).to_owned()))
        .collect()
}

fn short(name: &str) -> &str {
    if name.starts_with(PREFIX) { name.rsplit('.').next().unwrap_or(name) } else { name }
}

fn refine_definition(name: &str, definition: &mut Map<String, Value>) {
    if definition.remove("x-kubernetes-int-or-string").is_some() {
        definition.insert("type".to_owned(), serde_json::json!(["integer", "string"]));
    }
    let Some(properties) = definition.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (definition_name, field) in DROPPED {
        if *definition_name == name {
            properties.remove(*field);
        }
    }
    for (definition_name, field, values) in ENUMS {
        if *definition_name == name
            && let Some(property) = properties.get_mut(*field).and_then(Value::as_object_mut)
        {
            property.insert("enum".to_owned(), serde_json::json!(values));
        }
    }
    definition.entry("additionalProperties").or_insert(Value::Bool(false));
}

/// Points every `$ref` to a renamed definition at its new name.
fn rewrite_refs(value: &mut Value, renames: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(target) = reference.strip_prefix("#/definitions/")
                && let Some(renamed) = renames.get(target)
            {
                *reference = format!("#/definitions/{renamed}");
            }
            map.values_mut().for_each(|v| rewrite_refs(v, renames));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, renames)),
        _ => {}
    }
}
