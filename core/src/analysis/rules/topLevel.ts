import { airflowDecoratorName, isAirflowModule, operatorClass, splitResolved } from '../airflowNames';
import { extractDagModel } from '../dagModel';
import { callAt, type CallFact, type Facts } from '../facts';
import type { Node } from '../parser';
import type { Rule } from '../rule';

/**
 * AF211: heavy work at parse time. The scheduler (DAG processor) re-imports every DAG file every
 * `min_file_process_interval` (30 s by default): module-level code and the bodies of `@dag` /
 * `@task_group` functions and `with DAG(...)` blocks run each time. Metadata-DB reads
 * (Variable.get, connections), hooks, network calls, DB connections, sleeps and subprocesses
 * belong inside tasks or in Jinja templates.
 */
export const topLevelRule: Rule = {
  infos: [
    {
      code: 'AF211',
      title: 'Heavy top-level code',
      defaultSeverity: 'warning',
      help: 'Code outside task callables runs every time the scheduler parses the file (every 30 seconds by default). Database, network and sleep calls there slow down parsing for every DAG and can time the file out (dagbag_import_timeout).',
    },
  ],
  run(ctx) {
    const { facts } = ctx;
    if (!scannedAsDagFile(facts.text, ctx.target.airflow)) return;
    const parseTimeFns = new Set<number>();
    for (const f of facts.functions) {
      if (f.decorators.some((d) => {
        const n = airflowDecoratorName(d.text, d.resolved, facts);
        return n === 'dag' || n === 'task_group';
      })) parseTimeFns.add(f.node.id);
    }
    const calledFrom = addCalledAtParseTime(facts, parseTimeFns);
    const found = facts.calls.map((call) => ({ call, what: heavy(call, facts) })).filter((x) => x.what);
    // `SomeHook(...).get_records(...)`: one finding for the chain (the connecting call), not two.
    const receivers = new Set(found.filter((x) => x.what!.kind === 'hook' && x.call.method).map((x) => x.call.receiver?.id));
    // dag.test() outside `if __name__ == "__main__":` runs every task of the DAG inside the parsing process
    for (const call of dagTestCalls(facts)) {
      if (!runsAtParseTime(call.node, parseTimeFns)) continue;
      ctx.report({ code: 'AF211', message: `${call.calleeText}() runs the whole DAG (every task, in the parsing process) each time the scheduler parses the file (every 30 s by default). Put it under \`if __name__ == "__main__":\` so it only runs when the file is executed directly.`, range: call.range, data: { kind: 'dag_test' } });
    }
    for (const { call, what } of found) {
      if (!what || receivers.has(call.node.id)) continue;
      if (!runsAtParseTime(call.node, parseTimeFns)) continue;
      const via = enclosingCalled(call.node, calledFrom);
      const where = via ? ` in ${via.name}(), which is called while the file is imported (line ${via.line})` : '';
      ctx.report({ code: 'AF211', message: `${what.text}${where}, at parse time: this runs every time the scheduler parses the file (every 30 s by default). ${what.fix}`, range: call.range, data: { kind: what.kind } });
    }
  },
};

/**
 * Whether the DAG processor imports the file at all. With `dag_discovery_safe_mode` (on by default since 1.10.3)
 * it skips files that do not contain both "DAG" and "airflow": case-sensitively in 1.10
 * (airflow/utils/dag_processing.py list_py_file_paths, arenadata/airflow 1.10.12: `all([s in content for s in
 * (b'DAG', b'airflow')])`), case-insensitively from 2.0 (airflow/utils/file.py might_contain_dag, 2.0.2 and
 * might_contain_dag_via_default_heuristic, 2.10.3: `content.lower()` … `(b"dag", b"airflow")`; 3.x re-exports the
 * same heuristic from airflow._shared.module_loading, apache/airflow airflow-core/src/airflow/utils/file.py at 003178ea9b). A script the
 * scheduler never imports (an API client kept in include/, a one-off tool) has no parse-time cost.
 */
export function scannedAsDagFile(text: string, airflowVersion: string): boolean {
  if (/^1\./.test(airflowVersion)) return text.includes('DAG') && text.includes('airflow');
  const lower = text.toLowerCase();
  return lower.includes('dag') && lower.includes('airflow');
}

/**
 * `dag.test()` / `my_dag().test()` calls on a DAG object of the file (DAG.test, 2.5+): the variable of a
 * `DAG(...)` / `with DAG(...) as dag`, a name bound to a @dag function's result, or that call itself.
 */
function dagTestCalls(facts: Facts): CallFact[] {
  if (!facts.calls.some((c) => c.method === 'test')) return [];
  const model = extractDagModel(facts);
  const vars = new Set(model.dags.map((d) => d.variable).filter((v): v is string => !!v));
  const dagFns = new Set(model.dags.filter((d) => d.kind === 'decorator' && d.fn).map((d) => d.fn!.name));
  for (const c of facts.calls) {
    const p = c.node.parent;
    if (!dagFns.has(c.calleeText) || p?.type !== 'assignment' || p.childForFieldName('right')?.id !== c.node.id) continue;
    const left = p.childForFieldName('left');
    if (left?.type === 'identifier') vars.add(left.text);
  }
  return facts.calls.filter((c) => {
    if (c.method !== 'test' || !c.receiver) return false;
    if (c.receiver.type === 'identifier') return vars.has(c.receiver.text);
    return c.receiver.type === 'call' && dagFns.has(c.receiver.childForFieldName('function')?.text ?? '');
  });
}

/**
 * Plain module-level functions called while the file is imported (a DAG factory `build_dag()`
 * called at module level or in a loop, a `get_config()` helper whose result feeds `default_args`):
 * their bodies run at parse time too. Fixed point over helpers calling helpers. Decorated functions
 * are left out (calling a @task function only creates a task; other decorators may defer the call).
 */
function addCalledAtParseTime(facts: Facts, parseTimeFns: Set<number>): Map<number, { name: string; line: number }> {
  const calledFrom = new Map<number, { name: string; line: number }>();
  const plain = new Map<string, Node>();
  const defined = new Map<string, number>();
  for (const f of facts.functions) {
    if (f.nested) continue;
    defined.set(f.name, (defined.get(f.name) ?? 0) + 1);
    if (!f.decorators.length) plain.set(f.name, f.node);
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const call of facts.calls) {
      if (call.method || call.resolved) continue;
      const fn = defined.get(call.calleeText) === 1 ? plain.get(call.calleeText) : undefined;
      if (!fn || parseTimeFns.has(fn.id)) continue;
      if (!runsAtParseTime(call.node, parseTimeFns)) continue;
      parseTimeFns.add(fn.id);
      calledFrom.set(fn.id, { name: call.calleeText, line: call.node.startPosition.row + 1 });
      changed = true;
    }
  }
  return calledFrom;
}

/** The innermost enclosing function that runs only because a parse-time call reaches it. */
function enclosingCalled(n: Node, calledFrom: Map<number, { name: string; line: number }>): { name: string; line: number } | undefined {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'function_definition') return calledFrom.get(p.id);
  }
  return undefined;
}

const TASK_FIX = 'Move it into a task (a @task function or python_callable), where it runs only when the task does.';

interface Heavy {
  kind: string;
  text: string;
  fix: string;
}

/** Resolved "module:Name.attr" or the callee as written when the module is not imported. */
function target(call: CallFact): { module: string; path: string } {
  if (call.resolved) {
    const s = splitResolved(call.resolved);
    if (s) return { module: s.module, path: s.name };
    return { module: call.resolved, path: '' };
  }
  return { module: '', path: call.calleeText };
}

const DB_CONNECT = /^(psycopg2|psycopg|pymysql|MySQLdb|mysql\.connector|sqlite3|cx_Oracle|oracledb|pyodbc|snowflake\.connector|pymssql|teradatasql|vertica_python|redshift_connector|clickhouse_driver|duckdb)$/;

function heavy(call: CallFact, facts: Facts): Heavy | undefined {
  const { module, path } = target(call);
  const last = path.split('.').pop() ?? '';
  const fromAirflow = module ? isAirflowModule(module) : facts.isAirflowFile;
  if (fromAirflow || (!module && facts.isAirflowFile)) {
    if (/(^|\.)Variable\.(get|get_variable_from_secrets)$/.test(path)) {
      return { kind: 'variable', text: 'Variable.get() reads the metadata database (or secrets backend)', fix: 'Use the Jinja template "{{ var.value.<key> }}" (or "{{ var.json.<key> }}") in a templated field, or call Variable.get() inside the task.' };
    }
    if (/(^|\.)(BaseHook|Connection)\.(get_connection|get_connection_from_secrets|get)$/.test(path) && (module || /BaseHook|Connection/.test(path))) {
      return { kind: 'connection', text: `${path.split('.').slice(-2).join('.')}() reads a connection from the metadata database (or secrets backend)`, fix: 'Use "{{ conn.<conn_id>.host }}" in a templated field, or look the connection up inside the task.' };
    }
    if (module && /^[A-Z]\w*Hook$/.test(path) && !lazyHookArgument(call, path, facts)) {
      return { kind: 'hook', text: `Creating ${path}()`, fix: `Create hooks inside the task that uses them. ${TASK_FIX}` };
    }
  }
  // hook methods that connect: hook.get_conn(), SomeHook(...).get_records(...)
  if (call.method && /^(get_conn|get_records|get_first|get_pandas_df|get_df|get_sqlalchemy_engine|run|test_connection)$/.test(call.method) && call.receiver && isHookExpr(call.receiver, facts)) {
    return { kind: 'hook', text: `${call.method}() on a hook opens a connection`, fix: TASK_FIX };
  }
  if (!module) return undefined;
  if (module === 'requests' || module.startsWith('requests.') || module === 'httpx' || module === 'urllib3' || module === 'aiohttp') {
    if (/^(get|post|put|patch|delete|head|options|request|Session|Client|PoolManager|urlopen)$/.test(last)) return { kind: 'network', text: `${module}.${path}() makes a network request`, fix: TASK_FIX };
  }
  if ((module === 'urllib.request' || module === 'urllib2') && /^(urlopen|urlretrieve|Request)$/.test(last) && last !== 'Request') {
    return { kind: 'network', text: `urllib ${last}() makes a network request`, fix: TASK_FIX };
  }
  if (module === 'boto3' && /^(client|resource|Session)$/.test(last)) return { kind: 'network', text: `boto3.${last}() creates an AWS client (credentials lookup, endpoint resolution)`, fix: `Use the Amazon provider's hooks/operators, or create the client inside the task. ${TASK_FIX}` };
  if (/^google\.cloud\./.test(module) && /(^|\.)Client$/.test(path)) return { kind: 'network', text: `${path}() creates a Google Cloud client`, fix: TASK_FIX };
  if (DB_CONNECT.test(module) && last === 'connect') return { kind: 'database', text: `${module}.connect() opens a database connection`, fix: `Use a hook/operator of the matching provider inside a task. ${TASK_FIX}` };
  if (module === 'sqlalchemy' && last === 'create_engine') return { kind: 'database', text: 'sqlalchemy.create_engine() prepares a database connection pool', fix: TASK_FIX };
  if ((module === 'pymongo' && last === 'MongoClient') || (module === 'redis' && /^(Redis|StrictRedis)$/.test(last))) return { kind: 'database', text: `${path}() connects to a database`, fix: TASK_FIX };
  if ((module === 'pandas' || module === 'pd') && /^read_sql(_query|_table)?$/.test(last)) return { kind: 'database', text: `pandas ${last}() queries a database`, fix: TASK_FIX };
  if (module === 'time' && last === 'sleep') return { kind: 'sleep', text: 'time.sleep() blocks the DAG file processor', fix: 'Use a sensor (deferrable if possible) or a TimeDeltaSensor inside the DAG instead.' };
  if (module === 'subprocess' && /^(run|call|check_call|check_output|Popen|getoutput|getstatusoutput)$/.test(last)) return { kind: 'subprocess', text: `subprocess.${last}() starts a process`, fix: `Use a BashOperator/@task.bash, or run it inside a task. ${TASK_FIX}` };
  if (module === 'os' && /^(system|popen)$/.test(last)) return { kind: 'subprocess', text: `os.${last}() starts a process`, fix: `Use a BashOperator/@task.bash, or run it inside a task. ${TASK_FIX}` };
  return undefined;
}

/**
 * Hooks whose constructor reads their connection (metadata DB or secrets backend): SSHHook calls
 * `self.get_connection(self.ssh_conn_id)` in `__init__` and SFTPHook extends it
 * (airflow/providers/ssh/hooks/ssh.py, airflow/providers/sftp/hooks/sftp.py, arenadata/airflow 2.10.3).
 */
const EAGER_HOOKS = new Set(['SSHHook', 'SFTPHook']);

/**
 * `SSHOperator(ssh_hook=ComputeEngineSSHHook(...))`, `WinRMOperator(winrm_hook=WinRMHook(...))`: some
 * operators only take their connection as a hook object, so building it while the file is parsed is
 * the documented way (Airflow's own example_compute_ssh.py and example_winrm.py do it). A hook
 * constructor that only stores its arguments costs nothing there; the ones that connect in
 * `__init__` are still reported (pass `ssh_conn_id=` instead).
 */
function lazyHookArgument(call: CallFact, name: string, facts: Facts): boolean {
  if (EAGER_HOOKS.has(name)) return false;
  const kw = call.node.parent;
  const op = kw?.type === 'keyword_argument' ? callAt(facts, kw.parent?.parent) : undefined;
  return !!op && !!operatorClass(op, facts);
}

/** `hook`, `SomeHook(...)`, `self.hook` — an expression naming a hook. */
function isHookExpr(n: Node, facts: Facts): boolean {
  if (n.type === 'call') {
    const f = n.childForFieldName('function');
    return !!f && /Hook$/.test(f.text) && /^[\w.]+$/.test(f.text);
  }
  if (n.type === 'identifier') {
    if (/hook$/i.test(n.text)) return true;
    const b = facts.bindings.get(n.text);
    return !!b && /Hook$/.test(b.target);
  }
  return false;
}

/**
 * True when the call runs on import: at module level, in a class body, in default values and
 * decorator arguments, or inside @dag/@task_group bodies and `with DAG(...)` blocks — not in
 * other function bodies, lambdas or the `if __name__ == "__main__":` block.
 */
function runsAtParseTime(n: Node, parseTimeFns: Set<number>): boolean {
  let child: Node = n;
  for (let p = n.parent; p; child = p, p = p.parent) {
    switch (p.type) {
      case 'function_definition':
        if (p.childForFieldName('body')?.id === child.id && !parseTimeFns.has(p.id)) return false;
        break;
      case 'lambda':
        if (p.childForFieldName('body')?.id === child.id) return false;
        break;
      case 'if_statement': {
        const cond = p.childForFieldName('condition');
        if (cond && child.id !== cond.id && /__name__\s*==\s*['"]__main__['"]/.test(cond.text)) return false;
        if (cond && child.id !== cond.id && /(^|\.)TYPE_CHECKING$/.test(cond.text.trim())) return false;
        break;
      }
    }
  }
  return true;
}
