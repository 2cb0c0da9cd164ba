//! End-to-end tests of the `platc` binary: exit codes, stdout and stderr.

#![allow(
    clippy::must_use_candidate,
    clippy::missing_panics_doc,
    reason = "test helpers panic by design and their results are always used"
)]

mod check;
mod cluster;
mod completions;
mod diff;
mod example;
mod extends;
mod graph;
mod init;
mod promote;
mod render;
mod warnings;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a run of platc produced.
pub struct Run {
    /// The exit code.
    pub code: i32,
    /// Everything printed on stdout.
    pub stdout: String,
    /// Everything printed on stderr.
    pub stderr: String,
}

impl Run {
    /// Exit code, stdout and stderr together, for snapshots.
    pub fn transcript(&self) -> String {
        format!("exit: {}\n--- stdout\n{}--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

/// Runs platc in `dir` with `args`, colour decided as on a pipe.
pub fn platc(dir: &Path, args: &[&str]) -> Run {
    platc_env(dir, args, &[])
}

/// Runs platc with extra environment variables.
pub fn platc_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_platc"));
    command.args(args).current_dir(dir).env_remove("NO_COLOR").stdin(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command.output().expect("platc runs");
    Run {
        code: output.status.code().expect("exit code"),
        stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
    }
}

/// The workspace root (the example platform).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

/// A private copy of the render crate's `basic` fixture platform.
pub fn basic_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    copy_dir(&workspace().join("crates/render/tests/fixtures/basic"), tmp.path());
    tmp
}

/// A private copy of the repository's example platform: its model and
/// schemas, without the golden tree.
pub fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    for dir in ["services", "environments", "types", "schema"] {
        copy_dir(&workspace().join(dir), &tmp.path().join(dir));
    }
    fs::copy(workspace().join("platform.yaml"), tmp.path().join("platform.yaml")).expect("copy");
    tmp
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("copy");
        }
    }
}
