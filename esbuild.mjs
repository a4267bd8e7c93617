// One bundler for everything: extension (client), language server, CLI and webviews.
// `node esbuild.mjs [--watch] [--production]`
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
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

const webviewEntries = existsSync('media/src')
  ? readdirSync('media/src').filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => path.join('media/src', f))
  : [];

const builds = [
  { ...common, entryPoints: { extension: 'client/src/extension.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { server: 'server/src/server.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { cli: 'cli/src/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
];
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
if (watch) {
  const ctxs = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(ctxs.map((c) => c.watch()));
  console.log('[esbuild] watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
