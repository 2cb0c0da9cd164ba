//! Output checks: every code is triggered by a manifest that breaks exactly
//! its rule, and the objects platc renders pass them all.

use std::collections::BTreeSet;

use platc_render::check::{check_object, check_tree};
use platc_render::{Tree, render_all_tree};
use platc_spec::Code;
use serde_json::{Value, json};

use crate::load;

/// The `check::` codes that are not about one object: a manifest that does
/// not parse, the input policy, what `platc check` compares with files, an
/// object's place in the tree, and the patches in effect.
const NOT_OBJECT_CHECKS: [Code; 7] = [
    Code::CheckInvalidManifest,
    Code::CheckPatchInEffect,
    Code::CheckMemberOutsideNamespace,
    Code::CheckUnknownKind,
    Code::CheckMissingProbe,
    Code::CheckGoldenDrift,
    Code::CheckStaleSchema,
];

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

fn codes(object: &Value, development: bool) -> BTreeSet<Code> {
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
    let cases: Vec<(Code, Value)> = vec![
        (Code::CheckInvalidName, set(deployment(), "/metadata/name", json!("API_Server"))),
        (
            Code::CheckInvalidLabel,
            set(deployment(), "/metadata/labels/app.kubernetes.io~1version", json!("-1.0")),
        ),
        (
            Code::CheckPortRange,
            set(deployment(), &format!("{container}/ports/0/containerPort"), json!(70000)),
        ),
        (
            Code::CheckDuplicateContainer,
            set(
                deployment(),
                "/spec/template/spec/containers/1",
                set(deployment().pointer(container).unwrap().clone(), "/ports", json!([])),
            ),
        ),
        (
            Code::CheckDuplicatePort,
            set(
                deployment(),
                &format!("{container}/ports/1"),
                json!({"name": "http", "containerPort": 9090}),
            ),
        ),
        (
            Code::CheckInvalidQuantity,
            set(deployment(), &format!("{container}/resources/limits/memory"), json!("256MB")),
        ),
        (
            Code::CheckMissingResources,
            set(
                deployment(),
                &format!("{container}/resources"),
                json!({"requests": {"cpu": "100m"}}),
            ),
        ),
        (
            Code::CheckLimitBelowRequest,
            set(deployment(), &format!("{container}/resources/limits/memory"), json!("64Mi")),
        ),
        (
            Code::CheckInvalidEnvName,
            set(deployment(), &format!("{container}/env/0/name"), json!("LOG-LEVEL")),
        ),
        (
            Code::CheckLatestTag,
            set(deployment(), &format!("{container}/image"), json!("ghcr.io/acme/api:latest")),
        ),
        (
            Code::CheckNotRestricted,
            set(
                deployment(),
                &format!("{container}/securityContext/allowPrivilegeEscalation"),
                json!(true),
            ),
        ),
        (
            Code::CheckInvalidSchedule,
            json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
                   "spec": {"schedule": "61 * * * *", "jobTemplate": {"spec": deployment()["spec"].clone()}}}),
        ),
        (
            Code::CheckInvalidHost,
            json!({"apiVersion": "traefik.io/v1alpha1", "kind": "IngressRoute", "metadata": {"name": "api", "namespace": "shop"},
                   "spec": {"routes": [{"match": "Host(`Shop Example`) && PathPrefix(`/api`)", "services": []}]}}),
        ),
    ];
    let covered: BTreeSet<Code> = cases.iter().map(|(code, _)| *code).collect();
    let object_checks: BTreeSet<Code> = Code::ALL
        .iter()
        .copied()
        .filter(|code| code.stage() == "check" && !NOT_OBJECT_CHECKS.contains(code))
        .collect();
    assert_eq!(covered, object_checks, "one case per code");
    for (code, object) in &cases {
        assert_eq!(
            codes(object, false),
            BTreeSet::from([*code]),
            "the case for {code} triggers exactly it"
        );
    }
}

#[test]
fn init_containers_and_sidecars_are_checked_like_containers() {
    let init = "/spec/template/spec/initContainers/0";
    let with_init = |init_container: Value| {
        set(deployment(), "/spec/template/spec/initContainers", json!([init_container]))
    };
    let valid = deployment().pointer("/spec/template/spec/containers/0").unwrap().clone();
    let sidecar = set(set(valid, "/name", json!("log-tail")), "/ports", json!([]));
    assert!(codes(&with_init(sidecar.clone()), false).is_empty());
    let cases = [
        (set(sidecar.clone(), "/image", json!("busybox:latest")), Code::CheckLatestTag),
        (
            set(sidecar.clone(), "/securityContext/readOnlyRootFilesystem", json!(false)),
            Code::CheckNotRestricted,
        ),
        (set(sidecar.clone(), "/resources", json!({})), Code::CheckMissingResources),
        (set(sidecar.clone(), "/name", json!("api")), Code::CheckDuplicateContainer),
        (
            set(sidecar, "/ports", json!([{"name": "http", "containerPort": 9000}])),
            Code::CheckDuplicatePort,
        ),
    ];
    for (container, code) in cases {
        let object = with_init(container);
        assert_eq!(codes(&object, false), BTreeSet::from([code]), "{init}: {code}");
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
fn a_manifest_that_does_not_parse_is_a_finding() {
    let mut tree = Tree::new();
    tree.insert("manifests/services/api/deployment.yaml", "kind: [Deployment\n");
    let findings = check_tree(&tree, "golden/production", false);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].code, Code::CheckInvalidManifest);
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

/// A tree with the ApplySet parent of namespace `shop` and `files`.
fn tree_with(files: &[(&str, Value)]) -> Tree {
    let mut tree = Tree::new();
    let parent = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "applyset-shop", "namespace": "shop"}});
    tree.insert("applyset.yaml", platc_render::emit::to_yaml(&parent).expect("yaml"));
    for (path, object) in files {
        tree.insert(*path, platc_render::emit::to_yaml(object).expect("yaml"));
    }
    tree
}

fn tree_codes(tree: &Tree) -> Vec<Code> {
    check_tree(tree, "golden/production", false).into_iter().map(|d| d.code).collect()
}

#[test]
fn members_live_in_the_application_namespace() {
    let elsewhere = set(deployment(), "/metadata/namespace", json!("metallb-system"));
    let tree = tree_with(&[("manifests/services/api/deployment.yaml", elsewhere.clone())]);
    assert_eq!(tree_codes(&tree), [Code::CheckMemberOutsideNamespace]);
    let namespace = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}});
    let tree = tree_with(&[("manifests/cluster/namespace-shop.yaml", namespace.clone())]);
    assert_eq!(tree_codes(&tree), [Code::CheckMemberOutsideNamespace], "cluster-scoped");
    // The same objects are right in bootstrap/, and the Deployment in its namespace.
    let tree = tree_with(&[
        ("bootstrap/deployment-api.yaml", elsewhere),
        ("bootstrap/cluster/namespace-shop.yaml", namespace),
        ("manifests/services/api/deployment.yaml", deployment()),
    ]);
    assert_eq!(tree_codes(&tree), []);
}

#[test]
fn kinds_come_from_kubernetes_the_crds_or_a_platform_release() {
    let route = json!({
        "apiVersion": "traefik.io/v1alpha1", "kind": "IngressRoute",
        "metadata": {"name": "api", "namespace": "shop"}, "spec": {"routes": []},
    });
    let secret = json!({
        "apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret",
        "metadata": {"name": "api", "namespace": "shop"}, "spec": {},
    });
    let files = [
        ("manifests/services/api/ingressroute.yaml", route),
        ("manifests/platform/externalsecret-api.yaml", secret),
    ];
    let mut tree = tree_with(&files);
    assert_eq!(tree_codes(&tree), [Code::CheckUnknownKind, Code::CheckUnknownKind]);
    let crd = include_str!("../../crds/traefik-41.3.0/traefik.io_ingressroutes.yaml");
    tree.insert("crds/traefik.io_ingressroutes.yaml", crd);
    let findings = check_tree(&tree, "golden/production", false);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert!(
        findings[0].message.contains("`ExternalSecret` of `external-secrets.io/v1`"),
        "{}",
        findings[0].message
    );
    let helmfile =
        "releases:\n- name: external-secrets\n  chart: external-secrets/external-secrets\n";
    tree.insert("helmfile.yaml", helmfile);
    assert_eq!(tree_codes(&tree), []);
}

#[test]
fn every_rendered_environment_applies_in_stages() {
    let platform = load("infra");
    let tree = render_all_tree(&platform).expect("renders");
    for env in &platform.environments {
        let env_tree = tree.subtree(env.name.as_str());
        assert!(env_tree.iter().any(|(path, _)| path.starts_with("crds/traefik.io_")));
        assert!(
            env_tree
                .get(&format!("bootstrap/cluster/namespace-{}.yaml", env.namespace()))
                .is_some()
        );
        assert!(!env_tree.iter().any(|(path, _)| path.starts_with("manifests/cluster/")));
    }
}
