//! Every custom resource platc renders validates against the
//! openAPIV3Schema of its project's own CRD (Traefik's as platc installs
//! them, the others recorded in `fixtures/crds/`), for every fixture
//! platform and the example platform.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use platc_render::render_all_tree;
use serde_json::Value;

use crate::{fixture, load};

/// `(apiVersion, kind)` → the compiled schema of that served version:
/// Traefik's from the CRD files platc installs (`crates/render/crds/`, the
/// pinned charts'), the others from `fixtures/crds/`.
pub fn crd_schemas() -> BTreeMap<(String, String), jsonschema::Validator> {
    let pinned = Path::new(env!("CARGO_MANIFEST_DIR")).join("crds");
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [fixture("crds"), pinned.join("traefik-41.3.0"), pinned.join("traefik-26.0.0")] {
        for entry in fs::read_dir(&dir).expect("crd directory") {
            files.push(entry.expect("entry").path());
        }
    }
    files.sort();
    let mut schemas = BTreeMap::new();
    for path in files {
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let crd: Value = serde_saphyr::from_str(&fs::read_to_string(&path).expect("read crd"))
            .expect("crd yaml");
        let group = crd["spec"]["group"].as_str().expect("group");
        let kind = crd["spec"]["names"]["kind"].as_str().expect("kind");
        for version in crd["spec"]["versions"].as_array().expect("versions") {
            if version["served"] != Value::Bool(true) {
                continue;
            }
            let schema = strict(&version["schema"]["openAPIV3Schema"]);
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft4)
                .build(&schema)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let api_version =
                format!("{group}/{}", version["name"].as_str().expect("version name"));
            schemas.insert((api_version, kind.to_owned()), validator);
        }
    }
    schemas
}

/// The structural schema as the API server applies it with strict field
/// validation (kubectl's default): unknown fields are errors unless the
/// schema preserves them; `x-kubernetes-int-or-string` takes either; OpenAPI's
/// `nullable` admits null.
fn strict(schema: &Value) -> Value {
    let Value::Object(map) = schema else { return schema.clone() };
    let mut out = serde_json::Map::new();
    for (key, value) in map {
        let value = match key.as_str() {
            "properties" | "patternProperties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), strict(v)))
                    .collect(),
            ),
            "items" | "additionalProperties" | "not" => strict(value),
            "allOf" | "anyOf" | "oneOf" => {
                Value::Array(value.as_array().into_iter().flatten().map(strict).collect())
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    let preserve = map.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
    if map.contains_key("properties") && !map.contains_key("additionalProperties") && !preserve {
        out.insert("additionalProperties".to_owned(), Value::Bool(false));
    }
    if map.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        out.remove("type");
        out.remove("anyOf");
        out.insert(
            "anyOf".to_owned(),
            serde_json::json!([{"type": "integer"}, {"type": "string"}]),
        );
    }
    if map.get("nullable") == Some(&Value::Bool(true))
        && let Some(Value::String(kind)) = out.get("type").cloned()
    {
        out.insert("type".to_owned(), serde_json::json!([kind, "null"]));
    }
    Value::Object(out)
}

/// Checks every custom resource of `tree` against its CRD; the number checked.
pub fn validate_tree(
    name: &str,
    tree: &platc_render::Tree,
    schemas: &BTreeMap<(String, String), jsonschema::Validator>,
) -> usize {
    let mut checked = 0;
    for (path, content) in tree.iter() {
        if !platc_render::emit::is_manifest(path) {
            continue;
        }
        let object: Value = serde_saphyr::from_str(content).expect("rendered yaml parses");
        let api_version = object["apiVersion"].as_str().expect("apiVersion").to_owned();
        if !api_version.contains('.') {
            continue; // core and apps/batch/... kinds are checked by kubernetes-validate in CI
        }
        let kind = object["kind"].as_str().expect("kind").to_owned();
        if ["apps/v1", "batch/v1", "autoscaling/v2", "policy/v1", "networking.k8s.io/v1"]
            .contains(&api_version.as_str())
        {
            continue;
        }
        let validator = schemas
            .get(&(api_version.clone(), kind.clone()))
            .unwrap_or_else(|| panic!("{name}/{path}: no CRD recorded for {api_version} {kind}"));
        let errors: Vec<String> = validator
            .iter_errors(&object)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}/{path} does not match its CRD:\n{}", errors.join("\n"));
        checked += 1;
    }
    checked
}

#[test]
fn custom_resources_match_their_crds() {
    let schemas = crd_schemas();
    assert!(schemas.len() >= 8, "CRD fixtures loaded: {}", schemas.len());
    let mut checked = 0;
    for name in ["basic", "infra", "routing"] {
        let tree = render_all_tree(&load(name)).expect("renders");
        checked += validate_tree(name, &tree, &schemas);
    }
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let platform = platc_spec::load_dir(&example).expect("the example platform loads").platform;
    checked += validate_tree("example", &render_all_tree(&platform).expect("renders"), &schemas);
    assert!(checked >= 10, "only {checked} custom resources checked");
}

#[test]
fn a_wrong_field_fails_the_crd_check() {
    // The check itself must be able to fail: a misspelt field is refused.
    let schemas = crd_schemas();
    let validator = &schemas[&("metallb.io/v1beta1".to_owned(), "IPAddressPool".to_owned())];
    let good = serde_json::json!({
        "apiVersion": "metallb.io/v1beta1", "kind": "IPAddressPool",
        "metadata": {"name": "x"}, "spec": {"addresses": ["10.0.0.0/24"], "autoAssign": false},
    });
    assert!(validator.is_valid(&good));
    let mut bad = good.clone();
    bad["spec"]["autoAsign"] = Value::Bool(false);
    assert!(
        !validator.is_valid(&bad),
        "an unknown field is refused, as kubectl's strict validation does"
    );
}
