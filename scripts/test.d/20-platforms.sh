#!/usr/bin/env bash
# Remote environments: protocol tests of the MWAA / Composer / Astro / Airflow REST clients against
# local fakes on 127.0.0.1 (Airflow answers validated against ../shared/specs/airflow-rest), plus the
# 500-DAG / 5,000-run scale test. Needs nothing but node_modules; every server is stopped by its test.
set -euo pipefail
cd "$(dirname "$0")/../.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# Never let a cloud SDK find real credentials or a metadata server during the tests.
export AWS_EC2_METADATA_DISABLED=true METADATA_SERVER_DETECTION=none
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN GOOGLE_APPLICATION_CREDENTIALS AIRFLOW_USERNAME AIRFLOW_PASSWORD AIRFLOW_TOKEN ASTRO_API_TOKEN || true
npx mocha 'test/integration/platforms*.test.ts'
