#!/usr/bin/env bash
# The one test command (`npm test`): builds, type-checks and runs every tier.
# Tiers that need services (Docker engine, storage emulators, code-server) live in
# scripts/test.d/NN-name.sh; each installs/starts what it needs and cleans up after itself.
# Ends with one summary line "tests: N passed, N failed" added up from every mocha run.
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
LOG=$(mktemp -t managed-airflow-test.XXXXXX)
step() { printf '\n=== %s\n' "$*"; }
# Run a step, keeping its output in the log for the summary; stop at the first failing step.
run() { "$@" 2>&1 | tee -a "$LOG"; }
summary() {
  sed 's/\x1b\[[0-9;]*m//g' "$LOG" | awk '
    /^ *[0-9]+ passing/ { p += $1 }
    /^ *[0-9]+ failing/ { f += $1 }
    END { printf "\ntests: %d passed, %d failed\n", p, f }'
}
# A Docker engine that this run starts (scripts/docker-up.sh, runner tier) is stopped at the end;
# one that was already running before is left alone.
DOCKER_PIDFILE=${DOCKER_UP_STATE:-$PWD/.tmp/docker}/dockerd.pid
engine_running_before=$([ -f "$DOCKER_PIDFILE" ] && kill -0 "$(cat "$DOCKER_PIDFILE")" 2>/dev/null && echo 1 || echo 0)
stop_engine() { [ "$engine_running_before" = 0 ] && [ -f "$DOCKER_PIDFILE" ] && bash scripts/docker-down.sh || true; }
trap 'status=$?; stop_engine; summary; rm -f "$LOG"; exit $status' EXIT
step build;      npm run -s build
step typecheck;  npx tsc -p tsconfig.json
step unit;       run npx mocha 'test/unit/**/*.test.ts'
step lsp;        run npx mocha 'test/lsp/**/*.test.ts'
for s in scripts/test.d/*.sh; do
  [ -e "$s" ] || continue
  step "$(basename "$s" .sh)"; run bash "$s"
done
step "all tiers passed"
