import path from 'node:path';
import { strict as assert } from 'node:assert';
import { lintText } from '../../core/src/analysis/engine';
import type { Diagnostic } from '../../core/src/analysis/types';
import { resolveTargetLabel } from '../../core/src/targets';
import { dagFolderOf, duplicateDagIdDiagnostics } from '../../core/src/analysis/workspace';
import { describeSchedule, validateCron } from '../../core/src/analysis/schedule';

/** Diagnostics of one code for `src` on a target, as "CODE:line[:severity]". */
async function diags(src: string, label: string, code: string): Promise<Diagnostic[]> {
  const r = await lintText(src, 'dag.py', { target: resolveTargetLabel(label) });
  return r.diagnostics.filter((d) => d.code === code);
}
async function lines(src: string, label: string, code: string): Promise<number[]> {
  return (await diags(src, label, code)).map((d) => d.range.start.line + 1);
}

const HEAD = `from datetime import datetime, timedelta\nfrom airflow import DAG\nfrom airflow.operators.bash import BashOperator\n`;

describe('AF001 file does not parse', () => {
  it('reports one error at the first syntax error with its line', async () => {
    const src = `${HEAD}\ndef f(:\n    pass\n\nx = (1,\n`;
    const d = await diags(src, 'mwaa:2.10.3', 'AF001');
    assert.equal(d.length, 1);
    assert.equal(d[0].severity, 'error');
    assert.equal(d[0].range.start.line, 4);
    assert.match(d[0].message, /line 5/);
  });
  it('missing token is named', async () => {
    const d = await diags(`x = foo(1, 2\ny = 3\n`, 'mwaa:2.10.3', 'AF001');
    assert.equal(d.length, 1);
    assert.match(d[0].message, /Syntax error at line \d/);
  });
  it('Python 2 print statement is a parse error; print() is not', async () => {
    assert.deepEqual(await lines(`print "hello"\n`, 'mwaa:2.10.3', 'AF001'), [1]);
    assert.deepEqual(await lines(`print("hello")\n`, 'mwaa:2.10.3', 'AF001'), []);
  });
  it('a valid file has no AF001', async () => {
    assert.deepEqual(await lines(`${HEAD}with DAG("x", start_date=datetime(2024, 1, 1)) as dag:\n    BashOperator(task_id="a", bash_command="x")\n`, 'mwaa:2.10.3', 'AF001'), []);
  });
});

describe('AF151 syntax newer than the target Python', () => {
  const cases: { name: string; src: string; line: number; oldest: string; newest: string }[] = [
    // oldest = a target where it is flagged, newest = a target where it is fine
    { name: 'walrus', src: `if (n := 3) > 2:\n    pass\n`, line: 1, oldest: 'mwaa:2.2.2', newest: 'mwaa:2.4.3' },
    { name: 'positional-only', src: `def f(a, /, b):\n    pass\n`, line: 1, oldest: 'mwaa:2.2.2', newest: 'mwaa:2.4.3' },
    { name: 'match', src: `x = 1\nmatch x:\n    case 1:\n        pass\n`, line: 2, oldest: 'mwaa:2.2.2', newest: 'mwaa:2.4.3' },
    { name: 'except*', src: `try:\n    pass\nexcept* ValueError:\n    pass\n`, line: 3, oldest: 'mwaa:2.6.3', newest: 'mwaa:2.10.3' },
    { name: 'type alias', src: `type Rows = list[int]\n`, line: 1, oldest: 'mwaa:2.10.3', newest: 'mwaa:3.0.6' },
    { name: 'generic function', src: `def first[T](xs: list[T]) -> T:\n    return xs[0]\n`, line: 1, oldest: 'mwaa:2.10.3', newest: 'mwaa:3.0.6' },
    { name: 'PEP 701 nested quotes', src: `d = {"a": 1}\ns = f"{d["a"]}"\n`, line: 2, oldest: 'mwaa:2.10.3', newest: 'mwaa:3.0.6' },
    { name: 'PEP 701 backslash', src: `xs = ["a"]\ns = f"{'\\n'.join(xs)}"\n`, line: 2, oldest: 'mwaa:2.10.3', newest: 'mwaa:3.0.6' },
    { name: 'PEP 758 except A, B', src: `try:\n    pass\nexcept ValueError, TypeError:\n    pass\n`, line: 3, oldest: 'mwaa:3.0.6', newest: 'airflow:3.1.0 --python 3.14' },
    { name: 't-string', src: `x = 1\ns = t"v={x}"\n`, line: 2, oldest: 'mwaa:3.0.6', newest: 'airflow:3.1.0 --python 3.14' },
  ];
  const target = (l: string) => {
    const [label, , py] = l.split(' ');
    return py ? resolveTargetLabel(label, { python: py }) : resolveTargetLabel(label);
  };
  for (const c of cases) {
    it(`${c.name}: flagged on ${c.oldest}, fine on ${c.newest.replace(' --python', ' python')}`, async () => {
      const bad = (await lintText(c.src, 'x.py', { target: target(c.oldest) })).diagnostics.filter((d) => d.code === 'AF151');
      assert.equal(bad.length, 1, `${c.name}: ${JSON.stringify(bad.map((d) => d.message))}`);
      assert.equal(bad[0].range.start.line + 1, c.line);
      assert.match(bad[0].message, new RegExp(`needs Python 3\\.\\d+\\+; .* runs Python ${target(c.oldest).python.replace('.', '\\.')}`));
      const ok = (await lintText(c.src, 'x.py', { target: target(c.newest) })).diagnostics.filter((d) => d.code === 'AF151' || d.code === 'AF001');
      assert.deepEqual(ok, []);
    });
  }
  it('f-strings valid before 3.12 (other quote inside, format spec) are not flagged', async () => {
    const src = `x = 1\nw = 5\ns = f"{x!r:>{w}} {'a'} {x:%Y}"\nt = f'''{"a"}'''\n`;
    assert.deepEqual(await lines(src, 'mwaa:2.2.2', 'AF151'), []);
  });
  it('parenthesized with-items are flagged on 3.7, a parenthesized expression is not', async () => {
    assert.deepEqual(await lines(`with (open("a") as f, open("b") as g):\n    pass\n`, 'mwaa:2.2.2', 'AF151'), [1]);
    assert.deepEqual(await lines(`with (open("a")) as f:\n    pass\n`, 'mwaa:2.2.2', 'AF151'), []);
  });
  it('the same feature in a comment or docstring is never flagged', async () => {
    assert.deepEqual(await lines(`"""if (n := 3): match x"""\n# type X = int\n`, 'mwaa:2.2.2', 'AF151'), []);
  });
});

describe('AF201 hard-coded credentials', () => {
  const flagged = async (src: string, label = 'mwaa:2.10.3') => (await diags(src, label, 'AF201'));
  it('AWS access key id (error), message without the secret and naming the MWAA backend', async () => {
    const d = await flagged(`KEY_ID = "AKIAQWERTYUIOPASDFGH"\n`);
    assert.equal(d.length, 1);
    assert.equal(d[0].severity, 'error');
    assert.doesNotMatch(d[0].message, /AKIAQWERTYUIOPASDFGH/);
    assert.match(d[0].message, /AWS Secrets Manager/);
  });
  it('names the platform secrets backend per target', async () => {
    const src = `password = "s3cr3t-Value"\n`;
    assert.match((await flagged(src, 'composer:composer-3-airflow-2.10.5-build.5'))[0].message, /Secret Manager/);
    assert.match((await flagged(src, 'astro:12.1.0'))[0].message, /Astro/);
  });
  it('password/secret/token-like names bound to literals: variables, kwargs, dict keys, defaults', async () => {
    const src = [
      `db_password = "hunter22x"`,
      `conn = make(host="h", password="p4ssw0rd!")`,
      `cfg = {"api_key": "k-123456789", "host": "x"}`,
      `def f(token="tok_abcdef"):`,
      `    pass`,
      `slackToken = "abcdefgh"`,
      `DB_PASS = "test123"`,
      `password = "Passw0rd_secret"`,
    ].join('\n');
    assert.deepEqual((await flagged(src)).map((d) => d.range.start.line + 1), [1, 2, 3, 4, 6, 7, 8]);
  });
  it('connection URIs with passwords, private keys, GitHub/Slack/Google tokens', async () => {
    const src = [
      `URI = "postgresql://etl:Sup3rS3cret@db.internal:5432/warehouse"`,
      `KEY = """-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----"""`,
      `gh = "ghp_${'a'.repeat(36)}"`,
      `hook_url = "https://hooks.slack.com/services/T024BE7LD/B01ABCD2EFG/q8Vb1kP0c9wXy7Z2"`,
      `g = "AIza${'b'.repeat(35)}"`,
    ].join('\n');
    assert.deepEqual((await flagged(src)).map((d) => d.range.start.line + 1), [1, 2, 5, 6, 7]);
  });
  it('never flags placeholders, templates, runtime lookups, names that are not secrets, or docstrings', async () => {
    const src = [
      `import os`,
      `from airflow.models import Variable`,
      `"""password = "hunter22x" and AKIAQWERTYUIOPASDFGH in docs"""`,
      `# token = "abcdefgh"`,
      `password = ""`,
      `password = "{{ var.value.db_password }}"`,
      `token = "\${SLACK_TOKEN}"`,
      `secret = "changeme"`,
      `api_key = "<your-api-key>"`,
      `password = os.environ["DB_PASSWORD"]`,
      `token = Variable.get("token")`,
      `secret_name = "prod/db/password"`,
      `password_conn_id = "my_db"`,
      `aws_access_key_id_env = "AWS_ACCESS_KEY_ID"`,
      `uri = "postgresql://etl:{{ conn.db.password }}@db/x"`,
      `bypass = "some-value"`,
      `example = "AKIAIOSFODNN7EXAMPLE"`,
      // the placeholders of the Slack/AWS/GitHub docs
      `hook_url = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"`,
      `aws_key = "AKIAXXXXXXXXXXXXXXXX"`,
      `gh_token = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"`,
      `slack_token = "xoxb-xxxxxxxxxxxx-xxxxxxxxxxxxx"`,
      // values that name what they stand for (Airflow's own system-test DAGs)
      `RDS_PASSWORD = "rds_password"`,
      `cfg = {"MasterUserPassword": "database_password", "auth_token": "top-secret"}`,
      `connect(master_user_password="dummypass", password="test")`,
    ].join('\n');
    assert.deepEqual((await flagged(src)).map((d) => `${d.range.start.line + 1}: ${d.message.slice(0, 60)}`), []);
  });
  it('names and files of credentials are not credentials (audit round 4: a Kubernetes/vault DAG repository, a BigQuery loader)', async () => {
    const src = [
      `WORKLOAD_TOKEN_AUDIENCE = "https://kubernetes.default.svc.cluster.local"`,
      `VAULT_TOKEN_AUDIENCE = "vault"`,
      `_KUBE_SECRET_ROOT = "/var/run/secrets/acme/kube-api"`,
      `config.api_key_prefix["BearerToken"] = "Bearer"`,
      `env = make_env(secret_name="gh-status", secret_key="token")`,
      `cfg = {"token_key": "access_token", "include_credentials": "true"}`,
      `os.environ["GOOGLE_APPLICATION_CREDENTIALS"] = "service-account.json"`,
      `ssh_private_key = "~/.ssh/id_rsa"`,
    ].join('\n');
    assert.deepEqual((await flagged(src)).map((d) => `${d.range.start.line + 1}: ${d.message.slice(0, 60)}`), []);
    const real = [`api_key = "c9e471ecc4"`, `token = "Bearer abcdef0123456789abcd"`, `password = "airflow"`, `secret = "/Ab+cdEfGhIjKlMnOpQrStUvWxYz0123456789/+a"`].join('\n');
    assert.deepEqual((await flagged(real)).map((d) => d.range.start.line + 1), [1, 2, 3, 4]);
  });
});

describe('AF211 heavy top-level code', () => {
  it('Variable.get, connections, hooks, requests, boto3, DB connects, sleep, subprocess at module level / in DAG bodies', async () => {
    const src = [
      `import time, subprocess, requests, boto3, psycopg2`, // 1
      `from airflow import DAG`,
      `from airflow.models import Variable`,
      `from airflow.hooks.base import BaseHook`,
      `from airflow.providers.postgres.hooks.postgres import PostgresHook`, // 5
      `from airflow.decorators import dag, task`,
      `cfg = Variable.get("cfg")`, // 7
      `conn = BaseHook.get_connection("db")`, // 8
      `rows = PostgresHook(postgres_conn_id="db").get_records("select 1")`, // 9
      `r = requests.get("https://example.com")`, // 10
      `s3 = boto3.client("s3")`, // 11
      `db = psycopg2.connect("dbname=x")`, // 12
      `time.sleep(1)`, // 13
      `subprocess.run(["ls"])`, // 14
      `@dag(schedule=None)`,
      `def d():`,
      `    x = Variable.get("x")`, // 17
      `d()`,
    ].join('\n');
    const got = await lines(src, 'mwaa:2.10.3', 'AF211');
    assert.deepEqual(got, [7, 8, 9, 10, 11, 12, 13, 14, 17]); // line 9: one finding for the hook chain
    const v = (await diags(src, 'mwaa:2.10.3', 'AF211'))[0];
    assert.match(v.message, /\{\{ var\.value\.<key> \}\}/);
    assert.equal(v.severity, 'warning');
  });
  it('never inside task callables, plain functions, lambdas or the __main__ block', async () => {
    const src = [
      `import time, requests`,
      `from airflow.models import Variable`,
      `from airflow.decorators import task`,
      `@task`,
      `def fetch():`,
      `    return requests.get(Variable.get("url")).json()`,
      `def callable_():`,
      `    time.sleep(5)`,
      `f = lambda: Variable.get("x")`,
      `if __name__ == "__main__":`,
      `    requests.get("http://localhost")`,
      `tmpl = "{{ var.value.x }}"  # Variable.get("x") in a comment`,
    ].join('\n');
    assert.deepEqual(await lines(src, 'mwaa:2.10.3', 'AF211'), []);
  });
  it('a hook built as an operator argument is the operator API, unless its constructor connects (SSHHook)', async () => {
    const src = [
      `from airflow import DAG`,
      `from airflow.providers.microsoft.winrm.hooks.winrm import WinRMHook`,
      `from airflow.providers.microsoft.winrm.operators.winrm import WinRMOperator`,
      `from airflow.providers.ssh.hooks.ssh import SSHHook`,
      `from airflow.providers.ssh.operators.ssh import SSHOperator`,
      `with DAG("hooks_as_args") as dag:`,
      `    WinRMOperator(task_id="w", command="dir", winrm_hook=WinRMHook(ssh_conn_id="win"))`,
      `    SSHOperator(task_id="s", command="ls", ssh_hook=SSHHook(ssh_conn_id="box"))`, // 8: reads the connection
      `    hook = WinRMHook(ssh_conn_id="win")`, // 9: not an argument
    ].join('\n');
    assert.deepEqual(await lines(src, 'airflow:2.10.3', 'AF211'), [8, 9]);
  });
  it('aliases resolve: from requests import get as fetch', async () => {
    assert.deepEqual(await lines(`from requests import get as fetch\nfetch("http://x")  # airflow dag\n`, 'mwaa:2.10.3', 'AF211'), [2]);
    assert.deepEqual(await lines(`def fetch(u):\n    return u\nfetch("http://x")  # airflow dag\n`, 'mwaa:2.10.3', 'AF211'), []);
  });
  it('silent for files the DAG processor never imports (safe mode: no "dag" and "airflow"; case-sensitive "DAG" on 1.10)', async () => {
    const script = `import requests\nrequests.post("http://localhost:8080/api/v1/datasets/events")\n`;
    assert.deepEqual(await lines(script, 'mwaa:2.10.3', 'AF211'), []);
    assert.deepEqual(await lines(`${script}# refreshes the Airflow dataset\n`, 'mwaa:2.10.3', 'AF211'), [], '"dataset" holds no "dag"');
    const mentions = `${script}# triggers the Airflow dag\n`;
    assert.deepEqual(await lines(mentions, 'mwaa:2.10.3', 'AF211'), [2], 'case-insensitive from 2.0');
    assert.deepEqual(await lines(mentions, 'mwaa:1.10.12', 'AF211'), [], '1.10 looks for "DAG" exactly');
    assert.deepEqual(await lines(`${script}# triggers the airflow DAG\n`, 'mwaa:1.10.12', 'AF211'), [2]);
  });
});

describe('AF221 start_date', () => {
  const noStart = `${HEAD}with DAG("etl", schedule_interval="@daily") as dag:\n    BashOperator(task_id="a", bash_command="x")\n`;
  it('missing start_date with a schedule: error on 2.10 (2.8+ rule) and 2.7 (add_task rule), fine on 3.0', async () => {
    assert.deepEqual(await lines(noStart, 'mwaa:2.10.3', 'AF221'), [4]);
    assert.deepEqual(await lines(noStart, 'mwaa:2.6.3', 'AF221'), [4]);
    assert.deepEqual(await lines(noStart.replace('schedule_interval', 'schedule'), 'mwaa:3.0.6', 'AF221'), []);
  });
  it('schedule=None without start_date: fine on 2.8+, an error below 2.8 once a task is added', async () => {
    const src = noStart.replace('schedule_interval="@daily"', 'schedule_interval=None');
    assert.deepEqual(await lines(src, 'mwaa:2.10.3', 'AF221'), []);
    assert.deepEqual(await lines(src, 'mwaa:2.6.3', 'AF221'), [4]);
    // no tasks → nothing is added → no error even on 2.6
    assert.deepEqual(await lines(`${HEAD}dag = DAG("empty", schedule_interval=None)\n`, 'mwaa:2.6.3', 'AF221'), []);
    // every task has its own start_date → fine below 2.8
    const own = src.replace('bash_command="x")', 'bash_command="x", start_date=datetime(2024, 1, 1))');
    assert.deepEqual(await lines(own, 'mwaa:2.6.3', 'AF221'), []);
  });
  it('start_date from default_args (variable, dict(), subscript assignment) counts; unreadable default_args is not guessed', async () => {
    const viaVar = `${HEAD}default_args = {"owner": "x", "start_date": datetime(2024, 1, 1)}\nwith DAG("etl", default_args=default_args, schedule_interval="@daily") as dag:\n    BashOperator(task_id="a", bash_command="x")\n`;
    assert.deepEqual(await lines(viaVar, 'mwaa:2.10.3', 'AF221'), []);
    assert.deepEqual(await lines(viaVar, 'mwaa:2.6.3', 'AF221'), []);
    const viaDict = viaVar.replace('{"owner": "x", "start_date": datetime(2024, 1, 1)}', 'dict(owner="x", start_date=datetime(2024, 1, 1))');
    assert.deepEqual(await lines(viaDict, 'mwaa:2.10.3', 'AF221'), []);
    const viaSub = viaVar.replace(', "start_date": datetime(2024, 1, 1)}', '}\ndefault_args["start_date"] = datetime(2024, 1, 1)');
    assert.deepEqual(await lines(viaSub, 'mwaa:2.10.3', 'AF221'), []);
    const noKey = viaVar.replace(', "start_date": datetime(2024, 1, 1)', '');
    assert.deepEqual(await lines(noKey, 'mwaa:2.10.3', 'AF221'), [5]);
    const splat = viaVar.replace('{"owner": "x", "start_date": datetime(2024, 1, 1)}', '{**BASE, "owner": "x"}');
    assert.deepEqual(await lines(splat, 'mwaa:2.10.3', 'AF221'), []);
    assert.deepEqual(await lines(`${HEAD}dag = DAG("etl", schedule_interval="@daily", **common)\n`, 'mwaa:2.10.3', 'AF221'), []);
  });
  it('@dag decorator without start_date', async () => {
    const src = `from airflow.decorators import dag, task\n@dag(schedule="@daily")\ndef pipeline():\n    @task\n    def t():\n        pass\n    t()\npipeline()\n`;
    assert.deepEqual(await lines(src, 'mwaa:2.10.3', 'AF221'), [3]);
    assert.deepEqual(await lines(src, 'mwaa:3.0.6', 'AF221'), []);
  });
  it('Airflow 3: catchup=True on a cron schedule needs a start_date', async () => {
    const src = `from airflow.sdk import DAG\nwith DAG("c", schedule="@daily", catchup=True) as dag:\n    pass\n`;
    assert.deepEqual(await lines(src, 'mwaa:3.0.6', 'AF221'), [2]);
    assert.deepEqual(await lines(src.replace('catchup=True', 'catchup=False'), 'mwaa:3.0.6', 'AF221'), []);
  });
  it('dynamic start dates are warnings on every version', async () => {
    const src = `${HEAD}from airflow.utils.dates import days_ago\nwith DAG("d", start_date=datetime.now() - timedelta(days=1), schedule_interval="@daily") as dag:\n    BashOperator(task_id="a", bash_command="x", start_date=days_ago(2))\n`;
    for (const t of ['mwaa:2.2.2', 'mwaa:2.10.3']) {
      const d = await diags(src, t, 'AF221');
      assert.deepEqual(d.map((x) => `${x.range.start.line + 1}:${x.severity}`), ['5:warning', '6:warning'], t);
    }
    assert.deepEqual(await lines(src.replace('datetime.now() - timedelta(days=1)', 'datetime(2024, 1, 1)').replace(', start_date=days_ago(2)', ''), 'mwaa:2.10.3', 'AF221'), []);
  });
});

describe('AF222 schedule', () => {
  const dag = (sched: string) => `${HEAD}with DAG("s", start_date=datetime(2024, 1, 1), ${sched}) as dag:\n    pass\n`;
  it('invalid cron expressions and unknown presets are errors (schedule and schedule_interval)', async () => {
    for (const s of ['schedule="61 * * * *"', 'schedule="0 0 * *"', 'schedule_interval="@fortnightly"', 'schedule="0 0 30 2 *"', 'schedule_interval="0 9 * * MON-FRY"']) {
      const d = await diags(dag(s), 'mwaa:2.10.3', 'AF222');
      assert.equal(d.length, 1, s);
      assert.equal(d[0].range.start.line + 1, 4);
      assert.match(d[0].message, /Invalid schedule/);
    }
  });
  it('valid cron, presets, None and timedeltas are fine', async () => {
    for (const s of ['schedule="*/15 9-17 * * 1-5"', 'schedule="@daily"', 'schedule="@once"', 'schedule_interval="@annually"', 'schedule=None', 'schedule=timedelta(hours=1)', 'schedule="0 0 L * *"']) {
      assert.deepEqual(await lines(dag(s), 'mwaa:2.10.3', 'AF222'), [], s);
    }
  });
  it('@continuous needs Airflow 2.6', async () => {
    assert.deepEqual(await lines(dag('schedule="@continuous", max_active_runs=1'), 'mwaa:2.5.1', 'AF222'), [4]);
    assert.deepEqual(await lines(dag('schedule="@continuous", max_active_runs=1'), 'mwaa:2.6.3', 'AF222'), []);
    assert.deepEqual(await lines(dag('schedule="@continuous", max_active_runs=1'), 'mwaa:3.0.6', 'AF222'), []);
  });
  it('zero/negative timedelta, a schedule from a constant, both schedule and schedule_interval', async () => {
    assert.deepEqual(await lines(dag('schedule=timedelta(0)'), 'mwaa:2.10.3', 'AF222'), [4]);
    assert.deepEqual(await lines(dag('schedule=timedelta(minutes=-5)'), 'mwaa:2.10.3', 'AF222'), [4]);
    const c = `${HEAD}SCHEDULE = "0 25 * * *"\nwith DAG("s", start_date=datetime(2024, 1, 1), schedule=SCHEDULE) as dag:\n    pass\n`;
    assert.deepEqual(await lines(c, 'mwaa:2.10.3', 'AF222'), [5]);
    assert.deepEqual(await lines(dag('schedule="@daily", schedule_interval="@daily"'), 'mwaa:2.10.3', 'AF222'), [4]);
  });
  it('describeSchedule: words, next runs, errors', () => {
    const d = describeSchedule('0 9 * * 1-5', new Date('2026-01-01T00:00:00Z'), 2);
    assert.equal(d.valid, true);
    assert.match(d.text!, /09:00.*Monday through Friday/);
    assert.deepEqual(d.nextRuns, ['2026-01-01T09:00:00.000Z', '2026-01-02T09:00:00.000Z']);
    assert.match(describeSchedule('@daily').text!, /0 0 \* \* \*/);
    const bad = describeSchedule('0 0 * * 8');
    assert.equal(bad.valid, false);
    assert.match(bad.error!, /out of range/);
    assert.equal(validateCron('@hourly').valid, true);
    // croniter's extra fields: 6th = seconds, 7th = year; no Quartz W
    assert.equal(validateCron('*/5 * * * * 30').valid, true);
    assert.equal(validateCron('0 0 1 1 * 2030').valid, false);
    assert.equal(validateCron('0 0 1 1 * 0 2030').valid, true);
    assert.equal(validateCron('0 0 15W * *').valid, false);
    assert.equal(validateCron('None').valid, false);
  });
});

describe('AF224 dependency cycles', () => {
  it('a >> b >> c >> a is a cycle (error with the path); a DAG without one is clean', async () => {
    const src = `${HEAD}with DAG("cy", start_date=datetime(2024, 1, 1)) as dag:\n    a = BashOperator(task_id="a", bash_command="x")\n    b = BashOperator(task_id="b", bash_command="x")\n    c = BashOperator(task_id="c", bash_command="x")\n    a >> b >> c\n    c >> a\n`;
    const d = await diags(src, 'mwaa:2.10.3', 'AF224');
    assert.equal(d.length, 1);
    assert.equal(d[0].severity, 'error');
    assert.match(d[0].message, /a → b → c → a|b → c → a → b|c → a → b → c/);
    assert.deepEqual(await lines(src.replace('    c >> a\n', '    a >> c\n'), 'mwaa:2.10.3', 'AF224'), []);
  });
  it('set_upstream, chain, lists and TaskFlow data passing make edges', async () => {
    const src = [
      `from datetime import datetime`,
      `from airflow.decorators import dag, task`,
      `from airflow.operators.bash import BashOperator`,
      `from airflow.models.baseoperator import chain`,
      `@task`,
      `def extract():`,
      `    return 1`,
      `@task`,
      `def load(x):`,
      `    pass`,
      `@dag(start_date=datetime(2024, 1, 1), schedule=None)`,
      `def p():`,
      `    e = extract()`,
      `    l = load(e)`,
      `    z = BashOperator(task_id="z", bash_command="x")`,
      `    chain(l, [z])`,
      `    e.set_upstream(z)`,
      `p()`,
    ].join('\n');
    assert.deepEqual(await lines(src, 'mwaa:2.10.3', 'AF224'), [17]);
    assert.deepEqual(await lines(src.replace('    e.set_upstream(z)', '    e.set_downstream(z)'), 'mwaa:2.10.3', 'AF224'), []);
  });
  it('the usual loop pattern (prev >> t; prev = t) is not a cycle', async () => {
    const src = `${HEAD}with DAG("l", start_date=datetime(2024, 1, 1)) as dag:\n    prev = BashOperator(task_id="start", bash_command="x")\n    for i in range(3):\n        t = BashOperator(task_id=f"t{i}", bash_command="x")\n        prev >> t\n        prev = t\n`;
    assert.deepEqual(await lines(src, 'mwaa:2.10.3', 'AF224'), []);
  });
});

describe('AF225 duplicate task_id', () => {
  const src = `${HEAD}with DAG("d", start_date=datetime(2024, 1, 1)) as dag:\n    a = BashOperator(task_id="load", bash_command="x")\n    b = BashOperator(task_id="load", bash_command="y")\n`;
  it('error on 2.x/3.x, warning on 1.10', async () => {
    const d = await diags(src, 'mwaa:2.10.3', 'AF225');
    assert.deepEqual(d.map((x) => `${x.range.start.line + 1}:${x.severity}`), ['6:error']);
    assert.deepEqual((await diags(src, 'mwaa:1.10.12', 'AF225')).map((x) => x.severity), ['warning']);
    assert.deepEqual((await diags(src.replace('airflow.operators.bash', 'airflow.providers.standard.operators.bash'), 'mwaa:3.0.6', 'AF225')).map((x) => x.severity), ['error']);
  });
  it('different TaskGroups, if/else branches, TaskFlow repeats and different DAGs are not duplicates', async () => {
    const groups = `${HEAD}from airflow.utils.task_group import TaskGroup\nwith DAG("d", start_date=datetime(2024, 1, 1)) as dag:\n    with TaskGroup("g1"):\n        BashOperator(task_id="load", bash_command="x")\n    with TaskGroup("g2"):\n        BashOperator(task_id="load", bash_command="x")\n`;
    assert.deepEqual(await lines(groups, 'mwaa:2.10.3', 'AF225'), []);
    const branches = `${HEAD}import os\nwith DAG("d", start_date=datetime(2024, 1, 1)) as dag:\n    if os.environ.get("ENV") == "prod":\n        t = BashOperator(task_id="load", bash_command="x")\n    else:\n        t = BashOperator(task_id="load", bash_command="y")\n`;
    assert.deepEqual(await lines(branches, 'mwaa:2.10.3', 'AF225'), []);
    const tf = `from datetime import datetime\nfrom airflow.decorators import dag, task\n@task\ndef step():\n    pass\n@dag(start_date=datetime(2024, 1, 1), schedule=None)\ndef p():\n    step() >> step()\np()\n`;
    assert.deepEqual(await lines(tf, 'mwaa:2.10.3', 'AF225'), []);
    const twoDags = `${HEAD}with DAG("a", start_date=datetime(2024, 1, 1)) as d1:\n    BashOperator(task_id="load", bash_command="x")\nwith DAG("b", start_date=datetime(2024, 1, 1)) as d2:\n    BashOperator(task_id="load", bash_command="x")\n`;
    assert.deepEqual(await lines(twoDags, 'mwaa:2.10.3', 'AF225'), []);
  });
  it('tasks attached with dag= count for that DAG', async () => {
    const s = `${HEAD}dag = DAG("d", start_date=datetime(2024, 1, 1))\na = BashOperator(task_id="x", bash_command="1", dag=dag)\nb = BashOperator(task_id="x", bash_command="2", dag=dag)\n`;
    assert.deepEqual(await lines(s, 'mwaa:2.10.3', 'AF225'), [6]);
  });
});

describe('AF223 duplicate dag_id across the workspace', () => {
  it('every occurrence gets a diagnostic naming the others; unique ids get none', async () => {
    const a = await lintText(`${HEAD}with DAG("shared", start_date=datetime(2024, 1, 1)) as dag:\n    pass\n`, 'dags/a.py', { target: resolveTargetLabel('mwaa:2.10.3') });
    const b = await lintText(`from airflow.decorators import dag\nfrom datetime import datetime\n@dag(dag_id="shared", start_date=datetime(2024, 1, 1))\ndef x():\n    pass\nx()\n`, 'dags/b.py', { target: resolveTargetLabel('mwaa:2.10.3') });
    const c = await lintText(`${HEAD}DAG(dag_id="unique", start_date=datetime(2024, 1, 1))\n`, 'dags/c.py', { target: resolveTargetLabel('mwaa:2.10.3') });
    assert.deepEqual(b.dagIds.map((d) => d.id), ['shared']);
    const m = duplicateDagIdDiagnostics([a, b, c]);
    assert.equal(m.get('dags/a.py')?.length, 1);
    assert.match(m.get('dags/a.py')![0].message, /dags\/b\.py:3/);
    assert.equal(m.get('dags/b.py')![0].range.start.line, 2);
    assert.equal(m.has('dags/c.py'), false);
  });
  it('one dag_id defined in the two branches of a version test is one DAG; twice in a row is a clash', async () => {
    const src = [
      `${HEAD}if AIRFLOW_V_2_4_PLUS:`,
      `    dag = DAG("versioned", start_date=datetime(2024, 1, 1), schedule="@daily")`,
      `else:`,
      `    dag = DAG("versioned", start_date=datetime(2024, 1, 1), schedule_interval="@daily")`,
      `with DAG("twice", start_date=datetime(2024, 1, 1)):`,
      `    pass`,
      `with DAG("twice", start_date=datetime(2024, 1, 1)):`,
      `    pass`,
    ].join('\n');
    const r = await lintText(src, 'dags/v.py', { target: resolveTargetLabel('airflow:2.10.3') });
    assert.deepEqual(r.dagIds.map((d) => d.id), ['versioned', 'twice', 'twice']);
    const m = duplicateDagIdDiagnostics([r]);
    assert.deepEqual(m.get('dags/v.py')?.map((d) => d.data?.dagId), ['twice', 'twice']);
  });
  it('only DAGs of the same DAG folder collide (dags/, tests/dags/, docs listings are separate bags)', async () => {
    const src = `${HEAD}with DAG("shared", start_date=datetime(2024, 1, 1)) as dag:\n    pass\n`;
    const at = async (file: string) => ({ file, dagIds: (await lintText(src, file, { target: resolveTargetLabel('mwaa:2.10.3') })).dagIds });
    const files = await Promise.all(['/p/dags/a.py', '/p/dags/team/b.py', '/p/tests/dags/fixture.py', '/p/docs/listing_1.py', '/p/docs/listing_2.py'].map(at));
    const m = duplicateDagIdDiagnostics(files, (f) => path.relative('/p', f));
    assert.deepEqual([...m.keys()].sort(), ['/p/dags/a.py', '/p/dags/team/b.py', '/p/docs/listing_1.py', '/p/docs/listing_2.py']);
    assert.match(m.get('/p/dags/a.py')![0].message, /also defined at dags\/team\/b\.py:\d+;/);
    assert.match(m.get('/p/docs/listing_1.py')![0].message, /also defined at docs\/listing_2\.py:\d+;/);
    assert.equal(dagFolderOf('/p/dags/team/b.py'), '/p/dags');
    assert.equal(dagFolderOf('C:\\p\\dags\\x.py'), 'C:/p/dags');
    assert.equal(dagFolderOf('/p/x/dags.py'), '');
  });
});

describe('AF201 binding forms', () => {
  it('annotated assignments, typed defaults, attributes and subscripts', async () => {
    const src = [`password: str = "hunter22x"`, `def f(token: str = "tok_abcdef"):`, `    pass`, `self_like.api_key = "k-123456789"`, `cfg["secret"] = "s-123456789"`].join('\n');
    assert.deepEqual(await lines(src, 'mwaa:2.10.3', 'AF201'), [1, 2, 4, 5]);
  });
});

describe('AF001 parameters with annotated splats', () => {
  it('`*args: Any` and `**kw: Any` after defaults are valid (found in a real DAG repository utility)', async () => {
    const src = 'from typing import Any\n\ndef f(a: int, b: str = "x", *args: Any, c: int, d: int = 1, **kw: Any) -> None:\n    pass\n\ndef g(a, b=1, **kw: Any):\n    pass\n\ndef h(m: str = "gpt", **kw: Any) -> dict:\n    return {}\n';
    assert.deepEqual(await lines(src, 'mwaa:2.10.3', 'AF001'), []);
    assert.deepEqual(await lines('def k(a=1, b: int):\n    pass\n', 'mwaa:2.10.3', 'AF001'), [1], 'a typed parameter without default after a default is still an error');
    assert.deepEqual(await lines('def k(a=1, *r: int, b: int):\n    pass\n', 'mwaa:2.10.3', 'AF001'), [], 'keyword-only after a typed *args');
  });
});
