//! Kafka: its descriptor (port 9092, no database, the bootstrap server as
//! URL, the security protocol and SASL mechanism as outputs of its own) and
//! its chart, Bitnami's `kafka` 32.4.4 (bitnami/charts @ 5165628,
//! `bitnami/kafka/values.yaml`), in KRaft mode with combined
//! controller+broker nodes. Clients authenticate with SASL PLAIN over
//! `SASL_PLAINTEXT`, as they do with SASL_SSL against Confluent Cloud, so the
//! same client settings work with both providers.

use std::borrow::Cow;

use serde::Serialize;

use super::{
    Chart, DefaultDatabase, Fixed, InfraType, Output, ReleaseContext, Requests, ResourcesValue,
    ServiceRule, UrlForm,
};
use crate::helm::{BITNAMI, ChartRef};

/// Kafka: port 9092, no database; the URL is the bootstrap server, and
/// clients also get the security protocol and the SASL mechanism.
pub static TYPE: InfraType = InfraType {
    name: "kafka",
    default_port: 9092,
    outputs: &[
        Output::Host,
        Output::Port,
        Output::Username,
        Output::Password,
        Output::Url,
        Output::Fixed(Fixed {
            name: "security_protocol",
            plain: "SASL_PLAINTEXT",
            tls: "SASL_SSL",
        }),
        Output::Fixed(Fixed { name: "sasl_mechanism", plain: "PLAIN", tls: "PLAIN" }),
    ],
    database: DefaultDatabase::None,
    default_username: "app",
    url: UrlForm { plain: "{host}:{port}", tls: "{host}:{port}" },
    chart: Chart {
        chart: ChartRef { repository: BITNAMI, name: "kafka", version: Cow::Borrowed("32.4.4") },
        password_key: CLIENT_PASSWORDS_KEY,
        // The chart reads these fixed key names from `sasl.existingSecret`; with
        // one client user, `client-passwords` holds exactly its password.
        secret_keys: &[CLIENT_PASSWORDS_KEY, "inter-broker-password", "controller-password"],
        default_requests: Requests { cpu: "500m", memory: "1Gi" },
        // The bootstrap Service `<name>`, port 9092.
        service: ServiceRule { standalone: "{name}", replicated: "{name}" },
        values,
    },
};

const CLIENT_PASSWORDS_KEY: &str = "client-passwords";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Values<'a> {
    fullname_override: &'a str,
    /// Kafka's internal topics default to a replication factor of 3; a
    /// smaller cluster must lower it or consumers never get offsets.
    #[serde(skip_serializing_if = "Option::is_none")]
    override_configuration: Option<InternalTopics>,
    listeners: Listeners,
    sasl: Sasl<'a>,
    controller: Controller<'a>,
}

#[derive(Serialize)]
struct InternalTopics {
    #[serde(rename = "offsets.topic.replication.factor")]
    offsets_replication: u32,
    #[serde(rename = "transaction.state.log.replication.factor")]
    transactions_replication: u32,
    #[serde(rename = "transaction.state.log.min.isr")]
    transactions_min_isr: u32,
}

#[derive(Serialize)]
struct Listeners {
    client: Listener,
}

#[derive(Serialize)]
struct Listener {
    protocol: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Sasl<'a> {
    client: SaslClient<'a>,
    existing_secret: &'a str,
}

#[derive(Serialize)]
struct SaslClient<'a> {
    users: [&'a str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(clippy::struct_field_names, reason = "the fields are the chart's value keys")]
struct Controller<'a> {
    replica_count: u32,
    controller_only: bool,
    persistence: Persistence<'a>,
    resources: &'a ResourcesValue,
}

#[derive(Serialize)]
struct Persistence<'a> {
    size: &'a str,
}

fn values(release: &ReleaseContext<'_>) -> Result<serde_json::Value, serde_json::Error> {
    let values = Values {
        fullname_override: release.name,
        override_configuration: (release.replicas < 3).then_some(InternalTopics {
            offsets_replication: release.replicas,
            transactions_replication: release.replicas,
            transactions_min_isr: 1,
        }),
        listeners: Listeners { client: Listener { protocol: "SASL_PLAINTEXT" } },
        sasl: Sasl {
            client: SaslClient { users: [release.username] },
            existing_secret: release.secret,
        },
        controller: Controller {
            replica_count: release.replicas,
            controller_only: false,
            persistence: Persistence { size: &release.storage },
            resources: &release.resources,
        },
    };
    serde_json::to_value(values)
}
