//! `platc completions SHELL` and `platc man`: the shell completion script
//! and the manual page, both generated from the argument definitions of the
//! binary that prints them, so they never go stale.

use std::fs;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, CommandFactory as _};
use clap_complete::Shell;

use crate::Outcome;
use crate::args::Cli;
use crate::output::print;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash (`source <(platc completions bash)`), zsh (into a
    /// directory of `$fpath` as `_platc`), fish (`~/.config/fish/completions/platc.fish`),
    /// elvish or powershell.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command into DIR (`platc.1`, `platc-render.1`, ...)
    /// instead of printing `platc.1`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Prints the completion script of a shell.
pub fn completions(args: &CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "platc", &mut script);
    print(&String::from_utf8_lossy(&script))?;
    Ok(Outcome::Success)
}

/// Prints the manual page (the synopsis, every option and every command with
/// what it does), or writes the pages of every command into a directory.
pub fn man(args: &ManArgs) -> anyhow::Result<Outcome> {
    // `platc help` is `--help`; it gets no page of its own.
    let command = Cli::command().disable_help_subcommand(true);
    if let Some(dir) = &args.out {
        fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
        clap_mangen::generate_to(command, dir)
            .with_context(|| format!("cannot write the manual pages into `{}`", dir.display()))?;
        return Ok(Outcome::Success);
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(command).render(&mut page)?;
    print(&String::from_utf8_lossy(&page))?;
    Ok(Outcome::Success)
}
