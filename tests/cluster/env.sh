# shellcheck shell=bash
# Shared settings of the end-to-end test cluster; source it, don't run it.
#
#   source tests/cluster/env.sh   # puts kubectl on PATH and sets KUBECONFIG
#
# It sets no shell options because it is also sourced by interactive shells;
# it only assigns variables, so it is safe under `set -euo pipefail`.
#
# Knobs (environment):
#   PLATC_CLUSTER_CACHE  where built binaries are kept (default ~/.cache/platc-cluster)
#   PLATC_CLUSTER_STATE  the running cluster's directory: certs, etcd data, logs,
#                        pids, kubeconfig (default ${TMPDIR:-/tmp}/platc-cluster)
#   PLATC_CLUSTER_TIMEOUT  seconds up.sh waits for each component (default 90)
#   PLATC_CLUSTER_CONTROLLERS  kube-controller-manager's --controllers
#                        (default namespace,garbagecollector; empty: none)

PLATC_CLUSTER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# The pinned versions live in the wrapper modules' go.mod files; reading them
# with awk instead of `go list` keeps a cached run free of any Go work.
PLATC_K8S_VERSION="$(awk '$1 == "k8s.io/kubernetes" { print $2 }' "$PLATC_CLUSTER_DIR/kubernetes/go.mod")"
PLATC_ETCD_VERSION="$(awk '$1 == "go.etcd.io/etcd/server/v3" { print $2 }' "$PLATC_CLUSTER_DIR/etcd/go.mod")"

PLATC_CLUSTER_CACHE="${PLATC_CLUSTER_CACHE:-$HOME/.cache/platc-cluster}"
PLATC_CLUSTER_BIN="$PLATC_CLUSTER_CACHE/$PLATC_K8S_VERSION-$PLATC_ETCD_VERSION/bin"
PLATC_CLUSTER_STATE="${PLATC_CLUSTER_STATE:-${TMPDIR:-/tmp}/platc-cluster}"

export PLATC_CLUSTER_CACHE PLATC_CLUSTER_BIN PLATC_CLUSTER_STATE
export KUBECONFIG="$PLATC_CLUSTER_STATE/kubeconfig"
case ":$PATH:" in
  *":$PLATC_CLUSTER_BIN:"*) ;;
  *) export PATH="$PLATC_CLUSTER_BIN:$PATH" ;;
esac
