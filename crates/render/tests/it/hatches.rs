//! Escape hatches and patches: every field rendered where Kubernetes has
//! it, overrides merged (maps key by key, lists replaced), sidecars and init
//! containers hardened like the service's container, and patches applied,
//! kept typed, refused when they match nothing or break their object.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Container, PodSpec};
use platc_render::{Object, Rendered, render};
use platc_spec::model::{Patch, PatchKind, PatchTarget, Service};
use platc_spec::names::{EnvName, EnvVarName};
use platc_spec::{Code, Diagnostic, Origin, Platform, Severity};
use serde_json::{Value, json};

use crate::load;

fn deployment<'r>(rendered: &'r Rendered, name: &str) -> &'r Deployment {
    rendered
        .objects
        .iter()
        .find_map(|placed| match &placed.object {
            Object::Deployment(d) if d.metadata.name.as_deref() == Some(name) => Some(d.as_ref()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no Deployment `{name}`"))
}

fn pod_spec(deployment: &Deployment) -> &PodSpec {
    deployment.spec.as_ref().and_then(|s| s.template.spec.as_ref()).expect("pod spec")
}

fn file(rendered: &Rendered, path: &str) -> String {
    let tree = rendered.tree().expect("serializes");
    tree.get(path).unwrap_or_else(|| panic!("no {path}")).to_owned()
}

fn api(platform: &mut Platform) -> &mut Service {
    platform.services.iter_mut().find(|s| s.name.as_str() == "api").expect("api")
}

fn refused(platform: &Platform, env: &str) -> Vec<Diagnostic> {
    match render(platform, env) {
        Ok(_) => panic!("`{env}` renders, but should be refused"),
        Err(diagnostics) => diagnostics,
    }
}

/// The one error of `code` of a refused render: its origin, pointer, message
/// and help.
fn error(platform: &Platform, env: &str, code: Code) -> (Origin, String, String, String) {
    let diagnostics = refused(platform, env);
    let found: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.code == code).collect();
    assert_eq!(found.len(), 1, "{diagnostics:#?}");
    let d = found[0];
    (
        d.origin.clone().expect("located"),
        d.pointer.clone().expect("located"),
        d.message.clone(),
        d.help.clone().unwrap_or_default(),
    )
}

fn production() -> Origin {
    Origin::Environment(EnvName::new("production").expect("name"))
}

#[test]
fn every_escape_hatch_is_rendered() {
    let platform = load("hatches");
    let rendered = render(&platform, "staging").expect("renders");
    insta::assert_snapshot!(
        "hatches-staging-api",
        file(&rendered, "manifests/services/api/deployment.yaml")
    );
    insta::assert_snapshot!(
        "hatches-staging-migrate",
        file(&rendered, "manifests/services/migrate/job.yaml")
    );

    let pod = pod_spec(deployment(&rendered, "api"));
    let init: Vec<(&str, Option<&str>)> = pod
        .init_containers
        .iter()
        .flatten()
        .map(|c| (c.name.as_str(), c.restart_policy.as_deref()))
        .collect();
    // Sidecars first, as native sidecars, then the init containers.
    assert_eq!(
        init,
        [("db-proxy", Some("Always")), ("log-tail", Some("Always")), ("wait-for-db", None)]
    );
    // A constraint without a selector counts the service's own pods; one
    // with a selector keeps it.
    let selectors: Vec<Value> = pod
        .topology_spread_constraints
        .iter()
        .flatten()
        .map(|c| serde_json::to_value(&c.label_selector).expect("json"))
        .collect();
    assert_eq!(
        selectors,
        [
            json!({"matchLabels": {"app.kubernetes.io/instance": "api", "app.kubernetes.io/name": "api"}}),
            json!({"matchLabels": {"app.kubernetes.io/part-of": "shop"}})
        ]
    );
    // Templates render in sidecars and init containers.
    let proxy = &pod.init_containers.as_ref().expect("init containers")[0];
    assert_eq!(
        proxy.args.as_deref().expect("args")[0],
        "--upstream=db.shop.svc.cluster.local:5432"
    );
    // The migration's sidecar is native too, so the Job completes.
    let job = file(&rendered, "manifests/services/migrate/job.yaml");
    assert!(job.contains("restartPolicy: Always"), "{job}");
}

#[test]
fn overrides_merge_maps_and_replace_lists() {
    let platform = load("hatches");
    let rendered = render(&platform, "production").expect("renders");
    let deployment = deployment(&rendered, "api");
    let pod = pod_spec(deployment);
    let template = &deployment.spec.as_ref().expect("spec").template;
    let annotations =
        template.metadata.as_ref().and_then(|m| m.annotations.clone()).expect("annotations");
    // Annotations merge: the override's value wins, the service's others stay.
    assert_eq!(annotations["example.com/team"], "payments");
    assert_eq!(annotations["example.com/on-call"], "payments-primary");
    assert_eq!(annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"], "true");
    assert!(annotations.contains_key("platc.dev/config-checksum"), "platc's own stay");
    let selector = pod.node_selector.clone().expect("node selector");
    assert_eq!(selector.len(), 2, "{selector:?}");
    // `tolerations: []` removes the service's.
    assert_eq!(pod.tolerations, None);
    // Affinity merges kind by kind: the service's node affinity stays, the
    // override's pod anti-affinity replaces the service's whole.
    let affinity = pod.affinity.as_ref().expect("affinity");
    assert!(affinity.node_affinity.is_some());
    let anti = affinity.pod_anti_affinity.as_ref().expect("anti-affinity");
    assert!(anti.preferred_during_scheduling_ignored_during_execution.is_none());
    assert_eq!(
        anti.required_during_scheduling_ignored_during_execution.as_ref().map(Vec::len),
        Some(1)
    );
    assert_eq!(pod.termination_grace_period_seconds, Some(60));
    assert_eq!(pod.priority_class_name.as_deref(), Some("shop-critical"), "kept");
    // Lifecycle merges hook by hook.
    let lifecycle = pod.containers[0].lifecycle.as_ref().expect("lifecycle");
    assert_eq!(
        lifecycle.pre_stop.as_ref().and_then(|h| h.sleep.as_ref()).map(|s| s.seconds),
        Some(20)
    );
    assert!(lifecycle.post_start.is_some());
    // Lists replace: the override's one sidecar, no init container.
    let init: Vec<(&str, Option<&str>)> = pod
        .init_containers
        .iter()
        .flatten()
        .map(|c| (c.name.as_str(), c.image.as_deref()))
        .collect();
    assert_eq!(init, [("db-proxy", Some("ghcr.io/acme/db-proxy:2.2.0"))]);
    // Volumes were not overridden.
    let volumes: Vec<&str> = pod.volumes.iter().flatten().map(|v| v.name.as_str()).collect();
    assert_eq!(volumes, ["tmp", "config", "cache", "shm", "signing", "ca", "logs"]);
}

/// What every container of a pod must have, as the service's does.
fn assert_hardened(container: &Container, service: &Container) {
    assert_eq!(container.security_context, service.security_context, "{}", container.name);
    assert_eq!(container.image_pull_policy.as_deref(), Some("IfNotPresent"));
    let mounts = container.volume_mounts.as_ref().expect("mounts");
    assert_eq!((mounts[0].name.as_str(), mounts[0].mount_path.as_str()), ("tmp", "/tmp"));
    let resources = container.resources.as_ref().expect("resources");
    for list in [&resources.requests, &resources.limits] {
        let list = list.as_ref().expect("requests and limits");
        assert!(list.contains_key("cpu") && list.contains_key("memory"), "{}", container.name);
    }
}

#[test]
fn sidecars_and_init_containers_are_hardened() {
    let platform = load("hatches");
    let rendered = render(&platform, "staging").expect("renders");
    let pod = pod_spec(deployment(&rendered, "api"));
    let service = &pod.containers[0];
    let security = service.security_context.as_ref().expect("security context");
    assert_eq!(security.read_only_root_filesystem, Some(true));
    assert_eq!(security.allow_privilege_escalation, Some(false));
    for container in pod.init_containers.iter().flatten() {
        assert_hardened(container, service);
    }
    // Unset resources come from the platform's defaults, as for services.
    let tail = &pod.init_containers.as_ref().expect("init")[1];
    let resources =
        serde_json::to_value(tail.resources.as_ref().expect("resources")).expect("json");
    assert_eq!(
        resources,
        json!({
            "limits": {"cpu": "50m", "ephemeral-storage": "2Gi", "memory": "256Mi"},
            "requests": {"cpu": "50m", "ephemeral-storage": "50Mi", "memory": "64Mi"}
        })
    );
    // Every rendered manifest passes the output checks, init containers included.
    let tree = rendered.tree().expect("serializes");
    let findings = platc_render::check::check_tree(&tree, "staging", false);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn secrets_of_sidecars_and_volumes_reach_the_secret_store() {
    let platform = load("hatches");
    let rendered = render(&platform, "staging").expect("renders");
    let proxy = file(&rendered, "manifests/platform/externalsecret-db-proxy.yaml");
    assert!(
        proxy.contains("key: shop/staging/db-proxy") && proxy.contains("property: password"),
        "{proxy}"
    );
    let signing = file(&rendered, "manifests/platform/externalsecret-api-signing.yaml");
    assert!(signing.contains("property: private.pem"), "{signing}");
    // Secret files are readable by the pod's group only.
    let deployment = file(&rendered, "manifests/services/api/deployment.yaml");
    assert!(deployment.contains("defaultMode: 288"), "{deployment}");
}

#[test]
fn plaintext_in_a_sidecar_is_refused() {
    let mut platform = load("hatches");
    let environment =
        platform.environments.iter_mut().find(|e| e.name.as_str() == "production").expect("env");
    let sidecars = environment
        .overrides
        .values_mut()
        .next()
        .and_then(|o| o.sidecars.as_mut())
        .expect("override sidecars");
    sidecars[0].env.insert(
        EnvVarName::new("UPSTREAM_PASSWORD").expect("name"),
        "correct-horse-battery".to_owned(),
    );
    let (origin, pointer, message, _) = error(&platform, "production", Code::RenderPlaintextSecret);
    assert_eq!(origin, production());
    assert_eq!(pointer, "/overrides/api/sidecars/0/env/UPSTREAM_PASSWORD");
    assert!(message.contains("`UPSTREAM_PASSWORD`"), "{message}");

    // An init container's argument with a URL password, in the service file.
    let mut platform = load("hatches");
    api(&mut platform).init_containers[0].args =
        vec!["--db=postgres://app:s3cr3t-pw@db:5432/app".to_owned()];
    let (origin, pointer, _, _) = error(&platform, "staging", Code::RenderPlaintextSecret);
    assert_eq!(origin, Origin::Service(api(&mut platform).name.clone()));
    assert_eq!(pointer, "/initContainers/0/args/0");
}

#[test]
fn a_patch_changes_its_object() {
    let platform = load("hatches");
    let rendered = render(&platform, "production").expect("renders");
    let deployment = deployment(&rendered, "api");
    let spec = deployment.spec.as_ref().expect("spec");
    assert_eq!(spec.revision_history_limit, Some(3));
    let dns = pod_spec(deployment).dns_config.as_ref().expect("dnsConfig");
    assert_eq!(
        serde_json::to_value(dns).expect("json"),
        json!({"options": [{"name": "ndots", "value": "2"}]})
    );
    // The rest of the object is as built.
    assert_eq!(pod_spec(deployment).containers[0].name, "api");

    // A Job is named after its content, so the patched Job has a new name.
    let job_name = |rendered: &Rendered| {
        rendered
            .objects
            .iter()
            .find_map(|p| match &p.object {
                Object::Job(job) => job.metadata.name.clone(),
                _ => None,
            })
            .expect("a Job")
    };
    let mut unpatched = platform.clone();
    unpatched.environments.iter_mut().for_each(|e| e.patches.clear());
    let before = job_name(&render(&unpatched, "production").expect("renders"));
    let after = job_name(&rendered);
    assert_ne!(before, after);
    assert!(after.starts_with("migrate-"), "{after}");
    let job = file(&rendered, "manifests/services/migrate/job.yaml");
    assert!(job.contains("activeDeadlineSeconds: 7200"), "{job}");
    assert!(job.contains(&format!("name: {after}")), "{job}");
}

fn with_patch(kind: PatchKind, name: &str, merge: Value) -> Platform {
    let mut platform = load("hatches");
    let environment =
        platform.environments.iter_mut().find(|e| e.name.as_str() == "production").expect("env");
    environment.patches = vec![Patch {
        target: PatchTarget { kind, name: name.to_owned(), namespace: None },
        reason: "a test".to_owned(),
        merge: match merge {
            Value::Object(map) => map,
            other => panic!("a patch is a mapping, not {other}"),
        },
    }];
    platform
}

#[test]
fn a_patch_that_targets_nothing_is_refused() {
    let platform = with_patch(PatchKind::Deployment, "apii", json!({"spec": {"replicas": 3}}));
    let (origin, pointer, message, help) = error(&platform, "production", Code::RenderPatchTarget);
    assert_eq!(origin, production());
    assert_eq!(pointer, "/patches/0/target");
    assert_eq!(message, "patch 0 targets Deployment `apii`, which `production` does not render");
    assert_eq!(help, "did you mean `api`?");

    let platform = with_patch(PatchKind::Secret, "stripe", json!({"data": {}}));
    let (_, _, _, help) = error(&platform, "production", Code::RenderPatchTarget);
    assert_eq!(help, "`production` renders no Secret at all");
}

#[test]
fn a_patch_that_breaks_the_type_is_refused() {
    // A field the kind does not have.
    let platform = with_patch(
        PatchKind::Deployment,
        "api",
        json!({"spec": {"template": {"spec": {"dnsConfg": {"options": []}}}}}),
    );
    let (origin, pointer, message, help) = error(&platform, "production", Code::RenderPatchType);
    assert_eq!(origin, production());
    assert_eq!(pointer, "/patches/0/merge/spec/template/spec/dnsConfg");
    assert!(message.contains("`spec.template.spec.dnsConfg`"), "{message}");
    assert_eq!(help, "did you mean `dnsConfig`?");

    // A value of the wrong type.
    let platform = with_patch(PatchKind::Deployment, "api", json!({"spec": {"replicas": "three"}}));
    let (_, pointer, message, _) = error(&platform, "production", Code::RenderPatchType);
    assert_eq!(pointer, "/patches/0/merge/spec/replicas");
    assert!(message.contains("not a valid Deployment at `spec.replicas`"), "{message}");

    // Another object's identity.
    let platform = with_patch(PatchKind::Service, "api", json!({"metadata": {"name": "api-v2"}}));
    let (_, pointer, message, _) = error(&platform, "production", Code::RenderPatchType);
    assert_eq!(pointer, "/patches/0/merge/metadata/name");
    assert!(message.contains("changes the name of Service shop/api"), "{message}");

    // Removing a required field.
    let platform = with_patch(PatchKind::Deployment, "api", json!({"spec": {"selector": null}}));
    let (_, pointer, message, _) = error(&platform, "production", Code::RenderPatchType);
    assert_eq!(message, "patch 0 removes `spec.selector`, which a Deployment requires");
    assert_eq!(pointer, "/patches/0/merge/spec");
}

#[test]
fn plaintext_in_a_patch_is_refused() {
    let platform = with_patch(
        PatchKind::Deployment,
        "api",
        json!({"spec": {"template": {"spec": {"containers": [
            {"name": "api", "env": [{"name": "DB_PASSWORD", "value": "hunter2hunter2"}]}
        ]}}}}),
    );
    let (origin, pointer, message, _) = error(&platform, "production", Code::RenderPlaintextSecret);
    assert_eq!(origin, production());
    assert_eq!(pointer, "/patches/0/merge/spec/template/spec/containers/0/env/0/value");
    assert!(message.contains("patch 0"), "{message}");
}

#[test]
fn patches_in_effect_are_listed_for_review() {
    let platform = load("hatches");
    let notes = platc_render::patch::in_effect(&platform);
    let found: Vec<(Severity, Code, &str, &str)> = notes
        .iter()
        .map(|d| (d.severity, d.code, d.message.as_str(), d.pointer.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(
        found,
        [
            (
                Severity::Note,
                Code::CheckPatchInEffect,
                "patch 0 changes Deployment `api` in `production`: fewer DNS lookups for external hosts until platc models dnsConfig",
                "/patches/0"
            ),
            (
                Severity::Note,
                Code::CheckPatchInEffect,
                "patch 1 changes Job `migrate` in `production`: a migration gets two hours in production, where tables are large",
                "/patches/1"
            ),
        ]
    );
}
