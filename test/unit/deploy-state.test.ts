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

describe('deploy: the hash cache (local MD5s of the previous deploy)', () => {
  const real: ObjectLocation = { scheme: 's3', bucket: 'real-bucket', prefix: 'dags/' };
  const later = () => Date.now() + 60_000;
  const plan = async (dir: string, b: Buckets, hashCache?: Awaited<ReturnType<typeof prepareDeploy>>['hashCache'], now?: () => number) => {
    const services = { storage: (l: ObjectLocation) => b.adapter(l.bucket) } as unknown as DeployServices;
    return prepareDeploy({ env, dir, services, resolver: resolverFor(real, []), hashCache, now, delete: true });
  };
  const fill = (b: Buckets, files: Record<string, string>) => {
    for (const [k, v] of Object.entries(files)) b.bucket('real-bucket').set(`dags/${k}`, Buffer.from(v));
  };
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('files changed within 2 s of the walk are not cached (a later write in the same timestamp tick could keep the stat)', async () => {
    dir = project({ 'a.py': 'a' });
    const p = await plan(dir, new Buckets());
    assert.deepEqual(p.hashCache, {});
    const old = await plan(dir, new Buckets(), undefined, later);
    assert.deepEqual(Object.values(old.hashCache!).map((e) => e[4]), [md5Hex(Buffer.from('a'))]);
  });

  it('an unchanged file is not read when the listing shows its cached MD5 (white box: a wrong cached MD5 that the listing echoes stands)', async () => {
    dir = project({ 'a.py': 'a' });
    const b = new Buckets();
    const cache = (await plan(dir, b, undefined, later)).hashCache!;
    const fake = 'f'.repeat(32);
    for (const k of Object.keys(cache)) cache[k][4] = fake;
    // the listing reports the fake MD5 for a one-byte object: the cache is trusted, the file not read
    const bucket = b.bucket('real-bucket');
    bucket.set('dags/a.py', Buffer.from('z'));
    const adapter = b.adapter('real-bucket');
    const services = { storage: () => ({ ...adapter, list: async () => [{ key: 'dags/a.py', size: 1, md5: fake, md5Source: 'etag' as const }] }) } as unknown as DeployServices;
    const p = await prepareDeploy({ env, dir, services, resolver: resolverFor(real, []), hashCache: cache });
    assert.equal(p.plan.uploads.length, 0);
    assert.equal(p.plan.unchanged, 1);
  });

  it('remote changed behind our back: the listing disagrees with the cache, the file is read and uploaded', async () => {
    dir = project({ 'a.py': 'a', 'b.py': 'b' });
    const b = new Buckets();
    fill(b, { 'a.py': 'a', 'b.py': 'b' });
    const cache = (await plan(dir, b, undefined, later)).hashCache!;
    assert.equal(Object.keys(cache).length, 2);
    b.bucket('real-bucket').set('dags/b.py', Buffer.from('X')); // same size, other content
    const p = await plan(dir, b, cache);
    assert.deepEqual(p.plan.uploads.map((u) => [u.key, u.md5]), [['dags/b.py', md5Hex(Buffer.from('b'))]]);
    b.bucket('real-bucket').delete('dags/a.py');
    assert.deepEqual((await plan(dir, b, cache)).plan.uploads.map((u) => u.key).sort(), ['dags/a.py', 'dags/b.py']);
  });

  it('a wrong cached MD5 (a rewrite the stat did not show) is caught whenever the listing disagrees: the file is read', async () => {
    dir = project({ 'a.py': 'a', 'b.py': 'b' });
    const b = new Buckets();
    fill(b, { 'a.py': 'a' });
    const cache = (await plan(dir, b, undefined, later)).hashCache!;
    for (const k of Object.keys(cache)) cache[k][4] = 'f'.repeat(32);
    const p = await plan(dir, b, cache, later);
    assert.deepEqual(p.plan.uploads.map((u) => [u.key, u.md5]), [['dags/b.py', md5Hex(Buffer.from('b'))]]);
    assert.equal(p.plan.unchanged, 1, 'a.py: read, and the same as remote');
    assert.deepEqual(Object.values(p.hashCache!).map((e) => e[4]).sort(), [md5Hex(Buffer.from('a')), md5Hex(Buffer.from('b'))].sort(), 'the next cache has what was read');
  });

  it('a local edit that keeps size and mtime still changes ctime: the file is read', async () => {
    dir = project({ 'a.py': 'a' });
    const b = new Buckets();
    fill(b, { 'a.py': 'a' });
    const file = path.join(dir, 'dags', 'a.py');
    const { statSync, utimesSync } = await import('node:fs');
    const before = statSync(file);
    const cache = (await plan(dir, b, undefined, later)).hashCache!;
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(file, 'B');
    utimesSync(file, before.atime, before.mtime);
    const p = await plan(dir, b, cache);
    assert.deepEqual(p.plan.uploads.map((u) => [u.key, u.md5]), [['dags/a.py', md5Hex(Buffer.from('B'))]]);
  });

  it('property: with a cache of an earlier deploy, after local and remote changes, the plan equals the plan without it', async function () {
    this.timeout(60_000);
    const name = fc.constantFrom('x.py', 'y.py', 'z.py', 'sub/w.py');
    const tree = fc.dictionary(name, fc.constantFrom('a', 'b', 'cc'), { minKeys: 1, maxKeys: 4 });
    const { utimesSync } = await import('node:fs');
    await fc.assert(
      fc.asyncProperty(tree, tree, tree, fc.dictionary(name, fc.constantFrom('a', 'b', 'cc', 'dd')), fc.array(fc.boolean(), { maxLength: 4 }), async (first, remote1, remote2, edits, corrupt) => {
        dir = project(first);
        try {
          const b = new Buckets();
          fill(b, remote1);
          const cache = (await plan(dir, b, undefined, later)).hashCache!;
          // some entries wrong (what the recency rule guards against): only a listing that echoes them could let them stand
          Object.keys(cache).forEach((k, i) => {
            if (corrupt[i]) cache[k][4] = 'f'.repeat(32);
          });
          // local edits (an edit some seconds later: another mtime) and a remote that changed behind our back
          let t = Date.now() / 1000 + 5;
          for (const [k, v] of Object.entries(edits)) {
            const f = path.join(dir, 'dags', k);
            mkdirSync(path.dirname(f), { recursive: true });
            writeFileSync(f, v);
            utimesSync(f, t, t++);
          }
          b.objects.delete('real-bucket');
          fill(b, remote2);
          const withCache = planOf(await plan(dir, b, cache));
          assert.deepEqual(withCache, planOf(await plan(dir, b)));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 60 },
    );
    dir = mkdtempSync(path.join(tmpdir(), 'ma-state-'));
  });
});
