import assert from 'node:assert/strict';
import { getKnowledgeBase } from '../../core/src/knowledge';
import { compactRuns, parseAirflowExtras } from '../../scripts/kb/image-extras';

describe('knowledge base: providers of the official apache/airflow image', () => {
  it('reads the default AIRFLOW_EXTRAS of a production Dockerfile (normalised, sorted), not ADDITIONAL_AIRFLOW_EXTRAS', () => {
    const dockerfile = '# comment\nARG AIRFLOW_EXTRAS="async,amazon,cncf.kubernetes,microsoft.azure,google_auth"\nARG ADDITIONAL_AIRFLOW_EXTRAS="snowflake"\n';
    assert.deepEqual(parseAirflowExtras(dockerfile), ['amazon', 'async', 'cncf-kubernetes', 'google-auth', 'microsoft-azure']);
    assert.equal(parseAirflowExtras('FROM python:3.11\n'), undefined);
  });

  it('releases with the same extras become one run, keeping the first and last evidence', () => {
    const ev = (v: string) => ({ repo: 'r/a', path: 'Dockerfile', ref: v, commit: v });
    const runs = compactRuns([
      { version: '2.1.0', extras: ['a'], evidence: ev('2.1.0') },
      { version: '2.0.0', extras: ['a'], evidence: ev('2.0.0') },
      { version: '2.10.0', extras: ['a', 'b'], evidence: ev('2.10.0') },
      { version: '2.2.0', extras: ['a'], evidence: ev('2.2.0') },
    ]);
    assert.deepEqual(runs.map((r) => [r.from, r.to, r.extras.join(','), r.evidence.map((e) => e.ref).join(',')]), [
      ['2.0.0', '2.2.0', 'a', '2.0.0,2.2.0'],
      ['2.10.0', '2.10.0', 'a,b', '2.10.0'],
    ]);
  });

  it('the checked-in data: amazon/google/postgres in every 2.x/3.x image, snowflake from 2.6, none for 1.10, newest run carried forward', () => {
    const kb = getKnowledgeBase();
    assert.equal(kb.imageProviders('1.10.15'), undefined);
    for (const v of ['2.0.2', '2.5.1', '2.10.3', '3.0.6', '3.4.0']) {
      const p = kb.imageProviders(v)!.packages;
      for (const x of ['amazon', 'google', 'postgres', 'cncf-kubernetes']) assert.ok(p.includes(`apache-airflow-providers-${x}`), `${x} in ${v}`);
    }
    assert.ok(!kb.imageProviders('2.5.1')!.packages.includes('apache-airflow-providers-snowflake'));
    assert.ok(kb.imageProviders('2.6.0')!.packages.includes('apache-airflow-providers-snowflake'));
    assert.ok(kb.imageProviders('3.4.0')!.packages.includes('apache-airflow-providers-opensearch'), '3.3 run carried forward');
    assert.ok(kb.imageProviders('2.10.3')!.evidence.every((e) => e.path === 'Dockerfile' && /^[0-9a-f]{40}$/.test(e.commit)));
  });
});
