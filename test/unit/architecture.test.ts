import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.tsx?$/.test(e)) out.push(p);
  }
  return out;
}

const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);

describe('architecture: one vscode-free core, thin adapters', () => {
  it('core/ never imports vscode or the LSP libraries', () => {
    const bad = files(path.join(ROOT, 'core/src')).flatMap((f) => importsOf(f).filter((m) => m === 'vscode' || m.startsWith('vscode-languageserver') || m.startsWith('vscode-languageclient')).map((m) => `${path.relative(ROOT, f)} → ${m}`));
    assert.deepEqual(bad, []);
  });
  it('server/ never imports vscode or client code', () => {
    const bad = files(path.join(ROOT, 'server/src')).flatMap((f) => importsOf(f).filter((m) => m === 'vscode' || m.includes('/client/')).map((m) => `${path.relative(ROOT, f)} → ${m}`));
    assert.deepEqual(bad, []);
  });
  it('cli/ never imports vscode, the client or the server', () => {
    const bad = files(path.join(ROOT, 'cli/src')).flatMap((f) => importsOf(f).filter((m) => m === 'vscode' || m.startsWith('vscode-language') || /\/(client|server)\//.test(m)).map((m) => `${path.relative(ROOT, f)} → ${m}`));
    assert.deepEqual(bad, []);
  });
  it('webview code (media/src) imports no node built-ins', () => {
    let list: string[] = [];
    try {
      list = files(path.join(ROOT, 'media/src'));
    } catch {
      return;
    }
    const bad = list.flatMap((f) => importsOf(f).filter((m) => m.startsWith('node:') || ['fs', 'path', 'child_process', 'os'].includes(m)).map((m) => `${path.relative(ROOT, f)} → ${m}`));
    assert.deepEqual(bad, []);
  });
});
