//! The modules of the crate form no import loop: data flows forward, and a
//! module that needs part of another's vocabulary gets it from a smaller
//! module both use.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Each top-level module of `src/` with the modules it names as `crate::x`
/// in code (doc comments and links left out, and unit tests, which follow a
/// file's `#[cfg(test)]` and may use any module to check this one).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    let mut files = Vec::new();
    let mut pending = vec![src.clone()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    for file in files {
        let relative = file.strip_prefix(&src).expect("under src");
        let first = relative.components().next().expect("a file");
        let module = first.as_os_str().to_string_lossy().trim_end_matches(".rs").to_owned();
        if module == "lib" {
            continue;
        }
        let text = fs::read_to_string(&file).expect("readable source");
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        let used = graph.entry(module.clone()).or_insert_with(BTreeSet::new);
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (index, _) in line.match_indices("crate::") {
                let name: String = line[index + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    used.insert(name);
                }
            }
        }
    }
    graph
}

/// Depth-first search; a module met again on the current path closes a loop.
fn visit(
    module: &str,
    graph: &BTreeMap<String, BTreeSet<String>>,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) {
    if done.contains(module) {
        return;
    }
    if let Some(at) = path.iter().position(|m| m == module) {
        panic!("import loop: {} -> {module}", path[at..].join(" -> "));
    }
    path.push(module.to_owned());
    for next in graph.get(module).into_iter().flatten() {
        visit(next, graph, path, done);
    }
    path.pop();
    done.insert(module.to_owned());
}

#[test]
fn spec_modules_form_no_import_loop() {
    let graph = imports();
    assert!(graph.contains_key("source") && graph.contains_key("load"), "{graph:?}");
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        visit(module, &graph, &mut Vec::new(), &mut done);
    }
}
