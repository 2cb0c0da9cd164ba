//! The service map of one environment (`platc graph`): services by kind,
//! the dependencies they use with their provider (an in-cluster release or
//! a managed, external endpoint), the hosts and paths routes serve, the
//! `calls:` between services, and the schedules of jobs. Written as Mermaid
//! (which GitHub renders in Markdown) or Graphviz DOT.
//!
//! Like the builders, it reads only [`resolved`](crate::resolved) values:
//! the map shows what the environment runs, every override and provider
//! applied.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::resolved::{Peer, ResolvedEnvironment, ResolvedService, Workload};

/// What a node of the map stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A `web` service.
    Web,
    /// A `worker` service.
    Worker,
    /// A `cronjob` service.
    CronJob,
    /// A `job` service.
    Job,
    /// A dependency platc installs in the cluster (a Helm release).
    InCluster,
    /// A dependency served from outside the cluster (a managed service).
    External,
    /// A host routes serve.
    Host,
}

/// One box of the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// A stable, unique identifier: `svc:orders-api`, `dep:orders-db`,
    /// `host:shop.example.com`.
    pub id: String,
    /// What it is.
    pub kind: NodeKind,
    /// Its lines of text: the name first.
    pub label: Vec<String>,
}

/// What an arrow of the map means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// A host's requests go to a service (labelled with the paths).
    Route,
    /// A service sends requests to another (`calls:`).
    Calls,
    /// A service uses a dependency (`uses:`).
    Uses,
}

/// One arrow of the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The node it leaves.
    pub from: String,
    /// The node it points at.
    pub to: String,
    /// What it means.
    pub kind: EdgeKind,
    /// Its text, if any (a route's paths).
    pub label: Option<String>,
}

/// The service map of one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceMap {
    /// The environment.
    pub environment: String,
    /// Hosts, then services, then dependencies, each in name order.
    pub nodes: Vec<Node>,
    /// Routes, then calls, then uses, in the order of their nodes.
    pub edges: Vec<Edge>,
}

/// The map of `env`.
#[must_use]
pub fn service_map(env: &ResolvedEnvironment) -> ServiceMap {
    let services: Vec<&ResolvedService> = env.services.iter().chain(&env.maintenance).collect();
    let mut nodes = Vec::new();
    let mut edges = Vec::new();

    // Hosts, each with the paths that go to each service.
    let mut hosts: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for service in &services {
        for route in &service.routes {
            let paths = hosts
                .entry(route.host.as_str())
                .or_default()
                .entry(route.backend.service.as_str())
                .or_default();
            for path in &route.paths {
                if !paths.contains(&path.as_str()) {
                    paths.push(path.as_str());
                }
            }
        }
    }
    for (host, backends) in &hosts {
        let id = format!("host:{host}");
        nodes.push(Node { id: id.clone(), kind: NodeKind::Host, label: vec![(*host).to_owned()] });
        for (backend, paths) in backends {
            edges.push(Edge {
                from: id.clone(),
                to: format!("svc:{backend}"),
                kind: EdgeKind::Route,
                label: Some(paths.join(", ")),
            });
        }
    }

    for service in &services {
        let (kind, detail) = match &service.workload {
            Workload::Web => (NodeKind::Web, "web".to_owned()),
            Workload::Worker => (NodeKind::Worker, "worker".to_owned()),
            Workload::CronJob(cron) => (NodeKind::CronJob, format!("cronjob {}", cron.schedule)),
            Workload::Job(_) => (NodeKind::Job, "job".to_owned()),
        };
        nodes.push(Node {
            id: format!("svc:{}", service.name),
            kind,
            label: vec![service.name.to_string(), detail],
        });
    }
    for service in &services {
        for rule in &service.network.egress {
            if let Peer::Service(callee) = &rule.to {
                edges.push(Edge {
                    from: format!("svc:{}", service.name),
                    to: format!("svc:{callee}"),
                    kind: EdgeKind::Calls,
                    label: Some("calls".to_owned()),
                });
            }
        }
    }

    for dependency in &env.dependencies {
        let id = format!("dep:{}", dependency.name);
        let (kind, provider) = if dependency.in_cluster {
            (NodeKind::InCluster, vec![format!("{} · in-cluster", dependency.type_name)])
        } else {
            (
                NodeKind::External,
                vec![
                    format!("{} · external", dependency.type_name),
                    format!("{}:{}", dependency.outputs.host, dependency.outputs.port),
                ],
            )
        };
        let mut label = vec![dependency.name.to_string()];
        label.extend(provider);
        nodes.push(Node { id: id.clone(), kind, label });
        for user in &dependency.users {
            edges.push(Edge {
                from: format!("svc:{user}"),
                to: id.clone(),
                kind: EdgeKind::Uses,
                label: None,
            });
        }
    }
    // Arrows in the order of the nodes they leave: all of a service's together.
    let position: BTreeMap<&str, usize> =
        nodes.iter().enumerate().map(|(i, node)| (node.id.as_str(), i)).collect();
    let rank = |edge: &Edge| {
        let kind = match edge.kind {
            EdgeKind::Route => 0,
            EdgeKind::Calls => 1,
            EdgeKind::Uses => 2,
        };
        (
            kind,
            position.get(edge.from.as_str()).copied().unwrap_or(usize::MAX),
            position.get(edge.to.as_str()).copied().unwrap_or(usize::MAX),
        )
    };
    edges.sort_by_key(rank);
    ServiceMap { environment: env.name.to_string(), nodes, edges }
}

impl ServiceMap {
    /// The map as a Mermaid flowchart, for a ```` ```mermaid ```` block.
    #[must_use]
    pub fn mermaid(&self) -> String {
        let ids: BTreeMap<&str, String> =
            self.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), mermaid_id(n, i))).collect();
        let id = |node: &str| ids.get(node).cloned().unwrap_or_else(|| mermaid_safe(node));
        let mut out = format!("flowchart LR\n  %% platc graph {}\n", self.environment);
        for node in &self.nodes {
            let label =
                node.label.iter().map(|l| mermaid_text(l)).collect::<Vec<_>>().join("<br/>");
            let (open, close) = match node.kind {
                NodeKind::Web => ("[\"", "\"]"),
                NodeKind::Worker => ("[[\"", "\"]]"),
                NodeKind::CronJob => ("([\"", "\"])"),
                NodeKind::Job => ("{{\"", "\"}}"),
                NodeKind::InCluster | NodeKind::External => ("[(\"", "\")]"),
                NodeKind::Host => (">\"", "\"]"),
            };
            let _ = writeln!(out, "  {}{open}{label}{close}", id(&node.id));
        }
        for edge in &self.edges {
            let arrow = match edge.kind {
                EdgeKind::Route | EdgeKind::Uses => "-->",
                EdgeKind::Calls => "-.->",
            };
            let label = edge
                .label
                .as_deref()
                .map(|l| format!("|\"{}\"|", mermaid_text(l)))
                .unwrap_or_default();
            let _ = writeln!(out, "  {} {arrow}{label} {}", id(&edge.from), id(&edge.to));
        }
        let classes = [
            (NodeKind::Host, "host", "fill:#eef6ff,stroke:#4a7ab5"),
            (NodeKind::InCluster, "incluster", "fill:#eefaf0,stroke:#3d8b4f"),
            (NodeKind::External, "external", "fill:#fff8e6,stroke:#b58a2a,stroke-dasharray:5 3"),
        ];
        for (kind, class, style) in classes {
            let members: Vec<String> =
                self.nodes.iter().filter(|n| n.kind == kind).map(|n| id(&n.id)).collect();
            if !members.is_empty() {
                let _ = writeln!(out, "  classDef {class} {style}");
                let _ = writeln!(out, "  class {} {class}", members.join(","));
            }
        }
        out
    }

    /// The map as a Graphviz digraph (`dot -Tsvg`).
    #[must_use]
    pub fn dot(&self) -> String {
        let mut out = format!("digraph {} {{\n", dot_string(&self.environment));
        out.push_str("  rankdir=LR;\n");
        out.push_str("  node [fontname=\"Helvetica\", fontsize=11];\n");
        out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
        for node in &self.nodes {
            let attributes = match node.kind {
                NodeKind::Web => "shape=box",
                NodeKind::Worker => "shape=box, style=rounded",
                NodeKind::CronJob => "shape=component",
                NodeKind::Job => "shape=hexagon",
                NodeKind::InCluster => "shape=cylinder",
                NodeKind::External => "shape=cylinder, style=dashed",
                NodeKind::Host => "shape=cds",
            };
            let _ = writeln!(
                out,
                "  {} [label={}, {attributes}];",
                dot_string(&node.id),
                dot_string(&node.label.join("\n"))
            );
        }
        for edge in &self.edges {
            let mut attributes = Vec::new();
            if let Some(label) = &edge.label {
                attributes.push(format!("label={}", dot_string(label)));
            }
            if edge.kind == EdgeKind::Calls {
                attributes.push("style=dashed".to_owned());
            }
            let attributes = if attributes.is_empty() {
                String::new()
            } else {
                format!(" [{}]", attributes.join(", "))
            };
            let _ = writeln!(
                out,
                "  {} -> {}{attributes};",
                dot_string(&edge.from),
                dot_string(&edge.to)
            );
        }
        out.push_str("}\n");
        out
    }
}

/// A Mermaid node id: readable for services and dependencies, whose names
/// are DNS labels (so `-` → `_` keeps them apart); numbered for hosts,
/// whose dots and dashes would not.
fn mermaid_id(node: &Node, index: usize) -> String {
    match node.id.split_once(':') {
        Some(("svc", name)) => format!("svc_{}", mermaid_safe(name)),
        Some(("dep", name)) => format!("dep_{}", mermaid_safe(name)),
        _ => format!("host{index}"),
    }
}

fn mermaid_safe(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// Text inside a quoted Mermaid label.
fn mermaid_text(text: &str) -> String {
    text.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;")
}

/// A DOT string literal.
fn dot_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(dot_string("a \"b\"\nc"), "\"a \\\"b\\\"\\nc\"");
        assert_eq!(mermaid_text("a \"b\" <c>"), "a #quot;b#quot; #lt;c#gt;");
        assert_eq!(mermaid_safe("orders-api"), "orders_api");
    }
}
