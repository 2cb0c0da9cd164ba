//! RabbitMQ: its descriptor (port 5672, the vhost `/`, `amqp://` or
//! `amqps://` URLs) and its chart, Bitnami's `rabbitmq` 16.0.16
//! (bitnami/charts @ 5165628, `bitnami/rabbitmq/values.yaml`). More than one
//! pod forms a cluster.

use std::borrow::Cow;

use serde::Serialize;

use super::{
    Chart, DefaultDatabase, InfraType, Output, ReleaseContext, Requests, ResourcesValue,
    ServiceRule, UrlForm,
};
use crate::helm::{BITNAMI, ChartRef};

/// RabbitMQ: port 5672, the vhost `/` (escaped in the URL's path).
pub static TYPE: InfraType = InfraType {
    name: "rabbitmq",
    default_port: 5672,
    outputs: &[
        Output::Host,
        Output::Port,
        Output::Name,
        Output::Username,
        Output::Password,
        Output::Url,
    ],
    database: DefaultDatabase::Value("/"),
    default_username: "app",
    url: UrlForm {
        plain: "amqp://{username}@{host}:{port}/{name_segment}",
        tls: "amqps://{username}@{host}:{port}/{name_segment}",
    },
    chart: Chart {
        chart: ChartRef {
            repository: BITNAMI,
            name: "rabbitmq",
            version: Cow::Borrowed("16.0.16"),
        },
        password_key: PASSWORD_KEY,
        secret_keys: &[PASSWORD_KEY, ERLANG_COOKIE_KEY],
        default_requests: Requests { cpu: "250m", memory: "512Mi" },
        // `<name>`, whatever the number of nodes.
        service: ServiceRule { standalone: "{name}", replicated: "{name}" },
        values,
    },
};

const PASSWORD_KEY: &str = "password";
const ERLANG_COOKIE_KEY: &str = "erlang-cookie";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Values<'a> {
    fullname_override: &'a str,
    replica_count: u32,
    auth: Auth<'a>,
    persistence: Persistence<'a>,
    resources: &'a ResourcesValue,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Auth<'a> {
    username: &'a str,
    existing_password_secret: &'a str,
    existing_secret_password_key: &'static str,
    existing_erlang_secret: &'a str,
    existing_secret_erlang_key: &'static str,
}

#[derive(Serialize)]
struct Persistence<'a> {
    size: &'a str,
}

fn values(release: &ReleaseContext<'_>) -> Result<serde_json::Value, serde_json::Error> {
    let values = Values {
        fullname_override: release.name,
        replica_count: release.replicas,
        auth: Auth {
            username: release.username,
            existing_password_secret: release.secret,
            existing_secret_password_key: PASSWORD_KEY,
            existing_erlang_secret: release.secret,
            existing_secret_erlang_key: ERLANG_COOKIE_KEY,
        },
        persistence: Persistence { size: &release.storage },
        resources: &release.resources,
    };
    serde_json::to_value(values)
}
