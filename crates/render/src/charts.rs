//! The value keys of every chart platc pins, recorded from each chart's own
//! `values.yaml` (see `crates/render/charts/`), so that values platc writes
//! and values users add can be checked against the keys the chart really has.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde_json::Value;

/// The key paths of one chart version, borrowed from the text of its
/// `.keys` file.
#[derive(Debug, Default)]
pub struct KeyList<'t> {
    /// Every key path, dotted, segments containing `.` double-quoted.
    keys: BTreeSet<&'t str>,
    /// Paths of free-form maps, below which any key is allowed.
    open: BTreeSet<&'t str>,
    /// Paths that have children: a listed path that is not a parent is a leaf.
    parents: BTreeSet<&'t str>,
}

impl<'t> KeyList<'t> {
    /// Parses a `.keys` file: one path per line, `#` comments, `<path>.*`
    /// for a free-form map. Paths are written as [`dotted`] writes them (a
    /// segment is double-quoted exactly when it contains a dot), so a
    /// parent's path is the start of its child's, up to a dot between
    /// segments.
    #[must_use]
    pub fn parse(text: &'t str) -> Self {
        let mut list = Self::default();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            if let Some(open) = line.strip_suffix(".*") {
                list.open.insert(open);
            } else {
                list.keys.insert(line);
            }
        }
        for key in &list.keys {
            let mut quoted = false;
            for (at, byte) in key.bytes().enumerate() {
                match byte {
                    b'"' => quoted = !quoted,
                    b'.' if !quoted => {
                        list.parents.insert(&key[..at]);
                    }
                    _ => {}
                }
            }
        }
        list
    }

    /// Whether the chart has the key at `path` (dotted segments): it is
    /// listed, or lies below a free-form map or below a leaf (a list or a
    /// `null` default, which takes any value).
    #[must_use]
    pub fn allows(&self, path: &[String]) -> bool {
        for end in 1..=path.len() {
            let prefix = join(&path[..end]);
            if self.open.contains(prefix.as_str()) {
                return true;
            }
            if !self.keys.contains(prefix.as_str()) {
                return false;
            }
            if !self.parents.contains(prefix.as_str()) {
                return true;
            }
        }
        true
    }

    /// The listed key closest to the first segment of `path` the chart does
    /// not have, for a suggestion.
    #[must_use]
    pub fn closest(&self, path: &[String]) -> Option<String> {
        let unknown =
            (1..=path.len()).find(|&end| !self.keys.contains(join(&path[..end]).as_str()))?;
        let (last, parent) = path[..unknown].split_last()?;
        let parent = join(parent);
        let siblings: Vec<String> = self
            .keys
            .iter()
            .filter_map(|key| {
                let segments = split(key);
                let (name, key_parent) = segments.split_last()?;
                (join(key_parent) == parent).then(|| name.clone())
            })
            .collect();
        platc_spec::diagnostic::suggest(last, siblings.iter().map(String::as_str))
            .map(ToOwned::to_owned)
    }
}

/// Quotes a segment that contains a dot, as the `.keys` files do.
fn quote(segment: &str) -> String {
    if segment.contains('.') { format!("\"{segment}\"") } else { segment.to_owned() }
}

fn join(segments: &[String]) -> String {
    segments.iter().map(|s| quote(s)).collect::<Vec<_>>().join(".")
}

/// Splits a dotted path, honouring double-quoted segments.
fn split(path: &str) -> Vec<String> {
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in path.chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => segments.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    segments.push(current);
    segments
}

/// Every key path of a values document: maps are descended, anything else
/// (lists included) is a leaf.
#[must_use]
pub fn paths(value: &Value) -> Vec<Vec<String>> {
    fn walk(value: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        if let Value::Object(map) = value
            && !map.is_empty()
        {
            for (key, child) in map {
                prefix.push(key.clone());
                walk(child, prefix, out);
                prefix.pop();
            }
        } else if !prefix.is_empty() {
            out.push(prefix.clone());
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

/// Dotted form of a path, for messages.
#[must_use]
pub fn dotted(path: &[String]) -> String {
    join(path)
}

macro_rules! key_lists {
    ($($chart:literal @ $version:literal),* $(,)?) => {
        /// Every recorded chart version, with its key list, parsed the
        /// first time it is asked for.
        const LISTS: &[(&str, &str, &str)] = &[
            $(($chart, $version, include_str!(concat!("../charts/", $chart, "-", $version, ".keys")))),*
        ];
    };
}

key_lists! {
    "postgresql" @ "17.1.0",
    "mysql" @ "14.0.5",
    "redis" @ "23.1.1",
    "rabbitmq" @ "16.0.16",
    "kafka" @ "32.4.4",
    "traefik" @ "41.3.0",
    "traefik" @ "26.0.0",
    "metallb" @ "0.16.1",
}

static PARSED: [OnceLock<KeyList<'static>>; LISTS.len()] = [const { OnceLock::new() }; LISTS.len()];

/// Parses every recorded key list now rather than at the first values
/// checked (see [`crate::prepare`]).
pub fn prepare() {
    for index in 0..LISTS.len() {
        parsed(index);
    }
}

/// The list at `index` of [`LISTS`], parsed.
fn parsed(index: usize) -> &'static KeyList<'static> {
    PARSED[index].get_or_init(|| KeyList::parse(LISTS[index].2))
}

/// The recorded keys of `chart` at `version`, if platc recorded that version.
#[must_use]
pub fn keys(chart: &str, version: &str) -> Option<&'static KeyList<'static>> {
    LISTS.iter().position(|(c, v, _)| *c == chart && *v == version).map(parsed)
}

/// The recorded keys of the version platc pins for `chart`, to judge values
/// for a chart version platc did not record.
#[must_use]
pub fn pinned_keys(chart: &str) -> Option<(&'static str, &'static KeyList<'static>)> {
    LISTS.iter().position(|(c, _, _)| *c == chart).map(|index| (LISTS[index].1, parsed(index)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(dotted: &str) -> Vec<String> {
        split(dotted)
    }

    #[test]
    fn judges_paths_like_the_chart() {
        let list = KeyList::parse(
            "# comment\nprimary\nprimary.persistence\nprimary.persistence.size\nprimary.podAnnotations\nprimary.podAnnotations.*\nextraEnv\nmetrics.\"a.b\"\nmetrics\n",
        );
        assert!(list.allows(&path("primary.persistence.size")));
        assert!(list.allows(&path("primary.podAnnotations.anything.goes")), "free-form map");
        assert!(list.allows(&path("extraEnv.x")), "below a leaf (list or null default)");
        assert!(!list.allows(&path("primary.persistance.size")));
        assert!(!list.allows(&path("secondary")));
        assert!(list.allows(&["metrics".to_owned(), "a.b".to_owned()]), "quoted segment");
        assert_eq!(list.closest(&path("primary.persistance")).as_deref(), Some("persistence"));
        assert_eq!(list.closest(&path("primary.persistance.size")).as_deref(), Some("persistence"));
    }

    #[test]
    fn lists_every_leaf_path() {
        let value = serde_json::json!({"a": {"b": 1, "c": [1, 2]}, "d": {}, "e": "x"});
        let all: Vec<String> = paths(&value).iter().map(|p| dotted(p)).collect();
        assert_eq!(all, ["a.b", "a.c", "d", "e"]);
    }

    #[test]
    fn recorded_paths_are_written_as_dotted_writes_them() {
        for (chart, version, text) in LISTS {
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
            {
                let path = line.strip_suffix(".*").unwrap_or(line);
                assert_eq!(dotted(&split(path)), path, "{chart} {version}");
            }
        }
    }

    #[test]
    fn every_pinned_chart_has_keys() {
        for chart in ["postgresql", "mysql", "redis", "rabbitmq", "kafka", "traefik", "metallb"] {
            let (version, list) = pinned_keys(chart).expect("recorded");
            assert!(list.keys.len() > 100, "{chart} {version}: {} keys", list.keys.len());
        }
    }
}
