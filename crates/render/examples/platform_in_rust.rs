//! A small platform defined in Rust instead of YAML, validated and rendered
//! with the same library calls `platc` makes; prints the production stream.
//!
//! Run with `cargo run -p platc-render --example platform_in_rust`.
//! `tests/fixtures/in-rust/` holds the same platform in YAML, and a test
//! checks that both render to the same bytes.

use std::error::Error;

use platc_spec::diagnostic::Diagnostics;
use platc_spec::model::{
    ClusterFlavour, Environment, Platform, Provider, ResourceList, Resources, Route, Service,
    ServiceOverride,
};
use platc_spec::quantity::Quantity;

/// The platform: a web API with a database and a cache, a worker sharing
/// the database, in-cluster on staging and managed in production.
pub fn shop() -> Result<Platform, Box<dyn Error>> {
    let api = Service::web("api", "ghcr.io/acme/api")?
        .port("http", 8080)?
        .env("LOG_LEVEL", "info")?
        .env("PUBLIC_URL", "https://api.{{ environment.domain }}")?
        .secret("STRIPE_API_KEY", "stripe", "api-key")?
        .uses("orders-db", "postgres")?
        .uses("cache", "redis")?
        .readiness("/ready")
        .liveness("/healthz")
        .resources(Resources {
            requests: ResourceList {
                cpu: Some(Quantity::new("250m")?),
                memory: Some(Quantity::new("256Mi")?),
                ephemeral_storage: None,
            },
            limits: ResourceList::default(),
        })
        .replicas(2)
        .route(Route::host("api.{{ environment.domain }}"));
    let worker = Service::worker("fulfillment", "ghcr.io/acme/fulfillment")?
        .uses("orders-db", "postgres")?
        .env("BATCH_SIZE", "100")?;

    let staging = Environment::new("staging", "staging.example.com", ClusterFlavour::Eks)?
        .in_namespace("shop")?
        .default_tag("1.5.0")?
        .provide("postgres", Provider::helm())?
        .provide("redis", Provider::helm())?;
    let production = Environment::new("production", "example.com", ClusterFlavour::Eks)?
        .in_namespace("shop")?
        .default_tag("1.4.2")?
        .tag("api", "1.4.3")?
        .override_service(
            "api",
            ServiceOverride { replicas: Some(4), ..ServiceOverride::default() },
        )?
        .provide(
            "postgres",
            Provider::external("orders.cluster-abc.eu-central-1.rds.amazonaws.com"),
        )?
        .provide("redis", Provider::helm())?;

    Ok(Platform::named("shop")?
        .with_service(api)
        .with_service(worker)
        .with_environment(staging)
        .with_environment(production))
}

fn main() -> Result<(), Box<dyn Error>> {
    let platform = shop()?;
    // The checks `platc` runs after loading files apply to a platform built in code too.
    let problems = Diagnostics(platc_spec::validate::validate(&platform));
    if problems.error_count() > 0 {
        return Err(problems.into());
    }
    let rendered = platc_render::render(&platform, "production").map_err(Diagnostics)?;
    // The typed objects are there too: `rendered.objects`.
    print!("{}", rendered.stream()?);
    Ok(())
}
