//! Property tests of loading: whatever the input, the loader answers with a
//! model or with diagnostics that say what is wrong and where, and never
//! panics.
//!
//! Each property runs a few hundred generated cases under `cargo test`. For a
//! longer search, set the number of cases:
//!
//! ```text
//! PROPTEST_CASES=20000 cargo test -p platc-spec --test it properties
//! ```

use std::cell::Cell;
use std::fs;
use std::path::{Path, PathBuf};

use platc_spec::Code;
use platc_spec::load::{environment_from_str, service_from_str};
use platc_spec::schema::FileKind;
use platc_spec::{Diagnostic, LoadFailure, load_dir};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// The runner's settings: `cases` unless `PROPTEST_CASES` asks for another number.
fn runner(cases: u32) -> TestRunner {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    // Nothing is saved between runs: a failure prints its shrunk input,
    // which belongs in a regression test of its own.
    config.failure_persistence = None;
    TestRunner::new(config)
}

/// Runs a property and turns a failure into a panic showing the smallest
/// input found.
fn check<S: Strategy>(
    cases: u32,
    strategy: &S,
    property: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    if let Err(error) = runner(cases).run(strategy, property) {
        panic!("{error}");
    }
}

/// Pieces of YAML syntax, so random text reaches past the first token.
const TOKENS: &[&str] = &[
    "name",
    "image",
    "ports",
    "port",
    "kind",
    "env",
    "routes",
    "host",
    "paths",
    "domain",
    "cluster",
    "images",
    "defaultTag",
    "overrides",
    "infrastructure",
    "provider",
    "helm",
    "api",
    "web",
    "eks",
    "8080",
    "-1",
    "1e9",
    "0x1F",
    "true",
    "null",
    "~",
    "yes",
    ":",
    ": ",
    " ",
    "  ",
    "\n",
    "\n  ",
    "\n    ",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\"",
    "'",
    "\\",
    "#",
    "&a ",
    "*a",
    "!!str ",
    "!!int ",
    "!tag ",
    "|",
    "|-\n",
    ">",
    "? ",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "<<: ",
    "\t",
    "\r",
    "\r\n",
    "\u{feff}",
    "é",
    "🚀",
    "\0",
    "{{ environment.domain }}",
    "{%",
    "\\u00e9",
    "\\x",
    "%",
    "@",
    "`",
];

fn yaml_like() -> impl Strategy<Value = String> {
    vec(select(TOKENS), 0..60).prop_map(|tokens| tokens.concat())
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ \\n\\t:\\-\\[\\]{}#&*!|>'\",.?%@`a-z0-9]{0,120}",
        yaml_like(),
        yaml_like(),
    ]
}

/// Every diagnostic describes its problem (its code is typed, so always
/// there), and there is at least one.
fn described(diagnostics: &[Diagnostic]) -> Result<(), TestCaseError> {
    prop_assert!(!diagnostics.is_empty(), "a failure without diagnostics");
    for diagnostic in diagnostics {
        prop_assert!(!diagnostic.message.trim().is_empty(), "empty message: {diagnostic:?}");
    }
    Ok(())
}

/// Codes about a file as a whole, which have no line to point at.
const WHOLE_FILE: &[Code] = &[Code::SpecEmptyFile, Code::SpecFileTooLarge, Code::SpecUnreadable];

/// Every diagnostic points into `text`: a line and column inside it, unless
/// the problem is the file as a whole. Lines end as YAML ends them: at `\n`,
/// `\r\n` or a lone `\r`.
fn located_in(diagnostics: &[Diagnostic], text: &str) -> Result<(), TestCaseError> {
    let lines = text.replace("\r\n", "\n").split(['\n', '\r']).count();
    for diagnostic in diagnostics {
        let Some(location) = &diagnostic.location else {
            return Err(TestCaseError::fail(format!("no location: {diagnostic:?}")));
        };
        if WHOLE_FILE.contains(&diagnostic.code) {
            continue;
        }
        let Some(position) = location.position else {
            return Err(TestCaseError::fail(format!("no line and column: {diagnostic:?}")));
        };
        prop_assert!(
            (1..=lines).contains(&position.line) && position.column >= 1,
            "position outside the text ({lines} lines): {diagnostic:?}"
        );
        prop_assert!(position.offset <= text.len(), "offset outside the text: {diagnostic:?}");
    }
    Ok(())
}

fn from_str(kind: FileKind, text: &str) -> Result<(), Vec<Diagnostic>> {
    match kind {
        FileKind::Service => service_from_str(text).map(drop),
        FileKind::Environment => environment_from_str(text).map(drop),
        FileKind::Type => platc_spec::load::type_from_str(text).map(drop),
        FileKind::Platform => unreachable!("platform files are loaded with load_dir only"),
    }
}

/// A platform directory whose one model file the properties rewrite.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tmp");
        fs::create_dir(dir.path().join("services")).expect("mkdir");
        fs::create_dir(dir.path().join("environments")).expect("mkdir");
        Self { dir }
    }

    /// Leaves `relative` as the only model file, holding `bytes`.
    fn holding(&self, relative: &str, bytes: &[u8]) -> &Path {
        let root = self.dir.path();
        for dir in ["services", "environments"] {
            for entry in fs::read_dir(root.join(dir)).expect("read dir") {
                fs::remove_file(entry.expect("entry").path()).expect("remove");
            }
        }
        let _ = fs::remove_file(root.join("platform.yaml"));
        fs::write(root.join(relative), bytes).expect("write");
        root
    }
}

/// A failed load: described, every diagnostic in a file, and renderable
/// with its snippet.
fn failure_is_reported(failure: &LoadFailure, file: &str) -> Result<(), TestCaseError> {
    described(&failure.diagnostics)?;
    for diagnostic in &failure.diagnostics {
        let location = diagnostic.location.as_ref();
        prop_assert!(
            location.is_some_and(|l| l.file == file),
            "not located in `{file}`: {diagnostic:?}"
        );
    }
    let rendered = failure.sources.render(&failure.diagnostics, false);
    prop_assert!(rendered.contains(file), "rendered without the file name:\n{rendered}");
    Ok(())
}

#[test]
fn arbitrary_text_is_loaded_or_described() {
    check(512, &text(), |text| {
        for kind in [FileKind::Service, FileKind::Environment, FileKind::Type] {
            if let Err(diagnostics) = from_str(kind, &text) {
                described(&diagnostics)?;
                located_in(&diagnostics, &text)?;
            }
        }
        Ok(())
    });
}

#[test]
fn arbitrary_bytes_in_a_platform_directory_are_loaded_or_located() {
    let scratch = Scratch::new();
    let file = select(&["services/x.yaml", "environments/x.yaml", "platform.yaml"][..]);
    let bytes = prop_oneof![vec(any::<u8>(), 0..400), text().prop_map(String::into_bytes)];
    check(256, &(file, bytes), |(file, bytes)| {
        let root = scratch.holding(file, &bytes);
        if let Err(failure) = load_dir(root) {
            failure_is_reported(&failure, file)?;
            if let Ok(text) = std::str::from_utf8(&bytes) {
                located_in(&failure.diagnostics, text)?;
            }
        }
        if let Err(diagnostics) = service_from_str(&String::from_utf8_lossy(&bytes)) {
            described(&diagnostics)?;
        }
        Ok(())
    });
}

/// One edit of a file's text.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    Insert(Index, String),
    Indent(Index, i8),
    Truncate(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::DeleteLine),
        any::<Index>().prop_map(Mutation::DuplicateLine),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<Index>(), prop_oneof![yaml_like(), any::<String>(), "[-:#\\[\\]{}\"' ]{1,3}"])
            .prop_map(|(at, text)| Mutation::Insert(at, text)),
        (any::<Index>(), -4_i8..=4).prop_map(|(line, by)| Mutation::Indent(line, by)),
        any::<Index>().prop_map(Mutation::Truncate),
    ]
}

impl Mutation {
    fn apply(&self, text: &str) -> String {
        let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
        match self {
            Self::DeleteLine(at) => {
                lines.remove(at.index(lines.len()));
            }
            Self::DuplicateLine(at) => {
                let at = at.index(lines.len());
                lines.insert(at, lines[at].clone());
            }
            Self::SwapLines(a, b) => {
                let (a, b) = (a.index(lines.len()), b.index(lines.len()));
                lines.swap(a, b);
            }
            Self::Indent(at, by) => {
                let at = at.index(lines.len());
                let line = &mut lines[at];
                let trimmed = line.trim_start_matches(' ');
                let indent = line.len() - trimmed.len();
                let indent = indent.saturating_add_signed(isize::from(*by));
                *line = format!("{}{trimmed}", " ".repeat(indent));
            }
            Self::Insert(at, inserted) => {
                let at = char_boundary(text, *at);
                return format!("{}{inserted}{}", &text[..at], &text[at..]);
            }
            Self::Truncate(at) => return text[..char_boundary(text, *at)].to_owned(),
        }
        lines.join("\n")
    }
}

/// A byte offset of `text` on a character boundary, chosen by `at`.
fn char_boundary(text: &str, at: Index) -> usize {
    let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    boundaries[at.index(boundaries.len())]
}

/// The valid model files of the test fixtures and of the example platform.
fn corpus() -> Vec<(FileKind, PathBuf, String, PathBuf)> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = manifest.join("../render/tests/fixtures");
    let mut roots: Vec<PathBuf> = fs::read_dir(&fixtures)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("services").is_dir())
        .collect();
    roots.push(manifest.join("../.."));
    roots.sort();
    let mut files = Vec::new();
    for root in roots {
        for (dir, kind) in
            [("services", FileKind::Service), ("environments", FileKind::Environment)]
        {
            let mut paths: Vec<PathBuf> = fs::read_dir(root.join(dir))
                .expect("model directory")
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                .collect();
            paths.sort();
            for path in paths {
                let text = fs::read_to_string(&path).expect("read");
                let relative = PathBuf::from(dir).join(path.file_name().expect("file name"));
                files.push((kind, relative, text, root.clone()));
            }
        }
    }
    files
}

#[test]
fn the_corpus_is_valid() {
    let corpus = corpus();
    assert!(corpus.len() > 40, "{} files", corpus.len());
    for (kind, path, text, root) in &corpus {
        // A file that extends another is whole only merged with it: its
        // platform must load.
        if text.lines().any(|line| line.starts_with("extends:")) {
            if let Err(failure) = load_dir(root) {
                panic!("{}: {:?}", path.display(), failure.diagnostics);
            }
            continue;
        }
        if let Err(diagnostics) = from_str(*kind, text) {
            panic!("{}: {diagnostics:?}", path.display());
        }
    }
}

#[test]
fn mutated_model_files_are_loaded_or_located() {
    let corpus = corpus();
    let scratch = Scratch::new();
    let strategy = (any::<Index>(), vec(mutation(), 1..4));
    // How far the mutated files got: past the YAML parser is where the
    // schema, the model types and the cross checks are exercised.
    let parsed = Cell::new(0_u32);
    let cases = Cell::new(0_u32);
    check(256, &strategy, |(file, mutations)| {
        let (kind, relative, original, _) = &corpus[file.index(corpus.len())];
        let text = mutations.iter().fold(original.clone(), |text, m| m.apply(&text));
        cases.set(cases.get() + 1);
        match from_str(*kind, &text) {
            Ok(()) => parsed.set(parsed.get() + 1),
            Err(diagnostics) => {
                described(&diagnostics)?;
                located_in(&diagnostics, &text)?;
                if diagnostics.iter().all(|d| d.code != Code::SpecYamlSyntax) {
                    parsed.set(parsed.get() + 1);
                }
            }
        }
        let shown = relative.to_str().expect("utf-8 path");
        let root = scratch.holding(shown, text.as_bytes());
        if let Err(failure) = load_dir(root) {
            failure_is_reported(&failure, shown)?;
            located_in(&failure.diagnostics, &text)?;
        }
        Ok(())
    });
    assert!(
        parsed.get() * 4 >= cases.get(),
        "only {} of {} mutated files got past the YAML parser",
        parsed.get(),
        cases.get()
    );
}

/// A chain of environments (qa → staging → an abstract base) in which one
/// file is mutated: it loads, or every diagnostic is located inside the file
/// it names, whichever file of the chain wrote the offending value.
#[test]
fn mutated_chains_of_environments_are_loaded_or_located() {
    let base = "name: base\nabstract: true\ncluster: eks\nimages:\n  defaultTag: \"1.0.0\"\ningress:\n  trustedProxies: [10.0.0.0/16]\n  replicas: 2\n";
    let staging = "name: staging\nextends: base\nnamespace: shop\ndomain: staging.example.com\noverrides:\n  api:\n    replicas: 3\n    env:\n      LOG_LEVEL: debug\ninfrastructure:\n  kafka:\n    provider: external\n    host: kafka.example.com\n    username: staging\n  redis:\n    provider: helm\n    replicas: 2\n";
    let qa = "name: qa\nextends: staging\nnamespace: shop-qa\ndomain: qa.example.com\noverrides:\n  api:\n    replicas: null\ninfrastructure:\n  kafka:\n    username: qa\n  redis:\n    replicas: 1\nacceptInherited:\n  infrastructure.kafka.host: one cluster\n";
    let files = [
        ("environments/base.yaml", base),
        ("environments/staging.yaml", staging),
        ("environments/qa.yaml", qa),
    ];
    let dir = tempfile::tempdir().expect("tmp");
    fs::create_dir_all(dir.path().join("services")).expect("mkdir");
    fs::create_dir_all(dir.path().join("environments")).expect("mkdir");
    fs::write(
        dir.path().join("services/api.yaml"),
        "name: api\nimage: ghcr.io/acme/api\nports:\n  - name: http\n    port: 8080\n",
    )
    .expect("write");
    let original = |dir: &Path| {
        for (path, text) in files {
            fs::write(dir.join(path), text).expect("write");
        }
    };
    original(dir.path());
    assert!(load_dir(dir.path()).is_ok(), "the chain loads as written");
    let strategy = (0..files.len(), vec(mutation(), 1..4));
    check(128, &strategy, |(which, mutations)| {
        original(dir.path());
        let (path, text) = files[which];
        let text = mutations.iter().fold(text.to_owned(), |text, m| m.apply(&text));
        fs::write(dir.path().join(path), &text).expect("write");
        let Err(failure) = load_dir(dir.path()) else { return Ok(()) };
        described(&failure.diagnostics)?;
        for diagnostic in failure.diagnostics.iter().filter(|d| d.is_error()) {
            let file = diagnostic.location.as_ref().map(|l| l.file.clone()).unwrap_or_default();
            let written = files
                .iter()
                .find(|(p, _)| *p == file)
                .map(|(p, t)| if *p == path { text.clone() } else { (*t).to_owned() });
            let Some(written) = written else {
                return Err(TestCaseError::fail(format!(
                    "not in a file of the chain: {diagnostic:?}"
                )));
            };
            located_in(std::slice::from_ref(diagnostic), &written)?;
        }
        let rendered = failure.sources.render(&failure.diagnostics, false);
        prop_assert!(!rendered.is_empty());
        Ok(())
    });
}
