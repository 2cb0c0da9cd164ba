//! `platc init [DIR]`: a new platform that checks clean and renders.

use std::fs;

use crate::platc;

#[test]
fn a_new_platform_checks_clean_and_renders() {
    let tmp = tempfile::tempdir().expect("tmp");
    let run = platc(tmp.path(), &["init", "Acme Web"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("platc: created the platform `acme-web` in Acme Web: "),
        "{}",
        run.stderr
    );
    let dir = tmp.path().join("Acme Web");
    let mut files: Vec<String> = walk(&dir);
    files.sort();
    assert_eq!(
        files,
        [
            ".vscode/settings.json",
            "environments/local.yaml",
            "platform.yaml",
            "schema/environment.schema.json",
            "schema/platform.schema.json",
            "schema/service.schema.json",
            "schema/type.schema.json",
            "services/hello.yaml",
        ]
    );
    let read = |path: &str| fs::read_to_string(dir.join(path)).expect(path);
    assert!(
        read("platform.yaml")
            .starts_with("# yaml-language-server: $schema=schema/platform.schema.json\n")
    );
    assert!(
        read("services/hello.yaml")
            .starts_with("# yaml-language-server: $schema=../schema/service.schema.json\n")
    );
    assert!(
        read("environments/local.yaml")
            .starts_with("# yaml-language-server: $schema=../schema/environment.schema.json\n")
    );
    assert!(read("platform.yaml").contains("\nname: acme-web\n"));
    let settings: serde_json::Value =
        serde_json::from_str(&read(".vscode/settings.json")).expect("settings are JSON");
    assert_eq!(
        settings["yaml.schemas"]["./schema/service.schema.json"],
        serde_json::json!(["services/*.yaml", "services/*.yml"])
    );

    // The committed schemas are current, the model is valid, every output check passes.
    let check = platc(&dir, &["check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert_eq!(check.stdout, "platc check: 0 finding(s): 0 error(s), 0 warning(s)\n");
    let render = platc(&dir, &["render", "local"]);
    assert_eq!(render.code, 0, "{}", render.stderr);
    assert_eq!(render.stderr, "");
    assert!(render.stdout.contains("\nkind: Deployment\n"));
    assert!(
        render.stdout.contains("host: hello.acme-web.localhost")
            || render.stdout.contains("Host(`hello.acme-web.localhost`)"),
        "{}",
        render.stdout
    );
    // And it can be taken further: a golden tree, then a clean check with it.
    assert_eq!(platc(&dir, &["golden"]).code, 0);
    assert_eq!(platc(&dir, &["check"]).code, 0);
}

#[test]
fn the_readme_commands() {
    let tmp = tempfile::tempdir().expect("tmp");
    assert_eq!(platc(tmp.path(), &["init", "my-platform"]).code, 0);
    let check = platc(tmp.path(), &["--root", "my-platform", "check"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    let render = platc(tmp.path(), &["--root", "my-platform", "render", "local"]);
    assert_eq!(render.code, 0, "{}", render.stderr);
    assert!(render.stdout.contains("\n  name: hello\n"), "{}", render.stdout);
}

#[test]
fn init_never_overwrites() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::create_dir_all(tmp.path().join("services")).expect("mkdir");
    fs::write(tmp.path().join("services/hello.yaml"), "mine\n").expect("write");
    fs::write(tmp.path().join("platform.yaml"), "name: mine\n").expect("write");
    let run = platc(tmp.path(), &["init"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.matches("error[init::existing_file]").count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("note: in ./platform.yaml"), "{}", run.stderr);
    assert!(
        run.stderr.contains("also at 1 more place(s): ./services/hello.yaml"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.ends_with("platc: 1 error(s); nothing was written\n"), "{}", run.stderr);
    assert_eq!(fs::read_to_string(tmp.path().join("services/hello.yaml")).unwrap(), "mine\n");
    assert!(!tmp.path().join("environments").exists(), "nothing was written");
    assert!(!tmp.path().join("schema").exists(), "nothing was written");
}

/// Every file below `dir`, relative, with `/` separators.
fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if path.is_dir() {
            out.extend(walk(&path).into_iter().map(|inner| format!("{name}/{inner}")));
        } else {
            out.push(name);
        }
    }
    out
}
