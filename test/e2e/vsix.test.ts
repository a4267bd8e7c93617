// The packaged VSIX: what ships, and its size. E2E_VSIX names the file (scripts/test.d/90-e2e.sh
// passes the one it built with test/e2e/package-vsix.sh); without it the test packages one.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';

const ROOT = path.resolve(__dirname, '../..');
const MAX_BYTES = 5 * 1024 * 1024;

interface Entry { name: string; method: number; compressed: number; size: number; offset: number }

/** Reads a zip's central directory (enough for a VSIX: no zip64, no multi-disk). */
function zipEntries(buf: Buffer): Entry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  assert.ok(eocd >= 0, 'not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: Entry[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'bad central directory');
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32);
    out.push({
      method: buf.readUInt16LE(p + 10), compressed: buf.readUInt32LE(p + 20), size: buf.readUInt32LE(p + 24),
      offset: buf.readUInt32LE(p + 42), name: buf.toString('utf8', p + 46, p + 46 + nameLen),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

function readEntry(buf: Buffer, e: Entry): Buffer {
  const start = e.offset + 30 + buf.readUInt16LE(e.offset + 26) + buf.readUInt16LE(e.offset + 28);
  const data = buf.subarray(start, start + e.compressed);
  return e.method === 0 ? data : inflateRawSync(data);
}

describe('packaged VSIX', function () {
  this.timeout(180000);
  let vsix: string;
  let buf: Buffer;
  let names: string[];

  before(() => {
    vsix = process.env.E2E_VSIX ?? execFileSync('bash', [path.join(ROOT, 'test/e2e/package-vsix.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop()!;
    if (!process.env.E2E_VSIX) process.on('exit', () => rmSync(path.dirname(vsix), { recursive: true, force: true }));
    buf = readFileSync(vsix);
    names = zipEntries(buf).map((e) => e.name);
  });

  it(`is smaller than 5 MB`, () => {
    const size = statSync(vsix).size;
    console.log(`      VSIX ${path.basename(vsix)}: ${(size / 1024 / 1024).toFixed(2)} MB, ${names.length} entries`);
    assert.ok(size < MAX_BYTES, `VSIX is ${size} bytes`);
  });

  it('ships only the allowlisted folders and files', () => {
    const allowed = /^(\[Content_Types\]\.xml|extension\.vsixmanifest|extension\/(package\.json|readme\.md|changelog\.md|LICENSE\.txt|(dist|media|syntaxes|languages)\/.+))$/;
    const stray = names.filter((n) => !allowed.test(n));
    assert.deepEqual(stray, [], `unexpected files in the VSIX: ${stray.join(', ')}`);
    for (const n of names) assert.doesNotMatch(n, /node_modules\/|\.map$|\.ts$(?<!\.d\.ts$)|(^|\/)test\//, `${n} must not ship`);
  });

  it('contains the bundles, wasm, grammars, icon and walkthrough media', () => {
    for (const need of [
      'extension/dist/extension.js', 'extension/dist/server.js',
      'extension/dist/wasm/web-tree-sitter.wasm', 'extension/dist/wasm/tree-sitter-python.wasm',
      'extension/syntaxes/jinja-airflow.injection.tmLanguage.json', 'extension/syntaxes/airflowignore.tmLanguage.json',
      'extension/languages/airflowignore.language-configuration.json', 'extension/media/icon.png',
      'extension/media/walkthrough/target.md', 'extension/LICENSE.txt', 'extension/changelog.md',
    ]) assert.ok(names.includes(need), `${need} missing; have:\n${names.join('\n')}`);
  });

  it('every file the manifest references is inside', () => {
    const entries = zipEntries(buf);
    const pkg = JSON.parse(readEntry(buf, entries.find((e) => e.name === 'extension/package.json')!).toString('utf8'));
    const refs: string[] = [pkg.main, pkg.icon];
    for (const g of pkg.contributes.grammars ?? []) refs.push(g.path);
    for (const l of pkg.contributes.languages ?? []) if (l.configuration) refs.push(l.configuration);
    for (const w of pkg.contributes.walkthroughs ?? []) for (const s of w.steps) if (s.media?.markdown) refs.push(s.media.markdown);
    for (const c of Object.values<{ icon?: string }[]>(pkg.contributes.viewsContainers ?? {}).flat()) if (c.icon && /\.\w+$/.test(c.icon)) refs.push(c.icon);
    for (const r of refs) {
      const n = 'extension/' + path.posix.normalize(r).replace(/^\.\//, '');
      assert.ok(names.includes(n), `${r} (referenced by package.json) is not in the VSIX`);
    }
    assert.ok(pkg.icon, 'package.json names an icon');
    const png = readEntry(buf, entries.find((e) => e.name === `extension/${pkg.icon}`)!);
    assert.equal(png.readUInt32BE(16), 128, 'icon width');
    assert.equal(png.readUInt32BE(20), 128, 'icon height');
  });
});
