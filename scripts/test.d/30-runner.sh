#!/usr/bin/env bash
# Local-runner tier: a real Docker engine (Debian docker.io + dockerd, started here if needed)
# and the offline stand-in image, then test/integration/runner*.test.ts. Idempotent; runs as
# root from a clean clone on CI. Objects it creates carry managed-airflow.test=1 and are removed.
set -euo pipefail
cd "$(dirname "$0")/../.."
if up=$(bash scripts/docker-up.sh); then
  eval "$up"
  bash scripts/build-standin.sh >/dev/null
else
  # The tests print a loud SKIP when no engine answers; CI must never take this branch.
  echo "!!! scripts/docker-up.sh could not start a Docker engine; the runner tests will skip" >&2
fi
npx mocha 'test/integration/runner*.test.ts'
