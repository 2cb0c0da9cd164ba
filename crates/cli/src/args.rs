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
    /// Print errors only: no warnings and no notes on stderr (what a command
    /// outputs is unchanged).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also say what was loaded and rendered, and how long each step took.
    #[arg(short, long, global = true)]
    pub verbose: bool,
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
    /// Validate the model, render every environment, check the output and report golden drift (exit 1 on findings).
    Check(CheckArgs),
    /// Copy image tags from one environment's file to another's, editing it in place, and print the rendered diff.
    Promote(PromoteArgs),
    /// Print an environment's value at a key path and the file, line and column each part of it comes from.
    Explain(ExplainArgs),
    /// Draw an environment's service map: services, dependencies, routes and calls, as Mermaid or DOT.
    Graph(crate::commands::graph::GraphArgs),
    /// Start a platform repository: platform.yaml, a service, an environment, schemas and editor settings.
    Init(crate::commands::init::InitArgs),
    /// Print the completion script of a shell.
    Completions(crate::commands::completions::CompletionsArgs),
    /// Print platc's manual page (roff), for `man -l -` or a man directory.
    Man(crate::commands::completions::ManArgs),
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The environment: a name, its file or `env/NAME`.
    #[arg(value_name = "ENV")]
    pub environment: String,
    /// The key path, as in the file: `infrastructure.redis.replicas`, `ingress.trustedProxies[0]`; the whole environment when left out.
    #[arg(value_name = "PATH")]
    pub path: Option<String>,
    /// `text` for people, `json` for programs.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

/// How an explanation is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// Each value with where it was set, what it overrides and who inherited it.
    Text,
    /// One JSON object.
    Json,
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
pub struct CheckArgs {
    /// How to print findings: for people, for programs, or as GitHub workflow annotations.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The golden directory, relative to --root; drift is reported when it exists.
    #[arg(long, default_value = "golden", value_name = "DIR")]
    pub golden: PathBuf,
    /// The committed JSON Schemas, relative to --root; staleness is reported when it exists.
    #[arg(long, default_value = "schema", value_name = "DIR")]
    pub schema: PathBuf,
}

/// How findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Messages with source snippets.
    Text,
    /// One JSON array of findings.
    Json,
    /// GitHub Actions workflow commands (`::error file=...`), shown on the pull request.
    Github,
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
    /// Only objects of these kinds (`Deployment,Service`), e.g. to compare with other tools.
    #[arg(long, value_name = "KINDS", value_delimiter = ',')]
    pub kinds: Vec<String>,
}

#[derive(Debug, Args)]
pub struct GoldenArgs {
    /// The golden directory, relative to --root.
    #[arg(long, default_value = "golden", value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The environment to compare with its golden tree; every environment when left out.
    #[arg(value_name = "ENV", conflicts_with_all = ["from", "to"])]
    pub environment: Option<String>,
    /// Compare two environments' renders instead: this one ...
    #[arg(long, value_name = "ENV", requires = "to")]
    pub from: Option<String>,
    /// ... with this one.
    #[arg(long, value_name = "ENV", requires = "from")]
    pub to: Option<String>,
    /// The golden directory, relative to --root.
    #[arg(long, default_value = "golden", value_name = "DIR")]
    pub golden: PathBuf,
    /// Print the summary and the changed fields only, without the unified diff.
    #[arg(long)]
    pub stat: bool,
    /// `text` for a terminal, `markdown` for a pull-request comment.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// The most characters a markdown diff may have: it keeps every object's
    /// changed fields, then unified diffs while they fit, and says what it left
    /// out. The default stays below GitHub's 65,536-character comment limit.
    #[arg(long, value_name = "N", default_value_t = platc_render::diff::markdown::DEFAULT_BUDGET)]
    pub max_chars: usize,
    /// Write the diff into FILE instead of stdout (always written, also when
    /// nothing differs), e.g. for CI to post as a comment.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// How a diff is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A summary, changed fields and unified diffs, coloured on a terminal.
    Text,
    /// Collapsible sections for a pull-request comment.
    Markdown,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema to print.
    #[arg(value_enum, default_value_t = SchemaKind::Service, value_name = "KIND")]
    pub kind: SchemaKind,
    /// Write all schemas into DIR (`service.schema.json`, ...) instead of printing one.
    #[arg(long, value_name = "DIR", group = "generated")]
    pub out: Option<PathBuf>,
    /// Check that DIR holds the current schemas; exit 1 when it does not.
    #[arg(long, value_name = "DIR", group = "generated")]
    pub check: Option<PathBuf>,
    /// Write the Markdown field reference of every kind of file into FILE.
    #[arg(long, value_name = "FILE", group = "generated")]
    pub reference: Option<PathBuf>,
    /// Check that FILE holds the current field reference; exit 1 when it does not.
    #[arg(long, value_name = "FILE", group = "generated")]
    pub check_reference: Option<PathBuf>,
    /// Write the Markdown reference of every diagnostic code into FILE.
    #[arg(long, value_name = "FILE", group = "generated")]
    pub diagnostics: Option<PathBuf>,
    /// Check that FILE holds the current reference of diagnostic codes; exit 1
    /// when it does not.
    #[arg(long, value_name = "FILE", group = "generated")]
    pub check_diagnostics: Option<PathBuf>,
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
    /// `types/<name>.yaml`: an infrastructure type.
    Type,
}
