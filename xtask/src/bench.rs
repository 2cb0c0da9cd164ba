//! `cargo xtask bench`: measures the pipeline on generated platforms of
//! several sizes and prints a table — load and validate, one environment,
//! every environment, writing the golden tree into a new directory and over
//! an unchanged one, diffing it unchanged and with 1% of services changed,
//! whole commands with start-up, and peak memory.
//!
//! Phases run in this process, through the libraries (median of `--runs`);
//! whole commands run the release `platc` binary, which the benchmark builds
//! first. Peak memory is that of a `platc` run alone: a helper process
//! (`xtask peak`) starts it, waits for it, and reads the peak resident set
//! of its one child from the kernel.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use platc_render::{diff_trees, read_tree, render_all, render_all_tree, render_files, write_tree};
use platc_spec::load_dir;

use crate::{BenchArgs, GenerateArgs, PeakArgs};

/// Measures every size `args` names and prints the table on stdout.
pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    if args.interleaved {
        return crate::interleaved::run(args);
    }
    let exe = match &args.platc {
        Some(path) => path.clone(),
        None => build_platc()?,
    };
    let work = tempfile::tempdir().context("cannot create a temporary directory")?;
    let mut table = String::from(
        "| N services | objects | load + validate | render production | render --all | write golden (new) | write golden (unchanged) | diff unchanged | diff 1% changed | `render production` (process) | `render --all --out` (process) | `diff` (process) | peak memory: render | peak memory: `diff` |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for n in args.sizes() {
        let root = work.path().join(format!("platform-{n}"));
        crate::generate::run(&GenerateArgs { services: n, out: root.clone(), peers: args.peers })?;
        let row = measure(&exe, &root, n, args.runs, args.peers)?;
        table.push_str(&row);
        eprintln!("xtask bench: {n} services done");
    }
    print!("{table}");
    Ok(())
}

/// Builds the release `platc` (the binary users run) and returns its path,
/// beside this program's in the same target directory.
pub(crate) fn build_platc() -> anyhow::Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--locked", "-p", "platc"])
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("`cargo build --release -p platc` failed");
    }
    let here = std::env::current_exe().context("cannot find the xtask binary")?;
    let exe = here.with_file_name(format!("platc{}", std::env::consts::EXE_SUFFIX));
    if !exe.is_file() {
        bail!("no platc binary at `{}`; pass it with --platc", exe.display());
    }
    Ok(exe)
}

/// The kinds the peer benchmark renders; the rest is filtered out in `--peers` mode.
pub(crate) const PEER_KINDS: [&str; 4] = ["Deployment", "Service", "ConfigMap", "IngressRoute"];

fn measure(exe: &Path, root: &Path, n: usize, runs: usize, peers: bool) -> anyhow::Result<String> {
    let load = median(runs, || {
        load_dir(root).map(drop).map_err(|f| anyhow::anyhow!("{} errors", f.diagnostics.len()))
    })?;
    let platform = load_dir(root)
        .map_err(|_| anyhow::anyhow!("the generated platform does not load"))?
        .platform;
    // What `platc render production [--kinds ...]` does: files, then the stream.
    let one = median(runs, || {
        let keep = |object: &platc_render::Object| !peers || PEER_KINDS.contains(&object.kind());
        let files =
            render_files(&platform, "production", keep).map_err(|d| anyhow::anyhow!("{d:?}"))?;
        Ok(files.tree.manifest_stream().len())
    })?;
    let objects: usize = render_all(&platform)
        .map_err(|d| anyhow::anyhow!("{d:?}"))?
        .iter()
        .map(|r| r.objects.len())
        .sum();
    let all = median(runs, || {
        render_all_tree(&platform).map(drop).map_err(|d| anyhow::anyhow!("{d:?}"))
    })?;
    let golden = root.join("golden");
    let tree = render_all_tree(&platform).map_err(|d| anyhow::anyhow!("{d:?}"))?;
    // New directories each time: removing trees between runs would make the
    // file system's inode allocation, not platc, the thing measured.
    let mut fresh = 0;
    let write_new = median(runs, || {
        fresh += 1;
        write_tree(&tree, &root.join(format!("golden-{fresh}"))).map_err(anyhow::Error::from)
    })?;
    let write_same = median(runs, || write_tree(&tree, &golden).map_err(anyhow::Error::from))?;
    let diff_same = median(runs, || diff_against(&platform, &golden, 0))?;

    // 1% of the services change a variable.
    let mut changed = platform.clone();
    for service in changed.services.iter_mut().step_by(100) {
        service.env.insert(
            "LOG_LEVEL".try_into().map_err(|e| anyhow::anyhow!("{e}"))?,
            "debug".to_owned(),
        );
    }
    let expected = changed.services.len().div_ceil(100);
    let diff_changed = median(runs, || diff_against(&changed, &golden, expected))?;

    let root_arg = root.to_string_lossy().into_owned();
    let out_dir = root.join("out").to_string_lossy().into_owned();
    let kinds = PEER_KINDS.join(",");
    let mut render_one = vec!["--root", &root_arg, "render", "production"];
    if peers {
        render_one.extend(["--kinds", &kinds]);
    }
    let process_one = median(runs, || child(exe, &render_one))?;
    let process_all =
        median(runs, || child(exe, &["--root", &root_arg, "render", "--all", "--out", &out_dir]))?;
    let process_diff = median(runs, || child(exe, &["--root", &root_arg, "diff", "--stat"]))?;
    // Peak memory of the render (`--peers`: one environment printed, else
    // every environment written) and of a diff of every environment.
    let strings = |args: &[&str]| args.iter().map(|&a| a.to_owned()).collect::<Vec<_>>();
    let here = Path::new(".");
    let peak_render = if peers {
        peak(exe, &strings(&render_one), here)?
    } else {
        peak(exe, &strings(&["--root", &root_arg, "render", "--all", "--out", &out_dir]), here)?
    };
    let peak_diff = peak(exe, &strings(&["--root", &root_arg, "diff", "--stat"]), here)?;
    let mb =
        |peak: Option<u64>| peak.map_or_else(|| "?".to_owned(), |kb| format!("{} MB", kb / 1024));

    Ok(format!(
        "| {n} | {objects} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
        ms(load),
        ms(one),
        ms(all),
        ms(write_new),
        ms(write_same),
        ms(diff_same),
        ms(diff_changed),
        ms(process_one),
        ms(process_all),
        ms(process_diff),
        mb(peak_render),
        mb(peak_diff),
    ))
}

/// Renders every environment and compares with the golden tree: each of the
/// `expected` changed services changes its workload in every environment
/// (so the measured work is real).
fn diff_against(
    platform: &platc_spec::Platform,
    golden: &Path,
    expected: usize,
) -> anyhow::Result<()> {
    let old = read_tree(golden)?;
    let new = render_all_tree(platform).map_err(|d| anyhow::anyhow!("{d:?}"))?;
    let diff = diff_trees(&old, &new);
    if diff.changes.len() != expected * platform.environments.len() {
        bail!(
            "the diff found {} changes, expected {}",
            diff.changes.len(),
            expected * platform.environments.len()
        );
    }
    Ok(())
}

/// Runs a program (platc) with stdout discarded; fails unless it exits 0 or 1.
fn child(exe: &Path, args: &[&str]) -> anyhow::Result<()> {
    let output = Command::new(exe)
        .args(args)
        .env_remove("NO_COLOR")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .context("cannot run platc")?;
    if !matches!(output.status.code(), Some(0 | 1)) {
        bail!(
            "{} {} failed: {}",
            exe.display(),
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// The peak memory in KiB of one run of `program` in `dir`, measured by `xtask peak`.
pub(crate) fn peak(program: &Path, args: &[String], dir: &Path) -> anyhow::Result<Option<u64>> {
    let here = std::env::current_exe().context("cannot find the xtask binary")?;
    let output = Command::new(here)
        .arg("peak")
        .arg(program)
        .args(args)
        .current_dir(dir)
        .stderr(Stdio::inherit())
        .output()
        .context("cannot run xtask peak")?;
    if !output.status.success() {
        bail!("{} {} failed", program.display(), args.join(" "));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().parse().ok())
}

/// `xtask peak PLATC ARGS...`: runs platc, its only child, and prints the
/// child's peak resident set in KiB. The kernel keeps the largest peak of
/// the children a process has waited for, so one child per process makes
/// the figure that run's own.
pub fn peak_of_child(args: &PeakArgs) -> anyhow::Result<()> {
    child(&args.program, &args.args.iter().map(String::as_str).collect::<Vec<_>>())?;
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .context("cannot read the resource usage of the child")?;
    // Linux reports the maximum resident set size in KiB.
    println!("{}", usage.max_rss());
    Ok(())
}

/// The median wall time of `runs` runs, after one warm-up run.
fn median<T>(runs: usize, mut f: impl FnMut() -> anyhow::Result<T>) -> anyhow::Result<Duration> {
    f()?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        f()?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2])
}

fn ms(duration: Duration) -> String {
    let mut out = String::new();
    let millis = duration.as_secs_f64() * 1000.0;
    let _ =
        if millis < 10.0 { write!(out, "{millis:.1} ms") } else { write!(out, "{millis:.0} ms") };
    out
}
