//! Loading behaviour beyond single fixtures.

use std::fs;
use std::path::Path;

use platc_spec::Code;
use platc_spec::load_dir;

fn write(root: &Path, path: &str, text: &str) {
    let full = root.join(path);
    fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
    fs::write(full, text).expect("write");
}

const API: &str = "name: api\nimage: ghcr.io/acme/api\nports:\n  - name: http\n    port: 8080\n";
const PROD: &str =
    "name: production\ndomain: example.com\ncluster: eks\nimages:\n  defaultTag: \"1.0.0\"\n";

#[test]
fn loads_a_minimal_platform_sorted_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "services/zeta.yaml", &API.replace("api", "zeta"));
    write(tmp.path(), "services/api.yaml", API);
    write(tmp.path(), "environments/production.yaml", PROD);
    write(tmp.path(), "services/README.md", "not a model file");
    let loaded = load_dir(tmp.path()).expect("loads");
    let names: Vec<&str> = loaded.platform.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["api", "zeta"]);
    assert_eq!(loaded.platform.settings.name.as_str(), "platform");
    assert!(loaded.warnings.is_empty());
}

#[test]
fn reports_problems_of_several_files_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "services/api.yaml", &format!("{API}replcas: 2\n"));
    write(
        tmp.path(),
        "services/web.yaml",
        "name: web\nimage: ghcr.io/acme/web\nports: [{name: http, port: 80}]\nkind: webb\n",
    );
    write(
        tmp.path(),
        "environments/production.yaml",
        "name: production\ndomain: example.com\ncluster: ekss\n",
    );
    let failure = load_dir(tmp.path()).expect_err("must fail");
    let lines: Vec<String> =
        failure.diagnostics.iter().map(platc_spec::Diagnostic::short).collect();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(
        lines[0].starts_with("environments/production.yaml:3:10: error[spec::unknown_variant]"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("services/api.yaml:6:1: error[spec::unknown_field]: unknown field `replcas`, did you mean `replicas`?"), "{}", lines[1]);
    assert!(
        lines[2].starts_with("services/web.yaml:4:7: error[spec::unknown_variant]"),
        "{}",
        lines[2]
    );
}

#[test]
fn file_order_does_not_change_the_model() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    // Same files, created in opposite orders.
    let files = [
        ("services/api.yaml", API.to_owned()),
        ("services/web.yaml", API.replace("api", "web")),
        ("environments/production.yaml", PROD.to_owned()),
    ];
    for (path, text) in &files {
        write(a.path(), path, text);
    }
    for (path, text) in files.iter().rev() {
        write(b.path(), path, text);
    }
    assert_eq!(load_dir(a.path()).unwrap().platform, load_dir(b.path()).unwrap().platform);
}

#[test]
fn renders_snippets_with_the_offending_line() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "services/api.yaml", &format!("{API}replcas: 2\n"));
    let failure = load_dir(tmp.path()).expect_err("must fail");
    let text = failure.sources.render(&failure.diagnostics, false);
    assert!(text.contains("--> services/api.yaml:6:1"), "{text}");
    assert!(text.contains("6 | replcas: 2"), "{text}");
    assert!(text.contains("^^^^^^^"), "{text}");
}

#[test]
fn a_file_that_is_not_utf8_is_shown_with_its_bad_byte() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("services")).unwrap();
    fs::write(tmp.path().join("services/api.yaml"), b"name: api\n# \xc3\xa9t\xc3\xa9 \xff\n")
        .unwrap();
    let failure = load_dir(tmp.path()).expect_err("must fail");
    assert_eq!(failure.diagnostics.len(), 1, "{:?}", failure.diagnostics);
    let diagnostic = &failure.diagnostics[0];
    assert_eq!(diagnostic.code, Code::SpecNotUtf8);
    let position = diagnostic.location.as_ref().and_then(|l| l.position).expect("position");
    assert_eq!((position.line, position.column), (2, 7), "columns count characters");
    let rendered = failure.sources.render(&failure.diagnostics, false);
    assert!(rendered.contains("# été \u{fffd}"), "{rendered}");
}

#[test]
fn a_stray_byte_order_mark_is_shown_without_splitting_it() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "services/api.yaml",
        "name: api\nimage: ghcr.io/acme/api\n\u{feff}kind: web\n",
    );
    let failure = load_dir(tmp.path()).expect_err("must fail");
    let rendered = failure.sources.render(&failure.diagnostics, false);
    assert!(rendered.contains("services/api.yaml:3:"), "{rendered}");
}

#[test]
fn checks_of_a_misnamed_file_point_into_it() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "services/api.yaml", "name: web\nimage: ghcr.io/acme/web\n");
    write(
        tmp.path(),
        "environments/production.yaml",
        "name: staging\ndomain: example.com\ncluster: kind\n",
    );
    let failure = load_dir(tmp.path()).expect_err("must fail");
    let lines: Vec<String> =
        failure.diagnostics.iter().map(platc_spec::Diagnostic::short).collect();
    assert!(lines.iter().any(|l| l.contains("spec::web_without_port")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("spec::missing_address_pool")), "{lines:#?}");
    for diagnostic in &failure.diagnostics {
        let location = diagnostic.location.as_ref();
        assert!(
            location.is_some_and(|l| l.position.is_some() && !l.file.is_empty()),
            "{}",
            diagnostic.short()
        );
    }
    assert!(
        lines.iter().any(|l| l.starts_with("services/api.yaml:1:1: error[spec::web_without_port]")),
        "{lines:#?}"
    );
}

#[test]
fn a_load_failure_is_an_error_that_reads_as_one_line() {
    fn load(root: &Path) -> Result<usize, Box<dyn std::error::Error>> {
        Ok(load_dir(root)?.platform.services.len())
    }
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "services/api.yaml", &format!("{API}replcas: 2\n"));
    write(tmp.path(), "environments/production.yaml", PROD);
    let error = load(tmp.path()).expect_err("an unknown field does not load");
    let message = error.to_string();
    assert!(
        message.starts_with(
            "the platform did not load: 1 error(s), first: services/api.yaml:6:1: \
             error[spec::unknown_field]: unknown field `replcas`, did you mean `replicas`?"
        ),
        "{message}"
    );
    assert!(error.downcast_ref::<platc_spec::LoadFailure>().is_some());
}
