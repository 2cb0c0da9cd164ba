//! `platc promote`: the environment file is edited in place, byte for byte
//! except for the tags, and the rendered diff is printed.

use std::fs;
use std::path::Path;

use crate::{Run, copy_dir, platc, workspace};

/// A private copy of the `promote` fixture platform: `staging` runs newer
/// tags than the heavily commented `production`.
fn promote_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    copy_dir(&workspace().join("crates/cli/tests/fixtures/promote"), tmp.path());
    tmp
}

fn production(dir: &Path) -> String {
    fs::read_to_string(dir.join("environments/production.yaml")).expect("production.yaml")
}

fn promote(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["promote"];
    all.extend_from_slice(args);
    platc(dir, &all)
}

/// The fixture's production file, as written.
const PRODUCTION: &str = r#"# Production: the real thing. Tags arrive here only through
# `platc promote SERVICE --from staging --to production`.

name: production
namespace: shop        # every service runs here
domain: shop.example.com
cluster: eks

images:
  # The weekly release train, for every service not pinned below.
  defaultTag: '2026.11.2'

  # Pinned services, ahead of (or behind) the train.
  tags:
    # The public API moves on its own schedule.
    api: "1.4.3"   # pinned for the checkout launch
    mailer: 2026.11.1

    # search follows the train.

# Settings that differ from the service files.
overrides:
  api:
    replicas: 4    # peak traffic
    env:
      LOG_LEVEL: 'warn'
"#;

#[test]
fn the_fixture_is_what_the_tests_expect() {
    assert_eq!(production(promote_copy().path()), PRODUCTION);
}

#[test]
fn promotes_one_service_changing_only_its_tag() {
    let tmp = promote_copy();
    let run = promote(tmp.path(), &["api", "--from", "staging", "--to", "production"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        production(tmp.path()),
        r#"# Production: the real thing. Tags arrive here only through
# `platc promote SERVICE --from staging --to production`.

name: production
namespace: shop        # every service runs here
domain: shop.example.com
cluster: eks

images:
  # The weekly release train, for every service not pinned below.
  defaultTag: '2026.11.2'

  # Pinned services, ahead of (or behind) the train.
  tags:
    # The public API moves on its own schedule.
    api: "1.4.4"   # pinned for the checkout launch
    mailer: 2026.11.1

    # search follows the train.

# Settings that differ from the service files.
overrides:
  api:
    replicas: 4    # peak traffic
    env:
      LOG_LEVEL: 'warn'
"#
    );
    insta::assert_snapshot!("promote-one", run.transcript());

    // The promoted file is what production now renders.
    let again = promote(tmp.path(), &["api", "--from", "staging", "--to", "production"]);
    assert_eq!(again.code, 0);
    assert_eq!(again.stdout, "", "nothing left to promote");
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let tmp = promote_copy();
    let path = tmp.path().join("environments/production.yaml");
    let before = fs::read(&path).unwrap();
    let run = promote(tmp.path(), &["api", "--from", "staging", "--to", "production", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(fs::read(&path).unwrap(), before, "the file is byte-identical");
    assert!(
        run.stdout.starts_with("production: 1 changed, 0 added, 0 removed\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("\n-        image: ghcr.io/acme/api:1.4.3\n"), "{}", run.stdout);
    assert!(run.stdout.contains("\n+        image: ghcr.io/acme/api:1.4.4\n"), "{}", run.stdout);
    assert!(run.stderr.contains("dry run: environments/production.yaml was not written"));
    let entries: Vec<_> = fs::read_dir(tmp.path().join("environments")).unwrap().collect();
    assert_eq!(entries.len(), 3, "no temporary file is left behind");
}

#[test]
fn all_promotes_every_service_and_adds_missing_tags_in_name_order() {
    let tmp = promote_copy();
    let run = promote(tmp.path(), &["--all", "--from", "staging", "--to", "production"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = PRODUCTION
        .replace("api: \"1.4.3\"", "api: \"1.4.4\"")
        .replace("mailer: 2026.11.1\n", "mailer: 2026.11.1\n    search: \"2026.11.3\"\n");
    assert_eq!(production(tmp.path()), expected);
    assert!(
        run.stdout.starts_with("production: 2 changed, 0 added, 0 removed\n"),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stderr,
        "platc: mailer: already at 2026.11.1 in production\n\
         platc: api: 1.4.3 -> 1.4.4\n\
         platc: search: 2026.11.2 -> 2026.11.3 (added to images.tags)\n\
         platc: updated environments/production.yaml\n"
    );
    assert_eq!(platc(tmp.path(), &["render", "production"]).code, 0);
}

#[test]
fn an_unknown_service_changes_nothing_and_exits_2() {
    let tmp = promote_copy();
    let run = promote(tmp.path(), &["api", "apx", "--from", "staging", "--to", "production"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    insta::assert_snapshot!("promote-unknown-service", run.transcript());
    assert_eq!(production(tmp.path()), PRODUCTION, "api is not promoted either");

    let run = promote(tmp.path(), &["api", "--from", "staging", "--to", "prod"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown environment `prod`"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `production`?"), "{}", run.stderr);
    assert_eq!(production(tmp.path()), PRODUCTION);
}

#[test]
fn a_service_without_a_tag_in_the_source_is_refused() {
    let tmp = promote_copy();
    let run = promote(tmp.path(), &["api", "--from", "local", "--to", "production"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("error[promote::no_tag]: no image tag for `api` in `local`"));
    assert_eq!(production(tmp.path()), PRODUCTION);
}

#[test]
fn an_equal_tag_is_no_change() {
    let tmp = promote_copy();
    let run = promote(tmp.path(), &["mailer", "--from", "staging", "--to", "production"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "platc: mailer: already at 2026.11.1 in production\n\
         platc: nothing to promote; environments/production.yaml is unchanged\n"
    );
    assert_eq!(production(tmp.path()), PRODUCTION);
}

#[test]
fn a_flow_style_tags_mapping_is_refused() {
    let tmp = promote_copy();
    let path = tmp.path().join("environments/production.yaml");
    let flow = PRODUCTION.replace(
        "    api: \"1.4.3\"   # pinned for the checkout launch\n    mailer: 2026.11.1\n",
        "    {api: \"1.4.3\", mailer: 2026.11.1}\n",
    );
    fs::write(&path, &flow).unwrap();
    let run = promote(tmp.path(), &["api", "--from", "staging", "--to", "production"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("error[spec::edit_flow_style]"), "{}", run.stderr);
    assert!(run.stderr.contains("write it in block style"), "{}", run.stderr);
    assert_eq!(fs::read_to_string(&path).unwrap(), flow);
}

#[test]
fn a_release_group_is_promoted_together_and_says_so() {
    let tmp = promote_copy();
    let platform = tmp.path().join("platform.yaml");
    let settings = fs::read_to_string(&platform).unwrap();
    fs::write(&platform, format!("{settings}releaseGroups:\n  indexing: [api, search]\n")).unwrap();

    let run = promote(tmp.path(), &["api", "--from", "staging", "--to", "production"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "platc: search ships with api (release group `indexing` in platform.yaml): promoting it too\n"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("platc: api: 1.4.3 -> 1.4.4\n"), "{}", run.stderr);
    assert!(
        run.stderr.contains("platc: search: 2026.11.2 -> 2026.11.3 (added to images.tags)\n"),
        "{}",
        run.stderr
    );
    let after = production(tmp.path());
    assert!(after.contains("    api: \"1.4.4\"   # pinned for the checkout launch\n"), "{after}");
    assert!(after.contains("    search: \"2026.11.3\"\n"), "{after}");
    assert!(run.stdout.contains("Deployment shop/search"), "the diff shows both: {}", run.stdout);

    // Promoting a service outside any group moves it alone.
    let alone =
        promote(tmp.path(), &["mailer", "--from", "staging", "--to", "production", "--dry-run"]);
    assert_eq!(alone.code, 0, "{}", alone.stderr);
    assert!(!alone.stderr.contains("ships with"), "{}", alone.stderr);
}

#[test]
fn a_release_group_names_known_services() {
    let tmp = promote_copy();
    let platform = tmp.path().join("platform.yaml");
    let settings = fs::read_to_string(&platform).unwrap();
    fs::write(
        &platform,
        format!("{settings}releaseGroups:\n  indexing:\n    - api\n    - serch\n"),
    )
    .unwrap();
    let run = promote(tmp.path(), &["api", "--from", "staging", "--to", "production"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("error[spec::unknown_reference]: unknown service `serch`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--> platform.yaml:9:7"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `search`?"), "{}", run.stderr);
    assert_eq!(production(tmp.path()), PRODUCTION, "nothing was written");
}
