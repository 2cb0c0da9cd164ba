//! `platc render`.

use std::fs;
use std::io::Read;
use std::process::{Command, Stdio};

use crate::{basic_copy, platc, platc_env};

#[test]
fn environment_can_be_named_three_ways() {
    let tmp = basic_copy();
    let by_name = platc(tmp.path(), &["render", "production"]);
    assert_eq!(by_name.code, 0, "{}", by_name.stderr);
    assert!(by_name.stdout.starts_with("---\napiVersion: v1\nkind: Namespace\n"));
    for form in ["environments/production.yaml", "env/production"] {
        let run = platc(tmp.path(), &["render", form]);
        assert_eq!(run.stdout, by_name.stdout, "{form}");
    }
}

#[test]
fn out_writes_one_file_per_object_and_removes_stale_files() {
    let tmp = basic_copy();
    let out = tmp.path().join("out");
    let run = platc(tmp.path(), &["render", "production", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("manifests/services/mailer/deployment.yaml").is_file());
    assert!(out.join("bootstrap/cluster/namespace-shop.yaml").is_file());

    fs::remove_file(tmp.path().join("services/mailer.yaml")).unwrap();
    let run = platc(tmp.path(), &["render", "production", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!out.join("manifests/services/mailer").exists(), "files of removed objects are gone");
    assert!(out.join("manifests/services/api/deployment.yaml").is_file());
}

#[test]
fn all_writes_one_directory_per_environment() {
    let tmp = basic_copy();
    let run = platc(tmp.path(), &["render", "--all", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(tmp.path().join("out/local/bootstrap/cluster/namespace-local.yaml").is_file());
    assert!(tmp.path().join("out/production/bootstrap/cluster/namespace-shop.yaml").is_file());
}

#[test]
fn bad_input_exits_2_and_leaves_the_old_tree_untouched() {
    let tmp = basic_copy();
    assert_eq!(platc(tmp.path(), &["render", "production", "--out", "out"]).code, 0);
    let before =
        fs::read_to_string(tmp.path().join("out/manifests/services/api/deployment.yaml")).unwrap();

    let api = tmp.path().join("services/api.yaml");
    let text = fs::read_to_string(&api).unwrap().replace("replicas: 2", "replcas: 2");
    fs::write(&api, text).unwrap();
    let run = platc(tmp.path(), &["render", "production", "--out", "out"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    insta::assert_snapshot!("bad-input-render", run.transcript());
    let after =
        fs::read_to_string(tmp.path().join("out/manifests/services/api/deployment.yaml")).unwrap();
    assert_eq!(before, after);

    let run = platc(tmp.path(), &["render", "production", "--out", "fresh"]);
    assert_eq!(run.code, 2);
    assert!(!tmp.path().join("fresh").exists(), "nothing is written on bad input");
}

#[test]
fn each_kind_of_name_is_reported_with_its_own_rule() {
    let tmp = basic_copy();
    let api = tmp.path().join("services/api.yaml");
    let text = fs::read_to_string(&api).unwrap().replace(
        "  - name: metrics\n    port: 9090\n",
        "  - name: metrics\n    port: 9090\n  - name: HTTP\n    port: 9100\nuses:\n  Auth_DB: postgres\n",
    );
    fs::write(&api, text).unwrap();
    let run = platc(tmp.path(), &["render", "production"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("bad-names-render", run.transcript());
}

#[test]
fn refuses_to_replace_a_directory_it_did_not_write() {
    let tmp = basic_copy();
    let run = platc(tmp.path(), &["render", "production", "--out", "services"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("which platc did not write"), "{}", run.stderr);
    assert!(tmp.path().join("services/api.yaml").is_file());
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let tmp = basic_copy();
    let api = tmp.path().join("services/api.yaml");
    fs::write(&api, fs::read_to_string(&api).unwrap().replace("replicas: 2", "replcas: 2"))
        .unwrap();
    let plain = platc(tmp.path(), &["render", "production"]);
    assert!(!plain.stderr.contains('\x1b'), "no colour on a pipe");
    let forced = platc(tmp.path(), &["--color", "always", "render", "production"]);
    assert!(forced.stderr.contains('\x1b'), "colour when forced");
    let no_color =
        platc_env(tmp.path(), &["--color", "never", "render", "production"], &[("NO_COLOR", "1")]);
    assert!(!no_color.stderr.contains('\x1b'));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let tmp = basic_copy();
    let mut child = Command::new(env!("CARGO_BIN_EXE_platc"))
        .args(["render", "--all"])
        .current_dir(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let status = child.wait().expect("wait");
    let mut stderr = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn usage_errors_exit_2() {
    let tmp = basic_copy();
    assert_eq!(platc(tmp.path(), &["render"]).code, 2, "an environment or --all is required");
    assert_eq!(platc(tmp.path(), &["frobnicate"]).code, 2);
    let unknown = platc(tmp.path(), &["render", "prodution"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("did you mean `production`?"), "{}", unknown.stderr);
}

#[test]
fn traefik_options_and_releases_are_refused_where_they_are_written() {
    let tmp = basic_copy();
    let api = tmp.path().join("services/api.yaml");
    let text = fs::read_to_string(&api).unwrap();
    fs::write(
        &api,
        format!(
            "{text}middlewares:\n  retry:\n    retry:\n      attempts: 3\n      status: [\"502-504\"]\n"
        ),
    )
    .unwrap();
    // The pinned chart installs Traefik 3.7.11, not 3.4.0, which lacks
    // `retry.status` besides.
    let production = tmp.path().join("environments/production.yaml");
    let text = fs::read_to_string(&production).unwrap();
    fs::write(&production, format!("{text}ingress:\n  traefikVersion: \"3.4.0\"\n")).unwrap();
    let run = platc(tmp.path(), &["render", "production", "--out", "out"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(!tmp.path().join("out").exists(), "nothing is written");
    insta::assert_snapshot!("traefik-release-render", run.transcript());
}

#[test]
fn kinds_are_checked_and_matched_without_case() {
    let tmp = basic_copy();
    let exact = platc(tmp.path(), &["render", "production", "--kinds", "Deployment,Service"]);
    assert_eq!(exact.code, 0, "{}", exact.stderr);
    let kinds: Vec<&str> = exact.stdout.lines().filter(|l| l.starts_with("kind: ")).collect();
    assert_eq!(kinds, ["kind: Deployment", "kind: Service", "kind: Deployment"]);
    let lower = platc(tmp.path(), &["render", "production", "--kinds", "deployment,SERVICE"]);
    assert_eq!(lower.code, 0, "{}", lower.stderr);
    assert_eq!(lower.stdout, exact.stdout);

    let typo = platc(tmp.path(), &["render", "production", "--kinds", "Deploymnt,Service,Ingres"]);
    assert_eq!(typo.code, 2);
    assert_eq!(typo.stdout, "", "nothing is printed");
    assert!(
        typo.stderr.contains(
            "error[render::unknown_kind]: unknown kind `Deploymnt` in `--kinds`\n |\nhelp: did you mean `Deployment`? platc renders ConfigMap, CronJob, Deployment, "
        ),
        "{}",
        typo.stderr
    );
    assert!(typo.stderr.contains("unknown kind `Ingres` in `--kinds`"), "{}", typo.stderr);
    assert!(typo.stderr.contains("did you mean `IngressRoute`?"), "{}", typo.stderr);
    assert!(typo.stderr.ends_with("platc: 2 error(s); nothing was written\n"), "{}", typo.stderr);
    let out = platc(tmp.path(), &["render", "production", "--kinds", "Pod", "--out", "out"]);
    assert_eq!(out.code, 2);
    assert!(!tmp.path().join("out").exists(), "nothing was written");
}
