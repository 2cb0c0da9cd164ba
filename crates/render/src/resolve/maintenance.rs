//! The maintenance target: who answers every public route while an
//! environment is in maintenance. Either a `web` service of the platform the
//! environment (or `platform.yaml`) names, which keeps its own routes,
//! probes and middlewares and answers as it chooses (its templates see
//! `environment.maintenance`), or platc's maintenance server: a small server
//! that answers every request with HTTP 503, `Retry-After` and the
//! maintenance page. The server is built as an ordinary service (an
//! unprivileged nginx with its configuration and page in a ConfigMap), so it
//! gets the same restricted pod, probes and labels as every workload. Either
//! way every public route points at the target, keeping hosts, TLS and
//! middlewares, while the application workloads keep running.

use platc_spec::Code;
use platc_spec::model::{
    ConfigFile, Environment, Lifecycle, PodSettings, Port, Probe, Probes, Protocol, ResourceList,
    Resources, Service, WorkloadKind,
};
use platc_spec::names::{ImageRepository, ImageTag, PortName, ServiceName};
use platc_spec::quantity::Quantity;
use platc_spec::{Diagnostic, Origin, Platform};

/// The service of the platform that answers in maintenance, when the
/// environment or `platform.yaml` names one (validation made sure it is a
/// `web` service); `None` for platc's maintenance server.
pub fn target<'p>(platform: &'p Platform, environment: &'p Environment) -> Option<&'p ServiceName> {
    environment
        .maintenance
        .service
        .as_ref()
        .or_else(|| platform.settings.maintenance.as_ref().and_then(|m| m.service.as_ref()))
}

/// The name of the maintenance server's objects; `platc-` keeps it apart
/// from the platform's own services.
pub const NAME: &str = "platc-maintenance";
/// The port it listens on.
pub const PORT: u16 = 8080;
/// The pinned, unprivileged static web server serving the page.
pub const DEFAULT_IMAGE: &str = "docker.io/nginxinc/nginx-unprivileged:1.27.3-alpine";

/// Answers every request with 503 and the page; keeps every writable path in `/tmp`.
const NGINX_CONF: &str = r#"worker_processes 1;
pid /tmp/nginx.pid;
error_log /dev/stderr warn;
events {
  worker_connections 256;
}
http {
  client_body_temp_path /tmp/client_temp;
  proxy_temp_path /tmp/proxy_temp;
  fastcgi_temp_path /tmp/fastcgi_temp;
  uwsgi_temp_path /tmp/uwsgi_temp;
  scgi_temp_path /tmp/scgi_temp;
  access_log off;
  server_tokens off;
  server {
    listen 8080;
    root /usr/share/nginx/maintenance;
    location = /healthz {
      default_type text/plain;
      return 200 "ok\n";
    }
    location / {
      return 503;
    }
    error_page 503 /index.html;
    location = /index.html {
      internal;
      default_type text/html;
      add_header Retry-After 600 always;
      add_header Cache-Control "no-store" always;
    }
  }
}
"#;

/// The page when `platform.yaml` sets none.
const DEFAULT_PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ platform.name }}: down for maintenance</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:20vh auto;padding:0 1rem;color:#222}</style>
</head>
<body>
<h1>We'll be right back</h1>
<p>{{ platform.name }} is down for scheduled maintenance. Please try again in a few minutes.</p>
</body>
</html>
"#;

/// The maintenance server as a service of the platform, and the tag and full
/// reference of its image.
///
/// # Errors
///
/// An image in `platform.yaml` whose repository or tag platc cannot read.
///
/// # Panics
///
/// Never: the built-in names, image and quantities are valid.
pub fn server(platform: &Platform) -> Result<(Service, (ImageTag, String)), Diagnostic> {
    let settings = platform.settings.maintenance.clone().unwrap_or_default();
    let image = settings.image.unwrap_or_else(|| DEFAULT_IMAGE.to_owned());
    // `repository:tag`, optionally pinned with `@sha256:<digest>`.
    let (named, digest) = match image.split_once('@') {
        Some((named, digest)) => (named, Some(digest)),
        None => (image.as_str(), None),
    };
    let (repository, tag) = named.rsplit_once(':').unwrap_or((named, "latest"));
    let (Ok(repository), Ok(tag)) = (ImageRepository::new(repository), ImageTag::new(tag)) else {
        return Err(Diagnostic::error(
            Code::RenderMaintenanceImage,
            format!("`{image}` is not an image platc can run as the maintenance server"),
        )
        .at(Origin::Platform, "/maintenance/image")
        .with_help(
            "name an image as `registry/repository:tag`, in lowercase, optionally with `@sha256:<digest>`",
        ));
    };
    let port = PortName::new("http").expect("valid port name");
    let service = Service {
        name: ServiceName::new(NAME).expect("valid service name"),
        kind: WorkloadKind::Web,
        description: Some("Answers every request with 503 and the maintenance page".to_owned()),
        image: repository,
        ports: vec![Port {
            name: port.clone(),
            port: PORT,
            service_port: None,
            protocol: Protocol::Tcp,
        }],
        files: vec![
            ConfigFile { path: "/etc/nginx/nginx.conf".to_owned(), content: NGINX_CONF.to_owned() },
            ConfigFile {
                path: "/usr/share/nginx/maintenance/index.html".to_owned(),
                content: settings.html.unwrap_or_else(|| DEFAULT_PAGE.to_owned()),
            },
        ],
        probes: Probes {
            readiness: Some(Probe {
                http: Some("/healthz".to_owned()),
                port: Some(port.clone()),
                ..Probe::default()
            }),
            // nginx is alive while it accepts connections; ready once it
            // answers the health location.
            liveness: Some(Probe { tcp: Some(port), ..Probe::default() }),
            ..Probes::default()
        },
        resources: Some(Resources {
            requests: ResourceList {
                cpu: Quantity::new("10m").ok(),
                memory: Quantity::new("16Mi").ok(),
                ephemeral_storage: None,
            },
            limits: ResourceList {
                cpu: Quantity::new("100m").ok(),
                memory: Quantity::new("64Mi").ok(),
                ephemeral_storage: None,
            },
        }),
        replicas: Some(2),
        command: Vec::new(),
        args: Vec::new(),
        env: indexmap::IndexMap::new(),
        secrets: indexmap::IndexMap::new(),
        uses: indexmap::IndexMap::new(),
        calls: Vec::new(),
        egress: Vec::new(),
        run_as: None,
        autoscale: None,
        schedule: None,
        job: None,
        routes: Vec::new(),
        middlewares: indexmap::IndexMap::new(),
        allow_plaintext: indexmap::IndexMap::new(),
        pod: PodSettings::default(),
        lifecycle: Lifecycle::default(),
        volumes: Vec::new(),
        sidecars: Vec::new(),
        init_containers: Vec::new(),
    };
    let reference = match digest {
        Some(digest) => format!("{}:{tag}@{digest}", service.image),
        None => format!("{}:{tag}", service.image),
    };
    Ok((service, (tag, reference)))
}
