//! Editing an environment file in place: setting image tags under
//! `images.tags` while every comment, blank line, key order and quoting style
//! stays as the user wrote it.
//!
//! The editor works on a file's text and its located tree ([`SourceFile`]) and
//! returns new text; it reads and writes nothing. It changes only the bytes of
//! a tag scalar, or inserts whole lines where a tag is missing, and then
//! parses the result to prove that nothing but the tags changed.
//!
//! It knows nothing about which tags *should* be set: choosing them (as
//! `platc promote` does) is the caller's business.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::ops::Range;

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::names::{ImageTag, ServiceName};
use crate::source::{Key, Node, NodeValue, SourceFile, parse_yaml};

/// What happened to one service's tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagEdit {
    /// `images.tags` already named this tag; nothing changed.
    Unchanged,
    /// The tag scalar was rewritten; this is the tag it held before.
    Replaced(String),
    /// A new entry was added under `images.tags`.
    Added,
}

/// The edited text and what happened to each service, in the order asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    /// The whole file's new text.
    pub text: String,
    /// Every service asked for, once, with what happened to its tag.
    pub edits: Vec<(ServiceName, TagEdit)>,
}

impl Edited {
    /// Whether the text differs from the original.
    #[must_use]
    pub fn changed(&self) -> bool {
        self.edits.iter().any(|(_, edit)| *edit != TagEdit::Unchanged)
    }
}

/// Sets `images.tags.<service>` to each tag in `tags` in the environment file
/// `file`, editing its text in place.
///
/// An existing tag keeps its quoting style (double, single or plain; a plain
/// tag that YAML would read as something other than a string is double
/// quoted). A missing one is added as `<service>: "<tag>"` after the last
/// entry of `images.tags`, indented like its siblings, in the order of
/// `tags`; missing `tags:` and `images:` blocks are added too. Flow-style
/// mappings (`tags: {api: "1.0"}`) are refused: they cannot be edited without
/// rewriting the user's layout.
pub fn set_image_tags(
    file: &SourceFile,
    tags: &[(ServiceName, ImageTag)],
) -> Result<Edited, Diagnostic> {
    let Some(root) = file.root() else {
        return Err(Diagnostic::error(
            Code::SpecEditUnparsed,
            "the file did not parse, so it cannot be edited",
        )
        .in_file(file.display_path(), None));
    };
    let mut editor = Editor::new(file);
    let mut seen = BTreeSet::new();
    let tags: Vec<&(ServiceName, ImageTag)> =
        tags.iter().filter(|(service, _)| seen.insert(service)).collect();
    let edits = editor.plan(root, &tags)?;
    let text = editor.apply();
    verify(file, root, &text, &tags)?;
    Ok(Edited { text, edits })
}

/// The text being edited and the edits planned on it, as byte ranges of the
/// original text and their replacements.
struct Editor<'a> {
    file: &'a SourceFile,
    text: &'a str,
    newline: &'static str,
    replacements: Vec<(Range<usize>, String)>,
}

impl<'a> Editor<'a> {
    fn new(file: &'a SourceFile) -> Self {
        let text = file.text.as_str();
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        Self { file, text, newline, replacements: Vec::new() }
    }

    /// Plans the replacements and insertions for every tag.
    fn plan(
        &mut self,
        root: &Node,
        tags: &[&(ServiceName, ImageTag)],
    ) -> Result<Vec<(ServiceName, TagEdit)>, Diagnostic> {
        let NodeValue::Map(top) = &root.value else {
            return Err(self.error(Code::SpecEditNotMapping, "the file is not a mapping", root));
        };
        self.refuse_flow(root, "the file")?;
        let step = indent_step(top);
        let added = |edits: &mut Vec<(ServiceName, TagEdit)>| {
            for (service, _) in tags {
                edits.push((service.clone(), TagEdit::Added));
            }
        };
        let mut edits = Vec::new();
        let Some((images_key, images)) = entry(top, "images") else {
            // No `images:` at all: a new block at the end of the file.
            let mut lines =
                format!("images:{}{}tags:{}", self.newline, " ".repeat(step), self.newline);
            lines.push_str(&self.entry_lines(tags, 2 * step));
            self.insert_at_end(&lines);
            added(&mut edits);
            return Ok(edits);
        };
        let images_entries = match &images.value {
            NodeValue::Map(entries) => {
                self.refuse_flow(images, "`images`")?;
                entries
            }
            NodeValue::Null if self.is_bare_key(images_key) => {
                let lines = format!("{}tags:{}", indent(images_key, step), self.newline)
                    + &self.entry_lines(tags, column(images_key) + 2 * step);
                self.insert_after_line(images_key.position.offset, &lines);
                added(&mut edits);
                return Ok(edits);
            }
            _ => {
                return Err(self.error(
                    Code::SpecEditNotMapping,
                    "`images` is not a mapping of settings",
                    images,
                ));
            }
        };
        let Some((tags_key, tags_node)) = entry(images_entries, "tags") else {
            // `images:` without `tags:`: a `tags:` block after its last entry,
            // indented like the entries of `images`.
            let child =
                images_entries.first().map_or(column(images_key) + step, |(k, _)| column(k));
            let nested = match child.saturating_sub(column(images_key)) {
                0 => step,
                nested => nested,
            };
            let lines = format!("{}tags:{}", " ".repeat(child), self.newline)
                + &self.entry_lines(tags, child + nested);
            self.insert_after_line(end_of(images), &lines);
            added(&mut edits);
            return Ok(edits);
        };
        let existing = match &tags_node.value {
            NodeValue::Map(entries) => {
                self.refuse_flow(tags_node, "`images.tags`")?;
                entries.as_slice()
            }
            NodeValue::Null if self.is_bare_key(tags_key) => &[],
            _ => {
                return Err(self.error(
                    Code::SpecEditNotMapping,
                    "`images.tags` is not a mapping of service names to tags",
                    tags_node,
                ));
            }
        };
        let mut missing = Vec::new();
        for &pair in tags {
            let (service, tag) = pair;
            if let Some((_, value)) = entry(existing, service.as_str()) {
                let edit = self.replace_scalar(service, value, tag)?;
                edits.push((service.clone(), edit));
            } else {
                missing.push(pair);
                edits.push((service.clone(), TagEdit::Added));
            }
        }
        if !missing.is_empty() {
            let (column, after) = match existing.first() {
                Some((first, _)) => (column(first), end_of(tags_node)),
                None => (column(tags_key) + step, tags_key.position.offset),
            };
            let lines = self.entry_lines(&missing, column);
            self.insert_after_line(after, &lines);
        }
        Ok(edits)
    }

    /// Rewrites one tag scalar in its own quoting style.
    fn replace_scalar(
        &mut self,
        service: &ServiceName,
        value: &Node,
        tag: &ImageTag,
    ) -> Result<TagEdit, Diagnostic> {
        let NodeValue::String(old) = &value.value else {
            return Err(self.error(
                Code::SpecEditNotScalar,
                format!("the tag of `{service}` is not a string"),
                value,
            ));
        };
        let range = value.position.offset..value.position.offset + value.position.len;
        let written = self.text.get(range.clone()).unwrap_or_default();
        let new = tag.as_str();
        // The span must hold exactly the scalar as written; anything else
        // (an alias, an explicit tag, escapes) is not safe to rewrite.
        let replacement = if written == format!("\"{old}\"") {
            format!("\"{new}\"")
        } else if written == format!("'{old}'") {
            format!("'{new}'")
        } else if written == old {
            if reads_back_as_string(new) { new.to_owned() } else { format!("\"{new}\"") }
        } else {
            return Err(self
                .error(
                    Code::SpecEditUnsupportedScalar,
                    format!(
                        "the tag of `{service}` is written in a form platc cannot edit in place"
                    ),
                    value,
                )
                .with_help("write the tag as a plain or quoted string, such as `\"1.4.2\"`"));
        };
        if old == new {
            return Ok(TagEdit::Unchanged);
        }
        self.replacements.push((range, replacement));
        Ok(TagEdit::Replaced(old.clone()))
    }

    /// `<indent><service>: "<tag>"` lines, one per tag.
    fn entry_lines(&self, tags: &[&(ServiceName, ImageTag)], column: usize) -> String {
        let mut out = String::new();
        for (service, tag) in tags {
            let _ = write!(out, "{}{service}: \"{tag}\"{}", " ".repeat(column), self.newline);
        }
        out
    }

    /// Inserts whole lines after the line holding byte `offset`.
    fn insert_after_line(&mut self, offset: usize, lines: &str) {
        match self.text[offset..].find('\n') {
            Some(i) => {
                let at = offset + i + 1;
                self.replacements.push((at..at, lines.to_owned()));
            }
            None => self.insert_at_end(lines),
        }
    }

    /// Appends whole lines, after a line break if the file does not end in one.
    fn insert_at_end(&mut self, lines: &str) {
        let end = self.text.len();
        let separator =
            if self.text.is_empty() || self.text.ends_with('\n') { "" } else { self.newline };
        self.replacements.push((end..end, format!("{separator}{lines}")));
    }

    /// Whether a key's line holds nothing after its colon but a comment.
    fn is_bare_key(&self, key: &Key) -> bool {
        let rest = &self.text[key.position.offset + key.position.len..];
        let line = rest.split('\n').next().unwrap_or_default().trim_end_matches('\r');
        line.trim_start().strip_prefix(':').is_some_and(|after| {
            let after = after.trim();
            after.is_empty() || after.starts_with('#')
        })
    }

    /// Refuses a mapping written in flow style (`{a: 1}`).
    fn refuse_flow(&self, node: &Node, what: &str) -> Result<(), Diagnostic> {
        if self.text[node.position.offset..].starts_with('{') {
            return Err(self
                .error(
                    Code::SpecEditFlowStyle,
                    format!("{what} is written in flow style (`{{...}}`), which platc cannot edit in place"),
                    node,
                )
                .with_help("write it in block style, one `key: value` per line, and run the command again"));
        }
        Ok(())
    }

    fn error(&self, code: Code, message: impl Into<String>, node: &Node) -> Diagnostic {
        Diagnostic::error(code, message).in_file(self.file.display_path(), Some(node.position))
    }

    /// The text with every planned edit applied.
    fn apply(&mut self) -> String {
        // Replacements never overlap; insertions at the same place keep the
        // order they were planned in.
        self.replacements.sort_by_key(|(range, _)| range.start);
        let mut out = String::with_capacity(self.text.len() + 64);
        let mut at = 0;
        for (range, replacement) in &self.replacements {
            out.push_str(&self.text[at..range.start]);
            out.push_str(replacement);
            at = range.end;
        }
        out.push_str(&self.text[at..]);
        out
    }
}

/// The entry called `name` of a mapping.
fn entry<'n>(entries: &'n [(Key, Node)], name: &str) -> Option<(&'n Key, &'n Node)> {
    entries.iter().find(|(k, _)| k.name == name).map(|(k, v)| (k, v))
}

/// A key's indentation: its 0-based column (indentation is spaces only).
fn column(key: &Key) -> usize {
    key.position.column.saturating_sub(1)
}

fn indent(key: &Key, step: usize) -> String {
    " ".repeat(column(key) + step)
}

/// How far the file indents a nested mapping, from its first top-level block
/// mapping; two spaces when it has none.
fn indent_step(top: &[(Key, Node)]) -> usize {
    top.iter()
        .find_map(|(key, value)| match &value.value {
            NodeValue::Map(entries) => entries
                .first()
                .filter(|(child, _)| child.position.line > key.position.line)
                .map(|(child, _)| column(child).saturating_sub(column(key))),
            _ => None,
        })
        .filter(|&step| step > 0)
        .unwrap_or(2)
}

/// The byte just past the last thing written in a node: its last key or value.
fn end_of(node: &Node) -> usize {
    let own = node.position.offset + node.position.len;
    match &node.value {
        NodeValue::Map(entries) => entries
            .iter()
            .map(|(k, v)| end_of(v).max(k.position.offset + k.position.len))
            .fold(own, usize::max),
        NodeValue::Seq(items) => items.iter().map(end_of).fold(own, usize::max),
        _ => own,
    }
}

/// Whether `value`, written as a plain scalar, reads back as the same string
/// under both YAML 1.2 and YAML 1.1 (which many tools still use): not a
/// boolean, null, number or date. `1.4.2` and `v2` do; `1.10`, `2024`, `yes`
/// and `2026-11-03` do not.
#[must_use]
pub fn reads_back_as_string(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "" | "~" | "null" | "y" | "yes" | "n" | "no" | "true" | "false" | "on" | "off"
    ) {
        return false;
    }
    let body = value.strip_prefix(['+', '-']).unwrap_or(value);
    !(is_integer(body) || is_float(body) || is_date(body) || body.starts_with('.'))
}

fn is_integer(s: &str) -> bool {
    let digits =
        |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c == '_' || c.is_digit(radix));
    let lower = s.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("0x") {
        return digits(hex, 16);
    }
    if let Some(octal) = lower.strip_prefix("0o") {
        return digits(octal, 8);
    }
    if let Some(binary) = lower.strip_prefix("0b") {
        return digits(binary, 2);
    }
    s.starts_with(|c: char| c.is_ascii_digit()) && digits(s, 10)
}

fn is_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa_ok = mantissa.chars().any(|c| c.is_ascii_digit())
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '_' || c == '.')
        && mantissa.matches('.').count() <= 1;
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// `2026-11-03`: a timestamp in YAML 1.1.
fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    matches!(parts.as_slice(), [y, m, d]
        if y.len() == 4 && (1..=2).contains(&m.len()) && (1..=2).contains(&d.len())
            && [y, m, d].iter().all(|p| p.chars().all(|c| c.is_ascii_digit())))
}

/// Parses the edited text and checks that it holds the same document with
/// only the tags set: anything else is a bug in the editor, reported rather
/// than written.
fn verify(
    file: &SourceFile,
    root: &Node,
    text: &str,
    tags: &[&(ServiceName, ImageTag)],
) -> Result<(), Diagnostic> {
    let bug = |what: String| {
        Diagnostic::error(Code::SpecEditFailed, format!("editing the image tags {what}"))
            .with_help("this is a bug in platc; the file was left as it was")
            .in_file(file.display_path(), None)
    };
    let edited = parse_yaml(text).map_err(|d| {
        let at = d.location.and_then(|l| l.position).unwrap_or_default();
        bug(format!("produced invalid YAML ({} at line {})", d.message, at.line))
    })?;
    let mut expected = root.to_json();
    for (service, tag) in tags {
        let images = expected
            .as_object_mut()
            .map(|top| top.entry("images").or_insert_with(|| serde_json::json!({})));
        let tags = images.and_then(|images| {
            if images.is_null() {
                *images = serde_json::json!({});
            }
            let tags =
                images.as_object_mut()?.entry("tags").or_insert_with(|| serde_json::json!({}));
            if tags.is_null() {
                *tags = serde_json::json!({});
            }
            tags.as_object_mut()
        });
        if let Some(tags) = tags {
            tags.insert(service.to_string(), serde_json::Value::String(tag.to_string()));
        }
    }
    if edited.to_json() == expected {
        Ok(())
    } else {
        Err(bug("changed more than the tags".to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn file(text: &str) -> SourceFile {
        let root = parse_yaml(text).expect("test input parses");
        SourceFile::with_root(
            PathBuf::from("environments/production.yaml"),
            text.to_owned(),
            Some(root),
        )
    }

    fn tags(pairs: &[(&str, &str)]) -> Vec<(ServiceName, ImageTag)> {
        pairs
            .iter()
            .map(|(s, t)| (ServiceName::new(*s).unwrap(), ImageTag::new(*t).unwrap()))
            .collect()
    }

    fn edit(text: &str, pairs: &[(&str, &str)]) -> Result<Edited, Diagnostic> {
        set_image_tags(&file(text), &tags(pairs))
    }

    fn edited(text: &str, pairs: &[(&str, &str)]) -> String {
        edit(text, pairs).unwrap().text
    }

    const HEAD: &str = "name: production\ndomain: shop.example.com\ncluster: eks\n";

    #[test]
    fn replaces_in_every_quoting_style() {
        let text = format!(
            "{HEAD}images:\n  tags:\n    api: \"1.4.2\"   # pinned\n    web: '1.4.2'\n    mailer: 1.4.2 # plain\n"
        );
        let result =
            edit(&text, &[("api", "1.5.0"), ("web", "1.5.0"), ("mailer", "1.5.0")]).unwrap();
        assert_eq!(
            result.text,
            format!(
                "{HEAD}images:\n  tags:\n    api: \"1.5.0\"   # pinned\n    web: '1.5.0'\n    mailer: 1.5.0 # plain\n"
            )
        );
        assert_eq!(result.edits[0].1, TagEdit::Replaced("1.4.2".to_owned()));
    }

    #[test]
    fn quotes_a_plain_tag_that_would_read_as_something_else() {
        let text = format!("{HEAD}images:\n  tags:\n    api: v1\n    web: v1\n");
        assert_eq!(
            edited(&text, &[("api", "1.10"), ("web", "2026-11-03")]),
            format!("{HEAD}images:\n  tags:\n    api: \"1.10\"\n    web: \"2026-11-03\"\n")
        );
    }

    #[test]
    fn plain_strings_that_read_back_as_strings() {
        for plain in
            ["1.4.2", "2026.11.3", "v1.10", "latest", "1.27.3-alpine", "1e5-alpine", "sha-0a1b"]
        {
            assert!(reads_back_as_string(plain), "{plain}");
        }
        for quoted in [
            "1.10",
            "2024",
            "1_000",
            "0x1F",
            "0o17",
            "1e3",
            "yes",
            "No",
            "ON",
            "null",
            "2026-11-03",
        ] {
            assert!(!reads_back_as_string(quoted), "{quoted}");
        }
    }

    #[test]
    fn an_equal_tag_changes_nothing() {
        let text = format!("{HEAD}images:\n  tags:\n    api: \"1.4.2\"\n");
        let result = edit(&text, &[("api", "1.4.2")]).unwrap();
        assert_eq!(result.text, text);
        assert_eq!(result.edits, [(ServiceName::new("api").unwrap(), TagEdit::Unchanged)]);
        assert!(!result.changed());
    }

    #[test]
    fn adds_under_existing_tags_after_the_last_entry() {
        let text = format!(
            "{HEAD}images:\n   defaultTag: \"1.0\"\n   tags:\n       api: \"1.4.2\"  # pinned\n       # web is next\n\noverrides: {{}}\n"
        );
        let result = edit(&text, &[("worker", "2.0"), ("api", "1.4.3"), ("auth", "3.0")]).unwrap();
        assert_eq!(
            result.text,
            format!(
                "{HEAD}images:\n   defaultTag: \"1.0\"\n   tags:\n       api: \"1.4.3\"  # pinned\n       worker: \"2.0\"\n       auth: \"3.0\"\n       # web is next\n\noverrides: {{}}\n"
            ),
            "added in the order given, indented like the siblings"
        );
        let kinds: Vec<&TagEdit> = result.edits.iter().map(|(_, e)| e).collect();
        assert_eq!(
            kinds,
            [&TagEdit::Added, &TagEdit::Replaced("1.4.2".to_owned()), &TagEdit::Added]
        );
    }

    #[test]
    fn adds_a_tags_block_under_existing_images() {
        let text = format!(
            "{HEAD}images:\n    # the train\n    defaultTag: \"1.0\" # weekly\n\n# overrides\noverrides: {{}}\n"
        );
        assert_eq!(
            edited(&text, &[("api", "1.4.3")]),
            format!(
                "{HEAD}images:\n    # the train\n    defaultTag: \"1.0\" # weekly\n    tags:\n        api: \"1.4.3\"\n\n# overrides\noverrides: {{}}\n"
            )
        );
    }

    #[test]
    fn fills_empty_images_and_tags_keys() {
        let text = format!("{HEAD}images:   # soon\noverrides: {{}}\n");
        assert_eq!(
            edited(&text, &[("api", "1.4.3")]),
            format!("{HEAD}images:   # soon\n  tags:\n    api: \"1.4.3\"\noverrides: {{}}\n")
        );
        let text = format!("{HEAD}images:\n  defaultTag: \"1.0\"\n  tags:\noverrides: {{}}\n");
        assert_eq!(
            edited(&text, &[("api", "1.4.3")]),
            format!(
                "{HEAD}images:\n  defaultTag: \"1.0\"\n  tags:\n    api: \"1.4.3\"\noverrides: {{}}\n"
            )
        );
    }

    #[test]
    fn adds_an_images_block_at_the_end() {
        let text = format!("{HEAD}overrides:\n    api:\n        replicas: 4\n# the end");
        assert_eq!(
            edited(&text, &[("api", "1.4.3"), ("auth", "2.0")]),
            format!(
                "{HEAD}overrides:\n    api:\n        replicas: 4\n# the end\nimages:\n    tags:\n        api: \"1.4.3\"\n        auth: \"2.0\"\n"
            ),
            "indented by the file's own step, after a missing final line break"
        );
    }

    #[test]
    fn keeps_windows_line_endings() {
        let text = "name: production\r\nimages:\r\n  tags:\r\n    api: \"1.0\"\r\n";
        assert_eq!(
            edited(text, &[("api", "1.1"), ("web", "2.0")]),
            "name: production\r\nimages:\r\n  tags:\r\n    api: \"1.1\"\r\n    web: \"2.0\"\r\n"
        );
    }

    #[test]
    fn refuses_flow_style() {
        let text = format!("{HEAD}images:\n  tags: {{api: \"1.0\"}}\n");
        let error = edit(&text, &[("api", "1.1")]).unwrap_err();
        assert_eq!(error.code, Code::SpecEditFlowStyle);
        assert!(
            error.message.starts_with("`images.tags` is written in flow style"),
            "{}",
            error.message
        );
        let position = error.location.unwrap().position.unwrap();
        assert_eq!((position.line, position.column), (5, 9));

        let text = format!("{HEAD}images: {{defaultTag: \"1.0\"}}\n");
        assert_eq!(edit(&text, &[("api", "1.1")]).unwrap_err().code, Code::SpecEditFlowStyle);
    }

    #[test]
    fn refuses_aliases() {
        let text =
            format!("{HEAD}images:\n  defaultTag: &train \"1.0\"\n  tags:\n    api: *train\n");
        let error = edit(&text, &[("api", "1.1")]).unwrap_err();
        assert_eq!(error.code, Code::SpecEditUnsupportedScalar);
    }

    #[test]
    fn an_edit_that_would_not_read_back_is_refused() {
        // After a document end marker, an appended block would start a second
        // document: the check after editing catches it.
        let text = format!("{HEAD}...\n");
        let error = edit(&text, &[("api", "1.1")]).unwrap_err();
        assert_eq!(error.code, Code::SpecEditFailed);
    }
}
