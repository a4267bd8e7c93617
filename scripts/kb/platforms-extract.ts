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
 *   node --import tsx scripts/kb/platforms-extract.ts providers <arenadata/airflow> <aws/aws-mwaa-local-runner> <aws/amazon-mwaa-docker-images>
 *
 * A git dir is what `git clone --mirror` (or the search tool's `fetch`) produces; no work tree
 * is needed because every file is read with `git show <commit>:<path>`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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

  // Provider reference: per runtime, the package table of the standard image (first table or the
  // "standard" tab); slim images install fewer providers.
  const refPath = 'astro/runtime-provider-reference.md';
  const providersByRuntime = new Map<string, { runtime: string; packages: Record<string, string>; evidence: object[] }>();
  for (const line of git(dir, 'log', '--all', '--format=%H', '--', refPath).trim().split('\n').filter(Boolean)) {
    const text = tryGit(dir, 'show', `${line}:${refPath}`);
    if (!text) continue;
    for (const section of text.split(/^## /m).slice(1)) {
      const rt = /^Astro Runtime (\d+\.\d+\.\d+)\s*$/.exec(section.split('\n')[0])?.[1];
      if (!rt || providersByRuntime.has(rt)) continue;
      const standard = section.includes('<TabItem value="standard">') ? section.split('<TabItem value="standard">')[1].split('</TabItem>')[0] : section;
      const packages: Record<string, string> = {};
      for (const m of standard.matchAll(/^\|\s*([A-Za-z0-9_.-]+)\s*\|\s*([0-9][0-9A-Za-z.+-]*)\s*\|/gm)) packages[m[1].toLowerCase()] = m[2];
      if (!Object.keys(packages).length) continue;
      providersByRuntime.set(rt, {
        runtime: rt,
        packages: sortObj(packages),
        evidence: [{ repo: 'astronomer/docs', path: refPath, ref: line.slice(0, 12), commit: line, note: `section "Astro Runtime ${rt}", standard image package table` }],
      });
    }
  }
  write('astro-providers.json', { extractedBy: 'scripts/kb/platforms-extract.ts astro', runtimes: [...providersByRuntime.values()].sort((a, b) => cmp(a.runtime, b.runtime)) });
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

/** A probe: the first release tag at which `pattern` matches in one of `paths`. */
interface Probe {
  id: string;
  pattern: string; // git grep -E pattern
  paths: string[];
  /** Not usable yet while this matches (e.g. AIP-52 setup/teardown shipped disabled in 2.6). */
  unless?: { pattern: string; paths: string[] };
}
const AIP52_DISABLED = { pattern: 'AIP-52 (Setup|Teardown) tasks are disabled', paths: ['airflow/decorators/setup_teardown.py', 'airflow/models/baseoperator.py'] };
/**
 * DAG-authoring features, probed at every 1.10.x/2.x release tag: the first tag where the
 * definition appears (and the first tag where it is gone again, if any), with file and line.
 */
const PROBES: Probe[] = [
  { id: 'decorator:task', pattern: '^task = |^from airflow\\.decorators\\.python import .*python_task|^    "task",|^from airflow\\.operators\\.python import task', paths: ['airflow/decorators/__init__.py', 'airflow/decorators.py'] },
  { id: 'decorator:dag', pattern: '^ *"dag",|^from airflow\\.models\\.dag import dag', paths: ['airflow/decorators/__init__.py', 'airflow/decorators.py'] },
  { id: 'decorator:task_group', pattern: '^ *"task_group",|import task_group', paths: ['airflow/decorators/__init__.py'] },
  { id: 'decorator:setup', pattern: '^ *"setup",', paths: ['airflow/decorators/__init__.py'], unless: AIP52_DISABLED },
  { id: 'decorator:teardown', pattern: '^ *"teardown",', paths: ['airflow/decorators/__init__.py'], unless: AIP52_DISABLED },
  ...['python', 'virtualenv', 'external_python', 'branch', 'branch_virtualenv', 'branch_external_python', 'short_circuit', 'sensor', 'bash', 'run_if', 'skip_if', 'docker', 'kubernetes', 'pyspark', 'kubernetes_cmd', 'sql', 'snowpark'].map((m) => ({
    id: `decorator:task.${m}`,
    // 2.2 exposed @task.docker through __getattr__ and the docker provider's DockerDecoratorMixin
    pattern: `^    ${m} = staticmethod\\(|^    def ${m}\\(${m === 'docker' ? '|import DockerDecoratorMixin' : ''}`,
    // 2.0–2.2 define task.python / task.virtualenv on mixins (or as `def python` in 2.0's operators/python.py)
    paths: ['airflow/decorators/__init__.py', 'airflow/decorators/__init__.pyi', 'airflow/decorators/python.py', 'airflow/decorators/python_virtualenv.py', 'airflow/operators/python.py'],
  })),
  { id: 'method:expand', pattern: '^    def expand\\(', paths: ['airflow/models/baseoperator.py', 'airflow/models/mappedoperator.py', 'airflow/decorators/base.py'] },
  { id: 'method:partial', pattern: '^def partial\\(|^    def partial\\(', paths: ['airflow/models/baseoperator.py', 'airflow/models/mappedoperator.py', 'airflow/decorators/base.py'] },
  { id: 'method:override', pattern: '^    def override\\(', paths: ['airflow/decorators/base.py'] },
  { id: 'method:expand_kwargs', pattern: '^    def expand_kwargs\\(', paths: ['airflow/models/baseoperator.py', 'airflow/models/mappedoperator.py', 'airflow/decorators/base.py'] },
  // @task_group functions: 2.3 declares expand/partial as stubs (`...`), 2.4 raises NotImplementedError; 2.5 builds a MappedTaskGroup
  { id: 'method:task_group.expand', pattern: 'functools\\.partial\\(MappedTaskGroup', paths: ['airflow/decorators/task_group.py'] },
  { id: 'method:map', pattern: '^    def map\\(self, f', paths: ['airflow/models/xcom_arg.py'] },
  { id: 'method:zip', pattern: '^    def zip\\(', paths: ['airflow/models/xcom_arg.py'] },
  { id: 'method:concat', pattern: '^    def concat\\(', paths: ['airflow/models/xcom_arg.py'] },
  { id: 'method:as_setup', pattern: '^    def as_setup\\(', paths: ['airflow/models/abstractoperator.py', 'airflow/models/xcom_arg.py', 'airflow/models/baseoperator.py'], unless: AIP52_DISABLED },
  { id: 'method:as_teardown', pattern: '^    def as_teardown\\(', paths: ['airflow/models/abstractoperator.py', 'airflow/models/xcom_arg.py', 'airflow/models/baseoperator.py'], unless: AIP52_DISABLED },
  { id: 'name:airflow.datasets:Dataset', pattern: '^class Dataset\\b', paths: ['airflow/datasets/__init__.py'] },
  { id: 'name:airflow.datasets:DatasetAlias', pattern: '^class DatasetAlias\\b', paths: ['airflow/datasets/__init__.py'] },
  { id: 'name:airflow.datasets:DatasetAll', pattern: '^class DatasetAll\\b', paths: ['airflow/datasets/__init__.py'] },
  { id: 'name:airflow.datasets:DatasetAny', pattern: '^class DatasetAny\\b', paths: ['airflow/datasets/__init__.py'] },
  { id: 'name:airflow.timetables.datasets:DatasetOrTimeSchedule', pattern: '^class DatasetOrTimeSchedule\\b', paths: ['airflow/timetables/datasets.py'] },
  { id: 'name:airflow.sdk:Asset', pattern: '"Asset",', paths: ['task-sdk/src/airflow/sdk/__init__.py', 'airflow/sdk/__init__.py'] },
  { id: 'name:airflow.models.param:Param', pattern: '^class Param\\b', paths: ['airflow/models/param.py'] },
  { id: 'name:airflow.models.baseoperator:chain_linear', pattern: '^def chain_linear\\(', paths: ['airflow/models/baseoperator.py'] },
  { id: 'name:airflow.utils.edgemodifier:Label', pattern: '^def Label\\(|^class Label\\b', paths: ['airflow/utils/edgemodifier.py'] },
  { id: 'name:airflow.operators.empty:EmptyOperator', pattern: '^class EmptyOperator\\b', paths: ['airflow/operators/empty.py'] },
  { id: 'name:airflow.timetables.trigger:CronTriggerTimetable', pattern: '^class CronTriggerTimetable\\b', paths: ['airflow/timetables/trigger.py'] },
];

function decorators(dir: string): void {
  const tags = git(dir, 'tag', '--list')
    .split('\n')
    .map((t) => t.trim())
    .filter((t) => /^(1\.10|2\.\d+)\.\d+$/.test(t))
    .sort(cmp);
  const first = new Map<string, { tag: string; commit: string; path: string; line: number; text: string }>();
  const gone = new Map<string, { tag: string; commit: string }>();
  const blocked = new Map<string, { tag: string; commit: string }>();
  for (const tag of tags) {
    const commit = git(dir, 'rev-parse', `${tag}^{commit}`).trim();
    for (const p of PROBES) {
      const out = tryGit(dir, 'grep', '-n', '-E', p.pattern, commit, '--', ...p.paths) ?? '';
      let hit = out.split('\n').find(Boolean);
      if (hit && p.unless && tryGit(dir, 'grep', '-q', '-E', p.unless.pattern, commit, '--', ...p.unless.paths) !== undefined) {
        if (!blocked.has(p.id)) blocked.set(p.id, { tag, commit });
        hit = undefined;
        if (!first.has(p.id)) continue;
      }
      if (hit && !first.has(p.id)) {
        // <commit>:<path>:<line>:<text>
        const [, path, line, ...text] = hit.split(':');
        first.set(p.id, { tag, commit, path, line: Number(line), text: text.join(':').trim() });
      } else if (!hit && first.has(p.id) && !gone.has(p.id)) {
        gone.set(p.id, { tag, commit });
      }
    }
  }
  const features = PROBES.map((p) => {
    const f = first.get(p.id);
    const g = gone.get(p.id);
    const b = blocked.get(p.id);
    return {
      id: p.id,
      firstTag: f?.tag ?? null,
      goneTag: g?.tag ?? null,
      evidence: [
        ...(f ? [{ repo: 'arenadata/airflow', path: f.path, ref: f.tag, commit: f.commit, note: `first release tag with line ${f.line}: ${f.text.slice(0, 120)}` }] : []),
        ...(g ? [{ repo: 'arenadata/airflow', path: p.paths.join(' | '), ref: g.tag, commit: g.commit, note: 'definition no longer present' }] : []),
        ...(b && p.unless ? [{ repo: 'arenadata/airflow', path: p.unless.paths.join(' | '), ref: b.tag, commit: b.commit, note: `defined since ${b.tag} but unusable there: /${p.unless.pattern}/ matches` }] : []),
      ],
    };
  });
  write('airflow-features-2.x.json', { extractedBy: 'scripts/kb/platforms-extract.ts decorators', scannedTags: tags, features });
}

const PROVIDER_DIST = /^apache-airflow-providers-[a-z0-9-]+$/;
const dist = (id: string) => `apache-airflow-providers-${id.replace(/[>=<!~;\s].*$/, '').replace(/\./g, '-')}`;

/** pip name -> version pins of the apache-airflow-providers-* lines of a constraints/requirements file. */
function providerPins(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^(apache-airflow-providers-[a-z0-9-]+)==([^\s;#]+)/gim)) out[m[1].toLowerCase()] = m[2];
  return out;
}

/**
 * Providers that `pip install apache-airflow==<v>` installs by itself, read at each 2.x tag:
 * setup.cfg install_requires (2.0.x), setup.py PREINSTALLED_PROVIDERS (2.1–2.8), hatch_build.py
 * PRE_INSTALLED_PROVIDERS (2.9+). Versions from the constraints-<v> tag, when there is one.
 */
function preinstalledAt(dir: string, commit: string): { ids: string[]; path: string } | undefined {
  const cfg = tryGit(dir, 'show', `${commit}:setup.cfg`);
  const req = cfg ? /install_requires\s*=([\s\S]*?)\n\S/.exec(cfg)?.[1] : undefined;
  const fromCfg = req ? [...req.matchAll(/^\s*(apache-airflow-providers-[a-z0-9-]+)/gm)].map((m) => m[1]) : [];
  if (fromCfg.length) return { ids: fromCfg, path: 'setup.cfg' };
  for (const [path, name] of [['setup.py', 'PREINSTALLED_PROVIDERS'], ['hatch_build.py', 'PRE_INSTALLED_PROVIDERS']] as const) {
    const text = tryGit(dir, 'show', `${commit}:${path}`);
    const list = text ? new RegExp(`^${name} = \\[([^\\]]*)\\]`, 'm').exec(text)?.[1] : undefined;
    // commented-out entries (2.8.0 keeps "common.io" in a comment) are not installed
    const live = list?.split('\n').filter((l) => !l.trim().startsWith('#')).join('\n');
    if (live) return { ids: [...live.matchAll(/["']([^"']+)["']/g)].map((m) => dist(m[1])), path };
  }
  // 2.8.1–2.8.4: (dev/)hatch_build.py reads the list from a text file
  for (const file of ['dev/airflow_pre_installed_providers.txt', 'airflow_pre_installed_providers.txt']) {
    const txt = tryGit(dir, 'show', `${commit}:${file}`);
    if (txt) return { ids: txt.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map(dist), path: file };
  }
  return undefined;
}

interface ProviderEntry { key: string; packages: Record<string, string>; confidence: string; note: string; evidence: object[] }

function providers(arenadata: string, localRunner: string, mwaaImages: string): void {
  const entries: ProviderEntry[] = [];
  const releases2x = JSON.parse(readFileSync(join(SOURCES, 'airflow-2.x.json'), 'utf8')).releases as { version: string; python: string[] }[];
  const releases110 = JSON.parse(readFileSync(join(SOURCES, 'airflow-1.10.json'), 'utf8')).releases as { version: string }[];

  for (const r of releases110) {
    const commit = git(arenadata, 'rev-parse', `${r.version}^{commit}`).trim();
    const tree = git(arenadata, 'ls-tree', '--name-only', commit, 'airflow/').split('\n');
    if (tree.includes('airflow/providers')) throw new Error(`${r.version} has airflow/providers`);
    entries.push({
      key: `airflow:${r.version}`, packages: {}, confidence: 'high',
      note: 'Airflow 1.10 has no provider distributions (operators live in airflow.operators / airflow.contrib); airflow.providers.* needs the apache-airflow-backport-providers-* packages.',
      evidence: [{ repo: 'arenadata/airflow', path: 'airflow/', ref: r.version, commit, note: 'no airflow/providers package in the tree at this tag' }],
    });
  }
  // Upstream release commits carried by arenadata's develop branches (no tags for these releases).
  const untagged: Record<string, { commit: string; what: string }> = {
    '2.10.4': { commit: '0fc487d355856d3209ced13d0e5740ed56535bb0', what: "upstream commit 'Update version to 2.10.4'" },
    '2.10.5': { commit: '37f621899795c53c78022bc0018c9b65beca291f', what: "upstream commit 'Update version to 2.10.5'" },
    '2.11.0': { commit: 'd9ed7b94d033dc61ee1c05aafb9f1c1f7b82cfb2', what: "upstream commit 'Add release notes for 2.11.0'" },
    '2.11.1': { commit: 'ef15f7dafb125a78ecf611195818d451da2ef7f5', what: "upstream commit 'Add release notes for Airflow 2.11.1'" },
  };
  const versions2x = [...releases2x.map((r) => r.version), ...Object.keys(untagged)];
  for (const version of versions2x) {
    const tagged = !untagged[version];
    const commit = tagged ? git(arenadata, 'rev-parse', `${version}^{commit}`).trim() : untagged[version].commit;
    const pre = preinstalledAt(arenadata, commit);
    if (!pre) throw new Error(`${version}: no preinstalled provider list`);
    const ctag = `constraints-${version}`;
    const pythons = releases2x.find((r) => r.version === version)?.python ?? [];
    let pins: Record<string, string> = {};
    let pinFile: string | undefined;
    if (tryGit(arenadata, 'rev-parse', '--verify', '--quiet', `${ctag}^{commit}`)) {
      for (const py of [...pythons].reverse()) {
        const text = tryGit(arenadata, 'show', `${ctag}:constraints-${py}.txt`);
        if (text) {
          pins = providerPins(text);
          pinFile = `constraints-${py}.txt`;
          break;
        }
      }
    }
    const packages: Record<string, string> = {};
    for (const d of pre.ids.sort()) {
      if (!PROVIDER_DIST.test(d)) throw new Error(`${version}: odd provider ${d}`);
      packages[d] = pins[d] ?? '*';
    }
    entries.push({
      key: `airflow:${version}`, packages, confidence: tagged ? 'high' : 'medium',
      note: `Providers the apache-airflow ${version} package itself depends on (pre-installed with plain pip install).${pinFile ? ` Versions from ${ctag}/${pinFile}${Object.values(packages).includes('*') ? ' ("*": not pinned there)' : ''}.` : ' Versions are not pinned by apache-airflow ("*"): the constraints file of the release decides.'}`,
      evidence: [
        { repo: 'arenadata/airflow', path: pre.path, ref: tagged ? version : untagged[version].what, commit, note: `pre-installed providers: ${pre.ids.join(', ')}` },
        ...(pinFile ? [{ repo: 'arenadata/airflow', path: pinFile, ref: ctag, commit: git(arenadata, 'rev-parse', `${ctag}^{commit}`).trim(), note: 'provider versions' }] : []),
      ],
    });
  }

  // MWAA 2.9.2+: the Bill of Materials of AWS's open-source MWAA image (what the image installs).
  const mwaaHead = git(mwaaImages, 'rev-parse', 'HEAD').trim();
  const dirs = git(mwaaImages, 'ls-tree', '--name-only', mwaaHead, 'images/airflow/').split('\n').map((d) => d.trim().split('/').pop() as string).filter((d) => /^\d+\.\d+\.\d+$/.test(d));
  for (const v of dirs) {
    const path = `images/airflow/${v}/BillOfMaterials/${v}/Python-Packages-BOM.txt`;
    const bom = tryGit(mwaaImages, 'show', `${mwaaHead}:${path}`);
    if (!bom) continue;
    const packages: Record<string, string> = {};
    for (const m of bom.matchAll(/apache-airflow-providers-([a-z0-9-]+)\/(\d[0-9a-z.]*)\/changelog/g)) packages[`apache-airflow-providers-${m[1]}`] = m[2];
    for (const m of bom.matchAll(/apache_airflow_providers_([a-z0-9_]+)-(\d[0-9a-z.]*)\.dist-info/g)) packages[`apache-airflow-providers-${m[1].replace(/_/g, '-')}`] ??= m[2];
    if (!Object.keys(packages).length) throw new Error(`MWAA ${v}: no providers in the BOM`);
    entries.push({
      key: `mwaa:${v}`, packages: sortObj(packages), confidence: 'high',
      note: "Providers in the Bill of Materials of AWS's open-source MWAA image for this version (aws/amazon-mwaa-docker-images), which installs apache-airflow[celery,statsd], the amazon and postgres providers and their dependencies under the release's constraints.",
      evidence: [
        { repo: 'aws/amazon-mwaa-docker-images', path, ref: mwaaHead.slice(0, 12), commit: mwaaHead, note: 'apache-airflow-providers-* entries (name, changelog URL with version)' },
        { repo: 'aws/amazon-mwaa-docker-images', path: `images/airflow/${v}/bootstrap/02-airflow/001-install-required-pip-packages.sh`, ref: mwaaHead.slice(0, 12), commit: mwaaHead, note: 'REQUIRED_PACKAGES installed with the constraints file' },
      ],
    });
  }

  // MWAA up to 2.8.1: aws-mwaa-local-runner branches.
  const branches = ['v1.10.12', 'v2.0.2', 'v2.2.2', 'v2.4.3', 'v2.5.1', 'v2.6.3', 'v2.7.2', 'v2.8.1'];
  for (const b of branches) {
    const v = b.slice(1);
    const commit = git(localRunner, 'rev-parse', `refs/heads/${b}`).trim();
    const req = tryGit(localRunner, 'show', `${commit}:docker/config/requirements.txt`) ?? '';
    const base = tryGit(localRunner, 'show', `${commit}:docker/config/mwaa-base-providers-requirements.txt`) ?? '';
    const constraints = tryGit(localRunner, 'show', `${commit}:docker/config/constraints.txt`) ?? '';
    const cpins = providerPins(constraints);
    const packages: Record<string, string> = { ...providerPins(req), ...providerPins(base) };
    const evidence: object[] = [];
    if (Object.keys(providerPins(req)).length) evidence.push({ repo: 'aws/aws-mwaa-local-runner', path: 'docker/config/requirements.txt', ref: b, commit, note: `provider pins: ${Object.keys(providerPins(req)).join(', ')}` });
    if (Object.keys(providerPins(base)).length) evidence.push({ repo: 'aws/aws-mwaa-local-runner', path: 'docker/config/mwaa-base-providers-requirements.txt', ref: b, commit, note: `base providers: ${Object.keys(providerPins(base)).join(', ')}` });
    // apache-airflow itself pulls its pre-installed providers (pinned by the branch's constraints).
    const own = entries.find((e) => e.key === `airflow:${v}`);
    const added: string[] = [];
    for (const d of Object.keys(own?.packages ?? {})) {
      if (!packages[d]) {
        packages[d] = cpins[d] ?? own?.packages[d] ?? '*';
        added.push(d);
      }
    }
    if (added.length) evidence.push({ repo: 'aws/aws-mwaa-local-runner', path: 'docker/config/constraints.txt', ref: b, commit, note: `apache-airflow's own pre-installed providers (${added.join(', ')}) pinned by the runner's constraints` });
    evidence.push({ repo: 'aws/aws-mwaa-local-runner', path: 'docker/script/bootstrap.sh', ref: b, commit, note: 'installs apache-airflow[celery,statsd…] with the constraints, then the provider requirements' });
    entries.push({
      key: `mwaa:${v}`, packages: sortObj(packages), confidence: 'high',
      note: v.startsWith('1.') ? 'MWAA 1.10.12 installs no provider distributions (Airflow 1.10 has none).' : "What AWS's local runner for this MWAA version installs (MWAA's reference image for versions before the open-source images).",
      evidence,
    });
  }
  write('providers-extract.json', { extractedBy: 'scripts/kb/platforms-extract.ts providers', entries });
}

function sortObj(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

const [mode, dir, ...more] = process.argv.slice(2);
if (!dir) {
  console.error('usage: platforms-extract.ts releases110|releases2x|astro|decorators <git-dir>');
  process.exit(2);
}
if (mode === 'releases110') releases110(dir);
else if (mode === 'releases2x') releases2x(dir);
else if (mode === 'astro') astro(dir);
else if (mode === 'decorators') decorators(dir);
else if (mode === 'providers') providers(dir, more[0], more[1]);
else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
