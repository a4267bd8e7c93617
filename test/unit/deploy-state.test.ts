import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { executeDeploy, prepareDeploy } from '../../core/src/deploy/deploy';
import { md5Hex } from '../../core/src/deploy/hash';
import type { DeployServices, DestinationResolver } from '../../core/src/deploy/resolve';
import { deployCacheDir, deployStateFile, readDeployState, writeDeployState } from '../../core/src/deploy/state';
import type { StorageAdapter } from '../../core/src/deploy/storage';
import type { ObjectLocation, RemoteObject } from '../../core/src/deploy/types';
import type { EnvironmentConfig } from '../../core/src/protocol/environments';

/** In-memory buckets by name, recording lists, writes and deletes per bucket. */
class Buckets {
  readonly objects = new Map<string, Map<string, Buffer>>();
  readonly lists: string[] = [];
  readonly writes: string[] = [];
  failList = new Set<string>();
  bucket(name: string): Map<string, Buffer> {
    let b = this.objects.get(name);
    if (!b) this.objects.set(name, (b = new Map()));
    return b;
  }
  adapter(name: string): StorageAdapter {
    const b = () => this.bucket(name);
    return {
      label: `s3://${name}`,
      list: async (prefix: string): Promise<RemoteObject[]> => {
        this.lists.push(`${name}/${prefix}`);
        if (this.failList.has(name)) throw Object.assign(new Error('AccessDenied'), { name: 'AccessDenied' });
        return [...b()].filter(([k]) => k.startsWith(prefix)).map(([key, v]) => ({ key, size: v.length, md5: md5Hex(v), md5Source: 'etag' as const }));
      },
      head: async (key: string) => {
        const v = b().get(key);
        return v && { key, size: v.length, md5: md5Hex(v), md5Source: 'metadata' as const };
      },
      put: async (key: string, body: Buffer) => {
        this.writes.push(`${name}/${key}`);
        b().set(key, Buffer.from(body));
        return {};
      },
      delete: async (keys: string[]) => {
        for (const k of keys) {
          this.writes.push(`delete ${name}/${k}`);
          b().delete(k);
        }
      },
    };
  }
}

const env: EnvironmentConfig = { name: 'prod', platform: 'mwaa', environment: 'prod-airflow', region: 'us-east-1' };
/** MWAA-like resolver: the platform says the DAG folder is `real`; `log` records when it answered. */
function resolverFor(real: ObjectLocation, log: string[], airflowVersion = '2.10.3'): DestinationResolver {
  return {
    async resolve() {
      await new Promise((r) => setTimeout(r, 5));
      log.push('resolved');
      return {
        destination: {
          environment: 'prod', platform: 'mwaa', airflowVersion, target: `mwaa:${airflowVersion}`, resolvedFrom: 'test', kind: 'storage', dags: real, folders: [], objects: [],
          mwaa: { name: 'prod-airflow', region: 'us-east-1' },
        },
      };
    },
  };
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ma-state-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, 'dags', rel)), { recursive: true });
    writeFileSync(path.join(dir, 'dags', rel), text);
  }
  mkdirSync(path.join(dir, 'dags'), { recursive: true });
  return dir;
}

const planOf = (p: Awaited<ReturnType<typeof prepareDeploy>>) => ({ uploads: p.plan.uploads.map((u) => [u.key, u.reason]), unchanged: p.plan.unchanged, deletes: p.plan.deletes, extraneous: p.plan.extraneous, dags: p.plan.destination.dags });

describe('deploy state: the previous DAG folder as a listing hint', () => {
  const real: ObjectLocation = { scheme: 's3', bucket: 'real-bucket', prefix: 'dags/' };
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hint = resolved folder: listed once, before the platform answered, and the plan is the same', async () => {
    dir = project({ 'a.py': 'a', 'b.py': 'b2' });
    const b = new Buckets();
    b.bucket('real-bucket').set('dags/b.py', Buffer.from('b'));
    const log: string[] = [];
    const services = { storage: (l: ObjectLocation) => {
      log.push(`storage ${l.bucket}`);
      return b.adapter(l.bucket);
    } } as unknown as DeployServices;
    const p = await prepareDeploy({ env, dir, services, resolver: resolverFor(real, log), hint: { dags: real } });
    assert.deepEqual(b.lists, ['real-bucket/dags/'], 'one listing, the early one');
    assert.equal(log[0], 'storage real-bucket', 'the listing started before the platform answered');
    assert.deepEqual(p.plan.uploads.map((u) => u.key).sort(), ['dags/a.py', 'dags/b.py']);
  });

  it('hint ≠ resolved folder (the environment moved): the old folder is only read, the plan is of the resolved one', async () => {
    dir = project({ 'a.py': 'a', 'b.py': 'b' });
    const b = new Buckets();
    b.bucket('old-bucket').set('dags/a.py', Buffer.from('a'));
    b.bucket('old-bucket').set('dags/b.py', Buffer.from('b'));
    b.bucket('real-bucket').set('dags/b.py', Buffer.from('b'));
    b.bucket('real-bucket').set('dags/gone.py', Buffer.from('x'));
    const services = { storage: (l: ObjectLocation) => b.adapter(l.bucket) } as unknown as DeployServices;
    const p = await prepareDeploy({ env, dir, services, resolver: resolverFor(real, []), hint: { dags: { scheme: 's3', bucket: 'old-bucket', prefix: 'dags/' } }, delete: true });
    assert.deepEqual(p.plan.destination.dags, real);
    assert.deepEqual(p.plan.uploads.map((u) => u.key), ['dags/a.py']);
    assert.deepEqual(p.plan.deletes, ['dags/gone.py']);
    await executeDeploy(p);
    assert.deepEqual(b.writes.sort(), ['delete real-bucket/dags/gone.py', 'real-bucket/dags/a.py']);
    assert.ok(b.lists.includes('old-bucket/dags/') && b.lists.includes('real-bucket/dags/'));
  });

  it('a hint with another prefix of the same bucket is not used', async () => {
    dir = project({ 'a.py': 'a' });
    const b = new Buckets();
    b.bucket('real-bucket').set('old/a.py', Buffer.from('a'));
    const services = { storage: (l: ObjectLocation) => b.adapter(l.bucket) } as unknown as DeployServices;
    const p = await prepareDeploy({ env, dir, services, resolver: resolverFor(real, []), hint: { dags: { ...real, prefix: 'old/' } } });
    assert.deepEqual(p.plan.uploads.map((u) => u.key), ['dags/a.py']);
  });

  it('a failed early listing is dropped: the resolved folder is listed again, and its error is the one reported', async () => {
    dir = project({ 'a.py': 'a' });
    const b = new Buckets();
    b.failList.add('real-bucket');
    const services = { storage: (l: ObjectLocation) => b.adapter(l.bucket) } as unknown as DeployServices;
    await assert.rejects(prepareDeploy({ env, dir, services, resolver: resolverFor(real, []), hint: { dags: real } }));
    assert.deepEqual(b.lists, ['real-bucket/dags/', 'real-bucket/dags/']);
    b.failList.clear();
    const p = await prepareDeploy({ env, dir, services, resolver: resolverFor(real, []), hint: { dags: real } });
    assert.deepEqual(p.plan.uploads.map((u) => u.key), ['dags/a.py']);
  });

  it('property: whatever the hint and both buckets hold, the plan equals the plan without a hint', async function () {
    this.timeout(60_000);
    const content = fc.constantFrom('a', 'b', 'c');
    const name = fc.constantFrom('x.py', 'y.py', 'z.py', 'sub/w.py');
    const tree = fc.dictionary(name, content, { maxKeys: 4 });
    const loc = fc.record({ scheme: fc.constant('s3' as const), bucket: fc.constantFrom('real-bucket', 'old-bucket'), prefix: fc.constantFrom('dags/', 'old/', '') });
    await fc.assert(
      fc.asyncProperty(tree, tree, tree, loc, fc.boolean(), async (local, inReal, inOld, hint, del) => {
        dir = project(local);
        try {
          const run = async (h: ObjectLocation | undefined) => {
            const b = new Buckets();
            for (const [k, v] of Object.entries(inReal)) b.bucket('real-bucket').set(`dags/${k}`, Buffer.from(v));
            for (const [k, v] of Object.entries(inOld)) b.bucket('old-bucket').set(`old/${k}`, Buffer.from(v));
            const services = { storage: (l: ObjectLocation) => b.adapter(l.bucket) } as unknown as DeployServices;
            return planOf(await prepareDeploy({ env, dir, services, resolver: resolverFor(real, []), hint: h && { dags: h }, delete: del }));
          };
          assert.deepEqual(await run(hint), await run(undefined));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 60 },
    );
    dir = mkdtempSync(path.join(tmpdir(), 'ma-state-'));
  });
});

describe('deploy: the DAG folder is walked while the platform answers', () => {
  const real: ObjectLocation = { scheme: 's3', bucket: 'real-bucket', prefix: 'dags/' };
  const services = () => {
    const b = new Buckets();
    return { storage: (l: ObjectLocation) => b.adapter(l.bucket) } as unknown as DeployServices;
  };
  const keys = (p: Awaited<ReturnType<typeof prepareDeploy>>) => ({ uploads: p.plan.uploads.map((u) => u.key).sort(), ignored: [...p.plan.ignored].sort(), warnings: p.plan.warnings });

  it('walked with the syntax of the previous version, walked again when the resolved version reads .airflowignore otherwise', async () => {
    // regexp (Airflow 2) ignores scratch_1.py; glob (Airflow 3) reads the line as a file name
    const dir = project({ 'a.py': '', 'scratch_1.py': '', '.airflowignore': 'scratch_\\d\n' });
    try {
      const v3 = await prepareDeploy({ env, dir, services: services(), resolver: resolverFor(real, [], '3.0.6'), hint: { dags: real, airflowVersion: '2.10.3' } });
      assert.deepEqual(keys(v3).uploads, ['dags/.airflowignore', 'dags/a.py', 'dags/scratch_1.py']);
      const v2 = await prepareDeploy({ env, dir, services: services(), resolver: resolverFor(real, [], '2.10.3'), hint: { dags: real, airflowVersion: '3.0.6' } });
      assert.deepEqual(keys(v2).uploads, ['dags/.airflowignore', 'dags/a.py']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('property: whatever version the hint remembers, the plan is the one of the resolved version', async function () {
    this.timeout(60_000);
    const line = fc.constantFrom('scratch_\\d', '*.tmp.py', 'sub/', 'sub', 'b.py', '!keep.tmp.py', '# comment', 'airflowignore', '[');
    const files = fc.subarray(['a.py', 'b.py', 'scratch_1.py', 'x.tmp.py', 'keep.tmp.py', 'sub/c.py', 'sub/scratch_2.py', 'sub/.airflowignore'], { minLength: 1 });
    const version = fc.constantFrom('2.10.3', '3.0.6', undefined);
    await fc.assert(
      fc.asyncProperty(files, fc.option(fc.array(line, { maxLength: 3 })), fc.constantFrom('2.10.3', '3.0.6'), version, async (names, ignoreLines, resolved, remembered) => {
        const tree: Record<string, string> = Object.fromEntries(names.map((n) => [n, n.endsWith('.airflowignore') ? 'c.py\n' : '']));
        if (ignoreLines) tree['.airflowignore'] = `${ignoreLines.join('\n')}\n`;
        const dir = project(tree);
        try {
          const run = async (v: string | undefined) => keys(await prepareDeploy({ env, dir, services: services(), resolver: resolverFor(real, [], resolved), hint: { dags: real, airflowVersion: v } }));
          assert.deepEqual(await run(remembered), await run(resolved));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 80 },
    );
  });
});

describe('deploy state file', () => {
  let cache: string;
  beforeEach(() => (cache = mkdtempSync(path.join(tmpdir(), 'ma-cache-'))));
  afterEach(() => rmSync(cache, { recursive: true, force: true }));

  it('round-trips per project folder and environment; anything else reads as no state', () => {
    const f = deployStateFile(cache, '/work/p', 'prod');
    assert.notEqual(f, deployStateFile(cache, '/work/p', 'dev'));
    assert.notEqual(f, deployStateFile(cache, '/work/q', 'prod'));
    assert.equal(readDeployState(f, 'prod'), undefined);
    writeDeployState(f, { version: 1, environment: 'prod', dags: { scheme: 's3', bucket: 'b', prefix: 'dags/' } });
    assert.deepEqual(readDeployState(f, 'prod'), { version: 1, environment: 'prod', dags: { scheme: 's3', bucket: 'b', prefix: 'dags/' } });
    assert.equal(readDeployState(f, 'dev'), undefined, 'written for another environment');
    for (const bad of ['{', '{"version":2,"environment":"prod","dags":{"scheme":"s3","bucket":"b","prefix":""}}', '{"version":1,"environment":"prod","dags":{"scheme":"ftp","bucket":"b","prefix":""}}', '{"version":1,"environment":"prod","dags":{"scheme":"s3","bucket":"","prefix":""}}', 'null']) {
      writeFileSync(f, bad);
      assert.equal(readDeployState(f, 'prod'), undefined, bad);
    }
  });

  it('cache folder: MANAGED_AIRFLOW_CACHE_DIR (off/empty = none), else XDG_CACHE_HOME, else ~/.cache', () => {
    assert.equal(deployCacheDir({ MANAGED_AIRFLOW_CACHE_DIR: 'off', HOME: '/h' }), undefined);
    assert.equal(deployCacheDir({ MANAGED_AIRFLOW_CACHE_DIR: '', HOME: '/h' }), undefined);
    assert.equal(deployCacheDir({ MANAGED_AIRFLOW_CACHE_DIR: '/c', HOME: '/h' }), path.resolve('/c'));
    assert.equal(deployCacheDir({ XDG_CACHE_HOME: '/x', HOME: '/h' }), path.join('/x', 'managed-airflow'));
    assert.equal(deployCacheDir({ HOME: '/h' }), path.join('/h', '.cache', 'managed-airflow'));
  });

  it('an unwritable cache folder only loses the hint', () => {
    const file = path.join(cache, 'a-file');
    writeFileSync(file, '');
    assert.doesNotThrow(() => writeDeployState(path.join(file, 'deploy', 'x.json'), { version: 1, environment: 'prod', dags: { scheme: 's3', bucket: 'b', prefix: '' } }));
  });
});
