//! Positions in source text and JSON pointers into documents: the
//! vocabulary that the located tree ([`source`](crate::source)) and
//! diagnostics ([`diagnostic`](crate::diagnostic)) share, so neither needs
//! the other to say where a problem is.

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
