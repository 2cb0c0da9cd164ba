//! Checks of resolved values, which only exist once templates are rendered:
//! a route's host must be a host name, and no two routes may claim the same
//! host and path. Checks that need only the model run before resolve, in
//! [`crate::validate`].

use std::collections::BTreeMap;

use platc_spec::Code;
use platc_spec::names::{DomainName, EnvName};
use platc_spec::{Diagnostic, Origin};

use crate::resolved::ResolvedService;

/// A rendered route host that is not a host name is an error at the field
/// it came from (`pointer` of `origin`). An empty host is a template that
/// failed, reported already.
pub(super) fn route_host(host: &str, origin: &Origin, pointer: String) -> Option<Diagnostic> {
    (!host.is_empty() && DomainName::new(host).is_err()).then(|| {
        Diagnostic::error(Code::RenderInvalidHost, format!("`{host}` is not a host name"))
            .at(origin.clone(), pointer)
            .with_help("a route's host is a DNS name in lowercase, such as `api.example.com`")
    })
}

/// Two routes for the same host and path would fight over requests: the
/// second one is an error that names the first.
pub(super) fn route_collisions(
    environment: &EnvName,
    services: &[ResolvedService],
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeMap<(&str, &str), (&str, usize)> = BTreeMap::new();
    for service in services {
        for route in &service.routes {
            for path in &route.paths {
                let key = (route.host.as_str(), path.as_str());
                match seen.get(&key) {
                    Some((first, index)) => out.push(
                        Diagnostic::error(
                            Code::RenderRouteCollision,
                            format!(
                                "`{}{}` is routed twice in `{environment}`: here and in `{first}` (routes[{index}])",
                                route.host, path
                            ),
                        )
                        .at(Origin::Service(service.name.clone()), format!("/routes/{}/host", route.index))
                        .with_help("give each host and path prefix to one route only"),
                    ),
                    None => {
                        seen.insert(key, (service.name.as_str(), route.index));
                    }
                }
            }
        }
    }
}
