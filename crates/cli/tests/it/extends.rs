//! Environments that extend others, end to end: `platc explain`, problems
//! found while rendering located in the file that set the value, abstract
//! environments, and `platc promote` into and through an environment that
//! extends another.

use std::fs;
use std::path::Path;

use crate::{Run, copy_dir, platc, workspace};

/// A private copy of the example platform's model.
fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    for part in ["services", "environments", "types"] {
        copy_dir(&workspace().join(part), &tmp.path().join(part));
    }
    fs::copy(workspace().join("platform.yaml"), tmp.path().join("platform.yaml")).expect("copy");
    tmp
}

fn read(dir: &Path, file: &str) -> String {
    fs::read_to_string(dir.join(file)).expect("read")
}

fn replace(dir: &Path, file: &str, from: &str, to: &str) {
    let text = read(dir, file);
    assert!(text.contains(from), "{file} holds `{from}`");
    fs::write(dir.join(file), text.replacen(from, to, 1)).expect("write");
}

#[test]
fn explain_prints_each_value_with_its_file_what_it_overrides_and_who_inherits_it() {
    let run = platc(&workspace(), &["explain", "qa", "infrastructure.redis"]);
    insta::assert_snapshot!(run.transcript());
    let run = platc(&workspace(), &["explain", "env/qa", "infrastructure.kafka.username"]);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn explain_json_is_for_programs() {
    let run = platc(&workspace(), &["explain", "qa", "ingress.tls", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(json["environment"], "qa");
    assert_eq!(
        json["files"],
        serde_json::json!(["environments/qa.yaml", "environments/staging.yaml"])
    );
    let values = json["values"].as_array().expect("values");
    let secret = values.iter().find(|v| v["path"] == "ingress.tls.secretName").expect("secretName");
    assert_eq!(secret["value"], "wildcard-qa-acme-shop-com");
    assert_eq!(secret["setAt"]["file"], "environments/qa.yaml");
    assert_eq!(secret["overrides"][0]["value"], "wildcard-staging-acme-shop-com");
    assert_eq!(secret["overrides"][0]["at"]["file"], "environments/staging.yaml");
    let version =
        values.iter().find(|v| v["path"] == "ingress.tls.minVersion").expect("minVersion");
    assert_eq!(version["setAt"]["environment"], "staging");
    assert_eq!(version["inheritedBy"], serde_json::json!(["qa"]));
}

#[test]
fn explain_refuses_unknown_paths_and_environments_with_a_suggestion() {
    let run = platc(&workspace(), &["explain", "qa", "infrastructure.redis.replcas"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains(
            "error[explain::unknown_path]: `infrastructure.redis.replcas` is not set in `qa`"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `infrastructure.redis.replicas`?"), "{}", run.stderr);
    let run = platc(&workspace(), &["explain", "stagin", "domain"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("error[explain::unknown_environment]"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `staging`?"), "{}", run.stderr);
}

#[test]
fn a_problem_found_while_rendering_is_located_in_the_file_that_set_the_value() {
    let tmp = example_copy();
    // staging's Redis values gain a key the chart does not have; qa inherits it.
    replace(
        tmp.path(),
        "environments/staging.yaml",
        "    # A master and a replica, as in production (smaller).\n",
        "    values:\n      sentinal: {enabled: true}\n",
    );
    let run = platc(tmp.path(), &["render", "qa"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stdout.is_empty(), "nothing is printed on a failed render");
    assert!(run.stderr.contains("error[render::unknown_chart_value]"), "{}", run.stderr);
    assert!(run.stderr.contains("--> environments/staging.yaml:74:18"), "{}", run.stderr);
    assert!(
        run.stderr.contains("sentinal: {enabled: true}"),
        "the snippet is staging's: {}",
        run.stderr
    );
    assert!(!run.stderr.contains("qa.yaml"), "{}", run.stderr);
}

#[test]
fn an_abstract_environment_is_not_rendered() {
    let tmp = example_copy();
    fs::write(
        tmp.path().join("environments/eks.yaml"),
        "# What every EKS environment shares.\nname: eks\nabstract: true\ncluster: eks\nloadBalancer:\n  scheme: internet-facing\n",
    )
    .expect("write");
    replace(tmp.path(), "environments/staging.yaml", "cluster: eks\n", "extends: eks\n");
    let run = platc(tmp.path(), &["render", "eks"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("error[render::abstract_environment]: `eks` is abstract"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("render an environment that extends it: qa, staging"),
        "{}",
        run.stderr
    );
    let golden = platc(tmp.path(), &["golden"]);
    assert_eq!(golden.code, 0, "{}", golden.stderr);
    let mut rendered: Vec<String> = fs::read_dir(tmp.path().join("golden"))
        .expect("golden")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    rendered.sort();
    assert_eq!(rendered, ["local", "production", "qa", "staging"]);
    // The same output as before: staging's cluster comes from the base now.
    let diff = platc(
        tmp.path(),
        &["diff", "--golden", &workspace().join("golden").to_string_lossy(), "--stat"],
    );
    assert_eq!(diff.code, 0, "{}", diff.transcript());
}

fn promote(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["promote"];
    all.extend_from_slice(args);
    platc(dir, &all)
}

#[test]
fn promoting_into_an_environment_that_inherits_its_tags_adds_them_to_its_own_file() {
    let tmp = example_copy();
    let staging = read(tmp.path(), "environments/staging.yaml");
    let qa = read(tmp.path(), "environments/qa.yaml");

    // qa runs staging's tags already: nothing to do.
    let run = promote(tmp.path(), &["--all", "--from", "staging", "--to", "qa"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stderr.contains("nothing to promote; environments/qa.yaml is unchanged"),
        "{}",
        run.stderr
    );

    // production's orders-api tag is older than the one qa inherits; its
    // release group brings orders-migrate along.
    let run = promote(tmp.path(), &["orders-api", "--from", "production", "--to", "qa"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stderr.contains("orders-api: 2026.11.4 -> 2026.11.3 (added to images.tags)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("orders-migrate: 2026.11.4 -> 2026.11.3 (added to images.tags)"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("qa: 2 changed"), "{}", run.stdout);
    assert_eq!(read(tmp.path(), "environments/staging.yaml"), staging, "the parent is not edited");
    assert_eq!(
        read(tmp.path(), "environments/qa.yaml"),
        format!(
            "{qa}images:\n  tags:\n    orders-api: \"2026.11.3\"\n    orders-migrate: \"2026.11.3\"\n"
        ),
        "the entries are added to qa's own file"
    );
    let explained = platc(tmp.path(), &["explain", "qa", "images.tags.orders-api"]);
    assert!(explained.stdout.contains("set in environments/qa.yaml:"), "{}", explained.stdout);
    assert!(
        explained.stdout.contains("overrides 2026.11.4 from environments/staging.yaml:"),
        "{}",
        explained.stdout
    );
}

#[test]
fn promoting_into_a_parent_shows_the_environments_that_inherit_the_tags() {
    let tmp = example_copy();
    let run = promote(
        tmp.path(),
        &["orders-api", "--from", "production", "--to", "staging", "--dry-run"],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    // orders-migrate ships with orders-api (platform.yaml's release group).
    assert!(run.stdout.contains("staging: 2 changed"), "{}", run.stdout);
    assert!(run.stdout.contains("qa: 2 changed"), "qa inherits staging's tags: {}", run.stdout);
    assert_eq!(
        read(tmp.path(), "environments/staging.yaml"),
        read(&workspace(), "environments/staging.yaml"),
        "a dry run writes nothing"
    );
}
