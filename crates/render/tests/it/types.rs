//! Infrastructure types of a platform's own (`types/<name>.yaml`): they
//! render for both providers, their outputs reach the services' variables
//! and templates, a type file can replace a built-in type, and a broken
//! values template is reported in the type file.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use platc_render::{Object, Tree, render};
use platc_spec::{Code, Origin, Platform, load_dir};

use crate::{fixture, load};

fn tree(platform: &Platform, env: &str) -> Tree {
    render(platform, env).expect("renders").tree().expect("serializes")
}

/// The environment variables of the `shop` Deployment: `name=value`, a
/// Secret reference as `<secret name/key>`.
fn env_of(platform: &Platform, env: &str) -> Vec<(String, String)> {
    let rendered = render(platform, env).expect("renders");
    let deployment = rendered
        .objects
        .iter()
        .find_map(|p| match &p.object {
            Object::Deployment(d) if p.object.name() == "shop" => Some(d),
            _ => None,
        })
        .expect("deployment");
    let container =
        &deployment.spec.as_ref().unwrap().template.spec.as_ref().unwrap().containers[0];
    container
        .env
        .iter()
        .flatten()
        .map(|e| {
            let value = match (&e.value, &e.value_from) {
                (Some(v), _) => v.clone(),
                (None, Some(from)) => {
                    let r = from.secret_key_ref.as_ref().expect("secret ref");
                    format!("<secret {}/{}>", r.name, r.key)
                }
                _ => String::new(),
            };
            (e.name.clone(), value)
        })
        .collect()
}

fn listing(vars: &[(String, String)]) -> String {
    vars.iter().fold(String::new(), |mut out, (name, value)| {
        let _ = writeln!(out, "{name}={value}");
        out
    })
}

#[test]
fn a_type_of_the_platforms_own_renders_for_both_providers() {
    let platform = load("types");
    let helm = env_of(&platform, "local");
    let external = env_of(&platform, "production");
    let names = |vars: &[(String, String)]| vars.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&helm), names(&external), "a service never sees which provider it got");
    insta::assert_snapshot!("types-env-helm", listing(&helm));
    insta::assert_snapshot!("types-env-external", listing(&external));

    let local = tree(&platform, "local");
    for release in ["sessions", "catalog", "cache"] {
        let values = local.get(&format!("infra/{release}/values.yaml")).expect("values");
        insta::assert_snapshot!(format!("types-values-{release}"), values);
    }
    let helmfile = local.get("helmfile.yaml").expect("helmfile");
    assert!(helmfile.contains("chart: opensearch/opensearch\n  version: \"2.32.0\""), "{helmfile}");
    assert!(
        helmfile.contains(
            "- name: opensearch\n  url: https://opensearch-project.github.io/helm-charts"
        ),
        "{helmfile}"
    );

    // A type without a password has no credentials; the others' come from
    // the store outside development.
    assert!(local.get("manifests/platform/secret-sessions-credentials.yaml").is_none());
    assert!(local.get("manifests/platform/secret-catalog-credentials.yaml").is_some());
    let production = tree(&platform, "production");
    assert!(production.get("infra/catalog/values.yaml").is_none(), "external: no release");
    let secret = production
        .get("manifests/platform/externalsecret-catalog-credentials.yaml")
        .expect("the external password from the store");
    assert!(secret.contains("key: shop/production/catalog\n      property: password"), "{secret}");
    assert!(
        production.get("manifests/platform/externalsecret-sessions-credentials.yaml").is_none()
    );

    // NetworkPolicy egress: the release's pods in the cluster, the
    // external port outside it.
    let policy = local.get("manifests/services/shop/networkpolicy.yaml").expect("policy");
    assert!(policy.contains("- port: 11211"), "{policy}");
    assert!(policy.contains("app.kubernetes.io/instance: sessions"), "{policy}");
    let policy = production.get("manifests/services/shop/networkpolicy.yaml").expect("policy");
    assert!(policy.contains("- port: 443"), "the type's external port: {policy}");
}

#[test]
fn outputs_of_a_platforms_own_type_reach_templates() {
    let platform = load("types");
    let get = |vars: &[(String, String)], name: &str| {
        vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    };
    let local = env_of(&platform, "local");
    assert_eq!(
        get(&local, "SEARCH_ENDPOINT").as_deref(),
        Some("http://catalog.local.svc.cluster.local:9200")
    );
    assert_eq!(get(&local, "SEARCH_PASSWORD_SECRET").as_deref(), Some("catalog-credentials"));
    assert_eq!(
        get(&local, "MEMCACHED_SERVERS").as_deref(),
        Some("sessions.local.svc.cluster.local:11211")
    );
    let production = env_of(&platform, "production");
    assert_eq!(
        get(&production, "SEARCH_ENDPOINT").as_deref(),
        Some("https://search-shop-abc.eu-central-1.es.amazonaws.com:443")
    );
    assert_eq!(get(&production, "CATALOG_SCHEME").as_deref(), Some("https"));
    assert_eq!(get(&production, "CATALOG_USER").as_deref(), Some("shop-search"));
}

#[test]
fn a_type_file_replaces_the_builtin_type_of_its_name() {
    let platform = load("types");
    let redis = platform.types.get("redis").expect("redis");
    assert!(!redis.builtin, "the platform's file replaced the built-in type");
    let vars = env_of(&platform, "local");
    let cache: Vec<&(String, String)> =
        vars.iter().filter(|(name, _)| name.starts_with("CACHE_")).collect();
    assert_eq!(
        cache,
        [
            &("CACHE_HOST".to_owned(), "cache-master.local.svc.cluster.local".to_owned()),
            &("CACHE_PORT".to_owned(), "6380".to_owned()),
            &("CACHE_USER".to_owned(), "shop".to_owned()),
            &("CACHE_PASSWORD".to_owned(), "<secret cache-credentials/password>".to_owned()),
            &(
                "CACHE_URL".to_owned(),
                "redis://shop@cache-master.local.svc.cluster.local:6380".to_owned()
            ),
        ],
        "no CACHE_NAME: the replacement has no `name` output"
    );
}

#[test]
fn platforms_own_types_render_deterministically() {
    let platform = load("types");
    let first = tree(&platform, "local");
    let again = tree(&load("types"), "local");
    assert!(platc_render::diff_trees(&first, &again).is_empty());
    // The order types are added in does not matter: they are kept by name.
    let mut reordered = platform.clone();
    let mut types: Vec<_> = platform.types.iter().cloned().collect();
    types.reverse();
    for definition in types {
        reordered.types.insert(definition);
    }
    assert!(platc_render::diff_trees(&first, &tree(&reordered, "local")).is_empty());
}

/// Copies the `types` fixture into a temporary directory, with `change`
/// applied to one of its files.
fn changed_copy(file: &str, change: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let source = fixture("types");
    for sub in ["", "types", "services", "environments"] {
        fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        for entry in fs::read_dir(source.join(sub)).expect("read") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                let relative = path.strip_prefix(&source).expect("inside");
                let mut text = fs::read_to_string(&path).expect("read");
                if relative == Path::new(file) {
                    text = change(text);
                }
                fs::write(dir.path().join(relative), text).expect("write");
            }
        }
    }
    dir
}

#[test]
fn a_values_template_that_gives_no_mapping_is_reported_in_the_type_file() {
    let dir = changed_copy("types/memcached.yaml", |text| {
        let start = text.find("  values: |").expect("values");
        format!("{}  values: |\n    - {{{{ release }}}}\n", &text[..start])
    });
    let loaded = load_dir(dir.path()).expect("a template is checked when it renders");
    let mut diagnostics = render(&loaded.platform, "local").expect_err("must fail");
    loaded.sources.locate_all(&mut diagnostics);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic.code, Code::RenderTemplate);
    assert_eq!(
        diagnostic.message,
        "the values template of `memcached` gives a list, not a mapping of chart values"
    );
    assert_eq!(
        diagnostic.origin,
        Some(Origin::Type(platc_spec::names::TypeName::new("memcached").unwrap()))
    );
    let location = diagnostic.location.as_ref().expect("located");
    assert_eq!(location.file, "types/memcached.yaml");
    let position = location.position.expect("a position");
    assert_eq!((position.line, position.column), (25, 5), "at the template's text");

    // An unknown variable names the closest one, for every release of the
    // type alike (the template is compiled once per environment).
    let dir = changed_copy("types/memcached.yaml", |text| {
        text.replace("replicaCount: {{ replicas }}", "replicaCount: {{ replica }}")
    });
    let second = dir.path().join("services/shop.yaml");
    let text = fs::read_to_string(&second).expect("read");
    fs::write(
        &second,
        text.replace("  sessions: memcached\n", "  sessions: memcached\n  fragments: memcached\n"),
    )
    .expect("write");
    let loaded = load_dir(dir.path()).expect("loads");
    let mut diagnostics = render(&loaded.platform, "local").expect_err("must fail");
    loaded.sources.locate_all(&mut diagnostics);
    assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
    for diagnostic in &diagnostics {
        assert_eq!(
            diagnostic.message,
            "unknown variable `replica` in the values template of `memcached`"
        );
        assert_eq!(diagnostic.help.as_deref(), Some("did you mean `replicas`?"));
        let location = diagnostic.location.as_ref().expect("located");
        assert_eq!(location.file, "types/memcached.yaml");
    }
}

#[test]
fn template_values_keep_their_types_and_quote_strings() {
    // A release named like a YAML keyword stays a string.
    let dir = changed_copy("services/shop.yaml", |text| {
        text.replace("sessions:", "\"null\":")
            .replace("resources.sessions.url", "resources['null'].url")
    });
    let loaded = load_dir(dir.path()).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    let local = tree(&loaded.platform, "local");
    let values = local.get("infra/null/values.yaml").expect("values");
    assert!(values.starts_with("fullnameOverride: \"null\"\n"), "{values}");
    assert!(values.contains("replicaCount: 1\n"), "a number stays a number: {values}");
}

/// A platform built in Rust is not validated unless its author asks; an
/// unknown type, or `helm` for a type without a chart, is still an error of
/// the render, never a guess.
#[test]
fn a_platform_built_in_code_with_an_unknown_or_unfit_type_does_not_render() {
    use platc_spec::model::{ClusterFlavour, Environment, Provider, Service};
    let build = |kind: &str, provider: Provider| -> Platform {
        let api = Service::web("api", "ghcr.io/acme/api")
            .and_then(|s| s.port("http", 8080))
            .and_then(|s| s.uses("db", kind))
            .expect("valid names");
        let production = Environment::new("production", "example.com", ClusterFlavour::Eks)
            .and_then(|e| e.default_tag("1.0.0"))
            .and_then(|e| e.provide(kind, provider))
            .expect("valid names");
        Platform::named("shop").expect("name").with_service(api).with_environment(production)
    };
    let unknown = build("postgress", Provider::external("db.example.com"));
    let diagnostics = render(&unknown, "production").expect_err("unknown type");
    assert_eq!(diagnostics[0].code, Code::SpecUnknownType, "{diagnostics:?}");

    let mut chartless = build("postgres", Provider::helm());
    let mut postgres = chartless.types.get("postgres").expect("built in").clone();
    postgres.helm = None;
    postgres.builtin = false;
    chartless.types.insert(postgres);
    let diagnostics = render(&chartless, "production").expect_err("no chart");
    assert_eq!(diagnostics[0].code, Code::SpecUnsupportedProvider, "{diagnostics:?}");
    assert_eq!(diagnostics[0].message, "the type `postgres` has no chart to run in the cluster");
}

/// What a values template writes is checked against the chart's recorded
/// keys, when the type records them.
#[test]
fn keys_a_values_template_writes_must_exist_in_the_chart() {
    let dir = changed_copy("types/memcached.yaml", |text| {
        text.replace("  requests:\n", "  keys: memcached-7.9.0.keys\n  requests:\n")
            .replace("replicaCount: {{ replicas }}", "replicaCont: {{ replicas }}")
    });
    fs::write(
        dir.path().join("types/memcached-7.9.0.keys"),
        "# a short list for the test\narchitecture\nfullnameOverride\nreplicaCount\nresources\nresources.*\n",
    )
    .expect("write");
    let loaded = load_dir(dir.path()).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    let diagnostics = render(&loaded.platform, "local").expect_err("must fail");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].code, Code::RenderUnknownChartValue);
    assert_eq!(
        diagnostics[0].message,
        "the values template of `memcached` writes `replicaCont`, which is not a value of the memcached chart 7.9.0"
    );
    assert_eq!(diagnostics[0].help.as_deref(), Some("did you mean `replicaCount`?"));
    assert_eq!(diagnostics[0].pointer.as_deref(), Some("/helm/values"));
}
