//! The markdown diff for pull-request comments: grouped by environment, and
//! never longer than its budget.

use std::fmt::Write as _;

use platc_render::diff::markdown::{DEFAULT_BUDGET, LeftOut, Options, Section, markdown};
use platc_render::{Tree, TreeDiff, diff_trees};

/// A deployment-like file of `lines` lines for object `name`, with `version`.
fn object(name: &str, version: u32, lines: usize) -> String {
    let mut text = format!(
        "kind: Deployment\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  version: \"{version}\"\n  env:\n"
    );
    for i in 0..lines {
        let value = if i % 7 == 0 { version } else { 0 };
        let _ = write!(text, "  - name: VAR_{i}\n    value: \"{value}\"\n");
    }
    text
}

/// Two trees that differ in `objects` objects in each of `environments`.
fn large_diff(environments: &[&str], objects: usize, lines: usize) -> TreeDiff {
    let (mut old, mut new) = (Tree::new(), Tree::new());
    for env in environments {
        for i in 0..objects {
            let path = format!("{env}/manifests/services/svc-{i:04}/deployment.yaml");
            old.insert(path.clone(), object(&format!("svc-{i:04}"), 1, lines));
            new.insert(path, object(&format!("svc-{i:04}"), 2, lines));
        }
        new.insert(format!("{env}/manifests/platform/new.yaml"), object("new", 2, 3));
    }
    diff_trees(&old, &new)
}

fn sections(diff: &TreeDiff) -> Vec<Section<'_>> {
    diff.by_environment()
        .into_iter()
        .map(|(env, changes)| Section {
            environment: env.to_owned(),
            command: format!("platc diff {env}"),
            changes,
        })
        .collect()
}

fn options(budget: usize) -> Options<'static> {
    Options {
        title: "all environments",
        old_label: "golden",
        new_label: "rendered",
        unified: true,
        budget,
    }
}

#[test]
fn a_large_diff_is_cut_to_the_budget_and_says_what_it_left_out() {
    // 3 × 400 changed objects with about 200 changed lines each: megabytes of unified diff.
    let diff = large_diff(&["local", "production", "staging"], 400, 200);
    assert_eq!(diff.changes.len(), 3 * 401);
    let (text, left_out) = markdown(&sections(&diff), &options(DEFAULT_BUDGET));
    let length = text.chars().count();
    assert!(length <= DEFAULT_BUDGET, "{length} characters");
    assert!(length < 65_536, "below GitHub's comment limit");

    // Every environment's counts stay.
    for env in ["local", "production", "staging"] {
        assert!(text.contains(&format!("| {env} | 400 | 1 | 0 |")), "{env}");
        assert!(
            text.contains(&format!("\n#### {env}: 400 changed, 1 added, 0 removed\n")),
            "{env}"
        );
    }
    // Field summaries come first: shown objects list their fields, in order.
    let shown = text.matches("<details><summary>").count();
    assert!(shown > 10, "{shown} objects shown");
    assert_eq!(shown + left_out.objects, diff.changes.len());
    assert!(text.contains("- `metadata.name`") || text.contains("- `spec.version`: `1` → `2`"));
    // Unified diffs only while they fit; the rest stand as a note.
    let diffs = text.matches("```diff\n").count();
    assert_eq!(diffs + left_out.diffs, shown);
    assert!(left_out.diffs > 0);
    assert!(text.contains("_Unified diff left out to fit the comment: `platc diff local`._"));
    // The closing note counts what is missing per environment and names the commands.
    let note = &text[text.find("> [!NOTE]").expect("a closing note")..];
    assert!(note.contains("> **Truncated** to fit 60,000 characters; left out: local: "), "{note}");
    assert!(note.contains("staging: 401 object(s), 0 unified diff(s)"), "{note}");
    assert!(note.contains("Run `platc diff local` and `platc diff production` and `platc diff staging` locally for the whole diff."), "{note}");
    assert_eq!(left_out.objects, 3 * 401 - shown);
}

#[test]
fn every_budget_is_kept() {
    let diff = large_diff(&["production", "staging"], 30, 40);
    let sections = sections(&diff);
    let (full, none) = markdown(&sections, &options(usize::MAX));
    assert_eq!(none, LeftOut::default());
    assert!(!full.contains("Truncated"));
    assert_eq!(full.matches("```diff\n").count(), 62);
    let full_length = full.chars().count();
    for budget in [2_000, 5_000, 20_000, full_length - 1, full_length] {
        let (text, left_out) = markdown(&sections, &options(budget));
        assert!(text.chars().count() <= budget, "budget {budget}: {}", text.chars().count());
        assert_eq!(left_out == LeftOut::default(), budget == full_length, "budget {budget}");
        assert_eq!(text.contains("Truncated"), budget < full_length, "budget {budget}");
    }
}

#[test]
fn summaries_name_their_environment_and_are_grouped() {
    let diff = large_diff(&["production", "staging"], 2, 3);
    let (text, _) = markdown(&sections(&diff), &options(DEFAULT_BUDGET));
    let summaries: Vec<&str> =
        text.lines().filter(|line| line.starts_with("<details><summary>")).collect();
    assert_eq!(
        summaries,
        [
            "<details><summary><code>+</code> <b>production</b> · Deployment shop/new</summary>",
            "<details><summary><code>~</code> <b>production</b> · Deployment shop/svc-0000</summary>",
            "<details><summary><code>~</code> <b>production</b> · Deployment shop/svc-0001</summary>",
            "<details><summary><code>+</code> <b>staging</b> · Deployment shop/new</summary>",
            "<details><summary><code>~</code> <b>staging</b> · Deployment shop/svc-0000</summary>",
            "<details><summary><code>~</code> <b>staging</b> · Deployment shop/svc-0001</summary>",
        ]
    );
    let production = text.find("#### production:").expect("production");
    let staging = text.find("#### staging:").expect("staging");
    let first_staging_object = text.find("<b>staging</b>").expect("a staging object");
    assert!(production < staging && staging < first_staging_object);
    assert!(text.contains("`production/manifests/services/svc-0000/deployment.yaml`"));
    assert!(text.contains("- `spec.version`: `1` → `2`"), "{text}");
}

#[test]
fn stat_leaves_out_unified_diffs_without_a_note() {
    let diff = large_diff(&["production"], 2, 3);
    let (text, left_out) =
        markdown(&sections(&diff), &Options { unified: false, ..options(DEFAULT_BUDGET) });
    assert_eq!(left_out, LeftOut::default());
    assert!(!text.contains("```diff"));
    assert!(!text.contains("left out"));
    // One environment: no table, no section heading.
    assert!(!text.contains("####"));
    assert!(
        text.starts_with("### platc diff: all environments\n\n**2 changed, 1 added, 0 removed**\n")
    );
}
