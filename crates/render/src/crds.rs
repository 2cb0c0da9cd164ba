//! The CustomResourceDefinitions an environment's objects need, written to
//! the `crds/` directory of its tree and applied first: Traefik's of the
//! environment's API group and, on kind, MetalLB's. They are the upstream
//! files of the pinned charts, kept in `crates/render/crds/` (see
//! `SOURCES.md` there). external-secrets' come from its chart
//! (`installCRDs`), so they are not here.

use crate::resolved::{ResolvedEnvironment, TraefikGeneration};

/// The directory of the CRDs in an environment's tree.
pub const DIR: &str = "crds";

/// traefik/traefik-helm-chart v41.3.0, `traefik/crds/traefik.io_*.yaml`.
const TRAEFIK_V3: &[(&str, &str)] = &[
    (
        "traefik.io_ingressroutes.yaml",
        include_str!("../crds/traefik-41.3.0/traefik.io_ingressroutes.yaml"),
    ),
    (
        "traefik.io_ingressroutetcps.yaml",
        include_str!("../crds/traefik-41.3.0/traefik.io_ingressroutetcps.yaml"),
    ),
    (
        "traefik.io_ingressrouteudps.yaml",
        include_str!("../crds/traefik-41.3.0/traefik.io_ingressrouteudps.yaml"),
    ),
    (
        "traefik.io_middlewares.yaml",
        include_str!("../crds/traefik-41.3.0/traefik.io_middlewares.yaml"),
    ),
    (
        "traefik.io_middlewaretcps.yaml",
        include_str!("../crds/traefik-41.3.0/traefik.io_middlewaretcps.yaml"),
    ),
    (
        "traefik.io_serverstransports.yaml",
        include_str!("../crds/traefik-41.3.0/traefik.io_serverstransports.yaml"),
    ),
    (
        "traefik.io_serverstransporttcps.yaml",
        include_str!("../crds/traefik-41.3.0/traefik.io_serverstransporttcps.yaml"),
    ),
    (
        "traefik.io_tlsoptions.yaml",
        include_str!("../crds/traefik-41.3.0/traefik.io_tlsoptions.yaml"),
    ),
    ("traefik.io_tlsstores.yaml", include_str!("../crds/traefik-41.3.0/traefik.io_tlsstores.yaml")),
    (
        "traefik.io_traefikservices.yaml",
        include_str!("../crds/traefik-41.3.0/traefik.io_traefikservices.yaml"),
    ),
];

/// traefik/traefik-helm-chart v26.0.0, `traefik/crds/traefik.containo.us_*.yaml`.
const TRAEFIK_V2: &[(&str, &str)] = &[
    (
        "traefik.containo.us_ingressroutes.yaml",
        include_str!("../crds/traefik-26.0.0/traefik.containo.us_ingressroutes.yaml"),
    ),
    (
        "traefik.containo.us_ingressroutetcps.yaml",
        include_str!("../crds/traefik-26.0.0/traefik.containo.us_ingressroutetcps.yaml"),
    ),
    (
        "traefik.containo.us_ingressrouteudps.yaml",
        include_str!("../crds/traefik-26.0.0/traefik.containo.us_ingressrouteudps.yaml"),
    ),
    (
        "traefik.containo.us_middlewares.yaml",
        include_str!("../crds/traefik-26.0.0/traefik.containo.us_middlewares.yaml"),
    ),
    (
        "traefik.containo.us_middlewaretcps.yaml",
        include_str!("../crds/traefik-26.0.0/traefik.containo.us_middlewaretcps.yaml"),
    ),
    (
        "traefik.containo.us_serverstransports.yaml",
        include_str!("../crds/traefik-26.0.0/traefik.containo.us_serverstransports.yaml"),
    ),
    (
        "traefik.containo.us_tlsoptions.yaml",
        include_str!("../crds/traefik-26.0.0/traefik.containo.us_tlsoptions.yaml"),
    ),
    (
        "traefik.containo.us_tlsstores.yaml",
        include_str!("../crds/traefik-26.0.0/traefik.containo.us_tlsstores.yaml"),
    ),
    (
        "traefik.containo.us_traefikservices.yaml",
        include_str!("../crds/traefik-26.0.0/traefik.containo.us_traefikservices.yaml"),
    ),
];

/// metallb/metallb v0.16.1, `charts/metallb/charts/crds/templates/crds.yaml`
/// with the release namespace filled in.
const METALLB: &[(&str, &str)] =
    &[("metallb.io_crds.yaml", include_str!("../crds/metallb-0.16.1/crds.yaml"))];

/// The CRD files of `env`, as tree paths (`crds/<file>`) and contents, in
/// path order.
#[must_use]
pub fn files(env: &ResolvedEnvironment) -> Vec<(String, &'static str)> {
    let traefik = match env.ingress.traefik {
        TraefikGeneration::V3 => TRAEFIK_V3,
        TraefikGeneration::V2 => TRAEFIK_V2,
    };
    let metallb = if env.address_pool.is_some() { METALLB } else { &[] };
    let mut files: Vec<(String, &'static str)> = traefik
        .iter()
        .chain(metallb)
        .map(|(name, content)| (format!("{DIR}/{name}"), *content))
        .collect();
    files.sort_unstable();
    files
}

/// Whether a tree path, of one environment (`crds/...`) or below an
/// environment's directory (`production/crds/...`), is a CRD file.
#[must_use]
pub fn is_crd_path(path: &str) -> bool {
    let own = |p: &str| p.strip_prefix(DIR).is_some_and(|rest| rest.starts_with('/'));
    own(path) || path.split_once('/').is_some_and(|(_, rest)| own(rest))
}
