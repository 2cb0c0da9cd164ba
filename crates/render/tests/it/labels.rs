//! The recommended labels on every object, and selectors that never change.

use platc_render::labels::{INSTANCE, MANAGED_BY, NAME, PART_OF, is_label_value};
use platc_render::{Object, render};

use crate::load;

#[test]
fn every_object_carries_the_recommended_labels() {
    let mut checked = 0;
    for fixture in ["basic", "routing", "infra"] {
        let platform = load(fixture);
        for env in &platform.environments {
            let rendered = render(&platform, env.name.as_str()).expect("renders");
            for placed in &rendered.objects {
                let object = &placed.object;
                let labels = object.metadata().labels.clone().unwrap_or_default();
                let what = format!("{fixture}/{}: {}", env.name, object.describe());
                assert_eq!(labels.get(MANAGED_BY).map(String::as_str), Some("platc"), "{what}");
                assert!(labels.contains_key(PART_OF), "{what}");
                if is_label_value(object.name()) {
                    assert!(labels.contains_key(NAME), "{what} has no {NAME}");
                    assert!(labels.contains_key(INSTANCE), "{what} has no {INSTANCE}");
                }
                checked += 1;
            }
            let parent = rendered.applyset.metadata.labels.clone().unwrap_or_default();
            assert!(parent.contains_key(NAME) && parent.contains_key(INSTANCE));
        }
    }
    assert!(checked > 100, "{checked} objects");
}

#[test]
fn platform_objects_are_their_own_instance_and_selectors_stay() {
    let platform = load("basic");
    let rendered = render(&platform, "production").expect("renders");
    let namespace = rendered
        .objects
        .iter()
        .find(|p| matches!(p.object, Object::Namespace(_)))
        .expect("a Namespace");
    let labels = namespace.object.metadata().labels.clone().unwrap_or_default();
    assert_eq!(labels.get(NAME).map(String::as_str), Some("shop"));
    assert_eq!(labels.get(INSTANCE).map(String::as_str), Some("shop"));
    // A Deployment's selector is immutable: it stays name and instance only.
    for placed in &rendered.objects {
        if let Object::Deployment(deployment) = &placed.object {
            let selector = deployment
                .spec
                .as_ref()
                .and_then(|s| s.selector.match_labels.clone())
                .expect("a selector");
            let keys: Vec<&str> = selector.keys().map(String::as_str).collect();
            assert_eq!(keys, [INSTANCE, NAME], "{}", placed.object.describe());
        }
    }
}

#[test]
fn kinds_are_the_kinds_platc_renders() {
    use platc_render::object::parse_kinds;
    assert_eq!(
        parse_kinds(&["deployment", "SERVICE", "Deployment"]).unwrap(),
        ["Deployment", "Service"]
    );
    assert_eq!(
        parse_kinds(&["tlsoption", "ipaddresspool"]).unwrap(),
        ["TLSOption", "IPAddressPool"]
    );
    let problems = parse_kinds(&["Deploymnt", "Gateway"]).unwrap_err();
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[0].code, platc_spec::Code::RenderUnknownKind);
    assert_eq!(problems[0].message, "unknown kind `Deploymnt` in `--kinds`");
    assert!(
        problems[0].help.as_deref().unwrap_or_default().starts_with("did you mean `Deployment`?")
    );
    assert!(
        problems[1].help.as_deref().unwrap_or_default().starts_with("platc renders ConfigMap, ")
    );
    assert_eq!(Object::KINDS.len(), 17);
}
