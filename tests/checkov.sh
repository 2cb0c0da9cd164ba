#!/usr/bin/env bash
# checkov's Kubernetes checks on every rendered environment of golden/,
# with the skips of .checkov.yaml (each with its reason). Installs the pinned
# checkov into a cached virtualenv; fails on any failed check.
#   tests/checkov.sh            every environment
#   tests/checkov.sh production one environment
set -euo pipefail
cd "$(dirname "$0")/.."
CHECKOV_VERSION=3.3.30
VENV="${PLATC_CHECKOV_VENV:-target/checkov-venv}"
if ! "$VENV/bin/checkov" --version 2>/dev/null | grep -qx "$CHECKOV_VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi
if [ "$#" -gt 0 ]; then envs=("$@"); else envs=(); for d in golden/*/; do envs+=("$(basename "$d")"); done; fi
status=0
for env in "${envs[@]}"; do
  report=$(mktemp)
  # checkov exits 1 on failed checks; the summary below decides. It reaches
  # for Prisma Cloud's guidelines unless told not to (CI has no such network).
  "$VENV/bin/checkov" --skip-download --config-file .checkov.yaml -d "golden/$env/manifests" -o json >"$report" || true
  read -r passed failed < <(python3 - "$report" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
reports = data if isinstance(data, list) else [data]
passed = sum(r.get("summary", {}).get("passed", 0) for r in reports)
failed = sum(r.get("summary", {}).get("failed", 0) for r in reports)
for r in reports:
    for c in r.get("results", {}).get("failed_checks", []):
        print(f"  FAILED {c['check_id']} {c['resource']} ({c['file_path']})", file=sys.stderr)
print(passed, failed)
PY
)
  echo "$env: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] || status=1
  rm -f "$report"
done
exit "$status"
