//! The crate's shape, read from its source: builders do not read the model,
//! its modules depend on each other in one direction only, and no code of
//! platc knows an infrastructure type by name (each type is its definition
//! file and, when shipped, one registration line).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The files that turn resolved values into objects or chart values; they
/// read only `resolved` and must not import `platc_spec::model`.
const BUILDERS: &[&str] = &[
    "resolved.rs",
    "applyset.rs",
    "components.rs",
    "graph.rs",
    "config.rs",
    "ingress.rs",
    "labels.rs",
    "network.rs",
    "platform.rs",
    "scaling.rs",
    "secrets.rs",
    "workload.rs",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The source without comments (doc comments may name any path).
fn code(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|line| line.split_once("//").map_or(line, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).expect("readable source directory") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Whether `code` imports anything from `platc_spec::model`, by path or in
/// a `use platc_spec::{..}` group.
fn imports_model(code: &str) -> bool {
    if code.contains("platc_spec::model") {
        return true;
    }
    code.match_indices("platc_spec::{").any(|(at, _)| {
        let group = &code[at..];
        let group = &group[..group.find(';').unwrap_or(group.len())];
        group.split(|c: char| !c.is_alphanumeric() && c != '_').any(|word| word == "model")
    })
}

#[test]
fn builders_do_not_import_the_model() {
    let builders: Vec<PathBuf> = BUILDERS.iter().map(|file| src().join(file)).collect();
    let offenders: Vec<String> = builders
        .iter()
        .filter(|path| imports_model(&code(path)))
        .map(|path| path.strip_prefix(src()).unwrap_or(path).display().to_string())
        .collect();
    assert!(offenders.is_empty(), "builders that import `platc_spec::model`: {offenders:?}");
}

#[test]
fn the_model_import_check_sees_groups() {
    assert!(imports_model("use platc_spec::model::Service;"));
    assert!(imports_model("use platc_spec::{Diagnostic, model::Service};"));
    assert!(!imports_model("use platc_spec::{Diagnostic, names::ServiceName};"));
}

/// The top-level module a source file belongs to: `resolve/service.rs` is
/// part of `resolve`, `workload.rs` is `workload`.
fn module_of(path: &Path) -> String {
    let relative = path.strip_prefix(src()).expect("below src");
    let first = relative.components().next().expect("a component");
    first.as_os_str().to_string_lossy().trim_end_matches(".rs").to_owned()
}

/// The top-level modules `code` names through `crate::`, in paths and in
/// `use crate::{a, b::c}` groups.
fn dependencies(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Names at the group's first level: `a`, `b` of `{a, b::c, d::{e}}`.
            let mut depth = 0;
            let mut word = String::new();
            let mut first = true;
            for c in group.chars() {
                if depth == 0 && first && (c.is_alphanumeric() || c == '_') {
                    word.push(c);
                    continue;
                }
                if !word.is_empty() {
                    found.insert(std::mem::take(&mut word));
                    first = false;
                }
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => first = true,
                    _ => {}
                }
            }
            if !word.is_empty() {
                found.insert(word);
            }
        } else {
            let name: String =
                rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// Which top-level module depends on which.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in rust_files(&src()) {
        let module = module_of(&path);
        if module == "lib" {
            continue;
        }
        let uses = dependencies(&code(&path));
        let entry = graph.entry(module.clone()).or_default();
        entry.extend(uses.into_iter().filter(|used| *used != module));
    }
    // Names at the crate root (`crate::Diagnostic` re-exports) are not modules.
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for uses in graph.values_mut() {
        uses.retain(|used| modules.contains(used));
    }
    graph
}

/// A cycle in `graph`, as the path of modules around it.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        module: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|m| m == module) {
            let mut cycle = path[start..].to_vec();
            cycle.push(module.to_owned());
            return Some(cycle);
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_owned());
        for used in graph.get(module).into_iter().flatten() {
            if let Some(cycle) = visit(used, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(module.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|module| visit(module, graph, &mut Vec::new(), &mut done))
}

#[test]
fn modules_depend_on_each_other_in_one_direction() {
    let graph = module_graph();
    assert!(graph.len() > 20, "too few modules found: {graph:?}");
    if let Some(cycle) = cycle(&graph) {
        panic!("the modules form an import loop: {}", cycle.join(" → "));
    }
}

#[test]
fn resolved_values_depend_on_no_stage() {
    let graph = module_graph();
    let resolved = &graph["resolved"];
    // Types of values, not stages: releases, objects, and the specs of
    // custom resources (a middleware is settled into Traefik's terms).
    let allowed: BTreeSet<String> = ["crd", "helm", "object"].map(str::to_owned).into();
    assert!(resolved.is_subset(&allowed), "`resolved` depends on {resolved:?}");
    for builder in BUILDERS.iter().map(|file| file.trim_end_matches(".rs")) {
        assert!(
            !graph[builder].contains("resolve") && !graph[builder].contains("validate"),
            "the builder `{builder}` depends on an earlier stage: {:?}",
            graph[builder]
        );
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"])]
            .into_iter()
            .map(|(m, uses)| (m.to_owned(), uses.into_iter().map(str::to_owned).collect()))
            .collect();
    assert_eq!(
        cycle(&graph),
        Some(vec!["a", "b", "c", "a"].into_iter().map(String::from).collect())
    );
    assert_eq!(
        dependencies("use crate::{a, b::c, d::{e, f}};\nlet x = crate::g::h();"),
        ["a", "b", "d", "g"].into_iter().map(String::from).collect()
    );
}

/// The names of the infrastructure types platc ships, read from their
/// definition files in `crates/spec/types/`.
fn shipped_type_names() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/types");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("the shipped types are readable")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .map(|path| {
            let text = fs::read_to_string(&path).expect("a definition");
            let name = text.lines().find_map(|line| line.strip_prefix("name: "));
            name.unwrap_or_else(|| panic!("{}: no `name:` line", path.display())).trim().to_owned()
        })
        .collect();
    names.sort();
    names
}

/// The places `code` names the type `name` as code rather than in prose: a
/// string literal (`"kafka"`), a module (`mod kafka`), or a path segment
/// in any case (`kafka::`, `DependencyType::Kafka`).
fn names_type(code: &str, name: &str) -> bool {
    let lower = code.to_ascii_lowercase();
    lower.contains(&format!("\"{name}\""))
        || lower.contains(&format!("mod {name}"))
        || lower.contains(&format!("{name}::"))
        || lower.match_indices(&format!("::{name}")).any(|(at, found)| {
            !lower[at + found.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        })
}

/// Everything platc knows about one infrastructure type is in its
/// definition: no source file of the product (tests aside) names a shipped
/// type, except the line of `builtin_types!` that registers it. So adding a
/// type is one new file and, to ship it, one registration line.
#[test]
fn no_code_knows_an_infrastructure_type_by_name() {
    let names = shipped_type_names();
    assert_eq!(names, ["kafka", "mysql", "postgres", "rabbitmq", "redis"]);
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut offenders = Vec::new();
    for krate in ["spec", "render", "cli"] {
        for path in rust_files(&crates.join(krate).join("src")) {
            let code = code(&path);
            // Unit tests may name any type.
            let product = code.split("#[cfg(test)]").next().unwrap_or_default();
            let shown = path.strip_prefix(&crates).unwrap_or(&path).display().to_string();
            for name in names.iter().filter(|name| names_type(product, name)) {
                offenders.push(format!("{shown}: {name}"));
            }
        }
    }
    assert!(offenders.is_empty(), "code that knows a type by name: {offenders:?}");
    let registry = code(&crates.join("spec/src/model/types.rs"));
    for name in &names {
        assert_eq!(
            registry.matches(&format!("\"{name}.yaml\" with ")).count(),
            1,
            "`{name}` is registered in one line of `builtin_types!`"
        );
    }
}

#[test]
fn the_type_name_check_sees_code_not_prose() {
    assert!(names_type("match kind { \"kafka\" => 1 }", "kafka"));
    assert!(names_type("mod kafka;", "kafka"));
    assert!(names_type("use crate::infra::kafka::TYPE;", "kafka"));
    assert!(names_type("DependencyType::Kafka => 9092,", "kafka"));
    assert!(!names_type("let text = \"by type (postgres, kafka)\";", "kafka"));
    assert!(!names_type("Output::Kafkaesque", "kafka"));
}
