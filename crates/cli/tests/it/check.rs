//! `platc check` and the pull-request formats of `platc diff`.

use std::fs;

use crate::{basic_copy, platc};

/// A copy of the basic platform with its golden tree and schemas committed.
fn clean_platform() -> tempfile::TempDir {
    let tmp = basic_copy();
    assert_eq!(platc(tmp.path(), &["golden"]).code, 0);
    assert_eq!(platc(tmp.path(), &["schema", "--out", "schema"]).code, 0);
    tmp
}

#[test]
fn a_clean_platform_has_no_findings() {
    let tmp = clean_platform();
    let run = platc(tmp.path(), &["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.stdout, "platc check: 0 finding(s): 0 error(s), 0 warning(s)\n");
}

#[test]
fn drift_stale_schemas_and_missing_probes_are_findings() {
    let tmp = clean_platform();
    // A web service without probes, not rendered into golden yet.
    fs::write(
        tmp.path().join("services/web.yaml"),
        "name: web\nimage: ghcr.io/acme/web\nports:\n  - name: http\n    port: 8080\n",
    )
    .unwrap();
    // The committed schema lost a field, as when the model gains one without regenerating.
    let schema = tmp.path().join("schema/service.schema.json");
    let text = fs::read_to_string(&schema).unwrap();
    fs::write(&schema, text.replace("\"replicas\"", "\"replica_count\"")).unwrap();

    let run = platc(tmp.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let findings: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let codes: std::collections::BTreeSet<&str> =
        findings.as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        std::collections::BTreeSet::from([
            "check::golden_drift",
            "check::missing_probe",
            "check::stale_schema"
        ])
    );
    insta::assert_snapshot!("check-json", run.stdout);

    let run = platc(tmp.path(), &["check", "--format", "github"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.lines().any(|l| l.starts_with("::warning file=services/web.yaml,line=1,col=1,title=check%3A%3Amissing_probe::web service `web` has no readiness or liveness probe")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.lines().any(|l| {
        l.starts_with("::error file=schema/service.schema.json,title=check%3A%3Astale_schema::")
    }));
}

#[test]
fn bad_input_is_exit_2_in_every_format() {
    let tmp = clean_platform();
    fs::write(tmp.path().join("services/api.yaml"), "name: api\nimage: [\n").unwrap();
    for format in ["text", "json", "github"] {
        let run = platc(tmp.path(), &["check", "--format", format]);
        assert_eq!(run.code, 2, "{format}");
        assert!(
            run.stdout.contains("spec::yaml_syntax")
                || run.stdout.contains("spec%3A%3Ayaml_syntax"),
            "{format}: {}",
            run.stdout
        );
    }
}

#[test]
fn markdown_diff_for_a_pull_request() {
    let tmp = clean_platform();
    let prod = tmp.path().join("environments/production.yaml");
    fs::write(
        &prod,
        fs::read_to_string(&prod)
            .unwrap()
            .replace("\"1.4.3\"", "\"1.4.4\"")
            .replace("replicas: 4", "replicas: 5"),
    )
    .unwrap();
    let run = platc(tmp.path(), &["diff", "production", "--format", "markdown"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("diff-markdown", run.stdout);
}

#[test]
fn two_environments_compare_with_from_and_to() {
    let tmp = basic_copy();
    let run = platc(tmp.path(), &["diff", "--from", "local", "--to", "production", "--stat"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.starts_with("local → production: "), "{}", run.stdout);
    assert!(
        run.stdout.contains("      spec.template.spec.containers[name=api].image: ghcr.io/acme/api:latest → ghcr.io/acme/api:1.4.3"),
        "{}",
        run.stdout
    );
    assert_eq!(platc(tmp.path(), &["diff", "--from", "local", "--to", "local"]).code, 0);
    assert_eq!(platc(tmp.path(), &["diff", "--from", "local"]).code, 2, "--to is required");
}

#[test]
fn a_redirect_to_https_without_tls_is_a_finding_at_the_route() {
    let tmp = clean_platform();
    let api = tmp.path().join("services/api.yaml");
    let text = fs::read_to_string(&api).unwrap();
    fs::write(
        &api,
        format!(
            "{text}routes:\n  - host: \"api.{{{{ environment.domain }}}}\"\n    middlewares: [to-https]\nmiddlewares:\n  to-https:\n    redirectScheme: {{scheme: https}}\n"
        ),
    )
    .unwrap();
    assert_eq!(platc(tmp.path(), &["golden"]).code, 0, "a warning does not stop a render");
    let run = platc(tmp.path(), &["check", "--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    // Both environments serve plain HTTP: one finding each, at the route.
    assert!(
        run.stdout
            .contains("serves no TLS, but 1 route middleware(s) redirect to https (`to-https`)"),
        "{}",
        run.stdout
    );
    let findings: Vec<&str> =
        run.stdout.lines().filter(|l| l.contains("redirect_without_tls")).collect();
    assert_eq!(findings.len(), 2, "{}", run.stdout);
    for line in findings {
        assert!(
            line.starts_with("::warning file=services/api.yaml,line=30,col=19,title=render%3A%3Aredirect_without_tls::`"),
            "{line}"
        );
    }
}

#[test]
fn patches_in_effect_are_notes_that_fail_nothing() {
    let tmp = clean_platform();
    let environment = tmp.path().join("environments/production.yaml");
    let text = fs::read_to_string(&environment).unwrap();
    fs::write(
        &environment,
        format!(
            "{text}patches:\n  - target: {{kind: Deployment, name: api}}\n    reason: keep three old ReplicaSets for rollbacks\n    merge: {{spec: {{revisionHistoryLimit: 3}}}}\n"
        ),
    )
    .unwrap();
    assert_eq!(platc(tmp.path(), &["golden"]).code, 0);
    let run = platc(tmp.path(), &["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("note[check::patch_in_effect]: patch 0 changes Deployment `api` in `production`: keep three old ReplicaSets for rollbacks"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("platc check: 0 finding(s): 0 error(s), 0 warning(s); 1 note(s)\n"),
        "{}",
        run.stdout
    );
    let run = platc(tmp.path(), &["check", "--format", "github"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with("::notice file=environments/production.yaml,line="),
        "{}",
        run.stdout
    );
    let golden = fs::read_to_string(
        tmp.path().join("golden/production/manifests/services/api/deployment.yaml"),
    )
    .unwrap();
    assert!(golden.contains("revisionHistoryLimit: 3"), "{golden}");

    // A patch that matches no object stops the render: exit 2, located.
    fs::write(
        &environment,
        fs::read_to_string(&environment).unwrap().replace("name: api}", "name: apii}"),
    )
    .unwrap();
    let run = platc(tmp.path(), &["render", "production"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("error[render::patch_target]: patch 0 targets Deployment `apii`, which `production` does not render"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("environments/production.yaml:"), "{}", run.stderr);
    assert!(run.stderr.contains("help: did you mean `api`?"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "nothing is written: {}", run.stdout);
}
