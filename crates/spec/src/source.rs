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
use serde_saphyr::{Options, Spanned};

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Location};
pub use crate::position::{Position, key_path, pointer_join};

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
        self.root.get_or_init(|| parse_yaml(&self.text).ok()).as_ref()
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

/// The options every model file is parsed with: YAML 1.2 booleans, so `yes`,
/// `on` and `n` stay strings, as Kubernetes users expect.
pub(crate) fn parse_options() -> Options {
    serde_saphyr::options! { strict_booleans: true }
}

/// Parses YAML text into a located tree. The error is a diagnostic without
/// file name.
pub fn parse_yaml(text: &str) -> Result<Node, Diagnostic> {
    serde_saphyr::from_str_with_options(text, parse_options()).map_err(|e| {
        let (line, column) = e.location().map_or((1, 1), |l| {
            let p = Position::from_saphyr(l);
            (p.line.max(1), p.column.max(1))
        });
        let raw = e.without_snippet().to_string();
        let (message, help, position) = explain_syntax_error(text, &raw, line, column);
        let mut diagnostic = Diagnostic::error(Code::SpecYamlSyntax, message);
        if let Some(help) = help {
            diagnostic = diagnostic.with_help(help);
        }
        diagnostic.location = Some(Location { file: String::new(), position: Some(position) });
        diagnostic
    })
}

/// Turns a parser error into platc's words: what is wrong, how to fix it,
/// and the most useful place to point at.
fn explain_syntax_error(
    text: &str,
    raw: &str,
    line: usize,
    column: usize,
) -> (String, Option<String>, Position) {
    let message = clean_yaml_message(raw);
    let at = |line: usize, column: usize, len: usize| Position::in_text(text, line, column, len);
    let line_text = |n: usize| text.lines().nth(n.saturating_sub(1)).unwrap_or_default();

    if raw.contains("found a tab") || raw.contains("tab") && raw.contains("indent") {
        let tabbed = text.lines().position(|l| l.trim_start_matches(' ').starts_with('\t'));
        let position = tabbed.map_or_else(|| at(line, column, 1), |n| at(n + 1, 1, 1));
        let help = "indent with spaces: YAML does not allow tabs in indentation".to_owned();
        return ("a tab character in the indentation".to_owned(), Some(help), position);
    }
    if raw.contains("unknown escape") {
        let current = line_text(line);
        let escape = current
            .char_indices()
            .skip(column)
            .find(|&(i, c)| {
                c == '\\'
                    && !current[i + 1..]
                        .starts_with(['\\', '"', 'n', 't', 'r', '0', 'u', 'x', '/', ' '])
            })
            .map(|(i, _)| {
                (current[..i].chars().count() + 1, current[i..].chars().take(2).collect::<String>())
            });
        let (column, shown) = escape.unwrap_or((column, String::from("\\")));
        return (
            format!("unknown escape `{shown}` in a double-quoted string"),
            Some(
                "write `\\\\` for a backslash, or use single quotes, where backslashes are literal"
                    .to_owned(),
            ),
            at(line, column, shown.len()),
        );
    }
    if raw.contains("unknown anchor") {
        let current = line_text(line);
        let name: String = current
            .chars()
            .skip(column.saturating_sub(1))
            .skip_while(|c| *c == '*')
            .take_while(|c| !c.is_whitespace() && !",]}".contains(*c))
            .collect();
        return (
            format!("alias `*{name}` refers to no anchor"),
            Some(format!("define the value once with `&{name}` before using `*{name}`")),
            at(line, column, name.len() + 1),
        );
    }
    if raw.contains("multiple YAML documents") {
        let marker =
            text.lines().take(line).collect::<Vec<_>>().iter().rposition(|l| l.starts_with("---"));
        let position = marker.map_or_else(|| at(line, column, 1), |n| at(n + 1, 1, 3));
        return (
            "more than one YAML document in the file".to_owned(),
            Some(
                "a model file holds one document: move the second into a file of its own"
                    .to_owned(),
            ),
            position,
        );
    }
    if raw.starts_with("duplicate mapping key") {
        return (
            message,
            Some("a key may appear once per mapping: merge or remove the repeated key".to_owned()),
            at(line, column, 1),
        );
    }
    let help = if raw.contains("did not find expected key")
        || raw.contains("mapping values are not allowed")
    {
        Some("check the indentation: the keys of one mapping start in the same column".to_owned())
    } else if raw.contains("unclosed bracket") || raw.contains("did not find expected ',' or") {
        Some(
            "close the bracket, or write the collection in block style, one item per line"
                .to_owned(),
        )
    } else {
        None
    };
    (message, help, at(line, column, 1))
}

/// Rewrites parser messages into platc's voice: no library advice, no position
/// (the diagnostic carries it).
fn clean_yaml_message(raw: &str) -> String {
    let without_position = match raw.rfind(" at line ") {
        Some(cut) => &raw[..cut],
        None => raw,
    };
    if let Some(rest) = without_position.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(", set DuplicateKeyPolicy").next().unwrap_or(rest);
        return format!("duplicate key `{key}`");
    }
    let mut message = without_position.trim().to_owned();
    if let Some(first) = message.get(..1) {
        message = first.to_lowercase() + &message[1..];
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Node {
        parse_yaml(text).unwrap()
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
