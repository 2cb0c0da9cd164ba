//! MySQL: its descriptor (port 3306, a database named after the dependency,
//! `mysql://` URLs with `ssl-mode=REQUIRED` over TLS) and its chart,
//! Bitnami's `mysql` 14.0.5 (bitnami/charts @ 5165628,
//! `bitnami/mysql/values.yaml`). One pod runs `standalone`; more run
//! `replication` with secondaries.

use std::borrow::Cow;

use serde::Serialize;

use super::{
    Chart, DefaultDatabase, InfraType, Output, ReleaseContext, Requests, ResourcesValue,
    ServiceRule, UrlForm,
};
use crate::helm::{BITNAMI, ChartRef};

/// MySQL: port 3306, a database named after the dependency.
pub static TYPE: InfraType = InfraType {
    name: "mysql",
    default_port: 3306,
    outputs: &[
        Output::Host,
        Output::Port,
        Output::Name,
        Output::Username,
        Output::Password,
        Output::Url,
    ],
    database: DefaultDatabase::DependencyName,
    default_username: "app",
    url: UrlForm {
        plain: "mysql://{username}@{host}:{port}/{name}",
        tls: "mysql://{username}@{host}:{port}/{name}?ssl-mode=REQUIRED",
    },
    chart: Chart {
        chart: ChartRef { repository: BITNAMI, name: "mysql", version: Cow::Borrowed("14.0.5") },
        password_key: USER_PASSWORD_KEY,
        // The chart reads these fixed key names from `auth.existingSecret`.
        secret_keys: &[USER_PASSWORD_KEY, "mysql-root-password", "mysql-replication-password"],
        default_requests: Requests { cpu: "250m", memory: "512Mi" },
        // `<name>` standalone, `<name>-primary` with replication.
        service: ServiceRule { standalone: "{name}", replicated: "{name}-primary" },
        values,
    },
};

const USER_PASSWORD_KEY: &str = "mysql-password";

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
            database: release.database.unwrap_or(release.name),
            username: release.username,
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
