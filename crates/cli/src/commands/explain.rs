//! `platc explain ENV [PATH]`: an environment's value at a key path, each
//! part with the file, line and column it was written at, what it
//! overrides, and the environments that inherited it through `extends:`.
//!
//! The explanation comes from [`platc_spec::explain`]; this command prints it.

use std::fmt::Write as _;
use std::path::Path;

use platc_spec::explain::{Explanation, Place, explain};
use platc_spec::names::EnvName;
use serde_json::Value;

use super::{environment_name, load};
use crate::Outcome;
use crate::args::{ExplainArgs, ExplainFormat};
use crate::output::{Paint, Style, print, report};

pub fn run(root: &Path, args: &ExplainArgs, style: Style) -> anyhow::Result<Outcome> {
    let Some(loaded) = load(root, style) else { return Ok(Outcome::BadInput) };
    let environment = environment_name(&args.environment);
    let path = args.path.as_deref().unwrap_or_default();
    let explanation = match explain(&loaded.sources, &environment, path) {
        Ok(explanation) => explanation,
        Err(problem) => {
            report(&[problem], &loaded.sources, style);
            return Ok(Outcome::BadInput);
        }
    };
    match args.format {
        ExplainFormat::Text => print(&text(&explanation, style))?,
        ExplainFormat::Json => {
            let mut json = serde_json::to_string_pretty(&explanation)?;
            json.push('\n');
            print(&json)?;
        }
    }
    Ok(Outcome::Success)
}

/// Each value on a line of its own, then where it was set, what it
/// overrides, and who inherited it, indented below.
fn text(explanation: &Explanation, style: Style) -> String {
    let mut out = String::new();
    for value in &explanation.values {
        let shown = if value.path.is_empty() { "(the environment)" } else { value.path.as_str() };
        let _ = writeln!(out, "{}: {}", style.paint(Paint::Bold, shown), scalar(&value.value));
        let _ = writeln!(out, "  set in {}", place(&value.set_at));
        for overridden in &value.overrides {
            let _ = writeln!(
                out,
                "  overrides {} from {}",
                scalar(&overridden.value),
                place(&overridden.at)
            );
        }
        if !value.inherited_by.is_empty() {
            let names: Vec<&str> = value.inherited_by.iter().map(EnvName::as_str).collect();
            let _ = writeln!(out, "  inherited by {}", names.join(", "));
        }
    }
    out
}

fn place(place: &Place) -> String {
    format!("{}:{}:{}", place.file, place.line, place.column)
}

/// A value as one line: strings as they are unless they would read as
/// another type (`"1"`, `"true"`), everything else as JSON.
fn scalar(value: &Value) -> String {
    match value {
        Value::String(text)
            if !text.is_empty()
                && serde_json::from_str::<Value>(text).map_or(true, |v| v.is_string()) =>
        {
            text.clone()
        }
        other => other.to_string(),
    }
}
