//! The library: a platform built in Rust renders exactly like its YAML twin.

use platc_render::render_all_tree;

use crate::load;

#[path = "../../examples/platform_in_rust.rs"]
#[allow(dead_code, reason = "the example's main is not called here")]
mod example;

#[test]
fn a_platform_built_in_rust_renders_like_its_yaml_twin() {
    let in_rust = example::shop().expect("the example builds");
    let from_yaml = load("in-rust");
    assert_eq!(in_rust, from_yaml, "the same model");
    assert!(platc_spec::validate::validate(&in_rust).is_empty());
    let rust_tree = render_all_tree(&in_rust).expect("renders");
    assert_eq!(rust_tree, render_all_tree(&from_yaml).expect("renders"), "the same bytes");
    assert!(
        rust_tree
            .get("production/manifests/services/api/deployment.yaml")
            .is_some_and(|d| d.contains("replicas: 4"))
    );
}
