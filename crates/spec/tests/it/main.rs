//! Integration tests of loading and validation.

#![allow(
    clippy::must_use_candidate,
    clippy::missing_panics_doc,
    reason = "test helpers panic by design and their results are always used"
)]

mod extends;
mod fixtures;
mod load;
mod modules;
mod promote;
mod properties;
