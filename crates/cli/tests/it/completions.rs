//! `platc completions SHELL` and `platc man`.

use crate::{platc, workspace};

/// Every command of platc, as the completions and the manual must list them.
const COMMANDS: [&str; 10] = [
    "render",
    "golden",
    "diff",
    "schema",
    "check",
    "promote",
    "graph",
    "init",
    "completions",
    "man",
];

#[test]
fn completions_name_every_command() {
    let dir = workspace();
    for (shell, marker) in
        [("bash", "_platc()"), ("zsh", "#compdef platc"), ("fish", "complete -c platc")]
    {
        let run = platc(&dir, &["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(
            run.stdout.contains(marker),
            "{shell}: {}",
            &run.stdout[..200.min(run.stdout.len())]
        );
        for command in COMMANDS {
            assert!(run.stdout.contains(command), "{shell} completions lack `{command}`");
        }
        // Options of commands complete too.
        assert!(run.stdout.contains("max-chars"), "{shell}");
    }
    let fish = platc(&dir, &["completions", "fish"]).stdout;
    assert!(fish.contains("-a \"graph\""), "{fish}");
    let unknown = platc(&dir, &["completions", "tcsh"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("possible values: bash"), "{}", unknown.stderr);
}

#[test]
fn the_manual_names_every_command() {
    let run = platc(&workspace(), &["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = &run.stdout;
    assert!(page.contains(".TH platc 1"), "{page}");
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    for command in COMMANDS {
        assert!(page.contains(&format!("platc\\-{command}(1)")), "the manual lacks `{command}`");
    }
    assert!(!page.contains("platc\\-help(1)"), "help has no page");
    assert!(page.contains("\\-\\-quiet"), "global options are documented");

    let tmp = tempfile::tempdir().expect("tmp");
    let out = platc(tmp.path(), &["man", "--out", "man1"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for command in COMMANDS {
        let page = std::fs::read_to_string(tmp.path().join(format!("man1/platc-{command}.1")))
            .unwrap_or_else(|e| panic!("platc-{command}.1: {e}"));
        assert!(page.contains(&format!(".TH platc-{command} 1")), "{page}");
    }
    assert!(tmp.path().join("man1/platc.1").is_file());
}
