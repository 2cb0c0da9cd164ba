//! Integration tests of rendering.

#![allow(
    clippy::must_use_candidate,
    clippy::missing_panics_doc,
    reason = "test helpers panic by design and their results are always used"
)]

mod architecture;
mod check;
mod crds;
mod cronjob;
mod defaults;
mod determinism;
mod graph;
mod hatches;
mod infra;
mod labels;
mod library;
mod markdown;
mod network;
mod plaintext;
mod properties;
mod routing;
mod snapshots;
mod traefik;
mod types;
mod yaml;

use std::path::{Path, PathBuf};

use platc_spec::{Platform, load_dir};

/// The path of a fixture platform.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Loads a fixture platform that must be valid.
pub fn load(name: &str) -> Platform {
    match load_dir(&fixture(name)) {
        Ok(loaded) => loaded.platform,
        Err(failure) => panic!("{}", failure.sources.render(&failure.diagnostics, false)),
    }
}
