//! `platc schema`: the JSON Schema of model files, the field reference
//! generated from it and the reference of diagnostic codes, printed, written
//! or checked.

use std::fs;
use std::path::Path;

use anyhow::Context as _;
use platc_spec::schema::{FileKind, json_schema_text};
use platc_spec::{code, reference};

use crate::Outcome;
use crate::args::{SchemaArgs, SchemaKind};
use crate::output::print;

/// The schema files in `dir` that differ from the current schemas.
pub fn stale_schemas(dir: &Path) -> Vec<String> {
    FileKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let path = dir.join(kind.schema_file_name());
            let current = fs::read_to_string(&path).ok();
            (current.as_deref() != Some(json_schema_text(kind).as_str()))
                .then(|| path.display().to_string())
        })
        .collect()
}

pub fn run(args: &SchemaArgs) -> anyhow::Result<Outcome> {
    if let Some(dir) = &args.out {
        fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
        for kind in FileKind::ALL {
            let path = dir.join(kind.schema_file_name());
            fs::write(&path, json_schema_text(kind))
                .with_context(|| format!("cannot write `{}`", path.display()))?;
        }
        return Ok(Outcome::Success);
    }
    if let Some(dir) = &args.check {
        let stale = stale_schemas(dir);
        if stale.is_empty() {
            return Ok(Outcome::Success);
        }
        eprintln!(
            "platc: stale schema: {}\nplatc: regenerate with `platc schema --out {}`",
            stale.join(", "),
            dir.display()
        );
        return Ok(Outcome::Differs);
    }
    let documents = [
        (
            &args.reference,
            &args.check_reference,
            "field reference",
            "--reference",
            reference::markdown as fn() -> String,
        ),
        (
            &args.diagnostics,
            &args.check_diagnostics,
            "reference of diagnostic codes",
            "--diagnostics",
            code::markdown,
        ),
    ];
    for (write, check, what, flag, generate) in documents {
        if let Some(file) = write {
            write_document(file, &generate())?;
            return Ok(Outcome::Success);
        }
        if let Some(file) = check {
            let current = fs::read_to_string(file).ok();
            if current.as_deref() == Some(generate().as_str()) {
                return Ok(Outcome::Success);
            }
            eprintln!(
                "platc: stale {what}: {}\nplatc: regenerate with `platc schema {flag} {}`",
                file.display(),
                file.display()
            );
            return Ok(Outcome::Differs);
        }
    }
    let kind = match args.kind {
        SchemaKind::Service => FileKind::Service,
        SchemaKind::Environment => FileKind::Environment,
        SchemaKind::Platform => FileKind::Platform,
        SchemaKind::Type => FileKind::Type,
    };
    print(&json_schema_text(kind))?;
    Ok(Outcome::Success)
}

/// Writes a generated Markdown document, creating its directory.
fn write_document(file: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create `{}`", parent.display()))?;
    }
    fs::write(file, text).with_context(|| format!("cannot write `{}`", file.display()))
}
