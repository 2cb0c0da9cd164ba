//! Platform objects: what an environment needs once, whatever its services —
//! its Namespace and, on kind, MetalLB's Namespace, address pool and
//! advertisement. All of them are bootstrap objects (`bootstrap/`), outside
//! the ApplySet of the application namespace. The releases of Traefik and MetalLB are in
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

/// MetalLB's speaker runs with host networking and raw sockets, so its
/// namespace allows privileged pods (as MetalLB's own manifests label it).
const METALLB_POD_SECURITY_LEVEL: &str = "privileged";

/// The environment's Namespace (enforcing the restricted Pod Security
/// Standard) and, on kind, MetalLB's Namespace, address pool and advertisement.
pub fn build(env: &ResolvedEnvironment, out: &mut Vec<Placed>) {
    out.push(namespace(env, env.namespace.as_str(), "namespace", POD_SECURITY_LEVEL));

    if let Some(pool) = &env.address_pool {
        out.push(namespace(env, METALLB_NAMESPACE, "load-balancer", METALLB_POD_SECURITY_LEVEL));
        let metadata = || {
            labels::metadata(
                &pool.name,
                METALLB_NAMESPACE,
                labels::platform_labels(env, "load-balancer", &pool.name),
            )
        };
        let spec =
            IpAddressPoolSpec { addresses: pool.addresses.clone(), auto_assign: Some(false) };
        out.push(Placed {
            owner: Owner::Bootstrap,
            object: Object::IpAddressPool(Box::new(CustomResource::new(
                metallb::API_VERSION,
                metadata(),
                spec,
            ))),
        });
        let spec = L2AdvertisementSpec { ip_address_pools: vec![pool.name.clone()] };
        out.push(Placed {
            owner: Owner::Bootstrap,
            object: Object::L2Advertisement(Box::new(CustomResource::new(
                metallb::API_VERSION,
                metadata(),
                spec,
            ))),
        });
    }
}

/// A Namespace enforcing the Pod Security Standard `level`.
fn namespace(env: &ResolvedEnvironment, name: &str, component: &str, level: &str) -> Placed {
    let mut labels: BTreeMap<String, String> = labels::platform_labels(env, component, name);
    for mode in ["enforce", "audit", "warn"] {
        labels.insert(format!("pod-security.kubernetes.io/{mode}"), level.to_owned());
    }
    let namespace = Namespace {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            labels: Some(labels),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    };
    Placed { owner: Owner::Bootstrap, object: Object::from(namespace) }
}
