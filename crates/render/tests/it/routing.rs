//! Routes, middlewares, TLS, maintenance mode, workload kinds and scaling.

use std::collections::BTreeSet;

use platc_render::{Tree, diff_trees, render};
use platc_spec::model::{
    Chain, Environment, Maintenance, MaintenancePage, Middleware, RedirectRegex, RedirectScheme,
    TraefikApiGroup,
};
use platc_spec::names::{EnvName, ObjectName, ServiceName};
use platc_spec::{Code, Origin, Platform};

use crate::load;

fn tree(platform: &Platform, env: &str) -> Tree {
    render(platform, env).expect("renders").tree().expect("serializes")
}

fn get<'t>(tree: &'t Tree, path: &str) -> &'t str {
    tree.get(path).unwrap_or_else(|| panic!("{path} is not rendered"))
}

#[test]
fn routes_and_every_middleware_kind() {
    let platform = load("routing");
    let production = tree(&platform, "production");
    for path in [
        "manifests/services/api/ingressroute.yaml",
        "manifests/services/storefront/ingressroute.yaml",
        "manifests/services/admin/ingressroute.yaml",
        "manifests/services/api/middleware-api-strip-api.yaml",
        "manifests/services/api/middleware-api-per-client.yaml",
        "manifests/services/api/middleware-api-per-key.yaml",
        "manifests/services/api/middleware-api-tag-request.yaml",
        "manifests/services/admin/middleware-admin-office-only.yaml",
        "manifests/services/admin/middleware-admin-login.yaml",
        "manifests/platform/middleware-security-headers.yaml",
        "manifests/platform/middleware-to-https.yaml",
        "manifests/platform/tlsoption-shop-tls.yaml",
    ] {
        let name =
            path.trim_start_matches("manifests/").trim_end_matches(".yaml").replace('/', "__");
        insta::assert_snapshot!(format!("routing-production__{name}"), get(&production, path));
    }
}

#[test]
fn shared_middlewares_are_rendered_once_per_environment() {
    let platform = load("routing");
    let production = tree(&platform, "production");
    let headers: Vec<&str> = production
        .iter()
        .filter(|(p, _)| p.ends_with("middleware-security-headers.yaml"))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(headers, ["manifests/platform/middleware-security-headers.yaml"]);
    // Both the storefront and the api route reference it by its one name.
    for service in ["api", "storefront"] {
        let route = get(&production, &format!("manifests/services/{service}/ingressroute.yaml"));
        assert!(route.contains("- name: security-headers"), "{service}:\n{route}");
    }
}

#[test]
fn api_groups_differ_where_traefik_does() {
    let platform = load("routing");
    let production = tree(&platform, "production");
    let legacy = tree(&platform, "legacy");
    let allow_list = "manifests/services/admin/middleware-admin-office-only.yaml";
    assert!(get(&production, allow_list).starts_with("apiVersion: traefik.io/v1alpha1\n"));
    assert!(get(&production, allow_list).contains("  ipAllowList:\n"));
    assert!(get(&legacy, allow_list).starts_with("apiVersion: traefik.containo.us/v1alpha1\n"));
    assert!(get(&legacy, allow_list).contains("  ipWhiteList:\n"));
    insta::assert_snapshot!(
        "routing-legacy__ingressroute-api",
        get(&legacy, "manifests/services/api/ingressroute.yaml")
    );
}

#[test]
fn tls_by_resolver_or_secret_and_plain_http_without() {
    let platform = load("routing");
    let production =
        get(&tree(&platform, "production"), "manifests/services/storefront/ingressroute.yaml")
            .to_owned();
    assert!(production.contains("entryPoints:\n  - websecure\n"), "{production}");
    assert!(
        production
            .contains("tls:\n    certResolver: letsencrypt\n    options:\n      name: shop-tls\n"),
        "{production}"
    );
    let staging =
        get(&tree(&platform, "staging"), "manifests/services/storefront/ingressroute.yaml")
            .to_owned();
    assert!(staging.contains("tls:\n    secretName: wildcard-staging\n"), "{staging}");
    let legacy = get(&tree(&platform, "legacy"), "manifests/services/storefront/ingressroute.yaml")
        .to_owned();
    assert!(legacy.contains("entryPoints:\n  - web\n") && !legacy.contains("tls:"), "{legacy}");
}

#[test]
fn client_addresses_are_read_past_trusted_proxies_only_without_proxy_protocol() {
    let platform = load("routing");
    let path = "manifests/services/api/middleware-api-per-client.yaml";
    // Production: PROXY protocol gives Traefik the client address itself.
    assert!(!get(&tree(&platform, "production"), path).contains("excludedIPs"));
    // Staging: behind a layer-7 proxy, the client is the first address not of a trusted proxy.
    assert!(
        get(&tree(&platform, "staging"), path)
            .contains("ipStrategy:\n        excludedIPs:\n        - 10.20.0.0/16\n")
    );
    // Counting by API key does not depend on addresses at all.
    assert!(
        get(&tree(&platform, "staging"), "manifests/services/api/middleware-api-per-key.yaml")
            .contains("requestHeaderName: X-Api-Key")
    );
}

#[test]
fn client_address_middlewares_warn_without_trusted_proxies() {
    let platform = load("routing");
    let legacy = render(&platform, "legacy").expect("renders");
    // One warning for the one cause, the environment, listing both places
    // (storefront's redirect without TLS is another cause).
    let untrusted: Vec<&platc_spec::Diagnostic> =
        legacy.warnings.iter().filter(|w| w.code == Code::RenderUntrustedClientIp).collect();
    let warnings: Vec<(Code, Option<&str>)> =
        untrusted.iter().map(|w| (w.code, w.pointer.as_deref())).collect();
    assert_eq!(warnings, [(Code::RenderUntrustedClientIp, Some("/ingress/trustedProxies"))]);
    let warning = untrusted[0];
    assert_eq!(warning.origin, Some(Origin::Environment(EnvName::new("legacy").unwrap())));
    let also: Vec<(Option<&Origin>, Option<&str>)> =
        warning.also.iter().map(|p| (p.origin.as_ref(), p.pointer.as_deref())).collect();
    let admin = Origin::Service(ServiceName::new("admin").unwrap());
    let api = Origin::Service(ServiceName::new("api").unwrap());
    // admin's `office-only`, api's `per-client`.
    assert_eq!(
        also,
        [
            (Some(&admin), Some("/routes/0/middlewares/0")),
            (Some(&api), Some("/routes/0/middlewares/1")),
        ]
    );
    assert_eq!(warning.place_count(), 3);
    assert!(warning.message.contains("2 route middleware(s)"), "{}", warning.message);
    assert!(warning.message.contains("`office-only`"), "{}", warning.message);
    assert!(render(&platform, "production").expect("renders").warnings.is_empty());
}

#[test]
fn a_redirect_to_https_without_tls_is_flagged_at_the_route() {
    let platform = load("routing");
    // Legacy serves plain HTTP: storefront's `to-https` sends every request
    // to an https:// address Traefik has no route for.
    let legacy = render(&platform, "legacy").expect("a warning does not stop the render");
    let redirects: Vec<_> =
        legacy.warnings.iter().filter(|w| w.code == Code::RenderRedirectWithoutTls).collect();
    assert_eq!(redirects.len(), 1, "{redirects:?}");
    let warning = redirects[0];
    assert!(!warning.is_error());
    assert_eq!(
        warning.origin,
        Some(Origin::Service(ServiceName::new("storefront").expect("name")))
    );
    assert_eq!(warning.pointer.as_deref(), Some("/routes/0/middlewares/0"));
    assert_eq!(
        warning.message,
        "`legacy` serves no TLS, but 1 route middleware(s) redirect to https (`to-https`): Traefik has no HTTPS route for their hosts"
    );
    // With TLS the same route is fine.
    assert!(render(&platform, "production").expect("renders").warnings.is_empty());

    // Through a chain, and with `redirectScheme` to https, just the same.
    let mut chained = platform.clone();
    let shared = &mut chained.settings.middlewares;
    shared.insert(
        ObjectName::new("to-https").expect("name"),
        Middleware::RedirectScheme(RedirectScheme {
            scheme: "https".to_owned(),
            port: None,
            permanent: true,
        }),
    );
    shared.insert(
        ObjectName::new("edge").expect("name"),
        Middleware::Chain(Chain {
            middlewares: vec![
                ObjectName::new("security-headers").expect("name"),
                ObjectName::new("to-https").expect("name"),
            ],
        }),
    );
    let storefront = chained.services.iter_mut().find(|s| s.name.as_str() == "storefront");
    storefront.expect("storefront").routes[0].middlewares =
        vec![ObjectName::new("edge").expect("name")];
    let warnings = render(&chained, "legacy").expect("renders").warnings;
    let found: Vec<(Code, Option<&str>)> = warnings
        .iter()
        .filter(|w| w.code == Code::RenderRedirectWithoutTls)
        .map(|w| (w.code, w.pointer.as_deref()))
        .collect();
    assert_eq!(found, [(Code::RenderRedirectWithoutTls, Some("/routes/0/middlewares/0"))]);
    assert!(warnings.iter().any(|w| w.message.contains("`edge`")));

    // A `redirectRegex` to an `https://` URL too, one warning for every route
    // it affects; to an `http://` URL it is no finding.
    let regex = |replacement: &str| {
        Middleware::RedirectRegex(RedirectRegex {
            regex: "^http://www\\.(.*)".to_owned(),
            replacement: replacement.to_owned(),
            permanent: false,
        })
    };
    let mut regexed = platform.clone();
    let www = ObjectName::new("no-www").expect("name");
    regexed.settings.middlewares.insert(www.clone(), regex("HTTPS://${1}"));
    for service in &mut regexed.services {
        match service.name.as_str() {
            "storefront" => service.routes[0].middlewares = vec![www.clone()],
            "landing" => service.routes[0].middlewares.push(www.clone()),
            _ => {}
        }
    }
    let redirects: Vec<_> = render(&regexed, "legacy")
        .expect("renders")
        .warnings
        .into_iter()
        .filter(|w| w.code == Code::RenderRedirectWithoutTls)
        .collect();
    assert_eq!(redirects.len(), 1, "one cause, one warning: {redirects:?}");
    let warning = &redirects[0];
    assert_eq!(
        warning.message,
        "`legacy` serves no TLS, but 2 route middleware(s) redirect to https (`no-www`): Traefik has no HTTPS route for their hosts"
    );
    let places: Vec<(Option<&Origin>, Option<&str>)> = std::iter::once(warning)
        .map(|w| (w.origin.as_ref(), w.pointer.as_deref()))
        .chain(warning.also.iter().map(|p| (p.origin.as_ref(), p.pointer.as_deref())))
        .collect();
    let landing = Origin::Service(ServiceName::new("landing").expect("name"));
    let storefront = Origin::Service(ServiceName::new("storefront").expect("name"));
    assert_eq!(
        places,
        [
            (Some(&landing), Some("/routes/0/middlewares/1")),
            (Some(&storefront), Some("/routes/0/middlewares/0")),
        ]
    );
    regexed.settings.middlewares.insert(www, regex("http://${1}"));
    let warnings = render(&regexed, "legacy").expect("renders").warnings;
    assert!(!warnings.iter().any(|w| w.code == Code::RenderRedirectWithoutTls), "{warnings:?}");
}

#[test]
fn a_cert_resolver_traefik_does_not_define_is_a_warning() {
    let platform = load("routing");
    assert!(render(&platform, "production").expect("renders").warnings.is_empty());

    let mut undefined = platform.clone();
    production(&mut undefined).ingress.values.shift_remove("certificatesResolvers");
    let warnings = render(&undefined, "production").expect("renders").warnings;
    let found: Vec<(Code, Option<&str>)> =
        warnings.iter().map(|w| (w.code, w.pointer.as_deref())).collect();
    assert_eq!(found, [(Code::RenderUndefinedCertResolver, Some("/ingress/tls/certResolver"))]);
    assert!(warnings[0].message.contains("`letsencrypt`"), "{}", warnings[0].message);
    let help = warnings[0].help.as_deref().unwrap_or_default();
    assert!(help.contains("ingress.values.certificatesResolvers.letsencrypt"), "{help}");

    // Static configuration flags define resolvers too.
    let mut flags = undefined.clone();
    production(&mut flags).ingress.values.insert(
        "additionalArguments".to_owned(),
        serde_json::json!(["--certificatesResolvers.letsencrypt.acme.email=ops@example.com"]),
    );
    assert!(render(&flags, "production").expect("renders").warnings.is_empty());

    // Traefik 2's chart calls the key `certResolvers` (its key list rejects
    // `certificatesResolvers`).
    let mut legacy = platform.clone();
    let production_env = production(&mut legacy);
    production_env.ingress.api_group = TraefikApiGroup::ContainoUs;
    let resolvers =
        production_env.ingress.values.shift_remove("certificatesResolvers").expect("defined");
    let warnings = render(&legacy, "production").expect("renders").warnings;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let help = warnings[0].help.as_deref().unwrap_or_default();
    assert!(help.contains("ingress.values.certResolvers.letsencrypt"), "{help}");
    production(&mut legacy).ingress.values.insert("certResolvers".to_owned(), resolvers);
    assert!(render(&legacy, "production").expect("renders").warnings.is_empty());
}

fn production(platform: &mut Platform) -> &mut Environment {
    platform.environments.iter_mut().find(|e| e.name.as_str() == "production").expect("production")
}

/// `(sign, path)` of every file that differs between two trees.
fn changed_files(before: &Tree, after: &Tree) -> BTreeSet<(char, String)> {
    diff_trees(before, after).changes.iter().map(|c| (c.kind.sign(), c.path.clone())).collect()
}

fn files(list: &[(char, &str)]) -> BTreeSet<(char, String)> {
    list.iter().map(|(sign, path)| (*sign, (*path).to_owned())).collect()
}

#[test]
fn maintenance_switches_public_routes_and_keeps_the_rest() {
    let platform = load("routing");
    let before = tree(&platform, "production");

    // platc's maintenance server: a new workload; public routes point at it.
    let mut builtin = platform.clone();
    production(&mut builtin).maintenance = true.into();
    let after = tree(&builtin, "production");
    assert_eq!(
        changed_files(&before, &after),
        files(&[
            ('+', "manifests/platform/configmap-platc-maintenance.yaml"),
            ('+', "manifests/platform/deployment-platc-maintenance.yaml"),
            ('+', "manifests/platform/networkpolicy-platc-maintenance.yaml"),
            ('+', "manifests/platform/poddisruptionbudget-platc-maintenance.yaml"),
            ('+', "manifests/platform/service-platc-maintenance.yaml"),
            ('+', "manifests/platform/serviceaccount-platc-maintenance.yaml"),
            ('~', "manifests/services/api/ingressroute.yaml"),
            // Traefik no longer reaches the ports of routes it now sends to maintenance.
            ('~', "manifests/services/api/networkpolicy.yaml"),
            ('~', "manifests/services/landing/ingressroute.yaml"),
            ('~', "manifests/services/landing/networkpolicy.yaml"),
            ('~', "manifests/services/storefront/ingressroute.yaml"),
            ('~', "manifests/services/storefront/networkpolicy.yaml"),
            // landing's templates see `environment.maintenance`.
            ('~', "manifests/services/landing/configmap.yaml"),
            ('~', "manifests/services/landing/deployment.yaml"),
        ]),
        "admin's route is not public and keeps reaching the service"
    );
    let diff = diff_trees(&before, &after);
    let storefront = diff
        .changes
        .iter()
        .find(|c| c.path.ends_with("storefront/ingressroute.yaml"))
        .expect("changed");
    insta::assert_snapshot!("routing-maintenance-diff", storefront.unified("before", "after"));
    insta::assert_snapshot!(
        "routing-maintenance-configmap",
        get(&after, "manifests/platform/configmap-platc-maintenance.yaml")
    );
    insta::assert_snapshot!(
        "routing-maintenance-deployment",
        get(&after, "manifests/platform/deployment-platc-maintenance.yaml")
    );
    // platc's server answers 503 with Retry-After.
    let config = get(&after, "manifests/platform/configmap-platc-maintenance.yaml");
    assert!(
        config.contains("return 503;") && config.contains("add_header Retry-After 600 always;")
    );

    // The team's landing service: no new workload; every other public route
    // points at landing's first port, landing keeps its own route, and its
    // configuration switches to its maintenance answer.
    let mut team = platform.clone();
    production(&mut team).maintenance =
        Maintenance { enabled: true, service: Some(ServiceName::new("landing").expect("name")) };
    let after = tree(&team, "production");
    assert_eq!(
        changed_files(&before, &after),
        files(&[
            ('~', "manifests/services/api/ingressroute.yaml"),
            ('~', "manifests/services/api/networkpolicy.yaml"),
            ('~', "manifests/services/storefront/ingressroute.yaml"),
            ('~', "manifests/services/storefront/networkpolicy.yaml"),
            ('~', "manifests/services/landing/configmap.yaml"),
            ('~', "manifests/services/landing/deployment.yaml"),
        ]),
        "landing's own route and its NetworkPolicy (Traefik already reaches its port) stay"
    );
    let diff = diff_trees(&before, &after);
    let storefront = diff
        .changes
        .iter()
        .find(|c| c.path.ends_with("storefront/ingressroute.yaml"))
        .expect("changed");
    insta::assert_snapshot!("routing-maintenance-team-diff", storefront.unified("before", "after"));
    let api = get(&after, "manifests/services/api/ingressroute.yaml");
    assert_eq!(api.matches("- name: landing\n      port: 8080\n").count(), 3, "{api}");
    let admin = get(&after, "manifests/services/admin/ingressroute.yaml");
    assert!(admin.contains("- name: admin\n"), "admin's route is not public:\n{admin}");
    let config = get(&after, "manifests/services/landing/configmap.yaml");
    assert!(config.contains("return 503;"), "{config}");
    assert!(!tree(&team, "production").iter().any(|(path, _)| path.contains("platc-maintenance")));

    // `platform.yaml` may name the target for every environment.
    let mut default = platform.clone();
    production(&mut default).maintenance = true.into();
    default.settings.maintenance = Some(MaintenancePage {
        service: Some(ServiceName::new("landing").expect("name")),
        ..MaintenancePage::default()
    });
    assert_eq!(tree(&default, "production"), after);

    // Turning it off restores the normal routes exactly, whoever answered.
    production(&mut team).maintenance.enabled = false;
    assert_eq!(tree(&team, "production"), before);
}

#[test]
fn the_maintenance_image_may_be_pinned_by_digest_and_is_checked() {
    let mut platform = load("routing");
    production(&mut platform).maintenance = true.into();
    let digest = format!("sha256:{}", "a".repeat(64));
    let pinned = format!("docker.io/nginxinc/nginx-unprivileged:1.27.3-alpine@{digest}");
    platform.settings.maintenance =
        Some(MaintenancePage { image: Some(pinned.clone()), ..MaintenancePage::default() });
    let rendered = tree(&platform, "production");
    let deployment = get(&rendered, "manifests/platform/deployment-platc-maintenance.yaml");
    assert!(deployment.contains(&format!("image: {pinned}")), "{deployment}");
    assert!(deployment.contains("app.kubernetes.io/version: 1.27.3-alpine"), "{deployment}");

    platform.settings.maintenance = Some(MaintenancePage {
        image: Some("Docker.io/Nginx:1.27".to_owned()),
        ..MaintenancePage::default()
    });
    let diagnostics = render(&platform, "production").expect_err("must fail");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].code, Code::RenderMaintenanceImage);
    assert_eq!(diagnostics[0].pointer.as_deref(), Some("/maintenance/image"));
}

#[test]
fn workload_kinds_and_scaling() {
    let platform = load("routing");
    let production = tree(&platform, "production");
    insta::assert_snapshot!(
        "routing-production__cronjob",
        get(&production, "manifests/services/report/cronjob.yaml")
    );
    insta::assert_snapshot!(
        "routing-production__job",
        get(&production, "manifests/services/migrate/job.yaml")
    );
    insta::assert_snapshot!(
        "routing-production__hpa",
        get(&production, "manifests/services/storefront/horizontalpodautoscaler.yaml")
    );
    insta::assert_snapshot!(
        "routing-production__pdb",
        get(&production, "manifests/services/api/poddisruptionbudget.yaml")
    );

    // An autoscaled Deployment leaves the replica count to the autoscaler.
    assert!(
        !get(&production, "manifests/services/storefront/deployment.yaml").contains("replicas:")
    );
    // Workers and web services only: no Service for batch kinds, no PDB for one pod.
    for absent in [
        "manifests/services/report/service.yaml",
        "manifests/services/admin/poddisruptionbudget.yaml",
    ] {
        assert!(production.get(absent).is_none(), "{absent}");
    }

    let staging = tree(&platform, "staging");
    let cron = get(&staging, "manifests/services/report/cronjob.yaml");
    assert!(cron.contains("schedule: 0 * * * *") && cron.contains("suspend: true"), "{cron}");
    assert!(
        staging.get("manifests/services/api/poddisruptionbudget.yaml").is_none(),
        "one replica: no budget"
    );
}

#[test]
fn a_job_is_renamed_when_it_changes_and_keeps_its_file() {
    let platform = load("routing");
    let name_of = |tree: &Tree| {
        let job = get(tree, "manifests/services/migrate/job.yaml").to_owned();
        job.lines().find(|l| l.starts_with("  name: ")).expect("name").to_owned()
    };
    let before = name_of(&tree(&platform, "production"));
    assert_eq!(before, name_of(&tree(&platform, "production")), "stable across runs");
    let mut changed = platform.clone();
    let migrate =
        changed.services.iter_mut().find(|s| s.name.as_str() == "migrate").expect("migrate");
    migrate.args.push("--dry-run".to_owned());
    assert_ne!(before, name_of(&tree(&changed, "production")));
}

#[test]
fn two_routes_for_one_host_and_path_collide() {
    let mut platform = load("routing");
    let admin = platform.services.iter_mut().find(|s| s.name.as_str() == "admin").expect("admin");
    admin.routes[0].host = "shop.{{ environment.domain }}".to_owned();
    let diagnostics = render(&platform, "production").expect_err("must fail");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].code, Code::RenderRouteCollision);
    assert_eq!(
        diagnostics[0].message,
        "`shop.example.com/` is routed twice in `production`: here and in `admin` (routes[0])"
    );
    assert_eq!(
        diagnostics[0].origin,
        Some(platc_spec::Origin::Service("storefront".try_into().unwrap()))
    );
    assert_eq!(diagnostics[0].pointer.as_deref(), Some("/routes/0/host"));
}

#[test]
fn a_templated_host_must_be_a_host_name() {
    let mut platform = load("routing");
    let admin = platform.services.iter_mut().find(|s| s.name.as_str() == "admin").expect("admin");
    admin.routes[0].host = "Admin {{ environment.name }}".to_owned();
    let diagnostics = render(&platform, "production").expect_err("must fail");
    assert_eq!(diagnostics[0].code, Code::RenderInvalidHost);
    assert_eq!(diagnostics[0].message, "`Admin production` is not a host name");
}

#[test]
fn the_applyset_parent_lists_every_member_kind_and_has_the_specified_id() {
    let platform = load("routing");
    let rendered = render(&platform, "production").expect("renders");
    let parent = &rendered.applyset;
    let labels = parent.metadata.labels.as_ref().expect("labels");
    // Computed independently from KEP-3659's formula:
    // python3 -c "import hashlib,base64; print('applyset-'+base64.urlsafe_b64encode(
    //   hashlib.sha256(b'applyset-shop.shop.Secret.').digest()).decode().rstrip('=')+'-v1')"
    assert_eq!(
        labels.get(platc_render::applyset::ID_LABEL).map(String::as_str),
        Some("applyset-G3BhoYj8anC-VTON4w1VmD3s431mjOfTcUlr4yeQKpA-v1")
    );
    assert_eq!(
        platc_render::applyset::id("my-app", "default", "Secret", ""),
        "applyset-iCeuHqlt3ov6n803ZrPFVTjduUezM6ZFQZ3bDz9dLBo-v1"
    );
    let annotations = parent.metadata.annotations.as_ref().expect("annotations");
    let kinds: BTreeSet<String> = rendered
        .objects
        .iter()
        .filter(|p| p.owner != platc_render::Owner::Bootstrap)
        .map(|p| platc_render::applyset::group_kind(p.object.api_version(), p.object.kind()))
        .collect();
    assert_eq!(
        annotations[platc_render::applyset::GROUP_KINDS_ANNOTATION],
        kinds.into_iter().collect::<Vec<_>>().join(",")
    );
    assert_eq!(annotations[platc_render::applyset::TOOLING_ANNOTATION], "kubectl/v1.33");
    // kubectl adds the membership label itself and refuses input that has it.
    let tree = rendered.tree().expect("serializes");
    assert!(tree.iter().all(|(_, yaml)| !yaml.contains(platc_render::applyset::PART_OF_LABEL)));
    assert!(
        tree.get("applyset.yaml").is_some() && !tree.manifest_stream().contains("applyset-shop")
    );
}

#[test]
fn objects_outside_the_namespace_stay_out_of_the_applyset() {
    let platform = load("infra");
    let rendered = render(&platform, "local").expect("renders");
    let annotations = rendered.applyset.metadata.annotations.as_ref().expect("annotations");
    // MetalLB's pool lives in bootstrap/; kubectl writes the annotation empty.
    assert_eq!(annotations[platc_render::applyset::NAMESPACES_ANNOTATION], "");
    assert!(
        rendered.objects.iter().any(
            |p| p.object.kind() == "IPAddressPool" && p.owner == platc_render::Owner::Bootstrap
        )
    );
}
