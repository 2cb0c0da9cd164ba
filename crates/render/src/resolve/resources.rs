//! Requests and limits layered: what the model sets, then the platform's
//! defaults, then platc's built-in requests. A limit nobody set is never
//! below its request; a limit somebody set below its request is reported.

use std::cmp::Ordering;

use platc_spec::model::{ResourceList, Resources};
use platc_spec::names::EnvName;
use platc_spec::quantity::Quantity;
use platc_spec::{Code, Diagnostic};

use crate::resolved::EffectiveResources;

/// The CPU request of a container that sets none, anywhere.
const DEFAULT_CPU_REQUEST: &str = "100m";
/// The memory request of a container that sets none, anywhere.
const DEFAULT_MEMORY_REQUEST: &str = "128Mi";
/// The ephemeral-storage request of a container that sets none, anywhere.
const DEFAULT_EPHEMERAL_STORAGE_REQUEST: &str = "50Mi";
/// The ephemeral-storage limit of a container that sets none, anywhere,
/// unless its request is larger.
const DEFAULT_EPHEMERAL_STORAGE_LIMIT: &str = "2Gi";

/// A limit written below its request.
pub(super) struct BelowRequest {
    /// `cpu`, `memory` or `ephemeral-storage`, as Kubernetes names it.
    pub field: &'static str,
    /// Its key under `resources.limits` in the model.
    pub key: &'static str,
    /// The limit.
    pub limit: Quantity,
    /// The request it is below.
    pub request: Quantity,
}

/// The requests and limits of a container that sets `explicit` (its layers
/// already combined, most specific first), on a platform whose defaults are
/// `defaults`.
pub(super) fn layer(
    explicit: &Resources,
    defaults: &Resources,
) -> (EffectiveResources, Vec<BelowRequest>) {
    let builtin = ResourceList {
        cpu: Quantity::new(DEFAULT_CPU_REQUEST).ok(),
        memory: Quantity::new(DEFAULT_MEMORY_REQUEST).ok(),
        ephemeral_storage: Quantity::new(DEFAULT_EPHEMERAL_STORAGE_REQUEST).ok(),
    };
    let requests = explicit.requests.or(&defaults.requests).or(&builtin);
    let cpu_request = requests.cpu.unwrap_or_else(|| builtin_quantity(DEFAULT_CPU_REQUEST));
    let memory_request =
        requests.memory.unwrap_or_else(|| builtin_quantity(DEFAULT_MEMORY_REQUEST));
    let ephemeral_storage_request = requests
        .ephemeral_storage
        .unwrap_or_else(|| builtin_quantity(DEFAULT_EPHEMERAL_STORAGE_REQUEST));
    let mut below = Vec::new();
    let mut limit = |explicit: Option<&Quantity>,
                     default: Option<&Quantity>,
                     request: &Quantity,
                     field: &'static str| {
        if let Some(limit) = explicit {
            if limit.cmp_amount(request) == Ordering::Less {
                let key = if field == "ephemeral-storage" { "ephemeralStorage" } else { field };
                below.push(BelowRequest {
                    field,
                    key,
                    limit: limit.clone(),
                    request: request.clone(),
                });
            }
            return limit.clone();
        }
        match default {
            Some(default) if default.cmp_amount(request) != Ordering::Less => default.clone(),
            _ => request.clone(),
        }
    };
    let cpu_limit =
        limit(explicit.limits.cpu.as_ref(), defaults.limits.cpu.as_ref(), &cpu_request, "cpu");
    let memory_limit = limit(
        explicit.limits.memory.as_ref(),
        defaults.limits.memory.as_ref(),
        &memory_request,
        "memory",
    );
    // Unlike CPU and memory, ephemeral storage gets a built-in limit: the
    // platform default, else 2Gi, whichever applies first, never below the
    // request.
    let builtin_limit = builtin_quantity(DEFAULT_EPHEMERAL_STORAGE_LIMIT);
    let ephemeral_storage_limit = limit(
        explicit.limits.ephemeral_storage.as_ref(),
        Some(defaults.limits.ephemeral_storage.as_ref().unwrap_or(&builtin_limit)),
        &ephemeral_storage_request,
        "ephemeral-storage",
    );
    (
        EffectiveResources {
            cpu_request,
            memory_request,
            ephemeral_storage_request,
            cpu_limit,
            memory_limit,
            ephemeral_storage_limit,
        },
        below,
    )
}

fn builtin_quantity(text: &str) -> Quantity {
    Quantity::new(text).expect("built-in quantities are valid")
}

/// A limit set below its request, in `environment`.
pub(super) fn limit_below_request(
    field: &str,
    limit: &Quantity,
    request: &Quantity,
    environment: &EnvName,
) -> Diagnostic {
    Diagnostic::error(
        Code::RenderLimitBelowRequest,
        format!(
            "the {field} limit {limit} is below the {field} request {request} in `{environment}`"
        ),
    )
    .with_help("raise the limit or lower the request")
}
