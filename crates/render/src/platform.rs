//! Platform components: what an environment needs once, whatever its
//! services — its Namespace, the Traefik release every route goes through,
//! and on kind the MetalLB release with its address pool.

use std::borrow::Cow;
use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use platc_spec::model::{ClusterFlavour, LoadBalancerScheme, TraefikApiGroup};
use platc_spec::{Diagnostic, Origin};
use serde::Serialize;
use serde_json::Value;

use crate::crd::CustomResource;
use crate::crd::metallb::{self, IpAddressPoolSpec, L2AdvertisementSpec};
use crate::helm::{ChartRef, METALLB, Release, TRAEFIK, check_user_values, merge};
use crate::labels;
use crate::object::{Object, Owner, Placed};
use crate::resolve::ResolvedEnvironment;

/// The Pod Security Standard every namespace enforces.
const POD_SECURITY_LEVEL: &str = "restricted";
/// The namespace of the Traefik release.
pub const TRAEFIK_NAMESPACE: &str = "traefik";
/// The namespace of the MetalLB release and its configuration.
pub const METALLB_NAMESPACE: &str = "metallb-system";

/// Traefik's chart: traefik/traefik-helm-chart 41.3.0 (Traefik v3.7.11),
/// commit a8a66d0, `traefik/values.yaml`.
pub const TRAEFIK_CHART: ChartRef =
    ChartRef { repository: TRAEFIK, name: "traefik", version: Cow::Borrowed("41.3.0") };
/// Traefik 2's chart for environments on `traefik.containo.us`:
/// traefik/traefik-helm-chart 26.0.0 (Traefik v2.10.6), `traefik/values.yaml`.
pub const TRAEFIK_V2_CHART: ChartRef =
    ChartRef { repository: TRAEFIK, name: "traefik", version: Cow::Borrowed("26.0.0") };
/// MetalLB's chart: metallb/metallb v0.16.1, `charts/metallb/values.yaml`.
pub const METALLB_CHART: ChartRef =
    ChartRef { repository: METALLB, name: "metallb", version: Cow::Borrowed("0.16.1") };

/// The environment's Namespace (enforcing the restricted Pod Security
/// Standard) and, on kind, MetalLB's address pool and its advertisement.
pub fn build(env: &ResolvedEnvironment<'_>, out: &mut Vec<Placed>) {
    let mut labels: BTreeMap<String, String> = labels::platform_labels(env, "namespace");
    for mode in ["enforce", "audit", "warn"] {
        labels.insert(format!("pod-security.kubernetes.io/{mode}"), POD_SECURITY_LEVEL.to_owned());
    }
    let namespace = Namespace {
        metadata: ObjectMeta {
            name: Some(env.namespace.to_string()),
            labels: Some(labels),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    };
    out.push(Placed { owner: Owner::Cluster, object: Object::from(namespace) });

    if env.environment.cluster == ClusterFlavour::Kind {
        let pool = pool_name(env);
        let metadata = || {
            labels::metadata(
                &pool,
                METALLB_NAMESPACE,
                labels::platform_labels(env, "load-balancer"),
            )
        };
        let addresses =
            env.environment.load_balancer.addresses.iter().map(|a| a.as_str().to_owned()).collect();
        let spec = IpAddressPoolSpec { addresses, auto_assign: Some(false) };
        out.push(Placed {
            owner: Owner::Platform,
            object: Object::IpAddressPool(Box::new(CustomResource::new(
                metallb::API_VERSION,
                metadata(),
                spec,
            ))),
        });
        let spec = L2AdvertisementSpec { ip_address_pools: vec![pool.clone()] };
        out.push(Placed {
            owner: Owner::Platform,
            object: Object::L2Advertisement(Box::new(CustomResource::new(
                metallb::API_VERSION,
                metadata(),
                spec,
            ))),
        });
    }
}

/// The MetalLB pool Traefik's Service takes its address from. The pool does
/// not hand out addresses on its own, so only Traefik gets one.
fn pool_name(env: &ResolvedEnvironment<'_>) -> String {
    format!("{}-ingress", env.environment.name)
}

/// The platform releases of the helmfile: MetalLB on kind, then Traefik.
/// Values users add to Traefik are checked against the chart's keys.
pub fn releases(env: &ResolvedEnvironment<'_>, diagnostics: &mut Vec<Diagnostic>) -> Vec<Release> {
    let mut releases = Vec::new();
    if env.environment.cluster == ClusterFlavour::Kind {
        // Layer 2 needs no BGP: leave out the frr-k8s backend the chart enables by default.
        let values = serde_json::json!({"frrk8s": {"enabled": false}});
        let mut release = Release::new("metallb", METALLB_NAMESPACE, METALLB_CHART, values);
        release.create_namespace = true;
        releases.push(release);
    }
    let ingress = &env.environment.ingress;
    let mut chart = match ingress.api_group {
        TraefikApiGroup::TraefikIo => TRAEFIK_CHART,
        TraefikApiGroup::ContainoUs => TRAEFIK_V2_CHART,
    };
    if let Some(version) = &ingress.version {
        chart.version = version.clone().into();
    }
    let origin = Origin::Environment(env.environment.name.clone());
    check_user_values(&chart, &ingress.values, &origin, "/ingress/values", diagnostics);
    let mut values = match serde_json::to_value(traefik_values(env)) {
        Ok(values) => values,
        Err(e) => {
            diagnostics
                .push(crate::emit::serialize_error("the values of the release `traefik`", &e));
            return releases;
        }
    };
    merge(&mut values, &Value::Object(ingress.values.clone().into_iter().collect()));
    let mut release = Release::new("traefik", TRAEFIK_NAMESPACE, chart, values);
    release.create_namespace = true;
    releases.push(release);
    releases
}

/// Traefik's values. Keys follow the chart's `values.yaml`: at 41.3.0
/// `ports.<entrypoint>.forwardedHeaders.trustedIPs`,
/// `ports.<entrypoint>.proxyProtocol.trustedIPs` and `service.spec.type`; at
/// 26.0.0, which has no values for trusted addresses, Traefik's own flags in
/// `additionalArguments` and `service.type`. Both: `service.annotations`,
/// `deployment.replicas`, `providers.*`, `ingressRoute.dashboard`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TraefikValues {
    deployment: Deployment,
    providers: Providers,
    ingress_route: IngressRouteValues,
    #[serde(skip_serializing_if = "Option::is_none")]
    ports: Option<Ports>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    additional_arguments: Vec<String>,
    service: ServiceValues,
}

#[derive(Serialize)]
struct Deployment {
    replicas: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Providers {
    #[serde(rename = "kubernetesCRD")]
    kubernetes_crd: KubernetesCrd,
    kubernetes_ingress: Enabled,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KubernetesCrd {
    enabled: bool,
    allow_cross_namespace: bool,
}

#[derive(Serialize)]
struct Enabled {
    enabled: bool,
}

#[derive(Serialize)]
struct IngressRouteValues {
    dashboard: Enabled,
}

#[derive(Serialize)]
struct Ports {
    #[serde(skip_serializing_if = "EntryPoint::is_empty")]
    web: EntryPoint,
    #[serde(skip_serializing_if = "EntryPoint::is_empty")]
    websecure: EntryPoint,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EntryPoint {
    #[serde(skip_serializing_if = "Option::is_none")]
    http: Option<HttpRedirect>,
    #[serde(skip_serializing_if = "Option::is_none")]
    forwarded_headers: Option<TrustedIps>,
    #[serde(skip_serializing_if = "Option::is_none")]
    proxy_protocol: Option<TrustedIps>,
}

impl EntryPoint {
    fn is_empty(&self) -> bool {
        self.http.is_none() && self.forwarded_headers.is_none() && self.proxy_protocol.is_none()
    }
}

/// `ports.web.http.redirections.entryPoint`: plain HTTP answers with a
/// permanent redirect to HTTPS, since routes with TLS exist on `websecure` only.
#[derive(Serialize)]
struct HttpRedirect {
    redirections: Redirections,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Redirections {
    entry_point: RedirectTarget,
}

#[derive(Serialize)]
struct RedirectTarget {
    to: &'static str,
    scheme: &'static str,
    permanent: bool,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct TrustedIps {
    #[serde(rename = "trustedIPs")]
    trusted_ips: Vec<String>,
}

#[derive(Serialize)]
struct ServiceValues {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    type_: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    spec: Option<ServiceSpec>,
}

#[derive(Serialize)]
struct ServiceSpec {
    #[serde(rename = "type")]
    type_: &'static str,
}

fn traefik_values(env: &ResolvedEnvironment<'_>) -> TraefikValues {
    let environment = env.environment;
    let ingress = &environment.ingress;
    let trusted: Vec<String> = ingress.trusted_proxies.iter().map(ToString::to_string).collect();
    let traefik_2 = ingress.api_group == TraefikApiGroup::ContainoUs;
    // Forwarded headers are believed only from the proxies in front; the
    // X-Forwarded-For incident is what happens when that list is wrong.
    let mut additional_arguments = Vec::new();
    if traefik_2 && !trusted.is_empty() {
        let list = trusted.join(",");
        for entry_point in ["web", "websecure"] {
            additional_arguments
                .push(format!("--entryPoints.{entry_point}.forwardedHeaders.trustedIPs={list}"));
            if ingress.proxy_protocol {
                additional_arguments
                    .push(format!("--entryPoints.{entry_point}.proxyProtocol.trustedIPs={list}"));
            }
        }
    }
    // With TLS, routes listen on `websecure` only: plain HTTP redirects there.
    let redirect = ingress.tls.is_some() && ingress.entry_points.is_empty();
    if traefik_2 && redirect {
        additional_arguments
            .push("--entryPoints.web.http.redirections.entryPoint.to=websecure".to_owned());
        additional_arguments
            .push("--entryPoints.web.http.redirections.entryPoint.scheme=https".to_owned());
    }
    let entry_point = |web: bool| EntryPoint {
        http: (web && redirect && !traefik_2).then_some(HttpRedirect {
            redirections: Redirections {
                entry_point: RedirectTarget { to: "websecure", scheme: "https", permanent: true },
            },
        }),
        forwarded_headers: (!trusted.is_empty() && !traefik_2)
            .then(|| TrustedIps { trusted_ips: trusted.clone() }),
        proxy_protocol: (ingress.proxy_protocol && !trusted.is_empty() && !traefik_2)
            .then(|| TrustedIps { trusted_ips: trusted.clone() }),
    };
    let ports = Ports { web: entry_point(true), websecure: entry_point(false) };
    let ports = (!ports.web.is_empty() || !ports.websecure.is_empty()).then_some(ports);
    let mut annotations = BTreeMap::new();
    match environment.cluster {
        ClusterFlavour::Kind => {
            annotations.insert("metallb.io/address-pool".to_owned(), pool_name(env));
        }
        ClusterFlavour::Eks => {
            let scheme =
                environment.load_balancer.scheme.unwrap_or(LoadBalancerScheme::InternetFacing);
            let aws = "service.beta.kubernetes.io/aws-load-balancer";
            annotations.insert(format!("{aws}-type"), "external".to_owned());
            annotations.insert(format!("{aws}-nlb-target-type"), "ip".to_owned());
            annotations.insert(format!("{aws}-scheme"), scheme.as_str().to_owned());
            if ingress.proxy_protocol {
                annotations.insert(format!("{aws}-proxy-protocol"), "*".to_owned());
            }
        }
        ClusterFlavour::Generic => {}
    }
    for (key, value) in &environment.load_balancer.annotations {
        annotations.insert(key.clone(), value.clone());
    }
    TraefikValues {
        deployment: Deployment { replicas: ingress.replicas.unwrap_or(1) },
        providers: Providers {
            kubernetes_crd: KubernetesCrd { enabled: true, allow_cross_namespace: false },
            kubernetes_ingress: Enabled { enabled: false },
        },
        ingress_route: IngressRouteValues { dashboard: Enabled { enabled: false } },
        ports,
        additional_arguments,
        service: if traefik_2 {
            ServiceValues { annotations, type_: Some("LoadBalancer"), spec: None }
        } else {
            ServiceValues {
                annotations,
                type_: None,
                spec: Some(ServiceSpec { type_: "LoadBalancer" }),
            }
        },
    }
}
