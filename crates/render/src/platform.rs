//! Platform objects: what an environment needs once, whatever its services —
//! its Namespace and, on kind, MetalLB's address pool with its
//! advertisement. The releases of Traefik and MetalLB are in
//! [`crate::components`].

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::components::METALLB_NAMESPACE;
use crate::crd::CustomResource;
use crate::crd::metallb::{self, IpAddressPoolSpec, L2AdvertisementSpec};
use crate::labels;
use crate::object::{Object, Owner, Placed};
use crate::resolved::ResolvedEnvironment;

/// The Pod Security Standard every namespace enforces.
const POD_SECURITY_LEVEL: &str = "restricted";

/// The environment's Namespace (enforcing the restricted Pod Security
/// Standard) and, on kind, MetalLB's address pool and its advertisement.
pub fn build(env: &ResolvedEnvironment, out: &mut Vec<Placed>) {
    let mut labels: BTreeMap<String, String> = labels::platform_labels(env, "namespace");
    for mode in ["enforce", "audit", "warn"] {
        labels.insert(format!("pod-security.kubernetes.io/{mode}"), POD_SECURITY_LEVEL.to_owned());
    }
    let namespace = Namespace {
        metadata: ObjectMeta {
            name: Some(env.namespace.to_string()),
            labels: Some(labels),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    };
    out.push(Placed { owner: Owner::Cluster, object: Object::from(namespace) });

    if let Some(pool) = &env.address_pool {
        let metadata = || {
            labels::metadata(
                &pool.name,
                METALLB_NAMESPACE,
                labels::platform_labels(env, "load-balancer"),
            )
        };
        let spec =
            IpAddressPoolSpec { addresses: pool.addresses.clone(), auto_assign: Some(false) };
        out.push(Placed {
            owner: Owner::Platform,
            object: Object::IpAddressPool(Box::new(CustomResource::new(
                metallb::API_VERSION,
                metadata(),
                spec,
            ))),
        });
        let spec = L2AdvertisementSpec { ip_address_pools: vec![pool.name.clone()] };
        out.push(Placed {
            owner: Owner::Platform,
            object: Object::L2Advertisement(Box::new(CustomResource::new(
                metallb::API_VERSION,
                metadata(),
                spec,
            ))),
        });
    }
}
