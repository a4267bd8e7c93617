#!/usr/bin/env bash
# Deploy: integration tests against storage emulators and platform fakes on 127.0.0.1 —
# s3rver (S3), the Firebase Storage emulator in-process (GCS), an MWAA contract fake (SigV4-checked,
# with UpdateEnvironment), the Composer REST fake and an Astro deploy-API fake. The unit tier already
# ran the fast-check properties (test/unit/deploy-property.test.ts). Every server is stopped by its test.
set -euo pipefail
cd "$(dirname "$0")/../.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# s3rver encrypts list continuation tokens with DES, which OpenSSL 3 only offers via the legacy provider.
export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--openssl-legacy-provider"
# Never let a cloud SDK find real credentials or a metadata server during the tests.
export AWS_EC2_METADATA_DISABLED=true METADATA_SERVER_DETECTION=none
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN GOOGLE_APPLICATION_CREDENTIALS ASTRO_API_TOKEN STORAGE_EMULATOR_HOST AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_ENDPOINT_URL_MWAA || true
npx mocha 'test/integration/deploy*.test.ts'
