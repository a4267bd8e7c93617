#!/usr/bin/env bash
# Real-editor end-to-end tier: a real VS Code (code-server) driven by Debian's Chromium.
#   1. scripts/e2e-setup.sh installs chromium, Node 24 and code-server into .e2e/ (idempotent)
#   2. the VSIX is packaged (npm run package, in a staging copy) and its contents/size checked
#   3. in-host integration tests: @vscode/test-electron runTests → the extension's own mocha suite
#      inside code-server's real extension host (real vscode API, language client and server)
#   4. UI scenarios (playwright-core) on the packaged VSIX installed into code-server
# Screenshots and code-server logs land in test-results/e2e/. Set E2E_ONLY=vsix|host|ui to run one part.
set -euo pipefail
cd "$(dirname "$0")/../.."
t0=$(date +%s)
elapsed() { echo "$(( $(date +%s) - t0 )) s"; }
passed=0; failed=0
count() { # add mocha's "N passing" / "N failing" from a log to the totals
  local p f
  p=$(grep -Eo '^ *[0-9]+ passing' "$1" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  f=$(grep -Eo '^ *[0-9]+ failing' "$1" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  passed=$((passed + p)); failed=$((failed + f))
}
E2E_VSIX=
cleanup() { [ -n "$E2E_VSIX" ] && rm -rf "$(dirname "$E2E_VSIX")"; return 0; }
trap cleanup EXIT

setup_out=$(bash scripts/e2e-setup.sh) || { echo "[e2e] setup failed (see above)" >&2; exit 1; }
eval "$(printf '%s\n' "$setup_out" | tail -3)"
export E2E_NODE24_BIN E2E_CODE_SERVER E2E_CHROMIUM
echo "[e2e] setup done after $(elapsed)"
rm -rf test-results/e2e; mkdir -p test-results/e2e
LOG=test-results/e2e/run
status=0
only=${E2E_ONLY:-}

E2E_VSIX=$(bash test/e2e/package-vsix.sh 2>"$LOG-package.log") || { cat "$LOG-package.log"; exit 1; }
export E2E_VSIX
echo "[e2e] packaged $(basename "$E2E_VSIX") ($(du -k "$E2E_VSIX" | cut -f1) KB) after $(elapsed)"

if [ -z "$only" ] || [ "$only" = vsix ]; then
  npx mocha --timeout 180000 test/e2e/vsix.test.ts 2>&1 | tee "$LOG-vsix.log" || status=1
  count "$LOG-vsix.log"
fi
if [ -z "$only" ] || [ "$only" = host ]; then
  E2E_EXT_DIR=$(dirname "$E2E_VSIX") PATH="$E2E_NODE24_BIN:$PATH" node test/e2e/host/run.mjs 2>&1 | tee "$LOG-host.log" || status=1
  count "$LOG-host.log"
  echo "[e2e] in-host tests done after $(elapsed)"
fi
if [ -z "$only" ] || [ "$only" = ui ]; then
  npx mocha --timeout 300000 'test/e2e/ui/**/*.test.ts' 2>&1 | tee "$LOG-ui.log" || status=1
  count "$LOG-ui.log"
fi
echo "[e2e] total $(elapsed); screenshots and logs in test-results/e2e/"
echo "e2e: $passed passed, $failed failed"
[ "$status" = 0 ] && [ "$failed" = 0 ] && [ "$passed" -gt 0 ]
