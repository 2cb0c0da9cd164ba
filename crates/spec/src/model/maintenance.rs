//! Maintenance mode: an environment switched into it sends every public
//! route to one server that answers for the whole platform — a service of
//! the platform (a team's landing service running in maintenance mode), or
//! platc's own maintenance server with the page of `platform.yaml`.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::names::ServiceName;

/// Whether an environment is in maintenance, and who answers there: `true`
/// or `false`, or `{enabled: true, service: landing}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Maintenance {
    /// Whether every public route answers with the maintenance target.
    pub enabled: bool,
    /// The `web` service of the platform that answers; when unset,
    /// `platform.yaml`'s `maintenance.service`, else platc's maintenance
    /// server.
    pub service: Option<ServiceName>,
}

impl Maintenance {
    /// Whether nothing is configured: not in maintenance, no service named.
    #[must_use]
    pub fn is_off(&self) -> bool {
        *self == Self::default()
    }
}

impl From<bool> for Maintenance {
    fn from(enabled: bool) -> Self {
        Self { enabled, service: None }
    }
}

/// The long form of an environment's `maintenance`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MaintenanceSettings {
    /// Whether every public route answers with the maintenance target
    /// (HTTP 503 and a page) while the workloads keep running, for a cut-over.
    pub enabled: bool,
    /// A `web` service of the platform that answers every public route in
    /// maintenance, on its first port; it keeps its own routes, probes and
    /// middlewares, and its templates see `environment.maintenance`. Built
    /// in: `platform.yaml`'s `maintenance.service`, else platc's maintenance
    /// server with the page of `platform.yaml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceName>,
}

/// Either form, as files write it.
#[derive(Deserialize)]
#[serde(untagged)]
enum Wire {
    Switch(bool),
    Settings(MaintenanceSettings),
}

impl<'de> Deserialize<'de> for Maintenance {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Wire::deserialize(deserializer)? {
            Wire::Switch(enabled) => Self::from(enabled),
            Wire::Settings(settings) => {
                Self { enabled: settings.enabled, service: settings.service }
            }
        })
    }
}

impl Serialize for Maintenance {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.service {
            None => serializer.serialize_bool(self.enabled),
            Some(service) => {
                MaintenanceSettings { enabled: self.enabled, service: Some(service.clone()) }
                    .serialize(serializer)
            }
        }
    }
}

impl JsonSchema for Maintenance {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Maintenance".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let settings = generator.subschema_for::<MaintenanceSettings>();
        schemars::json_schema!({
            "anyOf": [
                {
                    "type": "boolean",
                    "description": "`true` switches to the maintenance target of `platform.yaml` (its `maintenance.service`, else platc's maintenance server)",
                },
                settings,
            ],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_read_and_write_back() {
        let short: Maintenance = serde_json::from_value(serde_json::json!(true)).expect("reads");
        assert_eq!(short, Maintenance { enabled: true, service: None });
        assert_eq!(serde_json::to_value(&short).expect("writes"), serde_json::json!(true));
        let long = serde_json::json!({"enabled": false, "service": "landing"});
        let read: Maintenance = serde_json::from_value(long.clone()).expect("reads");
        assert_eq!(read.service.as_ref().map(ServiceName::as_str), Some("landing"));
        assert!(!read.enabled);
        assert_eq!(serde_json::to_value(&read).expect("writes"), long);
        let wrong: Result<Maintenance, _> =
            serde_json::from_value(serde_json::json!({"enabld": true}));
        assert!(wrong.is_err());
    }
}
