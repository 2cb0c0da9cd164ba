//! The value keys of the platform components' charts (Traefik, MetalLB),
//! recorded from each chart's own `values.yaml` (`crates/render/charts/`),
//! so that values platc writes and values users add can be checked against
//! the keys the chart really has. The infrastructure types carry their own
//! charts' lists (`platc_spec::model::HelmChart::recorded_keys`).

use std::sync::LazyLock;

pub use platc_spec::chart_keys::{KeyList, dotted, paths};

use crate::helm::{ChartRef, Recorded};

macro_rules! key_lists {
    ($($chart:literal @ $version:literal),* $(,)?) => {
        static LISTS: LazyLock<Vec<(&str, &str, KeyList)>> = LazyLock::new(|| {
            vec![$(($chart, $version, KeyList::parse(include_str!(concat!("../charts/", $chart, "-", $version, ".keys"))))),*]
        });
    };
}

key_lists! {
    "traefik" @ "41.3.0",
    "traefik" @ "26.0.0",
    "metallb" @ "0.16.1",
}

/// Parses the recorded key lists now rather than at the first values
/// checked (see [`crate::prepare`]).
pub fn prepare() {
    LazyLock::force(&LISTS);
}

/// The recorded keys of the component chart `chart` at `version`, if platc
/// recorded that version.
#[must_use]
pub fn keys(chart: &str, version: &str) -> Option<&'static KeyList> {
    LISTS.iter().find(|(c, v, _)| *c == chart && *v == version).map(|(_, _, list)| list)
}

/// The recorded keys of the version platc pins for `chart`, to judge values
/// for a chart version platc did not record.
#[must_use]
pub fn pinned_keys(chart: &str) -> Option<(&'static str, &'static KeyList)> {
    LISTS.iter().find(|(c, _, _)| *c == chart).map(|(_, version, list)| (*version, list))
}

/// The keys values for the component chart `chart` are checked against.
#[must_use]
pub fn component_keys(chart: &ChartRef) -> Option<Recorded<'static>> {
    match keys(&chart.name, &chart.version) {
        Some(list) => Some(Recorded::Exact(list)),
        None => pinned_keys(&chart.name).map(|(version, list)| Recorded::Pinned(version, list)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pinned_component_chart_has_keys() {
        for chart in ["traefik", "metallb"] {
            let (version, list) = pinned_keys(chart).expect("recorded");
            assert!(list.len() > 100, "{chart} {version}: {} keys", list.len());
        }
    }
}
