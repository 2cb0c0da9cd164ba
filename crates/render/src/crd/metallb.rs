//! MetalLB's layer-2 configuration (`metallb.io/v1beta1`), modelled on the
//! CRDs of MetalLB v0.16.1 (`config/crd/bases/metallb.io_ipaddresspools.yaml`,
//! `metallb.io_l2advertisements.yaml`).

use serde::Serialize;

use super::CustomSpec;

/// The API version of MetalLB's address pools and advertisements.
pub const API_VERSION: &str = "metallb.io/v1beta1";

/// `IPAddressPool`: addresses MetalLB may hand to LoadBalancer Services.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IpAddressPoolSpec {
    /// CIDRs or `start-end` ranges.
    pub addresses: Vec<String>,
    /// Whether addresses are handed out without being asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_assign: Option<bool>,
}

impl CustomSpec for IpAddressPoolSpec {
    const KIND: &'static str = "IPAddressPool";
}

/// `L2Advertisement`: announces pools over ARP/NDP.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct L2AdvertisementSpec {
    /// The pools announced; all pools when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ip_address_pools: Vec<String>,
}

impl CustomSpec for L2AdvertisementSpec {
    const KIND: &'static str = "L2Advertisement";
}
