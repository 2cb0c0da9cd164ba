//! Traefik in full: every middleware kind rendered for both API groups and
//! checked against the CRDs platc installs, the Traefik release an
//! environment runs, and the options a release lacks.

use std::collections::BTreeSet;

use platc_render::render;
use platc_render::validate::options_newer_than;
use platc_spec::model::{Environment, Middleware, TraefikApiGroup, TraefikVersion};
use platc_spec::schema::{FileKind, json_schema};
use platc_spec::{Code, Diagnostic, Platform};
use serde_json::Value;

use crate::crds::{crd_schemas, validate_tree};
use crate::load;

fn environment<'p>(platform: &'p mut Platform, name: &str) -> &'p mut Environment {
    platform.environments.iter_mut().find(|e| e.name.as_str() == name).expect("environment")
}

fn errors(platform: &Platform, env: &str) -> Vec<Diagnostic> {
    render(platform, env).expect_err("the environment is refused")
}

/// `(code, pointer)` of each diagnostic.
fn found(diagnostics: &[Diagnostic]) -> BTreeSet<(Code, String)> {
    diagnostics.iter().map(|d| (d.code, d.pointer.clone().unwrap_or_default())).collect()
}

/// The pointers, in the file that defines them, of the options of the
/// `api` service's middlewares that `version` lacks.
fn newer_options(platform: &Platform, version: TraefikVersion) -> BTreeSet<(Code, String)> {
    let api = platform.service("api").expect("api");
    api.middlewares
        .iter()
        .flat_map(|(name, middleware)| {
            options_newer_than(middleware, version).into_iter().map(move |(path, _)| {
                (Code::RenderUnsupportedByTraefik, format!("/middlewares/{name}/{path}"))
            })
        })
        .collect()
}

/// The middleware kinds the model has, from its schema.
fn model_kinds() -> BTreeSet<String> {
    let schema = json_schema(FileKind::Service);
    let definitions = schema.get("$defs").or_else(|| schema.get("definitions")).expect("defs");
    definitions["Middleware"]["oneOf"]
        .as_array()
        .expect("a union")
        .iter()
        .flat_map(|branch| branch["required"].as_array().cloned().unwrap_or_default())
        .filter_map(|key| key.as_str().map(ToOwned::to_owned))
        .collect()
}

/// `platform` without the options (and kinds) Traefik `version` lacks.
fn without_newer_options(platform: &Platform, version: TraefikVersion) -> Platform {
    let mut older = platform.clone();
    let api = older.services.iter_mut().find(|s| s.name.as_str() == "api").expect("api");
    api.middlewares.retain(|_, middleware| {
        options_newer_than(middleware, version).iter().all(|(path, _)| path.contains('/'))
    });
    for middleware in api.middlewares.values_mut() {
        let mut value = serde_json::to_value(&*middleware).expect("serializes");
        for (path, _) in options_newer_than(middleware, version) {
            let (parent, field) = path.rsplit_once('/').expect("an option");
            value
                .pointer_mut(&format!("/{parent}"))
                .and_then(Value::as_object_mut)
                .expect("its middleware")
                .remove(field);
        }
        *middleware = serde_json::from_value(value).expect("still a middleware");
    }
    older
}

#[test]
fn every_middleware_kind_renders_for_both_api_groups_and_matches_their_crds() {
    let platform = load("middlewares");
    let api = platform.service("api").expect("api");
    let used: BTreeSet<String> = api.middlewares.values().map(|m| m.key().to_owned()).collect();
    assert_eq!(used, model_kinds(), "the fixture uses every kind the model has");
    let gated: BTreeSet<(Code, String)> = newer_options(&platform, TraefikVersion::new(2, 10, 6));
    let paths: BTreeSet<&str> = gated
        .iter()
        .map(|(_, pointer)| pointer.splitn(4, '/').nth(3).expect("an option path"))
        .collect();
    assert_eq!(paths.len(), 23, "the fixture sets every Traefik 3 option: {paths:?}");

    let schemas = crd_schemas();
    let count = |tree: &platc_render::Tree| {
        tree.iter().filter(|(path, _)| path.contains("/middleware-")).count()
    };

    // Traefik 3: everything.
    let current = render(&platform, "current").expect("renders").tree().expect("serializes");
    assert_eq!(count(&current), api.middlewares.len() + platform.settings.middlewares.len());
    assert!(validate_tree("current", &current, &schemas) > api.middlewares.len());
    insta::assert_snapshot!(
        "middlewares-current-sso",
        current.get("manifests/services/api/middleware-api-sso.yaml").expect("rendered")
    );

    // Traefik 2: the Traefik 3 options are refused, each where it is written...
    assert_eq!(found(&errors(&platform, "legacy")), gated);
    // ...and without them every kind Traefik 2 has renders and matches its CRD.
    let older = without_newer_options(&platform, TraefikVersion::new(2, 10, 6));
    let legacy = render(&older, "legacy").expect("renders").tree().expect("serializes");
    assert_eq!(
        count(&legacy),
        count(&current) - 2,
        "grpcWeb and encodedCharacters are Traefik 3's"
    );
    assert!(validate_tree("legacy", &legacy, &schemas) > 20);
    let office = legacy.get("manifests/services/api/middleware-api-office.yaml").expect("rendered");
    assert!(office.starts_with("apiVersion: traefik.containo.us/v1alpha1\n"), "{office}");
    assert!(office.contains("  ipWhiteList:\n"), "{office}");
    let detect =
        legacy.get("manifests/services/api/middleware-api-content-type.yaml").expect("rendered");
    assert!(detect.contains("contentType:\n    autoDetect: true\n"), "{detect}");
    let detect =
        current.get("manifests/services/api/middleware-api-content-type.yaml").expect("rendered");
    assert!(detect.contains("contentType: {}\n"), "{detect}");
    // Sticky sessions, in both groups (their IngressRoutes were checked above).
    for tree in [&current, &legacy] {
        let route = tree.get("manifests/services/api/ingressroute.yaml").expect("rendered");
        assert!(
            route.contains(
                "      sticky:\n        cookie:\n          name: api_session\n          secure: true\n          httpOnly: true\n          sameSite: lax\n"
            ),
            "{route}"
        );
    }
}

#[test]
fn references_resolve_to_object_names_services_and_ports() {
    let platform = load("middlewares");
    let current = render(&platform, "current").expect("renders").tree().expect("serializes");
    let get = |path: &str| current.get(path).unwrap_or_else(|| panic!("{path}")).to_owned();
    // A service's chain names its own middlewares under their object names,
    // the platform's under theirs.
    let everything = get("manifests/services/api/middleware-api-everything.yaml");
    assert!(
        everything.contains(
            "chain:\n    middlewares:\n    - name: api-strip\n    - name: edge\n    - name: api-headers\n    - name: api-per-client\n"
        ),
        "{everything}"
    );
    // forwardAuth reaches auth's `verify` Service port across namespaces.
    let sso = get("manifests/services/api/middleware-api-sso.yaml");
    assert!(sso.contains("address: http://auth.kinds.svc:90/verify\n"), "{sso}");
    // errors names pages' Service and port.
    let pages = get("manifests/services/api/middleware-api-error-pages.yaml");
    assert!(pages.contains("service:\n      name: pages\n      port: 8080\n"), "{pages}");
    // Traefik is let in to both, on their container ports.
    let auth = get("manifests/services/auth/networkpolicy.yaml");
    assert!(auth.contains("port: 9000"), "{auth}");
    assert!(get("manifests/services/pages/networkpolicy.yaml").contains("port: 8080"));
    // The Secrets Traefik reads are part of the environment's Secrets.
    let mut stored = platform.clone();
    environment(&mut stored, "current").secret_store = Some(
        serde_json::from_value(serde_json::json!({"name": "vault", "prefix": "kinds/"}))
            .expect("a store"),
    );
    let tree = render(&stored, "current").expect("renders").tree().expect("serializes");
    for (secret, key) in [
        ("api-users", "users"),
        ("api-digest-users", "users"),
        ("auth-ca", "ca.crt"),
        ("auth-client", "tls.key"),
    ] {
        let external = tree
            .get(&format!("manifests/platform/externalsecret-{secret}.yaml"))
            .unwrap_or_else(|| panic!("no ExternalSecret for {secret}"));
        assert!(external.contains(&format!("secretKey: {key}")), "{external}");
    }
}

#[test]
fn a_traefik_3_release_older_than_an_option_refuses_it() {
    let mut platform = load("middlewares");
    // Chart 35.3.0 installs Traefik 3.4.0.
    environment(&mut platform, "current").ingress.version = Some("35.3.0".to_owned());
    let version = TraefikVersion::new(3, 4, 0);
    let expected = newer_options(&platform, version);
    assert!(expected.contains(&(
        Code::RenderUnsupportedByTraefik,
        "/middlewares/retry/retry/status".to_owned()
    )));
    assert!(
        !expected.iter().any(|(_, p)| p.contains("statusRewrites") || p.contains("grpcWeb")),
        "3.4 has them"
    );
    let diagnostics = errors(&platform, "current");
    assert_eq!(found(&diagnostics), expected);
    let status = diagnostics
        .iter()
        .find(|d| d.pointer.as_deref() == Some("/middlewares/retry/retry/status"));
    let status = status.expect("reported");
    assert_eq!(
        status.message,
        "`retry.status` needs Traefik 3.7.0 or later, but `current` runs Traefik 3.4.0"
    );
    assert_eq!(
        status.origin,
        Some(platc_spec::Origin::Service(
            platc_spec::names::ServiceName::new("api").expect("name")
        ))
    );

    let older = without_newer_options(&platform, version);
    let tree = render(&older, "current").expect("renders").tree().expect("serializes");
    let values = tree.get("infra/traefik/values.yaml").expect("values");
    assert!(values.contains("image:\n  tag: v3.4.0\n"), "{values}");
}

/// The `basic` platform's production, with its middlewares: none.
fn production() -> Platform {
    load("basic")
}

fn traefik_errors(platform: &Platform) -> Vec<(Code, String, String, String)> {
    render(platform, "production")
        .expect_err("refused")
        .into_iter()
        .map(|d| (d.code, d.pointer.unwrap_or_default(), d.message, d.help.unwrap_or_default()))
        .collect()
}

#[test]
fn the_traefik_release_is_the_charts_unless_stated_and_checked() {
    // Built in: the pinned chart's appVersion, written into the values.
    let platform = production();
    let tree = render(&platform, "production").expect("renders").tree().expect("serializes");
    let values = tree.get("infra/traefik/values.yaml").expect("values");
    assert!(values.starts_with("image:\n  tag: v3.7.11\n"), "{values}");
    let mut legacy = production();
    environment(&mut legacy, "production").ingress.api_group = TraefikApiGroup::ContainoUs;
    let tree = render(&legacy, "production").expect("renders").tree().expect("serializes");
    assert!(tree.get("infra/traefik/values.yaml").expect("values").contains("tag: v2.10.6\n"));

    // Stated and true: fine.
    let mut stated = production();
    environment(&mut stated, "production").ingress.traefik_version =
        TraefikVersion::parse("v3.7.11");
    assert!(render(&stated, "production").is_ok());

    // Stated and not what the chart installs: refused, with the chart that does.
    environment(&mut stated, "production").ingress.traefik_version = TraefikVersion::parse("3.6.0");
    let [(code, pointer, message, help)] = traefik_errors(&stated).try_into().expect("one error");
    assert_eq!((code, pointer.as_str()), (Code::RenderTraefikVersion, "/ingress/traefikVersion"));
    assert_eq!(
        message,
        "`production` states Traefik 3.6.0, but the chart 41.3.0 installs Traefik 3.7.11"
    );
    assert_eq!(
        help,
        "state `traefikVersion: \"3.7.11\"`, or install the chart that does: `ingress.version: \"37.3.0\"`"
    );
    // Choosing that chart makes it true.
    environment(&mut stated, "production").ingress.version = Some("37.3.0".to_owned());
    assert!(render(&stated, "production").is_ok());

    // An image tag decides what runs; the statement must agree with it.
    let mut tagged = production();
    let ingress = &mut environment(&mut tagged, "production").ingress;
    ingress.values.insert("image".to_owned(), serde_json::json!({"tag": "v3.7.9"}));
    let tree = render(&tagged, "production").expect("renders").tree().expect("serializes");
    assert!(tree.get("infra/traefik/values.yaml").expect("values").contains("tag: v3.7.9\n"));
    environment(&mut tagged, "production").ingress.traefik_version =
        TraefikVersion::parse("3.7.11");
    let [(code, pointer, message, _)] = traefik_errors(&tagged).try_into().expect("one error");
    assert_eq!((code, pointer.as_str()), (Code::RenderTraefikVersion, "/ingress/traefikVersion"));
    assert!(message.contains("`ingress.values.image.tag` runs `v3.7.9`"), "{message}");

    // A chart platc does not know needs the release stated.
    let mut unknown = production();
    environment(&mut unknown, "production").ingress.version = Some("99.0.0".to_owned());
    let [(code, pointer, message, _)] = traefik_errors(&unknown).try_into().expect("one error");
    assert_eq!((code, pointer.as_str()), (Code::RenderTraefikVersion, "/ingress/version"));
    assert_eq!(message, "platc does not know which Traefik release the chart 99.0.0 installs");
    environment(&mut unknown, "production").ingress.traefik_version =
        TraefikVersion::parse("3.9.0");
    assert!(render(&unknown, "production").is_ok());

    // A Traefik 3 chart for the Traefik 2 group, or the other way round.
    let mut mixed = production();
    let ingress = &mut environment(&mut mixed, "production").ingress;
    ingress.api_group = TraefikApiGroup::ContainoUs;
    ingress.version = Some("41.3.0".to_owned());
    let [(code, pointer, message, help)] = traefik_errors(&mixed).try_into().expect("one error");
    assert_eq!((code, pointer.as_str()), (Code::RenderTraefikVersion, "/ingress/version"));
    assert_eq!(
        message,
        "`production` would run Traefik 3.7.11 for `traefik.containo.us`, which needs Traefik 2"
    );
    assert!(help.contains("`ingress.apiGroup: traefik.io`"), "{help}");
}

#[test]
fn versions_read_with_or_without_v() {
    assert_eq!(TraefikVersion::parse("v2.10.6"), Some(TraefikVersion::new(2, 10, 6)));
    assert_eq!(TraefikVersion::parse("3.7.11"), Some(TraefikVersion::new(3, 7, 11)));
    for bad in ["3.7", "latest", "v3.7.11-rc1", "3..1", "experimental-v3.7"] {
        assert_eq!(TraefikVersion::parse(bad), None, "{bad}");
    }
    assert!(TraefikVersion::new(3, 7, 10) > TraefikVersion::new(3, 7, 9));
    assert!(TraefikVersion::new(3, 0, 0) > TraefikVersion::new(2, 11, 30));
}

#[test]
fn a_middleware_whose_kind_traefik_lacks_is_refused_at_the_kind() {
    let mut platform = load("middlewares");
    let api = platform.services.iter_mut().find(|s| s.name.as_str() == "api").expect("api");
    api.middlewares.retain(|_, m| matches!(m, Middleware::GrpcWeb(_)));
    api.routes.clear();
    let diagnostics = errors(&platform, "legacy");
    assert_eq!(
        found(&diagnostics),
        BTreeSet::from([(
            Code::RenderUnsupportedByTraefik,
            "/middlewares/grpc/grpcWeb".to_owned()
        )])
    );
    assert!(
        diagnostics[0].help.as_deref().unwrap_or_default().contains("ingress.apiGroup: traefik.io")
    );
}
