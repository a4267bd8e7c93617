/**
 * `npm run bench`: runs every bench/*.ts that exports `bench()` (in name order), or only the
 * names given: `node --import tsx bench/run.ts lint deploy`. A named file without a `bench()`
 * export is a stand-alone script and runs as its own process.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const DIR = __dirname;
const EXPORTS_BENCH = /export\s+(async\s+)?function\s+bench\s*\(|export\s+const\s+bench\s*=/;

async function main() {
  const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const available = readdirSync(DIR).filter((f) => f.endsWith('.ts') && f !== 'run.ts').sort();
  const chosen = names.length ? names.map((n) => (n.endsWith('.ts') ? n : `${n}.ts`)) : available.filter((f) => EXPORTS_BENCH.test(readFileSync(path.join(DIR, f), 'utf8')));
  const unknown = chosen.filter((f) => !available.includes(f));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.map((f) => f.replace(/\.ts$/, '')).join(', ')}`);
    process.exit(2);
  }
  if (!names.length) {
    const skipped = available.filter((f) => !chosen.includes(f));
    if (skipped.length) console.log(`(stand-alone scripts, run by name: ${skipped.map((f) => f.replace(/\.ts$/, '')).join(', ')})`);
  }
  let failed = 0;
  for (const f of chosen) {
    const file = path.join(DIR, f);
    console.log(`\n== ${f.replace(/\.ts$/, '')}`);
    if (EXPORTS_BENCH.test(readFileSync(file, 'utf8'))) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(file) as { bench: () => Promise<unknown> | unknown };
        await mod.bench();
      } catch (e) {
        failed++;
        console.error(e);
      }
    } else {
      const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...process.argv.slice(2).filter((a) => a.startsWith('--'))], { stdio: 'inherit' });
      if (r.status !== 0) failed++;
    }
  }
  process.exit(failed ? 1 : 0);
}

void main();
