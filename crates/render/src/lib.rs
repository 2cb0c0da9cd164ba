//! platc's compiler: a loaded model in, Kubernetes objects out.
//!
//! This crate owns the *output*: resolving the model against one environment
//! (tags, overrides, templates), building typed Kubernetes objects
//! (k8s-openapi types only), emitting them as a YAML stream or a file tree,
//! and diffing trees. It never prints and never exits; its only file access is
//! [`emit::write_tree`] and [`emit::read_tree`].
//!
//! Pipeline position: load → validate → **resolve → build → emit → diff**.

// A library reports through return values; printing and exiting belong to the binary.
#![deny(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

pub mod applyset;
pub mod charts;
pub mod check;
pub mod config;
pub mod crd;
pub mod diff;
pub mod emit;
pub mod helm;
pub mod infra;
pub mod ingress;
pub mod labels;
pub mod maintenance;
pub mod network;
pub mod object;
pub mod platform;
pub mod resolve;
pub mod scaling;
pub mod secrets;
pub mod template;
pub mod workload;

use platc_spec::names::{EnvName, NamespaceName};
use platc_spec::{Diagnostic, Platform};

pub use diff::{TreeDiff, diff_trees};
pub use emit::{Tree, WriteSummary, read_tree, write_tree};
pub use object::{Object, Owner, Placed};

/// One environment compiled: every object, in output order, and every Helm
/// release with its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The environment's name.
    pub environment: EnvName,
    /// The namespace its services run in.
    pub namespace: NamespaceName,
    /// Every object, sorted by its path in the tree.
    pub objects: Vec<Placed>,
    /// The helmfile's releases: platform components, then infrastructure.
    pub releases: Vec<helm::Release>,
    /// The parent of the ApplySet the manifests form.
    pub applyset: k8s_openapi::api::core::v1::Secret,
    /// Problems that did not stop compilation.
    pub warnings: Vec<Diagnostic>,
}

impl Rendered {
    /// The objects as a file tree (see [`emit`] for the layout).
    pub fn tree(&self) -> Result<Tree, Diagnostic> {
        let mut tree = Tree::new();
        // Serializing is most of the work of a render: spread it over the cores.
        let documents = platc_spec::parallel::map(&self.objects, |placed| {
            placed.object.to_yaml().map(|yaml| (placed.path(), yaml)).map_err(|e| {
                Diagnostic::error(
                    "render::serialize",
                    format!("cannot write {} as YAML: {e}", placed.object.describe()),
                )
            })
        });
        for document in documents {
            let (path, yaml) = document?;
            tree.insert(path, yaml);
        }
        let serialize_error = |what: &str, e: serde_saphyr::SerializeError| {
            Diagnostic::error("render::serialize", format!("cannot write {what} as YAML: {e}"))
        };
        for release in &self.releases {
            let yaml = emit::to_yaml(&release.values)
                .map_err(|e| serialize_error(&release.values_path(), e))?;
            tree.insert(release.values_path(), yaml);
        }
        tree.insert(
            applyset::PATH,
            emit::to_yaml(&self.applyset).map_err(|e| serialize_error(applyset::PATH, e))?,
        );
        if !self.releases.is_empty() {
            let helmfile = helm::Helmfile::new(&self.releases);
            tree.insert(
                "helmfile.yaml",
                emit::to_yaml(&helmfile).map_err(|e| serialize_error("helmfile.yaml", e))?,
            );
        }
        Ok(tree)
    }

    /// The manifests as one multi-document YAML stream.
    pub fn stream(&self) -> Result<String, Diagnostic> {
        Ok(self.tree()?.manifest_stream())
    }
}

/// Compiles the environment called `environment`.
pub fn render(platform: &Platform, environment: &str) -> Result<Rendered, Vec<Diagnostic>> {
    let Some(env) = platform.environment(environment) else {
        let known: Vec<&str> = platform.environment_names().map(EnvName::as_str).collect();
        let mut diagnostic = Diagnostic::error(
            "render::unknown_environment",
            format!("unknown environment `{environment}`"),
        );
        diagnostic = match platc_spec::diagnostic::suggest(environment, known.iter().copied()) {
            Some(close) => diagnostic.with_help(format!("did you mean `{close}`?")),
            None => diagnostic.with_help(format!("known environments: {}", known.join(", "))),
        };
        return Err(vec![diagnostic]);
    };
    let resolved = resolve::resolve(platform, env)?;
    let mut objects = Vec::new();
    platform::build(&resolved, &mut objects);
    secrets::build(&resolved, &mut objects);
    ingress::build_platform(&resolved, &mut objects);
    let services: Vec<&resolve::ResolvedService<'_>> =
        resolved.services.iter().chain(&resolved.maintenance).collect();
    let built = platc_spec::parallel::map(&services, |service| {
        let mut objects = Vec::new();
        workload::build(&resolved, service, &mut objects);
        network::build(&resolved, service, &mut objects);
        config::build(&resolved, service, &mut objects);
        scaling::build(&resolved, service, &mut objects);
        ingress::build(&resolved, service, &mut objects);
        objects
    });
    objects.extend(built.into_iter().flatten());
    objects.sort_by_cached_key(Placed::path);
    let mut diagnostics = resolved.warnings.clone();
    let mut releases = platform::releases(&resolved, &mut diagnostics);
    releases.extend(infra::releases(
        env,
        &resolved.dependencies,
        &resolved.namespace,
        &mut diagnostics,
    ));
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    let warnings = diagnostics;
    let applyset = applyset::parent(&resolved, &objects);
    Ok(Rendered {
        environment: env.name.clone(),
        namespace: resolved.namespace,
        objects,
        applyset,
        releases,
        warnings,
    })
}

/// Compiles every environment, collecting the problems of all of them.
pub fn render_all(platform: &Platform) -> Result<Vec<Rendered>, Vec<Diagnostic>> {
    let mut rendered = Vec::new();
    let mut diagnostics = Vec::new();
    for env in &platform.environments {
        match render(platform, env.name.as_str()) {
            Ok(r) => rendered.push(r),
            Err(mut found) => diagnostics.append(&mut found),
        }
    }
    if diagnostics.is_empty() { Ok(rendered) } else { Err(diagnostics) }
}

/// Every environment as one tree, each under its own directory (`<env>/...`),
/// the layout of `golden/`.
pub fn render_all_tree(platform: &Platform) -> Result<Tree, Vec<Diagnostic>> {
    let mut tree = Tree::new();
    for rendered in render_all(platform)? {
        tree.nest(rendered.environment.as_str(), rendered.tree().map_err(|d| vec![d])?);
    }
    Ok(tree)
}
