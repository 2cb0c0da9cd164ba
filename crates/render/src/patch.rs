//! Patches: an environment's last resort, applied to the built objects
//! before they are emitted. Each patch is a JSON merge patch (RFC 7386) of
//! one object, named by kind and name.
//!
//! Objects stay typed: the patched document is read back into the object's
//! k8s-openapi type and must serialize to exactly the same document, so a
//! field the kind does not have (a misspelt key) or a value of the wrong
//! type is refused rather than dropped, and the patch may not change the
//! object's `apiVersion`, kind, name or namespace. A Job is named after its
//! content, so a patched Job is named after its patched content. A patch
//! that matches no object is refused. The values a patch sets are checked
//! for plaintext secrets in resolve, and the patched objects go through
//! `platc check`'s output checks like every other.
//!
//! This module reads only [`resolved`](crate::resolved) patches and built
//! objects; [`in_effect`] reads the model's patches to list them for review.

use std::collections::BTreeSet;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Secret, Service, ServiceAccount};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::schemars::JsonSchema;
use k8s_openapi::schemars::generate::SchemaSettings;
use platc_spec::{Code, Diagnostic, Origin, Platform};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::object::{Object, Owner, Placed};
use crate::resolved::{ResolvedEnvironment, ResolvedPatch};

/// What applying the patches to one batch of objects found.
#[derive(Debug, Default)]
pub struct Applied {
    /// The patches that matched an object of the batch, by index.
    pub matched: BTreeSet<usize>,
    /// For each patch, the names of the batch's objects of its kind: the
    /// candidates a patch that matched nothing is told about.
    pub candidates: Vec<(usize, String)>,
}

/// Applies the environment's patches to the objects of one batch.
pub fn apply(env: &ResolvedEnvironment, objects: &mut [Placed]) -> Result<Applied, Diagnostic> {
    let mut applied = Applied::default();
    if env.patches.is_empty() {
        return Ok(applied);
    }
    for placed in objects.iter_mut() {
        for patch in &env.patches {
            if placed.object.kind() != patch.kind {
                continue;
            }
            applied.candidates.push((patch.index, target_name(placed).to_owned()));
            if !targets(patch, placed) {
                continue;
            }
            applied.matched.insert(patch.index);
            placed.object = patched(env, patch, placed)?;
        }
    }
    Ok(applied)
}

/// The errors of patches no batch matched.
#[must_use]
pub fn unmatched(env: &ResolvedEnvironment, applied: &[Applied]) -> Vec<Diagnostic> {
    let matched: BTreeSet<usize> = applied.iter().flat_map(|a| a.matched.iter().copied()).collect();
    let mut out = Vec::new();
    for patch in env.patches.iter().filter(|p| !matched.contains(&p.index)) {
        let mut names: Vec<&str> = applied
            .iter()
            .flat_map(|a| &a.candidates)
            .filter(|(index, _)| *index == patch.index)
            .map(|(_, name)| name.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        let help = match platc_spec::diagnostic::suggest(&patch.name, names.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None if names.is_empty() => {
                format!("`{}` renders no {} at all", env.name, patch.kind)
            }
            None => format!(
                "the {}s of `{}`: {}",
                patch.kind,
                env.name,
                names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            ),
        };
        let namespace =
            patch.namespace.as_ref().map(|ns| format!(" in namespace `{ns}`")).unwrap_or_default();
        out.push(
            Diagnostic::error(
                Code::RenderPatchTarget,
                format!(
                    "patch {} targets {} `{}`{namespace}, which `{}` does not render",
                    patch.index, patch.kind, patch.name, env.name
                ),
            )
            .at(Origin::Environment(env.name.clone()), format!("/patches/{}/target", patch.index))
            .with_help(help),
        );
    }
    out
}

/// The notes `platc check` lists: every patch in effect, with its reason.
#[must_use]
pub fn in_effect(platform: &Platform) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for environment in &platform.environments {
        for (index, patch) in environment.patches.iter().enumerate() {
            out.push(
                Diagnostic::note(
                    Code::CheckPatchInEffect,
                    format!(
                        "patch {index} changes {} `{}` in `{}`: {}",
                        patch.target.kind.as_str(),
                        patch.target.name,
                        environment.name,
                        patch.reason.trim()
                    ),
                )
                .at(Origin::Environment(environment.name.clone()), format!("/patches/{index}"))
                .with_help("a patch is a reviewed exception: replace it with the model's own fields when they can say it"),
            );
        }
    }
    out
}

/// The name a patch names the object by: a Job's service, else its own.
fn target_name(placed: &Placed) -> &str {
    match (&placed.object, &placed.owner) {
        (Object::Job(_), Owner::Service(service)) => service,
        _ => placed.object.name(),
    }
}

fn targets(patch: &ResolvedPatch, placed: &Placed) -> bool {
    target_name(placed) == patch.name
        && patch.namespace.as_deref().is_none_or(|ns| placed.object.namespace() == Some(ns))
}

/// `object` with `patch` applied, read back into its type.
fn patched(
    env: &ResolvedEnvironment,
    patch: &ResolvedPatch,
    placed: &Placed,
) -> Result<Object, Diagnostic> {
    let object = &placed.object;
    let origin = Origin::Environment(env.name.clone());
    let at = format!("/patches/{}/merge", patch.index);
    let refused = |message: String, pointer: String, help: &str| {
        Diagnostic::error(Code::RenderPatchType, message)
            .at(origin.clone(), pointer)
            .with_help(help.to_owned())
    };
    let original = object.to_json().map_err(|e| {
        crate::emit::serialize_error(&format!("{} to patch it", object.describe()), &e)
    })?;
    let mut document = original.clone();
    merge_patch(&mut document, &patch.merge);
    for (path, what) in [
        (&["apiVersion"][..], "apiVersion"),
        (&["kind"][..], "kind"),
        (&["metadata", "name"][..], "name"),
        (&["metadata", "namespace"][..], "namespace"),
    ] {
        if lookup(&document, path) != lookup(&original, path) {
            let pointer = format!("{at}/{}", path.join("/"));
            return Err(refused(
                format!(
                    "patch {} changes the {what} of {}: a patch changes an object, it does not make another",
                    patch.index,
                    object.describe()
                ),
                pointer,
                "remove the field from the patch; the model names objects (rename the service, or change the environment's namespace)",
            ));
        }
    }
    let what = object.describe();
    let typed = typed(object, document.clone()).map_err(|(path, error)| {
        refused(
            format!(
                "patch {} leaves {what} that is not a valid {} at `{}`: {error}",
                patch.index,
                object.kind(),
                dotted(&path)
            ),
            pointer_under(&at, &path),
            "give the field the type the kind's API reference gives it (`kubectl explain`)",
        )
    })?;
    let read_back = typed.to_json().map_err(|e| {
        crate::emit::serialize_error(&format!("{what} after patch {}", patch.index), &e)
    })?;
    if let Some((difference, path)) = first_difference(&document, &read_back, &mut Vec::new()) {
        let (field, kind, index) = (dotted(&path), object.kind(), patch.index);
        let close = match (difference, path.split_last()) {
            (Difference::Unknown, Some((last, parent))) => {
                let fields = fields_at(object, parent);
                platc_spec::diagnostic::suggest(last, fields.iter().map(String::as_str))
                    .map(|close| format!("did you mean `{close}`?"))
            }
            _ => None,
        };
        let (message, help) = match difference {
            Difference::Unknown => (
                format!(
                    "patch {index} sets `{field}`, which {what} does not have: a {kind} has no such field"
                ),
                close.as_deref().unwrap_or("check the spelling and nesting against the kind's API reference (`kubectl explain`); rendered objects keep to their type"),
            ),
            Difference::Required => (
                format!("patch {index} removes `{field}`, which a {kind} requires"),
                "keep the field: set it to another value instead of `null`",
            ),
            Difference::Value => (
                format!(
                    "patch {index} sets `{field}` to a value a {kind} does not hold as written"
                ),
                "give the field the type and form the kind's API reference gives it (`kubectl explain`)",
            ),
        };
        // A required field is reported at the mapping the patch removed it from.
        let located =
            if difference == Difference::Required { &path[..path.len() - 1] } else { &path[..] };
        let diagnostic = refused(message, pointer_under(&at, located), help);
        return Err(if difference == Difference::Unknown {
            diagnostic.on_key()
        } else {
            diagnostic
        });
    }
    Ok(match typed {
        Object::Job(mut job) => {
            // A Job is named after its content: a patched Job is another Job.
            if let Some(spec) = &job.spec {
                job.metadata.name = Some(crate::workload::job_name(target_name(placed), spec)?);
            }
            Object::Job(job)
        }
        other => other,
    })
}

/// RFC 7386: objects merge key by key, `null` removes a key, anything else
/// replaces the target.
pub fn merge_patch(target: &mut Value, patch: &Map<String, Value>) {
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(object) = target else { return };
    for (key, value) in patch {
        match value {
            Value::Null => {
                object.remove(key);
            }
            Value::Object(inner) => {
                merge_patch(object.entry(key.clone()).or_insert(Value::Null), inner);
            }
            other => {
                object.insert(key.clone(), other.clone());
            }
        }
    }
}

fn lookup<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |value, key| value.get(key))
}

/// How a document and what its type read of it differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Difference {
    /// The document has a field the type does not.
    Unknown,
    /// The type filled in a field the document lacks: a required one.
    Required,
    /// The type holds a value differently than the document writes it.
    Value,
}

/// The first place where `written` and `read`, the same document as its
/// type read it, differ.
fn first_difference(
    written: &Value,
    read: &Value,
    path: &mut Vec<String>,
) -> Option<(Difference, Vec<String>)> {
    match (written, read) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                path.push(key.clone());
                let found = match b.get(key) {
                    Some(other) => first_difference(value, other, path),
                    None => Some((Difference::Unknown, path.clone())),
                };
                path.pop();
                if found.is_some() {
                    return found;
                }
            }
            b.keys().find(|key| !a.contains_key(*key)).map(|key| {
                let mut at = path.clone();
                at.push(key.clone());
                (Difference::Required, at)
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| {
                path.push(i.to_string());
                let found = first_difference(x, y, path);
                path.pop();
                found
            })
        }
        _ if written == read => None,
        _ => Some((Difference::Value, path.clone())),
    }
}

fn dotted(path: &[String]) -> String {
    if path.is_empty() { "the top".to_owned() } else { path.join(".") }
}

fn pointer_under(base: &str, path: &[String]) -> String {
    path.iter()
        .fold(base.to_owned(), |pointer, token| platc_spec::source::pointer_join(&pointer, token))
}

/// The field names the kind of `like` has at `parent` (a path into the
/// object), from k8s-openapi's JSON Schema of the kind.
fn fields_at(like: &Object, parent: &[String]) -> Vec<String> {
    fn schema<T: JsonSchema>() -> Value {
        SchemaSettings::draft07().into_generator().into_root_schema_for::<T>().to_value()
    }
    let root = match like {
        Object::Deployment(_) => schema::<Deployment>(),
        Object::CronJob(_) => schema::<CronJob>(),
        Object::Job(_) => schema::<Job>(),
        Object::Service(_) => schema::<Service>(),
        Object::ServiceAccount(_) => schema::<ServiceAccount>(),
        Object::ConfigMap(_) => schema::<ConfigMap>(),
        Object::Secret(_) => schema::<Secret>(),
        Object::Namespace(_) => schema::<Namespace>(),
        Object::HorizontalPodAutoscaler(_) => schema::<HorizontalPodAutoscaler>(),
        Object::PodDisruptionBudget(_) => schema::<PodDisruptionBudget>(),
        Object::NetworkPolicy(_) => schema::<NetworkPolicy>(),
        _ => return Vec::new(),
    };
    // Draft-07 writes a reference with a description beside it as
    // `allOf: [{$ref}]`.
    let resolve = |node: &Value| -> Option<Value> {
        let node = match node.get("allOf").and_then(Value::as_array) {
            Some(only) if only.len() == 1 => &only[0],
            _ => node,
        };
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.strip_prefix("#/definitions/")?;
                root.get("definitions")?.get(name).cloned()
            }
            None => Some(node.clone()),
        }
    };
    let mut node = root.clone();
    for segment in parent {
        let Some(current) = resolve(&node) else { return Vec::new() };
        let next = match current.get("items") {
            Some(items) if segment.parse::<usize>().is_ok() => items.clone(),
            _ => match current.get("properties").and_then(|p| p.get(segment)) {
                Some(property) => property.clone(),
                None => return Vec::new(),
            },
        };
        node = next;
    }
    resolve(&node)
        .and_then(|n| {
            n.get("properties").and_then(Value::as_object).map(|p| p.keys().cloned().collect())
        })
        .unwrap_or_default()
}

/// `document` read as an object of the kind of `like`: on failure the path
/// to the value that does not fit, and why.
fn typed(like: &Object, document: Value) -> Result<Object, (Vec<String>, String)> {
    fn read<T: DeserializeOwned>(document: Value) -> Result<T, (Vec<String>, String)> {
        serde_path_to_error::deserialize::<_, T>(document).map_err(|error| {
            let path = error
                .path()
                .iter()
                .filter_map(|segment| match segment {
                    serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                    serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                    serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
                    serde_path_to_error::Segment::Unknown => None,
                })
                .collect();
            (path, error.into_inner().to_string())
        })
    }
    Ok(match like {
        Object::Deployment(_) => Object::from(read::<Deployment>(document)?),
        Object::CronJob(_) => Object::from(read::<CronJob>(document)?),
        Object::Job(_) => Object::from(read::<Job>(document)?),
        Object::Service(_) => Object::from(read::<Service>(document)?),
        Object::ServiceAccount(_) => Object::from(read::<ServiceAccount>(document)?),
        Object::ConfigMap(_) => Object::from(read::<ConfigMap>(document)?),
        Object::Secret(_) => Object::from(read::<Secret>(document)?),
        Object::Namespace(_) => Object::from(read::<Namespace>(document)?),
        Object::HorizontalPodAutoscaler(_) => {
            Object::from(read::<HorizontalPodAutoscaler>(document)?)
        }
        Object::PodDisruptionBudget(_) => Object::from(read::<PodDisruptionBudget>(document)?),
        Object::NetworkPolicy(_) => Object::from(read::<NetworkPolicy>(document)?),
        // The model's kinds of patch (`PatchKind`) name no custom resource.
        Object::IngressRoute(_)
        | Object::Middleware(_)
        | Object::TlsOption(_)
        | Object::ExternalSecret(_)
        | Object::IpAddressPool(_)
        | Object::L2Advertisement(_) => {
            return Err((Vec::new(), format!("{} is a custom resource", like.kind())));
        }
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn merge_patch_follows_rfc_7386() {
        // The examples of RFC 7386, section 3.
        let mut target = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        let patch = json!({"a": "z", "c": {"f": null}});
        merge_patch(&mut target, patch.as_object().unwrap());
        assert_eq!(target, json!({"a": "z", "c": {"d": "e"}}));
        let mut target = json!({"a": [{"b": "c"}]});
        merge_patch(&mut target, json!({"a": [1]}).as_object().unwrap());
        assert_eq!(target, json!({"a": [1]}));
        let mut target = json!({"e": null});
        merge_patch(&mut target, json!({"a": 1}).as_object().unwrap());
        assert_eq!(target, json!({"e": null, "a": 1}));
        let mut target = json!(["a", "b"]);
        merge_patch(&mut target, json!({"a": {"bb": {"ccc": null}}}).as_object().unwrap());
        assert_eq!(target, json!({"a": {"bb": {}}}));
    }

    #[test]
    fn the_first_difference_is_what_the_type_dropped() {
        let written = json!({"spec": {"replicas": 2, "replcas": 3}});
        let read = json!({"spec": {"replicas": 2}});
        let at = |path: &[&str]| path.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            first_difference(&written, &read, &mut Vec::new()),
            Some((Difference::Unknown, at(&["spec", "replcas"])))
        );
        assert_eq!(
            first_difference(&read, &written, &mut Vec::new()),
            Some((Difference::Required, at(&["spec", "replcas"])))
        );
        let floats = json!({"spec": {"replicas": 2.0}});
        assert_eq!(
            first_difference(&floats, &read, &mut Vec::new()),
            Some((Difference::Value, at(&["spec", "replicas"])))
        );
        assert_eq!(first_difference(&read, &read, &mut Vec::new()), None);
    }
}
