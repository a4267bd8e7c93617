#!/usr/bin/env bash
# Packages the VSIX exactly as `npm run package` does, but in a staging copy of the repository
# (a fresh .tmp/e2e-stage-XXXXXX per call, so concurrent runs never share one) so the production
# build does not replace the dist/ other tests are using. Sources and node_modules are symlinked,
# the shipped files copied. Prints the VSIX path; the caller removes its folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
mkdir -p "$ROOT/.tmp"
STAGE=$(mktemp -d "$ROOT/.tmp/e2e-stage-XXXXXX")
trap 'rm -rf "$STAGE"' ERR
COPY=" package.json .vscodeignore README.md CHANGELOG.md LICENSE media syntaxes languages "
for f in *; do # sources, scripts, node_modules … as symlinks (the build may read any of them)
  case "$f" in dist|test-results) continue ;; esac
  [[ "$COPY" == *" $f "* ]] || ln -s "$ROOT/$f" "$STAGE/$f"
done
for f in $COPY; do
  [ -e "$f" ] && cp -r "$f" "$STAGE/"
done
(cd "$STAGE" && npm run -s package >&2)
echo "$STAGE/managed-airflow.vsix"
