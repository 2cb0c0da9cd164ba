//! Platform components: the charts of Traefik (every route goes through it)
//! and MetalLB (on kind), pinned, and the values platc writes for them from
//! the settled [`TraefikSettings`]. Nothing here reads the model; resolve
//! settles the settings and calls [`traefik_values`] once per environment.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Serialize;

use crate::helm::{ChartRef, EXTERNAL_SECRETS, METALLB, TRAEFIK};
use crate::resolved::TraefikGeneration;

/// The namespace of the Traefik release.
pub const TRAEFIK_NAMESPACE: &str = "traefik";
/// The namespace of the MetalLB release and its configuration.
pub const METALLB_NAMESPACE: &str = "metallb-system";

/// Traefik's chart: traefik/traefik-helm-chart 41.3.0 (Traefik v3.7.11),
/// commit a8a66d0, `traefik/values.yaml`.
pub const TRAEFIK_CHART: ChartRef = ChartRef {
    repository: TRAEFIK,
    name: Cow::Borrowed("traefik"),
    version: Cow::Borrowed("41.3.0"),
};
/// Traefik 2's chart for environments on `traefik.containo.us`:
/// traefik/traefik-helm-chart 26.0.0 (Traefik v2.10.6), `traefik/values.yaml`.
pub const TRAEFIK_V2_CHART: ChartRef = ChartRef {
    repository: TRAEFIK,
    name: Cow::Borrowed("traefik"),
    version: Cow::Borrowed("26.0.0"),
};
/// MetalLB's chart: metallb/metallb v0.16.1, `charts/metallb/values.yaml`.
pub const METALLB_CHART: ChartRef = ChartRef {
    repository: METALLB,
    name: Cow::Borrowed("metallb"),
    version: Cow::Borrowed("0.16.1"),
};

/// external-secrets' chart: external-secrets/external-secrets 2.9.0,
/// `deploy/charts/external-secrets` at tag `helm-chart-2.9.0`.
pub const EXTERNAL_SECRETS_CHART: ChartRef = ChartRef {
    repository: EXTERNAL_SECRETS,
    name: Cow::Borrowed("external-secrets"),
    version: Cow::Borrowed("2.9.0"),
};
/// The namespace of the external-secrets release.
pub const EXTERNAL_SECRETS_NAMESPACE: &str = "external-secrets";

/// external-secrets' values: the chart installs the CRDs of its resources
/// (`ExternalSecret` among them), which the manifests need.
#[must_use]
pub fn external_secrets_values() -> serde_json::Value {
    serde_json::json!({"installCRDs": true})
}

/// The labels that select Traefik's pods, in both charts: the chart's name,
/// or the `nameOverride` of the release's values (`app.kubernetes.io/name`).
/// The instance label is left out: its form differs between chart versions,
/// and Traefik's namespace already tells the releases apart.
#[must_use]
pub fn traefik_pod_labels(name_override: Option<&str>) -> BTreeMap<String, String> {
    let name = name_override.filter(|name| !name.is_empty()).unwrap_or("traefik");
    BTreeMap::from([(crate::labels::NAME.to_owned(), name.to_owned())])
}

/// Every Traefik chart version platc knows, with the Traefik release it
/// installs (its `appVersion`, without the `v`), in the order of the file
/// (`charts/traefik-app-versions.txt`, from the chart's release tags).
static TRAEFIK_APP_VERSIONS: LazyLock<Vec<(&'static str, &'static str)>> = LazyLock::new(|| {
    include_str!("../charts/traefik-app-versions.txt")
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once(' '))
        .collect()
});

/// The Traefik release the chart `chart_version` installs (`3.7.11`), when
/// platc knows the chart.
#[must_use]
pub fn traefik_app_version(chart_version: &str) -> Option<&'static str> {
    TRAEFIK_APP_VERSIONS.iter().find(|(chart, _)| *chart == chart_version).map(|(_, app)| *app)
}

/// The newest chart version that installs the Traefik `release` (`3.6.0`),
/// when there is one.
#[must_use]
pub fn traefik_chart_installing(release: &str) -> Option<&'static str> {
    TRAEFIK_APP_VERSIONS.iter().rev().find(|(_, app)| *app == release).map(|(chart, _)| *chart)
}

/// Traefik's chart for `generation`, at `version` or the one platc pins.
#[must_use]
pub fn traefik_chart(generation: TraefikGeneration, version: Option<&str>) -> ChartRef {
    let mut chart = match generation {
        TraefikGeneration::V3 => TRAEFIK_CHART,
        TraefikGeneration::V2 => TRAEFIK_V2_CHART,
    };
    if let Some(version) = version {
        chart.version = version.to_owned().into();
    }
    chart
}

/// MetalLB's values: layer 2 needs no BGP, so the frr-k8s backend the
/// chart enables by default stays out; the CRDs come from the tree's
/// `crds/` (applied before the pool that needs them), so the chart does not
/// install them again (`crds.enabled`).
#[must_use]
pub fn metallb_values() -> serde_json::Value {
    serde_json::json!({"crds": {"enabled": false}, "frrk8s": {"enabled": false}})
}

/// What Traefik's values are made of, every choice settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraefikSettings {
    /// The Traefik installed.
    pub generation: TraefikGeneration,
    /// Traefik pods.
    pub replicas: u32,
    /// The proxies whose forwarded headers (and PROXY protocol) Traefik believes.
    pub trusted_ips: Vec<String>,
    /// Whether the load balancer speaks PROXY protocol.
    pub proxy_protocol: bool,
    /// Whether plain HTTP redirects to `websecure` (TLS on the default entry points).
    pub redirect_to_websecure: bool,
    /// Annotations of Traefik's Service (load balancer settings).
    pub service_annotations: BTreeMap<String, String>,
    /// The Traefik image tag (`v3.7.11`): the release the environment runs,
    /// written out so the values show it.
    pub image_tag: String,
}

/// Traefik's values. Keys follow the chart's `values.yaml`: at 41.3.0
/// `ports.<entrypoint>.forwardedHeaders.trustedIPs`,
/// `ports.<entrypoint>.proxyProtocol.trustedIPs` and `service.spec.type`; at
/// 26.0.0, which has no values for trusted addresses, Traefik's own flags in
/// `additionalArguments` and `service.type`. Both: `service.annotations`,
/// `deployment.replicas`, `providers.*`, `ingressRoute.dashboard`, `image.tag`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TraefikValues {
    image: Image,
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
struct Image {
    tag: String,
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

/// Traefik's values for `settings`.
pub fn traefik_values(settings: &TraefikSettings) -> Result<serde_json::Value, serde_json::Error> {
    let trusted = &settings.trusted_ips;
    let traefik_2 = settings.generation == TraefikGeneration::V2;
    // Forwarded headers are believed only from the proxies in front; the
    // X-Forwarded-For incident is what happens when that list is wrong.
    let mut additional_arguments = Vec::new();
    if traefik_2 && !trusted.is_empty() {
        let list = trusted.join(",");
        for entry_point in ["web", "websecure"] {
            additional_arguments
                .push(format!("--entryPoints.{entry_point}.forwardedHeaders.trustedIPs={list}"));
            if settings.proxy_protocol {
                additional_arguments
                    .push(format!("--entryPoints.{entry_point}.proxyProtocol.trustedIPs={list}"));
            }
        }
    }
    // With TLS, routes listen on `websecure` only: plain HTTP redirects there.
    let redirect = settings.redirect_to_websecure;
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
        proxy_protocol: (settings.proxy_protocol && !trusted.is_empty() && !traefik_2)
            .then(|| TrustedIps { trusted_ips: trusted.clone() }),
    };
    let ports = Ports { web: entry_point(true), websecure: entry_point(false) };
    let ports = (!ports.web.is_empty() || !ports.websecure.is_empty()).then_some(ports);
    let annotations = settings.service_annotations.clone();
    let values = TraefikValues {
        image: Image { tag: settings.image_tag.clone() },
        deployment: Deployment { replicas: settings.replicas },
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
    };
    serde_json::to_value(values)
}
