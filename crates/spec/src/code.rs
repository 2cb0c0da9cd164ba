//! Diagnostic codes: one [`Code`] per kind of problem platc reports, from
//! loading the model (`spec::`) through compiling it (`render::`), checking
//! the output (`check::`), explaining values (`explain::`) and promoting
//! tags (`promote::`).
//!
//! A code is what scripts and CI match on, so its text never changes; the
//! message beside it may. Each variant says what the problem means (its doc
//! comment), how to fix it, and with which [`Severity`] it is reported;
//! `docs/diagnostics.md` is generated from them ([`markdown`]).

use std::cmp::Ordering;
use std::fmt::{self, Write as _};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The input cannot be compiled.
    Error,
    /// The input compiles, but probably not into what was meant.
    Warning,
    /// Information for reviewers about what the input does on purpose (a
    /// patch in effect); never a problem, so no command fails on it.
    Note,
}

impl Severity {
    /// `error` or `warning`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Note => "note",
        }
    }
}

macro_rules! codes {
    ($(
        $(#[doc = $doc:literal])+
        $variant:ident = $code:literal, $severity:ident, fix: $fix:literal;
    )+) => {
        /// Every diagnostic code platc reports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $(
                $(#[doc = $doc])+
                $variant,
            )+
        }

        impl Code {
            /// Every code, in the order of their text.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stable text of the code (`spec::unknown_field`).
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)+
                }
            }

            /// What the problem means, in one or more sentences.
            #[must_use]
            pub fn meaning(self) -> String {
                let lines: &[&str] = match self {
                    $(Self::$variant => &[$($doc),+],)+
                };
                lines.iter().map(|line| line.trim()).collect::<Vec<_>>().join(" ")
            }

            /// How to fix it.
            #[must_use]
            pub const fn fix(self) -> &'static str {
                match self {
                    $(Self::$variant => $fix,)+
                }
            }

            /// The severities the code is reported with.
            #[must_use]
            pub const fn severities(self) -> &'static [Severity] {
                match self {
                    $(Self::$variant => codes!(@severity $severity),)+
                }
            }
        }
    };
    (@severity Error) => { &[Severity::Error] };
    (@severity Warning) => { &[Severity::Warning] };
    (@severity Note) => { &[Severity::Note] };
    (@severity ErrorOrWarning) => { &[Severity::Error, Severity::Warning] };
}

codes! {
    /// Two containers of one pod template share a name, which the API server refuses.
    CheckDuplicateContainer = "check::duplicate_container", Error,
    fix: "Give each container its own name. platc names containers after their service, so a duplicate comes from a hand-edited manifest.";

    /// Two ports of one pod share a name, which the API server refuses.
    CheckDuplicatePort = "check::duplicate_port", Error,
    fix: "Give each port its own name under the service's `ports`.";

    /// A file of the rendered tree is missing from the golden tree, only in
    /// the golden tree, or different there: `golden/` is out of date with the model.
    CheckGoldenDrift = "check::golden_drift", Error,
    fix: "Run `platc golden` and commit the result; `platc diff` shows the change first.";

    /// A container's environment variable name is not a C identifier, as Kubernetes requires.
    CheckInvalidEnvName = "check::invalid_env_name", Error,
    fix: "Rename the variable: letters, digits and `_`, not starting with a digit.";

    /// A host in an IngressRoute's `Host(...)` rule is not a DNS name.
    CheckInvalidHost = "check::invalid_host", Error,
    fix: "Write the route's host as a lowercase DNS name, such as `api.example.com`.";

    /// A label key or value breaks the Kubernetes label syntax.
    CheckInvalidLabel = "check::invalid_label", Error,
    fix: "Label names and values have at most 63 alphanumerics, `-`, `_` or `.`, and start and end with an alphanumeric.";

    /// A manifest of the tree does not parse as YAML.
    CheckInvalidManifest = "check::invalid_manifest", Error,
    fix: "Render the tree again (`platc golden`, or `platc render --out`) instead of editing it by hand.";

    /// An object's name or namespace is not one the API server accepts for
    /// its kind (a DNS label or subdomain of at most 63 or 253 characters).
    CheckInvalidName = "check::invalid_name", Error,
    fix: "Rename the service, environment or namespace the object is named after.";

    /// A container's CPU or memory request or limit is not a Kubernetes quantity.
    CheckInvalidQuantity = "check::invalid_quantity", Error,
    fix: "Write quantities such as `250m` or `1` (CPU) and `512Mi` or `2Gi` (memory).";

    /// A CronJob's schedule is not a cron expression Kubernetes accepts.
    CheckInvalidSchedule = "check::invalid_schedule", Error,
    fix: "Use five fields (minute hour day-of-month month day-of-week), such as `30 2 * * *`, or a macro such as `@daily`.";

    /// A container outside a development environment runs the floating
    /// `latest` tag, or no tag at all.
    CheckLatestTag = "check::latest_tag", Error,
    fix: "Pin a version in the environment's `images`; `latest` is only for environments marked `development: true`.";

    /// A container's CPU or memory limit is below its request, which the API server refuses.
    CheckLimitBelowRequest = "check::limit_below_request", Error,
    fix: "Raise the limit or lower the request.";

    /// An object of `manifests/` is cluster-scoped or lives outside the
    /// application namespace. `manifests/` is the environment's ApplySet,
    /// applied with `kubectl -n <namespace> --prune`: kubectl refuses members
    /// of other namespaces, and pruning a cluster-scoped member (the
    /// Namespace) would delete everything in it.
    CheckMemberOutsideNamespace = "check::member_outside_namespace", Error,
    fix: "Render the tree again: platc writes Namespaces and objects of other namespaces to `bootstrap/`, applied without prune.";

    /// A `web` or `worker` service has no readiness or no liveness probe: rollouts do not
    /// wait for it to be ready, and a hung pod is not restarted; `probes.optOut` with a
    /// reason silences it.
    CheckMissingProbe = "check::missing_probe", Warning,
    fix: "Add `probes: {readiness: {http: /ready}, liveness: {http: /healthz}}` (`tcp: <port>` for a service without HTTP, `exec: [...]` for a worker without ports), or give the reason in `probes.optOut`.";

    /// A container does not request and limit both CPU and memory.
    CheckMissingResources = "check::missing_resources", Error,
    fix: "Set `resources` on the service, or defaults in `platform.yaml`.";

    /// A pod or container breaks the restricted Pod Security Standard, or
    /// its root filesystem is writable.
    CheckNotRestricted = "check::not_restricted", Error,
    fix: "Remove what grants the privilege: host namespaces, hostPath volumes, added capabilities, running as root, a writable root filesystem. platc's own objects comply; a finding comes from a hand-edited manifest.";

    /// A patch of the environment file is in effect: the object it names is
    /// rendered with the patch applied. Listed with the patch's reason so
    /// reviewers see every exception to the model.
    CheckPatchInEffect = "check::patch_in_effect", Note,
    fix: "Nothing to fix. When the model or its escape hatches can say what the patch does, say it there and remove the patch.";

    /// A container or Service port is outside 1 to 65535.
    CheckPortRange = "check::port_range", Error,
    fix: "Use a port number from 1 to 65535.";

    /// A committed JSON Schema in `schema/` differs from the one the model generates.
    CheckStaleSchema = "check::stale_schema", Error,
    fix: "Run `platc schema --out schema` and commit the result.";

    /// An object's kind is neither built into Kubernetes nor defined by a CRD
    /// of the tree's `crds/` or a platform release of its helmfile
    /// (external-secrets' kinds), so the API server would refuse it.
    CheckUnknownKind = "check::unknown_kind", Error,
    fix: "Render the tree again so `crds/` and `helmfile.yaml` come with the objects, or install the CRD of the kind before applying.";

    /// `platc explain` names an environment the platform does not have.
    ExplainUnknownEnvironment = "explain::unknown_environment", Error,
    fix: "Name an environment of `environments/`: its name, its file, or `env/<name>`.";

    /// `platc explain` asks for a key path that the environment does not
    /// set, in its own file or in the files it extends.
    ExplainUnknownPath = "explain::unknown_path", Error,
    fix: "Write the path as in the file, with dots between keys and `[n]` for list items (`infrastructure.redis.replicas`); the help names the keys set at the deepest level that exists.";

    /// `platc init` would write a file that already exists; it writes nothing.
    InitExistingFile = "init::existing_file", Error,
    fix: "Run `platc init` in an empty directory, or name a new one: `platc init my-platform`.";

    /// The edited environment file would not load back as the same
    /// environment running the promoted tags; nothing was written.
    PromoteEditFailed = "promote::edit_failed", Error,
    fix: "This is a bug in platc: report it with the environment file.";

    /// A service runs the `latest` tag in the environment promoted from, and
    /// the environment promoted to is not for development.
    PromoteLatestTag = "promote::latest_tag", Error,
    fix: "Pin a version in the environment promoted from, then promote it.";

    /// A service to promote has no image tag in the environment promoted from.
    PromoteNoTag = "promote::no_tag", Error,
    fix: "Set `images.defaultTag`, or the service's tag under `images.tags`, in the environment promoted from.";

    /// `--from` and `--to` name the same environment.
    PromoteSameEnvironment = "promote::same_environment", Error,
    fix: "Promote from the environment that ran the tags to another one.";

    /// `--from` or `--to` names no environment of the platform.
    PromoteUnknownEnvironment = "promote::unknown_environment", Error,
    fix: "Name an environment by its name (`production`), its file or `env/production`.";

    /// A service to promote is not part of the platform.
    PromoteUnknownService = "promote::unknown_service", Error,
    fix: "Check the spelling against `services/`, or promote every service with `--all`.";

    /// An abstract environment was asked to be rendered: it is only a base
    /// for the environments that extend it.
    RenderAbstractEnvironment = "render::abstract_environment", Error,
    fix: "Render one of the environments that extend it, or remove `abstract: true` and give it what an environment needs.";

    /// A route's host, with its templates rendered, is not a DNS name.
    RenderInvalidHost = "render::invalid_host", Error,
    fix: "Write the host as a lowercase DNS name, such as `api.{{ environment.domain }}`.";

    /// A CPU or memory limit is below its request once the environment's
    /// overrides and the platform's defaults are applied.
    RenderLimitBelowRequest = "render::limit_below_request", Error,
    fix: "Raise the limit or lower the request, in the service or in the environment's override.";

    /// `platform.yaml`'s `maintenance.image` is not an image reference platc
    /// can run as the maintenance server.
    RenderMaintenanceImage = "render::maintenance_image", Error,
    fix: "Name an image as `registry/repository:tag`, in lowercase, optionally with `@sha256:<digest>`.";

    /// A patch names an object the environment does not render: no object
    /// of its kind has its name (and namespace).
    RenderPatchTarget = "render::patch_target", Error,
    fix: "Correct the patch's `target` (the help lists the objects of that kind), or remove the patch if what it changed is gone.";

    /// A patch leaves an object that is not of its kind any more: a field
    /// the kind does not have (often a misspelt key), a value of the wrong
    /// type, or a changed `apiVersion`, `kind`, name or namespace.
    /// Rendered objects stay typed, so the patch is refused.
    RenderPatchType = "render::patch_type", Error,
    fix: "Correct the field the message names against the kind's API reference (`kubectl explain`), and keep the object's identity.";

    /// A development environment writes a value that looks like a secret in
    /// plaintext: allowed there, refused in every other environment.
    RenderPlaintextInDevelopment = "render::plaintext_in_development", Warning,
    fix: "Keep the value in a `developmentSecrets` Secret and reference it with `secrets:`; if it is not a secret, say why under `allowPlaintext`.";

    /// A string that would reach output looks like a secret: a value under a
    /// secret-like name (`*PASSWORD*`, `*PASSWD*`, `*SECRET*`, `*TOKEN*`,
    /// `*API_KEY*`, `*APIKEY*`, `*PRIVATE_KEY*`, `*CREDENTIAL*`; not
    /// durations such as `*_TTL`, nor files, addresses and Secret names), a
    /// URL with a password in its userinfo, or a well-known credential
    /// format (gitleaks' rules: AWS, Stripe, GitHub, GitLab, Slack, PEM
    /// private keys, JWTs, Google, SendGrid, Twilio, ...). Environment
    /// variables, config files, commands and arguments (of sidecars and init
    /// containers too) are checked after their templates render, and the
    /// Helm values of every release and the values patches set.
    RenderPlaintextSecret = "render::plaintext_secret", Error,
    fix: "Use `secrets:` with a reference (`KEY: {secret: <name>, key: <key>}`) and keep the value in the environment's secret store; in Helm values, the chart's existingSecret-style key. If the value is not a secret, say why under the service's or the override's `allowPlaintext`.";

    /// A route passes through a middleware that redirects to `https://`
    /// (`redirectHttps`, `redirectScheme` to `https`, `redirectRegex` to an
    /// `https://` URL), but the environment serves no TLS: Traefik has no
    /// HTTPS router for the host, so the redirect leads nowhere. A warning, since TLS may end at a proxy in
    /// front of Traefik that reports `X-Forwarded-Proto: https`, where the
    /// redirect never fires.
    RenderRedirectWithoutTls = "render::redirect_without_tls", Warning,
    fix: "Give the environment `ingress.tls`, or take the middleware off the route; with TLS, platc already redirects plain HTTP to HTTPS on Traefik's `web` entry point.";

    /// Two routes of one environment claim the same host and path prefix.
    RenderRouteCollision = "render::route_collision", Error,
    fix: "Give each host and path prefix to one route only.";

    /// An object could not be written as YAML.
    RenderSerialize = "render::serialize", Error,
    fix: "This is a bug in platc: report it with the model that causes it.";

    /// A template does not render: in a string value or an infrastructure
    /// type's values template, an unknown variable or a syntax error; or a
    /// values template that does not give a mapping of chart values.
    RenderTemplate = "render::template", Error,
    fix: "Use the variables templates know (`environment.*`, `service.*`, `platform.name`, `resources.<name>.*`; in values templates `release`, `replicas`, `storage`, `resources`, `username`, `database`, `secret`; the help suggests the closest); write `{{ '{{' }}` for a literal brace.";

    /// The Traefik release an environment states (`ingress.traefikVersion`)
    /// is not the one its chart installs, platc cannot tell which release the
    /// chart installs, or the release does not serve the environment's API
    /// group (`traefik.io` is Traefik 3's, `traefik.containo.us` Traefik 2's).
    RenderTraefikVersion = "render::traefik_version", Error,
    fix: "State the release the chart installs (the help names it), choose the chart version that installs the release you want (`ingress.version`), or set `ingress.values.image.tag`; for Traefik 2 use `apiGroup: traefik.containo.us`.";

    /// A value of a service (an environment variable, a config file, an
    /// argument) names another service or an in-cluster release by its host
    /// — `http://orders-api:8080` — that the service does not declare in
    /// `calls` or `uses`: the NetworkPolicies platc writes will refuse the
    /// connection.
    RenderUndeclaredConnection = "render::undeclared_connection", Warning,
    fix: "Add the service to `calls` (or the dependency to `uses`), or remove the reference.";

    /// Routes use a certificate resolver that Traefik's values in the
    /// environment do not define, so every route would get Traefik's
    /// self-signed certificate.
    RenderUndefinedCertResolver = "render::undefined_cert_resolver", Warning,
    fix: "Define the resolver under `ingress.values.certificatesResolvers.<name>` (or in Traefik's `additionalArguments`), or serve a certificate from a Secret with `secretName`.";

    /// A Helm value is not a key of the pinned chart: an extra value of an
    /// environment, or one an infrastructure type's values template writes.
    /// It is a warning when the environment pins a chart version whose keys
    /// platc has not recorded, and an error otherwise.
    RenderUnknownChartValue = "render::unknown_chart_value", ErrorOrWarning,
    fix: "Check the key against the chart's `values.yaml` at the pinned version (the type's `helm.keys` lists them), then rename or remove it.";

    /// The environment to render is not part of the platform.
    RenderUnknownEnvironment = "render::unknown_environment", Error,
    fix: "Name an environment by its name (`production`), its file or `env/production`.";

    /// A kind named in `--kinds` is not one platc renders.
    RenderUnknownKind = "render::unknown_kind", Error,
    fix: "Name kinds as Kubernetes spells them (`Deployment,Service`), in any case; the help lists every kind platc renders.";

    /// A value names a port of another service that its Service does not
    /// expose: the connection fails, and its NetworkPolicy admits only the
    /// declared ports.
    RenderUnknownServicePort = "render::unknown_service_port", Warning,
    fix: "Use a port the service declares under `ports`.";

    /// A middleware uses an option (or a kind) that the environment's Traefik
    /// release does not have: Traefik 3 options in a Traefik 2 environment,
    /// or options newer than the release. The first release whose chart's
    /// CRDs have the option is named.
    RenderUnsupportedByTraefik = "render::unsupported_by_traefik", Error,
    fix: "Remove the option, or run a newer Traefik in the environment (`ingress.version` and `ingress.traefikVersion`, or `apiGroup: traefik.io` for Traefik 3).";

    /// Middlewares judge clients by their address (an IP allow list, a
    /// per-client rate limit), but the environment trusts no proxy, so they
    /// would see the load balancer's address instead of the client's. One
    /// warning per environment lists every route middleware affected.
    RenderUntrustedClientIp = "render::untrusted_client_ip", Warning,
    fix: "Set `ingress.trustedProxies` to the address range of the load balancer in front of Traefik.";

    /// An `allowPlaintext` entry allows nothing: no value under its key
    /// looks like a secret in the environment.
    RenderUnusedOptOut = "render::unused_opt_out", Warning,
    fix: "Remove the entry, or correct its key: an environment variable's name or a config file's path.";

    /// Two settings that exclude each other are both set: `forwardAuth` with
    /// `service` and `address`, `compress` with included and excluded
    /// content types, a rate limit per header and per host, a maintenance
    /// service next to the page of platc's maintenance server.
    SpecConflictingFields = "spec::conflicting_fields", Error,
    fix: "Keep one of the two, as the help says.";

    /// Two services use the same dependency name with different types.
    SpecDependencyTypeConflict = "spec::dependency_type_conflict", Error,
    fix: "A dependency name means one resource: use one type for it everywhere, or give the other resource its own name.";

    /// An environment variable is set twice: in `env` and in `secrets`, or
    /// again after a dependency injected it.
    SpecDuplicateEnv = "spec::duplicate_env", Error,
    fix: "Keep one of the two. Each `uses` entry injects `<NAME>_HOST`, `_PORT`, `_USER`, `_PASSWORD`, `_URL` and more.";

    /// Two config files of a service have the same name; they share one ConfigMap.
    SpecDuplicateFile = "spec::duplicate_file", Error,
    fix: "Give each file its own name.";

    /// A name is defined twice: two model files for one entity (`api.yaml`
    /// and `api.yml`), or two ports of a service with one name.
    SpecDuplicateName = "spec::duplicate_name", Error,
    fix: "Keep one of the two, or rename one.";

    /// A service declares the same port number twice.
    SpecDuplicatePort = "spec::duplicate_port", Error,
    fix: "Declare each port once.";

    /// Editing an environment file's image tags gave text that does not read
    /// back as intended; the file was left as it was.
    SpecEditFailed = "spec::edit_failed", Error,
    fix: "This is a bug in platc: report it with the environment file.";

    /// The part of an environment file to edit is written in flow style
    /// (`{...}`), which platc cannot edit without rewriting its layout.
    SpecEditFlowStyle = "spec::edit_flow_style", Error,
    fix: "Write it in block style, one `key: value` per line, and run the command again.";

    /// The environment file, its `images` or its `images.tags` is not a
    /// mapping, so no tag can be set in it.
    SpecEditNotMapping = "spec::edit_not_mapping", Error,
    fix: "Write `images:` with `tags:` below it, one `<service>: \"<tag>\"` per line.";

    /// A service's entry under `images.tags` is not a string.
    SpecEditNotScalar = "spec::edit_not_scalar", Error,
    fix: "Write the tag as a string, such as `api: \"1.4.2\"`.";

    /// The environment file does not parse, so it cannot be edited.
    SpecEditUnparsed = "spec::edit_unparsed", Error,
    fix: "Fix the syntax errors `platc check` reports, then run the command again.";

    /// A tag is written in a form platc cannot rewrite in place: an alias,
    /// an explicit YAML tag, escapes.
    SpecEditUnsupportedScalar = "spec::edit_unsupported_scalar", Error,
    fix: "Write the tag as a plain or quoted string, such as `\"1.4.2\"`.";

    /// A model file is empty or holds only comments.
    SpecEmptyFile = "spec::empty_file", Error,
    fix: "Describe the service or environment in the file, or delete it.";

    /// Environments extend each other in a circle, so none of them has a
    /// complete set of settings to start from.
    SpecExtendsCycle = "spec::extends_cycle", Error,
    fix: "Remove `extends:` from one environment of the cycle, which then starts from its own settings.";

    /// `extends:` names an environment that has no file in `environments/`.
    SpecExtendsUnknown = "spec::extends_unknown", Error,
    fix: "Name an environment of `environments/` (the file name without `.yaml`), or remove `extends:`.";

    /// A model file is larger than platc reads (4 MiB).
    SpecFileTooLarge = "spec::file_too_large", Error,
    fix: "Keep large configuration out of the model, or split it.";

    /// An environment keeps a value of the environment it extends that must
    /// differ per environment (its domain, namespace, secret-store prefix, or
    /// an external provider's host, user name, remote key or Secret): staging's
    /// credentials in qa are how one environment ends up reading another's data.
    SpecInheritedValue = "spec::inherited_value", Error,
    fix: "Set each value listed in the environment's own file, or keep the parent's on purpose with `acceptInherited: {<key path>: <why>}`, which reviewers see.";

    /// Autoscaling would scale from more pods down to fewer, or has no target.
    SpecInvalidAutoscale = "spec::invalid_autoscale", Error,
    fix: "Make `max` at least `min`, and set a target: `cpu` or `memory` (percent of the request).";

    /// A config file's name cannot be a ConfigMap key.
    SpecInvalidFileName = "spec::invalid_file_name", Error,
    fix: "Name config files with letters, digits, `-`, `_` and `.`.";

    /// A cronjob's schedule (or an override's) is not a valid cron expression.
    SpecInvalidSchedule = "spec::invalid_schedule", Error,
    fix: "Use five fields (minute hour day-of-month month day-of-week), such as `*/15 * * * *`, or a macro such as `@daily`.";

    /// The ingress TLS settings name both or neither of `certResolver` and `secretName`.
    SpecInvalidTls = "spec::invalid_tls", Error,
    fix: "Set exactly one: `certResolver` has Traefik obtain certificates, `secretName` names a TLS Secret.";

    /// An infrastructure type definition contradicts itself: no `host` or
    /// `port` output, an output without what it needs (`name` without
    /// `database`, `password` without the chart's `credentials`), an unknown
    /// placeholder in a form, or the reserved name `instances`.
    SpecInvalidType = "spec::invalid_type", Error,
    fix: "Follow the help: each output needs its setting (`name`: `database`, `username`: `username`, `url`: `url`, `password`: `helm.credentials`), and forms use only the placeholders listed.";

    /// A value breaks its field's rule: a name, tag, image, quantity or other
    /// format, or a number out of range.
    SpecInvalidValue = "spec::invalid_value", Error,
    fix: "Follow the rule the help states (it suggests a value that fits when it can); `docs/reference.md` gives every field's format.";

    /// A service would run the `latest` tag in an environment not marked `development: true`.
    SpecLatestTag = "spec::latest_tag", Error,
    fix: "Pin a version under the environment's `images`.";

    /// A lifecycle hook names none or several of `exec`, `httpGet` and `sleep`.
    SpecLifecycleAction = "spec::lifecycle_action", Error,
    fix: "Give each hook exactly one action, such as `preStop: {sleep: {seconds: 5}}`.";

    /// A `chain` middleware contains itself, directly or through other chains.
    SpecMiddlewareCycle = "spec::middleware_cycle", Error,
    fix: "Remove the chain from the middlewares it lists, or from the chains among them.";

    /// An environment on kind gives MetalLB no addresses to hand out.
    SpecMissingAddressPool = "spec::missing_address_pool", Error,
    fix: "Add `loadBalancer.addresses`, a range from kind's Docker network such as `172.18.255.200-172.18.255.250`.";

    /// A required field is missing.
    SpecMissingField = "spec::missing_field", Error,
    fix: "Add the field the message names; the help says what it holds.";

    /// An environment provides no infrastructure for a dependency its services use.
    SpecMissingProvider = "spec::missing_provider", Error,
    fix: "Add `infrastructure.<type>` with `provider: helm` (in-cluster) or `provider: external` and a `host`.";

    /// A cronjob has no schedule.
    SpecMissingSchedule = "spec::missing_schedule", Error,
    fix: "Add `schedule: \"30 2 * * *\"` (minute hour day-of-month month day-of-week).";

    /// Services have no image tag in an environment that is not for development.
    SpecMissingTag = "spec::missing_tag", Error,
    fix: "Set `images.defaultTag`, or a tag per service under `images.tags`.";

    /// Two mounts of one container meet: a volume's path is `/tmp`, a config
    /// file's path or another mount's path, or lies inside or around one.
    /// Kubernetes would hide one under the other.
    SpecMountCollision = "spec::mount_collision", Error,
    fix: "Mount the volume at a directory of its own, such as `/var/cache/<service>`; `/tmp` is already a writable scratch directory.";

    /// The name written in a model file differs from the file's name.
    SpecNameMismatch = "spec::name_mismatch", Error,
    fix: "Rename the file or the `name` inside it so that they match.";

    /// A Middleware object's name, made of the service's and the
    /// middleware's, would be longer than 63 characters.
    SpecNameTooLong = "spec::name_too_long", Error,
    fix: "Shorten the middleware's name.";

    /// The directory holds neither `services/` nor `environments/`.
    SpecNotAPlatform = "spec::not_a_platform", Error,
    fix: "Run platc in a platform repository, or pass its directory with `--root`.";

    /// A service lists in `calls` a service that serves no port (a worker,
    /// cronjob or job), so there is nothing to connect to.
    SpecNotCallable = "spec::not_callable", Error,
    fix: "Remove the name from `calls`, or make the called service `kind: web` with a port.";

    /// A setting does not apply to the service's workload kind (a schedule on
    /// a web service, autoscaling on a job).
    SpecNotForKind = "spec::not_for_kind", Error,
    fix: "Remove the setting, or change the service's `kind`.";

    /// A model file is not UTF-8 text.
    SpecNotUtf8 = "spec::not_utf8", Error,
    fix: "Save the file as UTF-8.";

    /// A service that Traefik sends requests to (a maintenance target, a
    /// `forwardAuth` server, an `errors` page server) is not a `web` service,
    /// so it has no Service and no port to reach.
    SpecNotWeb = "spec::not_web", Error,
    fix: "Name a `web` service with a port, or make the service `kind: web`.";

    /// A `null` in an environment that extends another removes an inherited
    /// key, but no environment it extends sets this one: probably a value
    /// left unfinished or a misspelt key.
    SpecNullRemovesNothing = "spec::null_removes_nothing", Error,
    fix: "Give the key a value, correct its name, or delete the line.";

    /// An environment that is not marked `development: true` holds
    /// `developmentSecrets`, plaintext secret values.
    SpecPlaintextSecret = "spec::plaintext_secret", Error,
    fix: "Reference existing Secrets, or name a `secretStore`; plaintext values are only for local development.";

    /// A `preStop` hook sleeps as long as the termination grace period or
    /// longer, so the container is killed before it stops on its own.
    SpecPreStopOutlastsGrace = "spec::pre_stop_outlasts_grace", Warning,
    fix: "Set `pod.terminationGracePeriodSeconds` above the sleep plus the time the service needs to stop (Kubernetes' default is 30 seconds).";

    /// A probe names none or several of `http`, `tcp` and `exec`.
    SpecProbeAction = "spec::probe_action", Error,
    fix: "Give each probe exactly one action, such as `readiness: {http: /ready}`.";

    /// An `http` probe belongs to a service without ports.
    SpecProbeWithoutPort = "spec::probe_without_port", Error,
    fix: "Declare the port under `ports`, or probe with `exec`.";

    /// `replicas` and `autoscale` are both set.
    SpecReplicasAndAutoscale = "spec::replicas_and_autoscale", Error,
    fix: "Keep one: with `autoscale`, the HorizontalPodAutoscaler sets the number of pods.";

    /// A pod annotation uses the `platc.dev/` prefix, which platc's own
    /// annotations (config checksum, probe opt-out) use.
    SpecReservedAnnotation = "spec::reserved_annotation", Error,
    fix: "Use a prefix of your own, such as `acme-shop.com/owner`.";

    /// A name platc uses itself: a dependency named after a platform
    /// component's release (`traefik`, `metallb`), a volume named `tmp` or
    /// `config`.
    SpecReservedName = "spec::reserved_name", Error,
    fix: "Name the dependency or volume after what it holds, such as `orders-db` or `cache`.";

    /// A service that is not `web` has routes.
    SpecRouteWithoutPort = "spec::route_without_port", Error,
    fix: "Make it `kind: web` with a port, or remove the routes.";

    /// A directory stands where a model file belongs, in `services/` or `environments/`.
    SpecUnexpectedDirectory = "spec::unexpected_directory", Error,
    fix: "Model files live directly in their directory, one `<name>.yaml` per entity.";

    /// An abstract environment that no environment extends: it is never
    /// rendered, so its settings are never checked or used.
    SpecUnextendedAbstract = "spec::unextended_abstract", Warning,
    fix: "Have an environment extend it with `extends:`, or delete the file.";

    /// A key the file's schema does not have, often a typo.
    SpecUnknownField = "spec::unknown_field", Error,
    fix: "Use the key the message suggests, or one of those the help lists.";

    /// A reference to a port, middleware, service or dependency that does not exist.
    SpecUnknownReference = "spec::unknown_reference", Error,
    fix: "Use the name the help suggests, or define what is referenced.";

    /// A service uses, or an environment provides, an infrastructure type
    /// that is neither built into platc nor defined in the platform's `types/`.
    SpecUnknownType = "spec::unknown_type", Error,
    fix: "Use the type the message suggests, or define it in `types/<name>.yaml`.";

    /// A value that is not one of its field's choices (a kind, a provider, a cluster flavour).
    SpecUnknownVariant = "spec::unknown_variant", Error,
    fix: "Use one of the values the message lists.";

    /// A model file or directory cannot be read.
    SpecUnreadable = "spec::unreadable", Error,
    fix: "Make it a regular file, readable for the user running platc.";

    /// An environment's provider does not fit its infrastructure type:
    /// `provider: helm` for a type without a chart, a field for an output the
    /// type does not have (`database` for Kafka), or a field the type
    /// requires (`external.requires`) left out.
    SpecUnsupportedProvider = "spec::unsupported_provider", Error,
    fix: "Follow the help: provide the type `external`, remove the field, or set the required one.";

    /// An entry of `acceptInherited` keeps nothing: the environment sets its
    /// own value there, or the key is not one that must differ per environment.
    SpecUnusedAcceptInherited = "spec::unused_accept_inherited", Warning,
    fix: "Remove the entry, or correct its key path.";

    /// A volume names none or several of `emptyDir`, `secret` and `configMap`.
    SpecVolumeSource = "spec::volume_source", Error,
    fix: "Give each volume exactly one source, such as `emptyDir: {}`.";

    /// A web service has no port.
    SpecWebWithoutPort = "spec::web_without_port", Error,
    fix: "Add `ports: [{name: http, port: 8080}]`, or make it a `worker`.";

    /// A value has the wrong type: a string where a number belongs, a list
    /// where a mapping does.
    SpecWrongType = "spec::wrong_type", Error,
    fix: "Follow the help: quote numbers meant as strings, unquote numbers, and write mappings as `key: value`.";

    /// The file is not valid YAML.
    SpecYamlSyntax = "spec::yaml_syntax", Error,
    fix: "Fix the syntax at the position shown; the help names the usual cause (tabs, indentation, an unclosed bracket).";
}

impl Code {
    /// The part of platc that reports the code: `spec`, `render`, `check`,
    /// `explain` or `promote`.
    #[must_use]
    pub fn stage(self) -> &'static str {
        self.as_str().split_once("::").map_or("", |(stage, _)| stage)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Codes order by their text, so diagnostics sort the same whatever the
/// order of the variants.
impl Ord for Code {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The stages in the order `docs/diagnostics.md` presents them, with a heading and an introduction.
const STAGES: [(&str, &str, &str); 6] = [
    (
        "spec",
        "The model",
        "Reported while loading and validating `platform.yaml`, `services/` and `environments/`, by every command that reads the model.",
    ),
    (
        "render",
        "Compiling an environment",
        "Reported while resolving an environment (tags, overrides, templates, providers) and building its objects.",
    ),
    (
        "check",
        "Checks",
        "Reported by `platc check`: output checks on the rendered manifests, input policies, committed schemas and golden drift.",
    ),
    (
        "explain",
        "Explaining a value",
        "Reported by `platc explain` when the environment or the key path it is asked about does not exist.",
    ),
    ("promote", "Promotion", "Reported by `platc promote` before it writes anything."),
    ("init", "A new platform", "Reported by `platc init` before it writes anything."),
];

/// The Markdown reference of every code, as `docs/diagnostics.md` holds it.
#[must_use]
pub fn markdown() -> String {
    let mut out = String::from("# Diagnostic codes\n\n");
    out.push_str(
        "<!-- Generated from `Code` in crates/spec/src/code.rs by `platc schema --diagnostics`; do not edit. -->\n\n",
    );
    out.push_str(
        "Every problem platc reports carries a stable code, printed as `error[spec::unknown_field]` \
         and given as `code` by `platc check --format json`. The codes stay; messages may be \
         reworded. An error stops the command (exit 2) and nothing is written; a warning is \
         printed and the command goes on (`platc check` exits 1 on any finding); a note \
         informs reviewers and fails nothing.\n\n",
    );
    for (stage, title, _) in STAGES {
        let _ = writeln!(out, "- [`{stage}::`: {title}](#{stage})");
    }
    for (stage, title, introduction) in STAGES {
        let _ = write!(
            out,
            "\n<a id=\"{stage}\"></a>\n\n## `{stage}::`: {title}\n\n{introduction}\n\n"
        );
        out.push_str("| Code | Severity | Means | Fix |\n| --- | --- | --- | --- |\n");
        for code in Code::ALL.iter().filter(|code| code.stage() == stage) {
            let severity = code.severities().iter().map(|s| s.as_str()).collect::<Vec<_>>();
            let _ = writeln!(
                out,
                "| <a id=\"{}\"></a>`{code}` | {} | {} | {} |",
                code.as_str().replace("::", "-"),
                severity.join(" or "),
                cell(&code.meaning()),
                cell(code.fix()),
            );
        }
    }
    out
}

/// Text for a table cell: pipes escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_unique_and_named_after_their_text() {
        let texts: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let mut sorted = texts.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(texts, sorted, "Code::ALL is sorted by text and has no duplicate");
        for code in Code::ALL {
            let (stage, name) = code.as_str().split_once("::").expect("stage::name");
            assert!(STAGES.iter().any(|(s, _, _)| *s == stage), "{code}: unknown stage");
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{code}: snake case"
            );
            // The variant is the text in CamelCase, so the text finds the variant.
            let camel: String = code
                .as_str()
                .split([':', '_'])
                .filter(|part| !part.is_empty())
                .map(|part| part[..1].to_ascii_uppercase() + &part[1..])
                .collect();
            assert_eq!(format!("{code:?}"), camel);
        }
    }

    #[test]
    fn every_code_says_what_it_means_and_how_to_fix_it() {
        for code in Code::ALL {
            for text in [code.meaning().as_str(), code.fix()] {
                assert!(text.len() > 10, "{code}: `{text}`");
                assert!(text.ends_with('.'), "{code}: a sentence ends with a period: `{text}`");
                assert!(text.starts_with(|c: char| !c.is_lowercase()), "{code}: `{text}`");
            }
            assert!(!code.severities().is_empty());
        }
    }

    #[test]
    fn the_reference_lists_every_code_once() {
        let text = markdown();
        for code in Code::ALL {
            assert_eq!(text.matches(&format!("`{code}` |")).count(), 1, "{code}");
        }
    }
}
