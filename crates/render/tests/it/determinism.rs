//! The same model gives the same bytes: across runs and across the order in
//! which files appear on disk.

use std::fs;
use std::path::Path;

use platc_render::render_all_tree;
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
