//! Traffic into an environment: the Traefik release that serves every route,
//! the proxies in front of it that are trusted to report client addresses,
//! and the load balancer that exposes it.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::names::IpRange;

/// How the environment's Traefik release is set up, and how routes use it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Ingress {
    /// The API group of Traefik's CRDs: `traefik.io` (Traefik 3, chart
    /// 41.3.0 installing Traefik 3.7.11) or `traefik.containo.us` (Traefik 2,
    /// chart 26.0.0 installing Traefik 2.10.6); built in: `traefik.io`.
    #[serde(default, skip_serializing_if = "TraefikApiGroup::is_default")]
    pub api_group: TraefikApiGroup,
    /// The entry points routes listen on; built in: `websecure` with TLS,
    /// `web` without.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entry_points: Vec<String>,
    /// TLS for every route; plain HTTP when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<Tls>,
    /// Address ranges of the proxies and load balancers in front of Traefik.
    /// Traefik believes the `X-Forwarded-For`, `X-Forwarded-Proto` and
    /// `X-Real-Ip` headers (and PROXY protocol, when enabled) only from these
    /// addresses; from anyone else it overwrites them. Leave it empty and every
    /// service sees the load balancer's address instead of the client's — the
    /// incident that broke geo-reporting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_proxies: Vec<IpRange>,
    /// Whether the load balancer speaks PROXY protocol v2 to Traefik (an AWS
    /// NLB with proxy protocol enabled); accepted only from `trustedProxies`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub proxy_protocol: bool,
    /// Traefik pods; built in: 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub replicas: Option<u32>,
    /// The Traefik chart version, to try another chart than the one platc
    /// pins (41.3.0 for `traefik.io`, 26.0.0 for `traefik.containo.us`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$"))]
    pub version: Option<String>,
    /// The Traefik release the environment runs (`3.7.11`); built in: the
    /// chart's `appVersion`, or `values.image.tag` when that is set. When
    /// stated, it must be what the chart installs; it is required for a
    /// chart version platc does not know. Middleware options newer than this
    /// release are refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traefik_version: Option<TraefikVersion>,
    /// Extra Traefik chart values, merged over the values platc writes.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub values: IndexMap<String, serde_json::Value>,
}

impl Ingress {
    /// Whether nothing is configured.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A Traefik release: `major.minor.patch`, with or without a leading `v`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TraefikVersion {
    /// The major version: 2 or 3.
    pub major: u16,
    /// The minor version.
    pub minor: u16,
    /// The patch version.
    pub patch: u16,
}

impl TraefikVersion {
    /// A version from its three numbers.
    #[must_use]
    pub const fn new(major: u16, minor: u16, patch: u16) -> Self {
        Self { major, minor, patch }
    }

    /// Reads `3.7.11` or `v3.7.11`; `None` for anything else (`latest`,
    /// `v3.7`, a pre-release).
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.strip_prefix('v').unwrap_or(text);
        let mut numbers = text.split('.').map(|part| {
            (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse::<u16>().ok())
                .flatten()
        });
        let version = Self::new(numbers.next()??, numbers.next()??, numbers.next()??);
        numbers.next().is_none().then_some(version)
    }
}

impl std::fmt::Display for TraefikVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl TryFrom<String> for TraefikVersion {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value).ok_or_else(|| {
            format!(
                "`{value}` is not a Traefik release: write `major.minor.patch`, such as `3.7.11`"
            )
        })
    }
}

impl From<TraefikVersion> for String {
    fn from(version: TraefikVersion) -> String {
        version.to_string()
    }
}

impl JsonSchema for TraefikVersion {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TraefikVersion".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": r"^v?[0-9]+\.[0-9]+\.[0-9]+$",
            "description": "a Traefik release, `major.minor.patch` (`3.7.11`, `v2.10.6`)",
        })
    }
}

/// The API group of Traefik's custom resources.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TraefikApiGroup {
    /// `traefik.io/v1alpha1`: Traefik 3 (Traefik 2.10 and 2.11 serve it too,
    /// but platc installs Traefik 3 for it).
    #[default]
    #[serde(rename = "traefik.io")]
    TraefikIo,
    /// `traefik.containo.us/v1alpha1`: Traefik 2 (2.0 to 2.11; Traefik 3
    /// no longer serves it).
    #[serde(rename = "traefik.containo.us")]
    ContainoUs,
}

impl TraefikApiGroup {
    /// The `apiVersion` of the group's custom resources.
    #[must_use]
    pub fn api_version(self) -> &'static str {
        match self {
            Self::TraefikIo => "traefik.io/v1alpha1",
            Self::ContainoUs => "traefik.containo.us/v1alpha1",
        }
    }

    #[allow(
        clippy::trivially_copy_pass_by_ref,
        reason = "serde's skip_serializing_if passes a reference"
    )]
    fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// How routes are served over TLS: exactly one of `certResolver` or `secretName`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Tls {
    /// A certificate resolver configured in Traefik (Let's Encrypt), by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]+$"))]
    pub cert_resolver: Option<String>,
    /// A TLS Secret holding the certificate (a wildcard certificate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<crate::names::ObjectName>,
    /// The oldest TLS version accepted; renders a TLSOption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_version: Option<TlsVersion>,
}

/// A TLS protocol version, as Traefik spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TlsVersion {
    /// TLS 1.2.
    VersionTLS12,
    /// TLS 1.3.
    VersionTLS13,
}

impl TlsVersion {
    /// Traefik's spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VersionTLS12 => "VersionTLS12",
            Self::VersionTLS13 => "VersionTLS13",
        }
    }
}

/// How Traefik's Service is exposed outside the cluster.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LoadBalancer {
    /// MetalLB address pool for a `kind` cluster: ranges (`172.18.255.200-172.18.255.250`)
    /// or CIDRs from the kind Docker network. Required on `kind`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<AddressRange>,
    /// On EKS, whether the Network Load Balancer faces the internet
    /// (`internet-facing`, the default) or only the VPC (`internal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<LoadBalancerScheme>,
    /// Extra annotations on Traefik's Service.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub annotations: IndexMap<String, String>,
}

impl LoadBalancer {
    /// Whether nothing is configured.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Who can reach an AWS load balancer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LoadBalancerScheme {
    /// Reachable from the internet.
    InternetFacing,
    /// Reachable only inside the VPC.
    Internal,
}

impl LoadBalancerScheme {
    /// The value of the AWS annotation.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InternetFacing => "internet-facing",
            Self::Internal => "internal",
        }
    }
}

/// A MetalLB address range: a CIDR (`172.18.255.0/28`) or a range
/// (`172.18.255.200-172.18.255.250`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AddressRange(String);

impl JsonSchema for AddressRange {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AddressRange".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": r"^[0-9a-fA-F:.]+(/[0-9]{1,3}|-[0-9a-fA-F:.]+)$",
            "description": "a CIDR (`172.18.255.0/28`) or an address range (`172.18.255.200-172.18.255.250`)",
        })
    }
}

impl AddressRange {
    /// The range as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AddressRange {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        let valid = match value.split_once('-') {
            Some((start, end)) => {
                start.parse::<std::net::IpAddr>().is_ok() && end.parse::<std::net::IpAddr>().is_ok()
            }
            None => IpRange::new(value.as_str()).is_ok_and(|r| r.as_str().contains('/')),
        };
        if valid {
            Ok(Self(value))
        } else {
            Err(format!("`{value}` is not a CIDR or an address range"))
        }
    }
}

impl From<AddressRange> for String {
    fn from(range: AddressRange) -> String {
        range.0
    }
}
