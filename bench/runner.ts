/**
 * Local-runner benchmark: time from `start` to healthy and from `stop` to every container and
 * the network gone, per flavour, with the offline stand-in image playing every image (so the
 * figures measure the runner and the engine, not Airflow's own boot, which takes 30-90 s).
 * Brings the engine up (scripts/docker-up.sh) and builds the stand-in if needed.
 *
 *   node --import tsx bench/runner.ts [--rounds 5]     → table on stdout, bench/results/runner.json
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalRunner, LABEL_PROJECT } from '../core/src/runner';
import type { RunnerFlavor } from '../core/src/protocol/runner';
import { STANDIN, TEST_LABELS, ensureEngine, ensureStandin, leftovers, makeProject, removeTestObjects } from '../test/integration/support/docker';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ROUNDS = arg('rounds', 5);

const cases: Array<{ name: string; flavor: RunnerFlavor; version: string; database?: 'sqlite' | 'postgres' }> = [
  { name: 'oss 2.10.3 (sqlite, 1 container)', flavor: 'oss', version: '2.10.3' },
  { name: 'oss 3.0.2 (postgres, 2 containers)', flavor: 'oss', version: '3.0.2', database: 'postgres' },
  { name: 'mwaa 2.10.3 (5 containers)', flavor: 'mwaa', version: '2.10.3' },
  { name: 'astro 2.10.3 (build + 4 containers)', flavor: 'astro', version: '2.10.3' },
  { name: 'astro 3.0.2 (build + 5 containers)', flavor: 'astro', version: '3.0.2' },
];

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};

async function main() {
  const { docker, reason } = await ensureEngine();
  if (!docker) throw new Error(`no Docker engine: ${reason}`);
  await ensureStandin(docker);
  const info = await docker.version();
  // Shared machines: the load says how much to trust the figures.
  const loadBefore = os.loadavg()[0];
  const results: Array<Record<string, unknown>> = [];
  for (const c of cases) {
    const dir = makeProject(c.flavor === 'astro' ? { Dockerfile: `FROM ${STANDIN}\nLABEL managed-airflow.test=1\n` } : {});
    const runner = new LocalRunner(dir, { docker });
    const starts: number[] = [];
    const stops: number[] = [];
    try {
      for (let i = 0; i < ROUNDS; i++) {
        let t = performance.now();
        const st = await runner.start({
          projectDir: dir,
          flavor: c.flavor,
          airflowVersion: c.version,
          database: c.database,
          image: c.flavor === 'astro' ? undefined : STANDIN,
          postgresImage: STANDIN,
          sqsImage: STANDIN,
          labels: TEST_LABELS,
          env: { STANDIN_AIRFLOW_VERSION: c.version },
          healthTimeoutMs: 60_000,
        });
        if (st.state !== 'healthy') throw new Error(`${c.name}: ${st.state}`);
        starts.push(performance.now() - t);
        t = performance.now();
        await runner.stop();
        const left = await leftovers(docker, `${LABEL_PROJECT}=${runner.projectId}`);
        if (left.containers.length || left.networks.length) throw new Error(`${c.name}: left ${JSON.stringify(left)}`);
        stops.push(performance.now() - t);
      }
    } finally {
      await runner.reset().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
    const r = { case: c.name, rounds: ROUNDS, startToHealthyMs: stats(starts), stopToGoneMs: stats(stops) };
    results.push(r);
    const f = (x: { min: number; median: number; max: number }) => `${Math.round(x.median)} ms (min ${Math.round(x.min)}, max ${Math.round(x.max)})`;
    console.log(`${c.name.padEnd(38)} start→healthy ${f(r.startToHealthyMs).padEnd(30)} stop→gone ${f(r.stopToGoneMs)}`);
  }
  await removeTestObjects(docker);
  const out = path.join(__dirname, 'results', 'runner.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), engine: `${info.Version} (API ${info.ApiVersion})`, image: STANDIN, cpus: os.cpus().length, loadavg1: { before: loadBefore, after: os.loadavg()[0] }, results }, null, 2) + '\n');
  console.log(`\nload average (1 min) ${loadBefore.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs; written ${path.relative(process.cwd(), out)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
