//! MySQL in the cluster: Bitnami's `mysql` chart 14.0.5
//! (bitnami/charts @ 5165628, `bitnami/mysql/values.yaml`).
//! One pod runs `standalone`; more run `replication` with secondaries.

use std::borrow::Cow;

use serde::Serialize;

use super::{Chart, ReleaseContext, ResourcesValue};
use crate::helm::{BITNAMI, ChartRef};

/// The chart, the credentials it reads and where clients connect.
pub const CHART: Chart = Chart {
    chart: ChartRef { repository: BITNAMI, name: "mysql", version: Cow::Borrowed("14.0.5") },
    password_key: USER_PASSWORD_KEY,
    // The chart reads these fixed key names from `auth.existingSecret`.
    secret_keys: &[USER_PASSWORD_KEY, "mysql-root-password", "mysql-replication-password"],
    default_requests: ("250m", "512Mi"),
    service,
    values,
};

const USER_PASSWORD_KEY: &str = "mysql-password";

/// `<name>` standalone, `<name>-primary` with replication.
fn service(name: &str, replicas: u32) -> String {
    if replicas > 1 { format!("{name}-primary") } else { name.to_owned() }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Values<'a> {
    fullname_override: &'a str,
    architecture: &'static str,
    auth: Auth<'a>,
    primary: Node<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secondary: Option<Secondary<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Auth<'a> {
    create_database: bool,
    database: &'a str,
    username: &'a str,
    existing_secret: &'a str,
}

#[derive(Serialize)]
struct Node<'a> {
    persistence: Persistence<'a>,
    resources: &'a ResourcesValue,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Secondary<'a> {
    replica_count: u32,
    persistence: Persistence<'a>,
    resources: &'a ResourcesValue,
}

#[derive(Serialize)]
struct Persistence<'a> {
    size: &'a str,
}

fn values(release: &ReleaseContext<'_>) -> Result<serde_json::Value, serde_json::Error> {
    let replicated = release.replicas > 1;
    let values = Values {
        fullname_override: release.name,
        architecture: if replicated { "replication" } else { "standalone" },
        auth: Auth {
            create_database: true,
            database: release.database.as_deref().unwrap_or(release.name),
            username: &release.username,
            existing_secret: release.secret,
        },
        primary: Node {
            persistence: Persistence { size: &release.storage },
            resources: &release.resources,
        },
        secondary: replicated.then(|| Secondary {
            replica_count: release.replicas - 1,
            persistence: Persistence { size: &release.storage },
            resources: &release.resources,
        }),
    };
    serde_json::to_value(values)
}
