//! `platc render ENV [--out DIR]` and `platc render --all [--out DIR]`.

use std::path::Path;

use platc_render::emit::is_manifest;
use platc_render::object::parse_kinds;
use platc_spec::Sources;

use super::{load, render_one_of_kinds, render_tree_of_kinds, write_out};
use crate::Outcome;
use crate::args::RenderArgs;
use crate::output::{Style, print_documents, report};

pub fn run(root: &Path, args: &RenderArgs, style: Style) -> anyhow::Result<Outcome> {
    // A misspelt kind would keep nothing and print nothing: refuse it first.
    let kinds = match parse_kinds(&args.kinds) {
        Ok(kinds) => kinds,
        Err(problems) => {
            report(&problems, &Sources::default(), style);
            return Ok(Outcome::BadInput);
        }
    };
    let Some(loaded) = load(root, style) else { return Ok(Outcome::BadInput) };
    // One environment is written or printed on its own, its tree not nested
    // below its name; `--all` keeps one directory per environment.
    let rendered = match (args.all, args.environment.as_deref()) {
        (false, Some(environment)) => render_one_of_kinds(&loaded, environment, &kinds, style)
            .map(|(environment, tree)| (vec![environment], tree)),
        _ => render_tree_of_kinds(&loaded, None, &kinds, style),
    };
    let Some((environments, tree)) = rendered else {
        return Ok(Outcome::BadInput);
    };
    // Only the text is needed from here on.
    drop(loaded);
    if let Some(dir) = &args.out {
        write_out(&tree, dir, style)?;
    } else if args.all {
        // Environment by environment, each with its manifests in path order.
        let prefixes: Vec<String> = environments.iter().map(|e| format!("{e}/")).collect();
        print_documents(prefixes.iter().flat_map(|prefix| {
            tree.iter()
                .filter(move |(path, _)| {
                    path.strip_prefix(prefix.as_str()).is_some_and(is_manifest)
                })
                .map(|(_, content)| content)
        }))?;
    } else {
        print_documents(tree.manifests())?;
    }
    Ok(Outcome::Success)
}
