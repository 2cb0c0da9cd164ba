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
