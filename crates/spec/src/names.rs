//! Validated names: every identifier a user writes that ends up in a Kubernetes
//! object name, a label, an environment variable or an image reference.
//!
//! Each newtype checks its rule once, at construction, so the rest of platc can
//! rely on it: a `ServiceName` is always a valid DNS-1035 label. The same regular
//! expression is published in the JSON Schema, so editors flag a bad name while
//! the user types.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// A string that does not satisfy a name rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {what}: {rule}")]
pub struct NameError {
    /// The rejected input.
    pub value: String,
    /// What the string was meant to be ("service name").
    pub what: &'static str,
    /// The rule it breaks, in words.
    pub rule: &'static str,
}

macro_rules! name_type {
    (
        $(#[$doc:meta])*
        $name:ident, what: $what:literal, pattern: $pattern:literal, max: $max:literal, rule: $rule:literal
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The regular expression every value matches, as published in the JSON Schema.
            pub const PATTERN: &'static str = $pattern;
            /// The longest accepted value, in bytes.
            pub const MAX_LEN: usize = $max;
            /// The rule in words, as error messages and the schema state it.
            pub const RULE: &'static str = $rule;

            /// Checks `value` against the rule and wraps it.
            pub fn new(value: impl Into<String>) -> Result<Self, NameError> {
                static RE: LazyLock<Regex> = LazyLock::new(|| {
                    Regex::new($pattern).expect("name patterns are valid regular expressions")
                });
                let value = value.into();
                if value.len() <= $max && RE.is_match(&value) {
                    Ok(Self(value))
                } else {
                    Err(NameError { value, what: $what, rule: $rule })
                }
            }

            /// The name as a string slice.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = NameError;
            fn try_from(value: String) -> Result<Self, NameError> {
                Self::new(value)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = NameError;
            fn try_from(value: &str) -> Result<Self, NameError> {
                Self::new(value)
            }
        }

        impl From<$name> for String {
            fn from(name: $name) -> String {
                name.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "string",
                    "pattern": $pattern,
                    "maxLength": $max,
                    "description": $rule,
                })
            }
        }
    };
}

name_type! {
    /// The name of a service: a DNS-1035 label, because it names the Kubernetes
    /// Service, Deployment and ConfigMap of the workload.
    ServiceName, what: "service name", pattern: "^[a-z]([-a-z0-9]*[a-z0-9])?$", max: 63,
    rule: "lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters"
}

name_type! {
    /// The name of an environment (`local`, `staging`, `production`).
    EnvName, what: "environment name", pattern: "^[a-z]([-a-z0-9]*[a-z0-9])?$", max: 63,
    rule: "lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters"
}

name_type! {
    /// A Kubernetes namespace name: a DNS-1123 label.
    NamespaceName, what: "namespace", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", max: 63,
    rule: "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"
}

name_type! {
    /// A name for a port, a Secret or another object a service refers to: a DNS-1123 label.
    ObjectName, what: "object name", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", max: 63,
    rule: "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"
}

name_type! {
    /// A container port name: an IANA service name, at most 15 characters,
    /// referenced by Services, probes and routes.
    PortName, what: "port name", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", max: 15,
    rule: "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 15 characters"
}

name_type! {
    /// An environment variable name as Kubernetes accepts it (a C identifier).
    EnvVarName, what: "environment variable name", pattern: "^[A-Za-z_][A-Za-z0-9_]*$", max: 253,
    rule: "letters, digits and '_', not starting with a digit"
}

name_type! {
    /// A DNS domain name under which an environment publishes its routes.
    DomainName, what: "domain name",
    pattern: "^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", max: 253,
    rule: "lowercase DNS labels separated by dots, at most 253 characters"
}

name_type! {
    /// An image repository without tag or digest (`ghcr.io/acme/api`); the tag
    /// comes from the environment.
    ImageRepository, what: "image repository",
    pattern: "^([a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*(:[0-9]+)?/)?[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*$",
    max: 255,
    rule: "an image repository such as `ghcr.io/acme/api`, without tag or digest (the tag comes from the environment)"
}

name_type! {
    /// An image tag (`1.4.2`, `2026-11-23.3`).
    ImageTag, what: "image tag", pattern: "^[A-Za-z0-9_][A-Za-z0-9_.-]*$", max: 128,
    rule: "letters, digits, '_', '.' and '-', not starting with '.' or '-', at most 128 characters"
}

name_type! {
    /// A dependency name a service gives to an infrastructure resource (`db`,
    /// `orders-db`): it names the in-cluster release and prefixes the injected
    /// environment variables.
    DependencyName, what: "dependency name", pattern: "^[a-z]([-a-z0-9]*[a-z0-9])?$", max: 40,
    rule: "lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 40 characters"
}

/// An IP address or CIDR range (`10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IpRange(String);

impl IpRange {
    /// The rule in words.
    pub const RULE: &'static str = "an IP address or CIDR range such as `10.0.0.0/8`";

    /// Checks an address or CIDR range.
    pub fn new(value: impl Into<String>) -> Result<Self, NameError> {
        let value = value.into();
        let (address, prefix) = match value.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (value.as_str(), None),
        };
        let max = match address.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(_)) => 32,
            Ok(std::net::IpAddr::V6(_)) => 128,
            Err(_) => 0,
        };
        let prefix_ok = prefix.is_none_or(|p| p.parse::<u8>().is_ok_and(|p| p <= max));
        if max > 0 && prefix_ok {
            Ok(Self(value))
        } else {
            Err(NameError { value, what: "IP range", rule: Self::RULE })
        }
    }

    /// The range as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for IpRange {
    type Error = NameError;
    fn try_from(value: String) -> Result<Self, NameError> {
        Self::new(value)
    }
}

impl From<IpRange> for String {
    fn from(range: IpRange) -> String {
        range.0
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl JsonSchema for IpRange {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IpRange".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": r"^[0-9a-fA-F:.]+(/[0-9]{1,3})?$",
            "description": Self::RULE,
        })
    }
}

impl From<&EnvName> for NamespaceName {
    /// An environment's name is always a valid namespace name: both are DNS
    /// labels, and environment names are the stricter rule.
    fn from(name: &EnvName) -> Self {
        Self(name.0.clone())
    }
}

impl ImageTag {
    /// Whether this is the floating `latest` tag, which is refused outside local development.
    #[must_use]
    pub fn is_latest(&self) -> bool {
        self.0 == "latest"
    }
}

impl DependencyName {
    /// The prefix of the environment variables injected for this dependency:
    /// `orders-db` becomes `ORDERS_DB`.
    #[must_use]
    pub fn env_prefix(&self) -> String {
        self.0.to_ascii_uppercase().replace('-', "_")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_follow_dns_1035() {
        assert!(ServiceName::new("api").is_ok());
        assert!(ServiceName::new("order-events-2").is_ok());
        assert!(ServiceName::new("2fa").is_err(), "must start with a letter");
        assert!(ServiceName::new("Api").is_err(), "lowercase only");
        assert!(ServiceName::new("api-").is_err(), "must not end with '-'");
        assert!(ServiceName::new("a".repeat(64)).is_err(), "at most 63 characters");
        let err = ServiceName::new("Api").unwrap_err();
        assert_eq!(err.to_string().split(':').next(), Some("`Api` is not a valid service name"));
    }

    #[test]
    fn image_repositories_refuse_tags() {
        assert!(ImageRepository::new("ghcr.io/acme/api").is_ok());
        assert!(ImageRepository::new("localhost:5000/acme/api").is_ok());
        assert!(ImageRepository::new("nginx").is_ok());
        assert!(ImageRepository::new("ghcr.io/acme/api:1.2").is_err());
        assert!(ImageRepository::new("ghcr.io/acme/api@sha256:abc").is_err());
        assert!(ImageRepository::new("ghcr.io/Acme/api").is_err());
    }

    #[test]
    fn image_tags_and_latest() {
        assert!(ImageTag::new("1.4.2").is_ok());
        assert!(ImageTag::new("-x").is_err());
        assert!(ImageTag::new("latest").is_ok_and(|t| t.is_latest()));
    }

    #[test]
    fn ip_ranges() {
        assert!(IpRange::new("10.0.0.0/8").is_ok());
        assert!(IpRange::new("192.0.2.7").is_ok());
        assert!(IpRange::new("2001:db8::/32").is_ok());
        assert!(IpRange::new("10.0.0.0/33").is_err());
        assert!(IpRange::new("10.0.0/8").is_err());
        assert!(IpRange::new("example.com").is_err());
    }

    #[test]
    fn dependency_env_prefix() {
        assert_eq!(DependencyName::new("orders-db").unwrap().env_prefix(), "ORDERS_DB");
    }

    #[test]
    fn names_deserialize_through_validation() {
        let ok: Result<ServiceName, _> = serde_json::from_value(serde_json::json!("api"));
        assert!(ok.is_ok());
        let bad: Result<ServiceName, _> = serde_json::from_value(serde_json::json!("API"));
        assert!(bad.is_err());
    }
}
