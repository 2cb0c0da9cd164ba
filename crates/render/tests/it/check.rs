//! Output checks: every code is triggered by a manifest that breaks exactly
//! its rule, and the objects platc renders pass them all.

use std::collections::BTreeSet;

use platc_render::check::{CODES, check_object, check_tree};
use platc_render::{Tree, render_all_tree};
use serde_json::{Value, json};

use crate::load;

/// A valid Deployment, the starting point of every case.
fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "api", "namespace": "shop", "labels": {"app.kubernetes.io/name": "api"}},
        "spec": {"template": {
            "metadata": {"labels": {"app.kubernetes.io/name": "api"}},
            "spec": {
                "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
                "containers": [{
                    "name": "api",
                    "image": "ghcr.io/acme/api:1.0.0",
                    "ports": [{"name": "http", "containerPort": 8080}],
                    "env": [{"name": "LOG_LEVEL", "value": "info"}],
                    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
                    "securityContext": {
                        "allowPrivilegeEscalation": false,
                        "capabilities": {"drop": ["ALL"]},
                        "readOnlyRootFilesystem": true,
                    },
                }],
            },
        }},
    })
}

fn set(mut object: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer with a key");
    let target = object.pointer_mut(parent).unwrap_or_else(|| panic!("{parent} exists"));
    match target {
        Value::Object(map) => {
            map.insert(key.to_owned(), value);
        }
        Value::Array(items) => {
            let index: usize = key.parse().expect("index");
            if index < items.len() { items[index] = value } else { items.push(value) }
        }
        _ => panic!("{parent} is a container"),
    }
    object
}

fn codes(object: &Value, development: bool) -> BTreeSet<&'static str> {
    let mut found = Vec::new();
    check_object(object, development, &mut found);
    found.iter().map(|d| d.code).collect()
}

#[test]
fn the_valid_object_passes() {
    assert!(codes(&deployment(), false).is_empty(), "{:?}", codes(&deployment(), false));
}

#[test]
fn every_code_has_a_case_that_triggers_it() {
    let container = "/spec/template/spec/containers/0";
    let cases: Vec<(&str, Value)> = vec![
        ("check::invalid_name", set(deployment(), "/metadata/name", json!("API_Server"))),
        (
            "check::invalid_label",
            set(deployment(), "/metadata/labels/app.kubernetes.io~1version", json!("-1.0")),
        ),
        (
            "check::port_range",
            set(deployment(), &format!("{container}/ports/0/containerPort"), json!(70000)),
        ),
        (
            "check::duplicate_container",
            set(
                deployment(),
                "/spec/template/spec/containers/1",
                set(deployment().pointer(container).unwrap().clone(), "/ports", json!([])),
            ),
        ),
        (
            "check::duplicate_port",
            set(
                deployment(),
                &format!("{container}/ports/1"),
                json!({"name": "http", "containerPort": 9090}),
            ),
        ),
        (
            "check::invalid_quantity",
            set(deployment(), &format!("{container}/resources/limits/memory"), json!("256MB")),
        ),
        (
            "check::missing_resources",
            set(
                deployment(),
                &format!("{container}/resources"),
                json!({"requests": {"cpu": "100m"}}),
            ),
        ),
        (
            "check::limit_below_request",
            set(deployment(), &format!("{container}/resources/limits/memory"), json!("64Mi")),
        ),
        (
            "check::invalid_env_name",
            set(deployment(), &format!("{container}/env/0/name"), json!("LOG-LEVEL")),
        ),
        (
            "check::latest_tag",
            set(deployment(), &format!("{container}/image"), json!("ghcr.io/acme/api:latest")),
        ),
        (
            "check::not_restricted",
            set(
                deployment(),
                &format!("{container}/securityContext/allowPrivilegeEscalation"),
                json!(true),
            ),
        ),
        (
            "check::invalid_schedule",
            json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
                   "spec": {"schedule": "61 * * * *", "jobTemplate": {"spec": deployment()["spec"].clone()}}}),
        ),
        (
            "check::invalid_host",
            json!({"apiVersion": "traefik.io/v1alpha1", "kind": "IngressRoute", "metadata": {"name": "api", "namespace": "shop"},
                   "spec": {"routes": [{"match": "Host(`Shop Example`) && PathPrefix(`/api`)", "services": []}]}}),
        ),
    ];
    let covered: BTreeSet<&str> = cases.iter().map(|(code, _)| *code).collect();
    assert_eq!(covered, CODES.iter().copied().collect::<BTreeSet<_>>(), "one case per code");
    for (code, object) in &cases {
        assert_eq!(
            codes(object, false),
            BTreeSet::from([*code]),
            "the case for {code} triggers exactly it"
        );
    }
}

#[test]
fn restricted_violations_are_each_named() {
    let container = "/spec/template/spec/containers/0";
    let cases = [
        (
            set(deployment(), "/spec/template/spec/securityContext/runAsNonRoot", json!(false)),
            "`runAsNonRoot` is not true",
        ),
        (
            set(
                deployment(),
                "/spec/template/spec/securityContext/seccompProfile",
                json!({"type": "Unconfined"}),
            ),
            "seccomp",
        ),
        (
            set(
                deployment(),
                &format!("{container}/securityContext/capabilities"),
                json!({"drop": ["NET_RAW"]}),
            ),
            "drop ALL",
        ),
        (
            set(
                deployment(),
                &format!("{container}/securityContext/readOnlyRootFilesystem"),
                json!(false),
            ),
            "writable",
        ),
        (set(deployment(), "/spec/template/spec/hostNetwork", json!(true)), "hostNetwork"),
        (
            set(
                deployment(),
                "/spec/template/spec/volumes",
                json!([{"name": "docker", "hostPath": {"path": "/var/run"}}]),
            ),
            "hostPath",
        ),
    ];
    for (object, expected) in cases {
        let mut found = Vec::new();
        check_object(&object, false, &mut found);
        assert_eq!(found.len(), 1, "{expected}: {found:?}");
        assert!(found[0].message.contains(expected), "{}", found[0].message);
    }
}

#[test]
fn development_allows_the_latest_tag() {
    let object = set(
        deployment(),
        "/spec/template/spec/containers/0/image",
        json!("ghcr.io/acme/api:latest"),
    );
    assert!(codes(&object, true).is_empty());
}

#[test]
fn findings_name_the_file_and_object() {
    let mut tree = Tree::new();
    let object = set(deployment(), "/metadata/name", json!("API"));
    tree.insert(
        "manifests/services/api/deployment.yaml",
        platc_render::emit::to_yaml(&object).expect("yaml"),
    );
    let findings = check_tree(&tree, "golden/production", false);
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].short(),
        "golden/production/manifests/services/api/deployment.yaml: error[check::invalid_name]: Deployment name `API` is not a DNS-1123 subdomain; help: at most 253 characters; the API server refuses other names"
    );
    assert_eq!(findings[0].object.as_deref(), Some("Deployment shop/API"));
}

#[test]
fn everything_platc_renders_passes_the_checks() {
    for name in ["basic", "infra", "routing"] {
        let platform = load(name);
        let tree = render_all_tree(&platform).expect("renders");
        for env in &platform.environments {
            let findings = check_tree(&tree.subtree(env.name.as_str()), name, env.development);
            assert!(findings.is_empty(), "{name}/{}: {findings:#?}", env.name);
        }
    }
}
