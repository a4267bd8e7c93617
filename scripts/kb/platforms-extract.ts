/**
 * Extracts small, evidence-carrying source files for the platform/release half of the knowledge
 * base from local git mirrors of public repositories. Output goes to scripts/kb/sources/*.json,
 * which is checked in; scripts/kb/platforms.ts then turns those files (plus the shared
 * platforms.json) into core/src/knowledge/data/{releases,platforms,providers,features}.json.
 *
 *   node --import tsx scripts/kb/platforms-extract.ts releases110 <git-dir of arenadata/airflow>
 *   node --import tsx scripts/kb/platforms-extract.ts releases2x <git-dir of arenadata/airflow>
 *   node --import tsx scripts/kb/platforms-extract.ts astro <git-dir of astronomer/docs>
 *   node --import tsx scripts/kb/platforms-extract.ts decorators <git-dir of arenadata/airflow>
 *
 * A git dir is what `git clone --mirror` (or the search tool's `fetch`) produces; no work tree
 * is needed because every file is read with `git show <commit>:<path>`.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = join(__dirname, 'sources');

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}
function tryGit(dir: string, ...args: string[]): string | undefined {
  try {
    return execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}
function write(name: string, data: unknown): void {
  writeFileSync(join(SOURCES, name), JSON.stringify(data, null, 2) + '\n');
  console.log(`wrote scripts/kb/sources/${name}`);
}

/** Airflow 1.10.x: Python classifiers of setup.py at each tag, dates from CHANGELOG.txt at 1.10.15. */
function releases110(dir: string): void {
  const changelogTag = '1.10.15';
  const changelogCommit = git(dir, 'rev-parse', `${changelogTag}^{commit}`).trim();
  const changelog = git(dir, 'show', `${changelogCommit}:CHANGELOG.txt`);
  const dates = new Map<string, string>();
  for (const m of changelog.matchAll(/^Airflow (1\.10\.\d+), (\d{4}-\d{2}-\d{2})\s*$/gm)) dates.set(m[1], m[2]);
  const releases = [];
  for (let patch = 0; patch <= 15; patch++) {
    const version = `1.10.${patch}`;
    const commit = git(dir, 'rev-parse', `${version}^{commit}`).trim();
    const setup = git(dir, 'show', `${commit}:setup.py`);
    const python = [...setup.matchAll(/Programming Language :: Python :: (\d+\.\d+)/g)].map((m) => m[1]);
    const requires = /python_requires\s*=\s*'([^']+)'/.exec(setup)?.[1];
    if (python.length === 0) throw new Error(`${version}: no Python classifiers in setup.py`);
    releases.push({
      version,
      date: dates.get(version),
      python,
      evidence: [
        { repo: 'arenadata/airflow', path: 'setup.py', ref: version, commit, note: `Python classifiers ${python.join(', ')}${requires ? `; python_requires '${requires}'` : ''} (arenadata/airflow carries apache/airflow's release tags)` },
        ...(dates.has(version)
          ? [{ repo: 'arenadata/airflow', path: 'CHANGELOG.txt', ref: changelogTag, commit: changelogCommit, note: `header "Airflow ${version}, ${dates.get(version)}"` }]
          : []),
      ],
    });
  }
  write('airflow-1.10.json', { extractedBy: 'scripts/kb/platforms-extract.ts releases110', releases });
}

/**
 * Airflow 2.x tags: the README "Apache Airflow is tested with" Python row for the release (the
 * "Stable version (<tag>)" column, or the main/master column when the README still names the
 * previous stable, as at 2.0.0), plus the setup.cfg/pyproject.toml classifiers, which lag behind.
 */
function releases2x(dir: string): void {
  const tags = git(dir, 'tag', '--list', '2.*').split('\n').map((t) => t.trim()).filter((t) => /^2\.\d+\.\d+$/.test(t)).sort(cmp);
  const releases = [];
  for (const version of tags) {
    const commit = git(dir, 'rev-parse', `${version}^{commit}`).trim();
    const readme = git(dir, 'show', `${commit}:README.md`);
    const rows = readme.split('\n').filter((l) => l.startsWith('|'));
    const header = rows.find((l) => /Stable version/.test(l));
    const pyRow = rows.find((l) => /^\|\s*Python\s*\|/.test(l));
    if (!header || !pyRow) throw new Error(`${version}: no "tested with" table in README.md`);
    const cols = header.split('|').map((c) => c.trim());
    const cells = pyRow.split('|').map((c) => c.trim());
    let col = cols.findIndex((c) => c === `Stable version (${version})`);
    let column = 'stable';
    if (col < 0) {
      col = cols.findIndex((c) => /^(Main|Master) version/.test(c));
      column = cols[col] ?? '?';
    }
    const python = (cells[col] ?? '').split(',').map((p) => p.trim()).filter((p) => /^\d+\.\d+$/.test(p));
    let classifiers: string[] = [];
    let classifierFile = '';
    for (const f of ['pyproject.toml', 'setup.cfg', 'setup.py']) {
      const text = tryGit(dir, 'show', `${commit}:${f}`);
      const found = text ? [...text.matchAll(/Programming Language :: Python :: (3\.\d+)/g)].map((m) => m[1]) : [];
      if (found.length) {
        classifiers = found;
        classifierFile = f;
        break;
      }
    }
    releases.push({
      version,
      python,
      classifiers,
      evidence: [
        { repo: 'arenadata/airflow', path: 'README.md', ref: version, commit, note: `"Apache Airflow is tested with" Python row, ${column === 'stable' ? `column "Stable version (${version})"` : `column "${column}" (the README at this tag still names the previous stable)`}: ${python.join(', ')}` },
        { repo: 'arenadata/airflow', path: classifierFile, ref: version, commit, note: `Python classifiers: ${classifiers.join(', ')}` },
      ],
    });
  }
  write('airflow-2.x.json', { extractedBy: 'scripts/kb/platforms-extract.ts releases2x', releases });
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
function isoDate(text: string): string | undefined {
  const m = /([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})/.exec(text);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1].toLowerCase());
  if (month < 0) return undefined;
  return `${m[3]}-${String(month + 1).padStart(2, '0')}-${m[2].padStart(2, '0')}`;
}

/**
 * Astro Runtime release notes: every "## Astro Runtime X.Y.Z" section with its "Release date" and
 * "Airflow version" lines, over the whole history of the notes (old entries were pruned from
 * later revisions), plus the "Python versioning" table of runtime-image-architecture.
 */
function astro(dir: string): void {
  const files = ['astro/runtime-release-notes.md', 'docs/runtime-release-notes.md', 'cloud/runtime-release-notes.md'];
  const runtimes = new Map<string, { runtime: string; airflow: string; date?: string; evidence: object[] }>();
  for (const path of files) {
    const commits = git(dir, 'log', '--all', '--format=%H %cs', '--', path).trim().split('\n').filter(Boolean);
    for (const line of commits) {
      const [commit] = line.split(' ');
      const text = tryGit(dir, 'show', `${commit}:${path}`);
      if (!text) continue;
      const sections = text.split(/^## /m).slice(1);
      for (const s of sections) {
        const head = /^Astro Runtime (\d+\.\d+\.\d+)\s*$/m.exec(s.split('\n')[0]);
        if (!head) continue;
        const runtime = head[1];
        const airflow = /Airflow version:\s*([0-9][0-9.]*[0-9])/.exec(s)?.[1];
        if (!airflow) continue;
        const dateLine = /Release date:\s*([^\n]+)/.exec(s)?.[1];
        if (runtimes.has(runtime)) continue; // newest revision (log order) wins
        runtimes.set(runtime, {
          runtime,
          airflow,
          date: dateLine ? isoDate(dateLine) : undefined,
          evidence: [{ repo: 'astronomer/docs', path, ref: commit.slice(0, 12), commit, note: `section "Astro Runtime ${runtime}": Airflow version ${airflow}` }],
        });
      }
    }
  }
  const archPath = 'astro/runtime-image-architecture.mdx';
  const head = git(dir, 'rev-parse', 'HEAD').trim();
  const arch = git(dir, 'show', `${head}:${archPath}`);
  const table = arch.slice(arch.indexOf('## Python versioning'));
  const majors = [...table.matchAll(/^\|\s*(\d+)\s*\|\s*(\d+\.\d+)\s*\|\s*(\d+\.\d+)\s*\|/gm)].map((m) => ({
    runtimeMajor: m[1],
    airflow: m[2],
    python: m[3],
    evidence: [{ repo: 'astronomer/docs', path: archPath, ref: head.slice(0, 12), commit: head, note: `"Python versioning" table row ${m[1]} | ${m[2]} | ${m[3]}` }],
  }));
  const sorted = [...runtimes.values()].sort((a, b) => cmp(a.runtime, b.runtime));
  write('astro-runtime-notes.json', { extractedBy: 'scripts/kb/platforms-extract.ts astro', runtimes: sorted, majors });
}

function cmp(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

const [mode, dir] = process.argv.slice(2);
if (!dir) {
  console.error('usage: platforms-extract.ts releases110|releases2x|astro|decorators <git-dir>');
  process.exit(2);
}
if (mode === 'releases110') releases110(dir);
else if (mode === 'releases2x') releases2x(dir);
else if (mode === 'astro') astro(dir);
else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
