//! Replacing one file atomically: the single way platc's libraries write a
//! file, whether it is an environment file edited in place (`platc promote`)
//! or a changed file of an output tree (`render::emit::write_tree`).
//!
//! The content goes to a temporary file beside the target, which is then
//! renamed over it: readers see the old content or the new one, never half
//! of it, and a failed write leaves the old file as it was. This module knows
//! nothing about what the files hold.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// The start of the name of every temporary file [`replace_file`] creates.
pub const TEMPORARY_PREFIX: &str = ".platc-";
/// The end of the name of every temporary file [`replace_file`] creates.
pub const TEMPORARY_SUFFIX: &str = ".tmp";

/// Whether a file name is one of [`replace_file`]'s temporary files, which
/// an interrupted run may leave behind.
#[must_use]
pub fn is_temporary(name: &str) -> bool {
    name.starts_with(TEMPORARY_PREFIX) && name.ends_with(TEMPORARY_SUFFIX)
}

/// How far a replaced file is flushed before it is renamed into place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// The content reaches the disk before the rename, so even a crash
    /// leaves the old or the new file: for a model file someone edits.
    Synced,
    /// The operating system writes the content back when it chooses: for
    /// the many files of an output tree, which a new render reproduces.
    Buffered,
}

/// A file that could not be replaced.
#[derive(Debug, thiserror::Error)]
#[error("{action} `{}`: {source}", path.display())]
pub struct ReplaceError {
    /// What platc was doing ("cannot write").
    pub action: &'static str,
    /// The file involved.
    pub path: PathBuf,
    /// The cause.
    #[source]
    pub source: io::Error,
}

/// Replaces the content of `path` with `content` atomically, creating the
/// file if it does not exist (its directory must). A symbolic link is
/// written through, not replaced, and an existing file keeps its
/// permissions.
pub fn replace_file(
    path: &Path,
    content: &[u8],
    durability: Durability,
) -> Result<(), ReplaceError> {
    let error = |action: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |source| ReplaceError { action, path, source }
    };
    let existing = match fs::symlink_metadata(path) {
        Ok(metadata) => Some(metadata),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(error("cannot inspect", path)(e)),
    };
    let (target, permissions) = match existing {
        Some(metadata) if metadata.file_type().is_symlink() => {
            let target = fs::canonicalize(path).map_err(error("cannot resolve", path))?;
            let permissions =
                fs::metadata(&target).map_err(error("cannot inspect", &target))?.permissions();
            (target, Some(permissions))
        }
        Some(metadata) => (path.to_path_buf(), Some(metadata.permissions())),
        None => (path.to_path_buf(), None),
    };
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMPORARY_PREFIX).suffix(TEMPORARY_SUFFIX);
    match permissions {
        Some(permissions) => {
            builder.permissions(permissions);
        }
        None => {
            // A new file gets the permissions `fs::write` would give it (the
            // umask applies), not the owner-only ones of a temporary file.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                builder.permissions(fs::Permissions::from_mode(0o666));
            }
        }
    }
    let mut temporary =
        builder.tempfile_in(folder).map_err(error("cannot create a temporary file in", folder))?;
    temporary.write_all(content).map_err(error("cannot write", temporary.path()))?;
    if durability == Durability::Synced {
        temporary.as_file().sync_all().map_err(error("cannot write", temporary.path()))?;
    }
    temporary.persist(&target).map_err(|e| error("cannot write", &target)(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_creates_and_leaves_no_temporary_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.yaml");
        replace_file(&path, b"one\n", Durability::Synced).unwrap();
        replace_file(&path, b"two\n", Durability::Buffered).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "two\n");
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.yaml"]);
    }

    #[cfg(unix)]
    #[test]
    fn writes_through_links_and_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real.yaml");
        fs::write(&real, "old\n").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = tmp.path().join("link.yaml");
        std::os::unix::fs::symlink("real.yaml", &link).unwrap();
        replace_file(&link, b"new\n", Durability::Synced).unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new\n");
        assert_eq!(fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o640);
    }

    #[test]
    fn a_missing_directory_is_an_error_naming_it() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("missing/a.yaml");
        let error = replace_file(&path, b"x", Durability::Buffered).unwrap_err();
        assert!(error.to_string().starts_with("cannot create a temporary file in"), "{error}");
    }
}
