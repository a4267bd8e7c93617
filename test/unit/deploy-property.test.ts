import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { executeDeploy, planIsEmpty, prepareDeploy } from '../../core/src/deploy/deploy';
import { md5Hex } from '../../core/src/deploy/hash';
import type { DeployServices, DestinationResolver } from '../../core/src/deploy/resolve';
import type { StorageAdapter } from '../../core/src/deploy/storage';
import type { RemoteObject } from '../../core/src/deploy/types';
import type { EnvironmentConfig } from '../../core/src/protocol/environments';

/** An in-memory bucket that records every write and delete. */
class MemoryBucket implements StorageAdapter {
  readonly label = 's3://mem';
  readonly objects = new Map<string, Buffer>();
  readonly written: string[] = [];
  readonly deleted: string[] = [];
  async list(prefix: string): Promise<RemoteObject[]> {
    return [...this.objects].filter(([k]) => k.startsWith(prefix)).map(([key, b]) => ({ key, size: b.length, md5: md5Hex(b), md5Source: 'etag' as const }));
  }
  async head(key: string): Promise<RemoteObject | undefined> {
    const b = this.objects.get(key);
    return b && { key, size: b.length, md5: md5Hex(b), md5Source: 'metadata' as const };
  }
  async put(key: string, body: Buffer) {
    this.written.push(key);
    this.objects.set(key, Buffer.from(body));
    return {};
  }
  async delete(keys: string[]) {
    for (const k of keys) {
      this.deleted.push(k);
      this.objects.delete(k);
    }
  }
}

const PREFIX = 'team/dags/';
const env: EnvironmentConfig = { name: 'mem', platform: 'airflow', url: 'http://127.0.0.1:1', destination: `s3://mem/${PREFIX}`, target: 'airflow:2.10.3' };
const resolver: DestinationResolver = {
  async resolve() {
    return {
      destination: { environment: 'mem', platform: 'airflow', airflowVersion: '2.10.3', resolvedFrom: 'test', kind: 'storage', dags: { scheme: 's3', bucket: 'mem', prefix: PREFIX }, folders: [], objects: [] },
    };
  },
};

const seg = fc.constantFrom('a', 'b', 'dags', 'sub', 'x_1', '__pycache__', 'tests', '.git');
const leaf = fc.constantFrom('a.py', 'b.py', 'c.sql', 'd.pyc', 'e.py', 'notes.txt');
const relPath = fc.tuple(fc.array(seg, { maxLength: 2 }), leaf).map(([dirs, f]) => [...dirs, f].join('/'));
const content = fc.string({ maxLength: 40 });
const localTree = fc.dictionary(relPath, content, { maxKeys: 12 });
// remote keys inside the prefix, beside it (sharing the string prefix), elsewhere, and folder markers
const remoteKey = fc.oneof(
  relPath.map((p) => PREFIX + p),
  relPath.map((p) => `team/dags-old/${p}`),
  relPath.map((p) => `other/${p}`),
  fc.constant(PREFIX),
  fc.constant('team/dags'),
);
const remoteState = fc.dictionary(remoteKey, content, { maxKeys: 12 });

function writeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ma-prop-'));
  mkdirSync(dir, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    try {
      writeFileSync(abs, text);
    } catch {
      /* a generated path that is also a folder: skip */
    }
  }
  return dir;
}

async function scenario(local: Record<string, string>, remote: Record<string, string>, withDelete: boolean) {
  const dir = writeTree(local);
  const bucket = new MemoryBucket();
  for (const [k, v] of Object.entries(remote)) bucket.objects.set(k, Buffer.from(v));
  const before = new Map(bucket.objects);
  const services = { storage: () => bucket } as unknown as DeployServices;
  try {
    const first = await prepareDeploy({ env, dir, services, resolver, delete: withDelete });
    await executeDeploy(first, { concurrency: 4 });
    const second = await prepareDeploy({ env, dir, services, resolver, delete: withDelete });
    return { bucket, before, first, second };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('deploy properties (fast-check, in-memory bucket)', function () {
  this.timeout(120_000);

  it('after a deploy the next plan is empty', async () => {
    await fc.assert(
      fc.asyncProperty(localTree, remoteState, fc.boolean(), async (local, remote, del) => {
        const { second } = await scenario(local, remote, del);
        assert.equal(second.plan.uploads.length, 0);
        if (del) assert.ok(planIsEmpty(second.plan), JSON.stringify(second.plan.deletes));
      }),
      { numRuns: 60 },
    );
  });

  it('nothing is deleted without --delete', async () => {
    await fc.assert(
      fc.asyncProperty(localTree, remoteState, async (local, remote) => {
        const { bucket, before, first } = await scenario(local, remote, false);
        assert.deepEqual(first.plan.deletes, []);
        assert.deepEqual(bucket.deleted, []);
        for (const k of before.keys()) assert.ok(bucket.objects.has(k), `lost ${k}`);
      }),
      { numRuns: 60 },
    );
  });

  it('no key outside the prefix is ever written or deleted', async () => {
    await fc.assert(
      fc.asyncProperty(localTree, remoteState, fc.boolean(), async (local, remote, del) => {
        const { bucket, before } = await scenario(local, remote, del);
        for (const k of [...bucket.written, ...bucket.deleted]) assert.ok(k.startsWith(PREFIX) && k.length > PREFIX.length, k);
        for (const [k, v] of before) if (!k.startsWith(PREFIX) || k === PREFIX) assert.deepEqual(bucket.objects.get(k), v, k);
      }),
      { numRuns: 60 },
    );
  });

  it('ignored and never-deployed files stay local', async () => {
    await fc.assert(
      fc.asyncProperty(localTree, async (local) => {
        const { bucket } = await scenario(local, {}, true);
        for (const k of bucket.objects.keys()) assert.ok(!/(^|\/)(__pycache__|tests|\.git)\/|\.pyc$/.test(k), k);
      }),
      { numRuns: 40 },
    );
  });
});

describe('deploy executor: verification and ordering', () => {
  it('an upload whose stored bytes differ is retried, then fails without deleting anything', async () => {
    const dir = writeTree({ 'a.py': 'A = 1\n' });
    const bucket = new (class extends MemoryBucket {
      override async put(key: string, body: Buffer) {
        const bad = Buffer.from(body);
        bad[0] ^= 1;
        return super.put(key, bad);
      }
    })();
    bucket.objects.set(`${PREFIX}old.py`, Buffer.from('old'));
    const services = { storage: () => bucket } as unknown as DeployServices;
    try {
      const p = await prepareDeploy({ env, dir, services, resolver, delete: true });
      assert.deepEqual(p.plan.deletes, [`${PREFIX}old.py`]);
      await assert.rejects(executeDeploy(p, { retry: { maxAttempts: 3, baseDelayMs: 1 } }), /verification of team\/dags\/a\.py failed.*no file was deleted/s);
      assert.equal(bucket.written.length, 3, 'three attempts');
      assert.deepEqual(bucket.deleted, []);
      assert.ok(bucket.objects.has(`${PREFIX}old.py`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
