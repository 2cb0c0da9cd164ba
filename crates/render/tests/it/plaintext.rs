//! No plaintext secret reaches output: values under secret-like names, URLs
//! with a password and well-known credential formats are refused outside
//! development, located at the model value that produced them, unless the
//! service or the override allows them with a reason.
//!
//! Credentials are assembled from pieces so that this file does not hold
//! one itself.

use platc_render::plaintext::{Cause, scan, shape};
use platc_render::render;
use platc_spec::model::{ConfigFile, Environment, Service};
use platc_spec::names::{EnvName, EnvVarName, ServiceName};
use platc_spec::{Code, Diagnostic, Origin, Platform};

use crate::load;

fn service<'p>(platform: &'p mut Platform, name: &str) -> &'p mut Service {
    platform.services.iter_mut().find(|s| s.name.as_str() == name).expect("service")
}

fn environment<'p>(platform: &'p mut Platform, name: &str) -> &'p mut Environment {
    platform.environments.iter_mut().find(|e| e.name.as_str() == name).expect("environment")
}

fn var(name: &str) -> EnvVarName {
    EnvVarName::new(name).expect("variable name")
}

/// `api` of the `basic` fixture with one more variable.
fn with_env(name: &str, value: &str) -> Platform {
    let mut platform = load("basic");
    service(&mut platform, "api").env.insert(var(name), value.to_owned());
    platform
}

/// The diagnostics of a render that must fail.
fn refused(platform: &Platform, env: &str) -> Vec<Diagnostic> {
    match render(platform, env) {
        Ok(_) => panic!("`{env}` renders, but should be refused"),
        Err(diagnostics) => diagnostics,
    }
}

/// The one plaintext error of a failed render, with its origin and pointer.
fn plaintext_error(platform: &Platform, env: &str) -> (Origin, String, String) {
    let diagnostics = refused(platform, env);
    let errors: Vec<&Diagnostic> =
        diagnostics.iter().filter(|d| d.code == Code::RenderPlaintextSecret).collect();
    assert_eq!(errors.len(), 1, "{diagnostics:#?}");
    let error = errors[0];
    assert!(error.is_error());
    assert!(error.help.as_deref().unwrap_or_default().contains("allowPlaintext"), "{error:?}");
    let pointer = error.pointer.clone().expect("located");
    (error.origin.clone().expect("located"), pointer, error.message.clone())
}

fn api() -> Origin {
    Origin::Service(ServiceName::new("api").expect("name"))
}

fn production() -> Origin {
    Origin::Environment(EnvName::new("production").expect("name"))
}

/// Positive and near-miss examples of every credential format platc names.
fn credentials() -> Vec<(&'static str, String, String)> {
    let pem = |kind: &str| {
        format!(
            "-----BEGIN {kind} KEY-----\n{}\n-----END {kind} KEY-----\n",
            "MIIEowIBAAKCAQEA".repeat(5)
        )
    };
    let hex32 = "0123456789abcdef0123456789abcdef";
    let alnum36 = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
    vec![
        (
            "aws-access-token",
            ["AKIA", "IOSFODNN7EXAMPLE"].concat(),
            ["AKIA", "IOSFODNN7EXAMP"].concat(),
        ),
        (
            "stripe-access-token",
            ["sk_", "live_", "4eC39HqLyjWDarjtT1zdp7dc"].concat(),
            ["pk_", "live_", "4eC39HqLyjWDarjtT1zdp7dc"].concat(),
        ),
        (
            "stripe-access-token",
            ["rk_", "live_", "4eC39HqLyjWDarjtT1zdp7dc"].concat(),
            ["rk_", "live_", "short"].concat(),
        ),
        ("github-pat", ["ghp_", alnum36].concat(), ["ghp_", &alnum36[1..]].concat()),
        ("github-oauth", ["gho_", alnum36].concat(), ["gho_", &alnum36[2..]].concat()),
        (
            "github-fine-grained-pat",
            ["github_", "pat_", &"11ABCDEFG0_abcdefgh".repeat(5)[..82]].concat(),
            ["github_", "pat_", "11ABCDEFG0_abcdefgh"].concat(),
        ),
        (
            "slack-bot-token",
            ["xox", "b-1234567890-1234567890-AbCdEfGh"].concat(),
            "xoxb-12345".to_owned(),
        ),
        (
            "slack-user-token",
            ["xox", "p-1234567890-1234567890-1234567890-", &alnum36[..30]].concat(),
            "xoxp-1234567890".to_owned(),
        ),
        (
            "slack-legacy-workspace-token",
            ["xox", "a-2-AbCdEfGh12"].concat(),
            "xoxa-2-abc".to_owned(),
        ),
        ("slack-legacy-workspace-token", ["xox", "r-AbCdEfGh12"].concat(), "xoxr".to_owned()),
        ("slack-legacy-token", ["xox", "o-1-2-3-abc123"].concat(), "xoxo-1-2".to_owned()),
        ("slack-legacy-token", ["xox", "s-1-2-3-abc123"].concat(), "xoxs-a-b-c-d".to_owned()),
        ("private-key", pem("RSA PRIVATE"), pem("PUBLIC")),
        ("private-key", pem("OPENSSH PRIVATE"), "-----BEGIN PRIVATE KEY-----".to_owned()),
        (
            "jwt",
            [
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
                ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ",
                ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
            ]
            .concat(),
            "eyJhbGciOi.eyJzdWIi.abc".to_owned(),
        ),
        ("gitlab-pat", ["glpat-", "xYz1234567890AbCdEfGh"].concat(), ["glpat-", "xYz123"].concat()),
        (
            "gcp-api-key",
            ["AIza", "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"].concat(),
            ["AIza", "SyA1b2C3d4E5"].concat(),
        ),
        (
            "sendgrid-api-token",
            ["SG.", "ngeVfQFYQlKU0ufo8x5d1A", ".", "TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr"]
                .concat(),
            ["SG.", "ngeVfQFYQlKU0ufo8x5d1A"].concat(),
        ),
        ("twilio-api-key", ["SK", hex32].concat(), ["AC", hex32].concat()),
    ]
}

#[test]
fn every_credential_format_is_recognised_and_its_near_miss_is_not() {
    for (id, secret, near_miss) in credentials() {
        assert_eq!(shape(&secret), Some(Cause::Format(id)), "{id}: {secret}");
        assert_eq!(shape(&near_miss), None, "{id} near miss: {near_miss}");
        // Whatever the name, and in a sentence.
        assert_eq!(scan("BANNER", &format!("key {secret} end")), Some(Cause::Format(id)));
    }
}

#[test]
fn a_credential_under_any_name_is_refused_where_it_was_written() {
    let secret = ["sk_", "live_", "4eC39HqLyjWDarjtT1zdp7dc"].concat();
    let (origin, pointer, message) = plaintext_error(&with_env("BILLING", &secret), "production");
    assert_eq!((origin, pointer.as_str()), (api(), "/env/BILLING"));
    assert!(message.contains("stripe-access-token"), "{message}");
}

#[test]
fn each_secret_like_name_is_refused_and_durations_are_not() {
    for name in [
        "DB_PASSWORD",
        "SMTP_PASSWD",
        "SESSION_SECRET",
        "GITHUB_TOKEN",
        "MAPS_API_KEY",
        "MAPS_APIKEY",
        "JWT_PRIVATE_KEY",
        "GCP_CREDENTIALS",
    ] {
        let (origin, pointer, message) =
            plaintext_error(&with_env(name, "hunter2-s3cr3t"), "production");
        assert_eq!((origin, pointer), (api(), format!("/env/{name}")), "{name}");
        assert!(message.contains("secret-like name"), "{message}");
    }
    for name in ["ACCESS_TOKEN_TTL", "TOKEN_TIMEOUT", "SESSION_SECRET_EXPIRY", "PASSWORD_FILE"] {
        let platform = with_env(name, "15m");
        assert!(render(&platform, "production").is_ok(), "{name}");
    }
    // Empty values and references to other variables are not secrets.
    for value in ["", "$(STRIPE_API_KEY)"] {
        assert!(render(&with_env("DB_PASSWORD", value), "production").is_ok(), "{value:?}");
    }
}

#[test]
fn a_url_with_a_password_is_refused_unless_the_password_is_a_reference() {
    let (origin, pointer, message) =
        plaintext_error(&with_env("DATABASE", "postgres://app:hunter2@db:5432/app"), "production");
    assert_eq!((origin, pointer.as_str()), (api(), "/env/DATABASE"));
    assert!(message.contains("URL with a password"), "{message}");
    let reference = with_env("DATABASE", "postgres://app:$(DB_PASSWORD)@db:5432/app");
    assert!(render(&reference, "production").is_ok());
    assert!(render(&with_env("DATABASE", "postgres://app@db:5432/app"), "production").is_ok());
}

#[test]
fn an_override_is_checked_and_located_in_the_environment() {
    let mut platform = load("basic");
    let overrides = environment(&mut platform, "production").overrides.values_mut().next();
    overrides.expect("api's override").env.insert(var("DB_PASSWORD"), "hunter2-s3cr3t".to_owned());
    let (origin, pointer, _) = plaintext_error(&platform, "production");
    assert_eq!((origin, pointer.as_str()), (production(), "/overrides/api/env/DB_PASSWORD"));
}

#[test]
fn an_override_may_not_replace_a_secret_reference_or_an_injected_variable() {
    let mut platform = load("infra");
    let env = environment(&mut platform, "production");
    let orders = env.overrides.entry(ServiceName::new("orders").expect("name")).or_default();
    orders.env.insert(var("STRIPE_API_KEY"), "not-a-key".to_owned());
    orders.env.insert(var("ORDERS_DB_HOST"), "elsewhere.example.com".to_owned());
    let diagnostics = platc_spec::validate::validate(&platform);
    let clashes: Vec<&Diagnostic> =
        diagnostics.iter().filter(|d| d.code == Code::SpecDuplicateEnv).collect();
    assert_eq!(clashes.len(), 2, "{diagnostics:#?}");
    assert_eq!(clashes[0].pointer.as_deref(), Some("/overrides/orders/env/STRIPE_API_KEY"));
    assert!(clashes[0].message.contains("services/orders.yaml"), "{}", clashes[0].message);
    assert!(clashes[0].message.contains("`secrets.STRIPE_API_KEY`"), "{}", clashes[0].message);
    assert_eq!(clashes[1].pointer.as_deref(), Some("/overrides/orders/env/ORDERS_DB_HOST"));
    assert!(clashes[1].message.contains("`uses.orders-db`"), "{}", clashes[1].message);
    assert!(clashes.iter().all(|d| d.origin == Some(production()) && d.is_error()));
}

#[test]
fn a_template_that_renders_a_secret_is_refused_at_the_template() {
    let platform = with_env("HOOK", "https://bot:{{ environment.name }}@hooks.example.com/x");
    let (origin, pointer, _) = plaintext_error(&platform, "production");
    assert_eq!((origin, pointer.as_str()), (api(), "/env/HOOK"));
    // Written without the template, the same value is a URL without password.
    assert!(render(&with_env("HOOK", "https://hooks.example.com/x"), "production").is_ok());
    // A template naming a Secret is a reference, not a value.
    let mut platform = load("infra");
    let orders = service(&mut platform, "orders");
    orders
        .env
        .insert(var("DB_PASSWORD_SOURCE"), "{{ resources['orders-db'].password_secret }}".into());
    orders.env.insert(var("DB_PASSWORD"), "{{ resources['orders-db'].password_secret }}".into());
    assert!(render(&platform, "production").is_ok());
}

#[test]
fn config_files_commands_and_arguments_are_checked() {
    let mut platform = load("basic");
    service(&mut platform, "api").files.push(ConfigFile {
        path: "/etc/api/db.yaml".to_owned(),
        content: "database:\n  host: db\n  password: hunter2\n".to_owned(),
    });
    let (origin, pointer, message) = plaintext_error(&platform, "production");
    assert_eq!((origin, pointer.as_str()), (api(), "/files/1/content"));
    assert!(message.contains("(line 3)"), "{message}");

    let mut platform = load("basic");
    service(&mut platform, "api").args = vec!["--db-password=hunter2".to_owned()];
    let (origin, pointer, _) = plaintext_error(&platform, "production");
    assert_eq!((origin, pointer.as_str()), (api(), "/args/0"));
}

#[test]
fn helm_values_of_every_release_are_checked_with_the_chart_fix() {
    let mut platform = load("infra");
    let staging = environment(&mut platform, "staging");
    let redis = staging.infrastructure.types.get_mut("redis").expect("redis provider");
    let platc_spec::model::Provider::Helm(helm) = redis else { panic!("helm") };
    helm.values.insert("auth".to_owned(), serde_json::json!({"password": "hunter2-staging"}));
    let diagnostics = refused(&platform, "staging");
    let error = diagnostics
        .iter()
        .find(|d| d.code == Code::RenderPlaintextSecret)
        .unwrap_or_else(|| panic!("{diagnostics:#?}"));
    assert_eq!(error.pointer.as_deref(), Some("/infrastructure/redis/values/auth/password"));
    assert!(error.message.contains("`auth.password`"), "{}", error.message);
    assert!(error.help.as_deref().unwrap_or_default().contains("existingSecret"));

    // Traefik's values too, whatever the key, when the value is a credential.
    let mut platform = load("basic");
    let token = ["ghp_", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"].concat();
    environment(&mut platform, "production")
        .ingress
        .values
        .insert("env".to_owned(), serde_json::json!([{"name": "X", "value": token}]));
    let diagnostics = refused(&platform, "production");
    let error = diagnostics.iter().find(|d| d.code == Code::RenderPlaintextSecret).expect("error");
    assert_eq!(error.pointer.as_deref(), Some("/ingress/values/env/0/value"));
}

#[test]
fn an_opt_out_allows_a_value_with_its_reason_and_an_unused_one_warns() {
    let mut platform = with_env("CDN_PUBLIC_TOKEN", "pk-cdn-1234");
    let api = service(&mut platform, "api");
    api.allow_plaintext.insert("CDN_PUBLIC_TOKEN".into(), "the CDN's public token".into());
    api.allow_plaintext.insert("LOG_LEVEL".into(), "not a secret either".into());
    let rendered = render(&platform, "production").expect("the opt-out allows the value");
    let unused: Vec<&Diagnostic> =
        rendered.warnings.iter().filter(|d| d.code == Code::RenderUnusedOptOut).collect();
    assert_eq!(unused.len(), 1, "{:#?}", rendered.warnings);
    assert_eq!(unused[0].pointer.as_deref(), Some("/allowPlaintext/LOG_LEVEL"));
    assert!(!unused[0].is_error());

    // An override's opt-out covers the override's value.
    let mut platform = load("basic");
    let overrides = environment(&mut platform, "production").overrides.values_mut().next();
    let overrides = overrides.expect("api's override");
    overrides.env.insert(var("SESSION_SECRET"), "public-by-design".to_owned());
    overrides.allow_plaintext.insert("SESSION_SECRET".into(), "a demo value".into());
    let rendered = render(&platform, "production").expect("allowed");
    assert!(rendered.warnings.iter().all(|d| d.code != Code::RenderUnusedOptOut));
}

#[test]
fn a_development_environment_keeps_literals_with_one_warning_each() {
    let mut platform = with_env("DB_PASSWORD", "dev-password");
    service(&mut platform, "api")
        .env
        .insert(var("BROKER"), "amqp://guest:guest@rabbit:5672".to_owned());
    let rendered = render(&platform, "local").expect("development keeps literal values");
    let warnings: Vec<&Diagnostic> =
        rendered.warnings.iter().filter(|d| d.code == Code::RenderPlaintextInDevelopment).collect();
    assert_eq!(warnings.len(), 2, "{:#?}", rendered.warnings);
    assert_eq!(warnings[0].pointer.as_deref(), Some("/env/DB_PASSWORD"));
    assert_eq!(warnings[1].pointer.as_deref(), Some("/env/BROKER"));
    assert!(warnings.iter().all(|d| !d.is_error() && d.origin == Some(api())));
    assert!(refused(&platform, "production").iter().any(|d| d.code == Code::RenderPlaintextSecret));
}

#[test]
fn the_example_platform_has_no_plaintext_secret() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let platform = platc_spec::load_dir(&root).expect("the example loads").platform;
    for rendered in platc_render::render_all(&platform).expect("the example renders") {
        let found: Vec<&Diagnostic> = rendered
            .warnings
            .iter()
            .filter(|d| {
                matches!(d.code, Code::RenderPlaintextInDevelopment | Code::RenderUnusedOptOut)
            })
            .collect();
        assert!(found.is_empty(), "{}: {found:#?}", rendered.environment);
    }
}
