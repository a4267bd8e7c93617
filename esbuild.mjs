// One bundler for everything: extension (client), language server, CLI and webviews.
// `node esbuild.mjs [--watch] [--production]`
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** tree-sitter runtime + Python grammar ship inside the bundle (dist/wasm). */
function copyWasm() {
  mkdirSync('dist/wasm', { recursive: true });
  cpSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), 'dist/wasm/web-tree-sitter.wasm');
  cpSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm'), 'dist/wasm/tree-sitter-python.wasm');
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // Optional native add-ons of transitive deps; never needed at runtime here.
  external: ['vscode', 'cpu-features', 'bufferutil', 'utf-8-validate', 'aws-crt', '@aws-sdk/signature-v4-crt'],
  loader: { '.wasm': 'file' },
  // jsonc-parser's `main` is a UMD build that require()s its own files at run time, which a bundle
  // does not ship ("Cannot find module './impl/format'"); its ESM build bundles cleanly.
  // web-tree-sitter's ESM build reads import.meta.url, which is undefined in a CommonJS bundle: use its CJS build.
  alias: {
    'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js',
    'web-tree-sitter': './node_modules/web-tree-sitter/web-tree-sitter.cjs',
    // dockerode → docker-modem requires ssh2 at load time (ssh:// hosts only); a stub keeps the
    // bundle self-contained instead of needing node_modules/ssh2 and its native add-ons.
    ssh2: './scripts/ssh2-stub.cjs',
  },
};

/**
 * CLI only: the knowledge base's JSON (~2 MB) as `JSON.parse('…')`, which V8 reads faster than the
 * same data as an object literal (importing the lint engine: ~95 → ~70 ms).
 */
const knowledgeJsonAsParse = {
  name: 'knowledge-json-as-parse',
  setup(b) {
    b.onLoad({ filter: /[\\/]core[\\/]src[\\/]knowledge[\\/]data[\\/][^\\/]+\.json$/ }, async (a) => ({
      contents: `export default JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(await readFile(a.path, 'utf8'))))});`,
      loader: 'js',
    }));
  },
};

/**
 * CLI only: every AWS SDK client imports @aws-sdk/credential-provider-node (the default credential
 * chain with its STS/SSO clients, ~1 MB) for clients given no credentials. Ours always get some
 * (environment keys, or the chain loaded on first use: core/src/platforms/aws-credentials.ts), so each
 * importer gets a stand-in whose defaultProvider loads the real module (the copy that importer
 * resolves to) on its first call, as a chunk of its own.
 */
const lazyCredentialProviderNode = {
  name: 'lazy-credential-provider-node',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, async (a) => {
      if (a.pluginData?.real) return undefined;
      const real = await b.resolve(a.path, { resolveDir: a.resolveDir, kind: a.kind, importer: a.importer, pluginData: { real: true } });
      if (real.errors.length) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy-credential-provider-node' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-credential-provider-node' }, (a) => ({
      // import() of a CommonJS module yields its exports as `default` in an ES-module bundle
      contents: `export const defaultProvider = (init) => {
  let provider;
  return async (options) => {
    provider ??= import(${JSON.stringify(a.path)}).then((m) => (m.defaultProvider ?? m.default.defaultProvider)(init));
    return (await provider)(options);
  };
};`,
      resolveDir: path.dirname(a.path),
      loader: 'js',
    }));
  },
};

/**
 * CLI only: AWS SDK packages from their ES-module builds ("module"), which esbuild can tree-shake,
 * instead of the CommonJS builds ("main") it picks for platform node: only the few commands deploy
 * sends stay in the bundle (the S3 client's code: ~2.7 → ~1 MB; loading it: ~85 → ~45 ms).
 * Packages with an "exports" map are resolved by their conditions as before.
 */
const awsSdkModules = {
  name: 'aws-sdk-modules',
  setup(b) {
    b.onResolve({ filter: /^@(aws-sdk|smithy|aws-crypto)\/[^/]+$/ }, async (a) => {
      if (a.pluginData?.awsSdkModules) return undefined;
      const r = await b.resolve(a.path, { resolveDir: a.resolveDir, kind: a.kind, importer: a.importer, pluginData: { ...a.pluginData, awsSdkModules: true } });
      if (r.errors.length || r.external || r.namespace !== 'file') return r;
      const dir = /^(.*[\\/]node_modules[\\/]@[^\\/]+[\\/][^\\/]+)[\\/]/.exec(r.path)?.[1];
      if (!dir) return r;
      const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
      return !pkg.exports && typeof pkg.module === 'string' ? { path: path.join(dir, pkg.module), sideEffects: pkg.sideEffects !== false } : r;
    });
  },
};

const webviewEntries = existsSync('media/src')
  ? readdirSync('media/src').filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => path.join('media/src', f))
  : [];

const builds = [
  { ...common, entryPoints: { extension: 'client/src/extension.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { server: 'server/src/server.ts' }, outdir: 'dist' },
  // The CLI is an ES-module bundle with code splitting (dist/cli/bin.mjs + chunks), started by the
  // CommonJS launcher dist/cli.js: each command, and the heavy parts of a command that a given run may
  // not need (cloud SDKs, credential providers, the lint engine and knowledge base), are chunks that
  // load on `import()`. One CommonJS bundle made every run compile all 14 MB of it first.
  // Bundled CommonJS code still finds require/__filename/__dirname (the banner).
  {
    ...common,
    format: 'esm',
    splitting: true,
    // lint-thread-worker: the deploy gate's lint engine on a worker thread (core/src/deploy/lint-thread.ts)
    entryPoints: { bin: 'cli/src/bin.ts', 'lint-thread-worker': 'core/src/deploy/lint-thread-worker.ts' },
    outdir: 'dist/cli',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    plugins: [knowledgeJsonAsParse, lazyCredentialProviderNode, awsSdkModules],
    banner: {
      js: "import { createRequire as __maCreateRequire } from 'node:module'; import { fileURLToPath as __maFileURLToPath } from 'node:url'; import { dirname as __maDirname } from 'node:path'; const require = __maCreateRequire(import.meta.url); const __filename = __maFileURLToPath(import.meta.url); const __dirname = __maDirname(__filename);",
    },
  },
];

/** dist/cli.js, the `managed-airflow` bin: a CommonJS file (the package is not "type": "module") that starts the ES-module CLI. */
function writeCliLauncher() {
  mkdirSync('dist', { recursive: true });
  writeFileSync(
    'dist/cli.js',
    "#!/usr/bin/env node\n'use strict';\n// Generated by esbuild.mjs: the CLI itself is dist/cli/bin.mjs and its chunks.\nimport('./cli/bin.mjs').catch((e) => {\n  process.stderr.write(`error: ${e && e.stack ? e.stack : e}\\n`);\n  process.exitCode = 2;\n});\n",
    { mode: 0o755 },
  );
}
// Worker thread of the parallel lint pool (core/src/analysis/lintPool.ts), found next to the CLI.
builds.push({ ...common, entryPoints: { 'lint-worker': 'core/src/analysis/lintWorker.ts' }, outdir: 'dist' });
if (webviewEntries.length) {
  builds.push({ bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: production ? false : 'linked', minify: production, entryPoints: webviewEntries, outdir: 'dist/webview', logLevel: 'warning' });
}

/** Codicons for webviews (the runner panel's <vscode-icon>): dist/codicons/codicon.{css,ttf}. */
function copyCodicons() {
  mkdirSync('dist/codicons', { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) cpSync(require.resolve(`@vscode/codicons/dist/${f}`), `dist/codicons/${f}`);
}

copyWasm();
copyCodicons();
// chunk names carry content hashes: drop the previous build's chunks (and the former one-file CLI's map)
rmSync('dist/cli', { recursive: true, force: true });
rmSync('dist/cli.js.map', { force: true });
writeCliLauncher();
if (watch) {
  const ctxs = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(ctxs.map((c) => c.watch()));
  console.log('[esbuild] watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
