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

#[test]
fn diagnostics_reference_is_up_to_date() {
    let run = platc(&workspace(), &["schema", "--check-diagnostics", "docs/diagnostics.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_stale_diagnostics_reference_names_the_command_to_regenerate_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("docs/diagnostics.md");
    let missing = platc(tmp.path(), &["schema", "--check-diagnostics", "docs/diagnostics.md"]);
    assert_eq!(missing.code, 1, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("regenerate with `platc schema --diagnostics docs/diagnostics.md`"),
        "{}",
        missing.stderr
    );
    let written = platc(tmp.path(), &["schema", "--diagnostics", "docs/diagnostics.md"]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    let text = std::fs::read_to_string(&file).expect("written");
    assert!(text.starts_with("# Diagnostic codes"), "{text}");
    assert!(text.contains("`check::invalid_manifest`"), "{text}");
    let current = platc(tmp.path(), &["schema", "--check-diagnostics", "docs/diagnostics.md"]);
    assert_eq!(current.code, 0, "{}", current.stderr);
}

/// The file names in `ARCHITECTURE.md`'s code map, with the crate each
/// table belongs to: `(crate directory, path inside its src/ or root)`.
fn code_map() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(workspace().join("ARCHITECTURE.md")).expect("reads");
    let mut crate_dir = None;
    let mut files = Vec::new();
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("### `") {
            crate_dir = heading.split('`').next().map(str::to_owned);
            continue;
        }
        let (Some(dir), Some(cell)) = (&crate_dir, line.strip_prefix("| ")) else { continue };
        let first = cell.split(" |").next().unwrap_or_default();
        // `a.rs`, `b.rs` and `c.rs`: each name in backticks; placeholders like
        // `infra/<type>.rs` and globs name no single file.
        for name in first.split('`').skip(1).step_by(2) {
            if !name.contains('<') && !name.contains('*') {
                files.push((dir.clone(), name.to_owned()));
            }
        }
    }
    files
}

#[test]
fn the_architecture_code_map_names_files_that_exist() {
    let files = code_map();
    assert!(files.len() > 30, "the code map lists too few files: {files:?}");
    let missing: Vec<String> = files
        .iter()
        .filter(|(dir, name)| {
            let dir = workspace().join(dir);
            !dir.join("src").join(name).exists() && !dir.join(name).exists()
        })
        .map(|(dir, name)| format!("{dir}/{name}"))
        .collect();
    assert!(missing.is_empty(), "ARCHITECTURE.md names files that do not exist: {missing:?}");
}

#[test]
fn the_library_crates_deny_printing_and_exiting_as_the_architecture_says() {
    let text = std::fs::read_to_string(workspace().join("ARCHITECTURE.md")).expect("reads");
    assert!(text.contains("deny `print_stdout`, `print_stderr` and `exit`"));
    for krate in ["spec", "render"] {
        let root = workspace().join("crates").join(krate).join("src/lib.rs");
        let source = std::fs::read_to_string(&root).expect("reads");
        assert!(
            source.contains("#![deny(clippy::print_stdout, clippy::print_stderr, clippy::exit)]"),
            "{} no longer denies printing and exiting",
            root.display()
        );
    }
}

/// The README shows the example's MongoDB type file as it is, and runs
/// `platc schema type` for the schema of type files.
#[test]
fn the_readme_shows_the_example_type_file_and_its_schema_command() {
    let readme = std::fs::read_to_string(workspace().join("README.md")).expect("README.md");
    let file = std::fs::read_to_string(workspace().join("types/mongodb.yaml")).expect("type");
    assert!(
        readme.contains(&format!("```yaml\n{file}```")),
        "README.md's copy of types/mongodb.yaml is stale"
    );
    assert!(readme.contains("platc schema type "), "the README names the command");
    let run = platc(&workspace(), &["schema", "type"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let published =
        std::fs::read_to_string(workspace().join("schema/type.schema.json")).expect("schema");
    assert_eq!(run.stdout, published);
}
