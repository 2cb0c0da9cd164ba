//! Output checks: what the API server would refuse at apply time, and the
//! platform's policies, checked on rendered manifests (or any manifests: the
//! checks read YAML, so they also judge a hand-edited golden tree).
//!
//! Platc builds objects that pass these checks; the checks are the second
//! line, catching what values from outside the model (chart values, a bug)
//! could still break.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use platc_spec::Code;
use platc_spec::Diagnostic;
use platc_spec::quantity::Quantity;
use regex::Regex;
use serde_json::Value;

use crate::emit::{APPLYSET_PATH, HELMFILE_PATH, Tree, is_manifest, is_member};
use crate::object::describe;

static DNS_SUBDOMAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
        .expect("valid pattern")
});
static DNS_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").expect("valid pattern"));
static DNS_1035_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z]([-a-z0-9]*[a-z0-9])?$").expect("valid pattern"));
static LABEL_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$").expect("valid pattern")
});
static ENV_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z_][A-Za-z0-9_]*$").expect("valid pattern"));
static HOST_RULE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"Host\(`([^`]*)`\)").expect("valid pattern"));

/// The API groups built into Kubernetes 1.33 (`kubectl api-resources`):
/// every kind of these groups is known without a CRD.
const BUILTIN_GROUPS: &[&str] = &[
    "",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "apps",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "resource.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
];

/// Charts of platform releases that install the CRDs of an API group
/// themselves: `(chart name, group)`.
const RELEASE_GROUPS: &[(&str, &str)] = &[("external-secrets", "external-secrets.io")];

/// The kinds a tree may use beyond the built-in ones: those its `crds/`
/// define, and the groups its platform releases bring.
#[derive(Debug, Default)]
struct KnownKinds {
    /// `(group, kind)` of every CRD of `crds/`.
    kinds: BTreeSet<(String, String)>,
    /// Groups whose every kind a release installs.
    groups: BTreeSet<&'static str>,
}

impl KnownKinds {
    fn of(tree: &Tree) -> Self {
        let mut known = Self::default();
        for (path, content) in tree.iter() {
            if !crate::crds::is_crd_path(path) {
                continue;
            }
            let documents: Vec<Value> = serde_saphyr::from_multiple(content).unwrap_or_default();
            for crd in documents.iter().filter(|d| d["kind"] == "CustomResourceDefinition") {
                if let (Some(group), Some(kind)) =
                    (crd["spec"]["group"].as_str(), crd["spec"]["names"]["kind"].as_str())
                {
                    known.kinds.insert((group.to_owned(), kind.to_owned()));
                }
            }
        }
        let helmfile: Value = tree
            .get(HELMFILE_PATH)
            .and_then(|text| serde_saphyr::from_str(text).ok())
            .unwrap_or_default();
        for release in helmfile["releases"].as_array().into_iter().flatten() {
            let chart = release["chart"].as_str().unwrap_or_default();
            let chart = chart.rsplit('/').next().unwrap_or(chart);
            for (name, group) in RELEASE_GROUPS {
                if chart == *name {
                    known.groups.insert(group);
                }
            }
        }
        known
    }

    fn allows(&self, group: &str, kind: &str) -> bool {
        BUILTIN_GROUPS.contains(&group)
            || self.groups.contains(group)
            || self.kinds.contains(&(group.to_owned(), kind.to_owned()))
    }
}

/// Checks an object's place in the tree: a member of `manifests/` lives in
/// the application `namespace` (the ApplySet parent's, when the tree has
/// one), and every kind is one the cluster knows once the tree's CRDs and
/// platform releases are in.
fn check_place(
    object: &Value,
    member: bool,
    namespace: Option<&str>,
    known: &KnownKinds,
    out: &mut Vec<Diagnostic>,
) {
    let kind = object["kind"].as_str().unwrap_or_default();
    let api_version = object["apiVersion"].as_str().unwrap_or_default();
    let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
    if !known.allows(group, kind) {
        out.push(
            Diagnostic::error(
                Code::CheckUnknownKind,
                format!(
                    "`{kind}` of `{api_version}` is not built into Kubernetes, and no CRD of `crds/` nor platform release of the helmfile defines it"
                ),
            )
            .with_help("the API server refuses objects of a kind it does not know"),
        );
    }
    if !member {
        return;
    }
    match (object["metadata"]["namespace"].as_str(), namespace) {
        (None, _) => out.push(
            Diagnostic::error(
                Code::CheckMemberOutsideNamespace,
                format!("{kind} in `manifests/` has no namespace: it is cluster-scoped or left to `-n`"),
            )
            .with_help("cluster-scoped objects belong in `bootstrap/`; pruning one from the ApplySet would delete what it holds"),
        ),
        (Some(own), Some(expected)) if own != expected => out.push(
            Diagnostic::error(
                Code::CheckMemberOutsideNamespace,
                format!("{kind} in `manifests/` lives in namespace `{own}`, not in the application namespace `{expected}`"),
            )
            .with_help(format!("`kubectl apply -n {expected} --applyset` refuses objects of other namespaces; they belong in `bootstrap/`")),
        ),
        _ => {}
    }
}

/// Checks every manifest of one environment's tree. `file_prefix` is put
/// before each path in findings (`golden/production`), `development` allows
/// the `latest` tag.
#[must_use]
pub fn check_tree(tree: &Tree, file_prefix: &str, development: bool) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    let known = KnownKinds::of(tree);
    let parent: Option<Value> =
        tree.get(APPLYSET_PATH).and_then(|text| serde_saphyr::from_str(text).ok());
    let namespace = parent.as_ref().and_then(|p| p["metadata"]["namespace"].as_str());
    for (path, content) in tree.iter() {
        if !is_manifest(path) {
            continue;
        }
        let file = format!("{file_prefix}/{path}");
        let object: Value = match serde_saphyr::from_str(content) {
            Ok(object) => object,
            Err(e) => {
                findings.push(
                    Diagnostic::error(
                        Code::CheckInvalidManifest,
                        format!("the manifest does not parse: {e}"),
                    )
                    .in_file(file, None),
                );
                continue;
            }
        };
        let mut found = Vec::new();
        check_object(&object, development, &mut found);
        check_place(&object, is_member(path), namespace, &known, &mut found);
        let name = describe(
            object["kind"].as_str().unwrap_or("object"),
            object["metadata"]["namespace"].as_str(),
            object["metadata"]["name"].as_str().unwrap_or("?"),
        );
        findings.extend(
            found.into_iter().map(|d| d.in_object(name.clone()).in_file(file.clone(), None)),
        );
    }
    findings
}

/// Checks one object.
pub fn check_object(object: &Value, development: bool, out: &mut Vec<Diagnostic>) {
    let kind = object["kind"].as_str().unwrap_or_default();
    let metadata = &object["metadata"];
    let name = metadata["name"].as_str().unwrap_or_default();
    let (rule, pattern, max) = match kind {
        "Service" => (
            "a DNS-1035 label: lowercase letters, digits and '-', starting with a letter",
            &*DNS_1035_LABEL,
            63,
        ),
        "Namespace" => ("a DNS-1123 label", &*DNS_LABEL, 63),
        _ => ("a DNS-1123 subdomain", &*DNS_SUBDOMAIN, 253),
    };
    if name.len() > max || !pattern.is_match(name) {
        out.push(
            Diagnostic::error(
                Code::CheckInvalidName,
                format!("{kind} name `{name}` is not {rule}"),
            )
            .with_help(format!("at most {max} characters; the API server refuses other names")),
        );
    }
    if let Some(namespace) = metadata["namespace"].as_str()
        && (namespace.len() > 63 || !DNS_LABEL.is_match(namespace))
    {
        out.push(Diagnostic::error(
            Code::CheckInvalidName,
            format!("namespace `{namespace}` is not a DNS-1123 label"),
        ));
    }
    check_labels(&metadata["labels"], "label", out);
    match kind {
        "Deployment" | "Job" => check_pod(&object["spec"]["template"], development, out),
        "CronJob" => {
            let schedule = object["spec"]["schedule"].as_str().unwrap_or_default();
            if let Err(why) = platc_spec::cron::check(schedule) {
                out.push(Diagnostic::error(Code::CheckInvalidSchedule, why));
            }
            check_pod(&object["spec"]["jobTemplate"]["spec"]["template"], development, out);
        }
        "Service" => {
            for port in object["spec"]["ports"].as_array().into_iter().flatten() {
                check_port(&port["port"], "service port", out);
            }
            check_labels(&object["spec"]["selector"], "selector", out);
        }
        "IngressRoute" => {
            for route in object["spec"]["routes"].as_array().into_iter().flatten() {
                let rule = route["match"].as_str().unwrap_or_default();
                for host in HOST_RULE.captures_iter(rule).filter_map(|c| c.get(1)) {
                    let host = host.as_str();
                    if host.len() > 253 || !DNS_SUBDOMAIN.is_match(host) {
                        out.push(Diagnostic::error(
                            Code::CheckInvalidHost,
                            format!("`{host}` is not a host name"),
                        ));
                    }
                }
            }
        }
        _ => {}
    }
}

fn check_labels(labels: &Value, what: &str, out: &mut Vec<Diagnostic>) {
    for (key, value) in labels.as_object().into_iter().flatten() {
        let (prefix, name) =
            key.rsplit_once('/').map_or((None, key.as_str()), |(p, n)| (Some(p), n));
        let key_ok = name.len() <= 63
            && LABEL_NAME.is_match(name)
            && prefix.is_none_or(|p| p.len() <= 253 && DNS_SUBDOMAIN.is_match(p));
        let value = value.as_str().unwrap_or_default();
        let value_ok = value.is_empty() || value.len() <= 63 && LABEL_NAME.is_match(value);
        if !key_ok || !value_ok {
            out.push(
                Diagnostic::error(Code::CheckInvalidLabel, format!("{what} `{key}: {value}` is not a valid label"))
                    .with_help("label names and values: at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric"),
            );
        }
    }
}

fn check_port(port: &Value, what: &str, out: &mut Vec<Diagnostic>) {
    if !port.as_u64().is_some_and(|p| (1..=65535).contains(&p)) {
        out.push(Diagnostic::error(
            Code::CheckPortRange,
            format!("{what} {port} is outside 1-65535"),
        ));
    }
}

fn check_pod(template: &Value, development: bool, out: &mut Vec<Diagnostic>) {
    check_labels(&template["metadata"]["labels"], "pod label", out);
    let pod = &template["spec"];
    check_restricted_pod(pod, out);
    let mut containers = BTreeSet::new();
    let mut ports = BTreeSet::new();
    // Init containers (and native sidecars among them) are held to the
    // same rules as the containers; their names and ports share the pod's.
    let all = pod["initContainers"].as_array().into_iter().flatten();
    for container in all.chain(pod["containers"].as_array().into_iter().flatten()) {
        let name = container["name"].as_str().unwrap_or_default();
        if !containers.insert(name.to_owned()) {
            out.push(Diagnostic::error(
                Code::CheckDuplicateContainer,
                format!("two containers are named `{name}`"),
            ));
        }
        for port in container["ports"].as_array().into_iter().flatten() {
            check_port(&port["containerPort"], "container port", out);
            if let Some(port_name) = port["name"].as_str()
                && !ports.insert(port_name.to_owned())
            {
                out.push(Diagnostic::error(
                    Code::CheckDuplicatePort,
                    format!("two ports are named `{port_name}`"),
                ));
            }
        }
        for var in container["env"].as_array().into_iter().flatten() {
            let var = var["name"].as_str().unwrap_or_default();
            if !ENV_NAME.is_match(var) {
                out.push(
                    Diagnostic::error(
                        Code::CheckInvalidEnvName,
                        format!("environment variable `{var}` is not a valid name"),
                    )
                    .with_help("letters, digits and '_', not starting with a digit"),
                );
            }
        }
        check_resources(name, &container["resources"], out);
        check_image(name, container["image"].as_str().unwrap_or_default(), development, out);
        check_restricted_container(name, container, pod, out);
    }
}

fn check_resources(container: &str, resources: &Value, out: &mut Vec<Diagnostic>) {
    let mut missing = Vec::new();
    for list in ["requests", "limits"] {
        for resource in ["cpu", "memory"] {
            match resources[list][resource].as_str() {
                None => missing.push(format!("{list}.{resource}")),
                Some(text) if Quantity::new(text).is_err() => out.push(Diagnostic::error(
                    Code::CheckInvalidQuantity,
                    format!(
                        "container `{container}`: `{text}` ({list}.{resource}) is not a quantity"
                    ),
                )),
                Some(_) => {}
            }
        }
    }
    if !missing.is_empty() {
        out.push(
            Diagnostic::error(
                Code::CheckMissingResources,
                format!("container `{container}` sets no {}", missing.join(", ")),
            )
            .with_help("every container requests and limits CPU and memory"),
        );
    }
    for resource in ["cpu", "memory"] {
        let quantity =
            |list: &str| resources[list][resource].as_str().and_then(|t| Quantity::new(t).ok());
        if let (Some(request), Some(limit)) = (quantity("requests"), quantity("limits"))
            && limit.cmp_amount(&request).is_lt()
        {
            out.push(Diagnostic::error(
                Code::CheckLimitBelowRequest,
                format!("container `{container}`: the {resource} limit {limit} is below its request {request}"),
            ));
        }
    }
}

fn check_image(container: &str, image: &str, development: bool, out: &mut Vec<Diagnostic>) {
    let last = image.rsplit('/').next().unwrap_or(image);
    let tag = last.split('@').next().unwrap_or(last).split_once(':').map(|(_, tag)| tag);
    if !development && !image.contains('@') && tag.is_none_or(|t| t == "latest") {
        out.push(
            Diagnostic::error(
                Code::CheckLatestTag,
                format!("container `{container}` runs `{image}`, a floating tag"),
            )
            .with_help("pin a version outside development environments"),
        );
    }
}

/// The pod-level rules of the restricted Pod Security Standard.
fn check_restricted_pod(pod: &Value, out: &mut Vec<Diagnostic>) {
    for field in ["hostNetwork", "hostPID", "hostIPC"] {
        if pod[field] == Value::Bool(true) {
            out.push(not_restricted(format!("the pod sets `{field}`")));
        }
    }
    for volume in pod["volumes"].as_array().into_iter().flatten() {
        if volume.get("hostPath").is_some() {
            let name = volume["name"].as_str().unwrap_or_default();
            out.push(not_restricted(format!("volume `{name}` is a hostPath")));
        }
    }
}

/// The container-level rules of the restricted Pod Security Standard, and
/// platc's read-only root filesystem.
fn check_restricted_container(
    name: &str,
    container: &Value,
    pod: &Value,
    out: &mut Vec<Diagnostic>,
) {
    let context = &container["securityContext"];
    let pod_context = &pod["securityContext"];
    let either = |field: &str| {
        let own = &context[field];
        if own.is_null() { &pod_context[field] } else { own }
    };
    let mut problems = Vec::new();
    if *either("runAsNonRoot") != Value::Bool(true) {
        problems.push("`runAsNonRoot` is not true");
    }
    if either("runAsUser").as_u64() == Some(0) {
        problems.push("it runs as user 0");
    }
    let seccomp = either("seccompProfile")["type"].as_str();
    if !matches!(seccomp, Some("RuntimeDefault" | "Localhost")) {
        problems.push("the seccomp profile is not RuntimeDefault");
    }
    if context["allowPrivilegeEscalation"] != Value::Bool(false) {
        problems.push("`allowPrivilegeEscalation` is not false");
    }
    if context["privileged"] == Value::Bool(true) {
        problems.push("it is privileged");
    }
    let drops_all =
        context["capabilities"]["drop"].as_array().is_some_and(|d| d.iter().any(|c| c == "ALL"));
    if !drops_all {
        problems.push("it does not drop ALL capabilities");
    }
    let adds = context["capabilities"]["add"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| *c != "NET_BIND_SERVICE")
        .count();
    if adds > 0 {
        problems.push("it adds capabilities other than NET_BIND_SERVICE");
    }
    if context["readOnlyRootFilesystem"] != Value::Bool(true) {
        problems.push("its root filesystem is writable");
    }
    for problem in problems {
        out.push(not_restricted(format!("container `{name}`: {problem}")));
    }
}

fn not_restricted(message: String) -> Diagnostic {
    Diagnostic::error(Code::CheckNotRestricted, message).with_help(
        "pods must meet the restricted Pod Security Standard, with a read-only root filesystem",
    )
}
