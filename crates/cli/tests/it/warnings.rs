//! Warnings: each cause reported once with every place it affects, on
//! `render` and `check` alike; `-q` and `-v`.

use std::fs;

use crate::{example_copy, platc};

/// The example platform with staging trusting no proxy: 17 route
/// middlewares of 11 services judge clients by address there.
fn staging_without_trusted_proxies() -> tempfile::TempDir {
    let tmp = example_copy();
    let staging = tmp.path().join("environments/staging.yaml");
    let text = fs::read_to_string(&staging).expect("staging");
    let without = text.replace("  trustedProxies:\n    - 10.20.0.0/16\n", "");
    assert_ne!(text, without, "the example's staging trusts its load balancer");
    fs::write(&staging, without).expect("write");
    tmp
}

#[test]
fn one_warning_per_cause_on_render() {
    let tmp = staging_without_trusted_proxies();
    let run = platc(tmp.path(), &["render", "staging"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("warning[render::untrusted_client_ip]").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "`staging` trusts no proxy, but 18 route middleware(s) judge clients by address \
             (`card-testing-limit`, `login-rate-limit`, `office-only`, `partner-rate-limit`, `rate-limit`)"
        ),
        "{}",
        run.stderr
    );
    // The cause is located in the environment, the places it affects listed:
    // the first five and a count of the rest.
    assert!(run.stderr.contains("--> environments/staging.yaml:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("= note: also at 18 more place(s): services/admin-ui.yaml:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(", and 13 more\n"), "{}", run.stderr);
    assert!(run.stderr.ends_with("platc: 1 warning(s)\n"), "{}", run.stderr);
    // Production and local trust their proxies: nothing to say.
    let production = platc(tmp.path(), &["render", "production"]);
    assert_eq!(production.stderr, "");
}

#[test]
fn one_finding_per_cause_on_check() {
    let tmp = staging_without_trusted_proxies();
    let run = platc(tmp.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "a warning is a finding\n{}", run.stdout);
    let findings: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let findings: Vec<&serde_json::Value> =
        findings.as_array().expect("an array").iter().filter(|f| f["severity"] != "note").collect();
    // Two causes: staging trusts no proxy, and qa, which extends staging,
    // inherits that. One finding each, not 18 each.
    let messages: Vec<&str> = findings.iter().filter_map(|f| f["message"].as_str()).collect();
    assert_eq!(findings.len(), 2, "{messages:#?}");
    assert!(
        messages.iter().any(|m| m.starts_with("`qa` trusts no proxy, but 18 route middleware(s)"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("`staging` trusts no proxy, but 18 route middleware(s)"))
    );
    for finding in &findings {
        assert_eq!(finding["code"], "render::untrusted_client_ip");
        assert_eq!(finding["places"], 19);
        let also = finding["also"].as_array().expect("places");
        assert_eq!(also.len(), 18);
        assert!(
            also.iter().all(|p| p["file"].as_str().is_some_and(|f| f.starts_with("services/")))
        );
        assert!(also.iter().all(|p| p["line"].as_u64().is_some_and(|l| l > 1)), "{also:#?}");
    }
    let staging =
        findings.iter().find(|f| f["message"].as_str().is_some_and(|m| m.starts_with("`staging`")));
    assert_eq!(staging.map(|f| &f["file"]), Some(&serde_json::json!("environments/staging.yaml")));

    let text = platc(tmp.path(), &["check"]);
    assert_eq!(text.stdout.matches("warning[render::untrusted_client_ip]").count(), 2);
    assert!(
        text.stdout.ends_with("platc check: 2 finding(s): 0 error(s), 2 warning(s); 1 note(s)\n"),
        "{}",
        text.stdout
    );
}

#[test]
fn identical_findings_are_merged_with_their_places() {
    // Three stale schemas are one cause: one finding naming the three files.
    let tmp = example_copy();
    for file in ["service", "environment", "platform"] {
        fs::write(tmp.path().join(format!("schema/{file}.schema.json")), "{}\n").expect("write");
    }
    let run = platc(tmp.path(), &["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.matches("error[check::stale_schema]").count(), 1, "{}", run.stdout);
    assert!(run.stdout.contains("= note: in schema/environment.schema.json\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "= note: also at 2 more place(s): schema/platform.schema.json, schema/service.schema.json\n"
        ),
        "{}",
        run.stdout
    );
    // The example's one patch in effect is a note, not a finding.
    assert!(
        run.stdout.ends_with("platc check: 1 finding(s): 1 error(s), 0 warning(s); 1 note(s)\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn quiet_prints_errors_only_and_verbose_prints_timings() {
    let tmp = staging_without_trusted_proxies();
    let quiet = platc(tmp.path(), &["-q", "render", "staging", "--out", "out"]);
    assert_eq!(quiet.code, 0);
    assert_eq!(quiet.stderr, "", "no warning, no note");
    assert!(tmp.path().join("out/applyset.yaml").is_file(), "the work is done all the same");

    let normal = platc(tmp.path(), &["render", "staging", "--out", "out"]);
    assert!(normal.stderr.contains("warning[render::untrusted_client_ip]"));
    assert!(normal.stderr.contains("platc: out is up to date"), "{}", normal.stderr);

    let verbose = platc(tmp.path(), &["render", "staging", "--out", "out", "--verbose"]);
    assert!(
        verbose.stderr.contains("platc: loaded 29 service(s) and 4 environment(s) from . in "),
        "{}",
        verbose.stderr
    );
    assert!(verbose.stderr.contains("platc: rendered staging ("), "{}", verbose.stderr);
    assert!(verbose.stderr.contains("platc: wrote out in "), "{}", verbose.stderr);

    // Errors are printed whatever the verbosity.
    let errors = platc(tmp.path(), &["-q", "render", "nowhere"]);
    assert_eq!(errors.code, 2);
    assert!(errors.stderr.contains("error[render::unknown_environment]"), "{}", errors.stderr);
    assert_eq!(platc(tmp.path(), &["-q", "-v", "check"]).code, 2, "-q and -v exclude each other");
}
