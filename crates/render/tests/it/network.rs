//! The traffic model, asserted on the rendered NetworkPolicies: which pods
//! each policy selects, whom it admits on which ports, and where it lets
//! them connect; and the warnings for connections values name but the model
//! does not declare.

use k8s_openapi::api::networking::v1::{
    NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
};
use platc_render::{Object, render};
use platc_spec::model::{Egress, Service};
use platc_spec::names::{EnvVarName, ServiceName};
use platc_spec::{Code, Diagnostic, Origin, Platform};

use crate::load;

fn service<'p>(platform: &'p mut Platform, name: &str) -> &'p mut Service {
    platform.services.iter_mut().find(|s| s.name.as_str() == name).expect("service")
}

fn name(name: &str) -> ServiceName {
    ServiceName::new(name).expect("service name")
}

/// Every NetworkPolicy of a rendered environment, by name.
fn policies(platform: &Platform, env: &str) -> Vec<NetworkPolicy> {
    let rendered = render(platform, env).unwrap_or_else(|d| panic!("{d:#?}"));
    rendered
        .objects
        .into_iter()
        .filter_map(|placed| match placed.object {
            Object::NetworkPolicy(policy) => Some(*policy),
            _ => None,
        })
        .collect()
}

fn policy<'a>(policies: &'a [NetworkPolicy], name: &str) -> &'a NetworkPolicy {
    policies
        .iter()
        .find(|p| p.metadata.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no NetworkPolicy `{name}`"))
}

/// A peer as `key=value,...` of its pod selector, `ns:` of its namespace
/// selector, `cidr:` of its address block; every peer of a rule joined by `|`.
fn peers(peers: Option<&Vec<NetworkPolicyPeer>>) -> String {
    let Some(peers) = peers else { return "anywhere".to_owned() };
    peers
        .iter()
        .map(|peer| {
            let mut parts = Vec::new();
            if let Some(ns) = &peer.namespace_selector {
                let labels = ns.match_labels.clone().unwrap_or_default();
                parts
                    .push(format!("ns:{}", labels.values().cloned().collect::<Vec<_>>().join(",")));
            }
            if let Some(pods) = &peer.pod_selector {
                let labels = pods.match_labels.clone().unwrap_or_default();
                let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                parts.push(format!("pods:{}", labels.join(",")));
            }
            if let Some(block) = &peer.ip_block {
                parts.push(format!("cidr:{}", block.cidr));
            }
            parts.join(" ")
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

fn ports(ports: Option<&Vec<k8s_openapi::api::networking::v1::NetworkPolicyPort>>) -> String {
    ports
        .into_iter()
        .flatten()
        .map(|p| {
            let port = match &p.port {
                Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(n)) => {
                    n.to_string()
                }
                Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s)) => {
                    s.clone()
                }
                None => "any".to_owned(),
            };
            format!("{port}/{}", p.protocol.as_deref().unwrap_or("TCP"))
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn ingress(policy: &NetworkPolicy) -> Vec<String> {
    let rules: &[NetworkPolicyIngressRule] =
        policy.spec.as_ref().and_then(|s| s.ingress.as_deref()).unwrap_or_default();
    rules
        .iter()
        .map(|r| format!("{} on {}", peers(r.from.as_ref()), ports(r.ports.as_ref())))
        .collect()
}

fn egress(policy: &NetworkPolicy) -> Vec<String> {
    let rules: &[NetworkPolicyEgressRule] =
        policy.spec.as_ref().and_then(|s| s.egress.as_deref()).unwrap_or_default();
    rules
        .iter()
        .map(|r| format!("{} on {}", peers(r.to.as_ref()), ports(r.ports.as_ref())))
        .collect()
}

fn selected(policy: &NetworkPolicy) -> String {
    let spec = policy.spec.as_ref().expect("spec");
    let labels =
        spec.pod_selector.as_ref().and_then(|s| s.match_labels.clone()).unwrap_or_default();
    labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

fn types(policy: &NetworkPolicy) -> Vec<String> {
    policy.spec.as_ref().and_then(|s| s.policy_types.clone()).unwrap_or_default()
}

#[test]
fn the_namespace_denies_everything_but_dns() {
    let platform = load("infra");
    let all = policies(&platform, "staging");
    let deny = policy(&all, "default-deny");
    assert_eq!(selected(deny), "", "selects every pod of the namespace");
    assert_eq!(types(deny), ["Ingress", "Egress"]);
    assert!(ingress(deny).is_empty() && egress(deny).is_empty());

    let dns = policy(&all, "allow-dns");
    assert_eq!(selected(dns), "");
    assert_eq!(types(dns), ["Egress"]);
    assert_eq!(
        egress(dns),
        ["ns:kube-system pods:k8s-app=kube-dns on 53/UDP,53/TCP"],
        "DNS only to kube-dns"
    );
}

#[test]
fn a_service_reaches_exactly_its_calls_and_its_dependencies() {
    let mut platform = load("infra");
    service(&mut platform, "worker").calls.push(name("orders"));
    let all = policies(&platform, "staging");

    let worker = policy(&all, "worker");
    assert_eq!(selected(worker), "app.kubernetes.io/instance=worker,app.kubernetes.io/name=worker");
    assert_eq!(types(worker), ["Ingress", "Egress"]);
    assert!(ingress(worker).is_empty(), "nothing calls the worker and it has no route");
    assert_eq!(
        egress(worker),
        [
            "pods:app.kubernetes.io/instance=orders,app.kubernetes.io/name=orders on 8080/TCP",
            // In-cluster releases by their instance label, on the dependency's port.
            "pods:app.kubernetes.io/instance=orders-db on 5432/TCP",
            "pods:app.kubernetes.io/instance=jobs on 5672/TCP",
        ]
    );

    let orders = policy(&all, "orders");
    assert_eq!(
        ingress(&orders.clone()),
        ["pods:app.kubernetes.io/instance=worker,app.kubernetes.io/name=worker on 8080/TCP"],
        "the caller, on the callee's ports; no route, so no Traefik"
    );
}

#[test]
fn external_providers_open_their_port_within_their_cidr_or_anywhere() {
    let mut platform = load("infra");
    let production = platform
        .environments
        .iter_mut()
        .find(|e| e.name.as_str() == "production")
        .expect("production");
    let postgres =
        production.infrastructure.instances.values_mut().next().expect("orders-db instance");
    if let platc_spec::model::Provider::External(external) = postgres {
        external.cidr = Some(platc_spec::names::IpRange::new("10.30.0.0/16").expect("range"));
    }
    service(&mut platform, "worker").egress.push(Egress {
        to: "api.stripe.com".to_owned(),
        port: 443,
        protocol: platc_spec::model::Protocol::default(),
        cidr: None,
        reason: "payments".to_owned(),
    });
    let all = policies(&platform, "production");
    assert_eq!(
        egress(policy(&all, "worker")),
        ["cidr:10.30.0.0/16 on 5432/TCP", "anywhere on 5671/TCP", "anywhere on 443/TCP",]
    );
}

/// Warnings of one render, with where they point.
fn warnings(platform: &Platform, env: &str) -> Vec<(Code, Origin, String, String)> {
    let rendered = render(platform, env).unwrap_or_else(|d| panic!("{d:#?}"));
    rendered
        .warnings
        .into_iter()
        .filter(|d: &Diagnostic| {
            matches!(d.code, Code::RenderUndeclaredConnection | Code::RenderUnknownServicePort)
        })
        .map(|d| (d.code, d.origin.expect("origin"), d.pointer.expect("pointer"), d.message))
        .collect()
}

fn var(name: &str) -> EnvVarName {
    EnvVarName::new(name).expect("variable name")
}

#[test]
fn a_url_to_a_service_not_called_is_a_warning_at_the_value() {
    let mut platform = load("infra");
    service(&mut platform, "worker")
        .env
        .insert(var("ORDERS_URL"), "http://orders:8080/internal".to_owned());
    let found = warnings(&platform, "staging");
    assert_eq!(found.len(), 1, "{found:#?}");
    let (code, origin, pointer, message) = &found[0];
    assert_eq!(*code, Code::RenderUndeclaredConnection);
    assert_eq!(*origin, Origin::Service(name("worker")));
    assert_eq!(pointer, "/env/ORDERS_URL");
    assert!(message.contains("`worker` connects to service `orders`"), "{message}");

    // Declared, the same value is fine; on a port orders does not expose, it is not.
    service(&mut platform, "worker").calls.push(name("orders"));
    assert!(warnings(&platform, "staging").is_empty());
    service(&mut platform, "worker")
        .env
        .insert(var("ORDERS_URL"), "orders.shop.svc.cluster.local:9000".to_owned());
    let found = warnings(&platform, "staging");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, Code::RenderUnknownServicePort);
    assert!(found[0].3.contains("port 9000 of service `orders`, which exposes port 8080"));
}

#[test]
fn a_release_not_used_is_a_warning_and_bare_words_are_not_hosts() {
    let mut platform = load("infra");
    let worker = service(&mut platform, "worker");
    worker.env.insert(var("CACHE"), "redis://cache-master:6379/0".to_owned());
    worker.env.insert(var("MODE"), "orders".to_owned());
    worker.args = vec!["--peer=https://orders.example.com".to_owned()];
    let found = warnings(&platform, "staging");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, Code::RenderUndeclaredConnection);
    assert_eq!(found[0].2, "/env/CACHE");
    assert!(found[0].3.contains("connects to redis `cache`, which is not in its `uses`"));

    // The external provider's host is not in the cluster: nothing to declare.
    assert!(warnings(&platform, "production").is_empty());
}

#[test]
fn the_example_platform_declares_every_connection_it_names() {
    let platform =
        match platc_spec::load_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        {
            Ok(loaded) => loaded.platform,
            Err(failure) => panic!("{}", failure.sources.render(&failure.diagnostics, false)),
        };
    for env in &platform.environments {
        let found = warnings(&platform, env.name.as_str());
        assert!(found.is_empty(), "{}: {found:#?}", env.name);
    }
}

#[test]
fn sidecars_and_init_containers_are_checked_at_their_own_values() {
    let mut platform = load("hatches");
    // The sidecar's own arguments name the dependency its service uses: fine.
    assert!(warnings(&platform, "staging").is_empty());

    let migrate = service(&mut platform, "migrate");
    migrate.sidecars[0].env.insert(var("API_URL"), "http://api:8080/internal".to_owned());
    let found = warnings(&platform, "staging");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, Code::RenderUndeclaredConnection);
    assert_eq!(found[0].1, Origin::Service(name("migrate")));
    assert_eq!(found[0].2, "/sidecars/0/env/API_URL");
}
