//! `platc golden` and `platc diff`.

use std::fs;

use crate::{basic_copy, platc};

#[test]
fn diff_exit_codes_follow_the_golden_state() {
    let tmp = basic_copy();
    let run = platc(tmp.path(), &["diff"]);
    assert_eq!(run.code, 1, "no golden yet: everything is added\n{}", run.stderr);

    let first = platc(tmp.path(), &["golden"]);
    assert_eq!(first.code, 0);
    assert!(first.stderr.contains(" removed, 0 unchanged"), "{}", first.stderr);
    let again = platc(tmp.path(), &["golden"]);
    assert!(
        again.stderr.contains("is up to date"),
        "an unchanged golden tree is not rewritten: {}",
        again.stderr
    );
    let same = platc(tmp.path(), &["diff"]);
    assert_eq!(same.code, 0, "{}", same.stdout);
    assert_eq!(same.stdout, "");
    assert_eq!(platc(tmp.path(), &["diff", "production"]).code, 0);

    let prod = tmp.path().join("environments/production.yaml");
    fs::write(&prod, fs::read_to_string(&prod).unwrap().replace("\"1.4.3\"", "\"1.4.4\"")).unwrap();
    let changed = platc(tmp.path(), &["diff", "production"]);
    assert_eq!(changed.code, 1);
    insta::assert_snapshot!("diff-tag-bump", changed.transcript());
    // Local is unaffected by a production tag.
    assert_eq!(platc(tmp.path(), &["diff", "local"]).code, 0);

    fs::write(&prod, "name: production\ndomain: [\n").unwrap();
    assert_eq!(platc(tmp.path(), &["diff"]).code, 2, "bad input");
}

#[test]
fn diff_reports_added_and_removed_objects() {
    let tmp = basic_copy();
    assert_eq!(platc(tmp.path(), &["golden"]).code, 0);
    fs::remove_file(tmp.path().join("services/mailer.yaml")).unwrap();
    let run = platc(tmp.path(), &["diff", "--stat", "local"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "local: 0 changed, 0 added, 3 removed\n  - Deployment local/mailer  (local/manifests/services/mailer/deployment.yaml)\n  - NetworkPolicy local/mailer  (local/manifests/services/mailer/networkpolicy.yaml)\n  - ServiceAccount local/mailer  (local/manifests/services/mailer/serviceaccount.yaml)\n"
    );
}

#[test]
fn markdown_diff_for_ci_fits_a_comment_and_goes_to_a_file() {
    let tmp = crate::example_copy();
    assert_eq!(platc(tmp.path(), &["golden"]).code, 0);
    // A change to nearly every object of every environment: the platform's
    // name is the `app.kubernetes.io/part-of` label.
    let platform = tmp.path().join("platform.yaml");
    let text = fs::read_to_string(&platform).unwrap();
    fs::write(&platform, text.replace("\nname: acme-shop\n", "\nname: acme-store\n")).unwrap();

    let run = platc(tmp.path(), &["diff", "--format", "markdown", "--output", "diff.md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout, "", "the diff went to the file");
    let markdown = fs::read_to_string(tmp.path().join("diff.md")).unwrap();
    let length = markdown.chars().count();
    assert!(length <= 60_000, "{length} characters");
    assert!(length > 50_000, "the budget is used: {length} characters");
    // Grouped by environment, each summary naming its environment.
    let local = markdown.find("\n#### local: ").expect("a local section");
    let production = markdown.find("\n#### production: ").expect("a production section");
    assert!(local < production);
    assert!(markdown.contains("| environment | changed | added | removed |"));
    for summary in markdown.lines().filter(|l| l.starts_with("<details><summary>")) {
        assert!(
            ["<b>local</b>", "<b>production</b>", "<b>staging</b>"]
                .iter()
                .any(|e| summary.contains(e)),
            "{summary}"
        );
    }
    assert!(
        markdown.contains(
            "<details><summary><code>~</code> <b>local</b> · Namespace acme-shop</summary>"
        )
    );
    assert!(markdown.contains(
        "- `metadata.labels[\"app.kubernetes.io/part-of\"]`: `acme-shop` → `acme-store`"
    ));
    // Truncated, and saying so with counts and the commands to run.
    assert!(
        markdown.contains("> **Truncated** to fit 60,000 characters; left out: "),
        "{}",
        &markdown[markdown.len() - 600..]
    );
    assert!(markdown.contains("`platc diff production`"), "{}", &markdown[markdown.len() - 600..]);
    assert!(run.stderr.contains("platc: the markdown diff leaves out "), "{}", run.stderr);
    assert!(run.stderr.contains("platc: wrote the diff to diff.md"), "{}", run.stderr);

    // A smaller budget is kept too.
    let small =
        platc(tmp.path(), &["diff", "production", "--format", "markdown", "--max-chars", "5000"]);
    assert_eq!(small.code, 1);
    assert!(small.stdout.chars().count() <= 5_000, "{}", small.stdout.chars().count());
    assert!(small.stdout.starts_with("### platc diff: production\n"), "{}", small.stdout);

    // No differences: the file still says so, for CI to post.
    assert_eq!(platc(tmp.path(), &["golden"]).code, 0);
    let same = platc(tmp.path(), &["diff", "--format", "markdown", "--output", "diff.md"]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    assert_eq!(
        fs::read_to_string(tmp.path().join("diff.md")).unwrap(),
        "### platc diff: all environments\n\nNo differences.\n"
    );
}
