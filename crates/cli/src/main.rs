//! The `platc` binary: parses arguments, runs one command, prints, and
//! chooses the exit code. Everything else lives in `platc-spec` and
//! `platc-render`.

mod args;
mod commands;
mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// platc allocates many small strings and maps per object; mimalloc does that
/// with far less time in the allocator and fewer page faults than the system
/// allocator, on every core.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use crate::output::{Style, Verbosity};

/// How a command ended, as the exit code tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 0: done, nothing to report.
    Success,
    /// 1: differences or findings were reported.
    Differs,
    /// 2: the input or the invocation is wrong; nothing was written.
    BadInput,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Success => Self::SUCCESS,
            Outcome::Differs => Self::from(1),
            Outcome::BadInput => Self::from(2),
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { Outcome::BadInput } else { Outcome::Success }.into();
        }
    };
    let verbosity = match (cli.global.quiet, cli.global.verbose) {
        (true, _) => Verbosity::Quiet,
        (false, true) => Verbosity::Verbose,
        (false, false) => Verbosity::Normal,
    };
    let style = Style::new(cli.global.color, verbosity);
    let root = cli.global.root.clone();
    if matches!(
        cli.command,
        Command::Render(_)
            | Command::Golden(_)
            | Command::Diff(_)
            | Command::Check(_)
            | Command::Promote(_)
    ) {
        // What rendering builds on first use is built while the model loads.
        std::thread::spawn(platc_render::prepare);
    }
    let result = match cli.command {
        Command::Render(args) => commands::render::run(&root, &args, style),
        Command::Golden(args) => commands::golden::run(&root, &args, style),
        Command::Diff(args) => commands::diff::run(&root, &args, style),
        Command::Schema(args) => commands::schema::run(&args),
        Command::Check(args) => commands::check::run(&root, &args, style),
        Command::Promote(args) => commands::promote::run(&root, &args, style),
        Command::Explain(args) => commands::explain::run(&root, &args, style),
        Command::Graph(args) => commands::graph::run(&root, &args, style),
        Command::Init(args) => commands::init::run(&root, &args, style),
        Command::Completions(args) => commands::completions::completions(&args),
        Command::Man(args) => commands::completions::man(&args),
    };
    match result {
        Ok(outcome) => outcome.into(),
        Err(error) => {
            eprintln!("platc: {error:#}");
            Outcome::BadInput.into()
        }
    }
}
