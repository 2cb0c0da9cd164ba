//! A diff as Markdown for a pull-request comment: grouped by environment,
//! every object's summary naming its environment, and a size budget the
//! comment never exceeds.
//!
//! GitHub refuses comments longer than 65,536 characters. When the whole
//! diff does not fit the budget, it degrades in steps: the counts of every
//! environment always stay; then each object's changed fields, in order,
//! while they fit; then the unified diffs of those objects, each while it
//! fits; and a closing note says how many objects and unified diffs were
//! left out, and which command shows them.

use std::fmt::Write as _;

use super::{ChangeKind, FieldChange, FileChange};

/// The default budget: below GitHub's 65,536-character comment limit, with
/// room for a bot's own heading around the diff.
pub const DEFAULT_BUDGET: usize = 60_000;

/// The most changed fields listed for one object; the rest are counted.
pub const FIELDS_SHOWN: usize = 40;

/// The changes of one environment (or of one comparison of two).
#[derive(Debug, Clone)]
pub struct Section<'a> {
    /// The environment as every summary names it: `production`, or
    /// `staging → production` for a comparison of two environments.
    pub environment: String,
    /// The command that shows the whole diff of the section locally
    /// (`platc diff production`).
    pub command: String,
    /// Its changes, in path order.
    pub changes: Vec<&'a FileChange>,
}

/// What the Markdown is about and how large it may be.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The heading: an environment, `all environments`, `staging → qa`.
    pub title: &'a str,
    /// The name of the old side in unified diff headers (`golden`).
    pub old_label: &'a str,
    /// The name of the new side (`rendered`).
    pub new_label: &'a str,
    /// Whether to show unified diffs at all (`--stat` leaves them out).
    pub unified: bool,
    /// The most characters the text may have.
    pub budget: usize,
}

/// One object's part of the comment, ready to be assembled.
struct Entry {
    /// The section it belongs to.
    section: usize,
    /// `<details><summary>…` up to and including the field list.
    head: String,
    /// The fenced unified diff.
    diff: Option<String>,
    /// What stands in for the diff when it is left out.
    left_out: String,
}

/// What did not fit the budget.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeftOut {
    /// Objects not shown at all.
    pub objects: usize,
    /// Unified diffs not shown (of objects that are shown).
    pub diffs: usize,
}

/// The Markdown of `sections`, at most `options.budget` characters long
/// when the budget leaves room for the counts and the closing note, and the
/// counts of what was left out to stay within it.
#[must_use]
pub fn markdown(sections: &[Section<'_>], options: &Options<'_>) -> (String, LeftOut) {
    let header = header(sections, options);
    let entries: Vec<Entry> = sections
        .iter()
        .enumerate()
        .flat_map(|(index, section)| {
            section.changes.iter().map(move |change| entry(index, section, change, options))
        })
        .collect();

    // Everything, when everything fits.
    let every = vec![true; entries.len()];
    let all = assemble(&header, sections, &entries, &every, &every);
    if chars(&all) <= options.budget {
        return (all, LeftOut::default());
    }

    // Room for the closing note, whatever it will count.
    let most = vec![LeftOut { objects: usize::MAX, diffs: usize::MAX }; sections.len()];
    let reserve = chars(&closing_note(sections, &most, options.budget));
    let limit = options.budget.saturating_sub(reserve);
    let mut used = chars(&header)
        + sections.iter().map(|s| chars(&section_heading(s, sections.len()))).sum::<usize>();
    // Each object's fields, in order, while they fit.
    let mut shown = vec![false; entries.len()];
    for (index, entry) in entries.iter().enumerate() {
        let cost = chars(&entry.head) + chars(&entry.left_out) + CLOSE.len();
        if used + cost > limit {
            break;
        }
        used += cost;
        shown[index] = true;
    }
    // Then each shown object's unified diff, while it fits.
    let mut with_diff = vec![false; entries.len()];
    for (index, entry) in entries.iter().enumerate() {
        let Some(diff) = &entry.diff else { continue };
        if !shown[index] {
            continue;
        }
        let extra = chars(diff).saturating_sub(chars(&entry.left_out));
        if used + extra <= limit {
            used += extra;
            with_diff[index] = true;
        }
    }

    let mut per_section = vec![LeftOut::default(); sections.len()];
    for (index, entry) in entries.iter().enumerate() {
        let counts = &mut per_section[entry.section];
        if !shown[index] {
            counts.objects += 1;
        } else if entry.diff.is_some() && !with_diff[index] {
            counts.diffs += 1;
        }
    }
    let mut text = assemble(&header, sections, &entries, &shown, &with_diff);
    let total = per_section.iter().fold(LeftOut::default(), |sum, counts| LeftOut {
        objects: sum.objects + counts.objects,
        diffs: sum.diffs + counts.diffs,
    });
    if total != LeftOut::default() {
        text.push_str(&closing_note(sections, &per_section, options.budget));
    }
    (text, total)
}

const CLOSE: &str = "\n</details>\n";

/// The title and the counts of every environment.
fn header(sections: &[Section<'_>], options: &Options<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### platc diff: {}\n", options.title);
    let (added, removed, changed) = counts(sections.iter().flat_map(|s| s.changes.iter().copied()));
    let _ = writeln!(out, "**{changed} changed, {added} added, {removed} removed**\n");
    if sections.len() > 1 {
        let _ = writeln!(out, "| environment | changed | added | removed |\n|---|---|---|---|");
        for section in sections {
            let (added, removed, changed) = counts(section.changes.iter().copied());
            let _ = writeln!(
                out,
                "| {} | {changed} | {added} | {removed} |",
                escape_html(&section.environment)
            );
        }
        out.push('\n');
    }
    out
}

/// How many changes of `changes` are added, removed and changed.
fn counts<'a>(changes: impl Iterator<Item = &'a FileChange>) -> (usize, usize, usize) {
    changes.fold((0, 0, 0), |(a, r, c), change| match change.kind {
        ChangeKind::Added => (a + 1, r, c),
        ChangeKind::Removed => (a, r + 1, c),
        ChangeKind::Changed => (a, r, c + 1),
    })
}

/// One object's summary, fields and diff.
fn entry(section: usize, of: &Section<'_>, change: &FileChange, options: &Options<'_>) -> Entry {
    let mut head = String::new();
    let _ = writeln!(
        head,
        "\n<details><summary><code>{}</code> <b>{}</b> · {}</summary>\n",
        change.kind.sign(),
        escape_html(&of.environment),
        escape_html(&change.object)
    );
    let _ = writeln!(head, "{}", code_span(&change.path));
    let fields = change.fields();
    if !fields.is_empty() {
        head.push('\n');
    }
    for field in fields.iter().take(FIELDS_SHOWN) {
        let _ = writeln!(head, "- {}", field_line(field));
    }
    if fields.len() > FIELDS_SHOWN {
        let _ = writeln!(head, "- … and {} more field(s)", fields.len() - FIELDS_SHOWN);
    }
    let diff = options.unified.then(|| {
        let unified = change.unified(options.old_label, options.new_label);
        let fence = fence(&unified);
        format!("\n{fence}diff\n{unified}{fence}\n")
    });
    let left_out = if options.unified {
        format!("\n_Unified diff left out to fit the comment: {}._\n", code_span(&of.command))
    } else {
        String::new()
    };
    Entry { section, head, diff, left_out }
}

/// `` `path`: `old` → `new` ``.
fn field_line(field: &FieldChange) -> String {
    let value = |v: &Option<String>| v.as_deref().map_or_else(|| "—".to_owned(), code_span);
    format!("{}: {} → {}", code_span(&field.path), value(&field.old), value(&field.new))
}

/// The comment from its parts: per section a heading, then the objects
/// shown, each with its diff or the note that stands in for it.
fn assemble(
    header: &str,
    sections: &[Section<'_>],
    entries: &[Entry],
    shown: &[bool],
    with_diff: &[bool],
) -> String {
    let mut out = header.to_owned();
    for (index, section) in sections.iter().enumerate() {
        out.push_str(&section_heading(section, sections.len()));
        for (at, entry) in entries.iter().enumerate().filter(|(_, e)| e.section == index) {
            if !shown[at] {
                continue;
            }
            out.push_str(&entry.head);
            match (&entry.diff, with_diff[at]) {
                (Some(diff), true) => out.push_str(diff),
                _ => out.push_str(&entry.left_out),
            }
            out.push_str(CLOSE);
        }
    }
    out
}

/// The heading of a section, when there are several: the environment and its counts.
fn section_heading(section: &Section<'_>, sections: usize) -> String {
    if sections < 2 {
        return String::new();
    }
    let (added, removed, changed) = counts(section.changes.iter().copied());
    format!(
        "\n#### {}: {changed} changed, {added} added, {removed} removed\n",
        escape_html(&section.environment)
    )
}

/// What was left out, per section, and the commands that show it.
fn closing_note(sections: &[Section<'_>], left_out: &[LeftOut], budget: usize) -> String {
    let mut parts = Vec::new();
    let mut commands = Vec::new();
    for (section, counts) in sections.iter().zip(left_out) {
        if *counts == LeftOut::default() {
            continue;
        }
        parts.push(format!(
            "{}: {} object(s), {} unified diff(s)",
            section.environment, counts.objects, counts.diffs
        ));
        if !commands.contains(&section.command) {
            commands.push(section.command.clone());
        }
    }
    let commands: Vec<String> = commands.iter().map(|c| code_span(c)).collect();
    format!(
        "\n> [!NOTE]\n> **Truncated** to fit {} characters; left out: {}.\n> Run {} locally for the whole diff.\n",
        thousands(budget),
        parts.join("; "),
        commands.join(" and ")
    )
}

/// `60,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The length GitHub counts: characters, not bytes.
fn chars(text: &str) -> usize {
    text.chars().count()
}

/// `text` as inline code, whatever backticks it holds.
fn code_span(text: &str) -> String {
    let ticks = "`".repeat(longest_backtick_run(text) + 1);
    if text.starts_with('`') || text.ends_with('`') {
        format!("{ticks} {text} {ticks}")
    } else {
        format!("{ticks}{text}{ticks}")
    }
}

/// A code fence longer than any run of backticks in `text`.
fn fence(text: &str) -> String {
    "`".repeat((longest_backtick_run(text) + 1).max(3))
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Text safe inside an HTML element.
fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_code_and_fences_survive_backticks() {
        assert_eq!(code_span("a"), "`a`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`a"), "`` `a ``");
        assert_eq!(fence("x"), "```");
        assert_eq!(fence("````"), "`````");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(60_000), "60,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
