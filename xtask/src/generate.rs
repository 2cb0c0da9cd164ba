//! `cargo xtask generate`: writes a synthetic platform of N services for
//! benchmarks. The realistic shape mixes every workload kind, routes with
//! middlewares, every infrastructure type and per-environment overrides
//! across three environments; `--peers` writes instead the shape the peer
//! benchmark renders with other tools (one environment; per service a
//! Deployment, Service, ConfigMap and IngressRoute).

use std::fmt::Write as _;
use std::fs;

use anyhow::Context as _;

use crate::GenerateArgs;

/// Writes the platform `args` describe, replacing the directory.
pub fn run(args: &GenerateArgs) -> anyhow::Result<()> {
    let files = if args.peers { peers(args.services) } else { realistic(args.services) };
    if args.out.exists() {
        fs::remove_dir_all(&args.out)
            .with_context(|| format!("cannot clear `{}`", args.out.display()))?;
    }
    for (path, text) in &files {
        let path = args.out.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        fs::write(&path, text).with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    eprintln!(
        "xtask generate: wrote {} files for {} services to {}",
        files.len(),
        args.services,
        args.out.display()
    );
    Ok(())
}

/// The peer benchmark's workload (the objects its `gen.py` describes): per service one
/// web workload with two replicas, probes, resources, three environment
/// variables, three configuration entries and one route; one environment
/// composing namespace, domain and tag at render time.
#[must_use]
pub fn peers(services: usize) -> Vec<(String, String)> {
    let mut files = vec![
        ("platform.yaml".to_owned(), "name: platform\n".to_owned()),
        (
            "environments/production.yaml".to_owned(),
            "name: production\nnamespace: prod\ndomain: example.com\ncluster: generic\n\
             images:\n  defaultTag: \"1.4.2\"\ningress:\n  tls:\n    secretName: wildcard-example-com\n"
                .to_owned(),
        ),
    ];
    for i in 0..services {
        let name = format!("svc-{i}");
        let next = (i + 1) % services.max(1);
        let mut text = String::new();
        let _ = write!(
            text,
            r#"name: {name}
image: registry.example.com/{name}
ports:
  - name: http
    port: 8080
    servicePort: 80
env:
  SERVICE_NAME: {name}
  LOG_LEVEL: info
  PORT: "8080"
  ENVIRONMENT: "{{{{ environment.namespace }}}}"
  BASE_DOMAIN: "{{{{ environment.domain }}}}"
files:
  - path: /etc/{name}/LOG_FORMAT
    content: json
  - path: /etc/{name}/CACHE_TTL
    content: "300"
  - path: /etc/{name}/UPSTREAM_URL
    content: http://svc-{next}
probes:
  liveness: {{http: /healthz, initialDelaySeconds: 10, periodSeconds: 10}}
  readiness: {{http: /ready, initialDelaySeconds: 5, periodSeconds: 5}}
resources:
  requests: {{cpu: 100m, memory: 128Mi}}
  limits: {{cpu: 500m, memory: 256Mi}}
replicas: 2
routes:
  - host: "{name}.{{{{ environment.domain }}}}"
calls: [svc-{next}]
"#
        );
        files.push((format!("services/{name}.yaml"), text));
    }
    files
}

/// A platform shaped like a real one, N services across three environments.
#[must_use]
pub fn realistic(services: usize) -> Vec<(String, String)> {
    let mut files = vec![("platform.yaml".to_owned(), PLATFORM.to_owned())];
    let mut production_overrides = String::new();
    let mut staging_overrides = String::new();
    for i in 0..services {
        let name = format!("svc-{i}");
        let (kind, text) = service(i, &name, services.clamp(1, 13));
        files.push((format!("services/{name}.yaml"), text));
        if kind == "web" && i.is_multiple_of(10) {
            let _ = write!(
                production_overrides,
                "  {name}:\n    autoscale: {{min: 3, max: 12, cpu: 70}}\n    resources:\n      requests: {{cpu: 250m, memory: 256Mi}}\n      limits: {{memory: 512Mi}}\n"
            );
        } else if kind == "worker" && i % 10 == 1 {
            let _ = write!(
                production_overrides,
                "  {name}:\n    replicas: 4\n    env:\n      BATCH_SIZE: \"500\"\n"
            );
        }
        if i % 20 == 3 && kind == "web" {
            let _ = write!(staging_overrides, "  {name}:\n    env:\n      LOG_LEVEL: debug\n");
        }
    }
    let mut tags = String::new();
    for i in (0..services).step_by(7) {
        let _ = writeln!(tags, "    svc-{i}: \"2026.11.{}\"", i % 28 + 1);
    }
    files.push(("environments/local.yaml".to_owned(), LOCAL.to_owned()));
    files.push((
        "environments/staging.yaml".to_owned(),
        format!("{STAGING}images:\n  defaultTag: \"2026.11.3\"\n  tags:\n{tags}overrides:\n{staging_overrides}"),
    ));
    files.push((
        "environments/production.yaml".to_owned(),
        format!("{PRODUCTION}images:\n  defaultTag: \"2026.11.2\"\n  tags:\n{tags}overrides:\n{production_overrides}"),
    ));
    files
}

/// One service: mostly web services, then workers, cronjobs and jobs. It
/// calls two of the first `web` services, which are all web services.
fn service(i: usize, name: &str, web: usize) -> (&'static str, String) {
    let kind = match i % 20 {
        0..=12 => "web",
        13..=17 => "worker",
        18 => "cronjob",
        _ => "job",
    };
    let mut text = format!("name: {name}\nkind: {kind}\nimage: ghcr.io/acme/{name}\n");
    // The services it names in its variables and files (all web services),
    // declared so the NetworkPolicies admit the connections.
    let (upstream, configured) = ((i + 1) % web, (i + 3) % web);
    let _ = writeln!(text, "calls: [svc-{upstream}, svc-{configured}]");
    if kind == "web" {
        text.push_str(
            "ports:\n  - name: http\n    port: 8080\n  - name: metrics\n    port: 9090\n",
        );
    }
    let _ = write!(
        text,
        "env:\n  LOG_LEVEL: info\n  SERVICE_NAME: {name}\n  PUBLIC_URL: \"https://{name}.{{{{ environment.domain }}}}\"\n  UPSTREAM: http://svc-{upstream}:8080\n"
    );
    if i.is_multiple_of(3) {
        text.push_str("secrets:\n  API_KEY: {secret: partner-keys, key: api-key}\n");
    }
    let mut uses = vec![format!("db-{}: postgres", i / 10)];
    if i.is_multiple_of(2) {
        uses.push("cache: redis".to_owned());
    }
    if kind != "web" || i.is_multiple_of(4) {
        uses.push("jobs: rabbitmq".to_owned());
    }
    if i.is_multiple_of(5) {
        uses.push("events: kafka".to_owned());
    }
    if i.is_multiple_of(25) {
        uses.push("legacy: mysql".to_owned());
    }
    text.push_str("uses:\n");
    for entry in uses {
        let _ = writeln!(text, "  {entry}");
    }
    if i.is_multiple_of(4) {
        let _ = write!(
            text,
            "files:\n  - path: /etc/{name}/config.yaml\n    content: |\n      service: {name}\n      environment: {{{{ environment.name }}}}\n      upstreams: [svc-{configured}]\n"
        );
    }
    match kind {
        "web" => {
            let _ = write!(
                text,
                "probes:\n  readiness: {{http: /ready}}\n  liveness: {{http: /healthz, port: metrics}}\nreplicas: 2\n\
                 middlewares:\n  strip:\n    stripPrefix: {{prefixes: [/{name}]}}\n\
                 routes:\n  - host: \"{name}.{{{{ environment.domain }}}}\"\n    middlewares: [security-headers]\n\
                 \x20 - host: \"api.{{{{ environment.domain }}}}\"\n    paths: [/{name}]\n    middlewares: [strip, rate-limit]\n"
            );
        }
        "worker" => text.push_str("probes:\n  liveness: {exec: [/app/health]}\nreplicas: 2\n"),
        "cronjob" => {
            text.push_str("schedule: \"15 3 * * *\"\njob:\n  activeDeadlineSeconds: 3600\n");
        }
        _ => text.push_str("command: [/app/migrate]\njob:\n  backoffLimit: 1\n"),
    }
    (kind, text)
}

const PLATFORM: &str = r"name: bench
defaults:
  resources:
    requests: {cpu: 50m, memory: 64Mi}
    limits: {memory: 256Mi}
middlewares:
  security-headers:
    headers: {stsSeconds: 31536000, frameDeny: true, contentTypeNosniff: true}
  rate-limit:
    rateLimit: {average: 100, burst: 200}
";

const LOCAL: &str = r"name: local
namespace: bench
domain: bench.localhost
cluster: kind
development: true
loadBalancer:
  addresses: [172.18.255.200-172.18.255.250]
ingress:
  trustedProxies: [172.18.0.0/16]
developmentSecrets:
  partner-keys:
    api-key: dev-key
infrastructure:
  postgres: {provider: helm, storage: 1Gi}
  mysql: {provider: helm}
  redis: {provider: helm}
  rabbitmq: {provider: helm}
  kafka: {provider: helm}
";

const STAGING: &str = r"name: staging
namespace: bench
domain: staging.bench.example
cluster: eks
ingress:
  trustedProxies: [10.20.0.0/16]
  proxyProtocol: true
  tls: {secretName: wildcard-staging}
secretStore: {name: aws-secrets-manager, prefix: bench/staging/}
infrastructure:
  postgres: {provider: helm, replicas: 2}
  mysql: {provider: helm}
  redis: {provider: helm}
  rabbitmq: {provider: helm}
  kafka: {provider: external, host: pkc-1.eu-central-1.aws.confluent.cloud, username: KEY}
";

const PRODUCTION: &str = r"name: production
namespace: bench
domain: bench.example
cluster: eks
ingress:
  trustedProxies: [10.30.0.0/16]
  proxyProtocol: true
  replicas: 3
  tls: {certResolver: letsencrypt, minVersion: VersionTLS12}
  values:
    certificatesResolvers:
      letsencrypt:
        acme: {email: ops@bench.example, storage: /data/acme.json, tlsChallenge: {}}
secretStore: {name: aws-secrets-manager, prefix: bench/production/}
infrastructure:
  postgres: {provider: external, host: main.cluster-1.eu-central-1.rds.amazonaws.com}
  mysql: {provider: external, host: legacy.eu-central-1.rds.amazonaws.com}
  redis: {provider: helm, replicas: 3}
  rabbitmq: {provider: helm, replicas: 3}
  kafka: {provider: external, host: pkc-2.eu-central-1.aws.confluent.cloud, username: KEY}
";

#[cfg(test)]
mod tests {
    use super::*;

    /// Both shapes load and render without a warning, so the benchmark
    /// measures real work and not the printing of diagnostics.
    #[test]
    fn generated_platforms_load_and_render() {
        for (peers, services) in [(false, 40), (true, 40), (false, 5)] {
            let tmp = tempfile::tempdir().expect("tmp");
            let out = tmp.path().join("platform");
            run(&GenerateArgs { services, out: out.clone(), peers }).expect("writes");
            let loaded = platc_spec::load_dir(&out).expect("the generated platform loads");
            assert_eq!(loaded.platform.services.len(), services);
            assert!(loaded.warnings.is_empty(), "peers: {peers}, {:?}", loaded.warnings);
            let names: Vec<&str> =
                loaded.platform.environments.iter().map(|e| e.name.as_str()).collect();
            let rendered = platc_render::render_environments(&loaded.platform, &names, |_| true)
                .expect("renders");
            assert!(rendered.warnings.is_empty(), "peers: {peers}, {:?}", rendered.warnings);
            assert!(
                rendered.tree.len() > services * 4,
                "peers: {peers}, {} files",
                rendered.tree.len()
            );
        }
    }
}
