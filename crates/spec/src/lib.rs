//! The platc model: services, environments, platform settings and
//! infrastructure types, how they
//! are loaded from YAML, validated, and described as JSON Schema.
//!
//! This crate owns the *input*: the types users write (in YAML or in Rust),
//! located diagnostics, and the cross checks that need only the model. It
//! knows nothing about Kubernetes objects or output files, and it never prints
//! or exits. Its file access is [`load::load_dir`] and [`load::read_file`]
//! (reading) and [`file::replace_file`] (the one atomic writer, which
//! `platc promote` and the output tree writer share).
//!
//! Pipeline position: **load → validate** → resolve → build → emit → diff.

// A library reports through return values; printing and exiting belong to the binary.
#![deny(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

pub mod chart_keys;
pub mod code;
pub mod cron;
pub mod diagnostic;
pub mod edit;
pub mod explain;
pub mod extends;
pub mod file;
mod kubernetes;
pub mod load;
pub mod model;
pub mod names;
pub mod parallel;
pub mod position;
pub mod promote;
pub mod quantity;
pub mod reference;
pub mod scaffold;
pub mod schema;
pub mod source;
pub mod validate;

pub use code::Code;
pub use diagnostic::{Diagnostic, Diagnostics, Origin, Severity};
pub use load::{LoadFailure, Loaded, Sources, load_dir};
pub use model::{Environment, Platform, PlatformSettings, Service};
