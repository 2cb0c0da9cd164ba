#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kubectl and etcd from source
# (through the Go module proxy) into
#   $PLATC_CLUSTER_CACHE/<k8s-version>-<etcd-version>/bin/
# and does nothing when they are already there. Prints that directory last.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

k8s_bins=(kube-apiserver kube-controller-manager kubectl)
all_bins=("${k8s_bins[@]}" etcd)

cached() {
  local b
  for b in "${all_bins[@]}"; do
    [[ -x "$PLATC_CLUSTER_BIN/$b" ]] || return 1
  done
  echo "build.sh: cached in $PLATC_CLUSTER_BIN" >&2
  echo "$PLATC_CLUSTER_BIN"
}
cached && exit 0

# One build at a time per cache (two up.sh may start together): the second
# waits, then finds the first one's binaries.
mkdir -p "$PLATC_CLUSTER_CACHE"
exec 9>"$PLATC_CLUSTER_CACHE/.build.lock"
flock 9
cached && exit 0

# The machine's own Go builds everything (both modules say go 1.24); the
# committed go.sum files make the module graph fixed, and -mod=readonly makes a
# drift between go.mod and go.sum an error instead of a silent download.
export GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=0
# The compiled packages (about 3 GB) are worth nothing once the binaries are
# cached, so they go to a cache of our own that a successful build deletes; an
# interrupted build keeps it and the next try resumes. Downloaded modules stay
# in the user's GOMODCACHE.
export GOCACHE="$PLATC_CLUSTER_CACHE/go-build"

# What the release build sets (hack/lib/golang.sh, hack/lib/version.sh): the
# version strings that `kubectl version` and /version report, stripped symbols
# and the tags that leave test and gRPC tracing code out.
minor="${PLATC_K8S_VERSION#v*.}"
minor="${minor%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$PLATC_K8S_VERSION -X $pkg.gitMajor=1"
  ldflags+=" -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
tags=selinux,notest,grpcnotrace

# Build next to the final directory and rename it into place at the end, so an
# interrupted build never looks like a complete cache.
staging="$PLATC_CLUSTER_BIN.partial.$$"
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging"

start=$SECONDS
echo "build.sh: building Kubernetes $PLATC_K8S_VERSION and etcd $PLATC_ETCD_VERSION into $PLATC_CLUSTER_BIN" >&2
(
  cd "$PLATC_CLUSTER_DIR/kubernetes"
  nice go build -trimpath -tags "$tags" -ldflags "$ldflags" -o "$staging/" \
    "${k8s_bins[@]/#/k8s.io/kubernetes/cmd/}"
)
echo "build.sh: Kubernetes binaries took $((SECONDS - start))s" >&2

etcd_start=$SECONDS
(
  cd "$PLATC_CLUSTER_DIR/etcd"
  # The module's root package is etcd's main package (a wrapper of etcdmain).
  nice go build -trimpath -ldflags "-s -w" -o "$staging/etcd" go.etcd.io/etcd/server/v3
)
echo "build.sh: etcd took $((SECONDS - etcd_start))s" >&2

rm -rf "$PLATC_CLUSTER_BIN"
mkdir -p "$(dirname "$PLATC_CLUSTER_BIN")"
mv "$staging" "$PLATC_CLUSTER_BIN"
rm -rf "$GOCACHE"
echo "build.sh: built in $((SECONDS - start))s" >&2
echo "$PLATC_CLUSTER_BIN"
