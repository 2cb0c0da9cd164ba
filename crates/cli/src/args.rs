//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Compile a platform model (services, environments, infrastructure) into
/// plain Kubernetes YAML.
#[derive(Debug, Parser)]
#[command(name = "platc", version, about, long_about = None, arg_required_else_help = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// The platform repository: the directory holding `services/` and `environments/`.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// When to colour output; `auto` colours a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile one environment (or all) to a YAML stream or a directory tree.
    Render(RenderArgs),
    /// Re-render every environment into the golden directory.
    Golden(GoldenArgs),
    /// Compare rendered output with the golden directory (exit 1 when it differs).
    Diff(DiffArgs),
    /// Print the JSON Schema of service, environment or platform files.
    Schema(SchemaArgs),
    /// Copy image tags from one environment's file to another's, editing it in place, and print the rendered diff.
    Promote(PromoteArgs),
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The environment: a name (`production`), its file (`environments/production.yaml`) or `env/production`.
    #[arg(required_unless_present = "all", conflicts_with = "all", value_name = "ENV")]
    pub environment: Option<String>,
    /// Render every environment (with --out: one directory per environment).
    #[arg(long)]
    pub all: bool,
    /// Write one file per object into DIR instead of printing a stream; DIR is replaced atomically.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GoldenArgs {
    /// The golden directory, relative to --root.
    #[arg(long, default_value = "golden", value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The environment to compare; every environment when left out.
    #[arg(value_name = "ENV")]
    pub environment: Option<String>,
    /// The golden directory, relative to --root.
    #[arg(long, default_value = "golden", value_name = "DIR")]
    pub golden: PathBuf,
    /// Print the summary only, without the unified diff.
    #[arg(long)]
    pub stat: bool,
}

#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// The services whose tags to copy.
    #[arg(required_unless_present = "all", conflicts_with = "all", value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Copy the tag of every service.
    #[arg(long)]
    pub all: bool,
    /// The environment to copy the tags from: a name, its file or `env/NAME`.
    #[arg(long, value_name = "ENV")]
    pub from: String,
    /// The environment whose file receives the tags.
    #[arg(long, value_name = "ENV")]
    pub to: String,
    /// Print the diff the promotion would cause, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema to print.
    #[arg(value_enum, default_value_t = SchemaKind::Service, value_name = "KIND")]
    pub kind: SchemaKind,
    /// Write all schemas into DIR (`service.schema.json`, ...) instead of printing one.
    #[arg(long, value_name = "DIR", conflicts_with = "check")]
    pub out: Option<PathBuf>,
    /// Check that DIR holds the current schemas; exit 1 when it does not.
    #[arg(long, value_name = "DIR")]
    pub check: Option<PathBuf>,
}

/// The kinds of model files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// `services/<name>.yaml`.
    Service,
    /// `environments/<name>.yaml`.
    Environment,
    /// `platform.yaml`.
    Platform,
}
