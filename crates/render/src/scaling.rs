//! Scaling and availability: a HorizontalPodAutoscaler for services that
//! autoscale, and a PodDisruptionBudget for long-running services with more
//! than one pod, so a node drain never takes all of them at once.

use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec,
    MetricTarget, ResourceMetricSource,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::labels;
use crate::object::{Object, Placed};
use crate::resolved::{ResolvedEnvironment, ResolvedService};

/// The autoscaler and disruption budget of one service, as it needs them.
pub fn build(env: &ResolvedEnvironment, service: &ResolvedService, out: &mut Vec<Placed>) {
    if !service.workload.is_long_running() {
        return;
    }
    let name = service.name.as_str();
    let metadata =
        || labels::metadata(name, env.namespace.as_str(), labels::service_labels(env, service));
    let least_pods = match &service.autoscale {
        Some(autoscale) => {
            let metric = |resource: &str, percent: Option<u16>| {
                percent.map(|percent| MetricSpec {
                    type_: "Resource".to_owned(),
                    resource: Some(ResourceMetricSource {
                        name: resource.to_owned(),
                        target: MetricTarget {
                            type_: "Utilization".to_owned(),
                            average_utilization: Some(i32::from(percent)),
                            ..MetricTarget::default()
                        },
                    }),
                    ..MetricSpec::default()
                })
            };
            let metrics = [metric("cpu", autoscale.cpu), metric("memory", autoscale.memory)]
                .into_iter()
                .flatten()
                .collect();
            let hpa = HorizontalPodAutoscaler {
                metadata: metadata(),
                spec: Some(HorizontalPodAutoscalerSpec {
                    scale_target_ref: CrossVersionObjectReference {
                        api_version: Some("apps/v1".to_owned()),
                        kind: "Deployment".to_owned(),
                        name: name.to_owned(),
                    },
                    min_replicas: Some(i32::try_from(autoscale.min).unwrap_or(i32::MAX)),
                    max_replicas: i32::try_from(autoscale.max).unwrap_or(i32::MAX),
                    metrics: Some(metrics),
                    ..HorizontalPodAutoscalerSpec::default()
                }),
                ..HorizontalPodAutoscaler::default()
            };
            out.push(Placed { owner: service.owner.clone(), object: Object::from(hpa) });
            autoscale.min
        }
        None => service.replicas,
    };
    if least_pods > 1 {
        let pdb = PodDisruptionBudget {
            metadata: metadata(),
            spec: Some(PodDisruptionBudgetSpec {
                max_unavailable: Some(IntOrString::Int(1)),
                selector: Some(LabelSelector {
                    match_labels: Some(labels::selector(name)),
                    ..LabelSelector::default()
                }),
                ..PodDisruptionBudgetSpec::default()
            }),
            ..PodDisruptionBudget::default()
        };
        out.push(Placed { owner: service.owner.clone(), object: Object::from(pdb) });
    }
}
