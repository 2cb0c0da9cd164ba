//! `platc bench` (hidden): measures the pipeline on generated platforms of
//! several sizes and prints a table — load and validate, one environment,
//! every environment, writing the golden tree into a new directory and over
//! an unchanged one, diffing it unchanged and with 1% of services changed,
//! whole commands with start-up, and peak memory.
//!
//! Phases run in this process (median of `--runs`); whole commands and peak
//! memory run the `platc` binary itself as a child, which reports its own
//! peak resident set (`VmHWM`) when asked through `PLATC_REPORT_PEAK`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use platc_render::{diff_trees, read_tree, render_all, render_all_tree, render_files, write_tree};
use platc_spec::load_dir;

use crate::Outcome;
use crate::args::{BenchArgs, GenerateArgs};

/// The environment variable that makes `platc` print its peak memory on exit.
pub const REPORT_PEAK: &str = "PLATC_REPORT_PEAK";

pub fn run(args: &BenchArgs) -> anyhow::Result<Outcome> {
    let exe = std::env::current_exe().context("cannot find the platc binary")?;
    let work = tempfile::tempdir().context("cannot create a temporary directory")?;
    let mut table = String::from(
        "| N services | objects | load + validate | render production | render --all | write golden (new) | write golden (unchanged) | diff unchanged | diff 1% changed | `render production` (process) | `render --all --out` (process) | `diff` (process) | peak memory: render | peak memory: `diff` |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for &n in &args.sizes {
        let root = work.path().join(format!("platform-{n}"));
        super::generate::run(&GenerateArgs { services: n, out: root.clone(), peers: args.peers })?;
        let row = measure(&exe, &root, n, args.runs, args.peers)?;
        table.push_str(&row);
        eprintln!("platc bench: {n} services done");
    }
    crate::output::print(&table)?;
    Ok(Outcome::Success)
}

/// The kinds the peer benchmark renders; the rest is filtered out in `--peers` mode.
const PEER_KINDS: [&str; 4] = ["Deployment", "Service", "ConfigMap", "IngressRoute"];

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
    let process_one = median(runs, || child(exe, &render_one).map(drop))?;
    let process_all = median(runs, || {
        child(exe, &["--root", &root_arg, "render", "--all", "--out", &out_dir]).map(drop)
    })?;
    let process_diff =
        median(runs, || child(exe, &["--root", &root_arg, "diff", "--stat"]).map(drop))?;
    // Peak memory of the render (`--peers`: one environment printed, else
    // every environment written) and of a diff of every environment.
    let peak = if peers {
        child(exe, &render_one)?
    } else {
        child(exe, &["--root", &root_arg, "render", "--all", "--out", &out_dir])?
    };
    let peak_diff = child(exe, &["--root", &root_arg, "diff", "--stat"])?;
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
        mb(peak),
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

/// Runs platc as a child with stdout discarded; returns its peak memory in KiB.
fn child(exe: &Path, args: &[&str]) -> anyhow::Result<Option<u64>> {
    let output = Command::new(exe)
        .args(args)
        .env(REPORT_PEAK, "1")
        .env_remove("NO_COLOR")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .context("cannot run platc")?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !matches!(output.status.code(), Some(0 | 1)) {
        bail!("platc {} failed: {stderr}", args.join(" "));
    }
    Ok(stderr
        .lines()
        .find_map(|l| l.strip_prefix("platc: peak memory "))
        .and_then(|v| v.trim_end_matches(" kB").parse().ok()))
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

/// The peak resident set size of this process in KiB, from `/proc/self/status`.
#[must_use]
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
