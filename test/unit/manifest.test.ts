import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LINT_SETTING_KEYS, normaliseLintSettings } from '../../core/src/protocol/settings';

const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
const props: Record<string, any> = pkg.contributes.configuration.properties ?? {};

describe('package.json is the single source of settings and commands', () => {
  it('declares every lint setting the code reads, with a description and a scope', () => {
    for (const key of LINT_SETTING_KEYS) {
      const p = props[`managedAirflow.${key}`];
      assert.ok(p, `managedAirflow.${key} missing from contributes.configuration`);
      assert.ok(p.markdownDescription || p.description, `managedAirflow.${key} has no description`);
      assert.ok(p.scope, `managedAirflow.${key} has no scope`);
    }
  });
  it('the manifest defaults equal the normalised defaults', () => {
    const defaults: Record<string, unknown> = {};
    for (const key of LINT_SETTING_KEYS) defaults[`managedAirflow.${key}`] = props[`managedAirflow.${key}`].default;
    const n = normaliseLintSettings(defaults);
    const fromEmpty = normaliseLintSettings({});
    assert.deepEqual(n, fromEmpty, 'normaliseLintSettings({}) must yield the manifest defaults');
  });
  it('every setting is documented and every enum has enumDescriptions', () => {
    for (const [k, p] of Object.entries(props)) {
      assert.ok(p.markdownDescription || p.description, `${k} has no description`);
      if (p.enum) assert.equal(p.enumDescriptions?.length, p.enum.length, `${k} needs enumDescriptions`);
    }
  });
  it('every command has a title and the "Managed Airflow" category', () => {
    for (const c of pkg.contributes.commands) {
      assert.ok(c.title, `${c.command} has no title`);
      assert.equal(c.category, 'Managed Airflow', `${c.command} category`);
    }
  });
  it('every command used in menus is declared', () => {
    const declared = new Set(pkg.contributes.commands.map((c: any) => c.command));
    for (const [menu, entries] of Object.entries<any[]>(pkg.contributes.menus ?? {})) {
      for (const e of entries) if (e.command) assert.ok(declared.has(e.command), `${menu} uses undeclared ${e.command}`);
    }
  });
  it('ships a bin entry for the CLI and scripts build/test/bench/package', () => {
    assert.equal(pkg.bin['managed-airflow'], './dist/cli.js');
    for (const s of ['build', 'watch', 'test', 'bench', 'package']) assert.ok(pkg.scripts[s], `script ${s}`);
  });
});
