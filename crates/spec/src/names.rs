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

/// What a validated name names. Each kind has its own rule, which the newtype
/// of the kind checks, the JSON Schema publishes and diagnostics state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NameKind {
    /// A service's name ([`ServiceName`]).
    Service,
    /// An environment's name ([`EnvName`]).
    Environment,
    /// A Kubernetes namespace ([`NamespaceName`]).
    Namespace,
    /// A Secret or another object a service refers to ([`ObjectName`]).
    Object,
    /// A container port ([`PortName`]).
    Port,
    /// An environment variable ([`EnvVarName`]).
    EnvVar,
    /// A DNS domain ([`DomainName`]).
    Domain,
    /// An image repository ([`ImageRepository`]).
    ImageRepository,
    /// An image tag ([`ImageTag`]).
    ImageTag,
    /// A dependency a service uses ([`DependencyName`]).
    Dependency,
    /// An infrastructure type (`postgres`, `mongodb`) ([`TypeName`]).
    InfraType,
    /// An output of an infrastructure type of its own (`security_protocol`) ([`OutputName`]).
    Output,
    /// A pinned image reference, tag or digest included ([`ImageReference`]).
    Image,
    /// A label or annotation key ([`MetadataKey`]).
    MetadataKey,
}

/// The rule shared by names that are DNS-1035 labels.
const DNS_1035: &str = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
/// The rule shared by names that are DNS-1123 labels.
const DNS_1123: &str = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
/// An image reference with a tag, a digest or both: a repository (as
/// [`NameKind::ImageRepository`] reads it), then `:tag`, `@sha256:<digest>`
/// or `:tag@sha256:<digest>`.
const IMAGE: &str = "^([a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*(:[0-9]+)?/)?[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64})$";
/// A qualified name, as label and annotation keys are: an optional DNS
/// subdomain prefix and `/`, then at most 63 alphanumerics, `-`, `_` or `.`,
/// starting and ending alphanumeric.
const METADATA_KEY: &str = "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";

impl NameKind {
    /// Every kind of name.
    pub const ALL: [Self; 14] = [
        Self::Service,
        Self::Environment,
        Self::Namespace,
        Self::Object,
        Self::Port,
        Self::EnvVar,
        Self::Domain,
        Self::ImageRepository,
        Self::ImageTag,
        Self::Dependency,
        Self::InfraType,
        Self::Output,
        Self::Image,
        Self::MetadataKey,
    ];

    /// What a value of the kind is called in messages ("port name").
    #[must_use]
    pub const fn what(self) -> &'static str {
        match self {
            Self::Service => "service name",
            Self::Environment => "environment name",
            Self::Namespace => "namespace name",
            Self::Object => "object name",
            Self::Port => "port name",
            Self::EnvVar => "environment variable name",
            Self::Domain => "domain name",
            Self::ImageRepository => "image repository",
            Self::ImageTag => "image tag",
            Self::Dependency => "dependency name",
            Self::InfraType => "infrastructure type name",
            Self::Output => "output name",
            Self::Image => "image reference",
            Self::MetadataKey => "label or annotation key",
        }
    }

    /// The identifier of the kind in the JSON Schema (`port-name`), under
    /// [`FORMAT_KEYWORD`] and [`KEYS_KEYWORD`].
    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::Service => "service-name",
            Self::Environment => "environment-name",
            Self::Namespace => "namespace-name",
            Self::Object => "object-name",
            Self::Port => "port-name",
            Self::EnvVar => "environment-variable-name",
            Self::Domain => "domain-name",
            Self::ImageRepository => "image-repository",
            Self::ImageTag => "image-tag",
            Self::Dependency => "dependency-name",
            Self::InfraType => "infrastructure-type-name",
            Self::Output => "output-name",
            Self::Image => "image-reference",
            Self::MetadataKey => "metadata-key",
        }
    }

    /// The kind a JSON Schema identifier names.
    #[must_use]
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.id() == id)
    }

    /// The regular expression every value matches, as published in the JSON
    /// Schema. It holds no look-around, so the schema's ECMA dialect and
    /// Rust's `regex` read it alike.
    #[must_use]
    pub const fn pattern(self) -> &'static str {
        match self {
            Self::Service | Self::Environment | Self::Dependency | Self::InfraType => DNS_1035,
            Self::Namespace | Self::Object => DNS_1123,
            // IANA_SVC_NAME (RFC 6335): alphanumerics separated by single
            // hyphens, with at least one letter.
            Self::Port => "^([0-9]+-)*[0-9]*[a-z][a-z0-9]*(-[a-z0-9]+)*$",
            Self::EnvVar => "^[A-Za-z_][A-Za-z0-9_]*$",
            Self::Domain => "^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
            Self::ImageRepository => {
                "^([a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*(:[0-9]+)?/)?[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*$"
            }
            Self::ImageTag => "^[A-Za-z0-9_][A-Za-z0-9_.-]*$",
            Self::Output => "^[a-z][a-z0-9_]*$",
            Self::Image => IMAGE,
            Self::MetadataKey => METADATA_KEY,
        }
    }

    /// The longest accepted value, in bytes.
    #[must_use]
    pub const fn max_len(self) -> usize {
        match self {
            Self::Service | Self::Environment | Self::Namespace | Self::Object => 63,
            Self::Port => 15,
            Self::EnvVar | Self::Domain => 253,
            Self::ImageRepository => 255,
            Self::ImageTag => 128,
            Self::Dependency | Self::Output => 40,
            Self::InfraType => 32,
            Self::Image => 255 + 1 + 128 + 72,
            Self::MetadataKey => 253 + 1 + 63,
        }
    }

    /// The rule in words, as error messages and the schema state it.
    #[must_use]
    pub const fn rule(self) -> &'static str {
        match self {
            Self::Service | Self::Environment => {
                "lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters"
            }
            Self::Namespace | Self::Object => {
                "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"
            }
            Self::Port => {
                "lowercase letters, digits and '-', with at least one letter, not starting or ending with '-' nor holding '--', at most 15 characters (an IANA service name)"
            }
            Self::EnvVar => "letters, digits and '_', not starting with a digit",
            Self::Domain => "lowercase DNS labels separated by dots, at most 253 characters",
            Self::ImageRepository => {
                "an image repository such as `ghcr.io/acme/api`, without tag or digest (the tag comes from the environment)"
            }
            Self::ImageTag => {
                "letters, digits, '_', '.' and '-', not starting with '.' or '-', at most 128 characters"
            }
            Self::Dependency => {
                "lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 40 characters"
            }
            Self::InfraType => {
                "lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 32 characters"
            }
            Self::Output => {
                "lowercase letters, digits and '_', starting with a letter, at most 40 characters"
            }
            Self::Image => {
                "an image with its version pinned: `registry/repository:tag`, `registry/repository@sha256:<digest>` or both"
            }
            Self::MetadataKey => {
                "an optional DNS subdomain and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (`example.com/team`)"
            }
        }
    }

    /// Whether `value` follows the rule.
    #[must_use]
    pub fn accepts(self, value: &str) -> bool {
        static PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
            NameKind::ALL
                .iter()
                .map(|kind| {
                    Regex::new(kind.pattern()).expect("name patterns are valid regular expressions")
                })
                .collect()
        });
        value.len() <= self.max_len() && PATTERNS[self as usize].is_match(value)
    }

    /// Checks `value` against the rule.
    pub fn check(self, value: String) -> Result<String, NameError> {
        if self.accepts(&value) {
            Ok(value)
        } else {
            Err(NameError { value, what: self.what(), rule: self.rule() })
        }
    }

    /// The JSON Schema of a value of this kind.
    fn schema(self) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": self.pattern(),
            "maxLength": self.max_len(),
            "description": self.rule(),
            FORMAT_KEYWORD: self.id(),
        })
    }
}

/// The JSON Schema keyword that names the format of a string's schema: a
/// kind of name (`"x-platc-format": "port-name"`) or a quantity. Diagnostics
/// state the rule of that very format instead of guessing it from a pattern
/// that several kinds of name share.
pub const FORMAT_KEYWORD: &str = "x-platc-format";

/// The JSON Schema keyword that names the kind of the keys of a map
/// (`"x-platc-keys": "dependency-name"`), beside the `patternProperties`
/// that check them.
pub const KEYS_KEYWORD: &str = "x-platc-keys";

/// A validated name type, by its kind.
pub trait Name {
    /// What the name names.
    const KIND: NameKind;
}

/// Marks the schema of a map whose keys are names of `K`'s kind (a
/// `#[schemars(transform = ...)]` of the map's field).
pub fn keyed_by<K: Name>(schema: &mut Schema) {
    schema.insert(KEYS_KEYWORD.to_owned(), K::KIND.id().into());
}

macro_rules! name_type {
    (
        $(#[$doc:meta])*
        $name:ident, kind: $kind:ident
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl Name for $name {
            const KIND: NameKind = NameKind::$kind;
        }

        impl $name {
            /// The regular expression every value matches, as published in the JSON Schema.
            pub const PATTERN: &'static str = NameKind::$kind.pattern();
            /// The longest accepted value, in bytes.
            pub const MAX_LEN: usize = NameKind::$kind.max_len();
            /// The rule in words, as error messages and the schema state it.
            pub const RULE: &'static str = NameKind::$kind.rule();

            /// Checks `value` against the rule and wraps it.
            pub fn new(value: impl Into<String>) -> Result<Self, NameError> {
                NameKind::$kind.check(value.into()).map(Self)
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
                NameKind::$kind.schema()
            }
        }
    };
}

name_type! {
    /// The name of a service: a DNS-1035 label, because it names the Kubernetes
    /// Service, Deployment and ConfigMap of the workload.
    ServiceName, kind: Service
}

name_type! {
    /// The name of an environment (`local`, `staging`, `production`).
    EnvName, kind: Environment
}

name_type! {
    /// A Kubernetes namespace name: a DNS-1123 label.
    NamespaceName, kind: Namespace
}

name_type! {
    /// A name for a Secret or another object a service refers to: a DNS-1123 label.
    ObjectName, kind: Object
}

name_type! {
    /// A container port name: an IANA service name (RFC 6335), referenced by
    /// Services, probes and routes.
    PortName, kind: Port
}

name_type! {
    /// An environment variable name as Kubernetes accepts it (a C identifier).
    EnvVarName, kind: EnvVar
}

name_type! {
    /// A DNS domain name under which an environment publishes its routes.
    DomainName, kind: Domain
}

name_type! {
    /// An image repository without tag or digest (`ghcr.io/acme/api`); the tag
    /// comes from the environment.
    ImageRepository, kind: ImageRepository
}

name_type! {
    /// An image tag (`1.4.2`, `2026-11-23.3`).
    ImageTag, kind: ImageTag
}

name_type! {
    /// A dependency name a service gives to an infrastructure resource (`db`,
    /// `orders-db`): it names the in-cluster release and prefixes the injected
    /// environment variables.
    DependencyName, kind: Dependency
}

name_type! {
    /// The name of an infrastructure type (`postgres`, `mongodb`): what a
    /// service's `uses` names, the key of its provider under an environment's
    /// `infrastructure`, and the name of its definition (`types/<name>.yaml`).
    TypeName, kind: InfraType
}

name_type! {
    /// The name of an output an infrastructure type defines for itself
    /// (`security_protocol`): the field templates read, and in capitals the
    /// suffix of the injected variable (`EVENTS_SECURITY_PROTOCOL`).
    OutputName, kind: Output
}

name_type! {
    /// An image reference whose version is pinned by a tag, a digest or both
    /// (`docker.io/library/busybox:1.37.0`): the images of sidecars and init
    /// containers, which the service file pins rather than the environment.
    ImageReference, kind: Image
}

name_type! {
    /// The key of a label or annotation: a qualified name with an optional
    /// DNS subdomain prefix (`cluster-autoscaler.kubernetes.io/safe-to-evict`).
    MetadataKey, kind: MetadataKey
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

impl ImageReference {
    /// The tag, when the reference has one.
    #[must_use]
    pub fn tag(&self) -> Option<&str> {
        let named = self.0.split('@').next().unwrap_or(&self.0);
        let last = named.rsplit('/').next().unwrap_or(named);
        last.split_once(':').map(|(_, tag)| tag)
    }

    /// Whether the version floats: the `latest` tag without a digest, which
    /// is refused outside local development.
    #[must_use]
    pub fn is_latest(&self) -> bool {
        !self.0.contains('@') && self.tag() == Some("latest")
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
    fn port_names_are_iana_service_names() {
        for good in ["http", "grpc-web", "metrics", "h2c", "8080-http", "a1-2b", "x"] {
            assert!(PortName::new(good).is_ok(), "{good}");
        }
        for bad in ["HTTP", "8080", "1-2", "-http", "http-", "http--web", "http_web", ""] {
            assert!(PortName::new(bad).is_err(), "{bad}");
        }
        assert!(PortName::new("a".repeat(15)).is_ok());
        assert!(PortName::new("a".repeat(16)).is_err(), "at most 15 characters");
        let err = PortName::new("HTTP").unwrap_err();
        assert_eq!(err.what, "port name");
        assert!(err.rule.contains("at most 15 characters"), "{}", err.rule);
    }

    #[test]
    fn every_kind_has_its_own_words_and_a_valid_pattern() {
        let whats: std::collections::BTreeSet<_> = NameKind::ALL.iter().map(|k| k.what()).collect();
        assert_eq!(whats.len(), NameKind::ALL.len());
        for kind in NameKind::ALL {
            assert_eq!(NameKind::from_id(kind.id()), Some(kind));
            assert!(Regex::new(kind.pattern()).is_ok(), "{kind:?}");
            assert_eq!(NameKind::ALL[kind as usize], kind, "ALL is in declaration order");
        }
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
    fn image_references_pin_a_version() {
        let digest = format!("sha256:{}", "a".repeat(64));
        for good in [
            "docker.io/library/busybox:1.37.0".to_owned(),
            "busybox:1.37".to_owned(),
            "localhost:5000/acme/tool:v2".to_owned(),
            format!("ghcr.io/acme/proxy@{digest}"),
            format!("ghcr.io/acme/proxy:2.1@{digest}"),
        ] {
            assert!(ImageReference::new(good.as_str()).is_ok(), "{good}");
        }
        for bad in ["busybox", "localhost:5000/acme/tool", "ghcr.io/Acme/x:1", "x:", "x@sha256:ab"]
        {
            assert!(ImageReference::new(bad).is_err(), "{bad}");
        }
        let image = ImageReference::new("localhost:5000/acme/tool:latest").unwrap();
        assert_eq!(image.tag(), Some("latest"));
        assert!(image.is_latest());
        let pinned = ImageReference::new(format!("acme/tool:latest@{digest}")).unwrap();
        assert!(!pinned.is_latest(), "a digest pins the version");
    }

    #[test]
    fn metadata_keys_are_qualified_names() {
        for good in [
            "team",
            "app.kubernetes.io/name",
            "cluster-autoscaler.kubernetes.io/safe-to-evict",
            "A_b.c",
        ] {
            assert!(MetadataKey::new(good).is_ok(), "{good}");
        }
        for bad in ["", "-team", "Example.com/team", "a/b/c", "team-", &"a".repeat(64)] {
            assert!(MetadataKey::new(bad).is_err(), "{bad}");
        }
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
