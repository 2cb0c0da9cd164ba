//! Where an environment's values come from (`platc explain ENV PATH`): the
//! value at a key path, or every value under it, each with the file, line
//! and column it was written at, the environments it was inherited through,
//! and the values it replaced in the files it extends.
//!
//! It reads the loaded files ([`Sources`]) and the merged documents of
//! environments that extend others ([`crate::extends`]); printing is the
//! caller's business.

use serde::Serialize;
use serde_json::Value;

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Origin, suggest};
use crate::extends::{Chain, Merged};
use crate::load::Sources;
use crate::names::EnvName;
use crate::position::{key_path, pointer_join};
use crate::source::{Node, NodeValue};

/// The values at a key path of one environment and where they come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// The environment.
    pub environment: EnvName,
    /// The key path asked about, as written by the caller (empty: the whole
    /// environment).
    pub path: String,
    /// The files the environment is made of: its own first, then those it
    /// extends.
    pub files: Vec<String>,
    /// Every value at or under the path, in file order: scalars, lists
    /// (which replace as a whole) and empty mappings.
    pub values: Vec<Explained>,
}

/// One value and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explained {
    /// Its key path (`infrastructure.redis.replicas`).
    pub path: String,
    /// The value.
    pub value: Value,
    /// Where it was written.
    pub set_at: Place,
    /// The environments between the one that wrote it and the one explained
    /// (the latter included), which inherited it unchanged.
    pub inherited_by: Vec<EnvName>,
    /// The values the files further up the chain have at the same path,
    /// which this one replaced.
    pub overrides: Vec<Overridden>,
}

/// A value a file further up the chain has at the same path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overridden {
    /// The value there.
    pub value: Value,
    /// Where it is written.
    pub at: Place,
}

/// A place in an environment file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// The environment whose file it is.
    pub environment: EnvName,
    /// The file, as shown to the user.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// Explains the value of `environment` at `path` (`infrastructure.redis`,
/// `ingress.trustedProxies[0]`; empty for the whole environment). Abstract
/// environments can be explained too.
///
/// # Errors
///
/// An unknown environment or a path the environment does not set, each
/// with a suggestion.
pub fn explain(
    sources: &Sources,
    environment: &str,
    path: &str,
) -> Result<Explanation, Diagnostic> {
    let (name, chain, own) = files_of(sources, environment)?;
    let merged = match sources.layering(name.as_str()) {
        Some(layering) => layering.merged(),
        None => own.as_ref().ok_or_else(|| unknown_environment(sources, environment))?,
    };
    let pointer = pointer_of_path(path);
    let Some((node, _)) = merged.root.find(&pointer) else {
        return Err(unknown_path(&name, merged, &pointer, path));
    };
    let mut leaves = Vec::new();
    leaves_of(node, &pointer, &mut leaves);
    let place = |index: usize, node: &Node| {
        let (environment, file) = chain.iter().find(|(_, i)| *i == index).map_or_else(
            || (name.clone(), String::new()),
            |(env, _)| (env.clone(), sources.file_at(index).display_path()),
        );
        Place { environment, file, line: node.position.line, column: node.position.column }
    };
    let values = leaves
        .into_iter()
        .map(|(pointer, node)| {
            let writer = merged.writer(&pointer).unwrap_or(chain[0].1);
            let depth = chain.iter().position(|(_, i)| *i == writer).unwrap_or(0);
            let inherited_by = chain[..depth].iter().rev().map(|(env, _)| env.clone()).collect();
            let overrides = chain[depth + 1..]
                .iter()
                .filter_map(|(_, index)| {
                    let (found, _) = sources.file_at(*index).root()?.find(&pointer)?;
                    (found.value != NodeValue::Null)
                        .then(|| Overridden { value: found.to_json(), at: place(*index, found) })
                })
                .collect();
            Explained {
                path: key_path(&pointer),
                value: node.to_json(),
                set_at: place(writer, node),
                inherited_by,
                overrides,
            }
        })
        .collect();
    let files = chain.iter().map(|(_, index)| sources.file_at(*index).display_path()).collect();
    Ok(Explanation { environment: name, path: path.to_owned(), files, values })
}

/// An environment's name, its chain of files (itself first) and, for an
/// environment written in one file, that file as a merged document.
type Files = (EnvName, Chain, Option<Merged>);

/// The [`Files`] of `environment`.
fn files_of(sources: &Sources, environment: &str) -> Result<Files, Diagnostic> {
    let name = sources
        .environment_names()
        .find(|name| name.as_str() == environment)
        .cloned()
        .ok_or_else(|| unknown_environment(sources, environment))?;
    if let Some(layering) = sources.layering(environment) {
        return Ok((name, layering.files().to_vec(), None));
    }
    let index = sources
        .index_of(&Origin::Environment(name.clone()))
        .ok_or_else(|| unknown_environment(sources, environment))?;
    let root =
        sources.file_at(index).root().ok_or_else(|| unknown_environment(sources, environment))?;
    let merged = Merged::new(root, index);
    Ok((name.clone(), vec![(name, index)], Some(merged)))
}

/// Every value at or under `node`: scalars, lists and empty mappings.
fn leaves_of<'a>(node: &'a Node, pointer: &str, out: &mut Vec<(String, &'a Node)>) {
    match &node.value {
        NodeValue::Map(entries) if !entries.is_empty() => {
            for (key, value) in entries {
                leaves_of(value, &pointer_join(pointer, &key.name), out);
            }
        }
        _ => out.push((pointer.to_owned(), node)),
    }
}

/// The JSON pointer of a key path: keys separated by dots, list items as
/// `[n]` (or `.n`).
fn pointer_of_path(path: &str) -> String {
    let mut pointer = String::new();
    for part in path.split('.').filter(|part| !part.is_empty()) {
        let (key, mut rest) = part.find('[').map_or((part, ""), |at| part.split_at(at));
        if !key.is_empty() {
            pointer = pointer_join(&pointer, key);
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let Some(end) = inner.find(']') else {
                pointer = pointer_join(&pointer, rest);
                break;
            };
            pointer = pointer_join(&pointer, &inner[..end]);
            rest = &inner[end + 1..];
        }
    }
    pointer
}

fn unknown_environment(sources: &Sources, environment: &str) -> Diagnostic {
    let known: Vec<&str> = sources.environment_names().map(EnvName::as_str).collect();
    let diagnostic = Diagnostic::error(
        Code::ExplainUnknownEnvironment,
        format!("unknown environment `{environment}`"),
    );
    match suggest(environment, known.iter().copied()) {
        Some(close) => diagnostic.with_help(format!("did you mean `{close}`?")),
        None => diagnostic.with_help(format!("known environments: {}", known.join(", "))),
    }
}

/// A path the merged document does not have: the keys at the deepest level
/// that exists, and the closest of them.
fn unknown_path(name: &EnvName, merged: &Merged, pointer: &str, path: &str) -> Diagnostic {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    let mut found = String::new();
    let mut node = &merged.root;
    let mut missing = "";
    for token in &tokens {
        let next = pointer_join(&found, &token.replace("~1", "/").replace("~0", "~"));
        if let Some((child, _)) = merged.root.find(&next) {
            found = next;
            node = child;
        } else {
            missing = token;
            break;
        }
    }
    let missing = missing.replace("~1", "/").replace("~0", "~");
    let at = key_path(&found);
    let keys: Vec<&str> = match &node.value {
        NodeValue::Map(entries) => entries.iter().map(|(k, _)| k.name.as_str()).collect(),
        _ => Vec::new(),
    };
    let join = |key: &str| if at.is_empty() { key.to_owned() } else { format!("{at}.{key}") };
    let help = match suggest(&missing, keys.iter().copied()) {
        Some(close) => format!("did you mean `{}`?", join(close)),
        None if keys.is_empty() && !at.is_empty() => {
            format!("`{at}` is a single value, with no keys under it")
        }
        None => {
            let place = if at.is_empty() { format!("`{name}`") } else { format!("`{at}`") };
            let listed: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
            format!("{place} sets {}", listed.join(", "))
        }
    };
    Diagnostic::error(Code::ExplainUnknownPath, format!("`{path}` is not set in `{name}`"))
        .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::pointer_of_path;

    #[test]
    fn key_paths_become_pointers() {
        assert_eq!(pointer_of_path(""), "");
        assert_eq!(
            pointer_of_path("infrastructure.redis.replicas"),
            "/infrastructure/redis/replicas"
        );
        assert_eq!(pointer_of_path("ingress.trustedProxies[0]"), "/ingress/trustedProxies/0");
        assert_eq!(pointer_of_path("ingress.trustedProxies.0"), "/ingress/trustedProxies/0");
        assert_eq!(pointer_of_path("images.tags.orders-api"), "/images/tags/orders-api");
    }
}
