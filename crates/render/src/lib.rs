//! platc's compiler: a loaded model in, Kubernetes objects out.
//!
//! This crate owns the *output*: checking the model of one environment
//! ([`validate`]), resolving it into a model-free [`resolved::ResolvedEnvironment`]
//! ([`resolve`]: tags, overrides, defaults, providers, templates, releases),
//! building typed Kubernetes objects from that (k8s-openapi types only),
//! emitting them as a YAML stream or a file tree, and diffing trees. It never
//! prints and never exits; its only file access is [`emit::write_tree`] and
//! [`emit::read_tree`].
//!
//! Pipeline position: load → validate → **validate env → resolve → build →
//! patch → emit → diff**. The builders ([`workload`], [`network`], [`config`],
//! [`scaling`], [`ingress`], [`secrets`], [`platform`], [`applyset`],
//! [`labels`]), the chart values writers ([`components`], `infra/<type>.rs`)
//! and the service map ([`graph`]) read only [`resolved`] values.

// A library reports through return values; printing and exiting belong to the binary.
#![deny(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

pub mod applyset;
pub mod charts;
pub mod check;
pub mod components;
pub mod config;
pub mod crd;
pub mod crds;
pub mod diff;
pub mod emit;
pub mod graph;
pub mod helm;
pub mod infra;
pub mod ingress;
pub mod labels;
pub mod network;
pub mod object;
pub mod patch;
pub mod plaintext;
pub mod platform;
pub mod resolve;
pub mod resolved;
pub mod scaling;
pub mod secrets;
pub mod template;
pub mod validate;
pub mod workload;
pub mod yaml;

use platc_spec::Code;
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
    /// The CRD files of `crds/` (see [`crds`]): tree path and content.
    pub crds: Vec<(String, &'static str)>,
    /// Problems that did not stop compilation.
    pub warnings: Vec<Diagnostic>,
}

impl Rendered {
    /// The objects as a file tree (see [`emit`] for the layout).
    pub fn tree(&self) -> Result<Tree, Diagnostic> {
        // Serializing is most of the work of a render: spread it over the cores.
        let documents = platc_spec::parallel::map(&self.objects, document);
        let mut tree = Tree::new();
        for document in documents {
            let (path, yaml) = document?;
            tree.insert(path, yaml);
        }
        add_releases(&mut tree, &self.releases, &self.applyset)?;
        add_crds(&mut tree, &self.crds);
        Ok(tree)
    }

    /// The manifests as one multi-document YAML stream.
    pub fn stream(&self) -> Result<String, Diagnostic> {
        Ok(self.tree()?.manifest_stream())
    }
}

/// One environment compiled straight to its files, without keeping the
/// typed objects: what the command line writes, prints and diffs.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedFiles {
    /// The environment's name.
    pub environment: EnvName,
    /// Its file tree (see [`emit`] for the layout).
    pub tree: Tree,
    /// Problems that did not stop compilation.
    pub warnings: Vec<Diagnostic>,
}

/// Builds now what rendering otherwise builds when it first needs it: the
/// credential formats values are checked against, the host pattern of the
/// reachability checks, the recorded chart key lists. Calling it is
/// optional and changes no output; a caller that loads the model first can
/// call it on another thread meanwhile, so a short render does not wait
/// for them.
pub fn prepare() {
    plaintext::prepare();
    resolve::prepare();
    charts::prepare();
}

/// An object's path and YAML.
fn document(placed: &Placed) -> Result<(String, String), Diagnostic> {
    placed
        .object
        .to_yaml()
        .map(|yaml| (placed.path(), yaml))
        .map_err(|e| emit::serialize_error(&format!("{} as YAML", placed.object.describe()), &e))
}

/// Adds the CRD files to `tree`.
fn add_crds(tree: &mut Tree, crds: &[(String, &'static str)]) {
    for (path, content) in crds {
        tree.insert(path.clone(), *content);
    }
}

/// Adds the Helm values, the helmfile and the ApplySet parent to `tree`.
fn add_releases(
    tree: &mut Tree,
    releases: &[helm::Release],
    applyset: &k8s_openapi::api::core::v1::Secret,
) -> Result<(), Diagnostic> {
    let serialize_error = |what: &str, e: serde_saphyr::SerializeError| {
        emit::serialize_error(&format!("{what} as YAML"), &e)
    };
    for release in releases {
        let yaml = emit::to_yaml(&release.values)
            .map_err(|e| serialize_error(&release.values_path(), e))?;
        tree.insert(release.values_path(), yaml);
    }
    tree.insert(
        emit::APPLYSET_PATH,
        emit::to_yaml(applyset).map_err(|e| serialize_error(emit::APPLYSET_PATH, e))?,
    );
    if !releases.is_empty() {
        let helmfile = helm::Helmfile::new(releases);
        tree.insert(
            emit::HELMFILE_PATH,
            emit::to_yaml(&helmfile).map_err(|e| serialize_error(emit::HELMFILE_PATH, e))?,
        );
    }
    Ok(())
}

/// An environment compiled, its objects handed out batch by batch (the
/// platform's, then each service's) as they are built.
struct Compiled<T> {
    environment: EnvName,
    namespace: NamespaceName,
    batches: Vec<T>,
    releases: Vec<helm::Release>,
    applyset: k8s_openapi::api::core::v1::Secret,
    crds: Vec<(String, &'static str)>,
    warnings: Vec<Diagnostic>,
}

/// The environment called `environment`, checked and resolved, with the
/// warnings found on the way.
fn checked(
    platform: &Platform,
    environment: &str,
) -> Result<(resolved::ResolvedEnvironment, Vec<Diagnostic>), Vec<Diagnostic>> {
    let Some(env) = platform.environment(environment) else {
        let known: Vec<&str> = platform.environment_names().map(EnvName::as_str).collect();
        let mut diagnostic = Diagnostic::error(
            Code::RenderUnknownEnvironment,
            format!("unknown environment `{environment}`"),
        );
        diagnostic = match platc_spec::diagnostic::suggest(environment, known.iter().copied()) {
            Some(close) => diagnostic.with_help(format!("did you mean `{close}`?")),
            None => diagnostic.with_help(format!("known environments: {}", known.join(", "))),
        };
        return Err(vec![diagnostic]);
    };
    // The model's own checks run first, but resolve's errors take
    // precedence: with both, only resolve's are reported.
    let mut diagnostics = validate::environment(platform, env);
    let resolved = resolve::resolve(platform, env)?;
    diagnostics.extend(resolved.warnings.iter().cloned());
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    Ok((resolved, diagnostics))
}

/// The service map of the environment called `environment` (see
/// [`graph`]), with the warnings its checks found.
pub fn service_map(
    platform: &Platform,
    environment: &str,
) -> Result<(graph::ServiceMap, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (resolved, warnings) = checked(platform, environment)?;
    Ok((graph::service_map(&resolved), warnings))
}

/// Compiles the environment called `environment`, passing each batch of
/// built objects to `take` on the core that built it.
fn compile<T: Send>(
    platform: &Platform,
    environment: &str,
    take: impl Fn(Vec<Placed>) -> Result<T, Diagnostic> + Sync,
) -> Result<Compiled<T>, Vec<Diagnostic>> {
    let (mut resolved, diagnostics) = checked(platform, environment)?;

    let mut shared = Vec::new();
    platform::build(&resolved, &mut shared);
    secrets::build(&resolved, &mut shared);
    ingress::build_platform(&resolved, &mut shared);
    network::build_platform(&resolved, &mut shared);
    let mut errors = Vec::new();
    // Patches change the objects after they are built, before anything is
    // emitted; a batch's outcome says which patches it matched.
    let mut applied = Vec::new();
    match patch::apply(&resolved, &mut shared) {
        Ok(found) => applied.push(found),
        Err(diagnostic) => errors.push(diagnostic),
    }
    // Bootstrap objects are applied on their own, outside the set.
    let mut members = applyset::Members::of(&shared, |placed| placed.owner != Owner::Bootstrap);
    let mut batches = Vec::with_capacity(resolved.services.len() + 2);
    match take(shared) {
        Ok(batch) => batches.push(batch),
        Err(diagnostic) => errors.push(diagnostic),
    }
    // Services are independent: build them on every core, and hand each
    // batch over right away, so a caller that only wants text never holds
    // every typed object at once. Each resolved service is dropped once it
    // is built (builders read only the service they build and the
    // environment's own settings), so its memory goes as the text grows.
    let mut services = std::mem::take(&mut resolved.services);
    services.extend(resolved.maintenance.take());
    let env = &resolved;
    let built = platc_spec::parallel::map_owned(services, |service| {
        let mut objects = Vec::new();
        workload::build(env, &service, &mut objects)?;
        network::build(env, &service, &mut objects);
        network::build_policy(env, &service, &mut objects);
        config::build(env, &service, &mut objects);
        scaling::build(env, &service, &mut objects);
        ingress::build(env, &service, &mut objects);
        drop(service);
        let found = patch::apply(env, &mut objects)?;
        let members = applyset::Members::of(&objects, |_| true);
        Ok((take(objects)?, members, found))
    });
    for result in built {
        match result {
            Ok((batch, service_members, found)) => {
                batches.push(batch);
                members.merge(service_members);
                applied.push(found);
            }
            Err(diagnostic) => errors.push(diagnostic),
        }
    }
    if errors.is_empty() {
        errors = patch::unmatched(&resolved, &applied);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let applyset = applyset::parent(&resolved, members);
    let crds = crds::files(&resolved);
    Ok(Compiled {
        environment: resolved.name,
        namespace: resolved.namespace,
        batches,
        releases: resolved.releases,
        applyset,
        crds,
        warnings: diagnostics,
    })
}

/// Compiles the environment called `environment` into typed objects.
pub fn render(platform: &Platform, environment: &str) -> Result<Rendered, Vec<Diagnostic>> {
    let compiled = compile(platform, environment, Ok)?;
    let mut objects: Vec<Placed> = compiled.batches.into_iter().flatten().collect();
    objects.sort_by_cached_key(Placed::path);
    Ok(Rendered {
        environment: compiled.environment,
        namespace: compiled.namespace,
        objects,
        releases: compiled.releases,
        applyset: compiled.applyset,
        crds: compiled.crds,
        warnings: compiled.warnings,
    })
}

/// Compiles the environment called `environment` straight into its file
/// tree, keeping only the objects `keep` accepts (the Helm values, helmfile
/// and ApplySet parent are always there). The same files as
/// `render(..)?.tree()`, with a fraction of the memory: each service's
/// objects are serialized and dropped on the core that built them.
pub fn render_files(
    platform: &Platform,
    environment: &str,
    keep: impl Fn(&Object) -> bool + Sync,
) -> Result<RenderedFiles, Vec<Diagnostic>> {
    let compiled = compile(platform, environment, |objects| {
        objects
            .iter()
            .filter(|placed| keep(&placed.object))
            .map(document)
            .collect::<Result<Vec<_>, _>>()
    })?;
    let mut tree = Tree::new();
    for (path, yaml) in compiled.batches.into_iter().flatten() {
        tree.insert(path, yaml);
    }
    add_releases(&mut tree, &compiled.releases, &compiled.applyset).map_err(|d| vec![d])?;
    add_crds(&mut tree, &compiled.crds);
    Ok(RenderedFiles { environment: compiled.environment, tree, warnings: compiled.warnings })
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

/// Several environments compiled into one tree: what `platc render --all
/// --out`, `platc golden` and `platc diff` write and compare.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedTree {
    /// The environments rendered, in the order asked.
    pub environments: Vec<EnvName>,
    /// Their files, each environment's under its own directory (`<env>/...`).
    pub tree: Tree,
    /// The problems of every environment that did not stop compilation.
    pub warnings: Vec<Diagnostic>,
}

/// Compiles each environment named in `environments` with [`render_files`]
/// (keeping the objects `keep` accepts) into one tree, each under its own
/// directory, collecting the problems of all of them.
pub fn render_environments<S: AsRef<str>>(
    platform: &Platform,
    environments: &[S],
    keep: impl Fn(&Object) -> bool + Sync,
) -> Result<RenderedTree, Vec<Diagnostic>> {
    let mut rendered =
        RenderedTree { environments: Vec::new(), tree: Tree::new(), warnings: Vec::new() };
    let mut errors = Vec::new();
    for name in environments {
        match render_files(platform, name.as_ref(), &keep) {
            Ok(files) => {
                rendered.warnings.extend(files.warnings);
                rendered.tree.nest(files.environment.as_str(), files.tree);
                rendered.environments.push(files.environment);
            }
            Err(mut found) => errors.append(&mut found),
        }
    }
    if errors.is_empty() { Ok(rendered) } else { Err(errors) }
}

/// Every environment as one tree, each under its own directory (`<env>/...`),
/// the layout of `golden/`.
pub fn render_all_tree(platform: &Platform) -> Result<Tree, Vec<Diagnostic>> {
    let names: Vec<&str> = platform.environments.iter().map(|env| env.name.as_str()).collect();
    render_environments(platform, &names, |_| true).map(|rendered| rendered.tree)
}
