//! A new platform repository (`platc init`): `platform.yaml`, one service,
//! one environment, the JSON Schemas and the editor settings that point
//! yaml-language-server at them.
//!
//! The schemas are written into the repository (`schema/`) rather than
//! fetched by URL: editors validate offline and against the model of the
//! platc that created them, and `platc check` reports them stale
//! (`check::stale_schema`) when a newer platc changes the model. Every model
//! file also names its schema in a modeline, so editors without the
//! settings file find it too.
//!
//! Nothing here touches the file system: [`files`] returns what to write.

use crate::model::PlatformSettings;
use crate::names::ObjectName;
use crate::schema::{FileKind, json_schema_text};

/// The directory the schemas are written into, relative to the platform root.
pub const SCHEMA_DIR: &str = "schema";

/// The platform name `platc init` uses when the directory's name is not a
/// valid one: the name of a platform that names none.
pub const FALLBACK_NAME: &str = "platform";

/// One file of a new platform: its path relative to the platform root, with
/// `/` separators, and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaffoldFile {
    /// Where it goes (`services/hello.yaml`).
    pub path: String,
    /// What it holds.
    pub content: String,
}

/// The platform name for a directory called `directory`: lowercase, with
/// every run of characters a Kubernetes name cannot hold turned into `-`;
/// [`FALLBACK_NAME`] when nothing valid is left.
#[must_use]
pub fn platform_name(directory: &str) -> ObjectName {
    let mut name = String::new();
    for c in directory.chars().map(|c| c.to_ascii_lowercase()) {
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let name: String = name.trim_matches('-').chars().take(40).collect();
    ObjectName::new(name.trim_end_matches('-')).unwrap_or_else(|_| PlatformSettings::default().name)
}

/// The modeline that points yaml-language-server at the schema of `kind`
/// from a file `depth` directories below the platform root.
#[must_use]
pub fn modeline(kind: FileKind, depth: usize) -> String {
    format!(
        "# yaml-language-server: $schema={}{SCHEMA_DIR}/{}\n",
        "../".repeat(depth),
        kind.schema_file_name()
    )
}

/// Every file of a new platform called `name`, in the order they are written.
#[must_use]
pub fn files(name: &ObjectName) -> Vec<ScaffoldFile> {
    let file = |path: &str, content: String| ScaffoldFile { path: path.to_owned(), content };
    let mut files = vec![
        file("platform.yaml", platform_yaml(name)),
        file("services/hello.yaml", service_yaml()),
        file("environments/local.yaml", environment_yaml(name)),
        file(".vscode/settings.json", vscode_settings()),
    ];
    for kind in FileKind::ALL {
        files.push(file(
            &format!("{SCHEMA_DIR}/{}", kind.schema_file_name()),
            json_schema_text(kind),
        ));
    }
    files
}

fn platform_yaml(name: &ObjectName) -> String {
    format!(
        "{}\
# The platform: services/ says what runs, environments/ where and how.
# `name` becomes the `app.kubernetes.io/part-of` label of every object.
name: {name}

defaults:
  # What a service that sets no resources gets.
  resources:
    requests:
      cpu: 100m
      memory: 128Mi
    limits:
      cpu: 500m
      memory: 256Mi
",
        modeline(FileKind::Platform, 0)
    )
}

fn service_yaml() -> String {
    format!(
        "{}\
# A service says what a workload needs, wherever it runs. The image has no
# tag: each environment chooses it.
name: hello
kind: web                     # web | worker | cronjob | job
description: A first web service
image: ghcr.io/example/hello
ports:
  - name: http
    port: 8080
env:
  PUBLIC_URL: \"http://hello.{{{{ environment.domain }}}}\"
routes:
  - host: \"hello.{{{{ environment.domain }}}}\"
probes:
  readiness: {{http: /ready}}
  liveness: {{http: /healthz}}
# Infrastructure it needs, by type (postgres, mysql, redis, rabbitmq, kafka,
# or a type of the platform's own in types/); each environment says who
# provides it.
# uses:
#   hello-db: postgres
",
        modeline(FileKind::Service, 1)
    )
}

fn environment_yaml(name: &ObjectName) -> String {
    format!(
        "{}\
# A laptop: the whole platform on a kind cluster. Other environments
# (staging, production) are files beside this one with the same services.
name: local
namespace: {name}
# *.localhost resolves to 127.0.0.1 without touching /etc/hosts.
domain: {name}.localhost
cluster: kind
# The only kind of environment where `latest` tags are allowed.
development: true
# MetalLB hands Traefik an address from kind's Docker network
# (`docker network inspect kind`).
loadBalancer:
  addresses:
    - 172.18.255.200-172.18.255.250
images:
  defaultTag: latest
",
        modeline(FileKind::Environment, 1)
    )
}

fn vscode_settings() -> String {
    let mapping = |kind: FileKind, globs: &str| {
        format!("    \"./{SCHEMA_DIR}/{}\": {globs}", kind.schema_file_name())
    };
    format!(
        "{{\n  \"yaml.schemas\": {{\n{},\n{},\n{},\n{}\n  }}\n}}\n",
        mapping(FileKind::Service, "[\"services/*.yaml\", \"services/*.yml\"]"),
        mapping(FileKind::Environment, "[\"environments/*.yaml\", \"environments/*.yml\"]"),
        mapping(FileKind::Type, "[\"types/*.yaml\", \"types/*.yml\"]"),
        mapping(FileKind::Platform, "\"platform.yaml\""),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_is_the_default_name() {
        assert_eq!(PlatformSettings::default().name.as_str(), FALLBACK_NAME);
    }

    #[test]
    fn platform_names_from_directories() {
        assert_eq!(platform_name("acme-shop").as_str(), "acme-shop");
        assert_eq!(platform_name("Acme Shop").as_str(), "acme-shop");
        assert_eq!(platform_name("my_platform.git").as_str(), "my-platform-git");
        assert_eq!(platform_name("...").as_str(), FALLBACK_NAME);
        assert_eq!(platform_name("").as_str(), FALLBACK_NAME);
    }

    #[test]
    fn modelines_point_at_the_schema_directory() {
        assert_eq!(
            modeline(FileKind::Service, 1),
            "# yaml-language-server: $schema=../schema/service.schema.json\n"
        );
        assert_eq!(
            modeline(FileKind::Platform, 0),
            "# yaml-language-server: $schema=schema/platform.schema.json\n"
        );
    }

    #[test]
    fn the_settings_are_json_mapping_every_kind() {
        let settings: serde_json::Value =
            serde_json::from_str(&vscode_settings()).expect("valid JSON");
        let schemas = settings["yaml.schemas"].as_object().expect("a mapping");
        assert_eq!(schemas.len(), 4);
        assert_eq!(schemas["./schema/platform.schema.json"], "platform.yaml");
    }
}
