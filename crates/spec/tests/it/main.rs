//! Integration tests of loading and validation.

mod fixtures;
mod load;
