//! Source files and their located YAML trees.
//!
//! A file is parsed once into a [`Node`] tree that remembers where every key and
//! value sits. The tree feeds schema validation (as JSON) and, whenever a later
//! stage reports a problem by JSON pointer (`/routes/0/host`), it turns that
//! pointer back into a line and column.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A position in a source file: 1-based line and column, and the byte range
/// of the node, for snippets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset of the node's first character: a scalar's opening quote
    /// when it is quoted, a flow collection's bracket, a block mapping's
    /// first key.
    pub offset: usize,
    /// Length of the node in bytes: a scalar as written, quotes included; 0
    /// for a block mapping, an empty value, or when unknown.
    pub len: usize,
}

impl Position {
    pub(crate) fn from_saphyr(location: serde_saphyr::Location) -> Self {
        let span = location.span();
        let to_usize = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        Self {
            line: to_usize(location.line()),
            column: to_usize(location.column()),
            offset: span.byte_offset().map_or(0, to_usize),
            len: span.byte_len().map_or(0, to_usize),
        }
    }
}

impl Position {
    /// The position of a 1-based line and column in `text`, with the byte
    /// offset computed from them.
    #[must_use]
    pub fn in_text(text: &str, line: usize, column: usize, len: usize) -> Self {
        let line_start = if line <= 1 {
            0
        } else {
            text.match_indices('\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1)
        };
        let line_text = &text[line_start..];
        let line_end = line_text.find('\n').unwrap_or(line_text.len());
        let in_line = line_text[..line_end]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_end, |(i, _)| i);
        Self { line, column, offset: line_start + in_line, len }
    }
}

/// A YAML node with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The node's value.
    pub value: NodeValue,
    /// Where the node starts.
    pub position: Position,
}

/// The value of a YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` or `false` (YAML 1.2 spellings only: `yes` and `on` are strings).
    Bool(bool),
    /// A signed integer.
    Int(i64),
    /// An unsigned integer beyond `i64`.
    UInt(u64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    String(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order.
    Map(Vec<(Key, Node)>),
}

/// A mapping key with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// The key's text.
    pub name: String,
    /// Where the key starts.
    pub position: Position,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<String>::deserialize(deserializer)?;
        Ok(Self { name: spanned.value, position: Position::from_saphyr(spanned.referenced) })
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<NodeValue>::deserialize(deserializer)?;
        Ok(Self { value: spanned.value, position: Position::from_saphyr(spanned.referenced) })
    }
}

impl<'de> Deserialize<'de> for NodeValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = NodeValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<NodeValue, E> {
        Ok(NodeValue::Null)
    }
    fn visit_none<E>(self) -> Result<NodeValue, E> {
        Ok(NodeValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<NodeValue, D::Error> {
        NodeValue::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<NodeValue, E> {
        Ok(NodeValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<NodeValue, E> {
        Ok(NodeValue::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<NodeValue, E> {
        Ok(i64::try_from(v).map_or(NodeValue::UInt(v), NodeValue::Int))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<NodeValue, E> {
        i64::try_from(v).map(NodeValue::Int).map_err(|_| E::custom("integer out of range"))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<NodeValue, E> {
        u64::try_from(v)
            .map(|v| self.visit_u64::<E>(v).unwrap_or(NodeValue::UInt(v)))
            .map_err(|_| E::custom("integer out of range"))
    }
    fn visit_f64<E>(self, v: f64) -> Result<NodeValue, E> {
        Ok(NodeValue::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<NodeValue, E> {
        Ok(NodeValue::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<NodeValue, E> {
        Ok(NodeValue::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NodeValue, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(NodeValue::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NodeValue, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some((key, value)) = map.next_entry::<Key, Node>()? {
            entries.push((key, value));
        }
        Ok(NodeValue::Map(entries))
    }
}

impl Node {
    /// The node as a JSON value, the form JSON Schema validation and serde read.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Int(i) => Value::from(*i),
            NodeValue::UInt(u) => Value::from(*u),
            NodeValue::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
            NodeValue::String(s) => Value::String(s.clone()),
            NodeValue::Seq(items) => Value::Array(items.iter().map(Self::to_json).collect()),
            NodeValue::Map(entries) => {
                Value::Object(entries.iter().map(|(k, v)| (k.name.clone(), v.to_json())).collect())
            }
        }
    }

    /// The node a JSON pointer (`/routes/0/host`) designates, and the key that
    /// leads to it when its parent is a mapping.
    #[must_use]
    pub fn find(&self, pointer: &str) -> Option<(&Node, Option<&Key>)> {
        let mut node = self;
        let mut key = None;
        for token in pointer.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            match &node.value {
                NodeValue::Map(entries) => {
                    let (k, v) = entries.iter().find(|(k, _)| k.name == token)?;
                    node = v;
                    key = Some(k);
                }
                NodeValue::Seq(items) => {
                    node = items.get(token.parse::<usize>().ok()?)?;
                    key = None;
                }
                _ => return None,
            }
        }
        Some((node, key))
    }

    /// The closest position for a pointer: the node itself (or its key when
    /// `at_key`), or the deepest ancestor that exists.
    #[must_use]
    pub fn locate(&self, pointer: &str, at_key: bool) -> Position {
        let mut current = pointer;
        loop {
            if let Some((node, key)) = self.find(current) {
                return match key {
                    Some(key) if at_key => key.position,
                    _ => node.position,
                };
            }
            match current.rfind('/') {
                Some(cut) => current = &current[..cut],
                None => return self.position,
            }
        }
    }
}

/// One loaded source file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as shown to the user (relative to the platform root when possible).
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    /// The located tree, parsed the first time a position is asked for:
    /// files that load cleanly never need it.
    root: OnceLock<Option<Node>>,
}

impl SourceFile {
    /// A file whose located tree is parsed when first needed.
    #[must_use]
    pub fn new(path: PathBuf, text: String) -> Self {
        Self { path, text, root: OnceLock::new() }
    }

    /// A file whose located tree is already known (`None` when it does not parse).
    #[must_use]
    pub fn with_root(path: PathBuf, text: String, root: Option<Node>) -> Self {
        Self { path, text, root: OnceLock::from(root) }
    }

    /// The located tree of the document, when the file parses.
    #[must_use]
    pub fn root(&self) -> Option<&Node> {
        self.root.get_or_init(|| crate::load::parse_yaml(&self.text).ok()).as_ref()
    }

    /// The path as shown to the user.
    #[must_use]
    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }
}

/// A path with forward slashes, the same on every platform.
#[must_use]
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Turns a JSON pointer (`/routes/0/host`) into the key path users read
/// (`routes[0].host`).
#[must_use]
pub fn key_path(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(&token);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    out
}

/// Appends a key or index to a JSON pointer, escaping as RFC 6901 requires.
#[must_use]
pub fn pointer_join(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    out.push_str(&token.replace('~', "~0").replace('/', "~1"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Node {
        crate::load::parse_yaml(text).unwrap()
    }

    #[test]
    fn locates_keys_and_values() {
        let root = parse("name: api\nroutes:\n  - host: a.example.com\n    paths: [/x]\n");
        assert_eq!(root.locate("/routes/0/host", false).line, 3);
        assert_eq!(root.locate("/routes/0/host", false).column, 11);
        assert_eq!(root.locate("/routes/0/host", true).column, 5);
        assert_eq!(root.locate("/routes/0/paths/0", false).line, 4);
        // A pointer past the document falls back to the deepest existing ancestor.
        assert_eq!(root.locate("/routes/0/missing/deeper", false).line, 3);
    }

    #[test]
    fn converts_to_json() {
        let root = parse("a: 1\nb: [true, 'x', 1.5, ~]\nc: yes\n");
        assert_eq!(
            root.to_json(),
            serde_json::json!({"a": 1, "b": [true, "x", 1.5, null], "c": "yes"}),
            "YAML 1.1 booleans such as `yes` stay strings"
        );
    }

    #[test]
    fn key_paths_read_naturally() {
        assert_eq!(key_path("/routes/0/host"), "routes[0].host");
        assert_eq!(key_path("/env/DB_HOST"), "env.DB_HOST");
        assert_eq!(key_path(&pointer_join("/files", "a/b")), "files.a/b");
        assert_eq!(key_path(""), "");
    }

    #[test]
    fn scalar_spans_cover_quotes_and_collections_start_where_they_are_written() {
        let text = "images:\n  tags:\n    a: \"1.4.2\"  # c\n    b: '1.4.2'\n    c: 1.4.2 # x\n  flow: {x: 1}\nempty:\n";
        let root = parse(text);
        let span = |pointer: &str| {
            let p = root.find(pointer).unwrap().0.position;
            &text[p.offset..p.offset + p.len]
        };
        // Scalars: the whole scalar as written, quotes included, no comment.
        assert_eq!(span("/images/tags/a"), "\"1.4.2\"");
        assert_eq!(span("/images/tags/b"), "'1.4.2'");
        assert_eq!(span("/images/tags/c"), "1.4.2");
        // Block mappings start at their first key and have no length; flow
        // mappings start at their brace.
        let tags = root.find("/images/tags").unwrap().0.position;
        assert_eq!((tags.line, tags.column, tags.len), (3, 5, 0));
        assert_eq!(span("/images/flow"), "{");
        // Keys: the key's text.
        let (_, key) = root.find("/images/tags/b").unwrap();
        let key = key.unwrap().position;
        assert_eq!(&text[key.offset..key.offset + key.len], "b");
        // An empty value has no length.
        assert_eq!(span("/empty"), "");
    }
}
