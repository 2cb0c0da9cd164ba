//! Every directory under `tests/fixtures/invalid/` is a platform that must not
//! load. Its diagnostics (one line each) are compared with the insta snapshot
//! named after the directory; `cargo insta review` shows changes.

use std::fs;
use std::path::{Path, PathBuf};

use platc_spec::load_dir;

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(kind);
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.expect("readable fixture directory").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Cases that cannot be committed as plain files are prepared here.
fn prepare(dir: &Path) {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if name == "oversized-file" {
        let huge = dir.join("services/huge.yaml");
        if !huge.exists() {
            let line = "# padding to exceed the size limit of a model file\n";
            let text = line.repeat(
                usize::try_from(platc_spec::load::MAX_FILE_BYTES).unwrap() / line.len() + 1,
            );
            fs::write(&huge, format!("{text}name: huge\n")).expect("write oversized file");
        }
    }
    if name == "dangling-symlink" {
        let link = dir.join("services/ghost.yaml");
        if fs::symlink_metadata(&link).is_err() {
            #[cfg(unix)]
            std::os::unix::fs::symlink("does-not-exist.yaml", &link).expect("create symlink");
        }
    }
}

#[test]
fn invalid_fixtures_report_located_errors() {
    let cases = fixtures("invalid");
    assert!(cases.len() >= 30, "expected a corpus of invalid fixtures, found {}", cases.len());
    for dir in cases {
        prepare(&dir);
        let name = dir.file_name().and_then(|n| n.to_str()).expect("utf-8 fixture name").to_owned();
        let Err(failure) = load_dir(&dir) else {
            panic!("fixture `{name}` loaded, but it must fail")
        };
        assert!(
            failure.diagnostics.iter().any(platc_spec::Diagnostic::is_error),
            "{name}: no error"
        );
        for d in &failure.diagnostics {
            assert!(d.location.is_some(), "{name}: diagnostic without a file: {d:?}");
            assert!(
                !d.message.is_empty() && !d.message.ends_with('.'),
                "{name}: message style: {}",
                d.message
            );
        }
        let report: Vec<String> =
            failure.diagnostics.iter().map(platc_spec::Diagnostic::short).collect();
        let root = regex_escape(&dir.display().to_string());
        insta::with_settings!({
            snapshot_path => "../snapshots/invalid",
            prepend_module_to_snapshot => false,
            filters => vec![(root.as_str(), "[FIXTURE]")],
        }, {
            insta::assert_snapshot!(name, report.join("\n"));
        });
    }
}

fn regex_escape(text: &str) -> String {
    text.chars().fold(String::new(), |mut out, c| {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
        out
    })
}
