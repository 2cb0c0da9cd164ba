//! The repository's own example platform.

use crate::{platc, workspace};

#[test]
fn golden_is_up_to_date() {
    let run = platc(&workspace(), &["diff", "--stat"]);
    assert_eq!(
        run.code, 0,
        "golden/ is stale; regenerate with `cargo run -p platc -- golden` and review the diff\n{}{}",
        run.stdout, run.stderr
    );
}

#[test]
fn schema_directory_is_up_to_date() {
    let run = platc(&workspace(), &["schema", "--check", "schema"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn field_reference_is_up_to_date() {
    let run = platc(&workspace(), &["schema", "--check-reference", "docs/reference.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_stale_field_reference_names_the_command_to_regenerate_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("reference.md");
    let missing = platc(tmp.path(), &["schema", "--check-reference", "reference.md"]);
    assert_eq!(missing.code, 1, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("regenerate with `platc schema --reference reference.md`"),
        "{}",
        missing.stderr
    );
    let written = platc(tmp.path(), &["schema", "--reference", "reference.md"]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert!(std::fs::read_to_string(&file).expect("written").starts_with("# Field reference"));
    let current = platc(tmp.path(), &["schema", "--check-reference", "reference.md"]);
    assert_eq!(current.code, 0, "{}", current.stderr);
}
