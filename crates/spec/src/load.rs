//! Loading a platform directory: files → located YAML trees → schema
//! validation → model types, reporting every problem of every file at once.
//!
//! This module is the only place in `spec` that reads files.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Location, Origin};
use crate::model::{Environment, Platform, PlatformSettings, Service};
use crate::names::{EnvName, ServiceName};
use crate::position::Position;
use crate::schema::{self, FileKind};
use crate::source::{Node, NodeValue, SourceFile, display_path, parse_options, parse_yaml};
use crate::validate;

/// The largest model file platc reads; larger files are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The file name of the platform settings.
pub const PLATFORM_FILE: &str = "platform.yaml";
/// The directory of service files.
pub const SERVICES_DIR: &str = "services";
/// The directory of environment files.
pub const ENVIRONMENTS_DIR: &str = "environments";

/// The source files of a loaded platform, for locating and showing diagnostics.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    by_origin: BTreeMap<Origin, usize>,
    files: Vec<SourceFile>,
}

impl Sources {
    /// Keeps a loaded file's source and diagnostics; returns its value.
    fn take<T>(&mut self, file: LoadedFile<T>, diagnostics: &mut Vec<Diagnostic>) -> Option<T> {
        diagnostics.extend(file.diagnostics);
        if let Some(source) = file.source {
            self.add(file.origin, source);
        }
        file.value
    }

    fn add(&mut self, origin: Option<Origin>, file: SourceFile) -> usize {
        self.files.push(file);
        let index = self.files.len() - 1;
        if let Some(origin) = origin {
            self.by_origin.insert(origin, index);
        }
        index
    }

    /// Lets `origin` also name the file at `path`, unless a file already
    /// goes by it: an entity whose `name` differs from its file name is
    /// checked under the name written inside, and its diagnostics belong in
    /// that file.
    fn alias(&mut self, origin: Origin, path: &Path) {
        if let Some(index) = self.files.iter().rposition(|f| f.path == path) {
            self.by_origin.entry(origin).or_insert(index);
        }
    }

    /// The file a model entity was loaded from.
    #[must_use]
    pub fn file(&self, origin: &Origin) -> Option<&SourceFile> {
        self.by_origin.get(origin).map(|&i| &self.files[i])
    }

    /// The file shown as `path` in a diagnostic.
    #[must_use]
    pub fn by_display_path(&self, path: &str) -> Option<&SourceFile> {
        self.files.iter().find(|f| f.display_path() == path)
    }

    /// Adds file, line and column to a diagnostic that names an origin and a pointer,
    /// and to its other places ([`Diagnostic::also`]).
    pub fn locate(&self, diagnostic: &mut Diagnostic) {
        if diagnostic.location.is_none() {
            diagnostic.location = self.location_of(
                diagnostic.origin.as_ref(),
                diagnostic.pointer.as_deref(),
                diagnostic.at_key,
            );
        }
        for place in &mut diagnostic.also {
            if place.location.is_none() {
                place.location =
                    self.location_of(place.origin.as_ref(), place.pointer.as_deref(), place.at_key);
            }
        }
    }

    /// Where a pointer into a model file is, when the file was loaded.
    fn location_of(
        &self,
        origin: Option<&Origin>,
        pointer: Option<&str>,
        at_key: bool,
    ) -> Option<Location> {
        let file = self.file(origin?)?;
        let position = match (file.root(), pointer) {
            (Some(root), Some(pointer)) => Some(root.locate(pointer, at_key)),
            (Some(root), None) => Some(root.position),
            (None, _) => None,
        };
        Some(Location { file: file.display_path(), position })
    }

    /// Locates every diagnostic in place.
    pub fn locate_all(&self, diagnostics: &mut [Diagnostic]) {
        for diagnostic in diagnostics {
            self.locate(diagnostic);
        }
    }

    /// The source a located diagnostic points into, for rendering its snippet.
    #[must_use]
    pub fn source_of(&self, diagnostic: &Diagnostic) -> Option<&SourceFile> {
        diagnostic
            .origin
            .as_ref()
            .and_then(|o| self.file(o))
            .or_else(|| diagnostic.location.as_ref().and_then(|l| self.by_display_path(&l.file)))
    }

    /// Renders diagnostics with snippets, sorted by file and position.
    #[must_use]
    pub fn render(&self, diagnostics: &[Diagnostic], color: bool) -> String {
        let mut out = String::new();
        for diagnostic in diagnostics {
            out.push_str(
                &diagnostic.render(self.source_of(diagnostic).map(|f| f.text.as_str()), color),
            );
            out.push_str("\n\n");
        }
        out
    }
}

/// A platform that loaded and passed validation.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The model.
    pub platform: Platform,
    /// The files it came from.
    pub sources: Sources,
    /// Problems that do not stop compilation.
    pub warnings: Vec<Diagnostic>,
}

/// A platform that did not load: every diagnostic found, with the files read so far.
///
/// As an error it reads as one line (how many errors, and the first); show
/// [`diagnostics`](Self::diagnostics) with [`Sources::render`] for the full
/// report with snippets.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "the platform did not load: {} error(s){}",
    self.error_count(),
    self.first_error().map(|d| format!(", first: {d}")).unwrap_or_default()
)]
pub struct LoadFailure {
    /// The files that were read, for snippets.
    pub sources: Sources,
    /// Every problem, errors first by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadFailure {
    /// How many of the diagnostics are errors.
    #[must_use]
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// The first error, for a one-line summary.
    #[must_use]
    pub fn first_error(&self) -> Option<&Diagnostic> {
        self.diagnostics.iter().find(|d| d.is_error())
    }
}

/// Loads and validates the platform rooted at `root` (the directory holding
/// `platform.yaml`, `services/` and `environments/`).
pub fn load_dir(root: &Path) -> Result<Loaded, LoadFailure> {
    let mut sources = Sources::default();
    let mut diagnostics = Vec::new();

    let services_dir = root.join(SERVICES_DIR);
    let environments_dir = root.join(ENVIRONMENTS_DIR);
    if !environments_dir.is_dir() && !services_dir.is_dir() {
        diagnostics.push(
            Diagnostic::error(
                Code::SpecNotAPlatform,
                format!(
                    "`{}` holds no `services/` or `environments/` directory",
                    display_path(root)
                ),
            )
            .with_help("run platc in a platform repository, or pass its directory with `--root`")
            .in_file(display_path(root), None),
        );
        return Err(LoadFailure { sources, diagnostics });
    }

    let mut platform = Platform::default();
    let platform_path = root.join(PLATFORM_FILE);
    if platform_path.exists() {
        let relative = PathBuf::from(PLATFORM_FILE);
        let file = load_file::<PlatformSettings>(
            &platform_path,
            relative,
            FileKind::Platform,
            Some(Origin::Platform),
        );
        if let Some(settings) = sources.take(file, &mut diagnostics) {
            platform.settings = settings;
        }
    }

    platform.services = load_entities(
        root,
        SERVICES_DIR,
        FileKind::Service,
        |stem| ServiceName::new(stem).ok().map(Origin::Service),
        |service: &Service| service.name.as_str(),
        &mut sources,
        &mut diagnostics,
    );
    platform.environments = load_entities(
        root,
        ENVIRONMENTS_DIR,
        FileKind::Environment,
        |stem| EnvName::new(stem).ok().map(Origin::Environment),
        |environment: &Environment| environment.name.as_str(),
        &mut sources,
        &mut diagnostics,
    );

    platform.sort();
    // Services that loaded are checked even when others did not; checks that
    // relate environments to services need every service.
    let services_loaded = !diagnostics.iter().any(|d| {
        d.is_error() && d.location.as_ref().is_some_and(|l| l.file.starts_with(SERVICES_DIR))
    });
    diagnostics.extend(validate::validate_services(&platform));
    if services_loaded {
        diagnostics.extend(validate::validate_environments(&platform));
    }
    sources.locate_all(&mut diagnostics);
    sort_diagnostics(&mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        Err(LoadFailure { sources, diagnostics })
    } else {
        Ok(Loaded { platform, sources, warnings: diagnostics })
    }
}

/// Loads every file of one model directory; `origin_of` names the entity a
/// file stem stands for, `name` reads the name written inside, which must
/// match the stem.
fn load_entities<T: DeserializeOwned + Send>(
    root: &Path,
    dir: &str,
    kind: FileKind,
    origin_of: impl Fn(&str) -> Option<Origin> + Sync,
    name: impl Fn(&T) -> &str,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<T> {
    let files = model_files(root, dir, diagnostics);
    // Files are independent: read and check them on every core, then take
    // the results in file order, so the outcome never depends on timing.
    let loaded = crate::parallel::map(&files, |(path, relative)| {
        load_file::<T>(path, relative.clone(), kind, origin_of(&file_stem(relative)))
    });
    let mut entities = Vec::with_capacity(loaded.len());
    for ((_, relative), file) in files.iter().zip(loaded) {
        let origin = file.origin.clone();
        if let Some(entity) = sources.take(file, diagnostics) {
            let stem = file_stem(relative);
            let written = name(&entity);
            if written != stem
                && let Some(alias) = origin_of(written)
            {
                sources.alias(alias, relative);
            }
            check_name(written, &stem, kind.as_str(), relative, origin, diagnostics);
            entities.push(entity);
        }
    }
    entities
}

/// Sorts diagnostics by file, position and code, the order they are reported in.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            let (file, position) =
                d.location.as_ref().map_or((String::new(), Position::default()), |l| {
                    (l.file.clone(), l.position.unwrap_or_default())
                });
            (d.severity, file, position.line, position.column, d.code, d.message.clone())
        };
        key(a).cmp(&key(b))
    });
}

fn file_stem(relative: &Path) -> String {
    relative.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The `.yaml` and `.yml` files of a model directory, sorted by path so the
/// load order never depends on the file system.
fn model_files(
    root: &Path,
    dir: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(PathBuf, PathBuf)> {
    let full = root.join(dir);
    let entries = match fs::read_dir(&full) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(Code::SpecUnreadable, format!("cannot read directory: {e}"))
                    .in_file(format!("{dir}/"), None),
            );
            return Vec::new();
        }
    };
    let mut files = Vec::new();
    for entry in entries {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = PathBuf::from(dir).join(&name);
        let extension = Path::new(&name).extension().map(std::ffi::OsStr::to_ascii_lowercase);
        let is_yaml = extension.is_some_and(|e| e == "yaml" || e == "yml");
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            diagnostics.push(
                Diagnostic::error(
                    Code::SpecUnexpectedDirectory,
                    format!("`{}` is a directory", display_path(&relative)),
                )
                .with_help(format!(
                    "model files live directly in `{dir}/`, one `<name>.yaml` per entry"
                ))
                .in_file(display_path(&relative), None),
            );
        } else if is_yaml {
            files.push((entry.path(), relative));
        }
    }
    files.sort();
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    files.retain(|(_, relative)| {
        let stem = file_stem(relative);
        if let Some(first) = seen.get(&stem) {
            diagnostics.push(
                Diagnostic::error(
                    Code::SpecDuplicateName,
                    format!(
                        "`{stem}` is defined twice: `{}` and `{}`",
                        display_path(first),
                        display_path(relative)
                    ),
                )
                .with_help("keep one of the two files")
                .in_file(display_path(relative), None),
            );
            false
        } else {
            seen.insert(stem, relative.clone());
            true
        }
    });
    files
}

fn check_name(
    name: &str,
    stem: &str,
    what: &str,
    relative: &Path,
    origin: Option<Origin>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if name != stem {
        let mut diagnostic = Diagnostic::error(
            Code::SpecNameMismatch,
            format!("{what} `{name}` is defined in `{}`", display_path(relative)),
        )
        .with_help(format!("name the file `{name}.yaml` or the {what} `{stem}`"));
        diagnostic = match origin {
            Some(origin) => diagnostic.at(origin, "/name"),
            None => diagnostic.in_file(display_path(relative), None),
        };
        diagnostics.push(diagnostic);
    }
}

/// One model file, read and checked: its source (for snippets), the value
/// when it loaded, and its problems, located.
struct LoadedFile<T> {
    origin: Option<Origin>,
    source: Option<SourceFile>,
    value: Option<T>,
    diagnostics: Vec<Diagnostic>,
}

/// Reads, parses, schema-validates and deserializes one model file.
///
/// The common case — a valid file — is parsed once, straight into JSON,
/// validated and deserialized; the located tree is only built when a
/// problem needs a position.
fn load_file<T: DeserializeOwned>(
    path: &Path,
    relative: PathBuf,
    kind: FileKind,
    origin: Option<Origin>,
) -> LoadedFile<T> {
    let shown = display_path(&relative);
    let text = match read_text(path) {
        Ok(text) => text,
        Err((mut diagnostic, lossy)) => {
            place(&mut diagnostic, &shown, None, None);
            let source = lossy.map(|text| SourceFile::with_root(relative, text, None));
            return LoadedFile { origin: None, source, value: None, diagnostics: vec![diagnostic] };
        }
    };
    let fast = serde_saphyr::from_str_with_options::<serde_json::Value>(&text, parse_options())
        .ok()
        .filter(|value| value.is_object() && schema::is_valid(kind, value));
    let (source, value, mut found) = if let Some(json) = fast {
        let source = SourceFile::new(relative, text);
        match deserialize_json::<T>(json) {
            Ok(value) => (source, Some(value), Vec::new()),
            Err(diagnostic) => (source, None, vec![diagnostic]),
        }
    } else {
        let (root, mut found) = parse_document(&text, kind);
        let value = match &root {
            Some(root) if found.is_empty() => {
                deserialize::<T>(root).map_err(|d| found.push(d)).ok()
            }
            _ => None,
        };
        (SourceFile::with_root(relative, text, root), value, found)
    };
    for diagnostic in &mut found {
        place(diagnostic, &shown, source.root(), origin.as_ref());
    }
    LoadedFile { origin, source: Some(source), value, diagnostics: found }
}

/// Gives a diagnostic from one file its file name, origin and position.
fn place(diagnostic: &mut Diagnostic, shown: &str, root: Option<&Node>, origin: Option<&Origin>) {
    if diagnostic.pointer.is_some() {
        diagnostic.origin = origin.cloned();
    }
    let position = match (&diagnostic.location, root, &diagnostic.pointer) {
        (Some(location), _, _) => location.position,
        (None, Some(root), Some(pointer)) => Some(root.locate(pointer, diagnostic.at_key)),
        _ => None,
    };
    diagnostic.location = Some(Location { file: shown.to_owned(), position });
}

/// Deserializes a schema-valid document into its model type; what the schema
/// cannot express (a newtype's rule) is reported at its pointer.
fn deserialize<T: DeserializeOwned>(root: &Node) -> Result<T, Diagnostic> {
    deserialize_json(root.to_json())
}

fn deserialize_json<T: DeserializeOwned>(json: serde_json::Value) -> Result<T, Diagnostic> {
    serde_path_to_error::deserialize::<_, T>(json).map_err(|error| {
        let pointer = path_to_pointer(error.path());
        Diagnostic::error(Code::SpecInvalidValue, error.into_inner().to_string())
            .at_pointer(pointer)
    })
}

/// Parses a document and validates it against the schema of its kind,
/// without deserializing. Returns the tree (when it parsed) and every problem.
#[must_use]
pub fn parse_document(text: &str, kind: FileKind) -> (Option<Node>, Vec<Diagnostic>) {
    if text.trim().lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
        let what =
            if text.trim().is_empty() { "the file is empty" } else { "the file has only comments" };
        let diagnostic = Diagnostic::error(Code::SpecEmptyFile, what)
            .with_help(format!("describe a {} here, or delete the file", kind.as_str()));
        return (None, vec![diagnostic.in_file("", None)]);
    }
    let root = match parse_yaml(text) {
        Ok(root) => root,
        Err(diagnostic) => return (None, vec![diagnostic]),
    };
    if !matches!(root.value, NodeValue::Map(_)) {
        let diagnostic = Diagnostic::error(
            Code::SpecWrongType,
            format!("a {} file must be a mapping of keys to values", kind.as_str()),
        )
        .with_help("start the file with `name: ...`")
        .at_pointer("");
        return (Some(root), vec![diagnostic]);
    }
    let problems = schema::validate(kind, &root.to_json());
    (Some(root), problems)
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => {
                pointer = crate::position::pointer_join(&pointer, &index.to_string());
            }
            Segment::Map { key } => pointer = crate::position::pointer_join(&pointer, key),
            Segment::Enum { variant } => pointer = crate::position::pointer_join(&pointer, variant),
            Segment::Unknown => {}
        }
    }
    pointer
}

/// Reads a file with as few system calls as possible (open, read until the
/// end, close): on virtual machines each call is expensive, and golden trees
/// hold tens of thousands of files. `capacity` is a guess of the size.
pub fn read_file(path: &Path, capacity: usize) -> io::Result<Vec<u8>> {
    /// A reader without the size probe `File` does before reading to the end.
    struct Plain<'f>(&'f fs::File);
    impl io::Read for Plain<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            io::Read::read(&mut &*self.0, buf)
        }
    }
    let file = fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(capacity);
    io::Read::read_to_end(&mut Plain(&file), &mut bytes)?;
    Ok(bytes)
}

/// The file's text; on failure a diagnostic and, for text that is not UTF-8,
/// a lossy copy to show a snippet from.
fn read_text(path: &Path) -> Result<String, (Diagnostic, Option<String>)> {
    let metadata = fs::metadata(path).map_err(|e| (io_diagnostic(&e), None))?;
    if metadata.is_dir() {
        let diagnostic =
            Diagnostic::error(Code::SpecUnexpectedDirectory, "expected a file, found a directory");
        return Err((diagnostic, None));
    }
    if metadata.len() > MAX_FILE_BYTES {
        let diagnostic = Diagnostic::error(
            Code::SpecFileTooLarge,
            format!(
                "the file has {} bytes, more than the {MAX_FILE_BYTES} platc reads",
                metadata.len()
            ),
        )
        .with_help("split large configuration into several files or keep it out of the model");
        return Err((diagnostic, None));
    }
    let capacity = usize::try_from(metadata.len()).unwrap_or(0) + 1;
    let bytes = read_file(path, capacity).map_err(|e| (io_diagnostic(&e), None))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..valid].split(|&b| b == b'\n').count();
        let line_start = bytes[..valid].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        // Columns count characters; everything before `valid` is UTF-8.
        let column =
            std::str::from_utf8(&bytes[line_start..valid]).map_or(0, |s| s.chars().count()) + 1;
        let mut diagnostic = Diagnostic::error(
            Code::SpecNotUtf8,
            format!("the file is not UTF-8 text (invalid byte at line {line}, column {column})"),
        )
        .with_help("save the file as UTF-8");
        diagnostic.location = Some(Location {
            file: String::new(),
            // The snippet shows the lossy text, where the bad byte became
            // one replacement character.
            position: Some(Position {
                line,
                column,
                offset: valid,
                len: char::REPLACEMENT_CHARACTER.len_utf8(),
            }),
        });
        (diagnostic, Some(String::from_utf8_lossy(bytes).into_owned()))
    })
}

fn io_diagnostic(error: &io::Error) -> Diagnostic {
    let help = match error.kind() {
        io::ErrorKind::PermissionDenied => "make the file readable for the user running platc",
        io::ErrorKind::NotFound => "check the path",
        _ => "check that the file is a readable regular file",
    };
    Diagnostic::error(Code::SpecUnreadable, format!("cannot read the file: {error}"))
        .with_help(help)
}

/// Loads one model file's text as a service (for tests and tools that work on
/// a single document). Diagnostics carry no file name.
pub fn service_from_str(text: &str) -> Result<Service, Vec<Diagnostic>> {
    from_str(text, FileKind::Service)
}

/// Loads one environment document from text. Diagnostics carry no file name.
pub fn environment_from_str(text: &str) -> Result<Environment, Vec<Diagnostic>> {
    from_str(text, FileKind::Environment)
}

fn from_str<T: DeserializeOwned>(text: &str, kind: FileKind) -> Result<T, Vec<Diagnostic>> {
    let (root, mut diagnostics) = parse_document(text, kind);
    if let (Some(root), true) = (&root, diagnostics.is_empty()) {
        match deserialize(root) {
            Ok(value) => return Ok(value),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    for diagnostic in &mut diagnostics {
        place(diagnostic, "", root.as_ref(), None);
    }
    Err(diagnostics)
}
