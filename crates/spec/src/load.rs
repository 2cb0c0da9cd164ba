//! Loading a platform directory: files → located YAML trees → schema
//! validation → model types, reporting every problem of every file at once.
//! Environments that extend others are merged with the files they extend
//! first ([`crate::extends`]), and [`Sources`] keeps the merge, so their
//! diagnostics are located in the file that set the value.
//!
//! This module is the only place in `spec` that reads files.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::chart_keys::KeyList;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Location, Origin};
use crate::extends::{self, Header, Known, Layering, Merged, Parent};
use crate::model::{Environment, InfraType, Platform, PlatformSettings, Service, Types};
use crate::names::{EnvName, ServiceName, TypeName};
use crate::position::{Position, key_path};
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
/// The directory of the platform's own infrastructure type definitions.
pub const TYPES_DIR: &str = "types";

/// The source files of a loaded platform, for locating and showing diagnostics.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    by_origin: BTreeMap<Origin, usize>,
    files: Vec<SourceFile>,
    /// Environments that extend another or are abstract, merged from
    /// several files: where each of their values was written.
    layers: BTreeMap<EnvName, Layering>,
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

    /// The file at an index [`add`](Self::add) returned.
    pub(crate) fn file_at(&self, index: usize) -> &SourceFile {
        &self.files[index]
    }

    /// The index of the file a model entity was loaded from.
    pub(crate) fn index_of(&self, origin: &Origin) -> Option<usize> {
        self.by_origin.get(origin).copied()
    }

    /// Keeps how an environment was merged from several files.
    fn add_layering(&mut self, name: EnvName, layering: Layering) {
        self.layers.insert(name, layering);
    }

    /// How an environment that extends another (or is abstract) was merged
    /// from its files; `None` for an environment written in one file.
    #[must_use]
    pub fn layering(&self, environment: &str) -> Option<&Layering> {
        self.layers.get(environment)
    }

    /// Every environment that has a file, abstract ones included, by name.
    pub fn environment_names(&self) -> impl Iterator<Item = &EnvName> {
        self.by_origin.keys().filter_map(|origin| match origin {
            Origin::Environment(name) => Some(name),
            _ => None,
        })
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

    /// Where a pointer into a model file is, when the file was loaded; in an
    /// environment that extends others, the file that sets the value.
    fn location_of(
        &self,
        origin: Option<&Origin>,
        pointer: Option<&str>,
        at_key: bool,
    ) -> Option<Location> {
        let origin = origin?;
        if let Origin::Environment(name) = origin
            && let Some(layering) = self.layers.get(name)
        {
            let (file, position) = layering.locate(pointer.unwrap_or(""), at_key);
            return Some(Location {
                file: self.files[file].display_path(),
                position: Some(position),
            });
        }
        let file = self.file(origin)?;
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
        // A merged environment's values come from several files: the
        // location says which.
        let layered = matches!(&diagnostic.origin,
            Some(Origin::Environment(name)) if self.layers.contains_key(name));
        if layered && let Some(location) = &diagnostic.location {
            return self.by_display_path(&location.file);
        }
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

    let types_loaded = load_types(root, &mut platform.types, &mut sources, &mut diagnostics);
    platform.services = load_entities(
        root,
        SERVICES_DIR,
        FileKind::Service,
        |stem| ServiceName::new(stem).ok().map(Origin::Service),
        |service: &Service| service.name.as_str(),
        &mut sources,
        &mut diagnostics,
    );
    platform.environments = load_environments(root, &mut sources, &mut diagnostics);

    platform.sort();
    // Services that loaded are checked even when others did not; checks that
    // relate environments to services need every service.
    let services_loaded = !diagnostics.iter().any(|d| {
        d.is_error() && d.location.as_ref().is_some_and(|l| l.file.starts_with(SERVICES_DIR))
    });
    diagnostics.extend(validate::validate_types(&platform));
    // A type whose file did not load is not unknown: its file was reported.
    diagnostics.extend(
        validate::validate_services(&platform)
            .into_iter()
            .filter(|d| types_loaded || d.code != Code::SpecUnknownType),
    );
    if services_loaded && types_loaded {
        diagnostics.extend(validate::validate_environments(&platform));
    }
    sources.locate_all(&mut diagnostics);
    sort_diagnostics(&mut diagnostics);
    dedup_diagnostics(&mut diagnostics);
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

/// Loads the platform's own infrastructure types (`types/*.yaml`) into
/// `types`, each replacing a built-in type of the same name, with the key
/// list each names beside it. Returns whether every type file loaded.
fn load_types(
    root: &Path,
    types: &mut Types,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let definitions = load_entities(
        root,
        TYPES_DIR,
        FileKind::Type,
        |stem| TypeName::new(stem).ok().map(Origin::Type),
        |definition: &InfraType| definition.name.as_str(),
        sources,
        diagnostics,
    );
    for mut definition in definitions {
        if let Some(helm) = definition.helm.as_mut()
            && let Some(file) = &helm.keys
        {
            match read_key_list(&root.join(TYPES_DIR), file) {
                Ok(list) => helm.recorded_keys = Some(std::sync::Arc::new(list)),
                Err(diagnostic) => diagnostics
                    .push(diagnostic.at(Origin::Type(definition.name.clone()), "/helm/keys")),
            }
        }
        types.insert(definition);
    }
    diagnostics.iter().filter(|d| d.is_error()).count() == errors
}

/// Reads the recorded key list `file` of a type from `dir` (the schema
/// allows a plain file name only, never a path).
fn read_key_list(dir: &Path, file: &str) -> Result<KeyList, Diagnostic> {
    let path = dir.join(file);
    let missing = |detail: String| {
        Diagnostic::error(
            Code::SpecUnreadable,
            format!("cannot read the key list `{TYPES_DIR}/{file}`: {detail}"),
        )
        .with_help(
            "generate it beside the type file with `crates/render/charts/gen_keys.py` from the chart's values.yaml, or remove `keys`",
        )
    };
    match fs::metadata(&path) {
        Ok(metadata) if !metadata.is_file() => return Err(missing("not a file".to_owned())),
        Ok(metadata) if metadata.len() > MAX_FILE_BYTES => {
            return Err(missing(format!("larger than {MAX_FILE_BYTES} bytes")));
        }
        Ok(_) => {}
        Err(e) => return Err(missing(e.to_string())),
    }
    let bytes = read_file(&path, 64 * 1024).map_err(|e| missing(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| missing("not UTF-8 text".to_owned()))?;
    Ok(KeyList::parse(&text))
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

/// Drops repeated diagnostics from a sorted list: a problem in a file that
/// several environments extend is found once per environment, and reported
/// once.
pub fn dedup_diagnostics(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.dedup_by(|a, b| {
        a.code == b.code
            && a.severity == b.severity
            && a.message == b.message
            && a.location == b.location
            && a.help == b.help
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
    // By file name: every path is in the same directory, and comparing
    // whole paths component by component is slow for thousands of files.
    files.sort_unstable_by(|(a, _), (b, _)| a.file_name().cmp(&b.file_name()));
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

impl<T> LoadedFile<T> {
    /// A file that could not be read: the problem, and its lossy text when
    /// it is not UTF-8.
    fn unread((diagnostic, source): (Diagnostic, Option<SourceFile>)) -> Self {
        Self { origin: None, source, value: None, diagnostics: vec![diagnostic] }
    }
}

/// A model file read and parsed the fast way, not yet checked: its text and,
/// when it parsed as a mapping, its JSON form.
struct ReadFile {
    relative: PathBuf,
    text: String,
    json: Option<serde_json::Value>,
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
    match read_model_file(path, relative) {
        Ok(file) => check_file(file, kind, origin),
        Err(unread) => LoadedFile::unread(unread),
    }
}

/// Reads one model file and parses it the fast way, straight into JSON.
/// The error is located in the file; a lossy copy of text that is not UTF-8
/// comes with it, for the snippet.
fn read_model_file(
    path: &Path,
    relative: PathBuf,
) -> Result<ReadFile, (Diagnostic, Option<SourceFile>)> {
    let text = match read_text(path) {
        Ok(text) => text,
        Err((mut diagnostic, lossy)) => {
            place(&mut diagnostic, &display_path(&relative), None, None);
            let source = lossy.map(|text| SourceFile::with_root(relative, text, None));
            return Err((diagnostic, source));
        }
    };
    let json = serde_saphyr::from_str_with_options::<serde_json::Value>(&text, parse_options())
        .ok()
        .filter(serde_json::Value::is_object);
    Ok(ReadFile { relative, text, json })
}

/// Schema-validates and deserializes a file that was read: the common case
/// — a valid file — straight from its JSON form, the located tree only
/// built when a problem needs a position.
fn check_file<T: DeserializeOwned>(
    file: ReadFile,
    kind: FileKind,
    origin: Option<Origin>,
) -> LoadedFile<T> {
    let ReadFile { relative, text, json } = file;
    let shown = display_path(&relative);
    let fast = json.filter(|value| schema::is_valid(kind, value));
    let (source, value, mut found) = if let Some(json) = fast {
        let again = || {
            serde_saphyr::from_str_with_options::<serde_json::Value>(&text, parse_options())
                .unwrap_or_default()
        };
        match deserialize_json::<T>(json, again) {
            Ok(value) => (SourceFile::new(relative, text), Some(value), Vec::new()),
            Err(diagnostic) => (SourceFile::new(relative, text), None, vec![diagnostic]),
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
    deserialize_json(root.to_json(), || root.to_json())
}

/// Deserializes a schema-valid document. The common case, a document that
/// deserializes, goes straight through; only a failure is traced again
/// through the document (`again` makes it anew) to name where it failed.
fn deserialize_json<T: DeserializeOwned>(
    json: serde_json::Value,
    again: impl FnOnce() -> serde_json::Value,
) -> Result<T, Diagnostic> {
    if let Ok(value) = serde_json::from_value::<T>(json) {
        return Ok(value);
    }
    serde_path_to_error::deserialize::<_, T>(again()).map_err(|error| {
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

// Environments that extend others: read every file, merge the chains
// (`extends`), check the merged documents, keep where each value came from.

/// One environment file after reading.
enum Read {
    /// Loaded like any model file.
    Checked(Box<LoadedFile<Environment>>),
    /// To be merged with the files it extends.
    Layered(EnvName, ReadFile, Header),
}

/// Loads every file of `environments/`: those that extend nothing like any
/// model file, the others merged with what they extend; then checks the
/// chains, the `null`s and the values that must differ.
fn load_environments(
    root: &Path,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Environment> {
    let files = model_files(root, ENVIRONMENTS_DIR, diagnostics);
    let name_of = |relative: &Path| EnvName::new(file_stem(relative)).ok();
    // Files are independent until they are merged: read and check them on
    // every core, then take the results in file order.
    let read = crate::parallel::map(&files, |(path, relative)| {
        match read_model_file(path, relative.clone()) {
            Err(unread) => Read::Checked(Box::new(LoadedFile::unread(unread))),
            Ok(file) => {
                let header = Header::of(file.json.as_ref());
                match name_of(relative) {
                    Some(name) if header.layered() => Read::Layered(name, file, header),
                    name => Read::Checked(Box::new(check_file(
                        file,
                        FileKind::Environment,
                        name.map(Origin::Environment),
                    ))),
                }
            }
        }
    });

    let mut environments = Vec::new();
    let mut known: BTreeMap<EnvName, Known> = BTreeMap::new();
    for ((_, relative), read) in files.iter().zip(read) {
        match read {
            Read::Checked(file) => {
                let origin = file.origin.clone();
                diagnostics.extend(file.diagnostics);
                let index = file.source.map(|source| sources.add(origin.clone(), source));
                if let Some(name) = name_of(relative) {
                    let relative = relative.clone();
                    known.insert(name, Known { index, header: Header::default(), relative });
                }
                if let Some(environment) = file.value {
                    accept(environment, relative, origin, sources, diagnostics, &mut environments);
                }
            }
            Read::Layered(name, file, header) => {
                let origin = Some(Origin::Environment(name.clone()));
                let index = sources.add(origin, SourceFile::new(file.relative, file.text));
                let relative = relative.clone();
                known.insert(name, Known { index: Some(index), header, relative });
            }
        }
    }

    let parents: BTreeSet<&str> = known
        .values()
        .filter_map(|k| match &k.header.parent {
            Parent::Named(parent) => Some(parent.as_str()),
            _ => None,
        })
        .collect();
    for (name, entry) in known.iter().filter(|(_, k)| k.header.layered()) {
        let is_parent = parents.contains(name.as_str());
        let layered = load_layered(name, entry, &known, is_parent, sources, diagnostics);
        if let Some(environment) = layered {
            let origin = Some(Origin::Environment(name.clone()));
            accept(environment, &entry.relative, origin, sources, diagnostics, &mut environments);
        }
    }
    environments
}

/// Merges one environment that extends another (or is abstract) with its
/// chain and checks it; keeps the merge in `sources`. Returns the
/// environment when it is concrete and loaded.
fn load_layered(
    name: &EnvName,
    entry: &Known,
    known: &BTreeMap<EnvName, Known>,
    is_parent: bool,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Environment> {
    let origin = Origin::Environment(name.clone());
    let chain = match extends::chain_of(name, known) {
        Ok(chain) => chain,
        Err(problem) => {
            diagnostics.extend(problem.diagnostic(name, known));
            return None;
        }
    };
    let (merged, idle) = merge_files(sources, &chain)?;
    diagnostics.extend(
        idle.into_iter().map(|(file, pointer)| removes_nothing(sources, file, &pointer, known)),
    );
    if entry.header.is_abstract {
        if !is_parent {
            diagnostics.push(
                Diagnostic::warning(
                    Code::SpecUnextendedAbstract,
                    format!("no environment extends the abstract environment `{name}`"),
                )
                .at(origin.clone(), "/abstract")
                .on_key()
                .with_help(format!("add `extends: {name}` to an environment, or delete the file")),
            );
        }
        sources.add_layering(name.clone(), Layering::new(chain, true, merged));
        return None;
    }
    if let Some((parent, _)) = chain.get(1)
        && let Some((parent_merged, _)) = merge_files(sources, &chain[1..])
    {
        diagnostics.extend(extends::check_inherited(name, parent, &merged, &parent_merged));
    }
    let (environment, mut found) = check_merged(&merged);
    for diagnostic in &mut found {
        diagnostic.origin = Some(origin.clone());
    }
    diagnostics.extend(found);
    sources.add_layering(name.clone(), Layering::new(chain, false, merged));
    environment
}

/// Takes a loaded environment: its name must match its file's.
fn accept(
    environment: Environment,
    relative: &Path,
    origin: Option<Origin>,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
    environments: &mut Vec<Environment>,
) {
    let stem = file_stem(relative);
    let written = environment.name.as_str();
    if written != stem {
        sources.alias(Origin::Environment(environment.name.clone()), relative);
    }
    check_name(written, &stem, FileKind::Environment.as_str(), relative, origin, diagnostics);
    environments.push(environment);
}

/// Merges the files of a chain (itself first), or `None` when one of them
/// is not a mapping (its own problem is reported).
fn merge_files(
    sources: &Sources,
    chain: &[(EnvName, usize)],
) -> Option<(Merged, Vec<(usize, String)>)> {
    let layers = chain
        .iter()
        .rev()
        .map(|(_, index)| {
            let root = sources.file_at(*index).root()?;
            matches!(root.value, NodeValue::Map(_)).then_some((root, *index))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(extends::merge_chain(&layers))
}

/// A `null` of the file at `file` that removes nothing, located in that file.
fn removes_nothing(
    sources: &Sources,
    file: usize,
    pointer: &str,
    known: &BTreeMap<EnvName, Known>,
) -> Diagnostic {
    let source = sources.file_at(file);
    let key = pointer.rsplit('/').next().unwrap_or_default().replace("~1", "/").replace("~0", "~");
    let parent = known
        .values()
        .find(|k| k.index == Some(file))
        .and_then(|k| match &k.header.parent {
            Parent::Named(parent) => Some(parent.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let position = source.root().map(|root| root.locate(pointer, true));
    let mut diagnostic = Diagnostic::error(
        Code::SpecNullRemovesNothing,
        format!("`{key}: null` removes nothing: `{parent}` does not set `{}`", key_path(pointer)),
    )
    .with_help(format!("give `{key}` a value, correct its name, or delete the line"));
    diagnostic.pointer = Some(pointer.to_owned());
    diagnostic.at_key = true;
    diagnostic.location = Some(Location { file: source.display_path(), position });
    diagnostic
}

/// Checks a merged environment against the schema and deserializes it.
/// The diagnostics carry pointers into the merged document.
fn check_merged(merged: &Merged) -> (Option<Environment>, Vec<Diagnostic>) {
    let json = merged.root.to_json();
    if !schema::is_valid(FileKind::Environment, &json) {
        return (None, schema::validate(FileKind::Environment, &json));
    }
    match deserialize_json::<Environment>(json, || merged.root.to_json()) {
        Ok(environment) => (Some(environment), Vec::new()),
        Err(diagnostic) => (None, vec![diagnostic]),
    }
}

/// The diagnostic for a request to render the abstract environment `name`,
/// naming the environments that extend it; `None` when it is not abstract.
#[must_use]
pub fn abstract_environment(sources: &Sources, name: &str) -> Option<Diagnostic> {
    if !sources.layering(name).is_some_and(Layering::is_abstract) {
        return None;
    }
    let children: Vec<&str> = sources
        .environment_names()
        .filter(|other| {
            sources
                .layering(other.as_str())
                .is_some_and(|l| !l.is_abstract() && l.chain().skip(1).any(|n| n.as_str() == name))
        })
        .map(EnvName::as_str)
        .collect();
    let help = if children.is_empty() {
        "no environment extends it yet: add `extends: <name>` to one".to_owned()
    } else {
        format!("render an environment that extends it: {}", children.join(", "))
    };
    Some(
        Diagnostic::error(
            Code::RenderAbstractEnvironment,
            format!(
                "`{name}` is abstract: it is a base for other environments, not rendered itself"
            ),
        )
        .with_help(help),
    )
}

/// The environments a new text of environment `name`'s file makes: that
/// environment and every environment that extends it, directly or not,
/// each merged and checked as when the platform is loaded. Abstract ones
/// are left out. The diagnostics are not located: the text is not on disk.
pub fn reload_environments(
    sources: &Sources,
    name: &EnvName,
    text: &str,
) -> Result<Vec<Environment>, Vec<Diagnostic>> {
    let edited = parse_yaml(text).map_err(|d| vec![d])?;
    let own = Origin::Environment(name.clone());
    let Some(index) = sources.index_of(&own) else {
        return Err(vec![Diagnostic::error(
            Code::PromoteEditFailed,
            format!("environment `{name}` was not loaded from a file"),
        )]);
    };
    let mut chains: Vec<Vec<(EnvName, usize)>> = Vec::new();
    match sources.layering(name.as_str()) {
        Some(layering) if !layering.is_abstract() => chains.push(layering.files().to_vec()),
        Some(_) => {}
        None => chains.push(vec![(name.clone(), index)]),
    }
    for other in sources.environment_names().filter(|other| *other != name) {
        if let Some(layering) = sources.layering(other.as_str())
            && !layering.is_abstract()
            && layering.chain().any(|n| n == name)
        {
            chains.push(layering.files().to_vec());
        }
    }
    let mut environments = Vec::new();
    let mut problems = Vec::new();
    for chain in chains {
        let layers = chain
            .iter()
            .rev()
            .map(|(env, index)| {
                if env == name {
                    Some((&edited, *index))
                } else {
                    sources.file_at(*index).root().map(|r| (r, *index))
                }
            })
            .collect::<Option<Vec<_>>>();
        let Some(layers) = layers else { continue };
        let (merged, idle) = extends::merge_chain(&layers);
        if let Some((_, pointer)) = idle.first() {
            problems.push(Diagnostic::error(
                Code::SpecNullRemovesNothing,
                format!("`null` at `{}` removes nothing", key_path(pointer)),
            ));
        }
        let (environment, found) = check_merged(&merged);
        problems.extend(found);
        match environment {
            Some(environment) if environment.name != chain[0].0 => {
                problems.push(Diagnostic::error(
                    Code::PromoteEditFailed,
                    format!("the edited file names another environment, `{}`", environment.name),
                ));
            }
            environment => environments.extend(environment),
        }
    }
    if problems.is_empty() { Ok(environments) } else { Err(problems) }
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

/// Loads one infrastructure type definition from text, without its key
/// list and without the checks of its consistency
/// ([`validate::check_type`]). Diagnostics carry no file name.
pub fn type_from_str(text: &str) -> Result<InfraType, Vec<Diagnostic>> {
    from_str(text, FileKind::Type)
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
