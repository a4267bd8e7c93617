import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { ManagedAirflowError } from '../../core/src/errors';
import { getKnowledgeBase, normaliseVersion } from '../../core/src/knowledge';
import {
  defaultTarget, describeTarget, detectFromDockerfile, detectFromPyproject, detectFromRequirements, withPython, detectTarget, listTargets, resolveTarget, resolveTargetLabel,
} from '../../core/src/targets';

/** Run `fn`, expect a ManagedAirflowError of kind "target", return it. */
function targetError(fn: () => unknown): ManagedAirflowError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ManagedAirflowError, `expected ManagedAirflowError, got ${String(e)}`);
    assert.equal(e.kind, 'target');
    assert.equal(e.exitCode, 2);
    return e;
  }
  assert.fail('expected a target error');
}

describe('targets: the labels of issue 3 resolve', () => {
  const cases: [label: string, airflow: string | RegExp, python: string][] = [
    ['mwaa:2.10.3', '2.10.3', '3.11'],
    ['mwaa:3.0.6', '3.0.6', '3.12'],
    ['composer:composer-3-airflow-2.10.5-build.5', '2.10.5', '3.11'],
    ['composer:composer-2.9.7-airflow-2.9.3', '2.9.3', '3.11'],
    ['astro:12.1.0', /^2\.10\.\d+$/, '3.12'],
    ['astro:3.0-4', /^3\.0\.\d+$/, '3.12'],
    ['airflow:2.9.2', '2.9.2', '3.12'],
  ];
  for (const [label, airflow, python] of cases) {
    it(`${label} → Airflow ${airflow}, Python ${python}`, () => {
      const t = resolveTargetLabel(label);
      assert.equal(t.label, label);
      assert.equal(t.platform, label.split(':')[0]);
      if (typeof airflow === 'string') assert.equal(t.airflow, airflow);
      else assert.match(t.airflow, airflow);
      assert.equal(t.python, python);
      assert.equal(t.source, 'flag');
    });
  }

  it('airflow:2.9.2 with --python 3.11 runs Python 3.11 without a caveat', () => {
    const t = resolveTargetLabel('airflow:2.9.2', { python: '3.11' });
    assert.equal(t.airflow, '2.9.2');
    assert.equal(t.python, '3.11');
    assert.deepEqual(t.notes, []);
  });

  it('a self-hosted target without --python says which Python it assumes; platforms and --python do not', () => {
    const t = resolveTargetLabel('airflow:1.10.3');
    assert.equal(t.python, '3.5');
    assert.ok(t.notes.some((n) => /Python 3\.5 assumed .*--python/.test(n)), t.notes.join('; '));
    assert.ok(!resolveTargetLabel('mwaa:2.10.3').notes.some((n) => /assumed/.test(n)));
    assert.ok(!withPython(t, '3.6').notes.some((n) => /assumed/.test(n)));
  });

  it('--python outside the release’s supported range is kept but noted', () => {
    const t = resolveTargetLabel('mwaa:2.2.2', { python: '3.12' });
    assert.equal(t.python, '3.12');
    assert.ok(t.notes.some((n) => /does not support Python 3\.12/.test(n)), t.notes.join('; '));
  });

  it('old-format Astro Runtime 3.0.4 is Airflow 2.1, not Airflow 3', () => {
    const t = resolveTargetLabel('astro:3.0.4');
    assert.match(t.airflow, /^2\.1\.\d+$/);
    assert.equal(t.python, '3.9');
    const n = resolveTargetLabel('astro:3.0-4');
    assert.equal(semver.major(n.airflow), 3);
  });

  it('Astro Runtime majors 4–13 map to Airflow 2.2–2.11', () => {
    for (let major = 4; major <= 13; major++) {
      const id = getKnowledgeBase().platforms().astro.find((p) => p.id.startsWith(`${major}.`))?.id ?? `${major}.0.0`;
      const t = resolveTargetLabel(`astro:${id}`);
      assert.equal(semver.major(t.airflow), 2, id);
      assert.equal(semver.minor(t.airflow), major - 2, `astro:${id} → ${t.airflow}`);
    }
  });

  it('a Python tag suffix on an Astro runtime is ignored for the version', () => {
    const t = resolveTargetLabel('astro:12.1.0-python-3.11', { python: '3.11' });
    assert.equal(t.label, 'astro:12.1.0');
    assert.equal(t.python, '3.11');
  });
});

describe('targets: every MWAA version the platform offers or offered', () => {
  const offered: [string, string][] = [
    ['1.10.12', '3.7'], ['2.0.2', '3.7'], ['2.2.2', '3.7'], ['2.4.3', '3.10'], ['2.5.1', '3.10'], ['2.6.3', '3.10'], ['2.7.2', '3.11'], ['2.8.1', '3.11'],
    ['2.9.2', '3.11'], ['2.10.1', '3.11'], ['2.10.3', '3.11'], ['2.11.0', '3.12'], ['2.11.2', '3.12'], ['3.0.6', '3.12'], ['3.2.1', '3.12'], ['3.3.1', '3.12'],
  ];
  for (const [v, py] of offered) {
    it(`mwaa:${v} → Airflow ${v}, Python ${py}`, () => {
      const t = resolveTargetLabel(`mwaa:${v}`);
      assert.equal(t.airflow, v);
      assert.equal(t.python, py);
    });
  }

  it('every listed target (MWAA, Composer, Astro, every Airflow release) resolves to a known release', () => {
    const releases = new Set(getKnowledgeBase().releases().map((r) => r.version));
    const all = listTargets();
    assert.ok(all.length > 100, `only ${all.length} targets`);
    for (const platform of ['mwaa', 'composer', 'astro', 'airflow']) assert.ok(all.some((t) => t.platform === platform), platform);
    for (const entry of all) {
      const t = resolveTargetLabel(entry.label);
      assert.ok(releases.has(t.airflow), `${entry.label} → ${t.airflow} is not a known release`);
      assert.match(t.python, /^3\.\d+$/, entry.label);
    }
  });

  it('self-hosted 1.10.x runs its newest Python 3, never Python 2.7', () => {
    assert.equal(resolveTargetLabel('airflow:1.10.0').python, '3.5');
    assert.equal(resolveTargetLabel('airflow:1.10.15').python, '3.8');
  });

  it('airflow:X.Y means the newest release of that line', () => {
    const t = resolveTargetLabel('airflow:2.9');
    assert.equal(t.airflow, '2.9.3');
    assert.equal(t.label, 'airflow:2.9.3');
    assert.equal(resolveTargetLabel('airflow:1.10').airflow, '1.10.15');
  });

  it('covers every Airflow release from 1.10 to the newest 3.x as airflow:<v>', () => {
    const labels = new Set(listTargets().filter((t) => t.platform === 'airflow').map((t) => t.label));
    for (const v of ['1.10.12', '1.10.15', '2.0.2', '2.3.4', '2.6.3', '2.10.5', '2.11.0', '3.0.6', '3.1.0']) assert.ok(labels.has(`airflow:${v}`), v);
  });
});

describe('targets: malformed and unknown labels', () => {
  const malformed = ['', '   ', 'mwaa', 'mwaa:', 'gke:2.9.2', 'composer:composer-3', 'composer:2.10.5', 'astro:banana', 'airflow:two', 'airflow:2.9.x'];
  for (const label of malformed) {
    it(`"${label}" is malformed`, () => {
      const e = targetError(() => resolveTargetLabel(label));
      assert.equal(e.code, 'target.malformed');
      assert.ok(e.hint && /mwaa:2\.10\.3/.test(e.hint), 'hint shows a well-formed example');
    });
  }

  it('an MWAA version that was never offered lists the closest offered ones', () => {
    const e = targetError(() => resolveTargetLabel('mwaa:2.3.4'));
    assert.equal(e.code, 'target.unknown');
    const closest = e.details?.closest as string[];
    assert.ok(Array.isArray(closest) && closest.length > 0);
    assert.deepEqual(closest.slice(0, 2).sort(), ['mwaa:2.2.2', 'mwaa:2.4.3'], closest.join(', '));
    assert.match(e.hint ?? '', /Closest supported: mwaa:/);
  });

  it('mwaa:3.1.6 (an image dir that never shipped) is unknown and suggests 3.0.6 / 3.2.1', () => {
    const e = targetError(() => resolveTargetLabel('mwaa:3.1.6'));
    const closest = e.details?.closest as string[];
    assert.ok(closest.includes('mwaa:3.0.6') && closest.includes('mwaa:3.2.1'), closest.join(', '));
  });

  it('an unknown Airflow release suggests real releases', () => {
    const e = targetError(() => resolveTargetLabel('airflow:2.10.9'));
    assert.equal(e.code, 'target.unknown');
    const closest = e.details?.closest as string[];
    assert.ok(closest.length && closest.every((c) => c.startsWith('airflow:2.10.')), closest.join(', '));
  });

  it('a Composer image with an unknown Airflow version is unknown', () => {
    const e = targetError(() => resolveTargetLabel('composer:composer-3-airflow-2.10.9-build.1'));
    assert.equal(e.code, 'target.unknown');
  });

  it('an unknown Astro runtime major is unknown', () => {
    const e = targetError(() => resolveTargetLabel('astro:99.0.0'));
    assert.equal(e.code, 'target.unknown');
  });

  it('an invalid --python is a target error', () => {
    const e = targetError(() => resolveTargetLabel('airflow:2.9.2', { python: '3' }));
    assert.equal(e.code, 'target.python');
  });
});

describe('targets: detection from the project', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ma-targets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('Astro Dockerfile FROM quay.io/astronomer/astro-runtime:12.1.0', () => {
    const t = detectFromDockerfile('# Astro project\nFROM quay.io/astronomer/astro-runtime:12.1.0\nENV X=1\n', 'Dockerfile');
    assert.ok(t);
    assert.equal(t.label, 'astro:12.1.0');
    assert.equal(t.source, 'dockerfile');
    assert.equal(t.sourceDetail, 'Dockerfile');
  });

  it('Astro Airflow 3 runtime image astrocrpublic.azurecr.io/runtime:3.0-4', () => {
    const t = detectFromDockerfile('FROM astrocrpublic.azurecr.io/runtime:3.0-4\n', 'Dockerfile');
    assert.equal(t?.label, 'astro:3.0-4');
    assert.equal(semver.major(t!.airflow), 3);
  });

  it('apache/airflow image with a Python tag', () => {
    const t = detectFromDockerfile('FROM apache/airflow:3.0.6-python3.12\nUSER airflow\n', 'Dockerfile');
    assert.equal(t?.label, 'airflow:3.0.6');
    assert.equal(t?.python, '3.12');
  });

  it('a Dockerfile without an Airflow base image detects nothing', () => {
    assert.equal(detectFromDockerfile('FROM python:3.11-slim\nRUN pip install x\n', 'Dockerfile'), undefined);
  });

  it('requirements.txt --constraint URL names Airflow and Python', () => {
    const req = '--constraint "https://raw.githubusercontent.com/apache/airflow/constraints-2.10.3/constraints-3.11.txt"\napache-airflow-providers-snowflake==5.8.0\n';
    const t = detectFromRequirements(req, 'requirements.txt');
    assert.equal(t?.label, 'airflow:2.10.3');
    assert.equal(t?.airflow, '2.10.3');
    assert.equal(t?.python, '3.11');
    assert.equal(t?.source, 'requirements');
  });

  it('requirements.txt -c short form', () => {
    const t = detectFromRequirements('-c https://raw.githubusercontent.com/apache/airflow/constraints-2.9.2/constraints-3.11.txt\n', 'r.txt');
    assert.equal(t?.airflow, '2.9.2');
  });

  it('without a constraints URL an exact apache-airflow pin names the Airflow version (providers and ranges do not)', () => {
    const t = detectFromRequirements('# via pip-compile\napache-airflow-providers-amazon==8.24.0\napache-airflow[celery,postgres] == 2.9.2  # pinned\n', 'requirements/requirements.txt');
    assert.equal(t?.label, 'airflow:2.9.2');
    assert.equal(t?.source, 'requirements');
    assert.equal(t?.sourceDetail, 'requirements/requirements.txt');
    assert.equal(detectFromRequirements('apache-airflow>=2.9\napache-airflow-providers-http==4.0.0\n', 'r.txt'), undefined);
    const constrained = detectFromRequirements('apache-airflow==2.9.2\n-c https://raw.githubusercontent.com/apache/airflow/constraints-2.10.3/constraints-3.11.txt\n', 'r.txt');
    assert.equal(constrained?.label, 'airflow:2.10.3', 'the constraints URL wins');
    assert.throws(() => detectFromRequirements('apache-airflow==2.99.0\n', 'r.txt'), /2\.99\.0/);
  });

  it('pyproject.toml: an exact apache-airflow pin in the dependencies', () => {
    const t = detectFromPyproject('[project]\nname = "x"\ndependencies = [\n    "apache-airflow[celery]==3.2.0",\n    "apache-airflow-providers-databricks==7.0.0",\n]\n', 'pyproject.toml');
    assert.equal(t?.label, 'airflow:3.2.0');
    assert.equal(detectFromPyproject('dependencies = ["apache-airflow>=2.9", "apache-airflow-providers-http==4.0.0"]\n', 'pyproject.toml'), undefined);
  });

  it('a pinned Python keeps where a detected target came from and its official image', () => {
    const t = withPython(detectFromDockerfile('FROM apache/airflow:2.10.2\n', '/p/Dockerfile')!, '3.10');
    assert.deepEqual([t.label, t.python, t.source, t.sourceDetail, t.image], ['airflow:2.10.2', '3.10', 'dockerfile', '/p/Dockerfile', 'apache/airflow:2.10.2']);
    const d = withPython(defaultTarget(), '3.11');
    assert.deepEqual([d.source, d.python, d.image], ['default', '3.11', undefined]);
    const dt = defaultTarget();
    assert.equal(withPython(dt, undefined), dt, "no pinned Python: the same target");
  });

  it('a requirements.txt without a constraint detects nothing', () => {
    assert.equal(detectFromRequirements('pandas==2.2.2\n# --constraint in a comment\n', 'r.txt'), undefined);
  });

  it('detectTarget walks up from dags/ to the project root; Dockerfile first', () => {
    mkdirSync(path.join(dir, 'dags', 'team'), { recursive: true });
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM quay.io/astronomer/astro-runtime:12.1.0\n');
    writeFileSync(path.join(dir, 'requirements.txt'), '--constraint https://raw.githubusercontent.com/apache/airflow/constraints-2.9.2/constraints-3.11.txt\n');
    const t = detectTarget(path.join(dir, 'dags', 'team'), dir);
    assert.equal(t?.label, 'astro:12.1.0');
    assert.equal(t?.sourceDetail, path.join(dir, 'Dockerfile'));
  });

  it('detectTarget finds a requirements.txt constraint when there is no Dockerfile', () => {
    mkdirSync(path.join(dir, 'dags'));
    writeFileSync(path.join(dir, 'requirements.txt'), '--constraint "https://raw.githubusercontent.com/apache/airflow/constraints-2.10.3/constraints-3.11.txt"\n');
    const t = detectTarget(path.join(dir, 'dags'), dir);
    assert.equal(t?.airflow, '2.10.3');
    assert.equal(t?.source, 'requirements');
  });

  it('detectTarget stops at the root it is given', () => {
    const inner = path.join(dir, 'inner');
    mkdirSync(path.join(inner, 'dags'), { recursive: true });
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM quay.io/astronomer/astro-runtime:12.1.0\n');
    assert.equal(detectTarget(path.join(inner, 'dags'), inner), undefined);
  });

  it('an unknown runtime in a Dockerfile is a target error naming the file', () => {
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM quay.io/astronomer/astro-runtime:99.0.0\n');
    const e = targetError(() => detectTarget(dir, dir));
    assert.equal(e.source, path.join(dir, 'Dockerfile'));
  });
});

describe('targets: resolution order flag → setting → detected → default', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ma-order-'));
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM quay.io/astronomer/astro-runtime:12.1.0\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the flag wins over everything', () => {
    const t = resolveTarget({ flag: 'mwaa:2.10.3', setting: 'mwaa:3.0.6', projectDir: dir, rootDir: dir });
    assert.equal(t.label, 'mwaa:2.10.3');
    assert.equal(t.source, 'flag');
  });

  it('then the setting', () => {
    const t = resolveTarget({ setting: 'mwaa:3.0.6', projectDir: dir, rootDir: dir });
    assert.equal(t.label, 'mwaa:3.0.6');
    assert.equal(t.source, 'setting');
    assert.equal(t.sourceDetail, 'managedAirflow.target');
  });

  it('a blank setting falls through to detection', () => {
    const t = resolveTarget({ setting: '  ', projectDir: dir, rootDir: dir });
    assert.equal(t.label, 'astro:12.1.0');
    assert.equal(t.source, 'dockerfile');
  });

  it('detection keeps an explicit --python', () => {
    const t = resolveTarget({ projectDir: dir, rootDir: dir, python: '3.11' });
    assert.equal(t.label, 'astro:12.1.0');
    assert.equal(t.python, '3.11');
  });

  it('without anything: the newest MWAA version, marked as the default', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'ma-empty-'));
    try {
      const t = resolveTarget({ projectDir: empty, rootDir: empty });
      const newest = getKnowledgeBase().platforms().mwaa.map((p) => normaliseVersion(p.id)).sort(semver.rcompare)[0];
      assert.equal(t.platform, 'mwaa');
      assert.equal(t.airflow, newest);
      assert.equal(t.source, 'default');
      assert.deepEqual(resolveTarget({}), defaultTarget());
      assert.match(describeTarget(t), new RegExp(`^mwaa:${newest.replace(/\./g, '\\.')} \\(Airflow ${newest.replace(/\./g, '\\.')}, Python 3\\.\\d+; from default\\)$`));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('a bad setting is a target error that names the setting', () => {
    const e = targetError(() => resolveTarget({ setting: 'mwaa:9.9.9' }));
    assert.equal(e.source, 'managedAirflow.target');
  });
});
