//! PostgreSQL: its descriptor (port 5432, a database named after the
//! dependency, `postgresql://` URLs with `sslmode=require` over TLS) and its
//! chart, Bitnami's `postgresql` 17.1.0 (bitnami/charts @ 5165628,
//! `bitnami/postgresql/values.yaml`). One pod runs `standalone`; more run
//! `replication` with read replicas.

use std::borrow::Cow;

use serde::Serialize;

use super::{
    Chart, DefaultDatabase, InfraType, Output, ReleaseContext, Requests, ResourcesValue,
    ServiceRule, UrlForm,
};
use crate::helm::{BITNAMI, ChartRef};

/// PostgreSQL: port 5432, a database named after the dependency.
pub static TYPE: InfraType = InfraType {
    name: "postgres",
    default_port: 5432,
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
        plain: "postgresql://{username}@{host}:{port}/{name}",
        tls: "postgresql://{username}@{host}:{port}/{name}?sslmode=require",
    },
    chart: Chart {
        chart: ChartRef {
            repository: BITNAMI,
            name: "postgresql",
            version: Cow::Borrowed("17.1.0"),
        },
        password_key: USER_PASSWORD_KEY,
        secret_keys: &[USER_PASSWORD_KEY, ADMIN_PASSWORD_KEY, REPLICATION_PASSWORD_KEY],
        default_requests: Requests { cpu: "250m", memory: "256Mi" },
        // `<name>` standalone, `<name>-primary` with replication.
        service: ServiceRule { standalone: "{name}", replicated: "{name}-primary" },
        values,
    },
};

const USER_PASSWORD_KEY: &str = "password";
const ADMIN_PASSWORD_KEY: &str = "admin-password";
const REPLICATION_PASSWORD_KEY: &str = "replication-password";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Values<'a> {
    fullname_override: &'a str,
    architecture: &'static str,
    auth: Auth<'a>,
    primary: Node<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    read_replicas: Option<ReadReplicas<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Auth<'a> {
    username: &'a str,
    database: &'a str,
    existing_secret: &'a str,
    secret_keys: SecretKeys,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(clippy::struct_field_names, reason = "the fields are the chart's value keys")]
struct SecretKeys {
    admin_password_key: &'static str,
    user_password_key: &'static str,
    replication_password_key: &'static str,
}

#[derive(Serialize)]
struct Node<'a> {
    persistence: Persistence<'a>,
    resources: &'a ResourcesValue,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReadReplicas<'a> {
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
            username: release.username,
            database: release.database.unwrap_or(release.name),
            existing_secret: release.secret,
            secret_keys: SecretKeys {
                admin_password_key: ADMIN_PASSWORD_KEY,
                user_password_key: USER_PASSWORD_KEY,
                replication_password_key: REPLICATION_PASSWORD_KEY,
            },
        },
        primary: Node {
            persistence: Persistence { size: &release.storage },
            resources: &release.resources,
        },
        read_replicas: replicated.then(|| ReadReplicas {
            replica_count: release.replicas - 1,
            persistence: Persistence { size: &release.storage },
            resources: &release.resources,
        }),
    };
    serde_json::to_value(values)
}
