//! `platc check`: everything CI wants to know before a merge, as findings
//! with stable codes — the model against its schema and cross checks, the
//! committed schemas, the platform's policies, every rendered object, and
//! drift between the model and the golden tree.

use std::fmt::Write as _;
use std::path::Path;

use platc_render::check::check_tree;
use platc_render::{diff_trees, read_tree, render_all};
use platc_spec::Code;
use platc_spec::diagnostic::merge_repeated;
use platc_spec::{Diagnostic, Severity, Sources, load_dir};

use crate::Outcome;
use crate::args::{CheckArgs, Format};
use crate::output::{Style, print};

pub fn run(root: &Path, args: &CheckArgs, style: Style) -> anyhow::Result<Outcome> {
    let (findings, sources, outcome) = findings(root, args);
    print(&format_findings(&findings, &sources, args.format, style))?;
    Ok(outcome)
}

/// Every finding, with the outcome they lead to.
fn findings(root: &Path, args: &CheckArgs) -> (Vec<Diagnostic>, Sources, Outcome) {
    let loaded = match load_dir(root) {
        Ok(loaded) => loaded,
        Err(failure) => return (failure.diagnostics, failure.sources, Outcome::BadInput),
    };
    let mut findings = loaded.warnings.clone();

    let schema_dir = root.join(&args.schema);
    if schema_dir.is_dir() {
        for stale in super::schema::stale_schemas(&schema_dir) {
            let shown = Path::new(&stale)
                .strip_prefix(root)
                .map_or(stale.clone(), |p| p.display().to_string());
            findings.push(
                Diagnostic::error(
                    Code::CheckStaleSchema,
                    "the committed JSON Schema differs from the model",
                )
                .with_help(format!(
                    "regenerate with `platc schema --out {}`",
                    args.schema.display()
                ))
                .in_file(shown, None),
            );
        }
    }

    findings.extend(platc_spec::validate::policy(&loaded.platform));
    findings.extend(platc_render::patch::in_effect(&loaded.platform));

    let rendered = match render_all(&loaded.platform) {
        Ok(rendered) => rendered,
        Err(diagnostics) => {
            let mut diagnostics = diagnostics;
            loaded.sources.locate_all(&mut diagnostics);
            return (diagnostics, loaded.sources, Outcome::BadInput);
        }
    };
    let golden_dir = root.join(&args.golden);
    let golden = read_tree(&golden_dir).ok().filter(|_| golden_dir.is_dir());
    for environment in &rendered {
        findings.extend(environment.warnings.iter().cloned());
        let name = environment.environment.as_str();
        let tree = match environment.tree() {
            Ok(tree) => tree,
            Err(diagnostic) => return (vec![diagnostic], loaded.sources, Outcome::BadInput),
        };
        let development = loaded.platform.environment(name).is_some_and(|e| e.development);
        let prefix = format!("{}/{name}", args.golden.display());
        findings.extend(check_tree(&tree, &prefix, development));
        if let Some(golden) = &golden {
            for change in diff_trees(&golden.subtree(name), &tree).changes {
                let what = match change.kind {
                    platc_render::diff::ChangeKind::Added => "is missing from the golden tree",
                    platc_render::diff::ChangeKind::Removed => {
                        "is in the golden tree but no longer rendered"
                    }
                    platc_render::diff::ChangeKind::Changed => "differs from the golden tree",
                };
                findings.push(
                    Diagnostic::error(Code::CheckGoldenDrift, format!("{} {what}", change.object))
                        .with_help("run `platc golden` and commit the result, or `platc diff` to see the change")
                        .in_file(format!("{prefix}/{}", change.path), None),
                );
            }
        }
    }
    loaded.sources.locate_all(&mut findings);
    platc_spec::load::sort_diagnostics(&mut findings);
    // Each cause once, with every place it shows up.
    let findings = merge_repeated(findings);
    // Notes (the patches in effect) inform reviewers; they fail nothing.
    let clean = findings.iter().all(|d| d.severity == Severity::Note);
    let outcome = if clean { Outcome::Success } else { Outcome::Differs };
    (findings, loaded.sources, outcome)
}

/// The findings in the requested format.
fn format_findings(
    findings: &[Diagnostic],
    sources: &Sources,
    format: Format,
    style: Style,
) -> String {
    match format {
        Format::Text => {
            let mut out = sources.render(findings, style.stdout);
            let count = |severity| findings.iter().filter(|d| d.severity == severity).count();
            let (errors, warnings, notes) =
                (count(Severity::Error), count(Severity::Warning), count(Severity::Note));
            let _ = write!(
                out,
                "platc check: {} finding(s): {errors} error(s), {warnings} warning(s)",
                errors + warnings
            );
            let _ = match notes {
                0 => writeln!(out),
                n => writeln!(out, "; {n} note(s)"),
            };
            out
        }
        Format::Json => {
            let items: Vec<serde_json::Value> = findings.iter().map(finding_json).collect();
            let mut out = serde_json::to_string_pretty(&items).unwrap_or_default();
            out.push('\n');
            out
        }
        Format::Github => findings.iter().map(github_annotation).collect(),
    }
}

/// A finding as JSON, the same fields for every code.
fn finding_json(finding: &Diagnostic) -> serde_json::Value {
    let position = finding.location.as_ref().and_then(|l| l.position);
    serde_json::json!({
        "code": finding.code,
        "severity": finding.severity.as_str(),
        "message": finding.message,
        "help": finding.help,
        "file": finding.location.as_ref().map(|l| l.file.clone()),
        "line": position.map(|p| p.line),
        "column": position.map(|p| p.column),
        "key": finding.key(),
        "object": finding.object,
        "places": finding.place_count(),
        "also": finding.also.iter().map(place_json).collect::<Vec<_>>(),
    })
}

/// Another place of a finding, as JSON.
fn place_json(place: &platc_spec::diagnostic::Place) -> serde_json::Value {
    let position = place.location.as_ref().and_then(|l| l.position);
    serde_json::json!({
        "file": place.location.as_ref().map(|l| l.file.clone()),
        "line": position.map(|p| p.line),
        "column": position.map(|p| p.column),
        "object": place.object,
    })
}

/// A GitHub Actions workflow command that annotates the pull request.
fn github_annotation(finding: &Diagnostic) -> String {
    let level = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut properties = Vec::new();
    if let Some(location) = &finding.location {
        properties.push(format!("file={}", escape_property(&location.file)));
        if let Some(position) = location.position {
            properties.push(format!("line={}", position.line));
            properties.push(format!("col={}", position.column));
        }
    }
    properties.push(format!("title={}", escape_property(finding.code.as_str())));
    let mut message = finding.message.clone();
    if let Some(object) = &finding.object {
        let _ = write!(message, " ({object})");
    }
    if let Some(also) = finding.also_note() {
        let _ = write!(message, "\n{also}");
    }
    if let Some(help) = &finding.help {
        let _ = write!(message, "\nhelp: {help}");
    }
    format!("::{level} {}::{}\n", properties.join(","), escape_data(&message))
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
