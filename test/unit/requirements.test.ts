import { strict as assert } from 'node:assert';
import { installedDistributions, normaliseDist, parseRequirements, requirementAddition } from '../../core/src/analysis/requirements';

describe('requirements.txt', () => {
  it('reads distribution names whatever the spelling, pins, extras, options and comments', () => {
    const r = parseRequirements('--constraint https://x/constraints-2.10.3/constraints-3.11.txt\n# c\nApache_Airflow.Providers-Snowflake==5.8.0\napache-airflow-providers-amazon[s3] >= 8\n  requests  # http\ngit+https://h/r.git#egg=my_pkg\n');
    assert.deepEqual([...r.entries()], [
      ['apache-airflow-providers-snowflake', '5.8.0'],
      ['apache-airflow-providers-amazon', undefined],
      ['requests', undefined],
      ['my-pkg', undefined],
    ]);
    assert.equal(normaliseDist(' Foo__Bar.baz '), 'foo-bar-baz');
  });

  it('adds one line at the end, after a newline when the file lacks one, and nothing when already listed', () => {
    assert.deepEqual(requirementAddition('a==1\nb\n', 'apache-airflow-providers-snowflake'), { line: 2, character: 0, newText: 'apache-airflow-providers-snowflake\n' });
    assert.deepEqual(requirementAddition('a==1', 'x'), { line: 0, character: 4, newText: '\nx\n' });
    assert.deepEqual(requirementAddition(undefined, 'x'), { line: 0, character: 0, newText: 'x\n' });
    assert.deepEqual(requirementAddition('', 'x'), { line: 0, character: 0, newText: 'x\n' });
    assert.equal(requirementAddition('Apache_Airflow_Providers_Snowflake>=5\n', 'apache-airflow-providers-snowflake'), undefined);
  });

  it('extras of apache-airflow and of providers install providers (AF141 counts them)', () => {
    const d = installedDistributions('apache-airflow[async,amazon,cncf.kubernetes,microsoft.mssql,providers-common-sql]==2.10.5\napache-airflow-providers-mysql[amazon] # extra\npandas[excel]\n');
    for (const p of ['apache-airflow', 'apache-airflow-providers-amazon', 'apache-airflow-providers-cncf-kubernetes', 'apache-airflow-providers-microsoft-mssql', 'apache-airflow-providers-common-sql', 'apache-airflow-providers-mysql', 'pandas']) assert.ok(d.has(p), p);
    assert.ok(!d.has('apache-airflow-providers-excel'), 'extras of other packages are not providers');
  });
});
