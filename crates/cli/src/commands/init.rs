//! `platc init [DIR]`: a new platform repository, ready for `platc check`
//! and `platc render`, with editor support set up. What the files hold is
//! [`platc_spec::scaffold`]'s; this command only writes them, and never over
//! an existing file.

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;
use platc_spec::{Code, Diagnostic, Sources, scaffold};

use crate::Outcome;
use crate::output::{Style, note, report};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The directory of the new platform, created if needed; `--root` when left out.
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn run(root: &Path, args: &InitArgs, style: Style) -> anyhow::Result<Outcome> {
    let dir = args.dir.as_deref().unwrap_or(root);
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let directory_name = absolute
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
            _ => None,
        })
        .next_back()
        .unwrap_or_default();
    let name = scaffold::platform_name(&directory_name);
    let files = scaffold::files(&name);

    // Refuse before writing anything: every file must be new.
    let existing: Vec<&str> =
        files.iter().map(|f| f.path.as_str()).filter(|p| target(dir, p).exists()).collect();
    if !existing.is_empty() {
        let problems: Vec<Diagnostic> = existing
            .iter()
            .map(|path| {
                Diagnostic::error(
                    Code::InitExistingFile,
                    "platc init writes only new files, and this one exists",
                )
                .with_help(
                    "run it in an empty directory, or name a new one: `platc init my-platform`",
                )
                .in_file(target(dir, path).display().to_string(), None)
            })
            .collect();
        report(&problems, &Sources::default(), style);
        return Ok(Outcome::BadInput);
    }
    for file in &files {
        let path = target(dir, &file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        // `create_new`: a file that appeared meanwhile is not overwritten either.
        let mut out = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .with_context(|| format!("cannot create `{}`", path.display()))?;
        out.write_all(file.content.as_bytes())
            .with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    note(
        style,
        &format!(
            "created the platform `{name}` in {}: {}",
            dir.display(),
            files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>().join(", ")
        ),
    );
    let root_flag = if args.dir.is_some() || root != Path::new(".") {
        format!(" --root {}", dir.display())
    } else {
        String::new()
    };
    note(
        style,
        &format!(
            "next: `platc{root_flag} check`, `platc{root_flag} render local`, then `platc{root_flag} golden` and commit"
        ),
    );
    Ok(Outcome::Success)
}

/// Where the file at `path` (with `/` separators) goes below `dir`.
fn target(dir: &Path, path: &str) -> PathBuf {
    path.split('/').fold(dir.to_path_buf(), |path, part| path.join(part))
}
