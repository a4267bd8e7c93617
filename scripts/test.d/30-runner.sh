#!/usr/bin/env bash
# Local-runner tier: a real Docker engine (Debian docker.io + dockerd, started here if needed)
# and the offline stand-in image, then test/integration/runner*.test.ts. Idempotent; runs as
# root from a clean clone on CI. Objects it creates carry managed-airflow.test=1 and are removed.
# The engine stays up for later tiers (the e2e runner scenario); scripts/docker-down.sh stops the
# dockerd that scripts/docker-up.sh started, and nothing else.
set -euo pipefail
cd "$(dirname "$0")/../.."
if up=$(bash scripts/docker-up.sh); then
  eval "$up"
  bash scripts/build-standin.sh >/dev/null
else
  # The tests print a loud SKIP when no engine answers; CI must never take this branch.
  echo "!!! scripts/docker-up.sh could not start a Docker engine; the runner tests will skip" >&2
fi
# The panel's webview test drives Debian's chromium through playwright-core.
if [ ! -x "${E2E_CHROMIUM:-/usr/bin/chromium}" ] && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 chromium >&2 ||
    { apt-get -q update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >&2; } ||
    echo "!!! could not install chromium; the runner panel webview test will skip" >&2
fi
npx mocha 'test/integration/runner*.test.ts'
