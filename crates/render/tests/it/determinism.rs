//! The same model gives the same bytes: across runs and across the order in
//! which files appear on disk.

use std::fs;
use std::path::Path;

use platc_render::{render, render_all_tree, render_files};
use platc_spec::load_dir;

use crate::{fixture, load};

#[test]
fn rendering_twice_gives_identical_bytes() {
    let platform = load("basic");
    let first = render_all_tree(&platform).expect("renders");
    let second = render_all_tree(&platform).expect("renders");
    assert_eq!(first, second);
    assert!(!first.is_empty());
}

fn copy_files(from: &Path, to: &Path, reverse: bool) {
    let mut files = Vec::new();
    collect(from, from, &mut files);
    files.sort();
    if reverse {
        files.reverse();
    }
    for relative in files {
        let target = to.join(&relative);
        fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        fs::copy(from.join(&relative), target).expect("copy");
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            out.push(path.strip_prefix(root).expect("prefix").to_path_buf());
        }
    }
}

#[test]
fn file_creation_order_does_not_change_the_output() {
    let forward = tempfile::tempdir().expect("tmp");
    let backward = tempfile::tempdir().expect("tmp");
    copy_files(&fixture("basic"), forward.path(), false);
    copy_files(&fixture("basic"), backward.path(), true);
    let render =
        |dir: &Path| render_all_tree(&load_dir(dir).expect("loads").platform).expect("renders");
    assert_eq!(render(forward.path()), render(backward.path()));
}

/// The path the command line takes (objects serialized and dropped per
/// service) gives exactly the files of the typed render.
#[test]
fn render_files_equals_the_tree_of_the_typed_render() {
    let platform = load("basic");
    for env in &platform.environments {
        let name = env.name.as_str();
        let typed = render(&platform, name).expect("renders").tree().expect("serializes");
        let files = render_files(&platform, name, |_| true).expect("renders");
        assert_eq!(files.environment.as_str(), name);
        assert_eq!(files.tree, typed, "environment {name}");
    }
}

#[test]
fn render_files_keeps_only_the_objects_asked_for() {
    let platform = load("basic");
    let all = render_files(&platform, "production", |_| true).expect("renders").tree;
    let kept = render_files(&platform, "production", |object| object.kind() == "Service")
        .expect("renders")
        .tree;
    // Every Service manifest and the files that are not objects stay; no
    // other manifest does.
    let expected: Vec<(&str, &str)> = all
        .iter()
        .filter(|(path, _)| {
            !platc_render::emit::is_manifest(path) || path.ends_with("/service.yaml")
        })
        .collect();
    assert!(expected.iter().any(|(path, _)| path.ends_with("/service.yaml")), "{expected:?}");
    assert!(expected.len() < all.iter().count());
    assert_eq!(kept.iter().collect::<Vec<_>>(), expected);
}
