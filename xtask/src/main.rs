//! Development tools of the platc repository, run as `cargo xtask <tool>`
//! (an alias in `.cargo/config.toml`): they build and use the libraries and
//! the `platc` binary but are not part of what users install.
//!
//! - `generate`: write a synthetic platform of N services.
//! - `bench`: measure the pipeline on generated platforms and print a table
//!   (`BENCHMARKS.md` says how to read it); `bench --interleaved` compares
//!   platc with the serde floor and the peers, round by round.

mod bench;
mod generate;
mod interleaved;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// platc's development tools.
#[derive(Debug, Parser)]
#[command(name = "xtask", bin_name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Tool,
}

#[derive(Debug, Subcommand)]
enum Tool {
    /// Write a synthetic platform of N services, for benchmarks.
    Generate(GenerateArgs),
    /// Measure the pipeline on generated platforms and print a table.
    Bench(BenchArgs),
    /// Run a program and print its peak memory in KiB (used by `bench`).
    #[command(hide = true)]
    Peak(PeakArgs),
}

/// What `generate` writes.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// How many services.
    #[arg(long, default_value_t = 1000)]
    pub services: usize,
    /// The directory to write the platform to; replaced if it exists.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write the peer benchmark's workload instead of a realistic platform.
    #[arg(long)]
    pub peers: bool,
}

/// What `bench` measures.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Platform sizes, in services [default: 25,1000,5000; with
    /// `--interleaved` 1000,5000].
    #[arg(long, value_delimiter = ',')]
    pub sizes: Vec<usize>,
    /// Timed runs per figure (after one warm-up); the median is reported.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Measure the peer benchmark's workload (one environment, four objects per service).
    #[arg(long)]
    pub peers: bool,
    /// The platc binary to run for whole commands; by default the release
    /// build, built first.
    #[arg(long, value_name = "PATH")]
    pub platc: Option<PathBuf>,
    /// Compare platc with the serde floor and the peers on the peers'
    /// workload instead, whole processes taking turns round by round
    /// (`--runs` rounds after a warm-up; `--sizes` defaults to 1000,5000).
    #[arg(long)]
    pub interleaved: bool,
    /// The peers to compare with (`--interleaved`): kcl, cdk8s, go-jsonnet,
    /// jsonnet, dhall.
    #[arg(long, value_delimiter = ',', default_values_t = ["kcl".to_owned(), "cdk8s".to_owned()])]
    pub versus: Vec<String>,
    /// Another platc binary (an earlier build) to time in the same rounds
    /// (`--interleaved`), for figures before and after a change.
    #[arg(long, value_name = "PATH")]
    pub baseline: Option<PathBuf>,
    /// The peer benchmark's directory (`--interleaved`): its `gen.py` writes
    /// each tool's input; the tools are those its `install.sh` installed
    /// into `BENCH_HOME` (default `~/.cache/platc-bench`).
    #[arg(long, value_name = "DIR", default_value = "../shared/bench")]
    pub peer_bench: PathBuf,
}

impl BenchArgs {
    /// The sizes asked for, or those of the mode.
    #[must_use]
    pub fn sizes(&self) -> Vec<usize> {
        match (self.sizes.is_empty(), self.interleaved) {
            (false, _) => self.sizes.clone(),
            (true, false) => vec![25, 1000, 5000],
            (true, true) => vec![1000, 5000],
        }
    }
}

/// The run `peak` measures.
#[derive(Debug, Args)]
pub struct PeakArgs {
    /// The program to run.
    pub program: PathBuf,
    /// Its arguments.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Tool::Generate(args) => generate::run(args),
        Tool::Bench(args) => bench::run(args),
        Tool::Peak(args) => bench::peak_of_child(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}
