//! Pod defaults that go beyond the restricted Pod Security Standard:
//! ephemeral-storage requests and limits, and spreading a Deployment's pods
//! over nodes.

use k8s_openapi::api::apps::v1::Deployment;
use platc_render::{Object, render};
use platc_spec::Platform;
use platc_spec::quantity::Quantity;

use crate::load;

fn deployment(platform: &Platform, env: &str, name: &str) -> Deployment {
    let rendered = render(platform, env).unwrap_or_else(|d| panic!("{d:#?}"));
    rendered
        .objects
        .into_iter()
        .find_map(|placed| match placed.object {
            Object::Deployment(d) if d.metadata.name.as_deref() == Some(name) => Some(*d),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no Deployment `{name}`"))
}

fn ephemeral(deployment: &Deployment) -> (String, String) {
    let container =
        &deployment.spec.as_ref().unwrap().template.spec.as_ref().unwrap().containers[0];
    let resources = container.resources.as_ref().expect("resources");
    let get = |list: &Option<
        std::collections::BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>,
    >| {
        list.as_ref()
            .and_then(|l| l.get("ephemeral-storage"))
            .map(|q| q.0.clone())
            .unwrap_or_default()
    };
    (get(&resources.requests), get(&resources.limits))
}

/// The hostname anti-affinity term's selector, when there is one.
fn spread(deployment: &Deployment) -> Option<String> {
    let spec = deployment.spec.as_ref()?.template.spec.as_ref()?;
    let terms = spec.affinity.as_ref()?.pod_anti_affinity.as_ref()?;
    let term = &terms.preferred_during_scheduling_ignored_during_execution.as_ref()?[0];
    assert_eq!(term.pod_affinity_term.topology_key, "kubernetes.io/hostname");
    let labels = term.pod_affinity_term.label_selector.as_ref()?.match_labels.as_ref()?;
    Some(labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","))
}

fn api_resources(platform: &mut Platform) -> &mut platc_spec::model::Resources {
    let api = platform.services.iter_mut().find(|s| s.name.as_str() == "api").expect("api");
    api.resources.get_or_insert_with(Default::default)
}

#[test]
fn every_container_requests_and_limits_ephemeral_storage() {
    let mut platform = load("basic");
    assert_eq!(
        ephemeral(&deployment(&platform, "production", "api")),
        ("50Mi".into(), "2Gi".into())
    );

    // The platform's defaults, then the service's own values, replace the built-in ones.
    let defaults = platform.settings.defaults.resources.get_or_insert_with(Default::default);
    defaults.limits.ephemeral_storage = Some(Quantity::new("1Gi").expect("quantity"));
    assert_eq!(
        ephemeral(&deployment(&platform, "production", "api")),
        ("50Mi".into(), "1Gi".into())
    );
    api_resources(&mut platform).requests.ephemeral_storage =
        Some(Quantity::new("4Gi").expect("quantity"));
    // A default limit below the request gives way to the request.
    assert_eq!(
        ephemeral(&deployment(&platform, "production", "api")),
        ("4Gi".into(), "4Gi".into())
    );

    api_resources(&mut platform).limits.ephemeral_storage =
        Some(Quantity::new("1Gi").expect("quantity"));
    let errors = render(&platform, "production").expect_err("a limit below its request");
    assert!(
        errors.iter().any(|d| d.pointer.as_deref() == Some("/resources/limits/ephemeralStorage")
            && d.message.contains(
                "ephemeral-storage limit 1Gi is below the ephemeral-storage request 4Gi"
            )),
        "{errors:#?}"
    );
}

#[test]
fn pods_of_a_deployment_with_several_prefer_distinct_nodes() {
    let mut platform = load("basic");
    // `api` runs two pods in the service file and four in production.
    assert_eq!(
        spread(&deployment(&platform, "production", "api")).as_deref(),
        Some("app.kubernetes.io/instance=api,app.kubernetes.io/name=api")
    );
    // One pod has nothing to spread.
    assert_eq!(spread(&deployment(&platform, "production", "mailer")), None);

    // A service that states its own pod anti-affinity keeps it alone.
    let api = platform.services.iter_mut().find(|s| s.name.as_str() == "api").expect("api");
    let own = k8s_openapi::api::core::v1::PodAntiAffinity::default();
    api.pod.affinity = Some(k8s_openapi::api::core::v1::Affinity {
        pod_anti_affinity: Some(own.clone()),
        ..Default::default()
    });
    let rendered = deployment(&platform, "production", "api");
    let affinity = rendered.spec.unwrap().template.spec.unwrap().affinity.expect("affinity");
    assert_eq!(affinity.pod_anti_affinity, Some(own));
}
