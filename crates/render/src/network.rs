//! Networking inside the cluster: the Service in front of a web workload.

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::labels;
use crate::object::{Object, Placed};
use crate::resolved::{ResolvedEnvironment, ResolvedService, Workload};

/// The Service of a `web` workload; other kinds get none.
pub fn build(env: &ResolvedEnvironment, service: &ResolvedService, out: &mut Vec<Placed>) {
    if service.workload != Workload::Web || service.ports.is_empty() {
        return;
    }
    let ports = service
        .ports
        .iter()
        .map(|p| ServicePort {
            name: Some(p.name.to_string()),
            port: i32::from(p.service_port),
            target_port: Some(IntOrString::String(p.name.to_string())),
            protocol: Some(p.protocol.to_owned()),
            ..ServicePort::default()
        })
        .collect();
    let name = service.name.as_str();
    let object = Service {
        metadata: labels::metadata(
            name,
            env.namespace.as_str(),
            labels::service_labels(env, service),
        ),
        spec: Some(ServiceSpec {
            selector: Some(labels::selector(name)),
            ports: Some(ports),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    };
    out.push(Placed { owner: service.owner.clone(), object: Object::from(object) });
}
