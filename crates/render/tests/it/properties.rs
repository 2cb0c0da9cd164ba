//! Property tests of rendering: generated platforms (services of every kind
//! with ports, env, routes, middlewares, resources, scaling and dependencies;
//! one or two environments) are written as YAML, loaded, and rendered.
//! Rendering never panics, fails only with coded diagnostics, gives the
//! same tree every time, and writes YAML that parses.
//!
//! A generated platform may be rejected for a reason of its own (two services
//! claiming one route, a limit below its request); the test counts how many
//! rendered and requires most of them to, so the property is not vacuous.
//!
//! The default case count keeps `cargo test` fast; for a longer search:
//!
//! ```text
//! PROPTEST_CASES=2000 cargo test -p platc-render --test it properties -- --nocapture
//! ```

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fs;

use platc_render::emit::to_yaml;
use platc_render::{render_all, render_all_tree};
use platc_spec::Code;
use platc_spec::{Diagnostic, load_dir};
use proptest::collection::{btree_map, btree_set, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{Index, select, subsequence};
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value, json};

/// A generated service file and what environments need to know about it.
#[derive(Debug, Clone)]
struct GeneratedService {
    name: String,
    kind: &'static str,
    doc: Value,
}

/// A generated platform: the text of each file by path.
#[derive(Debug, Clone)]
struct Generated {
    services: Vec<GeneratedService>,
    files: BTreeMap<String, Value>,
}

const KINDS: &[&str] = &["web", "web", "web", "worker", "cronjob", "job"];
const PORT_NAMES: &[&str] = &["http", "grpc", "metrics", "admin"];
const DEPENDENCIES: &[(&str, &str)] = &[
    ("orders-db", "postgres"),
    ("cache", "redis"),
    ("events", "kafka"),
    ("queue", "rabbitmq"),
    ("legacy-db", "mysql"),
];
const DEPENDENCY_TYPES: &[&str] = &["postgres", "mysql", "redis", "rabbitmq", "kafka"];

fn service_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z][a-z0-9]{0,7}(-[a-z0-9]{1,4})?",
        // Names that platform components, objects or files also use.
        1 => select(&["api", "web", "traefik", "metallb", "maintenance", "platform", "applyset"][..])
            .prop_map(str::to_owned),
    ]
}

/// Strings that YAML could read as something else, templates, and plain text.
fn env_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -z]{0,12}",
        select(
            &[
                "",
                "true",
                "no",
                "yes",
                "on",
                "null",
                "~",
                "123",
                "0x1F",
                "1e3",
                "- a",
                ": x",
                "#c",
                "a: b",
                "'q'",
                "\"q\"",
                "@x",
                "`x`",
                " padded ",
                "tab\there",
                "line\nbreak",
                "é🚀",
                "{{ environment.domain }}",
                "https://{{ environment.name }}.example.com",
            ][..]
        )
        .prop_map(str::to_owned),
    ]
}

fn quantity(choices: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    option::of(select(choices).prop_map(str::to_owned))
}

fn resources() -> impl Strategy<Value = Option<Value>> {
    let list = |cpu: &'static [&'static str], memory: &'static [&'static str]| {
        (quantity(cpu), quantity(memory)).prop_map(|(cpu, memory)| {
            let mut list = Map::new();
            if let Some(cpu) = cpu {
                list.insert("cpu".into(), cpu.into());
            }
            if let Some(memory) = memory {
                list.insert("memory".into(), memory.into());
            }
            Value::Object(list)
        })
    };
    // Limits are mostly above any request; `50m` is not, to exercise the check.
    let requests = list(&["50m", "100m", "250m"], &["64Mi", "128Mi"]);
    let limits = list(&["50m", "250m", "1", "2"], &["128Mi", "1Gi"]);
    option::weighted(0.4, (option::of(requests), option::of(limits))).prop_map(|r| {
        r.map(|(requests, limits)| {
            let mut resources = Map::new();
            if let Some(requests) = requests {
                resources.insert("requests".into(), requests);
            }
            if let Some(limits) = limits {
                resources.insert("limits".into(), limits);
            }
            Value::Object(resources)
        })
    })
}

/// `replicas`, `autoscale` or neither.
fn scaling() -> impl Strategy<Value = Option<(&'static str, Value)>> {
    prop_oneof![
        Just(None),
        (0_u32..4).prop_map(|n| Some(("replicas", json!(n)))),
        (1_u32..3, 0_u32..5, option::weighted(0.9, 50_u32..90), option::of(50_u32..90)).prop_map(
            |(min, extra, cpu, memory)| {
                let mut autoscale = json!({"min": min, "max": min + extra});
                if let Some(cpu) = cpu {
                    autoscale["cpu"] = json!(cpu);
                }
                if let Some(memory) = memory {
                    autoscale["memory"] = json!(memory);
                }
                Some(("autoscale", autoscale))
            }
        ),
    ]
}

/// One route: host, paths, the index of its port, public, middlewares.
type RouteSeed = (&'static str, Vec<&'static str>, Option<Index>, Option<bool>, Vec<&'static str>);

fn route() -> impl Strategy<Value = RouteSeed> {
    (
        select(
            &[
                "{name}.{{ environment.domain }}",
                "www.{{ environment.domain }}",
                "{name}.example.com",
            ][..],
        ),
        subsequence(vec!["/", "/api", "/v1", "/static"], 0..=2),
        option::of(any::<Index>()),
        option::of(any::<bool>()),
        subsequence(vec!["strip", "secure", "limit"], 0..=2),
    )
}

fn service(name: String) -> impl Strategy<Value = GeneratedService> {
    (
        select(KINDS),
        subsequence(PORT_NAMES.to_vec(), 0..=3),
        vec(1_u16..=65535, 4),
        btree_map("[A-Z_][A-Z0-9_]{0,6}", env_value(), 0..4),
        resources(),
        scaling(),
        vec(route(), 0..3),
        subsequence(DEPENDENCIES.to_vec(), 0..=2),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        select(&["*/5 * * * *", "@hourly", "30 2 * * *", "0 0 * * 0"][..]),
    )
        .prop_map(
            move |(kind, ports, numbers, env, resources, scaling, routes, uses, flags, schedule)| {
                let (probes, files, secret) = flags;
                let mut doc = json!({"name": name, "image": format!("ghcr.io/acme/{name}")});
                doc["kind"] = json!(kind);
                let mut ports = ports;
                if kind == "web" && ports.is_empty() {
                    ports.push("http");
                }
                doc["ports"] = ports
                    .iter()
                    .zip(&numbers)
                    .map(|(name, port)| json!({"name": name, "port": port}))
                    .collect();
                if !env.is_empty() {
                    doc["env"] = json!(env);
                }
                if let Some(resources) = resources {
                    doc["resources"] = resources;
                }
                if let Some((key, value)) = scaling.filter(|_| matches!(kind, "web" | "worker")) {
                    doc[key] = value;
                }
                if kind == "cronjob" {
                    doc["schedule"] = json!(schedule);
                }
                if !uses.is_empty() {
                    doc["uses"] = uses.iter().map(|(n, t)| ((*n).to_owned(), json!(t))).collect();
                }
                if probes && let Some(first) = ports.first() {
                    doc["probes"] = json!({"readiness": {"http": "/ready"}, "liveness": {"tcp": first}});
                }
                if files {
                    doc["files"] = json!([{
                        "path": "/etc/app/config.yaml",
                        "content": "domain: {{ environment.domain }}\nname: {{ environment.name }}\n",
                    }]);
                }
                if secret {
                    doc["secrets"] = json!({"API_KEY": {"secret": "api-keys", "key": "key"}});
                }
                if kind == "web" {
                    let routes: Vec<Value> = routes
                        .iter()
                        .map(|(host, paths, port, public, middlewares)| {
                            let mut route = json!({"host": host.replace("{name}", &name)});
                            if !paths.is_empty() {
                                route["paths"] = json!(paths);
                            }
                            if let Some(port) = port {
                                route["port"] = json!(ports[port.index(ports.len())]);
                            }
                            if let Some(public) = public {
                                route["public"] = json!(public);
                            }
                            if !middlewares.is_empty() {
                                route["middlewares"] = json!(middlewares);
                            }
                            route
                        })
                        .collect();
                    if routes.iter().any(|r| r["middlewares"].to_string().contains("strip")) {
                        doc["middlewares"] =
                            json!({"strip": {"stripPrefix": {"prefixes": ["/api"]}}});
                    }
                    if !routes.is_empty() {
                        doc["routes"] = json!(routes);
                    }
                }
                GeneratedService { name: name.clone(), kind, doc }
            },
        )
}

fn provider() -> impl Strategy<Value = Value> {
    prop_oneof![
        (1_u32..3, option::of(select(&["1Gi", "8Gi"][..]))).prop_map(|(replicas, storage)| {
            let mut helm = json!({"provider": "helm", "replicas": replicas});
            if let Some(storage) = storage {
                helm["storage"] = json!(storage);
            }
            helm
        }),
        option::of(1_u16..=65535).prop_map(|port| {
            let mut external = json!({"provider": "external", "host": "db.internal.example.com"});
            if let Some(port) = port {
                external["port"] = json!(port);
            }
            external
        }),
    ]
}

/// An override of one service, with only the fields its kind takes.
fn service_override(kind: &'static str) -> impl Strategy<Value = Value> {
    (
        btree_map("[A-Z_][A-Z0-9_]{0,6}", env_value(), 0..3),
        scaling(),
        resources(),
        any::<bool>(),
        select(&["*/10 * * * *", "@daily"][..]),
    )
        .prop_map(move |(env, scaling, resources, suspend, schedule)| {
            let mut over = json!({});
            if !env.is_empty() {
                over["env"] = json!(env);
            }
            if let Some((key, value)) = scaling.filter(|_| matches!(kind, "web" | "worker")) {
                over[key] = value;
            }
            if let Some(resources) = resources {
                over["resources"] = resources;
            }
            if kind == "cronjob" {
                over["suspend"] = json!(suspend);
                over["schedule"] = json!(schedule);
            }
            over
        })
}

fn environment(
    name: &'static str,
    services: &[GeneratedService],
) -> impl Strategy<Value = Value> + use<> {
    let overrides: Vec<_> = services
        .iter()
        .map(|s| {
            option::weighted(0.3, service_override(s.kind)).prop_map({
                let name = s.name.clone();
                move |o| o.map(|o| (name.clone(), o))
            })
        })
        .collect();
    let tags: Vec<_> = services
        .iter()
        .map(|s| {
            let name = s.name.clone();
            option::weighted(0.3, "[0-9]\\.[0-9]{1,2}\\.[0-9]")
                .prop_map(move |t| t.map(|t| (name.clone(), t)))
        })
        .collect();
    let secrets = services.iter().any(|s| s.doc.get("secrets").is_some());
    (
        select(&["kind", "eks", "generic"][..]),
        prop::bool::weighted(0.3),
        select(&["example.com", "shop.test", "acme.localhost"][..]),
        (overrides, tags),
        vec(provider(), 5),
        (option::of(select(&["certResolver", "secretName"][..])), any::<bool>(), any::<bool>()),
        (prop::bool::weighted(0.1), option::of(select(&["acme", "team-a"][..]))),
        select(&["1.0.0", "2026.11.2", "v3", "latest"][..]),
    )
        .prop_map(
            move |(
                cluster,
                development,
                domain,
                (overrides, tags),
                providers,
                ingress,
                extra,
                tag,
            )| {
                let (tls, proxies, store) = ingress;
                let (maintenance, namespace) = extra;
                let mut doc = json!({"name": name, "domain": domain, "cluster": cluster});
                // `latest` only where it is allowed, so such cases are not all rejected.
                let tag = if tag == "latest" && !development { "1.0.0" } else { tag };
                doc["images"] = json!({"defaultTag": tag});
                let tags: Map<String, Value> =
                    tags.into_iter().flatten().map(|(s, t)| (s, json!(t))).collect();
                if !tags.is_empty() {
                    doc["images"]["tags"] = Value::Object(tags);
                }
                if development {
                    doc["development"] = json!(true);
                    if secrets && !store {
                        doc["developmentSecrets"] = json!({"api-keys": {"key": "development"}});
                    }
                }
                if cluster == "kind" {
                    doc["loadBalancer"] = json!({"addresses": ["172.18.255.200-172.18.255.250"]});
                }
                let overrides: Map<String, Value> = overrides.into_iter().flatten().collect();
                if !overrides.is_empty() {
                    doc["overrides"] = Value::Object(overrides);
                }
                doc["infrastructure"] = DEPENDENCY_TYPES
                    .iter()
                    .zip(providers)
                    .map(|(t, p)| ((*t).to_owned(), p))
                    .collect();
                if let Some(tls) = tls {
                    let value = if tls == "certResolver" { "letsencrypt" } else { "wildcard-tls" };
                    doc["ingress"] = json!({"tls": {tls: value}});
                }
                if proxies {
                    doc["ingress"]["trustedProxies"] = json!(["10.0.0.0/8"]);
                }
                if store {
                    doc["secretStore"] = json!({"name": "vault", "prefix": format!("{name}/")});
                }
                if maintenance {
                    doc["maintenance"] = json!(true);
                }
                if let Some(namespace) = namespace {
                    doc["namespace"] = json!(namespace);
                }
                doc
            },
        )
}

fn platform_settings() -> impl Strategy<Value = Value> {
    (select(&["shop", "acme-platform"][..]), option::of(0_u32..3), resources()).prop_map(
        |(name, replicas, resources)| {
            let mut settings = json!({
                "name": name,
                "middlewares": {
                    "secure": {"headers": {"frameDeny": true, "stsSeconds": 31_536_000}},
                    "limit": {"rateLimit": {"average": 100}},
                },
            });
            if let Some(replicas) = replicas {
                settings["defaults"] = json!({"replicas": replicas});
            }
            if let Some(resources) = resources {
                settings["defaults"]["resources"] = resources;
            }
            settings
        },
    )
}

fn platform() -> impl Strategy<Value = Generated> {
    btree_set(service_name(), 1..=4)
        .prop_flat_map(|names| names.into_iter().map(service).collect::<Vec<_>>())
        .prop_flat_map(|services| {
            let environments = subsequence(vec!["production", "staging", "local"], 1..=2)
                .prop_flat_map({
                    let services = services.clone();
                    move |names| {
                        names.into_iter().map(|n| environment(n, &services)).collect::<Vec<_>>()
                    }
                });
            (Just(services), environments, platform_settings())
        })
        .prop_map(|(services, environments, settings)| {
            let mut files = BTreeMap::new();
            for service in &services {
                files.insert(format!("services/{}.yaml", service.name), service.doc.clone());
            }
            for environment in environments {
                let name = environment["name"].as_str().expect("name").to_owned();
                files.insert(format!("environments/{name}.yaml"), environment);
            }
            files.insert("platform.yaml".to_owned(), settings);
            Generated { services, files }
        })
}

/// Codes of the schema and of deserialization: a generated file that earns
/// one was written wrongly, by the generator or by the YAML writer.
const MALFORMED: &[Code] = &[
    Code::SpecYamlSyntax,
    Code::SpecWrongType,
    Code::SpecUnknownField,
    Code::SpecMissingField,
    Code::SpecUnknownVariant,
    Code::SpecInvalidValue,
    Code::SpecEmptyFile,
];

fn coded(diagnostics: &[Diagnostic]) -> Result<(), TestCaseError> {
    prop_assert!(!diagnostics.is_empty(), "a failure without diagnostics");
    for diagnostic in diagnostics {
        prop_assert!(!diagnostic.message.trim().is_empty(), "no message: {diagnostic:?}");
    }
    Ok(())
}

/// `cases` unless `PROPTEST_CASES` asks for another number.
fn runner(cases: u32) -> TestRunner {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    // Nothing is saved between runs: a failure prints its shrunk input,
    // which belongs in a regression test of its own.
    config.failure_persistence = None;
    TestRunner::new(config)
}

#[test]
fn generated_platforms_render_deterministically() {
    let cases = Cell::new(0_u32);
    let rendered = Cell::new(0_u32);
    let rejected: RefCell<BTreeMap<Code, u32>> = RefCell::default();
    let result = runner(128).run(&platform(), |generated| {
        cases.set(cases.get() + 1);
        let dir = tempfile::tempdir().expect("tmp");
        for dir_name in ["services", "environments"] {
            fs::create_dir(dir.path().join(dir_name)).expect("mkdir");
        }
        for (path, doc) in &generated.files {
            fs::write(dir.path().join(path), to_yaml(doc).expect("yaml")).expect("write");
        }
        let platform = match load_dir(dir.path()) {
            Ok(loaded) => loaded.platform,
            Err(failure) => {
                coded(&failure.diagnostics)?;
                for diagnostic in &failure.diagnostics {
                    prop_assert!(
                        !MALFORMED.contains(&diagnostic.code),
                        "a generated file is malformed: {}",
                        diagnostic.short()
                    );
                    *rejected.borrow_mut().entry(diagnostic.code).or_default() += 1;
                }
                return Ok(());
            }
        };
        // Strings survive the trip through YAML unchanged.
        for service in &generated.services {
            let loaded = platform.service(&service.name).expect("service loaded");
            let env: BTreeMap<&str, &str> =
                loaded.env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let written: BTreeMap<&str, &str> = service.doc["env"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or_default()))
                .collect();
            prop_assert_eq!(env, written);
        }
        match render_all(&platform) {
            Err(diagnostics) => {
                coded(&diagnostics)?;
                for diagnostic in &diagnostics {
                    *rejected.borrow_mut().entry(diagnostic.code).or_default() += 1;
                }
            }
            Ok(first) => {
                prop_assert_eq!(&first, &render_all(&platform).expect("renders again"));
                let tree = render_all_tree(&platform);
                prop_assert!(tree.is_ok(), "render_all succeeded but the tree failed: {tree:?}");
                let tree = tree.expect("checked");
                prop_assert_eq!(&tree, &render_all_tree(&platform).expect("renders again"));
                for (path, text) in tree.iter() {
                    let parsed = serde_saphyr::from_multiple::<Value>(text);
                    prop_assert!(parsed.is_ok(), "{path} is not YAML: {parsed:?}\n{text}");
                }
                rendered.set(rendered.get() + 1);
            }
        }
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
    let (cases, rendered) = (cases.get(), rendered.get());
    eprintln!(
        "{rendered} of {cases} generated platforms rendered; rejected: {:?}",
        rejected.borrow()
    );
    assert!(
        rendered * 2 >= cases,
        "only {rendered} of {cases} generated platforms rendered; rejections: {:?}",
        rejected.borrow()
    );
}
