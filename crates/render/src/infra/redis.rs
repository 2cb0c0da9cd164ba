//! Redis: its descriptor (port 6379, database 0, the `default` user,
//! `redis://` or `rediss://` URLs) and its chart, Bitnami's `redis` 23.1.1
//! (bitnami/charts @ 5165628, `bitnami/redis/values.yaml`). One pod runs
//! `standalone`; more run `replication` (a master and replicas).

use std::borrow::Cow;

use serde::Serialize;

use super::{
    Chart, DefaultDatabase, InfraType, Output, ReleaseContext, Requests, ResourcesValue,
    ServiceRule, UrlForm,
};
use crate::helm::{BITNAMI, ChartRef};

/// Redis: port 6379, database number 0. Without ACLs Redis has no
/// application user: clients authenticate as `default` with the password.
pub static TYPE: InfraType = InfraType {
    name: "redis",
    default_port: 6379,
    outputs: &[
        Output::Host,
        Output::Port,
        Output::Name,
        Output::Username,
        Output::Password,
        Output::Url,
    ],
    database: DefaultDatabase::Value("0"),
    default_username: "default",
    url: UrlForm {
        plain: "redis://{username}@{host}:{port}/{name}",
        tls: "rediss://{username}@{host}:{port}/{name}",
    },
    chart: Chart {
        chart: ChartRef { repository: BITNAMI, name: "redis", version: Cow::Borrowed("23.1.1") },
        password_key: PASSWORD_KEY,
        secret_keys: &[PASSWORD_KEY],
        default_requests: Requests { cpu: "100m", memory: "128Mi" },
        // Clients write to the master: `<name>-master` in both architectures.
        service: ServiceRule { standalone: "{name}-master", replicated: "{name}-master" },
        values,
    },
};

const PASSWORD_KEY: &str = "password";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Values<'a> {
    fullname_override: &'a str,
    architecture: &'static str,
    auth: Auth<'a>,
    master: Node<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replica: Option<Replica<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Auth<'a> {
    enabled: bool,
    existing_secret: &'a str,
    existing_secret_password_key: &'static str,
}

#[derive(Serialize)]
struct Node<'a> {
    persistence: Persistence<'a>,
    resources: &'a ResourcesValue,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(clippy::struct_field_names, reason = "the fields are the chart's value keys")]
struct Replica<'a> {
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
            enabled: true,
            existing_secret: release.secret,
            existing_secret_password_key: PASSWORD_KEY,
        },
        master: Node {
            persistence: Persistence { size: &release.storage },
            resources: &release.resources,
        },
        replica: replicated.then(|| Replica {
            replica_count: release.replicas - 1,
            persistence: Persistence { size: &release.storage },
            resources: &release.resources,
        }),
    };
    serde_json::to_value(values)
}
