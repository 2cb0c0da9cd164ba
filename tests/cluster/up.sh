#!/usr/bin/env bash
# Starts a throwaway control plane for the end-to-end tests, all on 127.0.0.1:
# etcd, kube-apiserver and a kube-controller-manager that runs only the
# controllers that finish deletions (see "controllers" below). There is no
# scheduler and no kubelet: objects are stored, validated and admitted, but no
# Pod ever runs.
#
# Everything lives in $PLATC_CLUSTER_STATE (see env.sh); down.sh stops the
# processes and removes it. Prints the lines to use the cluster:
#   export KUBECONFIG=...   and the path of kubectl
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

state="$PLATC_CLUSTER_STATE"
timeout="${PLATC_CLUSTER_TIMEOUT:-90}"
bin="$PLATC_CLUSTER_BIN"

refuse() {
  echo "up.sh: $state already exists; run tests/cluster/down.sh first" >&2
  exit 1
}
# Checked before the build too, so a refusal never waits for one.
[[ ! -e "$state" ]] || refuse
"$PLATC_CLUSTER_DIR/build.sh" >/dev/null

start=$SECONDS
umask 077 # the state holds the admin token and private keys
# A plain mkdir fails if the directory exists: of two up.sh started at once
# with the same state directory, one gets it and the other refuses.
mkdir -p "$(dirname "$state")"
mkdir "$state" || refuse
mkdir "$state"/{etcd,logs,pids}
# down.sh deletes only a directory that carries this marker.
touch "$state/.platc-cluster"

# On any failure: show why, then stop what was started so nothing is left running.
fail() {
  echo "up.sh: $1" >&2
  for log in "$state"/logs/*.log; do
    [[ -s "$log" ]] || continue
    echo "---- last lines of $log" >&2
    tail -n 30 "$log" >&2
  done
  "$PLATC_CLUSTER_DIR/down.sh" >&2 || true
  exit 1
}
trap 'fail "failed at line $LINENO"' ERR

# A random port in 20000-31999 (below Linux's ephemeral range, so outgoing
# connections do not take it) that nothing answers on and that was not picked
# already.
picked=" "
free_port() {
  local port
  for _ in {1..100}; do
    port=$((20000 + RANDOM % 12000))
    [[ "$picked" == *" $port "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      picked+="$port "
      echo "$port"
      return 0
    fi
  done
  return 1
}
etcd_port="$(free_port)"
etcd_peer_port="$(free_port)"
api_port="$(free_port)"

# Runs a binary in the background with its output in logs/<name>.log.
# setsid puts it in a session of its own, so a Ctrl-C in the calling terminal
# does not kill it half-way; down.sh stops it by the recorded pid.
launch() {
  local name="$1"
  shift
  setsid "$@" >"$state/logs/$name.log" 2>&1 </dev/null &
  echo "$!" >"$state/pids/$name"
}

# Waits until a command succeeds; fails early if the process died.
wait_until() {
  local name="$1"
  shift
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    kill -0 "$(cat "$state/pids/$name")" 2>/dev/null || fail "$name exited"
    ((SECONDS < deadline)) || fail "$name not ready after ${timeout}s"
    sleep 0.2
  done
}

# One self-signed certificate serves the API and is the CA in the kubeconfig.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=platc-e2e-apiserver \
  -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
  -addext basicConstraints=critical,CA:TRUE \
  -keyout "$state/serving.key" -out "$state/serving.crt" 2>/dev/null
# The key that signs service-account tokens.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$state/sa.key" 2>/dev/null
openssl pkey -in "$state/sa.key" -pubout -out "$state/sa.pub"
# Static bearer tokens (token,user,uid,"groups"): the admin is in system:masters,
# which RBAC lets do anything.
admin_token="$(openssl rand -hex 24)"
echo "$admin_token,admin,admin,\"system:masters\"" >"$state/tokens.csv"

cat >"$state/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: platc-e2e
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority: $state/serving.crt
users:
- name: admin
  user:
    token: $admin_token
contexts:
- name: platc-e2e
  context:
    cluster: platc-e2e
    user: admin
current-context: platc-e2e
EOF

# --unsafe-no-fsync: the data is thrown away anyway, and fsync is what makes
# etcd slow on a busy disk.
launch etcd "$bin/etcd" \
  --name=platc-e2e \
  --data-dir="$state/etcd" \
  --listen-client-urls="http://127.0.0.1:$etcd_port" \
  --advertise-client-urls="http://127.0.0.1:$etcd_port" \
  --listen-peer-urls="http://127.0.0.1:$etcd_peer_port" \
  --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster="platc-e2e=http://127.0.0.1:$etcd_peer_port" \
  --unsafe-no-fsync \
  --log-level=warn
wait_until etcd bash -c "exec 3<>/dev/tcp/127.0.0.1/$etcd_port"

# The default admission plugins stay on: they are what a real cluster runs.
# ServiceAccount admission only concerns Pods, which nothing creates here.
# --endpoint-reconciler-type=none: the Endpoints of the "kubernetes" Service
# would list the advertise address, and a loopback one is invalid there, which
# the default reconciler logs every 10 seconds; no Pod needs that Service.
# (With it the log has one harmless "Found stale data" error at start.)
launch kube-apiserver "$bin/kube-apiserver" \
  --bind-address=127.0.0.1 \
  --advertise-address=127.0.0.1 \
  --secure-port="$api_port" \
  --etcd-servers="http://127.0.0.1:$etcd_port" \
  --tls-cert-file="$state/serving.crt" \
  --tls-private-key-file="$state/serving.key" \
  --cert-dir="$state/certs" \
  --token-auth-file="$state/tokens.csv" \
  --authorization-mode=RBAC \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$state/sa.pub" \
  --service-account-signing-key-file="$state/sa.key" \
  --service-cluster-ip-range=10.96.0.0/16 \
  --endpoint-reconciler-type=none \
  --profiling=false
wait_until kube-apiserver "$bin/kubectl" --kubeconfig="$state/kubeconfig" get --raw=/readyz

# Without the namespace controller a deleted Namespace stays Terminating
# forever, and without the garbage collector nothing owned by a deleted object
# goes away (nor does a foreground deletion finish). Those are the only
# controllers whose absence a test of applied manifests can see; the others
# would only create ReplicaSets and Pods that never run.
# PLATC_CLUSTER_CONTROLLERS= (empty) runs no controller-manager at all.
controllers="${PLATC_CLUSTER_CONTROLLERS-namespace,garbagecollector}"
if [[ -n "$controllers" ]]; then
  launch kube-controller-manager "$bin/kube-controller-manager" \
    --kubeconfig="$state/kubeconfig" \
    --controllers="$controllers" \
    --leader-elect=false \
    --secure-port=0 \
    --use-service-account-credentials=false
  # It serves nothing to ask whether it is ready; it only must not die at once.
  sleep 1
  kill -0 "$(cat "$state/pids/kube-controller-manager")" 2>/dev/null ||
    fail "kube-controller-manager exited"
fi

trap - ERR
echo "up.sh: ready in $((SECONDS - start))s, state in $state" >&2
echo "export KUBECONFIG=$state/kubeconfig"
echo "$bin/kubectl"
