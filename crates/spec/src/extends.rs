//! Environments that extend each other (`extends: staging`): an environment
//! file states only what differs from the environment it is based on.
//!
//! The files of a chain (`qa` → `staging` → `base`) are merged from the root
//! down as located trees: mappings merge key by key, lists and scalars
//! replace, `null` removes an inherited key, and the keys that belong to a
//! file itself ([`Environment::OWN_KEYS`]: `name`, `extends`, `abstract`,
//! `acceptInherited`) are never inherited. The merged document remembers the
//! file that wrote each of its values, so a problem found in a merged
//! environment — by the schema, by validation, or later while rendering —
//! is located in the file where the offending value was written, and
//! `platc explain` can say where a value came from ([`crate::explain`]).
//! The merged document is then checked and deserialized like any
//! environment file.
//!
//! This module knows trees, not files: loading
//! ([`load`](crate::load)) reads the files, merges them here and checks the
//! result. An environment that extends nothing and is not abstract is loaded
//! like every other model file, without any of this.
//!
//! Values that must differ per environment (its domain, namespace,
//! secret-store prefix, and an external provider's host, user name, remote
//! key and Secret) may not be those of the environment it extends, unless
//! `acceptInherited` says why: staging's Kafka credentials carried into qa
//! unnoticed are how one environment ends up using another's data.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Origin, suggest};
use crate::model::Environment;
use crate::names::EnvName;
use crate::position::{Position, key_path, pointer_join};
use crate::source::{Node, NodeValue};

/// The keys of an environment file that belong to the file itself and are
/// never inherited.
const OWN_KEYS: [&str; 4] = Environment::OWN_KEYS;

/// The fields of an external provider that must differ per environment.
const EXTERNAL_FIELDS: [&str; 4] = ["host", "username", "remoteKey", "secret"];

/// The values of an environment that must differ from the environment it
/// extends, besides those of external providers.
const OWN_VALUES: [&str; 3] = ["/domain", "/namespace", "/secretStore/prefix"];

/// The environments whose files make one environment, itself first, each
/// with its file's index in [`Sources`](crate::Sources).
pub(crate) type Chain = Vec<(EnvName, usize)>;

/// An environment merged from its own file and the files it extends.
#[derive(Debug, Clone)]
pub struct Layering {
    /// The environments whose files make this one.
    chain: Chain,
    is_abstract: bool,
    merged: Merged,
}

impl Layering {
    /// An environment of the files `chain` (itself first, with each file's
    /// index), merged into `merged`.
    pub(crate) fn new(chain: Chain, is_abstract: bool, merged: Merged) -> Self {
        Self { chain, is_abstract, merged }
    }

    /// The environments whose files make this one: itself first, then the
    /// one it extends, up to the one that extends nothing.
    pub fn chain(&self) -> impl Iterator<Item = &EnvName> {
        self.chain.iter().map(|(name, _)| name)
    }

    /// Whether the environment is abstract: a base for others, never rendered.
    #[must_use]
    pub fn is_abstract(&self) -> bool {
        self.is_abstract
    }

    /// The environments and their files' indices, itself first.
    pub(crate) fn files(&self) -> &[(EnvName, usize)] {
        &self.chain
    }

    /// The merged document.
    pub(crate) fn merged(&self) -> &Merged {
        &self.merged
    }

    /// The file (its index) and position where the value at `pointer` was
    /// written, or its closest ancestor that exists.
    pub(crate) fn locate(&self, pointer: &str, at_key: bool) -> (usize, Position) {
        self.merged.locate(pointer, at_key)
    }
}

/// A document merged from several files' located trees, with the file that
/// wrote each of its values.
#[derive(Debug, Clone)]
pub(crate) struct Merged {
    /// The merged tree; each node keeps the position it has in the file that
    /// wrote it.
    pub(crate) root: Node,
    /// JSON pointer of every node → index of the file that wrote it; for a
    /// mapping several files contributed to, the last of them.
    writers: BTreeMap<String, usize>,
}

impl Merged {
    /// One file's tree as it is.
    pub(crate) fn new(root: &Node, file: usize) -> Self {
        let mut writers = BTreeMap::new();
        record(root, "", file, &mut writers);
        Self { root: root.clone(), writers }
    }

    /// Lays the tree of the file `file`, which extends this document, over
    /// it. Returns the pointers of the file's `null`s that remove nothing.
    fn overlay(&mut self, child: &Node, file: usize) -> Vec<String> {
        if let NodeValue::Map(entries) = &mut self.root.value {
            entries.retain(|(key, _)| !OWN_KEYS.contains(&key.name.as_str()));
        }
        for key in OWN_KEYS {
            forget(&mut self.writers, &pointer_join("", key));
        }
        self.root.position = child.position;
        self.writers.insert(String::new(), file);
        let mut idle = Vec::new();
        merge(&mut self.root, child, "", file, &mut self.writers, &mut idle);
        idle
    }

    /// The index of the file that wrote the value at `pointer`, when the
    /// merged document has one there.
    pub(crate) fn writer(&self, pointer: &str) -> Option<usize> {
        self.writers.get(pointer).copied()
    }

    /// The file and position of `pointer`, or of its closest ancestor that
    /// exists: the value (or its key, when `at_key`).
    pub(crate) fn locate(&self, pointer: &str, at_key: bool) -> (usize, Position) {
        let root_file = self.writer("").unwrap_or_default();
        let mut current = pointer;
        loop {
            if let Some((node, key)) = self.root.find(current) {
                let position = match key {
                    Some(key) if at_key => key.position,
                    _ => node.position,
                };
                return (self.writer(current).unwrap_or(root_file), position);
            }
            match current.rfind('/') {
                Some(cut) => current = &current[..cut],
                None => return (root_file, self.root.position),
            }
        }
    }

    /// The value at `pointer` as JSON.
    fn json_at(&self, pointer: &str) -> Option<Value> {
        self.root.find(pointer).map(|(node, _)| node.to_json())
    }
}

/// Notes `file` as the writer of `node` and everything in it.
fn record(node: &Node, pointer: &str, file: usize, writers: &mut BTreeMap<String, usize>) {
    writers.insert(pointer.to_owned(), file);
    match &node.value {
        NodeValue::Map(entries) => {
            for (key, value) in entries {
                record(value, &pointer_join(pointer, &key.name), file, writers);
            }
        }
        NodeValue::Seq(items) => {
            for (index, item) in items.iter().enumerate() {
                record(item, &pointer_join(pointer, &index.to_string()), file, writers);
            }
        }
        _ => {}
    }
}

/// Forgets the writers of the value at `pointer` and everything in it.
fn forget(writers: &mut BTreeMap<String, usize>, pointer: &str) {
    writers.remove(pointer);
    let prefix = format!("{pointer}/");
    let inside: Vec<String> = writers
        .range(prefix.clone()..)
        .take_while(|(key, _)| key.starts_with(&prefix))
        .map(|(key, _)| key.clone())
        .collect();
    for key in inside {
        writers.remove(&key);
    }
}

/// Merges the mapping `over` (written in `file`) into the mapping `base`:
/// keys merge one by one, a mapping over a mapping merges, anything else
/// replaces, `null` removes. `null`s with nothing to remove are collected
/// in `idle` and left out.
fn merge(
    base: &mut Node,
    over: &Node,
    pointer: &str,
    file: usize,
    writers: &mut BTreeMap<String, usize>,
    idle: &mut Vec<String>,
) {
    let (NodeValue::Map(entries), NodeValue::Map(overrides)) = (&mut base.value, &over.value)
    else {
        return;
    };
    for (key, value) in overrides {
        let at = pointer_join(pointer, &key.name);
        let existing = entries.iter().position(|(k, _)| k.name == key.name);
        match (existing, &value.value) {
            (Some(index), NodeValue::Null) => {
                entries.remove(index);
                forget(writers, &at);
            }
            (None, NodeValue::Null) => idle.push(at),
            (Some(index), NodeValue::Map(_))
                if matches!(entries[index].1.value, NodeValue::Map(_)) =>
            {
                let (inherited_key, inherited) = &mut entries[index];
                *inherited_key = key.clone();
                inherited.position = value.position;
                writers.insert(at.clone(), file);
                merge(inherited, value, &at, file, writers, idle);
            }
            (existing, _) => {
                let value = without_nulls(value, &at, idle);
                if let Some(index) = existing {
                    forget(writers, &at);
                    entries[index] = (key.clone(), value);
                    record(&entries[index].1, &at, file, writers);
                } else {
                    record(&value, &at, file, writers);
                    entries.push((key.clone(), value));
                }
            }
        }
    }
}

/// A copy of a new value without the `null`s of its mappings, which have
/// nothing to remove there; their pointers are collected in `idle`.
fn without_nulls(node: &Node, pointer: &str, idle: &mut Vec<String>) -> Node {
    let NodeValue::Map(entries) = &node.value else { return node.clone() };
    let mut kept = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let at = pointer_join(pointer, &key.name);
        if value.value == NodeValue::Null {
            idle.push(at);
        } else {
            kept.push((key.clone(), without_nulls(value, &at, idle)));
        }
    }
    Node { value: NodeValue::Map(kept), position: node.position }
}

/// Merges the trees of a chain of files, the root (the file that extends
/// nothing) first, each with its file's index. Returns the document and the
/// `null`s that remove nothing, by file.
pub(crate) fn merge_chain(layers: &[(&Node, usize)]) -> (Merged, Vec<(usize, String)>) {
    let mut idle = Vec::new();
    let Some(((root, file), rest)) = layers.split_first() else {
        return (
            Merged::new(&Node { value: NodeValue::Null, position: Position::default() }, 0),
            idle,
        );
    };
    let mut merged = Merged::new(root, *file);
    for (tree, file) in rest {
        idle.extend(merged.overlay(tree, *file).into_iter().map(|pointer| (*file, pointer)));
    }
    (merged, idle)
}

/// What an environment file says about its place among the others, read
/// before it is checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct Header {
    /// The `extends:` of the file.
    pub(crate) parent: Parent,
    /// Whether the file says `abstract: true`.
    pub(crate) is_abstract: bool,
}

/// The `extends:` of a file.
#[derive(Debug, Clone, Default)]
pub(crate) enum Parent {
    /// No `extends:`.
    #[default]
    None,
    /// The environment named.
    Named(String),
    /// A value that is no name; the schema reports it.
    Invalid,
}

impl Header {
    /// The header of a file's JSON form; the default when it is no mapping.
    pub(crate) fn of(json: Option<&Value>) -> Self {
        let Some(object) = json.and_then(Value::as_object) else { return Self::default() };
        let parent = match object.get("extends") {
            None => Parent::None,
            Some(Value::String(name)) => Parent::Named(name.clone()),
            Some(_) => Parent::Invalid,
        };
        Self { parent, is_abstract: object.get("abstract") == Some(&Value::Bool(true)) }
    }

    /// Whether the file is loaded through this module: it extends another,
    /// or is abstract.
    pub(crate) fn layered(&self) -> bool {
        !matches!(self.parent, Parent::None) || self.is_abstract
    }
}

/// An environment file `extends:` may name.
pub(crate) struct Known {
    /// The file's index in [`Sources`](crate::Sources), when it was read.
    pub(crate) index: Option<usize>,
    /// What the file says about what it extends.
    pub(crate) header: Header,
    /// The file's path relative to the platform root.
    pub(crate) relative: PathBuf,
}

/// Why an environment's chain cannot be merged.
pub(crate) enum ChainError {
    /// `at` extends `parent`, which has no file.
    Unknown { at: EnvName, parent: String },
    /// The environments extend each other in a circle: the chain from the
    /// first of them back to it.
    Cycle(Vec<EnvName>),
    /// A file of the chain was not read; its own problem is reported.
    Unread,
}

impl ChainError {
    /// The diagnostic for the environment `name`, when the problem is in its
    /// own file: an environment whose chain leads into another's problem
    /// says nothing more.
    pub(crate) fn diagnostic(
        &self,
        name: &EnvName,
        known: &BTreeMap<EnvName, Known>,
    ) -> Option<Diagnostic> {
        let origin = Origin::Environment(name.clone());
        match self {
            Self::Unknown { at, parent } if at == name => {
                let names: Vec<&str> = known.keys().map(EnvName::as_str).collect();
                let help = match suggest(parent, names.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!("known environments: {}", names.join(", ")),
                };
                Some(
                    Diagnostic::error(
                        Code::SpecExtendsUnknown,
                        format!(
                            "`{name}` extends `{parent}`, which has no file in `environments/`"
                        ),
                    )
                    .at(origin, "/extends")
                    .with_help(help),
                )
            }
            Self::Cycle(cycle) if cycle.first() == Some(name) => {
                let path: Vec<&str> = cycle.iter().map(EnvName::as_str).collect();
                Some(
                    Diagnostic::error(
                        Code::SpecExtendsCycle,
                        format!("`{name}` extends itself: {}", path.join(" → ")),
                    )
                    .at(origin, "/extends")
                    .with_help("remove `extends:` from one environment of the cycle"),
                )
            }
            _ => None,
        }
    }
}

/// The chain of `name`: itself, what it extends, and so on, each with its
/// file's index.
pub(crate) fn chain_of(
    name: &EnvName,
    known: &BTreeMap<EnvName, Known>,
) -> Result<Chain, ChainError> {
    let mut chain: Chain = Vec::new();
    let mut current = name.clone();
    loop {
        if let Some(start) = chain.iter().position(|(n, _)| *n == current) {
            let mut cycle: Vec<EnvName> = chain[start..].iter().map(|(n, _)| n.clone()).collect();
            cycle.push(current);
            return Err(ChainError::Cycle(cycle));
        }
        let entry = &known[&current];
        let Some(index) = entry.index else { return Err(ChainError::Unread) };
        chain.push((current.clone(), index));
        match &entry.header.parent {
            Parent::Named(parent) => match known.get_key_value(parent.as_str()) {
                Some((parent, _)) => current = parent.clone(),
                None => return Err(ChainError::Unknown { at: current, parent: parent.clone() }),
            },
            Parent::None | Parent::Invalid => return Ok(chain),
        }
    }
}

/// The pointers of the values of a merged environment that must differ
/// from the environment it extends.
fn must_differ(root: &Node) -> Vec<String> {
    let mut pointers: Vec<String> =
        OWN_VALUES.iter().filter(|p| root.find(p).is_some()).map(|p| (*p).to_owned()).collect();
    if let Some((infrastructure, _)) = root.find("/infrastructure") {
        external_values(infrastructure, "/infrastructure", 0, &mut pointers);
    }
    pointers
}

/// The must-differ fields of every external provider under `node`: a
/// mapping with `provider: external`, at most two levels down (a type's
/// provider, or a dependency's under `instances`).
fn external_values(node: &Node, pointer: &str, depth: usize, out: &mut Vec<String>) {
    let NodeValue::Map(entries) = &node.value else { return };
    let external = entries.iter().any(|(key, value)| {
        key.name == "provider" && value.value == NodeValue::String("external".to_owned())
    });
    if external {
        for (key, _) in entries.iter().filter(|(k, _)| EXTERNAL_FIELDS.contains(&k.name.as_str())) {
            out.push(pointer_join(pointer, &key.name));
        }
    } else if depth < 2 {
        for (key, value) in entries {
            external_values(value, &pointer_join(pointer, &key.name), depth + 1, out);
        }
    }
}

/// The JSON pointer of a key path (`infrastructure.kafka.host`).
pub(crate) fn pointer_of(path: &str) -> String {
    path.split('.')
        .filter(|key| !key.is_empty())
        .fold(String::new(), |p, key| pointer_join(&p, key))
}

/// Values of `name` that must differ from its parent's but are the same,
/// unless `acceptInherited` keeps them; entries of `acceptInherited` that
/// keep nothing.
pub(crate) fn check_inherited(
    name: &EnvName,
    parent: &EnvName,
    merged: &Merged,
    parent_merged: &Merged,
) -> Vec<Diagnostic> {
    let origin = Origin::Environment(name.clone());
    let accepted: Vec<String> = match merged.root.find("/acceptInherited") {
        Some((Node { value: NodeValue::Map(entries), .. }, _)) => {
            entries.iter().map(|(key, _)| key.name.clone()).collect()
        }
        _ => Vec::new(),
    };
    let accepted_pointers: Vec<String> = accepted.iter().map(|key| pointer_of(key)).collect();
    let candidates = must_differ(&merged.root);
    let same: Vec<&String> = candidates
        .iter()
        .filter(|pointer| merged.json_at(pointer) == parent_merged.json_at(pointer))
        .collect();
    let mut out = Vec::new();
    let kept: Vec<String> = same
        .iter()
        .filter(|pointer| !accepted_pointers.contains(pointer))
        .map(|pointer| format!("`{}`", key_path(pointer)))
        .collect();
    if let Some(first) = kept.first() {
        out.push(
            Diagnostic::error(
                Code::SpecInheritedValue,
                format!(
                    "`{name}` keeps {} of `{parent}`, which must differ per environment",
                    kept.join(", ")
                ),
            )
            .at(origin.clone(), "/extends")
            .with_help(format!(
                "set {} in `{name}`'s own file, or keep `{parent}`'s on purpose with `acceptInherited: {{{}: <why>}}`",
                if kept.len() == 1 { "it" } else { "each" },
                first.trim_matches('`'),
            )),
        );
    }
    for (key, pointer) in accepted.iter().zip(&accepted_pointers) {
        if same.contains(&pointer) {
            continue;
        }
        let why = if candidates.contains(pointer) {
            format!("`{name}` sets its own `{key}`")
        } else {
            format!("`{key}` is not a value of `{parent}` that must differ per environment")
        };
        out.push(
            Diagnostic::warning(
                Code::SpecUnusedAcceptInherited,
                format!("`acceptInherited` entry `{key}` keeps nothing: {why}"),
            )
            .at(origin.clone(), pointer_join("/acceptInherited", key))
            .on_key()
            .with_help("remove the entry, or correct its key path"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_yaml;

    fn merged(files: &[&str]) -> (Merged, Vec<(usize, String)>) {
        let trees: Vec<Node> = files.iter().map(|text| parse_yaml(text).unwrap()).collect();
        let layers: Vec<(&Node, usize)> = trees.iter().enumerate().map(|(i, t)| (t, i)).collect();
        merge_chain(&layers)
    }

    #[test]
    fn maps_merge_lists_and_scalars_replace_null_removes() {
        let (merged, idle) = merged(&[
            "name: base\nextends: x\nmap: {a: 1, b: 2, deep: {c: 3}}\nlist: [1, 2]\ngone: 1\nscalar: s\n",
            "name: child\nmap: {b: 20, deep: {d: 4}}\nlist: [3]\ngone: null\nscalar: {now: map}\n",
        ]);
        assert!(idle.is_empty());
        assert_eq!(
            merged.root.to_json(),
            serde_json::json!({
                "name": "child",
                "map": {"a": 1, "b": 20, "deep": {"c": 3, "d": 4}},
                "list": [3],
                "scalar": {"now": "map"},
            }),
            "`extends` is not inherited, `name` is the child's"
        );
        assert_eq!(merged.writer("/map/a"), Some(0));
        assert_eq!(merged.writer("/map/b"), Some(1));
        assert_eq!(merged.writer("/map/deep/c"), Some(0));
        assert_eq!(merged.writer("/map"), Some(1), "a merged mapping belongs to the last file");
        assert_eq!(merged.writer("/list/0"), Some(1));
        assert_eq!(merged.writer("/list/1"), None, "the inherited list is gone");
        assert_eq!(merged.writer("/gone"), None);
    }

    #[test]
    fn chains_merge_in_order_and_locate_in_the_writing_file() {
        let (merged, _) = merged(&[
            "name: base\nreplicas: 1\nports: {http: 80}\n",
            "name: staging\nextends: base\nreplicas: 2\n",
            "name: qa\nextends: staging\nports: {https: 443}\n",
        ]);
        assert_eq!(merged.root.find("/replicas").unwrap().0.to_json(), 2);
        let (file, position) = merged.locate("/ports/http", false);
        assert_eq!((file, position.line, position.column), (0, 3, 15));
        let (file, position) = merged.locate("/replicas", true);
        assert_eq!((file, position.line, position.column), (1, 3, 1));
        // A pointer past the document: the closest ancestor that exists.
        let (file, position) = merged.locate("/ports/https/deeper", false);
        assert_eq!((file, position.line), (2, 3));
    }

    #[test]
    fn nulls_with_nothing_to_remove_are_reported_and_dropped() {
        let (merged, idle) = merged(&[
            "name: base\nmap: {a: 1}\n",
            "name: child\nmap: {b: null}\nnew: {x: 1, y: ~}\n",
        ]);
        assert_eq!(idle, [(1, "/map/b".to_owned()), (1, "/new/y".to_owned())]);
        assert_eq!(
            merged.root.to_json(),
            serde_json::json!({"name": "child", "map": {"a": 1}, "new": {"x": 1}})
        );
    }

    #[test]
    fn removing_then_setting_again_belongs_to_the_last_file() {
        let (merged, idle) = merged(&[
            "name: a\nkafka: {host: h, port: 1}\n",
            "name: b\nkafka: null\n",
            "name: c\nkafka: {host: k}\n",
        ]);
        assert!(idle.is_empty());
        assert_eq!(merged.root.to_json()["kafka"], serde_json::json!({"host": "k"}));
        assert_eq!(merged.writer("/kafka/host"), Some(2));
    }

    #[test]
    fn external_providers_fields_must_differ() {
        let root = parse_yaml(
            "domain: d\ninfrastructure:\n  kafka: {provider: external, host: h, username: u}\n  redis: {provider: helm, username: app}\n  instances:\n    db: {provider: external, host: x, secret: s}\n",
        )
        .unwrap();
        assert_eq!(
            must_differ(&root),
            [
                "/domain",
                "/infrastructure/kafka/host",
                "/infrastructure/kafka/username",
                "/infrastructure/instances/db/host",
                "/infrastructure/instances/db/secret",
            ]
        );
    }

    #[test]
    fn key_paths_become_pointers() {
        assert_eq!(pointer_of("infrastructure.kafka.host"), "/infrastructure/kafka/host");
        assert_eq!(pointer_of("domain"), "/domain");
    }
}
