import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getKnowledgeBase, statusAt, type FeatureFact } from '../../core/src/knowledge';
import type { Evidence, PlatformVersion, ReleaseInfo } from '../../core/src/knowledge/types';
import { astroOrder, cmpVersion, COMPOSER_IMAGE, generate, releaseFor } from '../../scripts/kb/platforms';

const ROOT = resolve(__dirname, '..', '..');
const SHARED = resolve(ROOT, '..', 'shared', 'data', 'platforms.json');
const kb = getKnowledgeBase();
const releases = kb.releases();
const platforms = kb.platforms();

function assertEvidence(what: string, evidence: Evidence[] | undefined): void {
  assert.ok(Array.isArray(evidence) && evidence.length > 0, `${what}: no evidence`);
  for (const e of evidence) {
    assert.ok(e.repo && e.path && e.ref, `${what}: evidence needs repo, path and ref: ${JSON.stringify(e)}`);
    if (e.commit !== undefined) assert.match(e.commit, /^[0-9a-f]{40}$/, `${what}: commit must be a full sha`);
    if (e.repo.startsWith('web:')) assert.ok(e.url || e.note, `${what}: web evidence needs a url or note`);
  }
}
const PY = /^[23]\.\d+$/;
const VERSION = /^\d+\.\d+\.\d+$/;

describe('knowledge base: releases.json', () => {
  it('lists every release 1.10.0–1.10.15, 2.0.0–2.11.2 and 3.0.0–3.4.0, sorted and unique', () => {
    const versions = releases.map((r) => r.version);
    assert.equal(new Set(versions).size, versions.length, 'duplicate release');
    assert.deepEqual([...versions].sort(cmpVersion), versions, 'not sorted');
    for (let p = 0; p <= 15; p++) assert.ok(versions.includes(`1.10.${p}`), `1.10.${p} missing`);
    for (const v of ['2.0.0', '2.0.2', '2.2.2', '2.4.3', '2.6.3', '2.9.3', '2.10.5', '2.11.0', '2.11.1', '2.11.2', '3.0.0', '3.0.6', '3.1.4', '3.1.8', '3.2.2', '3.3.1', '3.4.0']) {
      assert.ok(versions.includes(v), `${v} missing`);
    }
    assert.equal(versions[0], '1.10.0');
    assert.equal(versions[versions.length - 1], '3.4.0');
  });

  it('every release has well-formed Python minors and evidence', () => {
    for (const r of releases) {
      assert.match(r.version, VERSION);
      assert.ok(r.python.length > 0, `${r.version}: no Python`);
      for (const p of r.python) assert.match(p, PY, `${r.version}: bad Python ${p}`);
      assert.deepEqual([...r.python].sort(cmpVersion), r.python, `${r.version}: Python not sorted`);
      if (r.date) assert.match(r.date, /^\d{4}-\d{2}-\d{2}$/);
      assertEvidence(`release ${r.version}`, r.evidence);
    }
  });

  it('records the Python support that changed between releases', () => {
    const py = (v: string) => releases.find((r) => r.version === v)?.python.join(' ');
    assert.equal(py('1.10.0'), '2.7 3.4 3.5');
    assert.equal(py('1.10.3'), '2.7 3.5');
    assert.equal(py('1.10.4'), '2.7 3.5 3.6 3.7');
    assert.equal(py('1.10.12'), '2.7 3.5 3.6 3.7 3.8');
    assert.equal(py('2.0.0'), '3.6 3.7 3.8');
    assert.equal(py('2.1.2'), '3.6 3.7 3.8 3.9');
    assert.equal(py('2.3.0'), '3.7 3.8 3.9 3.10', 'README, not the lagging classifiers');
    assert.equal(py('2.6.2'), '3.7 3.8 3.9 3.10 3.11');
    assert.equal(py('2.9.0'), '3.8 3.9 3.10 3.11 3.12');
    assert.equal(py('2.11.0'), '3.9 3.10 3.11 3.12');
    assert.equal(py('2.11.1'), '3.10 3.11 3.12');
    assert.equal(py('3.0.6'), '3.9 3.10 3.11 3.12');
    assert.equal(py('3.1.0'), '3.10 3.11 3.12 3.13');
    assert.equal(py('3.2.1'), '3.10 3.11 3.12 3.13 3.14');
  });

  it('marks 3.0.5 (and only 3.0.5) as yanked', () => {
    assert.deepEqual(releases.filter((r) => r.yanked).map((r) => r.version), ['3.0.5']);
  });
});

describe('knowledge base: platforms.json', () => {
  const all: [string, PlatformVersion][] = [
    ...platforms.mwaa.map((v) => ['mwaa', v] as [string, PlatformVersion]),
    ...platforms.composer.map((v) => ['composer', v] as [string, PlatformVersion]),
    ...platforms.astro.map((v) => ['astro', v] as [string, PlatformVersion]),
  ];

  it('MWAA offers or offered exactly the documented versions, with their Python', () => {
    assert.deepEqual(
      platforms.mwaa.map((v) => `${v.id}/${v.python}`),
      ['1.10.12/3.7', '2.0.2/3.7', '2.2.2/3.7', '2.4.3/3.10', '2.5.1/3.10', '2.6.3/3.10', '2.7.2/3.11', '2.8.1/3.11', '2.9.2/3.11', '2.10.1/3.11', '2.10.3/3.11', '2.11.0/3.12', '2.11.2/3.12', '3.0.6/3.12', '3.2.1/3.12', '3.3.1/3.12'],
    );
    for (const v of platforms.mwaa) {
      assert.equal(v.airflow, v.id);
      assert.ok(v.status === 'supported' || v.status === 'end-of-support', `${v.id}: status ${v.status}`);
      assert.match(v.constraintsUrl ?? '', new RegExp(`constraints-${v.airflow.replace(/\./g, '\\.')}/constraints-${v.python.replace('.', '\\.')}\\.txt$`));
    }
    assert.equal(platforms.mwaa.find((v) => v.id === '2.2.2')?.status, 'end-of-support');
  });

  it("every platform version's Airflow is a release, and its Python is supported by it or flagged", () => {
    for (const [platform, v] of all) {
      assert.match(v.airflow, /^\d+\.\d+(\.\d+)?$/, `${platform}:${v.id}`);
      const rel = releaseFor(v.airflow, releases) as ReleaseInfo;
      assert.ok(rel, `${platform}:${v.id}: Airflow ${v.airflow} not in releases.json`);
      assert.match(v.python, PY);
      const supported = rel.python.includes(v.python);
      assert.equal(!supported, v.pythonBeyondUpstream === true, `${platform}:${v.id}: Python ${v.python} vs ${rel.python.join(',')}`);
      assertEvidence(`${platform}:${v.id}`, v.evidence);
    }
  });

  it('ids are unique per platform', () => {
    for (const k of ['mwaa', 'composer', 'astro'] as const) {
      const ids = platforms[k].map((v) => v.id);
      assert.equal(new Set(ids).size, ids.length, `${k}: duplicate id`);
    }
  });

  it('Composer images parse, carry the Airflow version of their name and include the required examples', () => {
    for (const v of platforms.composer) {
      const m = COMPOSER_IMAGE.exec(v.id);
      assert.ok(m, v.id);
      assert.equal(v.airflow, m[4]);
    }
    const ids = platforms.composer.map((v) => v.id);
    for (const id of ['composer-3-airflow-2.10.5-build.5', 'composer-2.9.7-airflow-2.9.3', 'composer-3-airflow-3.1.7-build.2', 'composer-3-airflow-2.10.5-build.31', 'composer-2.16.8-airflow-2.10.5']) {
      assert.ok(ids.includes(id), `${id} missing`);
    }
    const series = platforms.series?.composer ?? [];
    assert.deepEqual(series.map((s) => `${s.series}/${s.python}`), ['composer-1/3.8', 'composer-2/3.11', 'composer-3/3.11']);
    for (const s of series) assertEvidence(s.series, s.evidence);
  });

  it('Astro runtimes map to the right Airflow, including the 3.0.x trap and the required examples', () => {
    const rt = (id: string) => platforms.astro.find((v) => v.id === id);
    assert.equal(rt('3.0.4')?.airflow, '2.1.1', 'old runtime 3.0.4 is Airflow 2.1');
    assert.equal(rt('4.0.0')?.airflow, '2.2.0');
    assert.equal(rt('11.8.0')?.airflow, '2.9.3');
    assert.equal(rt('12.0.0')?.airflow, '2.10.0');
    assert.equal(rt('12.1.0')?.airflow.startsWith('2.10'), true);
    assert.equal(rt('12.1.0')?.python, '3.12');
    assert.equal(rt('8.0.0')?.status, 'yanked');
    assert.equal(rt('9.6.0')?.status, 'yanked');
    assert.equal(rt('11.1.0')?.status, 'yanked');
    assert.notEqual(rt('11.2.0')?.status, 'yanked');
    const majorOf = (id: string) => id.split('.')[0];
    for (const v of platforms.astro.filter((x) => !/^\d+\.\d+-\d+/.test(x.id))) {
      const s = platforms.series?.astro.find((x) => x.series === majorOf(v.id));
      assert.ok(s, `series for ${v.id}`);
      assert.equal(v.airflow.split('.').slice(0, 2).join('.'), s.airflow, `${v.id}: Airflow ${v.airflow} outside series ${s.airflow}`);
    }
    const ids = platforms.astro.map((v) => v.id);
    assert.deepEqual([...ids].sort(astroOrder), ids, 'astro runtimes sorted the way astro-cli ranks them');
  });

  it('Astro series cover runtime 3–13 and the X.Y-N format for Airflow 3.0–3.3', () => {
    const s = new Map((platforms.series?.astro ?? []).map((x) => [x.series, x]));
    const expect: Record<string, [string, string]> = {
      '3': ['2.1', '3.9'], '4': ['2.2', '3.9'], '5': ['2.3', '3.9'], '6': ['2.4', '3.9'], '7': ['2.5', '3.9'], '8': ['2.6', '3.10'],
      '9': ['2.7', '3.11'], '10': ['2.8', '3.11'], '11': ['2.9', '3.11'], '12': ['2.10', '3.12'], '13': ['2.11', '3.12'],
      '3.0-': ['3.0', '3.12'], '3.1-': ['3.1', '3.12'], '3.2-': ['3.2', '3.12'], '3.3-': ['3.3', '3.12'],
    };
    for (const [series, [airflow, python]] of Object.entries(expect)) {
      assert.equal(s.get(series)?.airflow, airflow, `series ${series}`);
      assert.equal(s.get(series)?.python, python, `series ${series}`);
      assertEvidence(`astro series ${series}`, s.get(series)?.evidence);
    }
  });
});

describe('knowledge base: generator', () => {
  it('the checked-in JSON is what scripts/kb/platforms.ts generates from the sources', function () {
    if (!existsSync(SHARED)) this.skip(); // ../shared is only present in the development checkout
    const kbOut = generate(SHARED);
    const data = (name: string) => JSON.parse(readFileSync(join(ROOT, 'core', 'src', 'knowledge', 'data', name), 'utf8'));
    assert.deepEqual(kbOut.releases, data('releases.json'));
    assert.deepEqual(kbOut.platforms, data('platforms.json'));
    assert.deepEqual(kbOut.providers, data('providers.json'));
    assert.deepEqual(kbOut.features, data('features.json'));
  });
});

describe('knowledge base: features.json', () => {
  const features = new Map(kb.features());

  it('every feature has a title, detectors, well-formed ranges and evidence', () => {
    assert.ok(features.size >= 25, `only ${features.size} features`);
    for (const [id, f] of features) {
      assert.ok(f.title, `${id}: title`);
      // A behaviour another rule consults (AF121: TaskFlow context arguments) has no AF131 detector; its note says which rule.
      assert.ok(f.detect.length > 0 || /Consulted by AF\d{3}/.test(f.note ?? ''), `${id}: detect`);
      for (const d of f.detect) {
        // one kind per detector; a method detector may be narrowed to @task_group receivers
        const keys = Object.keys(d).filter((k) => !('method' in d && k === 'receiver'));
        assert.equal(keys.length, 1, `${id}: detector ${JSON.stringify(d)}`);
        if ('receiver' in d) assert.equal(d.receiver, 'task_group', `${id}: receiver`);
        assert.ok(['decorator', 'method', 'name', 'operands'].includes(keys[0]), `${id}: detector kind ${keys[0]}`);
        if ('name' in d) assert.match(d.name, /^airflow(\.\w+)+:\w+$/, `${id}: name detector is module:Name`);
        if ('operands' in d) assert.match(d.operands, /^airflow(\.\w+)+:\w+$/, `${id}: operands detector is module:Name`);
      }
      for (const r of [...f.available, ...(f.deprecated ?? [])]) {
        assert.match(r.from, VERSION, `${id}: from`);
        if (r.to !== null) assert.ok(cmpVersion(r.from, r.to) < 0, `${id}: empty range ${r.from}–${r.to}`);
        assert.ok(releases.some((x) => x.version === r.from), `${id}: ${r.from} is not a release`);
      }
      assertEvidence(`feature ${id}`, f.evidence);
    }
  });

  it('first versions match the Airflow sources', () => {
    const first: Record<string, string> = {
      taskflow: '2.0.0', task_group_decorator: '2.1.0', task_virtualenv: '2.1.0', task_docker: '2.2.0', dynamic_task_mapping: '2.3.0',
      task_branch: '2.3.0', expand_kwargs: '2.4.0', datasets: '2.4.0', task_short_circuit: '2.4.0', task_external_python: '2.4.0',
      task_kubernetes: '2.4.0', task_sensor: '2.5.0', setup_teardown: '2.7.0', task_branch_virtualenv: '2.8.0', task_bash: '2.9.0',
      task_run_if_skip_if: '2.10.0', dataset_alias: '2.10.0', assets: '3.0.0', asset_decorator: '3.0.0',
    };
    for (const [id, v] of Object.entries(first)) assert.equal(features.get(id)?.available[0].from, v, id);
  });

  it('verdicts per target version come out right through the availability helpers', () => {
    const at = (id: string, v: string) => statusAt(features.get(id) as FeatureFact, v);
    assert.equal(at('dynamic_task_mapping', '2.2.5'), 'notYet');
    assert.equal(at('dynamic_task_mapping', '2.3.0'), 'available');
    assert.equal(at('setup_teardown', '2.6.3'), 'notYet', '2.6 shipped setup/teardown disabled');
    assert.equal(at('setup_teardown', '2.7.2'), 'available');
    assert.equal(at('datasets', '3.0.6'), 'deprecated');
    assert.equal(at('assets', '2.10.3'), 'notYet');
    assert.equal(at('taskflow', '1.10.15'), 'notYet');
  });
});

describe('knowledge base: providers.json', () => {
  const DIST = /^(apache-airflow-providers-[a-z0-9]+(-[a-z0-9]+)*|astronomer-providers(-[a-z0-9]+)*|astro-sdk-python)$/;

  it('has a provider set for every release and every MWAA version, each with evidence', () => {
    for (const r of releases) assert.ok(kb.providersFor(`airflow:${r.version}`), `airflow:${r.version}`);
    for (const v of platforms.mwaa) assert.ok(kb.providersFor(`mwaa:${v.id}`), `mwaa:${v.id}`);
    for (const key of kb.providerKeys()) {
      const set = kb.providersFor(key);
      assert.ok(set);
      assert.match(key, /^(airflow|mwaa|astro|composer):\S+$/);
      for (const [name, version] of Object.entries(set.packages)) {
        assert.match(name, DIST, `${key}: ${name}`);
        assert.match(version, /^(\*|\d[0-9A-Za-z.+-]*)$/, `${key}: ${name}=${version}`);
      }
      assertEvidence(`providers ${key}`, set.evidence);
    }
  });

  it('every astro:/mwaa: provider key names a platform version in platforms.json', () => {
    for (const key of kb.providerKeys()) {
      const [platform, id] = key.split(':');
      if (platform === 'mwaa' || platform === 'astro') assert.ok(platforms[platform].some((v) => v.id === id), key);
    }
  });

  it('records what each platform really installs', () => {
    const has = (key: string, dist: string) => dist in (kb.providersFor(key)?.packages ?? {});
    assert.deepEqual(Object.keys(kb.providersFor('airflow:1.10.15')?.packages ?? { x: 1 }), [], 'Airflow 1.10 has no providers');
    assert.deepEqual(Object.keys(kb.providersFor('airflow:2.0.0')?.packages ?? {}).sort(), ['apache-airflow-providers-ftp', 'apache-airflow-providers-http', 'apache-airflow-providers-imap', 'apache-airflow-providers-sqlite']);
    assert.equal(has('airflow:2.1.0', 'apache-airflow-providers-http'), false, '2.1.0 dropped http from the pre-installed set');
    assert.equal(has('airflow:2.4.0', 'apache-airflow-providers-common-sql'), true);
    assert.equal(has('airflow:2.8.0', 'apache-airflow-providers-common-io'), false, 'commented out in 2.8.0 setup.py');
    assert.equal(has('airflow:2.9.0', 'apache-airflow-providers-fab'), true);
    assert.equal(has('airflow:3.0.0', 'apache-airflow-providers-standard'), true);
    assert.equal(has('mwaa:2.10.3', 'apache-airflow-providers-amazon'), true);
    assert.equal(kb.providersFor('mwaa:2.10.3')?.packages['apache-airflow-providers-amazon'], '9.0.0');
    assert.equal(has('mwaa:2.10.3', 'apache-airflow-providers-google'), false);
    assert.equal(has('mwaa:3.0.6', 'apache-airflow-providers-standard'), true);
    assert.equal(has('mwaa:2.4.3', 'apache-airflow-providers-postgres'), true);
    assert.equal(has('astro:11.8.0', 'apache-airflow-providers-google'), true);
    assert.equal(has('astro:11.8.0', 'apache-airflow-providers-snowflake'), false);
    assert.equal(has('astro:3.1-12', 'apache-airflow-providers-standard'), true);
    assert.equal(has('astro:3.1-12', 'apache-airflow-providers-amazon'), false, 'Airflow 3 runtimes ship few providers');
  });
});

describe('knowledge base: seriesFor', () => {
  it('finds the series of listed and unlisted Composer images and Astro runtimes', () => {
    assert.equal(kb.seriesFor('composer', 'composer-2.13.9-airflow-2.10.5')?.python, '3.11');
    assert.equal(kb.seriesFor('composer', 'composer-2.0.31-airflow-2.1.4')?.pythonFallback, '3.8');
    assert.equal(kb.seriesFor('composer', 'composer-3-airflow-2.10.5-build.40')?.series, 'composer-3');
    assert.equal(kb.seriesFor('composer', 'composer-1.20.12-airflow-1.10.15')?.python, '3.8');
    assert.equal(kb.seriesFor('composer', 'cloud-composer-2'), undefined);
    assert.equal(kb.seriesFor('astro', '12.5.0')?.airflow, '2.10');
    assert.equal(kb.seriesFor('astro', '3.0.4')?.airflow, '2.1', 'old-format 3.0.x is Airflow 2.1');
    assert.equal(kb.seriesFor('astro', '3.0-4')?.airflow, '3.0');
    assert.equal(kb.seriesFor('astro', '3.1-12')?.python, '3.12');
    assert.equal(kb.seriesFor('astro', '99.0.0'), undefined);
    assert.equal(kb.seriesFor('astro', 'latest'), undefined);
  });
});
