//! Configuration: the ConfigMap holding a service's files, and the checksum
//! that rolls its pods when the files change.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;
use sha2::{Digest, Sha256};

use crate::labels;
use crate::object::{Object, Placed};
use crate::resolved::{ResolvedEnvironment, ResolvedFile, ResolvedService};

/// The ConfigMap of a service with configuration files.
pub fn build(env: &ResolvedEnvironment, service: &ResolvedService, out: &mut Vec<Placed>) {
    if service.files.is_empty() {
        return;
    }
    let data: BTreeMap<String, String> =
        service.files.iter().map(|f| (f.key.clone(), f.content.clone())).collect();
    let config_map = ConfigMap {
        metadata: labels::metadata(
            service.name.as_str(),
            env.namespace.as_str(),
            labels::service_labels(env, service),
        ),
        data: Some(data),
        ..ConfigMap::default()
    };
    out.push(Placed { owner: service.owner.clone(), object: Object::from(config_map) });
}

/// A SHA-256 over the files' keys and contents, in key order.
#[must_use]
pub fn checksum(files: &[ResolvedFile]) -> String {
    let mut sorted: Vec<&ResolvedFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    let mut hasher = Sha256::new();
    for file in sorted {
        hasher.update(file.key.len().to_le_bytes());
        hasher.update(file.key.as_bytes());
        hasher.update(file.content.len().to_le_bytes());
        hasher.update(file.content.as_bytes());
    }
    hex(&hasher.finalize())
}

/// Lowercase hexadecimal of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
