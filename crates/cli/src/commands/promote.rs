//! `platc promote SERVICE… --from A --to B` (or `--all`): copy the image tags
//! services run in environment A into environment B's file, edited in place,
//! and print the rendered diff this causes in B and in every environment
//! that extends B.
//!
//! The plan, the edit and the platform after it come from
//! [`platc_spec::promote`]; this command prints them, renders both sides and
//! writes the file. Nothing is written unless every service can be promoted,
//! the edited file loads again, and both renders succeed.

use std::path::Path;

use platc_render::{Tree, diff_trees, render_environments};
use platc_spec::edit::TagEdit;
use platc_spec::file::{Durability, replace_file};
use platc_spec::names::EnvName;
use platc_spec::promote::{PromoteError, Request, Services, TagChange, plan, promote};
use platc_spec::source::SourceFile;
use platc_spec::{Origin, Platform, Sources};

use super::diff::{Labels, format_text};
use super::{environment_name, load, report_located};
use crate::Outcome;
use crate::args::PromoteArgs;
use crate::output::{Style, note, print, report};

pub fn run(root: &Path, args: &PromoteArgs, style: Style) -> anyhow::Result<Outcome> {
    let Some(loaded) = load(root, style) else { return Ok(Outcome::BadInput) };
    let platform = &loaded.platform;

    let (from, to) = (environment_name(&args.from), environment_name(&args.to));
    let services = if args.all { Services::All } else { Services::Named(&args.services) };
    let plan = match plan(platform, &Request { from: &from, to: &to, services }) {
        Ok(plan) => plan,
        Err(problems) => {
            report_located(problems, &loaded.sources, style);
            return Ok(Outcome::BadInput);
        }
    };

    for grouped in &plan.grouped {
        note(
            style,
            &format!(
                "{} ships with {} (release group `{}` in platform.yaml): promoting it too",
                grouped.service, grouped.with, grouped.group
            ),
        );
    }
    for (service, tag) in &plan.unchanged {
        note(style, &format!("{service}: already at {tag} in {}", plan.to));
    }
    if plan.tags.is_empty() {
        let origin = Origin::Environment(plan.to.clone());
        let file =
            loaded.sources.file(&origin).map_or_else(|| to.clone(), SourceFile::display_path);
        note(style, &format!("nothing to promote; {file} is unchanged"));
        return Ok(Outcome::Success);
    }

    let promotion = match promote(platform, &loaded.sources, &plan) {
        Ok(promotion) => promotion,
        Err(PromoteError::Edit(diagnostic)) => {
            report(&[diagnostic], &loaded.sources, style);
            return Ok(Outcome::BadInput);
        }
        Err(PromoteError::Reload { file, diagnostics }) => {
            eprintln!(
                "platc: the edited {file} would not load; this is a bug in platc, and nothing was written"
            );
            for diagnostic in diagnostics {
                eprintln!("platc: {diagnostic}");
            }
            return Ok(Outcome::BadInput);
        }
        Err(error @ PromoteError::NoFile(_)) => return Err(error.into()),
    };

    // Environments that extend B inherit the tags it sets: they change too.
    let mut trees = Vec::new();
    for env in promotion.environments.iter().map(EnvName::as_str) {
        let Some(old_tree) = rendered(platform, env, &loaded.sources, style, false) else {
            return Ok(Outcome::BadInput);
        };
        let Some(new_tree) = rendered(&promotion.platform, env, &loaded.sources, style, true)
        else {
            return Ok(Outcome::BadInput);
        };
        trees.push((env, old_tree, new_tree));
    }
    if !args.dry_run {
        // An edited model file is synced before it replaces the old one.
        replace_file(&root.join(&promotion.path), promotion.text.as_bytes(), Durability::Synced)?;
    }

    for TagChange { service, old, new, edit } in &promotion.changes {
        let old = old.as_ref().map_or_else(|| "no tag".to_owned(), ToString::to_string);
        let added = if *edit == TagEdit::Added { " (added to images.tags)" } else { "" };
        note(style, &format!("{service}: {old} -> {new}{added}"));
    }
    for (env, old_tree, new_tree) in &trees {
        let diff = diff_trees(old_tree, new_tree);
        if diff.is_empty() {
            note(style, &format!("{env}: the new tags change no rendered file"));
        } else {
            let labels = Labels {
                title: (*env).to_string(),
                old: "before".to_owned(),
                new: "after".to_owned(),
                command: None,
            };
            print(&format_text(&diff, &labels, false, style))?;
        }
    }
    if args.dry_run {
        note(style, &format!("dry run: {} was not written", promotion.file));
    } else {
        note(style, &format!("updated {}", promotion.file));
    }
    Ok(Outcome::Success)
}

/// Renders one environment as a tree under its own directory (`<env>/…`), the
/// paths `platc diff` shows. Problems are printed; warnings only when asked,
/// so they are not shown twice.
fn rendered(
    platform: &Platform,
    environment: &str,
    sources: &Sources,
    style: Style,
    warnings: bool,
) -> Option<Tree> {
    match render_environments(platform, &[environment], |_| true) {
        Ok(rendered) => {
            if warnings && !rendered.warnings.is_empty() {
                report_located(rendered.warnings, sources, style);
            }
            Some(rendered.tree)
        }
        Err(diagnostics) => {
            report_located(diagnostics, sources, style);
            None
        }
    }
}
