//! The README's "From an empty cluster" steps against a real API server
//! (`tests/cluster/`): every environment of the example platform is
//! rendered, applied with the README's own command lines, checked object by
//! object, then a service is removed from the model and the everyday
//! command prunes exactly its objects.
//!
//! Runs when `PLATC_TEST_KUBECONFIG` names the kubeconfig of a running test
//! cluster and `kubectl` is on `PATH` (`source tests/cluster/env.sh`);
//! otherwise it says why it is skipped and passes.
//!
//! Steps 3 and 5 run Helm charts, which need a scheduler and kubelets the
//! test cluster does not have. What step 3 gives the manifests is the CRDs
//! of the platform releases: Traefik's and MetalLB's come from `crds/`
//! (step 1), and external-secrets' `ExternalSecret` CRD, which its chart
//! installs, is applied from a fixture (`tests/fixtures/cluster/`, the file
//! of external-secrets v2.9.0) in place of step 3.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use crate::{copy_dir, platc, workspace};

/// The service the test removes: a web service nothing else refers to.
const REMOVED: &str = "admin-ui";

/// The README's numbered steps of "From an empty cluster", by number.
fn readme_steps() -> BTreeMap<u32, String> {
    let readme = fs::read_to_string(workspace().join("README.md")).expect("README.md");
    let section = readme
        .split("### From an empty cluster")
        .nth(1)
        .expect("README has a section \"From an empty cluster\"");
    let mut steps = BTreeMap::new();
    for line in section.lines().take_while(|l| !l.starts_with("###")) {
        let Some((number, rest)) = line.split_once(". `") else { continue };
        let Ok(number) = number.parse::<u32>() else { continue };
        let command = rest.strip_suffix('`').expect("a step is one command in backquotes");
        steps.insert(number, command.to_owned());
    }
    assert_eq!(steps.len(), 5, "five steps in the README: {steps:#?}");
    steps
}

/// The kubeconfig of the test cluster, or why there is none.
fn cluster() -> Result<String, String> {
    let kubeconfig = std::env::var("PLATC_TEST_KUBECONFIG")
        .map_err(|_| "PLATC_TEST_KUBECONFIG is not set".to_owned())?;
    let version = Command::new("kubectl")
        .args(["version", "--request-timeout=5s"])
        .env("KUBECONFIG", &kubeconfig)
        .output()
        .map_err(|e| format!("kubectl does not run: {e}"))?;
    if !version.status.success() {
        return Err(format!(
            "the cluster of {kubeconfig} does not answer: {}",
            String::from_utf8_lossy(&version.stderr)
        ));
    }
    Ok(kubeconfig)
}

/// Runs one shell command line in `dir`, as a user would type it.
fn shell(dir: &Path, kubeconfig: &str, line: &str) -> String {
    let output = Command::new("sh")
        .args(["-c", line])
        .current_dir(dir)
        .env("KUBECONFIG", kubeconfig)
        .output()
        .expect("sh runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "`{line}` failed:\n{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Every object of the files below `dir`, as the cluster has it:
/// `Kind namespace/name` → (uid, resourceVersion). Fails if one is missing.
fn live(dir: &Path, kubeconfig: &str) -> BTreeMap<String, (String, String)> {
    let output = Command::new("kubectl")
        .args(["get", "-R", "-f"])
        .arg(dir)
        .args(["-o", "json"])
        .env("KUBECONFIG", kubeconfig)
        .output()
        .expect("kubectl runs");
    assert!(
        output.status.success(),
        "kubectl get -R -f {}: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let items = match list["kind"].as_str() {
        Some("List") => list["items"].as_array().cloned().unwrap_or_default(),
        _ => vec![list],
    };
    items
        .iter()
        .map(|item| {
            let meta = &item["metadata"];
            let key = format!(
                "{} {}/{}",
                item["kind"].as_str().unwrap_or_default(),
                meta["namespace"].as_str().unwrap_or_default(),
                meta["name"].as_str().unwrap_or_default()
            );
            let uid = meta["uid"].as_str().unwrap_or_default().to_owned();
            let version = meta["resourceVersion"].as_str().unwrap_or_default().to_owned();
            (key, (uid, version))
        })
        .collect()
}

/// The number of YAML documents below `dir`: one top-level `kind:` each.
fn documents(dir: &Path) -> usize {
    find_files(dir)
        .iter()
        .map(|path| {
            let text = fs::read_to_string(path).expect("read");
            text.lines().filter(|line| line.starts_with("kind: ")).count()
        })
        .sum()
}

/// The objects of the files below `dir`: `Kind namespace/name` → the file's
/// text. platc writes one object per file, its metadata's fields two spaces in.
fn files_by_object(dir: &Path) -> BTreeMap<String, String> {
    find_files(dir)
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(&path).expect("read");
            let (mut kind, mut namespace, mut name, mut in_metadata) = ("", "", "", false);
            for line in text.lines() {
                if !line.starts_with(' ') {
                    in_metadata = line == "metadata:";
                }
                if let Some(value) = line.strip_prefix("kind: ") {
                    kind = value;
                } else if let (true, Some(value)) = (in_metadata, line.strip_prefix("  name: ")) {
                    name = value;
                } else if let (true, Some(value)) =
                    (in_metadata, line.strip_prefix("  namespace: "))
                {
                    namespace = value;
                }
            }
            let key = format!("{kind} {namespace}/{name}");
            (key, text.clone())
        })
        .collect()
}

/// A README step, written for `local` in `readme_namespace`, for `env` in
/// `namespace`.
fn for_environment(step: &str, env: &str, readme_namespace: &str, namespace: &str) -> String {
    step.replace("golden/local", &format!("golden/{env}"))
        .replace(&format!("-n {readme_namespace} "), &format!("-n {namespace} "))
        .replace(&format!("applyset-{readme_namespace} "), &format!("applyset-{namespace} "))
}

/// Without a cluster: each environment of the golden tree gets the README's
/// steps in its own directory and namespace, which its bootstrap stage
/// creates.
#[test]
fn readme_steps_adapt_to_every_environment() {
    let steps = readme_steps();
    let golden = workspace().join("golden");
    let readme_namespace = namespace_of(&golden.join("local"));
    let namespaces = bootstrap_namespaces(&golden);
    let mut environments: Vec<String> = fs::read_dir(&golden)
        .expect("golden")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    environments.sort();
    assert!(environments.contains(&"qa".to_owned()), "{environments:?}");
    for env in &environments {
        let namespace = namespace_of(&golden.join(env));
        assert!(namespaces.contains(&namespace), "{env}: the bootstrap stage creates {namespace}");
        let apply = for_environment(&steps[&4], env, &readme_namespace, &namespace);
        assert!(apply.contains(&format!(" -n {namespace} ")), "{apply}");
        assert!(apply.contains(&format!("--applyset=secret/applyset-{namespace} ")), "{apply}");
        assert!(apply.ends_with(&format!("golden/{env}/manifests")), "{apply}");
    }
    assert_eq!(namespace_of(&golden.join("qa")), "acme-shop-qa", "qa can share staging's cluster");
}

/// The namespace of an environment's rendered tree: its ApplySet parent's.
fn namespace_of(tree: &Path) -> String {
    let text = fs::read_to_string(tree.join("applyset.yaml")).expect("applyset.yaml");
    text.lines()
        .find_map(|line| line.strip_prefix("  namespace: "))
        .expect("the ApplySet parent names its namespace")
        .to_owned()
}

/// The Namespaces the bootstrap stage of any of the trees under `golden`
/// creates (`bootstrap/cluster/namespace-<name>.yaml`).
fn bootstrap_namespaces(golden: &Path) -> Vec<String> {
    let mut namespaces: Vec<String> = find_files(golden)
        .iter()
        .filter(|path| path.parent().is_some_and(|dir| dir.ends_with("bootstrap/cluster")))
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?;
            Some(name.strip_prefix("namespace-")?.strip_suffix(".yaml")?.to_owned())
        })
        .collect();
    namespaces.sort();
    namespaces.dedup();
    namespaces
}

/// Deletes what an environment's steps created, so the next one starts empty
/// (the CRDs stay: they are the same files in every environment).
fn clean(kubeconfig: &str, namespaces: &[String]) {
    for namespace in namespaces {
        let status = Command::new("kubectl")
            .args(["delete", "namespace", namespace, "--ignore-not-found", "--wait=true"])
            .args(["--timeout=120s"])
            .env("KUBECONFIG", kubeconfig)
            .status()
            .expect("kubectl runs");
        assert!(status.success(), "namespace {namespace} deleted");
    }
}

#[test]
fn readme_steps_bootstrap_every_environment_and_prune_a_removed_service() {
    let steps = readme_steps();
    let kubeconfig = match cluster() {
        Ok(kubeconfig) => kubeconfig,
        Err(why) => {
            println!("skipped: {why} (see tests/cluster/README.md)");
            return;
        }
    };
    let root = workspace();
    let tmp = tempfile::tempdir().expect("tmp");
    // The whole example platform, and a copy of its model without one service.
    let rendered =
        platc(&root, &["render", "--all", "--out", &tmp.path().join("golden").to_string_lossy()]);
    assert_eq!(rendered.code, 0, "{}", rendered.stderr);
    let model = tmp.path().join("model");
    for part in ["services", "environments", "types"] {
        copy_dir(&root.join(part), &model.join(part));
    }
    fs::copy(root.join("platform.yaml"), model.join("platform.yaml")).expect("copy");
    fs::remove_file(model.join(format!("services/{REMOVED}.yaml"))).expect("remove service");
    let after = tmp.path().join("after");
    let rerendered =
        platc(&model, &["render", "--all", "--out", &after.join("golden").to_string_lossy()]);
    assert_eq!(rerendered.code, 0, "{}", rerendered.stderr);
    let fixture =
        root.join("crates/cli/tests/fixtures/cluster/external-secrets.io_externalsecrets.yaml");

    // Every environment of the example, each in the namespace its tree
    // names (the README's steps are written for `local`, in `acme-shop`).
    let mut environments: Vec<String> = fs::read_dir(tmp.path().join("golden"))
        .expect("rendered trees")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    environments.sort();
    assert!(environments.len() >= 4, "local, production, qa and staging: {environments:?}");
    let namespaces = bootstrap_namespaces(&tmp.path().join("golden"));
    let readme_namespace = namespace_of(&tmp.path().join("golden/local"));
    for env in &environments {
        clean(&kubeconfig, &namespaces);
        let tree = tmp.path().join("golden").join(env);
        let namespace = namespace_of(&tree);
        let with_env =
            |step: u32| for_environment(&steps[&step], env, &readme_namespace, &namespace);
        shell(tmp.path(), &kubeconfig, &with_env(1));
        shell(tmp.path(), &kubeconfig, &with_env(2));
        // In place of step 3: the CRD the external-secrets chart installs.
        if fs::read_to_string(tree.join("helmfile.yaml"))
            .expect("helmfile")
            .contains("external-secrets/external-secrets")
        {
            shell(
                tmp.path(),
                &kubeconfig,
                &format!(
                    "kubectl apply --server-side -f {0} \
                     && kubectl wait --for=condition=Established -f {0}",
                    fixture.display()
                ),
            );
        }
        shell(tmp.path(), &kubeconfig, &with_env(4));

        for stage in ["crds", "bootstrap", "manifests"] {
            let found = live(&tree.join(stage), &kubeconfig);
            assert_eq!(
                found.len(),
                documents(&tree.join(stage)),
                "{env}/{stage}: every object exists"
            );
        }
        let before = live(&tree.join("manifests"), &kubeconfig);
        let removed_dir = tree.join(format!("manifests/services/{REMOVED}"));
        let removed = live(&removed_dir, &kubeconfig);
        assert!(!removed.is_empty(), "{env}: {REMOVED} has objects");

        // The everyday command, on the tree without the service.
        shell(after.as_path(), &kubeconfig, &with_env(4));
        let after_tree = after.join("golden").join(env);
        let now = live(&after_tree.join("manifests"), &kubeconfig);
        let left = live_or_gone(&removed_dir, &kubeconfig);
        assert!(left.is_empty(), "{env}: {REMOVED}'s objects are pruned, still there: {left:?}");
        let expected: Vec<&String> =
            before.keys().filter(|key| !removed.contains_key(*key)).collect();
        assert_eq!(
            now.keys().collect::<Vec<_>>(),
            expected,
            "{env}: exactly {REMOVED}'s objects are gone"
        );
        let old_files = files_by_object(&tree.join("manifests"));
        let new_files = files_by_object(&after_tree.join("manifests"));
        let mut unchanged = 0;
        for (key, (uid, version)) in &now {
            let (old_uid, old_version) = &before[key];
            assert_eq!(uid, old_uid, "{env}: {key} is the same object");
            if old_files.get(key).is_some_and(|old| new_files.get(key) == Some(old)) {
                assert_eq!(version, old_version, "{env}: {key} was not written again");
                unchanged += 1;
            }
        }
        assert!(unchanged > 0, "{env}: some objects kept their files");
    }
    clean(&kubeconfig, &namespaces);
}

/// The objects of the files below `dir` that the cluster still has.
fn live_or_gone(dir: &Path, kubeconfig: &str) -> Vec<String> {
    let output = Command::new("kubectl")
        .args(["get", "-R", "--ignore-not-found", "-o", "name", "-f"])
        .arg(dir)
        .env("KUBECONFIG", kubeconfig)
        .output()
        .expect("kubectl runs");
    String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned).collect()
}

/// Every file below `dir`.
fn find_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            files.extend(find_files(&path));
        } else {
            files.push(path);
        }
    }
    files
}
