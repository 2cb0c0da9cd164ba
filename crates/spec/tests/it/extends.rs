//! Environments that extend others, through `load_dir`: the merge rules,
//! chains, abstract bases, values that must differ, where diagnostics land,
//! `explain`, and the published schema of partial files.

use std::fs;
use std::path::Path;

use platc_spec::diagnostic::Origin;
use platc_spec::explain::explain;
use platc_spec::names::EnvName;
use platc_spec::schema::{self, FileKind};
use platc_spec::{Code, Diagnostic, Loaded, load_dir};

fn write(root: &Path, path: &str, text: &str) {
    let full = root.join(path);
    fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
    fs::write(full, text).expect("write");
}

const API: &str = "name: api\nimage: ghcr.io/acme/api\nports:\n  - name: http\n    port: 8080\n";
const WEB: &str = "name: web\nimage: ghcr.io/acme/web\nports:\n  - name: http\n    port: 8080\n";

/// An abstract base, staging extending it, and qa extending staging.
const FILES: [(&str, &str); 5] = [
    ("services/api.yaml", API),
    ("services/web.yaml", WEB),
    (
        "environments/base.yaml",
        "name: base
abstract: true
cluster: eks
images:
  defaultTag: \"1.0.0\"
  tags:
    api: \"1.1.0\"
ingress:
  trustedProxies: [10.0.0.0/16, 10.1.0.0/16]
  replicas: 2
",
    ),
    (
        "environments/staging.yaml",
        "name: staging
extends: base
namespace: shop-staging
domain: staging.example.com
overrides:
  api:
    replicas: 3
    env:
      LOG_LEVEL: debug
  web:
    replicas: 2
infrastructure:
  redis:
    provider: helm
    replicas: 2
    storage: 4Gi
",
    ),
    (
        "environments/qa.yaml",
        "name: qa
extends: staging
namespace: shop-qa
domain: qa.example.com
overrides:
  api:
    env:
      FEATURE: \"on\"
  web: null
infrastructure:
  redis:
    replicas: 1
ingress:
  trustedProxies: [10.9.0.0/16]
",
    ),
];

fn platform(files: &[(&str, &str)]) -> (tempfile::TempDir, Loaded) {
    let tmp = tempfile::tempdir().expect("tmp");
    for (path, text) in files {
        write(tmp.path(), path, text);
    }
    let loaded = load_dir(tmp.path()).unwrap_or_else(|f| panic!("{:#?}", f.diagnostics));
    (tmp, loaded)
}

#[test]
fn maps_merge_lists_replace_and_null_removes_through_a_chain() {
    let (_tmp, loaded) = platform(&FILES);
    let names: Vec<&str> = loaded.platform.environment_names().map(EnvName::as_str).collect();
    assert_eq!(names, ["qa", "staging"], "the abstract base is not an environment");
    assert!(loaded.warnings.is_empty(), "{:#?}", loaded.warnings);

    let qa = loaded.platform.environment("qa").expect("qa");
    assert_eq!(qa.extends.as_ref().map(EnvName::as_str), Some("staging"));
    assert!(!qa.is_abstract, "`abstract` is not inherited");
    // Scalars from every level of the chain; the closest one wins.
    assert_eq!(qa.cluster.as_str(), "eks");
    assert_eq!(qa.domain.as_str(), "qa.example.com");
    assert_eq!(qa.images.default_tag.as_ref().map(ToString::to_string).as_deref(), Some("1.0.0"));
    assert_eq!(qa.ingress.replicas, Some(2));
    // Maps merge key by key, at every depth.
    let api = &qa.overrides[&platc_spec::names::ServiceName::new("api").unwrap()];
    assert_eq!(api.replicas, Some(3));
    let env: Vec<(&str, &str)> = api.env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(env, [("LOG_LEVEL", "debug"), ("FEATURE", "on")], "inherited keys first");
    let redis_type = platc_spec::names::TypeName::new("redis").expect("a type name");
    let redis = match qa.infrastructure.for_type(&redis_type).expect("redis") {
        platc_spec::model::Provider::Helm(helm) => helm,
        other @ platc_spec::model::Provider::External(_) => panic!("{other:?}"),
    };
    assert_eq!(
        (redis.replicas, redis.storage.as_ref().map(ToString::to_string)),
        (Some(1), Some("4Gi".to_owned()))
    );
    // `null` removes an inherited key.
    assert_eq!(
        qa.overrides.keys().map(platc_spec::names::ServiceName::as_str).collect::<Vec<_>>(),
        ["api"]
    );
    // Lists replace.
    let proxies: Vec<String> = qa.ingress.trusted_proxies.iter().map(ToString::to_string).collect();
    assert_eq!(proxies, ["10.9.0.0/16"]);

    let staging = loaded.platform.environment("staging").expect("staging");
    let proxies: Vec<String> =
        staging.ingress.trusted_proxies.iter().map(ToString::to_string).collect();
    assert_eq!(proxies, ["10.0.0.0/16", "10.1.0.0/16"], "the parent is untouched");
    assert_eq!(staging.overrides.len(), 2);

    let layering = loaded.sources.layering("qa").expect("qa is layered");
    let chain: Vec<&str> = layering.chain().map(EnvName::as_str).collect();
    assert_eq!(chain, ["qa", "staging", "base"]);
    assert!(
        loaded.sources.layering("base").is_some_and(platc_spec::extends::Layering::is_abstract)
    );
}

#[test]
fn a_diagnostic_about_a_merged_value_lands_in_the_file_that_wrote_it() {
    let (_tmp, loaded) = platform(&FILES);
    let at = |pointer: &str| {
        let mut diagnostic = Diagnostic::error(Code::SpecInvalidValue, "test")
            .at(Origin::Environment(EnvName::new("qa").unwrap()), pointer);
        loaded.sources.locate(&mut diagnostic);
        let location = diagnostic.location.clone().expect("located");
        let position = location.position.expect("position");
        assert!(
            loaded
                .sources
                .source_of(&diagnostic)
                .is_some_and(|f| f.display_path() == location.file),
            "the snippet comes from the same file"
        );
        format!("{}:{}:{}", location.file, position.line, position.column)
    };
    assert_eq!(at("/cluster"), "environments/base.yaml:3:10");
    assert_eq!(at("/infrastructure/redis/storage"), "environments/staging.yaml:16:14");
    assert_eq!(at("/infrastructure/redis/replicas"), "environments/qa.yaml:12:15");
    assert_eq!(at("/overrides/api/env/LOG_LEVEL"), "environments/staging.yaml:9:18");
    assert_eq!(at("/ingress/trustedProxies/0"), "environments/qa.yaml:14:20");
    assert_eq!(at("/ingress/replicas"), "environments/base.yaml:10:13");
    // A pointer below a value: its closest ancestor.
    assert_eq!(at("/ingress/replicas/deeper"), "environments/base.yaml:10:13");
}

#[test]
fn explain_says_where_each_value_was_set_overridden_and_inherited() {
    let (_tmp, loaded) = platform(&FILES);
    let explanation = explain(&loaded.sources, "qa", "infrastructure.redis").expect("explains");
    assert_eq!(
        explanation.files,
        ["environments/qa.yaml", "environments/staging.yaml", "environments/base.yaml"]
    );
    let lines: Vec<String> = explanation
        .values
        .iter()
        .map(|v| {
            let overrides: Vec<String> = v
                .overrides
                .iter()
                .map(|o| format!("{} at {}:{}", o.value, o.at.file, o.at.line))
                .collect();
            let inherited: Vec<&str> = v.inherited_by.iter().map(EnvName::as_str).collect();
            format!(
                "{} = {} at {}:{}:{} inherited by {inherited:?} overrides {overrides:?}",
                v.path, v.value, v.set_at.file, v.set_at.line, v.set_at.column
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            "infrastructure.redis.provider = \"helm\" at environments/staging.yaml:14:15 inherited by [\"qa\"] overrides []",
            "infrastructure.redis.replicas = 1 at environments/qa.yaml:12:15 inherited by [] overrides [\"2 at environments/staging.yaml:15\"]",
            "infrastructure.redis.storage = \"4Gi\" at environments/staging.yaml:16:14 inherited by [\"qa\"] overrides []",
        ]
    );
    let base = explain(&loaded.sources, "qa", "cluster").expect("explains");
    let inherited: Vec<&str> = base.values[0].inherited_by.iter().map(EnvName::as_str).collect();
    assert_eq!(inherited, ["staging", "qa"], "from the writer down to the environment");
    // Abstract environments and environments written in one file explain too.
    assert!(explain(&loaded.sources, "base", "images.tags.api").is_ok());
    assert_eq!(explain(&loaded.sources, "staging", "").expect("whole").values.len(), 15);

    let unknown =
        explain(&loaded.sources, "qa", "infrastructure.redis.replcas").expect_err("no such key");
    assert_eq!(unknown.code, Code::ExplainUnknownPath);
    assert_eq!(unknown.help.as_deref(), Some("did you mean `infrastructure.redis.replicas`?"));
    let unknown = explain(&loaded.sources, "qaa", "domain").expect_err("no such environment");
    assert_eq!(unknown.code, Code::ExplainUnknownEnvironment);
    assert_eq!(unknown.help.as_deref(), Some("did you mean `qa`?"));
}

#[test]
fn file_order_does_not_matter() {
    let (_one, first) = platform(&FILES);
    let mut reversed = FILES;
    reversed.reverse();
    let (_two, second) = platform(&reversed);
    assert_eq!(first.platform, second.platform);
    let explained = |loaded: &Loaded| {
        serde_json::to_string(&explain(&loaded.sources, "qa", "").expect("explains")).expect("json")
    };
    assert_eq!(explained(&first), explained(&second));
}

#[test]
fn inherited_values_that_must_differ_are_refused_unless_accepted() {
    let mut files = FILES.to_vec();
    let qa = "name: qa\nextends: staging\nacceptInherited:\n  namespace: qa shares staging's namespace\n";
    files[4] = ("environments/qa.yaml", qa);
    let tmp = tempfile::tempdir().expect("tmp");
    for (path, text) in &files {
        write(tmp.path(), path, text);
    }
    let failure = load_dir(tmp.path()).expect_err("domain is staging's");
    let lines: Vec<String> = failure.diagnostics.iter().map(Diagnostic::short).collect();
    assert_eq!(
        lines,
        [
            "environments/qa.yaml:2:10: error[spec::inherited_value]: `qa` keeps `domain` of `staging`, which must differ per environment (at `extends`); help: set it in `qa`'s own file, or keep `staging`'s on purpose with `acceptInherited: {domain: <why>}`"
        ]
    );

    let accepted = format!("{qa}  domain: qa is staging under another namespace\n");
    write(tmp.path(), "environments/qa.yaml", &accepted);
    let loaded = load_dir(tmp.path()).unwrap_or_else(|f| panic!("{:#?}", f.diagnostics));
    assert!(loaded.warnings.is_empty(), "{:#?}", loaded.warnings);
    let qa = loaded.platform.environment("qa").expect("qa");
    assert_eq!(qa.domain.as_str(), "staging.example.com");
    assert_eq!(qa.accept_inherited.len(), 2);
}

#[test]
fn an_abstract_environment_nothing_extends_is_a_warning() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(tmp.path(), "services/api.yaml", API);
    write(tmp.path(), "environments/base.yaml", "name: base\nabstract: true\ncluster: eks\n");
    write(
        tmp.path(),
        "environments/production.yaml",
        "name: production\ndomain: example.com\ncluster: eks\nimages:\n  defaultTag: \"1.0.0\"\n",
    );
    let loaded = load_dir(tmp.path()).unwrap_or_else(|f| panic!("{:#?}", f.diagnostics));
    let lines: Vec<String> = loaded.warnings.iter().map(Diagnostic::short).collect();
    assert_eq!(
        lines,
        [
            "environments/base.yaml:2:1: warning[spec::unextended_abstract]: no environment extends the abstract environment `base` (at `abstract`); help: add `extends: base` to an environment, or delete the file"
        ]
    );
    let diagnostic =
        platc_spec::load::abstract_environment(&loaded.sources, "base").expect("abstract");
    assert_eq!(diagnostic.code, Code::RenderAbstractEnvironment);
    assert!(platc_spec::load::abstract_environment(&loaded.sources, "production").is_none());
}

#[test]
fn the_published_schema_accepts_partial_files_and_the_document_schema_does_not() {
    let published =
        jsonschema::draft7::new(&schema::json_schema(FileKind::Environment)).expect("valid");
    let document =
        jsonschema::draft7::new(&schema::document_schema(FileKind::Environment)).expect("valid");
    let yaml = |text: &str| -> serde_json::Value { serde_saphyr::from_str(text).expect("yaml") };
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../environments");
    for file in ["qa.yaml", "staging.yaml", "production.yaml", "local.yaml"] {
        let text = fs::read_to_string(repository.join(file)).expect("example");
        assert!(published.is_valid(&yaml(&text)), "{file} is valid for editors");
    }
    let child = yaml(
        "name: qa\nextends: staging\ninfrastructure:\n  kafka: {username: x}\n  redis: null\n",
    );
    assert!(published.is_valid(&child));
    assert!(!document.is_valid(&child), "a whole environment needs `domain` and `cluster`");
    let typo = yaml("name: qa\nextends: staging\ndomian: qa.example.com\n");
    assert!(!published.is_valid(&typo), "editors still see unknown top-level keys");
    let bad_parent = yaml("name: qa\nextends: Staging!\n");
    assert!(!published.is_valid(&bad_parent), "and the file's own keys");
    let standalone = yaml("name: production\ncluster: eks\n");
    assert!(!published.is_valid(&standalone), "a file that extends nothing is whole");
    let base = yaml("name: base\nabstract: true\ncluster: eks\n");
    assert!(published.is_valid(&base));
}
