// Bundled in place of `ssh2` (esbuild alias): docker-modem requires it at load time for
// ssh:// DOCKER_HOSTs, which the runner does not support; the real package would drag
// native add-ons into the bundle. Loading works; using it fails with a clear message.
'use strict';
class Client {
  constructor() {
    throw new Error('ssh:// Docker hosts are not supported by Managed Airflow; use a unix socket or tcp:// DOCKER_HOST');
  }
}
module.exports = { Client };
