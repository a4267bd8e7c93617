#!/usr/bin/env bash
# The one test command (`npm test`): builds, type-checks and runs every tier.
# Tiers that need services (Docker engine, storage emulators, code-server) live in
# scripts/test.d/NN-name.sh; each installs/starts what it needs and cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
step() { printf '\n=== %s\n' "$*"; }
step build;      npm run -s build
step typecheck;  npx tsc -p tsconfig.json
step unit;       npx mocha 'test/unit/**/*.test.ts'
step lsp;        npx mocha 'test/lsp/**/*.test.ts'
for s in scripts/test.d/*.sh; do
  [ -e "$s" ] || continue
  step "$(basename "$s" .sh)"; bash "$s"
done
step "all tiers passed"
