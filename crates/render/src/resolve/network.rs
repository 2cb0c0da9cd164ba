//! The traffic model: which connections each service's pods may accept and
//! open, from what the model declares. Traefik reaches the ports routes send
//! requests to, and those of the services middlewares ask (`forwardAuth`,
//! `errors`); a service reaches the services it `calls` and the
//! dependencies it `uses` (an in-cluster release's pods, or an external
//! provider's port, within its `cidr` when the environment gives one); and
//! the destinations of its `egress` entries. Everything else between pods is
//! refused by the namespace's default-deny policy.

use std::collections::{BTreeMap, BTreeSet};

use platc_spec::model::{Provider, Service};
use platc_spec::names::{DependencyName, ServiceName};

use super::dependencies::Provided;
use crate::resolved::{
    EgressRule, IngressRule, NetworkAccess, Peer, ResolvedMiddleware, ResolvedService,
};

/// Fills in `network` of every service (`services`, resolved from `model`
/// in the same order) and of the maintenance server. `shared` are the
/// platform's middlewares.
pub(super) fn resolve(
    model: &[Service],
    services: &mut [ResolvedService],
    maintenance: Option<&mut ResolvedService>,
    shared: &[ResolvedMiddleware],
    provided: &[Provided<'_>],
) {
    let mut all: Vec<&ResolvedService> = services.iter().collect();
    all.extend(maintenance.as_deref());
    let routed = routed_ports(&all, shared);
    // Lookups by name, built once (the first of a name wins, as a search
    // in order would find it): a platform has thousands of services.
    let mut by_name: BTreeMap<&ServiceName, &ResolvedService> = BTreeMap::new();
    for service in services.iter() {
        by_name.entry(&service.name).or_insert(service);
    }
    let ports_of = |name: &ServiceName| -> Vec<(u16, &'static str)> {
        by_name
            .get(name)
            .map(|s| s.ports.iter().map(|p| (p.container_port, p.protocol)).collect())
            .unwrap_or_default()
    };
    let mut callers_of: BTreeMap<&ServiceName, Vec<&ServiceName>> = BTreeMap::new();
    for caller in model {
        for callee in &caller.calls {
            callers_of.entry(callee).or_default().push(&caller.name);
        }
    }
    let mut dependencies: BTreeMap<&DependencyName, &Provided<'_>> = BTreeMap::new();
    for dependency in provided {
        dependencies.entry(&dependency.name).or_insert(dependency);
    }

    let mut access: Vec<NetworkAccess> = Vec::with_capacity(services.len());
    for (service, resolved) in model.iter().zip(services.iter()) {
        let mut network = NetworkAccess::default();
        if let Some(ports) = routed.get(resolved.name.as_str()) {
            network
                .ingress
                .push(IngressRule { from: Peer::Ingress, ports: ports.iter().copied().collect() });
        }
        // Callers, in name order.
        let mut callers: Vec<&ServiceName> =
            callers_of.get(&service.name).cloned().unwrap_or_default();
        callers.sort();
        callers.dedup();
        let own_ports: Vec<(u16, &'static str)> =
            resolved.ports.iter().map(|p| (p.container_port, p.protocol)).collect();
        if !own_ports.is_empty() {
            for caller in callers {
                network.ingress.push(IngressRule {
                    from: Peer::Service(caller.clone()),
                    ports: own_ports.clone(),
                });
            }
        }

        let mut called: Vec<&ServiceName> = service.calls.iter().collect();
        called.sort();
        called.dedup();
        for callee in called {
            let ports = ports_of(callee);
            if !ports.is_empty() {
                network.egress.push(EgressRule {
                    to: Peer::Service(callee.clone()),
                    ports,
                    note: callee.to_string(),
                });
            }
        }
        outbound(service, &dependencies, &mut network);
        access.push(network);
    }
    for (resolved, network) in services.iter_mut().zip(access) {
        resolved.network = network;
    }
    if let Some(server) = maintenance {
        let ports = routed
            .get(server.name.as_str())
            .map(|ports| ports.iter().copied().collect::<Vec<_>>())
            .unwrap_or_default();
        server.network = NetworkAccess {
            ingress: if ports.is_empty() {
                Vec::new()
            } else {
                vec![IngressRule { from: Peer::Ingress, ports }]
            },
            egress: Vec::new(),
        };
    }
}

/// The egress of `service` to the dependencies it uses and to the outside
/// destinations it declares.
fn outbound(
    service: &Service,
    dependencies: &BTreeMap<&DependencyName, &Provided<'_>>,
    network: &mut NetworkAccess,
) {
    for name in service.uses.keys() {
        let Some(dependency) = dependencies.get(name) else {
            continue;
        };
        let to = match dependency.provider {
            Provider::Helm(_) => Peer::Release(dependency.name.to_string()),
            Provider::External(external) => match &external.cidr {
                Some(cidr) => Peer::Cidr(cidr_of(cidr.as_str())),
                None => Peer::Anywhere,
            },
        };
        network.egress.push(EgressRule {
            to,
            ports: vec![(dependency.outputs.port, "TCP")],
            note: format!("{} {}", dependency.definition.name, dependency.name),
        });
    }
    for egress in &service.egress {
        network.egress.push(EgressRule {
            to: egress.cidr.as_ref().map_or(Peer::Anywhere, |c| Peer::Cidr(cidr_of(c.as_str()))),
            ports: vec![(egress.port, egress.protocol.as_str())],
            note: format!("{}: {}", egress.to, egress.reason),
        });
    }
}

/// A CIDR range for `ipBlock`: a single address gets its full prefix.
/// The container ports Traefik sends requests to, by service: each route's
/// backend, and each Service a middleware asks (`forwardAuth`, `errors`), is
/// a Service port, which is a container port of its target.
fn routed_ports(
    all: &[&ResolvedService],
    shared: &[ResolvedMiddleware],
) -> BTreeMap<String, BTreeSet<(u16, &'static str)>> {
    let mut by_name: BTreeMap<&str, &ResolvedService> = BTreeMap::new();
    for service in all {
        by_name.entry(service.name.as_str()).or_insert(service);
    }
    let mut routed: BTreeMap<String, BTreeSet<(u16, &'static str)>> = BTreeMap::new();
    let route_backends = all.iter().flat_map(|s| &s.routes).map(|route| &route.backend);
    let middleware_backends = all
        .iter()
        .flat_map(|s| &s.middlewares)
        .chain(shared)
        .filter_map(|middleware| middleware.backend.as_ref());
    for backend in route_backends.chain(middleware_backends) {
        let Some(target) = by_name.get(backend.service.as_str()) else {
            continue;
        };
        let Some(port) = target.ports.iter().find(|p| p.service_port == backend.port) else {
            continue;
        };
        routed
            .entry(backend.service.clone())
            .or_default()
            .insert((port.container_port, port.protocol));
    }
    routed
}

fn cidr_of(range: &str) -> String {
    if range.contains('/') {
        range.to_owned()
    } else if range.contains(':') {
        format!("{range}/128")
    } else {
        format!("{range}/32")
    }
}

#[cfg(test)]
mod tests {
    use super::cidr_of;

    #[test]
    fn single_addresses_get_their_full_prefix() {
        assert_eq!(cidr_of("10.0.0.0/8"), "10.0.0.0/8");
        assert_eq!(cidr_of("192.0.2.7"), "192.0.2.7/32");
        assert_eq!(cidr_of("2001:db8::1"), "2001:db8::1/128");
    }
}
