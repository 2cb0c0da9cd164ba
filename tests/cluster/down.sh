#!/usr/bin/env bash
# Stops the cluster that up.sh started in $PLATC_CLUSTER_STATE and removes that
# directory (certificates, tokens, etcd data, logs). Safe to run when nothing
# is running or the directory is gone.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
state="$PLATC_CLUSTER_STATE"

[[ -d "$state" ]] || exit 0
# Never delete a directory up.sh did not make (PLATC_CLUSTER_STATE may be mistyped).
if [[ ! -e "$state/.platc-cluster" ]]; then
  echo "down.sh: $state was not made by up.sh; leaving it alone" >&2
  exit 1
fi

# Stop in reverse start order, so the apiserver does not log a missing etcd.
# A pid is only signalled while its command line still names a file in the
# state directory: after a reboot or a crash the number may belong to another
# process (the trailing / keeps /tmp/platc-cluster from matching the files of
# /tmp/platc-cluster-2).
ours() {
  [[ -r "/proc/$1/cmdline" ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$state/"
}
for name in kube-controller-manager kube-apiserver etcd; do
  pidfile="$state/pids/$name"
  [[ -f "$pidfile" ]] || continue
  pid="$(cat "$pidfile")"
  ours "$pid" || continue
  kill "$pid" 2>/dev/null || true
  for _ in {1..50}; do # up to 10s for a clean shutdown, then force it
    ours "$pid" || break
    sleep 0.2
  done
  if ours "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
done

rm -rf "$state"
echo "down.sh: removed $state" >&2
