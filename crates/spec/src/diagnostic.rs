//! Diagnostics: every problem platc finds in the input or the output, with a
//! stable code, a severity, where it is and how to fix it.
//!
//! Stages report problems against the model (a file and a JSON pointer into
//! it); [`Sources::locate`](crate::Sources::locate) later adds the line and
//! column. Rendering produces text; printing is the caller's business.

use std::fmt::{self, Write as _};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::code::Code;
pub use crate::code::Severity;
use crate::names::{EnvName, ServiceName, TypeName};
use crate::position::{Position, key_path};

/// The model file a diagnostic is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// `platform.yaml`.
    Platform,
    /// `services/<name>.yaml`.
    Service(ServiceName),
    /// `environments/<name>.yaml`.
    Environment(EnvName),
    /// `types/<name>.yaml`.
    Type(TypeName),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Platform => f.write_str("platform settings"),
            Self::Service(name) => write!(f, "service `{name}`"),
            Self::Environment(name) => write!(f, "environment `{name}`"),
            Self::Type(name) => write!(f, "infrastructure type `{name}`"),
        }
    }
}

/// Where in a source file a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, as shown to the user.
    pub file: String,
    /// The position, when known.
    pub position: Option<Position>,
}

/// One more place a problem occurs: a diagnostic reports its cause once and
/// lists every place it affects (see [`merge_repeated`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The model file, when the place is in the input.
    pub origin: Option<Origin>,
    /// A JSON pointer to the value within that file.
    pub pointer: Option<String>,
    /// Whether to point at the key rather than its value.
    pub at_key: bool,
    /// The rendered object, when the place is in the output.
    pub object: Option<String>,
    /// File, line and column, once known.
    pub location: Option<Location>,
}

impl Place {
    /// `file:line:column`, `file`, or the object, whichever is known.
    #[must_use]
    pub fn describe(&self) -> Option<String> {
        describe_place(self.location.as_ref(), self.object.as_ref(), self.origin.as_ref())
    }
}

/// How many places a note lists before it only counts the rest.
pub const PLACES_SHOWN: usize = 5;

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem it is, shown as `spec::unknown_field`.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one lowercase sentence without a trailing period.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The model file the problem is in, when it comes from the input.
    pub origin: Option<Origin>,
    /// A JSON pointer to the offending value within that file.
    pub pointer: Option<String>,
    /// Whether to point at the key rather than its value.
    pub at_key: bool,
    /// The rendered object the problem is in, when it comes from the output
    /// (`Deployment shop/api`).
    pub object: Option<String>,
    /// File, line and column, once known.
    pub location: Option<Location>,
    /// The other places the same cause shows up, beyond the first one above.
    pub also: Vec<Place>,
}

impl Diagnostic {
    /// An error with a code and a message.
    #[must_use]
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// A warning with a code and a message.
    #[must_use]
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    /// A note for reviewers with a code and a message.
    #[must_use]
    pub fn note(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Note, code, message)
    }

    fn new(severity: Severity, code: Code, message: impl Into<String>) -> Self {
        debug_assert!(
            code.severities().contains(&severity),
            "{code} is documented as {:?}, not as {severity:?}",
            code.severities()
        );
        Self {
            code,
            severity,
            message: message.into(),
            help: None,
            origin: None,
            pointer: None,
            at_key: false,
            object: None,
            location: None,
            also: Vec::new(),
        }
    }

    /// Points the diagnostic at a value in a model file.
    #[must_use]
    pub fn at(mut self, origin: Origin, pointer: impl Into<String>) -> Self {
        self.origin = Some(origin);
        self.pointer = Some(pointer.into());
        self
    }

    /// Adds another place in a model file the same cause affects.
    #[must_use]
    pub fn also_at(mut self, origin: Origin, pointer: impl Into<String>) -> Self {
        self.also.push(Place {
            origin: Some(origin),
            pointer: Some(pointer.into()),
            at_key: false,
            object: None,
            location: None,
        });
        self
    }

    /// How many places the diagnostic reports: its own and the others.
    #[must_use]
    pub fn place_count(&self) -> usize {
        1 + self.also.len()
    }

    /// The diagnostic's own place, as one of [`Self::also`] would hold it.
    fn own_place(&self) -> Place {
        Place {
            origin: self.origin.clone(),
            pointer: self.pointer.clone(),
            at_key: self.at_key,
            object: self.object.clone(),
            location: self.location.clone(),
        }
    }

    /// A sentence naming the other places: the first few and how many more.
    #[must_use]
    pub fn also_note(&self) -> Option<String> {
        if self.also.is_empty() {
            return None;
        }
        let shown: Vec<String> =
            self.also.iter().take(PLACES_SHOWN).filter_map(Place::describe).collect();
        let rest = self.also.len() - shown.len();
        let mut note = format!("also at {} more place(s): {}", self.also.len(), shown.join(", "));
        if rest > 0 {
            let _ = write!(note, ", and {rest} more");
        }
        Some(note)
    }

    /// Points the diagnostic at the key of the value rather than the value.
    #[must_use]
    pub fn on_key(mut self) -> Self {
        self.at_key = true;
        self
    }

    /// Adds a hint on how to fix the problem.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Names the rendered object the problem is in.
    #[must_use]
    pub fn in_object(mut self, object: impl Into<String>) -> Self {
        self.object = Some(object.into());
        self
    }

    /// Sets the file and position directly.
    #[must_use]
    pub fn in_file(mut self, file: impl Into<String>, position: Option<Position>) -> Self {
        self.location = Some(Location { file: file.into(), position });
        self
    }

    /// Whether this is an error.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The key path users read (`routes[0].host`), when the diagnostic has a pointer.
    #[must_use]
    pub fn key(&self) -> Option<String> {
        self.pointer.as_deref().map(key_path).filter(|k| !k.is_empty())
    }

    /// The key path, unless the message already names it.
    fn key_note(&self) -> Option<String> {
        self.key()
            .filter(|key| !self.message.contains(&format!("`{key}`")))
            .map(|key| format!(" (at `{key}`)"))
    }

    /// `file:line:column`, `file`, or the object, whichever is known.
    #[must_use]
    pub fn place(&self) -> Option<String> {
        describe_place(self.location.as_ref(), self.object.as_ref(), self.origin.as_ref())
    }

    /// One line: `services/api.yaml:5:1: error[spec::unknown_field]: unknown field ...`.
    #[must_use]
    pub fn short(&self) -> String {
        let mut line = String::new();
        if let Some(place) = self.place() {
            line.push_str(&place);
            line.push_str(": ");
        }
        let _ = write!(line, "{}[{}]: {}", self.severity.as_str(), self.code, self.message);
        if let Some(note) = self.key_note() {
            line.push_str(&note);
        }
        if !self.also.is_empty() {
            let _ = write!(line, " (and {} more place(s))", self.also.len());
        }
        if let Some(help) = &self.help {
            let _ = write!(line, "; help: {help}");
        }
        line
    }

    /// The full report with a snippet of `source`, the text of the file the
    /// diagnostic is located in, in the style of rustc.
    #[must_use]
    pub fn render(&self, source: Option<&str>, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let mut title_text = self.message.clone();
        if let Some(note) = self.key_note() {
            title_text.push_str(&note);
        }
        let mut group = Group::with_title(
            level.clone().primary_title(title_text.as_str()).id(self.code.as_str()),
        );
        let snippet = self.snippet(source);
        if let Some((text, range, path, line_start)) = &snippet {
            group = group.element(
                Snippet::source(text.as_str())
                    .path(path.as_str())
                    .line_start(*line_start)
                    .annotation(AnnotationKind::Primary.span(range.clone())),
            );
        } else if let Some(place) = self.place() {
            group = group.element(Level::NOTE.message(format!("in {place}")));
        }
        if let (Some(object), Some(_)) = (&self.object, &self.location) {
            group = group.element(Level::NOTE.message(format!("in {object}")));
        }
        let also = self.also_note();
        if let Some(also) = &also {
            group = group.element(Level::NOTE.message(also.as_str()));
        }
        let mut report = vec![group];
        if let Some(help) = &self.help {
            report.push(Group::with_title(Level::HELP.secondary_title(help.as_str())));
        }
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        renderer.render(&report)
    }

    /// The line of the position and the byte range to underline in it. The
    /// line and column are the truth; the byte offset is recomputed from them.
    fn snippet(
        &self,
        source: Option<&str>,
    ) -> Option<(String, std::ops::Range<usize>, String, usize)> {
        let location = self.location.as_ref()?;
        let position = location.position?;
        let text = source?;
        let at = Position::in_text(text, position.line, position.column, position.len);
        let line_start =
            at.offset - text[..at.offset].rfind('\n').map_or(at.offset, |i| at.offset - i - 1);
        let line_end = text[at.offset..].find('\n').map_or(text.len(), |i| at.offset + i);
        let start = at.offset - line_start;
        let width = line_end - at.offset;
        let len = position.len.clamp(usize::from(width > 0), width);
        // A length counted in another text (the bytes before a lossy
        // conversion, a parser's span) may end inside a character here.
        let end =
            (at.offset + len..=line_end).find(|&i| text.is_char_boundary(i)).unwrap_or(line_end);
        Some((
            text[line_start..line_end].to_owned(),
            start..end - line_start,
            location.file.clone(),
            position.line,
        ))
    }
}

/// `file:line:column`, `file`, the object or the model file, whichever is known.
fn describe_place(
    location: Option<&Location>,
    object: Option<&String>,
    origin: Option<&Origin>,
) -> Option<String> {
    match location {
        Some(Location { file, position: Some(p) }) => {
            Some(format!("{file}:{}:{}", p.line, p.column))
        }
        Some(Location { file, position: None }) => Some(file.clone()),
        None => object.cloned().or_else(|| origin.map(ToString::to_string)),
    }
}

/// Reports each cause once: diagnostics with the same code, severity,
/// message and help become one, the first in order, which lists the places
/// of the others in [`Diagnostic::also`]. A place reported twice is kept
/// once. The order of the first occurrences is kept.
#[must_use]
pub fn merge_repeated(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    // Looked up only; the output keeps the input's order.
    let mut index: std::collections::HashMap<(Code, Severity, String, Option<String>), usize> =
        std::collections::HashMap::new();
    let mut merged: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    for diagnostic in diagnostics {
        let key = (
            diagnostic.code,
            diagnostic.severity,
            diagnostic.message.clone(),
            diagnostic.help.clone(),
        );
        if let Some(&at) = index.get(&key) {
            let first = &mut merged[at];
            let mut places = vec![diagnostic.own_place()];
            places.extend(diagnostic.also);
            for place in places {
                if place != first.own_place() && !first.also.contains(&place) {
                    first.also.push(place);
                }
            }
        } else {
            index.insert(key, merged.len());
            merged.push(diagnostic);
        }
    }
    merged
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.short())
    }
}

impl std::error::Error for Diagnostic {}

/// The diagnostics of a run that failed: at least one of them is an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} error(s) in the platform{}", self.error_count(), self.first_error().map(|d| format!(", first: {d}")).unwrap_or_default())]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// How many of the diagnostics are errors.
    #[must_use]
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// The first error, for a one-line summary.
    #[must_use]
    pub fn first_error(&self) -> Option<&Diagnostic> {
        self.0.iter().find(|d| d.is_error())
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(diagnostics: Vec<Diagnostic>) -> Self {
        Self(diagnostics)
    }
}

/// The closest candidate to `input` among `candidates`, when it is close enough
/// to be a plausible typo.
#[must_use]
pub fn suggest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input_lower = input.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&input_lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let fields = ["name", "replicas", "resources", "routes"];
        assert_eq!(suggest("replcas", fields), Some("replicas"));
        assert_eq!(suggest("Replicas", fields), Some("replicas"));
        assert_eq!(suggest("routs", fields), Some("routes"));
        assert_eq!(suggest("xyz", fields), None);
    }

    fn at_line(file: &str, line: usize) -> Diagnostic {
        Diagnostic::warning(Code::CheckMissingProbe, "same cause")
            .with_help("same fix")
            .in_file(file, Some(Position { line, column: 1, offset: 0, len: 1 }))
    }

    #[test]
    fn repeated_causes_merge_into_one_with_every_place() {
        let other = Diagnostic::warning(Code::CheckMissingProbe, "another cause");
        let merged = merge_repeated(vec![
            at_line("a.yaml", 1),
            other.clone(),
            at_line("b.yaml", 2),
            at_line("a.yaml", 1),
            at_line("c.yaml", 3),
        ]);
        assert_eq!(merged.len(), 2, "{merged:#?}");
        assert_eq!(merged[1], other);
        let first = &merged[0];
        assert_eq!(first.place(), Some("a.yaml:1:1".to_owned()));
        let also: Vec<Option<String>> = first.also.iter().map(Place::describe).collect();
        assert_eq!(also, [Some("b.yaml:2:1".to_owned()), Some("c.yaml:3:1".to_owned())]);
        assert_eq!(first.place_count(), 3);
        assert!(first.short().ends_with("same cause (and 2 more place(s)); help: same fix"));
        let rendered = first.render(None, false);
        assert!(rendered.contains("also at 2 more place(s): b.yaml:2:1, c.yaml:3:1"), "{rendered}");
    }

    #[test]
    fn a_long_list_of_places_shows_the_first_few() {
        let merged = merge_repeated((1..=12).map(|line| at_line("a.yaml", line)).collect());
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].also.len(), 11);
        assert_eq!(
            merged[0].also_note().as_deref(),
            Some(
                "also at 11 more place(s): a.yaml:2:1, a.yaml:3:1, a.yaml:4:1, a.yaml:5:1, a.yaml:6:1, and 6 more"
            )
        );
    }

    #[test]
    fn short_form_names_place_code_and_key() {
        let d = Diagnostic::error(Code::SpecUnknownField, "unknown field `replcas`")
            .in_file("services/api.yaml", Some(Position { line: 5, column: 1, offset: 0, len: 7 }))
            .with_help("did you mean `replicas`?");
        assert_eq!(
            d.short(),
            "services/api.yaml:5:1: error[spec::unknown_field]: unknown field `replcas`; help: did you mean `replicas`?"
        );
    }
}
