//! The service map (`platc graph`), from resolved environments.

use platc_render::graph::{EdgeKind, NodeKind};
use platc_render::service_map;

use crate::load;

#[test]
fn services_by_kind_routes_and_schedules() {
    let (map, warnings) = service_map(&load("routing"), "production").expect("maps");
    assert!(warnings.is_empty());
    assert_eq!(map.environment, "production");
    let nodes: Vec<(&str, NodeKind, String)> =
        map.nodes.iter().map(|n| (n.id.as_str(), n.kind, n.label.join(" | "))).collect();
    assert!(nodes.contains(&("svc:api", NodeKind::Web, "api | web".to_owned())), "{nodes:?}");
    assert!(nodes.contains(&("svc:migrate", NodeKind::Job, "migrate | job".to_owned())));
    assert!(nodes.contains(&(
        "svc:report",
        NodeKind::CronJob,
        "report | cronjob 30 2 * * *".to_owned()
    )));
    let hosts: Vec<&str> =
        map.nodes.iter().filter(|n| n.kind == NodeKind::Host).map(|n| n.id.as_str()).collect();
    assert_eq!(
        hosts,
        [
            "host:admin.example.com",
            "host:api.example.com",
            "host:example.com",
            "host:shop.example.com"
        ]
    );
    // Hosts first, in name order, then services.
    assert_eq!(map.nodes[0].kind, NodeKind::Host);
    let routes: Vec<(&str, &str, Option<&str>)> = map
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Route)
        .map(|e| (e.from.as_str(), e.to.as_str(), e.label.as_deref()))
        .collect();
    assert_eq!(
        routes,
        [
            ("host:admin.example.com", "svc:admin", Some("/")),
            ("host:api.example.com", "svc:api", Some("/v1, /v2")),
            ("host:example.com", "svc:landing", Some("/")),
            ("host:shop.example.com", "svc:api", Some("/api")),
            ("host:shop.example.com", "svc:storefront", Some("/")),
        ]
    );
}

#[test]
fn dependencies_with_their_provider() {
    let platform = load("infra");
    let (production, _) = service_map(&platform, "production").expect("maps");
    let deps: Vec<(&str, NodeKind, &str)> = production
        .nodes
        .iter()
        .filter(|n| n.id.starts_with("dep:"))
        .map(|n| (n.id.as_str(), n.kind, n.label[1].as_str()))
        .collect();
    assert_eq!(
        deps,
        [
            ("dep:cache", NodeKind::External, "redis · external"),
            ("dep:events", NodeKind::External, "kafka · external"),
            ("dep:jobs", NodeKind::External, "rabbitmq · external"),
            ("dep:legacy-db", NodeKind::External, "mysql · external"),
            ("dep:orders-db", NodeKind::External, "postgres · external"),
        ]
    );
    let orders_db = production.nodes.iter().find(|n| n.id == "dep:orders-db").expect("orders-db");
    assert_eq!(orders_db.label[2], "orders.cluster-abc.eu-central-1.rds.amazonaws.com:5432");
    let users: Vec<&str> = production
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Uses && e.to == "dep:orders-db")
        .map(|e| e.from.as_str())
        .collect();
    assert_eq!(users, ["svc:orders", "svc:worker"]);

    let (local, _) = service_map(&platform, "local").expect("maps");
    assert!(
        local
            .nodes
            .iter()
            .filter(|n| n.id.starts_with("dep:"))
            .all(|n| n.kind == NodeKind::InCluster)
    );
    assert!(
        local.mermaid().contains("  dep_orders_db[(\"orders-db<br/>postgres · in-cluster\")]\n")
    );
}

#[test]
fn unknown_environments_are_errors() {
    let problems = service_map(&load("routing"), "prod").expect_err("no such environment");
    assert_eq!(problems[0].code, platc_spec::Code::RenderUnknownEnvironment);
}
