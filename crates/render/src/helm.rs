//! Helm releases: pinned charts, their values files and the environment's
//! `helmfile.yaml`, so `helmfile apply` (or `helm upgrade --install` per
//! release) installs the in-cluster infrastructure and platform components.

use std::borrow::Cow;

use indexmap::IndexMap;
use platc_spec::Code;
use platc_spec::source::pointer_join;
use platc_spec::{Diagnostic, Origin};
use serde::Serialize;
use serde_json::Value;

use platc_spec::chart_keys::{self, KeyList};

/// A chart repository.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Repository {
    /// The name the helmfile gives it.
    pub name: Cow<'static, str>,
    /// Its URL; for an OCI registry, without the `oci://` scheme, as helmfile wants it.
    pub url: Cow<'static, str>,
    /// Whether it is an OCI registry.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub oci: bool,
}

/// Traefik's chart repository.
pub const TRAEFIK: Repository = Repository {
    name: Cow::Borrowed("traefik"),
    url: Cow::Borrowed("https://traefik.github.io/charts"),
    oci: false,
};
/// MetalLB's chart repository.
pub const METALLB: Repository = Repository {
    name: Cow::Borrowed("metallb"),
    url: Cow::Borrowed("https://metallb.github.io/metallb"),
    oci: false,
};
/// external-secrets' chart repository.
pub const EXTERNAL_SECRETS: Repository = Repository {
    name: Cow::Borrowed("external-secrets"),
    url: Cow::Borrowed("https://charts.external-secrets.io"),
    oci: false,
};

impl Repository {
    /// The repository a type definition names: an `oci://` URL is an OCI
    /// registry, written without its scheme as helmfile wants it.
    #[must_use]
    pub fn of(repository: &platc_spec::model::ChartRepository) -> Self {
        let (url, oci) = match repository.url.strip_prefix("oci://") {
            Some(rest) => (rest.to_owned(), true),
            None => (repository.url.clone(), false),
        };
        Self { name: Cow::Owned(repository.name.clone()), url: Cow::Owned(url), oci }
    }
}

/// The stage a release belongs to, its `tier` label in the helmfile:
/// `helmfile -l tier=platform apply` runs before the manifests are applied,
/// `helmfile -l tier=infrastructure apply` after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// Cluster components the manifests need: MetalLB, Traefik, external-secrets.
    Platform,
    /// The databases and brokers the services use.
    Infrastructure,
}

impl Tier {
    /// The label's value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Platform => "platform",
            Self::Infrastructure => "infrastructure",
        }
    }
}

/// A chart at a pinned version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartRef {
    /// Where it is published.
    pub repository: Repository,
    /// The chart's name in the repository.
    pub name: Cow<'static, str>,
    /// The exact version.
    pub version: Cow<'static, str>,
}

/// One release of the environment's helmfile.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    /// The release name.
    pub name: String,
    /// The namespace it is installed in.
    pub namespace: String,
    /// The chart.
    pub chart: ChartRef,
    /// The values, written to [`Release::values_path`].
    pub values: Value,
    /// Whether helmfile creates the namespace (platform components live in
    /// their own; the application namespace comes with the bootstrap objects).
    pub create_namespace: bool,
    /// The stage it is installed in.
    pub tier: Tier,
    /// The releases helmfile installs first, as `namespace/name`.
    pub needs: Vec<String>,
}

impl Release {
    /// An infrastructure release of `chart` named `name` in `namespace`.
    #[must_use]
    pub fn new(name: &str, namespace: &str, chart: ChartRef, values: Value) -> Self {
        Self {
            name: name.to_owned(),
            namespace: namespace.to_owned(),
            chart,
            values,
            create_namespace: false,
            tier: Tier::Infrastructure,
            needs: Vec::new(),
        }
    }

    /// A platform release of `chart` named `name` in its own `namespace`,
    /// which helmfile creates.
    #[must_use]
    pub fn platform(name: &str, namespace: &str, chart: ChartRef, values: Value) -> Self {
        Self {
            create_namespace: true,
            tier: Tier::Platform,
            ..Self::new(name, namespace, chart, values)
        }
    }

    /// How other releases name it in `needs:`: `namespace/name`.
    #[must_use]
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// Where the values file goes in the environment's tree.
    #[must_use]
    pub fn values_path(&self) -> String {
        format!("infra/{}/values.yaml", self.name)
    }
}

/// The `helmfile.yaml` of an environment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Helmfile {
    /// Defaults for every release.
    pub helm_defaults: HelmDefaults,
    /// The repositories the releases come from, by name.
    pub repositories: Vec<Repository>,
    /// The releases, platform components first.
    pub releases: Vec<HelmfileRelease>,
}

/// Defaults for every release.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HelmDefaults {
    /// Wait until the release's pods are ready.
    pub wait: bool,
    /// Seconds to wait.
    pub timeout: u32,
}

/// One entry of `releases:`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HelmfileRelease {
    /// The release name.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
    /// Whether helmfile creates the namespace.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub create_namespace: bool,
    /// `tier: platform` or `tier: infrastructure`, for `helmfile -l`.
    pub labels: std::collections::BTreeMap<&'static str, &'static str>,
    /// Releases installed before this one (`namespace/name`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// `repository/chart`.
    pub chart: String,
    /// The pinned version.
    pub version: String,
    /// Values files, relative to the helmfile.
    pub values: Vec<String>,
}

impl Helmfile {
    /// The helmfile installing `releases`, in their order.
    #[must_use]
    pub fn new(releases: &[Release]) -> Self {
        let mut repositories: Vec<Repository> =
            releases.iter().map(|r| r.chart.repository.clone()).collect();
        repositories.sort();
        repositories.dedup();
        Self {
            helm_defaults: HelmDefaults { wait: true, timeout: 600 },
            repositories,
            releases: releases
                .iter()
                .map(|r| HelmfileRelease {
                    name: r.name.clone(),
                    namespace: r.namespace.clone(),
                    create_namespace: r.create_namespace,
                    labels: std::collections::BTreeMap::from([("tier", r.tier.as_str())]),
                    needs: r.needs.clone(),
                    chart: format!("{}/{}", r.chart.repository.name, r.chart.name),
                    version: r.chart.version.to_string(),
                    values: vec![r.values_path()],
                })
                .collect(),
        }
    }
}

/// The recorded keys values for a chart are checked against.
#[derive(Debug, Clone, Copy)]
pub enum Recorded<'a> {
    /// The keys of the version installed.
    Exact(&'a KeyList),
    /// The keys of the version platc pins (`version` here), when another
    /// version is installed: its keys may differ.
    Pinned(&'a str, &'a KeyList),
}

/// Checks values a user adds for `chart` against the chart's recorded keys:
/// an unknown key is an error, or a warning when the user chose a chart
/// version platc has not recorded (the key may be new). Without recorded
/// keys nothing is checked.
pub fn check_user_values(
    chart: &ChartRef,
    recorded: Option<Recorded<'_>>,
    values: &IndexMap<String, Value>,
    origin: &Origin,
    pointer: &str,
    out: &mut Vec<Diagnostic>,
) {
    let (list, recorded, exact) = match recorded {
        Some(Recorded::Exact(list)) => (list, chart.version.to_string(), true),
        Some(Recorded::Pinned(version, list)) => (list, version.to_owned(), false),
        None => return,
    };
    let document = Value::Object(values.clone().into_iter().collect());
    for path in chart_keys::paths(&document) {
        if list.allows(&path) {
            continue;
        }
        let key = chart_keys::dotted(&path);
        let message = format!("`{key}` is not a value of the {} chart {recorded}", chart.name);
        let mut diagnostic = if exact {
            Diagnostic::error(Code::RenderUnknownChartValue, message)
        } else {
            Diagnostic::warning(
                Code::RenderUnknownChartValue,
                format!(
                    "{message}; this environment uses {}, which platc has not recorded",
                    chart.version
                ),
            )
        };
        diagnostic = match list.closest(&path) {
            Some(close) => diagnostic.with_help(format!("did you mean `{close}`?")),
            None => {
                diagnostic.with_help(format!("see the chart's values.yaml at version {recorded}"))
            }
        };
        let at = path.iter().fold(pointer.to_owned(), |p, segment| pointer_join(&p, segment));
        out.push(diagnostic.at(origin.clone(), at).on_key());
    }
}

/// Merges `over` into `base` the way Helm coalesces values: maps merge key
/// by key, `null` removes a key, anything else replaces.
pub fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(base), Value::Object(over)) => {
            for (key, value) in over {
                if value.is_null() {
                    base.remove(key);
                } else if let Some(existing) = base.get_mut(key) {
                    merge(existing, value);
                } else {
                    base.insert(key.clone(), value.clone());
                }
            }
        }
        (base, over) => *base = over.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_follows_helm_coalescing() {
        let mut base = json!({"a": {"b": 1, "c": 2}, "list": [1, 2], "gone": true});
        merge(&mut base, &json!({"a": {"c": 3, "d": 4}, "list": [9], "gone": null}));
        assert_eq!(base, json!({"a": {"b": 1, "c": 3, "d": 4}, "list": [9]}));
    }

    #[test]
    fn helmfile_lists_each_repository_once() {
        let bitnami = Repository::of(&platc_spec::model::ChartRepository {
            name: "bitnami".to_owned(),
            url: "oci://registry-1.docker.io/bitnamicharts".to_owned(),
        });
        assert_eq!(bitnami.url, "registry-1.docker.io/bitnamicharts");
        assert!(bitnami.oci);
        let chart =
            ChartRef { repository: bitnami.clone(), name: "redis".into(), version: "1.0.0".into() };
        let releases = [
            Release::new("cache", "shop", chart.clone(), json!({})),
            Release::new("sessions", "shop", chart, json!({})),
        ];
        let helmfile = Helmfile::new(&releases);
        assert_eq!(helmfile.repositories, [bitnami]);
        assert_eq!(helmfile.releases[1].values, ["infra/sessions/values.yaml"]);
        assert_eq!(helmfile.releases[0].chart, "bitnami/redis");
    }
}
