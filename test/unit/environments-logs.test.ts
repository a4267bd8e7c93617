import '../support/vscode-mock';
import assert from 'node:assert/strict';
import { fetchLog } from '../../client/src/environments/logs';
import type { EnvironmentsModel } from '../../client/src/environments/model';

/** A model whose connection's client serves `chunks` for successive getLog calls. */
function modelWith(getLog: (token: string | null | undefined) => { content: string; continuationToken?: string | null }, state = 'running') {
  const calls: (string | null | undefined)[] = [];
  const client = {
    getLog: async (_d: string, _r: string, _t: string, _n: number, o: { token?: string | null }) => {
      calls.push(o.token);
      return getLog(o.token);
    },
    listTaskInstances: async () => ({ items: [{ taskId: 't', mapIndex: -1, tryNumber: 1, state }] }),
  };
  const model = { connection: async () => ({ client }) } as unknown as EnvironmentsModel;
  return { model, calls };
}
const ref = { env: 'e', dagId: 'd', runId: 'r', taskId: 't', tryNumber: 1, mapIndex: -1 };

describe('task log assembly (fetchLog)', () => {
  it('concatenates the chunks of a handler that honours continuation tokens', async () => {
    const parts: Record<string, { content: string; continuationToken: string | null }> = {
      '': { content: 'line 1\n', continuationToken: 'a' },
      a: { content: 'line 2\n', continuationToken: 'b' },
      b: { content: '', continuationToken: 'b' },
    };
    const { model, calls } = modelWith((tok) => parts[tok ?? '']);
    const r = await fetchLog(model, ref);
    assert.equal(r.text, 'line 1\nline 2\n');
    assert.equal(r.running, true);
    assert.deepEqual(calls, [undefined, 'a', 'b']);
  });

  it('keeps one copy when the handler ignores the token and repeats the whole log', async () => {
    let n = 0;
    const { model } = modelWith(() => ({ content: 'whole log\n', continuationToken: `t${++n}` }));
    const r = await fetchLog(model, ref);
    assert.equal(r.text, 'whole log\n');
  });
});
