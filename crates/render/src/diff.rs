//! Diff: a rendered tree against another (the committed golden tree, or
//! another environment), object by object, with a unified text diff of each
//! changed file. [`markdown`] writes a diff for a pull-request comment.

pub mod markdown;

use serde::Deserialize;
use similar::TextDiff;

use crate::emit::Tree;
use crate::object::describe;

/// How one file differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Only in the new tree.
    Added,
    /// Only in the old tree.
    Removed,
    /// In both, with different content.
    Changed,
}

impl ChangeKind {
    /// `+`, `-` or `~`.
    #[must_use]
    pub fn sign(self) -> char {
        match self {
            Self::Added => '+',
            Self::Removed => '-',
            Self::Changed => '~',
        }
    }
}

/// One file that differs between two trees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// The file's path in the tree.
    pub path: String,
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// The object in the file (`Deployment shop/api`), or the path when the
    /// file is not a Kubernetes object.
    pub object: String,
    /// The old content.
    pub old: Option<String>,
    /// The new content.
    pub new: Option<String>,
}

impl FileChange {
    /// The unified diff of the file, with `old_label`/`new_label` as the headers.
    #[must_use]
    pub fn unified(&self, old_label: &str, new_label: &str) -> String {
        let old = self.old.as_deref().unwrap_or("");
        let new = self.new.as_deref().unwrap_or("");
        TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header(&format!("{old_label}/{}", self.path), &format!("{new_label}/{}", self.path))
            .to_string()
    }
}

/// One field that differs between two versions of an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// Where: `spec.template.spec.containers[name=api].image`.
    pub path: String,
    /// The old value, shortened; `None` when the field is new.
    pub old: Option<String>,
    /// The new value, shortened; `None` when the field is gone.
    pub new: Option<String>,
}

impl std::fmt::Display for FieldChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.old, &self.new) {
            (Some(old), Some(new)) => write!(f, "{}: {old} → {new}", self.path),
            (None, Some(new)) => write!(f, "{}: added {new}", self.path),
            (Some(old), None) => write!(f, "{}: removed {old}", self.path),
            (None, None) => write!(f, "{}", self.path),
        }
    }
}

impl FileChange {
    /// The fields that differ, by path, matching list items by their `name`.
    /// Empty for files that are not YAML mappings.
    #[must_use]
    pub fn fields(&self) -> Vec<FieldChange> {
        let parse = |text: Option<&String>| -> Option<serde_json::Value> {
            match text {
                Some(text) => serde_saphyr::from_str(text).ok(),
                None => Some(serde_json::Value::Null),
            }
        };
        match (self.kind, parse(self.old.as_ref()), parse(self.new.as_ref())) {
            (ChangeKind::Changed, Some(old), Some(new)) => field_changes(&old, &new),
            _ => Vec::new(),
        }
    }
}

/// Every leaf that differs between `old` and `new`, in a stable order.
#[must_use]
pub fn field_changes(old: &serde_json::Value, new: &serde_json::Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    compare(String::new(), Some(old), Some(new), &mut out);
    out
}

fn compare(
    path: String,
    old: Option<&serde_json::Value>,
    new: Option<&serde_json::Value>,
    out: &mut Vec<FieldChange>,
) {
    use serde_json::Value;
    match (old, new) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                compare(child_path(&path, key), a.get(key), b.get(key), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) if named(a) && named(b) => {
            let name = |v: &Value| v["name"].as_str().unwrap_or_default().to_owned();
            let names: std::collections::BTreeSet<String> =
                a.iter().chain(b.iter()).map(name).collect();
            for item in names {
                let find = |list: &Vec<Value>| list.iter().find(|v| name(v) == item).cloned();
                let (before, after) = (find(a), find(b));
                compare(format!("{path}[name={item}]"), before.as_ref(), after.as_ref(), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
            for (index, (before, after)) in a.iter().zip(b).enumerate() {
                compare(format!("{path}[{index}]"), Some(before), Some(after), out);
            }
        }
        (before, after) if before != after => {
            out.push(FieldChange { path, old: before.map(short), new: after.map(short) });
        }
        _ => {}
    }
}

fn named(list: &[serde_json::Value]) -> bool {
    !list.is_empty() && list.iter().all(|v| v.get("name").is_some_and(serde_json::Value::is_string))
}

fn child_path(path: &str, key: &str) -> String {
    let simple =
        !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    match (path.is_empty(), simple) {
        (true, true) => key.to_owned(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[\"{key}\"]"),
    }
}

/// A value in one short line: scalars as written, text with line breaks and
/// structures summarised.
fn short(value: &serde_json::Value) -> String {
    use serde_json::Value;
    let text = match value {
        Value::String(s) if s.contains('\n') => format!("({} lines of text)", s.lines().count()),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(79).collect::<String>())
    } else {
        text
    }
}

/// The differences between two trees, in path order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TreeDiff {
    /// Every file that differs.
    pub changes: Vec<FileChange>,
}

impl TreeDiff {
    /// Whether the trees are identical.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many files are added, removed and changed.
    #[must_use]
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |kind| self.changes.iter().filter(|c| c.kind == kind).count();
        (count(ChangeKind::Added), count(ChangeKind::Removed), count(ChangeKind::Changed))
    }

    /// The changes grouped by the first directory of their path, the
    /// environment in a tree of several (`production/manifests/...`), in path
    /// order.
    #[must_use]
    pub fn by_environment(&self) -> Vec<(&str, Vec<&FileChange>)> {
        let mut groups: Vec<(&str, Vec<&FileChange>)> = Vec::new();
        for change in &self.changes {
            let environment = change.path.split_once('/').map_or("", |(first, _)| first);
            match groups.last_mut() {
                Some((last, changes)) if *last == environment => changes.push(change),
                _ => groups.push((environment, vec![change])),
            }
        }
        groups
    }
}

/// Compares `old` (e.g. golden) with `new` (e.g. freshly rendered).
#[must_use]
pub fn diff_trees(old: &Tree, new: &Tree) -> TreeDiff {
    let mut changes = Vec::new();
    let mut old_files = old.iter().peekable();
    let mut new_files = new.iter().peekable();
    loop {
        let order = match (old_files.peek(), new_files.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some((a, _)), Some((b, _))) => a.cmp(b),
        };
        match order {
            std::cmp::Ordering::Less => {
                if let Some((path, content)) = old_files.next() {
                    changes.push(change(path, ChangeKind::Removed, Some(content), None));
                }
            }
            std::cmp::Ordering::Greater => {
                if let Some((path, content)) = new_files.next() {
                    changes.push(change(path, ChangeKind::Added, None, Some(content)));
                }
            }
            std::cmp::Ordering::Equal => {
                if let (Some((path, before)), Some((_, after))) =
                    (old_files.next(), new_files.next())
                    && before != after
                {
                    changes.push(change(path, ChangeKind::Changed, Some(before), Some(after)));
                }
            }
        }
    }
    TreeDiff { changes }
}

fn change(path: &str, kind: ChangeKind, old: Option<&str>, new: Option<&str>) -> FileChange {
    let object = new.or(old).and_then(identify).unwrap_or_else(|| path.to_owned());
    FileChange {
        path: path.to_owned(),
        kind,
        object,
        old: old.map(ToOwned::to_owned),
        new: new.map(ToOwned::to_owned),
    }
}

#[derive(Deserialize)]
struct Header {
    kind: Option<String>,
    metadata: Option<HeaderMeta>,
}

#[derive(Deserialize)]
struct HeaderMeta {
    name: Option<String>,
    namespace: Option<String>,
}

/// `Kind namespace/name` of the object a file holds, if it holds one.
fn identify(content: &str) -> Option<String> {
    let options = serde_saphyr::options! { strict_booleans: true };
    let header: Header = serde_saphyr::from_str_with_options(content, options).ok()?;
    let meta = header.metadata?;
    Some(describe(&header.kind?, meta.namespace.as_deref(), meta.name.as_deref()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> Tree {
        let mut t = Tree::new();
        for (p, c) in files {
            t.insert(*p, *c);
        }
        t
    }

    #[test]
    fn classifies_changes_in_path_order() {
        let old = tree(&[
            ("a.yaml", "kind: A\nmetadata:\n  name: a\n"),
            ("b.yaml", "x: 1\n"),
            ("c.yaml", "same\n"),
        ]);
        let new = tree(&[
            ("b.yaml", "x: 2\n"),
            ("c.yaml", "same\n"),
            ("d.yaml", "kind: D\nmetadata:\n  name: d\n  namespace: n\n"),
        ]);
        let diff = diff_trees(&old, &new);
        let summary: Vec<_> = diff.changes.iter().map(|c| (c.kind, c.object.as_str())).collect();
        assert_eq!(
            summary,
            [
                (ChangeKind::Removed, "A a"),
                (ChangeKind::Changed, "b.yaml"),
                (ChangeKind::Added, "D n/d")
            ]
        );
        assert_eq!(diff.counts(), (1, 1, 1));
        assert!(diff_trees(&new, &new).is_empty());
    }

    #[test]
    fn field_changes_match_list_items_by_name() {
        let old = serde_json::json!({"spec": {"containers": [{"name": "api", "image": "a:1", "env": [{"name": "X", "value": "1"}]}, {"name": "side", "image": "s:1"}]}, "metadata": {"labels": {"app.kubernetes.io/version": "1"}}});
        let new = serde_json::json!({"spec": {"containers": [{"name": "side", "image": "s:1"}, {"name": "api", "image": "a:2", "env": [{"name": "X", "value": "1"}, {"name": "Y", "value": "2"}]}]}, "metadata": {"labels": {"app.kubernetes.io/version": "2"}}});
        let changes: Vec<String> =
            field_changes(&old, &new).iter().map(ToString::to_string).collect();
        assert_eq!(
            changes,
            [
                "metadata.labels[\"app.kubernetes.io/version\"]: 1 → 2",
                "spec.containers[name=api].env[name=Y]: added {\"name\":\"Y\",\"value\":\"2\"}",
                "spec.containers[name=api].image: a:1 → a:2",
            ]
        );
    }

    #[test]
    fn unified_diff_has_headers_and_hunks() {
        let diff =
            diff_trees(&tree(&[("b.yaml", "x: 1\ny: 1\n")]), &tree(&[("b.yaml", "x: 2\ny: 1\n")]));
        assert_eq!(
            diff.changes[0].unified("golden", "rendered"),
            "--- golden/b.yaml\n+++ rendered/b.yaml\n@@ -1,2 +1,2 @@\n-x: 1\n+x: 2\n y: 1\n"
        );
    }
}
