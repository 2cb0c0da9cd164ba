//! Networking inside the cluster: the Service in front of a web workload.

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use platc_spec::model::WorkloadKind;

use crate::labels;
use crate::object::{Object, Placed};
use crate::resolve::{ResolvedEnvironment, ResolvedService};

/// The Service of a `web` workload; other kinds get none.
pub fn build(env: &ResolvedEnvironment<'_>, service: &ResolvedService<'_>, out: &mut Vec<Placed>) {
    let spec = service.service.as_ref();
    if spec.kind != WorkloadKind::Web || spec.ports.is_empty() {
        return;
    }
    let ports = spec
        .ports
        .iter()
        .map(|p| ServicePort {
            name: Some(p.name.to_string()),
            port: i32::from(p.service_port.unwrap_or(p.port)),
            target_port: Some(IntOrString::String(p.name.to_string())),
            protocol: Some(p.protocol.as_str().to_owned()),
            ..ServicePort::default()
        })
        .collect();
    let object = Service {
        metadata: labels::metadata(
            spec.name.as_str(),
            env.namespace.as_str(),
            labels::service_labels(env, service),
        ),
        spec: Some(ServiceSpec {
            selector: Some(labels::selector(spec.name.as_str())),
            ports: Some(ports),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    };
    out.push(Placed { owner: service.owner.clone(), object: Object::from(object) });
}
