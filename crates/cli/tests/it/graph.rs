//! `platc graph ENV`: the service map as Mermaid and DOT.

use crate::{basic_copy, platc, workspace};

#[test]
fn the_example_platform_map() {
    let production = platc(&workspace(), &["graph", "production"]);
    assert_eq!(production.code, 0, "{}", production.stderr);
    assert_eq!(production.stderr, "");
    let map = &production.stdout;
    assert!(map.starts_with("flowchart LR\n"), "{map}");
    // 29 services by kind, 16 dependencies with their provider, 10 hosts.
    assert_eq!(map.lines().filter(|l| l.starts_with("  svc_") && !l.contains("->")).count(), 29);
    assert_eq!(map.lines().filter(|l| l.starts_with("  dep_") && l.contains("[(")).count(), 16);
    assert_eq!(map.lines().filter(|l| l.starts_with("  host") && l.contains(">\"")).count(), 10);
    assert!(map.contains("  svc_storefront[\"storefront<br/>web\"]\n"), "{map}");
    assert!(map.contains("  svc_fulfillment_worker[[\"fulfillment-worker<br/>worker\"]]\n"));
    assert!(map.contains("  svc_nightly_reports([\"nightly-reports<br/>cronjob 15 2 * * *\"])\n"));
    assert!(map.contains("  svc_orders_migrate{{\"orders-migrate<br/>job\"}}\n"));
    assert!(map.contains("  dep_cache[(\"cache<br/>redis · in-cluster\")]\n"), "{map}");
    assert!(map.contains(
        "  dep_events[(\"events<br/>kafka · external<br/>pkc-67890.eu-central-1.aws.confluent.cloud:9092\")]\n"
    ));
    // Routes with their paths, calls, uses.
    assert!(map.contains(" -->|\"/orders/v1\"| svc_orders_api\n"), "{map}");
    assert!(map.contains("  svc_storefront -.->|\"calls\"| svc_graphql_gateway\n"));
    assert!(map.contains("  svc_orders_migrate --> dep_orders_db\n"));
    insta::assert_snapshot!("graph-production", map);

    // Locally every dependency is an in-cluster release.
    let local = platc(&workspace(), &["graph", "env/local"]);
    assert_eq!(local.code, 0, "{}", local.stderr);
    assert!(local.stdout.contains("  dep_events[(\"events<br/>kafka · in-cluster\")]\n"));
    assert!(!local.stdout.contains("external"), "{}", local.stdout);
}

#[test]
fn dot_for_graphviz() {
    let run = platc(&workspace(), &["graph", "production", "--format", "dot"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dot = &run.stdout;
    assert!(dot.starts_with("digraph \"production\" {\n  rankdir=LR;\n"), "{dot}");
    assert!(dot.ends_with("}\n"));
    assert!(
        dot.contains("  \"svc:orders-migrate\" [label=\"orders-migrate\\njob\", shape=hexagon];\n"),
        "{dot}"
    );
    assert!(
        dot.contains("  \"dep:cache\" [label=\"cache\\nredis · in-cluster\", shape=cylinder];\n")
    );
    assert!(dot.contains("shape=cylinder, style=dashed];\n"), "external dependencies are dashed");
    assert!(
        dot.contains(
            "  \"host:api.acme-shop.com\" -> \"svc:orders-api\" [label=\"/orders/v1\"];\n"
        )
    );
    assert!(dot.contains(
        "  \"svc:storefront\" -> \"svc:graphql-gateway\" [label=\"calls\", style=dashed];\n"
    ));
    assert!(dot.contains("  \"svc:orders-api\" -> \"dep:orders-db\";\n"));
    // Every node an edge names is declared.
    for line in dot.lines().filter(|l| l.contains(" -> ")) {
        let from = line.trim().split(" -> ").next().unwrap_or_default();
        assert!(dot.contains(&format!("  {from} [label=")), "{from} is not declared");
    }
}

#[test]
fn an_unknown_environment_is_bad_input() {
    let tmp = basic_copy();
    let run = platc(tmp.path(), &["graph", "prodution"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("error[render::unknown_environment]: unknown environment `prodution`")
    );
    assert!(run.stderr.contains("did you mean `production`?"), "{}", run.stderr);
}
