//! Rendered objects, reviewed as snapshots.

use platc_render::render;

use crate::load;

use platc_spec::Code;

#[test]
fn basic_production_objects() {
    let platform = load("basic");
    let rendered = render(&platform, "production").expect("renders");
    let paths: Vec<String> = rendered.objects.iter().map(platc_render::Placed::path).collect();
    assert_eq!(
        paths,
        [
            "bootstrap/cluster/namespace-shop.yaml",
            "manifests/platform/networkpolicy-allow-dns.yaml",
            "manifests/platform/networkpolicy-default-deny.yaml",
            "manifests/services/api/configmap.yaml",
            "manifests/services/api/deployment.yaml",
            "manifests/services/api/networkpolicy.yaml",
            "manifests/services/api/poddisruptionbudget.yaml",
            "manifests/services/api/service.yaml",
            "manifests/services/api/serviceaccount.yaml",
            "manifests/services/mailer/deployment.yaml",
            "manifests/services/mailer/networkpolicy.yaml",
            "manifests/services/mailer/serviceaccount.yaml",
        ]
    );
    // The CRDs are upstream files, not platc's output.
    let tree = rendered.tree().expect("serializes");
    for (path, yaml) in tree.iter().filter(|(path, _)| !platc_render::crds::is_crd_path(path)) {
        let name =
            path.trim_start_matches("manifests/").trim_end_matches(".yaml").replace('/', "__");
        insta::assert_snapshot!(format!("basic-production__{name}"), yaml);
    }
}

#[test]
fn local_development_defaults() {
    let platform = load("basic");
    let rendered = render(&platform, "local").expect("renders");
    let stream = rendered.stream().expect("serializes");
    // No tag anywhere: a development environment runs `latest`, pulled only if absent.
    assert!(stream.contains("image: ghcr.io/acme/api:latest"), "{stream}");
    assert!(!stream.contains("imagePullPolicy: Always"));
    // The namespace defaults to the environment's name.
    assert!(stream.contains("namespace: local"));
    insta::assert_snapshot!("basic-local-stream", stream);
}

#[test]
fn overrides_layer_over_service_and_defaults() {
    let platform = load("basic");
    let rendered = render(&platform, "production").expect("renders");
    let tree = rendered.tree().expect("serializes");
    let api = tree.get("manifests/services/api/deployment.yaml").expect("api deployment");
    assert!(api.contains("replicas: 4"), "override replicas");
    // Requests from the service, limits from the override.
    assert!(
        api.contains("requests:\n            cpu: 250m\n            ephemeral-storage: 50Mi\n            memory: 256Mi"),
        "{api}"
    );
    assert!(
        api.contains("limits:\n            cpu: \"1\"\n            ephemeral-storage: 2Gi\n            memory: 1Gi"),
        "{api}"
    );
    // The override replaces LOG_LEVEL in place and appends REGION.
    let log = api.find("name: LOG_LEVEL").expect("LOG_LEVEL");
    let region = api.find("name: REGION").expect("REGION");
    assert!(log < region);
    assert!(api.contains("value: warn"));
    let mailer = tree.get("manifests/services/mailer/deployment.yaml").expect("mailer deployment");
    // Platform defaults: requests 50m/64Mi, memory limit 256Mi, CPU limit = request.
    assert!(
        mailer.contains("limits:\n            cpu: 50m\n            ephemeral-storage: 2Gi\n            memory: 256Mi"),
        "{mailer}"
    );
    assert!(mailer.contains("image: ghcr.io/acme/mailer:2026.11.2"), "default tag");
}

#[test]
fn every_pod_meets_the_restricted_standard() {
    let platform = load("basic");
    for env in ["local", "production"] {
        let rendered = render(&platform, env).expect("renders");
        for placed in &rendered.objects {
            let platc_render::Object::Deployment(deployment) = &placed.object else {
                continue;
            };
            let pod =
                deployment.spec.as_ref().and_then(|s| s.template.spec.as_ref()).expect("pod spec");
            assert_eq!(pod.automount_service_account_token, Some(false));
            let psc = pod.security_context.as_ref().expect("pod security context");
            assert_eq!(psc.run_as_non_root, Some(true));
            assert_eq!(
                psc.seccomp_profile.as_ref().map(|s| s.type_.as_str()),
                Some("RuntimeDefault")
            );
            for container in &pod.containers {
                let sc = container.security_context.as_ref().expect("container security context");
                assert_eq!(sc.allow_privilege_escalation, Some(false));
                assert_eq!(sc.read_only_root_filesystem, Some(true));
                assert_eq!(
                    sc.capabilities.as_ref().and_then(|c| c.drop.clone()),
                    Some(vec!["ALL".to_owned()])
                );
                let resources = container.resources.as_ref().expect("resources");
                for list in [&resources.requests, &resources.limits] {
                    let list = list.as_ref().expect("requests and limits");
                    assert!(list.contains_key("cpu") && list.contains_key("memory"));
                }
                let mounts = container.volume_mounts.as_ref().expect("mounts");
                assert!(mounts.iter().any(|m| m.mount_path == "/tmp"), "writable /tmp");
            }
        }
    }
}

#[test]
fn template_errors_point_at_the_field() {
    let mut platform = load("basic");
    let api = platform.services.iter_mut().find(|s| s.name.as_str() == "api").expect("api");
    api.env.insert("BROKEN".try_into().unwrap(), "{{ environment.domian }}".into());
    let diagnostics = render(&platform, "production").expect_err("must fail");
    assert_eq!(diagnostics.len(), 1);
    let d = &diagnostics[0];
    assert_eq!(d.code, Code::RenderTemplate);
    assert_eq!(d.message, "unknown template variable `environment.domian`");
    assert_eq!(d.help.as_deref(), Some("did you mean `environment.domain`?"));
    assert_eq!(d.pointer.as_deref(), Some("/env/BROKEN"));
    assert_eq!(d.origin, Some(platc_spec::Origin::Service("api".try_into().unwrap())));
}

#[test]
fn a_limit_below_its_request_is_an_error_in_the_file_that_set_it() {
    let mut platform = load("basic");
    let prod = platform
        .environments
        .iter_mut()
        .find(|e| e.name.as_str() == "production")
        .expect("production");
    let resources =
        prod.overrides.get_mut("api").and_then(|o| o.resources.as_mut()).expect("override");
    resources.limits.memory = Some("128Mi".try_into().unwrap());
    let diagnostics = render(&platform, "production").expect_err("must fail");
    assert_eq!(diagnostics[0].code, Code::RenderLimitBelowRequest);
    assert_eq!(diagnostics[0].pointer.as_deref(), Some("/overrides/api/resources/limits/memory"));
    assert_eq!(
        diagnostics[0].message,
        "the memory limit 128Mi is below the memory request 256Mi in `production`"
    );
}

#[test]
fn unknown_environment_suggests() {
    let platform = load("basic");
    let diagnostics = render(&platform, "prodction").expect_err("must fail");
    assert_eq!(diagnostics[0].message, "unknown environment `prodction`");
    assert_eq!(diagnostics[0].help.as_deref(), Some("did you mean `production`?"));
}
