//! Promotion planning and the in-memory edit, without the binary.

use std::fs;
use std::path::Path;

use platc_spec::names::ImageTag;
use platc_spec::promote::{PromoteError, Request, Services, TagChange, plan, promote};
use platc_spec::{Code, Loaded, load_dir};

const API: &str = "name: api\nimage: ghcr.io/acme/api\nports:\n  - name: http\n    port: 8080\n";
const STAGING: &str = "name: staging\ndomain: staging.example.com\ncluster: eks\ndevelopment: true\nimages:\n  defaultTag: \"2.0.0\"\n  tags:\n    api: \"1.4.4\"\n    latest-one: latest\n";
const PRODUCTION: &str = "# production\nname: production\ndomain: example.com\ncluster: eks\nimages:\n  defaultTag: \"1.0.0\"  # the train\n  tags:\n    api: \"1.4.3\"   # pinned\n";

fn platform(dir: &Path) -> Loaded {
    for (path, text) in [
        ("services/api.yaml", API.to_owned()),
        ("services/mailer.yaml", API.replace("api", "mailer")),
        ("services/latest-one.yaml", API.replace("api", "latest-one")),
        ("environments/staging.yaml", STAGING.to_owned()),
        ("environments/production.yaml", PRODUCTION.to_owned()),
    ] {
        let full = dir.join(path);
        fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        fs::write(full, text).expect("write");
    }
    match load_dir(dir) {
        Ok(loaded) => loaded,
        Err(failure) => panic!("{}", failure.sources.render(&failure.diagnostics, false)),
    }
}

fn request<'a>(from: &'a str, to: &'a str, services: &'a [String]) -> Request<'a> {
    Request { from, to, services: Services::Named(services) }
}

#[test]
fn a_request_is_checked_whole() {
    let tmp = tempfile::tempdir().expect("tmp");
    let loaded = platform(tmp.path());
    let services = ["apii".to_owned()];
    let problems = plan(&loaded.platform, &request("stagin", "production", &services))
        .expect_err("unknown names");
    let found: Vec<(Code, Option<&str>)> =
        problems.iter().map(|d| (d.code, d.help.as_deref())).collect();
    assert_eq!(
        found,
        [
            (Code::PromoteUnknownEnvironment, Some("did you mean `staging`?")),
            (Code::PromoteUnknownService, Some("did you mean `api`?")),
        ]
    );

    let services = ["api".to_owned(), "latest-one".to_owned()];
    let problems = plan(&loaded.platform, &request("production", "production", &services))
        .expect_err("the same environment");
    assert_eq!(problems[0].code, Code::PromoteSameEnvironment);

    let problems = plan(&loaded.platform, &request("staging", "production", &services))
        .expect_err("`latest` outside development");
    let codes: Vec<Code> = problems.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::PromoteLatestTag]);
    assert_eq!(problems[0].pointer.as_deref(), Some("/images/tags/latest-one"));
}

#[test]
fn a_plan_edits_the_file_and_gives_the_platform_after_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let loaded = platform(tmp.path());
    let services = ["api".to_owned(), "mailer".to_owned(), "api".to_owned()];
    let plan = plan(&loaded.platform, &request("staging", "production", &services)).expect("plans");
    let tags: Vec<(&str, &str)> = plan.tags.iter().map(|(s, t)| (s.as_str(), t.as_str())).collect();
    assert_eq!(tags, [("api", "1.4.4"), ("mailer", "2.0.0")], "each service once, in order");
    assert!(plan.unchanged.is_empty());

    let promotion = promote(&loaded.platform, &loaded.sources, &plan).expect("promotes");
    assert_eq!(promotion.path, Path::new("environments/production.yaml"));
    assert!(promotion.text.starts_with("# production\n"), "comments stay: {}", promotion.text);
    assert!(promotion.text.contains("api: \"1.4.4\"   # pinned"), "{}", promotion.text);
    let changes: Vec<(&str, Option<&str>, &str)> = promotion
        .changes
        .iter()
        .map(|TagChange { service, old, new, .. }| {
            (service.as_str(), old.as_ref().map(ImageTag::as_str), new.as_str())
        })
        .collect();
    assert_eq!(changes, [("api", Some("1.4.3"), "1.4.4"), ("mailer", Some("1.0.0"), "2.0.0")]);
    let after = promotion.platform.environment("production").expect("still there");
    let mailer = "mailer".try_into().expect("a name");
    assert_eq!(after.images.tag_for(&mailer).map(ImageTag::as_str), Some("2.0.0"));
    // Nothing was written.
    assert_eq!(
        fs::read_to_string(tmp.path().join("environments/production.yaml")).expect("reads"),
        PRODUCTION
    );
}

#[test]
fn a_platform_without_files_cannot_be_edited() {
    let tmp = tempfile::tempdir().expect("tmp");
    let loaded = platform(tmp.path());
    let services = ["api".to_owned()];
    let plan = plan(&loaded.platform, &request("staging", "production", &services)).expect("plans");
    let error = promote(&loaded.platform, &platc_spec::Sources::default(), &plan)
        .expect_err("no file to edit");
    assert!(matches!(error, PromoteError::NoFile(_)), "{error}");
    assert_eq!(error.to_string(), "the file of environment `production` was not loaded");
}

#[test]
fn a_release_group_comes_along_transitively_in_order() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut loaded = platform(tmp.path());
    let name = |s: &str| platc_spec::names::ServiceName::new(s).expect("name");
    let group = |s: &str| platc_spec::names::ObjectName::new(s).expect("name");
    // api ships with mailer, mailer with latest-one's sibling in another group.
    loaded
        .platform
        .settings
        .release_groups
        .insert(group("mail"), vec![name("api"), name("mailer")]);
    let services = ["mailer".to_owned()];
    let planned =
        plan(&loaded.platform, &request("staging", "production", &services)).expect("plans");
    let tags: Vec<(&str, &str)> =
        planned.tags.iter().map(|(s, t)| (s.as_str(), t.as_str())).collect();
    assert_eq!(tags, [("mailer", "2.0.0"), ("api", "1.4.4")]);
    assert_eq!(planned.grouped.len(), 1);
    assert_eq!(planned.grouped[0].service.as_str(), "api");
    assert_eq!(planned.grouped[0].with.as_str(), "mailer");
    assert_eq!(planned.grouped[0].group.as_str(), "mail");

    // Groups chain: latest-one joins through a second group, and its
    // `latest` tag stops the whole promotion.
    loaded
        .platform
        .settings
        .release_groups
        .insert(group("edge"), vec![name("latest-one"), name("api")]);
    let problems = plan(&loaded.platform, &request("staging", "production", &services))
        .expect_err("latest-one comes along with its latest tag");
    assert_eq!(problems[0].code, Code::PromoteLatestTag);

    // Naming every member by hand promotes each once, with nothing added.
    let all = ["api".to_owned(), "mailer".to_owned(), "latest-one".to_owned()];
    let development =
        plan(&loaded.platform, &request("production", "staging", &all)).expect("plans");
    assert!(development.grouped.is_empty());
}

#[test]
fn release_groups_name_known_services() {
    let tmp = tempfile::tempdir().expect("tmp");
    platform(tmp.path());
    fs::write(
        tmp.path().join("platform.yaml"),
        "name: shop\nreleaseGroups:\n  mail: [api, mailr]\n",
    )
    .expect("write");
    let failure = load_dir(tmp.path()).expect_err("an unknown service");
    let found: Vec<(Code, Option<&str>, Option<&str>)> = failure
        .diagnostics
        .iter()
        .map(|d| (d.code, d.pointer.as_deref(), d.help.as_deref()))
        .collect();
    assert_eq!(
        found,
        [(
            Code::SpecUnknownReference,
            Some("/releaseGroups/mail/1"),
            Some("did you mean `mailer`?")
        )]
    );
    let position =
        failure.diagnostics[0].location.as_ref().and_then(|l| l.position).expect("located");
    assert_eq!((position.line, position.column), (3, 15));
}
