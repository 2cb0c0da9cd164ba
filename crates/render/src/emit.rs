//! Emit: rendered objects as YAML — one multi-document stream, or a tree of
//! one file per object — and the atomic writing and reading of such trees.
//!
//! Layout of an environment's tree (the golden layout):
//!
//! ```text
//! crds/<group>_<plural>.yaml                    the CRDs the objects need (stage 1)
//! bootstrap/cluster/<kind>-<name>.yaml          Namespaces (stage 2)
//! bootstrap/namespaced/<kind>-<name>.yaml       MetalLB's pool and advertisement (stage 2)
//! helmfile.yaml, infra/<release>/values.yaml    platform releases (stage 3), infrastructure (stage 5)
//! manifests/platform/<kind>-<name>.yaml         objects shared by the environment (stage 4)
//! manifests/services/<service>/<kind>.yaml      objects named after their service
//! manifests/services/<service>/<kind>-<name>.yaml  other objects of a service
//! applyset.yaml                                 the parent of the ApplySet `manifests/` forms
//! ```
//!
//! `manifests/` holds only objects of the application namespace: the
//! members of its ApplySet, which `kubectl apply --prune --applyset` prunes.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use platc_spec::Code;
use platc_spec::Diagnostic;
use platc_spec::file::{Durability, ReplaceError};

/// Where the ApplySet parent goes in an environment's tree (see [`crate::applyset`]).
pub const APPLYSET_PATH: &str = "applyset.yaml";
/// Where the helmfile goes in an environment's tree.
pub const HELMFILE_PATH: &str = "helmfile.yaml";

pub use crate::yaml::to_yaml;

/// The error of a value that cannot be serialized; `what` names the value.
pub fn serialize_error(what: &str, error: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::error(Code::RenderSerialize, format!("cannot write {what}: {error}"))
}

/// Rendered files by relative path (`manifests/services/api/deployment.yaml`),
/// in path order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    files: BTreeMap<String, String>,
}

impl Tree {
    /// An empty tree.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a file.
    pub fn insert(&mut self, path: impl Into<String>, content: impl Into<String>) {
        self.files.insert(path.into(), content.into());
    }

    /// The content of a file.
    #[must_use]
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Every file, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(p, c)| (p.as_str(), c.as_str()))
    }

    /// The number of files.
    #[must_use]
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the tree has no file.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Adds every file of `other` under `prefix/`.
    pub fn nest(&mut self, prefix: &str, other: Tree) {
        for (path, content) in other.files {
            self.files.insert(format!("{prefix}/{path}"), content);
        }
    }

    /// The files under `prefix/`, with the prefix removed.
    #[must_use]
    pub fn subtree(&self, prefix: &str) -> Tree {
        let start = format!("{prefix}/");
        Tree {
            files: self
                .files
                .range(start.clone()..)
                .take_while(|(p, _)| p.starts_with(&start))
                .map(|(p, c)| (p[start.len()..].to_owned(), c.clone()))
                .collect(),
        }
    }

    /// The files under `prefix/`, with the prefix removed, taking them out of this tree.
    #[must_use]
    pub fn into_subtree(self, prefix: &str) -> Tree {
        let start = format!("{prefix}/");
        Tree {
            files: self
                .files
                .into_iter()
                .filter_map(|(p, c)| p.strip_prefix(&start).map(|rest| (rest.to_owned(), c)))
                .collect(),
        }
    }

    /// The manifests in path order, for writing one after the other.
    pub fn manifests(&self) -> impl Iterator<Item = &str> {
        self.files.iter().filter(|(p, _)| is_manifest(p)).map(|(_, c)| c.as_str())
    }

    /// The manifests of the tree as one multi-document YAML stream, for
    /// `kubectl apply -f -`. Non-manifest files (Helm values) are left out.
    #[must_use]
    pub fn manifest_stream(&self) -> String {
        let mut out = String::new();
        for (path, content) in &self.files {
            if is_manifest(path) {
                out.push_str("---\n");
                out.push_str(content);
            }
        }
        out
    }
}

/// Whether a tree path holds a Kubernetes object platc built: one of
/// `manifests/` or `bootstrap/` (the CRDs of `crds/` are data, not output).
#[must_use]
pub fn is_manifest(path: &str) -> bool {
    is_member(path) || path.starts_with("bootstrap/") || path.contains("/bootstrap/")
}

/// Whether a tree path holds a member of the environment's ApplySet: one of
/// `manifests/`.
#[must_use]
pub fn is_member(path: &str) -> bool {
    path.starts_with("manifests/") || path.contains("/manifests/")
}

/// Problems writing or reading an output tree.
#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    /// The target exists and is not a directory.
    #[error("`{0}` exists and is not a directory")]
    NotADirectory(PathBuf),
    /// The target holds files platc did not write.
    #[error("`{dir}` holds `{file}`, which platc did not write; refusing to replace the directory")]
    ForeignFile {
        /// The target directory.
        dir: PathBuf,
        /// The first file that is not platc output.
        file: PathBuf,
    },
    /// The directory has no parent to create a sibling in.
    #[error("`{0}` has no parent directory")]
    NoParent(PathBuf),
    /// A file system operation failed.
    #[error("{action} `{path}`: {source}")]
    Io {
        /// What platc was doing.
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> TreeError {
    let path = path.to_path_buf();
    move |source| TreeError::Io { action, path, source }
}

/// What [`write_tree`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteSummary {
    /// Files created or rewritten because their content changed.
    pub written: usize,
    /// Files removed because their object no longer exists.
    pub removed: usize,
    /// Files left untouched because their content is already right.
    pub unchanged: usize,
}

/// Makes `dir` hold exactly the files of `tree`.
///
/// A new directory is written as a temporary sibling and renamed into place,
/// so it appears complete or not at all. An existing directory is updated in
/// place: a file whose content is already right is not touched (its
/// modification time stays), a changed or new file is written to a temporary
/// file beside it and renamed over it (readers see the old or the new
/// content, never half of it), and files of objects that no longer exist are
/// removed with the directories they leave empty. Rewriting an unchanged
/// tree therefore only reads it.
///
/// To protect directories that are not platc output, `dir` may only hold
/// files platc writes (see [`is_output_path`]) before it is updated.
pub fn write_tree(tree: &Tree, dir: &Path) -> Result<WriteSummary, TreeError> {
    match fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => update_tree(tree, dir),
        Ok(_) => Err(TreeError::NotADirectory(dir.to_path_buf())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => create_tree(tree, dir),
        Err(e) => Err(io_error("cannot inspect", dir)(e)),
    }
}

/// Writes `tree` into a temporary sibling of `dir` and renames it into place.
fn create_tree(tree: &Tree, dir: &Path) -> Result<WriteSummary, TreeError> {
    let parent = match dir.parent() {
        Some(p) if p.as_os_str().is_empty() => Path::new("."),
        Some(p) => p,
        None => return Err(TreeError::NoParent(dir.to_path_buf())),
    };
    fs::create_dir_all(parent).map_err(io_error("cannot create", parent))?;
    let base = dir.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{base}.platc-new-"))
        .tempdir_in(parent)
        .map_err(io_error("cannot create a temporary directory in", parent))?;
    let files: Vec<(&str, &str)> = tree.iter().collect();
    create_folders(staging.path(), &files)?;
    // Creating files is system calls more than bytes: use every core.
    let written = platc_spec::parallel::map(&files, |(path, content)| {
        let target = staging.path().join(path);
        fs::write(&target, content).map_err(io_error("cannot write", &target))
    });
    written.into_iter().collect::<Result<(), TreeError>>()?;
    let staged = staging.keep();
    fs::rename(&staged, dir).map_err(|e| {
        let _ = fs::remove_dir_all(&staged);
        io_error("cannot move into place", dir)(e)
    })?;
    Ok(WriteSummary { written: files.len(), ..WriteSummary::default() })
}

/// Brings the existing directory `dir` to the content of `tree`, touching only
/// what differs.
fn update_tree(tree: &Tree, dir: &Path) -> Result<WriteSummary, TreeError> {
    let existing: BTreeSet<String> = list_owned(dir)?.into_iter().collect();
    let files: Vec<(&str, &str)> = tree.iter().collect();
    // Compare and write on every core; a file is read only if it exists.
    let outcomes = platc_spec::parallel::map(&files, |&(path, content)| {
        let target = dir.join(path);
        if existing.contains(path) {
            let current = platc_spec::load::read_file(&target, content.len() + 1)
                .map_err(io_error("cannot read", &target))?;
            if current == content.as_bytes() {
                return Ok(false);
            }
        }
        Ok(true)
    });
    let mut changed = Vec::new();
    let mut summary = WriteSummary::default();
    for (file, outcome) in files.iter().zip(outcomes) {
        if outcome? {
            changed.push(*file);
        } else {
            summary.unchanged += 1;
        }
    }
    create_folders(dir, &changed)?;
    let written = platc_spec::parallel::map(&changed, |&(path, content)| {
        replace_file(&dir.join(path), content)
    });
    written.into_iter().collect::<Result<(), TreeError>>()?;
    summary.written = changed.len();

    let stale: Vec<&String> = existing.iter().filter(|path| tree.get(path).is_none()).collect();
    for path in &stale {
        let target = dir.join(path);
        fs::remove_file(&target).map_err(io_error("cannot remove", &target))?;
    }
    summary.removed = stale.len();
    // Directories that held only removed files go too, deepest first.
    let mut emptied: BTreeSet<&str> = BTreeSet::new();
    for path in &stale {
        let mut rest = path.as_str();
        while let Some((folder, _)) = rest.rsplit_once('/') {
            emptied.insert(folder);
            rest = folder;
        }
    }
    for folder in emptied.iter().rev() {
        let prefix = format!("{folder}/");
        let still_used =
            tree.files.range(prefix.clone()..).next().is_some_and(|(p, _)| p.starts_with(&prefix));
        if !still_used {
            let target = dir.join(folder);
            fs::remove_dir(&target).map_err(io_error("cannot remove", &target))?;
        }
    }
    Ok(summary)
}

/// Creates the parent directories of `files` below `root`, each once.
fn create_folders(root: &Path, files: &[(&str, &str)]) -> Result<(), TreeError> {
    let folders: BTreeSet<&str> = files
        .iter()
        .filter_map(|(path, _)| path.rsplit_once('/').map(|(folder, _)| folder))
        .collect();
    for folder in folders {
        let target = root.join(folder);
        fs::create_dir_all(&target).map_err(io_error("cannot create", &target))?;
    }
    Ok(())
}

/// Replaces the content of `target` atomically (see
/// [`platc_spec::file::replace_file`]); a render reproduces the file, so it
/// is not synced to disk one by one.
fn replace_file(target: &Path, content: &str) -> Result<(), TreeError> {
    platc_spec::file::replace_file(target, content.as_bytes(), Durability::Buffered)
        .map_err(|ReplaceError { action, path, source }| TreeError::Io { action, path, source })
}

/// Lists the files below `dir` (relative, with `/`), failing on any file
/// platc could not have written (see [`is_output_path`]).
fn list_owned(dir: &Path) -> Result<Vec<String>, TreeError> {
    let mut files = Vec::new();
    list_files(dir, dir, &mut files)?;
    files
        .into_iter()
        .map(|(relative, regular)| {
            if regular && (is_output_path(&relative) || is_temporary(&relative)) {
                Ok(relative)
            } else {
                Err(TreeError::ForeignFile {
                    dir: dir.to_path_buf(),
                    file: PathBuf::from(relative),
                })
            }
        })
        .collect()
}

/// Whether a file is a temporary file of [`replace_file`], which an
/// interrupted run may leave behind and the next one removes.
fn is_temporary(relative: &str) -> bool {
    platc_spec::file::is_temporary(relative.rsplit('/').next().unwrap_or(relative))
}

/// Whether a relative path is one platc writes: `helmfile.yaml`, `applyset.yaml`,
/// `manifests/**.yaml`, `bootstrap/**.yaml`, `crds/**.yaml` or `infra/**.yaml`,
/// optionally below one environment directory (`production/manifests/...`).
#[must_use]
pub fn is_output_path(relative: &str) -> bool {
    let own = |p: &str| {
        p == HELMFILE_PATH
            || p == APPLYSET_PATH
            || ["manifests/", "bootstrap/", "crds/", "infra/"].iter().any(|d| p.starts_with(d))
                && Path::new(p).extension().is_some_and(|e| e == "yaml")
    };
    own(relative) || relative.split_once('/').is_some_and(|(_, rest)| own(rest))
}

/// Reads every file below `dir` into a tree; a missing directory is an empty tree.
pub fn read_tree(dir: &Path) -> Result<Tree, TreeError> {
    let mut files = Vec::new();
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => list_files(dir, dir, &mut files)?,
        Ok(_) => return Err(TreeError::NotADirectory(dir.to_path_buf())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error("cannot read", dir)(e)),
    }
    // Reading many small files is system calls more than bytes: use every core.
    let contents = platc_spec::parallel::map(&files, |(relative, _)| {
        let path = dir.join(relative);
        platc_spec::load::read_file(&path, 16 * 1024)
            .and_then(|mut bytes| {
                // Keep what the file holds, not the guess: a golden tree has
                // tens of thousands of files of a few hundred bytes.
                bytes.shrink_to_fit();
                String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
            })
            .map_err(io_error("cannot read", &path))
    });
    let mut tree = Tree::new();
    for ((relative, _), content) in files.into_iter().zip(contents) {
        tree.insert(relative, content?);
    }
    Ok(tree)
}

/// The files below `dir`, as paths relative to `root` with `/`, each with
/// whether it is a regular file; directories are walked, not listed.
fn list_files(root: &Path, dir: &Path, files: &mut Vec<(String, bool)>) -> Result<(), TreeError> {
    for entry in fs::read_dir(dir).map_err(io_error("cannot read", dir))? {
        let entry = entry.map_err(io_error("cannot read", dir))?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(io_error("cannot inspect", &path))?;
        if file_type.is_dir() {
            list_files(root, &path, files)?;
        } else {
            let relative =
                path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            files.push((relative, file_type.is_file()));
        }
    }
    Ok(())
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
    fn writes_a_new_tree_whole_and_updates_an_existing_one_in_place() {
        use std::os::unix::fs::MetadataExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let first = write_tree(
            &tree(&[
                ("manifests/a.yaml", "a: 1\n"),
                ("manifests/b.yaml", "b: 1\n"),
                ("manifests/old/c.yaml", "c: 1\n"),
            ]),
            &dir,
        )
        .unwrap();
        assert_eq!(first, WriteSummary { written: 3, removed: 0, unchanged: 0 });
        assert!(is_output_path("production/manifests/services/api/deployment.yaml"));
        assert!(is_output_path("helmfile.yaml"));
        assert!(!is_output_path("api.yaml"), "a model file is not output");
        assert!(!is_output_path("manifests/notes.txt"));
        let inode = |name: &str| fs::metadata(dir.join(name)).unwrap().ino();
        let b_before = inode("manifests/b.yaml");
        // An interrupted run left a temporary file behind.
        fs::write(dir.join("manifests/.platc-x1.tmp"), "a: 9").unwrap();

        let second = write_tree(
            &tree(&[
                ("manifests/a.yaml", "a: 2\n"),
                ("manifests/b.yaml", "b: 1\n"),
                ("manifests/new/d.yaml", "d: 1\n"),
            ]),
            &dir,
        )
        .unwrap();
        assert_eq!(second, WriteSummary { written: 2, removed: 2, unchanged: 1 });
        assert_eq!(inode("manifests/b.yaml"), b_before, "an unchanged file is not rewritten");
        assert_eq!(
            read_tree(&dir).unwrap(),
            tree(&[
                ("manifests/a.yaml", "a: 2\n"),
                ("manifests/b.yaml", "b: 1\n"),
                ("manifests/new/d.yaml", "d: 1\n"),
            ]),
            "changed files are rewritten, stale and temporary files removed"
        );
        assert!(!dir.join("manifests/old").exists(), "an emptied directory is removed");
        let leftovers: Vec<_> =
            fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(
            leftovers,
            vec![std::ffi::OsString::from("out")],
            "no temporary directory is left"
        );
        assert_eq!(
            write_tree(&read_tree(&dir).unwrap(), &dir).unwrap(),
            WriteSummary { written: 0, removed: 0, unchanged: 3 }
        );
    }

    #[test]
    fn refuses_directories_with_foreign_files() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("README.md"), "mine").unwrap();
        fs::write(tmp.path().join("api.yaml"), "name: api\n").unwrap();
        let err = write_tree(&tree(&[("manifests/a.yaml", "a: 1\n")]), tmp.path()).unwrap_err();
        assert!(matches!(err, TreeError::ForeignFile { .. }), "{err}");
        assert_eq!(fs::read_to_string(tmp.path().join("README.md")).unwrap(), "mine");
    }

    #[test]
    fn stream_holds_manifests_only() {
        let t = tree(&[
            ("manifests/b.yaml", "b: 1\n"),
            ("helmfile.yaml", "releases: []\n"),
            ("manifests/a.yaml", "a: 1\n"),
        ]);
        assert_eq!(t.manifest_stream(), "---\na: 1\n---\nb: 1\n");
    }

    #[test]
    fn yaml_quotes_what_yaml_1_1_would_misread() {
        let value =
            BTreeMap::from([("a", "on"), ("b", "12:30"), ("c", "yes"), ("d", "n"), ("e", "0755")]);
        let text = to_yaml(&value).unwrap();
        assert_eq!(text, "a: \"on\"\nb: \"12:30\"\nc: \"yes\"\nd: \"n\"\ne: \"0755\"\n");
    }
}
