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
