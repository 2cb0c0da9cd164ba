//! Networking inside the cluster: the Service in front of a web workload,
//! and the NetworkPolicies of the traffic model — the namespace denies every
//! connection in and out, lets every pod ask the cluster's DNS, and each
//! service's own policy opens what [`NetworkAccess`] settled: Traefik and
//! its callers in, the services it calls, its dependencies and its declared
//! egress out.
//!
//! [`NetworkAccess`]: crate::resolved::NetworkAccess

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::labels;
use crate::object::{Object, Owner, Placed};
use crate::resolved::{Peer, ResolvedEnvironment, ResolvedService, Workload};

/// The name of the namespace's default-deny NetworkPolicy.
pub const DEFAULT_DENY: &str = "default-deny";
/// The name of the NetworkPolicy that lets every pod resolve names.
pub const ALLOW_DNS: &str = "allow-dns";
/// The label Kubernetes puts on every namespace with its name.
const NAMESPACE_NAME: &str = "kubernetes.io/metadata.name";
/// The namespace of the cluster's DNS, and the label of its pods (CoreDNS
/// keeps kube-dns's label on kind, EKS and kubeadm clusters).
const DNS_NAMESPACE: &str = "kube-system";
const DNS_POD_LABEL: (&str, &str) = ("k8s-app", "kube-dns");
/// The annotation listing what each egress rule of a policy is for.
pub const EGRESS_NOTES: &str = "platc.dev/egress";

/// The namespace's NetworkPolicies: deny everything, allow DNS.
pub fn build_platform(env: &ResolvedEnvironment, out: &mut Vec<Placed>) {
    let namespace = env.namespace.as_str();
    let all_pods = LabelSelector::default();
    let deny = NetworkPolicy {
        metadata: labels::metadata(
            DEFAULT_DENY,
            namespace,
            labels::platform_labels(env, "network-policy", DEFAULT_DENY),
        ),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(all_pods.clone()),
            policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
            ..NetworkPolicySpec::default()
        }),
    };
    let dns = NetworkPolicy {
        metadata: labels::metadata(
            ALLOW_DNS,
            namespace,
            labels::platform_labels(env, "network-policy", ALLOW_DNS),
        ),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(all_pods),
            policy_types: Some(vec!["Egress".to_owned()]),
            egress: Some(vec![NetworkPolicyEgressRule {
                to: Some(vec![NetworkPolicyPeer {
                    namespace_selector: Some(match_labels([(NAMESPACE_NAME, DNS_NAMESPACE)])),
                    pod_selector: Some(match_labels([DNS_POD_LABEL])),
                    ..NetworkPolicyPeer::default()
                }]),
                ports: Some(ports(&[(53, "UDP"), (53, "TCP")])),
            }]),
            ..NetworkPolicySpec::default()
        }),
    };
    for policy in [deny, dns] {
        out.push(Placed { owner: Owner::Platform, object: Object::from(policy) });
    }
}

/// The NetworkPolicy of one service's pods: what it accepts and opens on
/// top of DNS. Every service gets one, even when it opens nothing, so the
/// tree says so for each.
pub fn build_policy(env: &ResolvedEnvironment, service: &ResolvedService, out: &mut Vec<Placed>) {
    let network = &service.network;
    let ingress: Vec<NetworkPolicyIngressRule> = network
        .ingress
        .iter()
        .map(|rule| NetworkPolicyIngressRule {
            from: Some(vec![peer(env, &rule.from)]),
            ports: Some(ports(&rule.ports)),
        })
        .collect();
    let egress: Vec<NetworkPolicyEgressRule> = network
        .egress
        .iter()
        .map(|rule| NetworkPolicyEgressRule {
            // A destination whose addresses are unknown is any address: the
            // rule opens only the port.
            to: (rule.to != Peer::Anywhere).then(|| vec![peer(env, &rule.to)]),
            ports: Some(ports(&rule.ports)),
        })
        .collect();
    let name = service.name.as_str();
    let mut metadata =
        labels::metadata(name, env.namespace.as_str(), labels::service_labels(env, service));
    if !network.egress.is_empty() {
        let notes: Vec<&str> = network.egress.iter().map(|rule| rule.note.as_str()).collect();
        metadata.annotations = Some(BTreeMap::from([(EGRESS_NOTES.to_owned(), notes.join("\n"))]));
    }
    let policy = NetworkPolicy {
        metadata,
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(match_labels_owned(labels::selector(name))),
            policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
            // An empty list is what the API server stores as absent: leaving it out
            // keeps a re-apply a no-op. policyTypes still denies the direction.
            ingress: (!ingress.is_empty()).then_some(ingress),
            egress: (!egress.is_empty()).then_some(egress),
        }),
    };
    out.push(Placed { owner: service.owner.clone(), object: Object::from(policy) });
}

fn peer(env: &ResolvedEnvironment, peer: &Peer) -> NetworkPolicyPeer {
    match peer {
        Peer::Service(name) => NetworkPolicyPeer {
            pod_selector: Some(match_labels_owned(labels::selector(name.as_str()))),
            ..NetworkPolicyPeer::default()
        },
        Peer::Release(release) => NetworkPolicyPeer {
            pod_selector: Some(match_labels([(labels::INSTANCE, release.as_str())])),
            ..NetworkPolicyPeer::default()
        },
        Peer::Ingress => NetworkPolicyPeer {
            namespace_selector: Some(match_labels([(
                NAMESPACE_NAME,
                env.ingress.namespace.as_str(),
            )])),
            pod_selector: Some(match_labels_owned(env.ingress.pod_labels.clone())),
            ..NetworkPolicyPeer::default()
        },
        Peer::Cidr(cidr) => NetworkPolicyPeer {
            ip_block: Some(IPBlock { cidr: cidr.clone(), except: None }),
            ..NetworkPolicyPeer::default()
        },
        Peer::Anywhere => NetworkPolicyPeer::default(),
    }
}

fn ports(ports: &[(u16, &'static str)]) -> Vec<NetworkPolicyPort> {
    ports
        .iter()
        .map(|(port, protocol)| NetworkPolicyPort {
            port: Some(IntOrString::Int(i32::from(*port))),
            protocol: Some((*protocol).to_owned()),
            end_port: None,
        })
        .collect()
}

fn match_labels<const N: usize>(labels: [(&str, &str); N]) -> LabelSelector {
    match_labels_owned(labels.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
}

fn match_labels_owned(labels: BTreeMap<String, String>) -> LabelSelector {
    LabelSelector { match_labels: Some(labels), ..LabelSelector::default() }
}

/// The Service of a `web` workload; other kinds get none.
pub fn build(env: &ResolvedEnvironment, service: &ResolvedService, out: &mut Vec<Placed>) {
    if service.workload != Workload::Web || service.ports.is_empty() {
        return;
    }
    let ports = service
        .ports
        .iter()
        .map(|p| ServicePort {
            name: Some(p.name.to_string()),
            port: i32::from(p.service_port),
            target_port: Some(IntOrString::String(p.name.to_string())),
            protocol: Some(p.protocol.to_owned()),
            ..ServicePort::default()
        })
        .collect();
    let name = service.name.as_str();
    let object = Service {
        metadata: labels::metadata(
            name,
            env.namespace.as_str(),
            labels::service_labels(env, service),
        ),
        spec: Some(ServiceSpec {
            selector: Some(labels::selector(name)),
            ports: Some(ports),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    };
    out.push(Placed { owner: service.owner.clone(), object: Object::from(object) });
}
