//! Infrastructure dependencies: outputs, providers, chart values, secrets.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use platc_render::{Object, Tree, render};
use platc_spec::Platform;
use platc_spec::model::{ExternalProvider, Provider};
use platc_spec::names::TypeName;

use crate::load;

fn tree(platform: &Platform, env: &str) -> Tree {
    render(platform, env).expect("renders").tree().expect("serializes")
}

/// The environment variables of a Deployment: `(name, value or secret ref)`.
fn env_of(platform: &Platform, env: &str, service: &str) -> Vec<(String, String)> {
    let rendered = render(platform, env).expect("renders");
    let deployment = rendered
        .objects
        .iter()
        .find_map(|p| match &p.object {
            Object::Deployment(d) if p.object.name() == service => Some(d),
            _ => None,
        })
        .expect("deployment");
    let container =
        &deployment.spec.as_ref().unwrap().template.spec.as_ref().unwrap().containers[0];
    container
        .env
        .iter()
        .flatten()
        .map(|e| {
            let value = match (&e.value, &e.value_from) {
                (Some(v), _) => v.clone(),
                (None, Some(from)) => {
                    let r = from.secret_key_ref.as_ref().expect("secret ref");
                    format!("<secret {}/{}>", r.name, r.key)
                }
                _ => String::new(),
            };
            (e.name.clone(), value)
        })
        .collect()
}

fn vars_with_prefix(vars: &[(String, String)], prefix: &str) -> String {
    let mut out = String::new();
    for (name, value) in vars.iter().filter(|(n, _)| n.starts_with(prefix)) {
        let _ = writeln!(out, "{name}={value}");
    }
    out
}

#[test]
fn every_type_has_the_same_variables_with_either_provider() {
    let platform = load("infra");
    let helm = env_of(&platform, "local", "orders");
    let external = env_of(&platform, "production", "orders");
    let names = |vars: &[(String, String)]| vars.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&helm), names(&external), "a service never sees which provider it got");
    for (dependency, prefix) in [
        ("orders-db", "ORDERS_DB_"),
        ("legacy-db", "LEGACY_DB_"),
        ("cache", "CACHE_"),
        ("jobs", "JOBS_"),
        ("events", "EVENTS_"),
    ] {
        let local = tree(&platform, "local");
        let values =
            local.get(&format!("infra/{dependency}/values.yaml")).expect("in-cluster values");
        insta::assert_snapshot!(
            format!("infra-{dependency}-helm"),
            format!(
                "# env\n{}# infra/{dependency}/values.yaml\n{values}",
                vars_with_prefix(&helm, prefix)
            )
        );
        let production = tree(&platform, "production");
        assert!(
            production.get(&format!("infra/{dependency}/values.yaml")).is_none(),
            "external: no release"
        );
        insta::assert_snapshot!(
            format!("infra-{dependency}-external"),
            vars_with_prefix(&external, prefix)
        );
    }
}

#[test]
fn switching_a_provider_changes_values_not_variable_names() {
    let platform = load("infra");
    let mut switched = platform.clone();
    let staging =
        switched.environments.iter_mut().find(|e| e.name.as_str() == "staging").expect("staging");
    staging.infrastructure.types.insert(
        TypeName::new("postgres").unwrap(),
        Provider::External(ExternalProvider {
            host: "orders.cluster-xyz.eu-central-1.rds.amazonaws.com".to_owned(),
            ..ExternalProvider::default()
        }),
    );

    for service in ["orders", "worker"] {
        let before = env_of(&platform, "staging", service);
        let after = env_of(&switched, "staging", service);
        let names =
            |vars: &[(String, String)]| vars.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&before), names(&after), "{service}: the same variables");
        assert_ne!(before, after, "{service}: pointing at the new host");
    }

    let before = tree(&platform, "staging");
    let after = tree(&switched, "staging");
    let diff = platc_render::diff_trees(&before, &after);
    let changed: BTreeSet<&str> = diff.changes.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        changed,
        BTreeSet::from([
            "helmfile.yaml",
            "infra/orders-db/values.yaml",
            "manifests/platform/externalsecret-orders-db-credentials.yaml",
            "manifests/services/orders/deployment.yaml",
            // Egress now goes to the external host instead of the release.
            "manifests/services/orders/networkpolicy.yaml",
            "manifests/services/worker/deployment.yaml",
            "manifests/services/worker/networkpolicy.yaml",
        ])
    );
}

#[test]
fn templates_read_the_outputs_of_used_dependencies() {
    let platform = load("infra");
    let vars = env_of(&platform, "production", "orders");
    let dsn = vars.iter().find(|(n, _)| n == "REPORT_DSN").expect("REPORT_DSN");
    assert_eq!(
        dsn.1,
        "mysql://reader@legacy.abc.eu-central-1.rds.amazonaws.com:3306/reports?ssl-mode=REQUIRED"
    );
}

/// The recorded keys of a release's chart: the type's that pins it, or the
/// platform component's.
fn recorded_keys<'a>(
    platform: &'a Platform,
    release: &platc_render::helm::Release,
) -> Option<&'a platc_render::charts::KeyList> {
    let from_type = platform.types.iter().filter_map(|t| t.helm.as_ref()).find(|helm| {
        helm.chart.name == release.chart.name && helm.chart.version == release.chart.version
    });
    match from_type {
        Some(helm) => helm.recorded_keys.as_deref(),
        None => platc_render::charts::keys(&release.chart.name, &release.chart.version),
    }
}

#[test]
fn rendered_values_use_only_keys_of_the_pinned_charts() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut platforms: Vec<(String, Platform)> =
        ["basic", "infra", "routing"].iter().map(|name| ((*name).to_owned(), load(name))).collect();
    platforms.push((
        "example".to_owned(),
        platc_spec::load_dir(&example).expect("example loads").platform,
    ));
    // Traefik 2 with trusted proxies goes through the chart's additionalArguments.
    let mut legacy = load("routing");
    let env = legacy.environments.iter_mut().find(|e| e.name.as_str() == "legacy").expect("legacy");
    env.ingress.trusted_proxies = vec![platc_spec::names::IpRange::new("10.40.0.0/16").unwrap()];
    env.ingress.proxy_protocol = true;
    platforms.push(("routing with trusted proxies".to_owned(), legacy));

    let mut checked = BTreeSet::new();
    for (name, platform) in &platforms {
        for env in &platform.environments {
            let rendered = render(platform, env.name.as_str()).expect("renders");
            // external-secrets' one value, `installCRDs`, is checked against
            // its chart's values.schema.json in CI, not by a recorded key list.
            for release in rendered.releases.iter().filter(|r| r.chart.name != "external-secrets") {
                let keys = recorded_keys(platform, release).unwrap_or_else(|| {
                    panic!("no key list for {} {}", release.chart.name, release.chart.version)
                });
                for path in platc_render::charts::paths(&release.values) {
                    assert!(
                        keys.allows(&path),
                        "{name}/{}/{}: `{}` is not a key of {} {}",
                        env.name,
                        release.name,
                        platc_render::charts::dotted(&path),
                        release.chart.name,
                        release.chart.version
                    );
                }
                checked.insert(format!("{} {}", release.chart.name, release.chart.version));
            }
        }
    }
    let expected = [
        "kafka 32.4.4",
        "metallb 0.16.1",
        // The example platform's own types (types/mongodb.yaml, types/s3.yaml).
        "minio 17.0.23",
        "mongodb 17.0.2",
        "mysql 14.0.5",
        "postgresql 17.1.0",
        "rabbitmq 16.0.16",
        "redis 23.1.1",
        "traefik 26.0.0",
        "traefik 41.3.0",
    ];
    assert_eq!(
        checked.iter().map(String::as_str).collect::<Vec<_>>(),
        expected,
        "every pinned chart is exercised"
    );

    let traefik_2 = render(&platforms.last().unwrap().1, "legacy").expect("renders");
    let values = &traefik_2.releases.iter().find(|r| r.name == "traefik").expect("traefik").values;
    assert_eq!(
        values["additionalArguments"],
        serde_json::json!([
            "--entryPoints.web.forwardedHeaders.trustedIPs=10.40.0.0/16",
            "--entryPoints.web.proxyProtocol.trustedIPs=10.40.0.0/16",
            "--entryPoints.websecure.forwardedHeaders.trustedIPs=10.40.0.0/16",
            "--entryPoints.websecure.proxyProtocol.trustedIPs=10.40.0.0/16",
        ])
    );
}

#[test]
fn unknown_extra_chart_values_are_errors_with_a_suggestion() {
    let mut platform = load("infra");
    let local =
        platform.environments.iter_mut().find(|e| e.name.as_str() == "local").expect("local");
    let Some(Provider::Helm(postgres)) = local.infrastructure.types.get_mut("postgres") else {
        panic!("helm postgres")
    };
    postgres
        .values
        .insert("primary".to_owned(), serde_json::json!({"persistance": {"size": "2Gi"}}));
    let diagnostics = render(&platform, "local").expect_err("must fail");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(
        diagnostics[0].message,
        "`primary.persistance.size` is not a value of the postgresql chart 17.1.0"
    );
    assert_eq!(diagnostics[0].help.as_deref(), Some("did you mean `persistence`?"));
    assert_eq!(
        diagnostics[0].pointer.as_deref(),
        Some("/infrastructure/postgres/values/primary/persistance/size")
    );

    // Known keys merge over platc's values.
    let Some(Provider::Helm(postgres)) =
        platform.environments[0].infrastructure.types.get_mut("postgres")
    else {
        panic!()
    };
    postgres.values.clear();
    postgres.values.insert(
        "primary".to_owned(),
        serde_json::json!({"persistence": {"storageClass": "standard"}}),
    );
    let local = tree(&platform, "local");
    let values = local.get("infra/orders-db/values.yaml").expect("values");
    assert!(values.contains("persistence:\n    size: 1Gi\n    storageClass: standard"), "{values}");
}

#[test]
fn secrets_are_values_only_in_development() {
    let platform = load("infra");
    let local = render(&platform, "local").expect("renders");
    let secrets: Vec<&str> = local
        .objects
        .iter()
        .filter(|p| matches!(p.object, Object::Secret(_)))
        .map(|p| p.object.name())
        .collect();
    assert_eq!(
        secrets,
        [
            "cache-credentials",
            "events-credentials",
            "jobs-credentials",
            "legacy-db-credentials",
            "orders-db-credentials",
            "stripe"
        ]
    );
    for placed in &local.objects {
        if let Object::Secret(secret) = &placed.object {
            let labels = secret.metadata.labels.as_ref().expect("labels");
            assert_eq!(
                labels.get(platc_render::secrets::DEVELOPMENT_LABEL).map(String::as_str),
                Some("true")
            );
        }
    }
    for env in ["staging", "production"] {
        let rendered = render(&platform, env).expect("renders");
        assert!(
            !rendered.objects.iter().any(|p| matches!(p.object, Object::Secret(_))),
            "{env}: no Secret objects"
        );
        let stream = rendered.stream().expect("serializes");
        assert!(
            !stream.contains("stringData") && !stream.contains("sk_test_dummy"),
            "{env}: no secret values"
        );
        let external: Vec<&str> = rendered
            .objects
            .iter()
            .filter(|p| matches!(p.object, Object::ExternalSecret(_)))
            .map(|p| p.object.name())
            .collect();
        assert!(external.contains(&"stripe"), "{env}: service secrets come from the store");
    }
    let staging = tree(&platform, "staging");
    insta::assert_snapshot!(
        "infra-staging-externalsecret-orders-db",
        staging
            .get("manifests/platform/externalsecret-orders-db-credentials.yaml")
            .expect("externalsecret")
    );
    insta::assert_snapshot!(
        "infra-staging-helmfile",
        staging.get("helmfile.yaml").expect("helmfile")
    );
    insta::assert_snapshot!(
        "infra-staging-traefik",
        staging.get("infra/traefik/values.yaml").expect("traefik")
    );
    let local = tree(&platform, "local");
    insta::assert_snapshot!("infra-local-helmfile", local.get("helmfile.yaml").expect("helmfile"));
    insta::assert_snapshot!(
        "infra-local-traefik",
        local.get("infra/traefik/values.yaml").expect("traefik")
    );
}

#[test]
fn kafka_outputs_carry_the_client_settings() {
    let platform = load("infra");
    let local = env_of(&platform, "local", "orders");
    let get = |vars: &[(String, String)], name: &str| {
        vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    };
    assert_eq!(get(&local, "EVENTS_SECURITY_PROTOCOL").as_deref(), Some("SASL_PLAINTEXT"));
    assert_eq!(get(&local, "EVENTS_URL").as_deref(), Some("events.local.svc.cluster.local:9092"));
    let production = env_of(&platform, "production", "orders");
    assert_eq!(get(&production, "EVENTS_SECURITY_PROTOCOL").as_deref(), Some("SASL_SSL"));
    let kafka = platform.types.get("kafka").expect("built in");
    assert_eq!(kafka.env_suffixes().len(), 7);
}
