import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as lsp from '../../core/src/protocol/lsp';

describe('docs/protocol.md documents every custom LSP message', () => {
  it('mentions each exported name from core/src/protocol/lsp.ts', () => {
    const doc = readFileSync(path.resolve(__dirname, '../../docs/protocol.md'), 'utf8');
    const names: string[] = Object.values(lsp as Record<string, unknown>).filter((v): v is string => typeof v === "string");
    assert.ok(names.length >= 4);
    for (const n of names) assert.ok(doc.includes(`\`${n}\``), `docs/protocol.md does not document ${n}`);
  });
});
