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

#[test]
fn several_environments_render_into_one_tree_with_their_warnings() {
    let platform = load("routing");
    let names: Vec<&str> = platform.environments.iter().map(|e| e.name.as_str()).collect();
    let all = platc_render::render_environments(&platform, &names, |_| true).expect("renders");
    assert_eq!(all.tree, render_all_tree(&platform).expect("renders"));
    let rendered: Vec<&str> =
        all.environments.iter().map(platc_spec::names::EnvName::as_str).collect();
    assert_eq!(rendered, names, "in the order asked");
    assert!(!all.warnings.is_empty(), "the legacy environment trusts no proxy");

    let deployments = platc_render::render_environments(&platform, &["production"], |object| {
        object.kind() == "Deployment"
    })
    .expect("renders");
    let manifests: Vec<&str> = deployments.tree.manifests().collect();
    assert!(!manifests.is_empty());
    assert!(
        deployments
            .tree
            .iter()
            .filter(|(path, _)| path.starts_with("production/manifests/"))
            .all(|(_, text)| text.contains("kind: Deployment")),
        "only the kinds asked for"
    );
    assert!(deployments.tree.get("production/applyset.yaml").is_some(), "always there");

    let errors = platc_render::render_environments(&platform, &["production", "prod"], |_| true)
        .expect_err("an unknown environment");
    assert_eq!(errors.len(), 1, "{errors:?}");
}
