//! The recorded value keys of a chart version (`<chart>-<version>.keys`,
//! generated from the chart's own `values.yaml`), so that values platc
//! writes and values users add can be checked against the keys the chart
//! really has. The lists of the built-in types' charts ship beside their
//! definitions (`crates/spec/types/`); a platform's own type names its list
//! in its definition (`helm.keys`).

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

/// The key paths of one chart version.
#[derive(Default, PartialEq, Eq)]
pub struct KeyList {
    /// Every key path, dotted, segments containing `.` double-quoted; sorted,
    /// so that a path's children follow it (`a`, `a.b`, `a.c`).
    keys: Vec<String>,
    /// Paths of free-form maps, below which any key is allowed.
    open: BTreeSet<String>,
}

impl fmt::Debug for KeyList {
    /// A list holds thousands of paths; a model printed for debugging
    /// shows how many.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyList({} keys, {} free-form maps)", self.keys.len(), self.open.len())
    }
}

impl KeyList {
    /// Parses a `.keys` file: one path per line, `#` comments, `<path>.*`
    /// for a free-form map. Every platc run reads the lists of the types it
    /// renders, so parsing is a sort, not a tree of every path's parents.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let mut list = Self::default();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            if let Some(open) = line.strip_suffix(".*") {
                list.open.insert(open.to_owned());
            } else {
                list.keys.push(line.to_owned());
            }
        }
        list.keys.sort_unstable();
        list.keys.dedup();
        list
    }

    /// How many key paths the list holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the list holds no key path.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Whether `dotted` is a listed key path.
    fn has(&self, dotted: &str) -> bool {
        self.keys.binary_search_by(|key| key.as_str().cmp(dotted)).is_ok()
    }

    /// Whether a listed path lies below `dotted`: it is a map the chart
    /// describes, not a leaf.
    fn is_parent(&self, dotted: &str) -> bool {
        let child = format!("{dotted}.");
        let at = self.keys.partition_point(|key| key.as_str() < child.as_str());
        self.keys.get(at).is_some_and(|key| key.starts_with(&child))
    }

    /// Whether the chart has the key at `path` (dotted segments): it is
    /// listed, or lies below a free-form map or below a leaf (a list or a
    /// `null` default, which takes any value).
    #[must_use]
    pub fn allows(&self, path: &[String]) -> bool {
        let mut prefix = String::new();
        for (index, segment) in path.iter().enumerate() {
            if index > 0 {
                prefix.push('.');
            }
            prefix.push_str(&quote(segment));
            if self.open.contains(&prefix) {
                return true;
            }
            if !self.has(&prefix) {
                return false;
            }
            if !self.is_parent(&prefix) {
                return true;
            }
        }
        true
    }

    /// The listed key closest to the first segment of `path` the chart does
    /// not have, for a suggestion.
    #[must_use]
    pub fn closest(&self, path: &[String]) -> Option<String> {
        let unknown = (1..=path.len()).find(|&end| !self.has(&join(&path[..end])))?;
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
        crate::diagnostic::suggest(last, siblings.iter().map(String::as_str)).map(ToOwned::to_owned)
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

    /// Every key of the shipped lists is allowed, and a path is a parent
    /// exactly when some listed key has it as its leading segments.
    #[test]
    fn shipped_lists_know_their_parents() {
        for builtin in crate::model::Types::builtin().iter() {
            let list = builtin.helm.as_ref().and_then(|h| h.recorded_keys.clone()).expect("keys");
            let mut parents = BTreeSet::new();
            for key in &list.keys {
                let segments = split(key);
                for end in 1..segments.len() {
                    parents.insert(join(&segments[..end]));
                }
            }
            for key in &list.keys {
                assert!(list.allows(&split(key)), "{}: {key}", builtin.name);
                assert_eq!(list.is_parent(key), parents.contains(key), "{}: {key}", builtin.name);
            }
            assert!(parents.len() > 20, "{}", builtin.name);
        }
    }

    #[test]
    fn lists_every_leaf_path() {
        let value = serde_json::json!({"a": {"b": 1, "c": [1, 2]}, "d": {}, "e": "x"});
        let all: Vec<String> = paths(&value).iter().map(|p| dotted(p)).collect();
        assert_eq!(all, ["a.b", "a.c", "d", "e"]);
    }
}
