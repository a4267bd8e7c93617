/**
 * Scan one Airflow version (a commit in a git snapshot) into a VersionScan: the modules and
 * importable names that exist, which are deprecated (and for what), constructor arguments of
 * DAG/BaseOperator/common operators, and template-context keys.
 */
import type { Tree } from 'web-tree-sitter';
import type { GitSnapshot, TreeEntry } from './git';
import {
  classDeprecationWarning, classParams, functionParams, contextKeysOfFunction, dictAssignedTo, extractModuleFacts, pythonParser, stringCollectionAssignedTo,
  subscriptStores, topLevelClasses, typedDictKeys, enumStringMembers, deprecatedParamValues, type ModuleFacts, type ParamFact,
} from './python';

/** Where a version's sources live inside the repository. */
export type Layout = 'flat' | 'split';

export interface VersionSpec {
  version: string;
  /** repository the snapshot came from, e.g. "arenadata/airflow" */
  repo: string;
  ref: string;
  layout: Layout;
  note?: string;
}

export interface FactAt {
  path: string;
  deprecated?: boolean;
  replacement?: string;
  /** User-facing explanation (shown in lint messages and hovers), usually Airflow's own warning text. */
  note?: string;
  /** Provenance for the evidence record (where/how the fact was found). */
  source?: string;
}

export interface VersionScan {
  spec: VersionSpec;
  commit: string;
  modules: Map<string, FactAt>;
  names: Map<string, FactAt>;
  /** callable → argument → fact */
  callables: Map<string, Map<string, FactAt>>;
  context: Map<string, FactAt>;
  /** Files the callables / context keys were read from at this version (for absence evidence). */
  files?: { callables: Record<string, string>; context: string[] };
}

/** Source roots: repository prefix → dotted module prefix. */
const ROOTS: Record<Layout, [string, string][]> = {
  flat: [['airflow/', 'airflow']],
  split: [
    ['airflow-core/src/airflow/', 'airflow'],
    ['task-sdk/src/airflow/sdk/', 'airflow.sdk'],
  ],
};

/**
 * Modules that are not part of the DAG-authoring surface: tests, the web UI, DB migrations, API
 * server internals, vendored code, providers (versioned separately), examples, private modules.
 */
const SKIP = [
  /(^|\.)tests?(\.|$)/,
  /^airflow\.(www|www_rbac|ui|migrations|api_connexion|api_fastapi|api_internal|providers|_vendor|example_dags|contrib\.example_dags)(\.|$)/,
  /^airflow\.sdk\.api(\.|$)/,
  /(^|\.)_[^_.][^.]*(\.|$)/, // private modules (_vendor, _internal, _shared …)
];

export function moduleOf(layout: Layout, path: string): { module: string; isPackage: boolean } | undefined {
  if (!path.endsWith('.py')) return undefined;
  for (const [prefix, dotted] of ROOTS[layout]) {
    if (!path.startsWith(prefix)) continue;
    const rel = path.slice(prefix.length, -3).split('/');
    const isPackage = rel[rel.length - 1] === '__init__';
    if (isPackage) rel.pop();
    if (rel.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) return undefined;
    const module = [dotted, ...rel].join('.');
    if (SKIP.some((re) => re.test(module))) return undefined;
    return { module, isPackage };
  }
  return undefined;
}

/** pip distribution that provides a dotted path under airflow.providers (null for core paths). */
export function providerDistribution(dotted: string | undefined): string | undefined {
  const m = /^airflow\.providers\.([a-z0-9_]+)(?:\.([a-z0-9_]+))?/.exec(dotted ?? '');
  if (!m) return undefined;
  const twoLevel = new Set(['apache', 'cncf', 'common', 'microsoft', 'dbt', 'atlassian']);
  const parts = twoLevel.has(m[1]) && m[2] ? [m[1], m[2]] : [m[1]];
  return `apache-airflow-providers-${parts.join('-').replace(/_/g, '-')}`;
}

const factsCache = new Map<string, ModuleFacts>();

function parse(text: string, parser: Awaited<ReturnType<typeof pythonParser>>): Tree {
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

/** Callables whose keyword arguments are recorded, and where their classes are defined. */
export const CALLABLES: Record<string, { cls?: string; fn?: string[]; files: string[] }> = {
  task: {
    // @task(...) own arguments; everything else goes to the decorated PythonOperator / BaseOperator
    fn: ['python_task', 'task'],
    files: [
      'providers/standard/src/airflow/providers/standard/decorators/python.py',
      'airflow/decorators/python.py',
      'airflow/operators/python.py',
    ],
  },
  DAG: {
    cls: 'DAG',
    files: ['task-sdk/src/airflow/sdk/definitions/dag.py', 'airflow/models/dag.py', 'airflow/models/__init__.py', 'airflow/models.py'],
  },
  BaseOperator: {
    cls: 'BaseOperator',
    files: [
      'task-sdk/src/airflow/sdk/bases/operator.py',
      'task-sdk/src/airflow/sdk/definitions/baseoperator.py',
      'airflow/models/baseoperator.py',
      'airflow/models/__init__.py',
      'airflow/models.py',
    ],
  },
  PythonOperator: {
    cls: 'PythonOperator',
    files: ['providers/standard/src/airflow/providers/standard/operators/python.py', 'airflow/operators/python.py', 'airflow/operators/python_operator.py'],
  },
  BranchPythonOperator: {
    cls: 'BranchPythonOperator',
    files: ['providers/standard/src/airflow/providers/standard/operators/python.py', 'airflow/operators/python.py', 'airflow/operators/python_operator.py'],
  },
  ShortCircuitOperator: {
    cls: 'ShortCircuitOperator',
    files: ['providers/standard/src/airflow/providers/standard/operators/python.py', 'airflow/operators/python.py', 'airflow/operators/python_operator.py'],
  },
  TriggerDagRunOperator: {
    cls: 'TriggerDagRunOperator',
    files: [
      'providers/standard/src/airflow/providers/standard/operators/trigger_dagrun.py',
      'airflow/operators/trigger_dagrun.py',
      'airflow/operators/dagrun_operator.py',
    ],
  },
  BaseSensorOperator: {
    cls: 'BaseSensorOperator',
    files: ['task-sdk/src/airflow/sdk/bases/sensor.py', 'airflow/sensors/base.py', 'airflow/sensors/base_sensor_operator.py', 'airflow/operators/sensors.py'],
  },
  ExternalTaskSensor: {
    cls: 'ExternalTaskSensor',
    files: [
      'providers/standard/src/airflow/providers/standard/sensors/external_task.py',
      'airflow/sensors/external_task.py',
      'airflow/sensors/external_task_sensor.py',
      'airflow/operators/sensors.py',
    ],
  },
  BashOperator: {
    cls: 'BashOperator',
    files: ['providers/standard/src/airflow/providers/standard/operators/bash.py', 'airflow/operators/bash.py', 'airflow/operators/bash_operator.py'],
  },
  BranchDateTimeOperator: {
    cls: 'BranchDateTimeOperator',
    files: ['providers/standard/src/airflow/providers/standard/operators/datetime.py', 'airflow/operators/datetime.py'],
  },
  BranchDayOfWeekOperator: {
    cls: 'BranchDayOfWeekOperator',
    files: ['providers/standard/src/airflow/providers/standard/operators/weekday.py', 'airflow/operators/weekday.py'],
  },
  DayOfWeekSensor: {
    cls: 'DayOfWeekSensor',
    files: ['providers/standard/src/airflow/providers/standard/sensors/weekday.py', 'airflow/sensors/weekday.py', 'airflow/contrib/sensors/weekday_sensor.py'],
  },
};

/** Files read for template-context keys, by role. */
const CONTEXT_FILES = {
  builders: [
    ['task-sdk/src/airflow/sdk/execution_time/task_runner.py', 'get_template_context'],
    ['airflow-core/src/airflow/models/taskinstance.py', 'get_template_context'],
    ['airflow/models/taskinstance.py', 'get_template_context'],
    ['airflow/models/__init__.py', 'get_template_context'],
    ['airflow/models.py', 'get_template_context'],
  ],
  typed: ['task-sdk/src/airflow/sdk/definitions/context.py', 'airflow-core/src/airflow/utils/context.pyi', 'airflow/utils/context.pyi', 'airflow/utils/context.py'],
  deprecations: ['airflow-core/src/airflow/utils/context.py', 'airflow/utils/context.py'],
  operatorStores: ['airflow/operators/python_operator.py', 'airflow/operators/python.py'],
  // TaskInstance.handle_failure adds `context["exception"] = error` before the failure/retry callbacks run
  // (1.10.5+; 2.x), a key the template context and the 2.0–2.2 Context type do not list.
  callbackStores: ['airflow-core/src/airflow/models/taskinstance.py', 'airflow/models/taskinstance.py', 'airflow/models/__init__.py', 'airflow/models.py'],
};

export async function scanVersion(git: GitSnapshot, spec: VersionSpec, knownArgs: Map<string, Set<string>>): Promise<VersionScan> {
  const commit = git.resolve(spec.ref);
  if (!commit) throw new Error(`${spec.repo}: ref ${spec.ref} (for ${spec.version}) not found in ${git.gitDir}`);
  const parser = await pythonParser();
  const prefixes = ROOTS[spec.layout].map(([p]) => p.replace(/\/$/, ''));
  const entries = git.lsTree(commit, prefixes);
  const files: (TreeEntry & { module: string; isPackage: boolean })[] = [];
  for (const e of entries) {
    const m = moduleOf(spec.layout, e.path);
    if (m) files.push({ ...e, ...m });
  }
  const blobs = git.readBlobs(files.filter((f) => !factsCache.has(`${f.blob}:${f.module}`)).map((f) => f.blob));
  const scan: VersionScan = { spec, commit, modules: new Map(), names: new Map(), callables: new Map(), context: new Map() };
  const factsByModule = new Map<string, { facts: ModuleFacts; path: string }>();

  for (const f of files) {
    const key = `${f.blob}:${f.module}`;
    let facts = factsCache.get(key);
    if (!facts) {
      const tree = parse(blobs.get(f.blob) ?? '', parser);
      facts = extractModuleFacts(tree.rootNode, f.module, f.isPackage);
      tree.delete();
      factsCache.set(key, facts);
    }
    factsByModule.set(f.module, { facts, path: f.path });
  }

  // 1. real modules (and their parent packages, importable as namespace packages)
  for (const [module, { facts, path }] of factsByModule) {
    const dep = facts.moduleWarning;
    scan.modules.set(module, {
      path,
      ...(dep ? { deprecated: true, replacement: dep.replacement, note: dep.message } : {}),
    });
  }
  for (const module of [...scan.modules.keys()]) {
    const parts = module.split('.');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('.');
      if (!scan.modules.has(parent)) scan.modules.set(parent, { path: scan.modules.get(module)!.path.replace(/\/[^/]+$/, ''), source: 'namespace package (directory without __init__.py)' });
    }
  }

  // 1.10's AirflowImporter (package-level `from airflow.operators import BashOperator`) warns from 1.10.11 on
  let importerWarning: string | undefined;
  if ([...factsByModule.values()].some(({ facts }) => Object.keys(facts.importer).length)) {
    const helpers = files.find((f) => f.module === 'airflow.utils.helpers');
    if (helpers) {
      const tree = parse(git.readBlobs([helpers.blob]).get(helpers.blob) ?? '', parser);
      importerWarning = classDeprecationWarning(tree.rootNode, 'AirflowImporter');
      tree.delete();
    }
  }

  // 2. names bound by each real module
  const namesOfModule = new Map<string, Map<string, FactAt>>();
  const addName = (module: string, name: string, fact: FactAt) => {
    let m = namesOfModule.get(module);
    if (!m) namesOfModule.set(module, (m = new Map()));
    if (!m.has(name)) m.set(name, fact);
  };
  for (const [module, { facts, path }] of factsByModule) {
    const modDep = facts.moduleWarning;
    for (const [name, nf] of Object.entries(facts.names)) {
      if (nf.via === 'importer' && importerWarning !== undefined) {
        addName(module, name, { path, deprecated: true, replacement: nf.replacement, note: importerWarning.replace(/\{i\}/g, name).replace(/\{m\}/g, module) });
      } else if (modDep) {
        // everything imported from a deprecated module is deprecated with it
        addName(module, name, { path, deprecated: true, replacement: nf.replacement ?? (modDep.replacement ? `${modDep.replacement}.${name}` : undefined), note: modDep.message });
      } else if (nf.deprecated) {
        addName(module, name, { path, deprecated: true, replacement: nf.replacement, note: nf.note });
      } else {
        addName(module, name, { path });
      }
    }
  }

  // 3. virtual modules made by add_deprecated_classes (`__deprecated_classes` tables)
  const wildcards: [string, string, string][] = [];
  for (const [module, { facts, path }] of factsByModule) {
    if (facts.selfWildcard) wildcards.push([module, facts.selfWildcard, path]);
    for (const [sub, table] of Object.entries(facts.virtual)) {
      const vmod = `${module}.${sub}`;
      const targets = Object.values(table);
      const targetModules = [...new Set(targets.map((t) => (t.includes('.') && !(table['*'] === t) ? t.replace(/\.[^.]+$/, '') : t)))];
      const source = `virtual module created by add_deprecated_classes from the table in ${path}`;
      const existing = scan.modules.get(vmod);
      // add_deprecated_classes uses sys.modules.setdefault: a module imported first still wins,
      // but the package registers the virtual module on its own import, so the shim is what users get.
      scan.modules.set(vmod, {
        path: existing?.path ?? path,
        deprecated: true,
        replacement: targetModules.length === 1 ? targetModules[0] : existing?.replacement,
        source,
      });
      for (const [name, target] of Object.entries(table)) {
        if (name === '*') {
          wildcards.push([vmod, target, path]);
          continue;
        }
        namesOfModule.get(vmod)?.delete(name);
        addName(vmod, name, { path, deprecated: true, replacement: target, source });
      }
    }
  }

  // 4. star imports and wildcard redirects re-export another module's names
  for (let pass = 0; pass < 2; pass++) {
    for (const [module, { facts, path }] of factsByModule) {
      for (const src of facts.starImports) {
        const srcFacts = factsByModule.get(src)?.facts;
        const exported = srcFacts?.all ?? [...(namesOfModule.get(src)?.keys() ?? [])];
        for (const n of exported) if (!n.startsWith('_')) addName(module, n, { path, source: `re-exported by \`from ${src} import *\`` });
      }
    }
  }
  for (const [vmod, target, path] of wildcards) {
    for (const n of namesOfModule.get(target)?.keys() ?? []) {
      addName(vmod, n, { path, deprecated: true, replacement: `${target}.${n}`, source: `virtual module redirecting every name ("*") to ${target}` });
    }
  }

  for (const [module, names] of namesOfModule) {
    if (!scan.modules.has(module)) continue;
    for (const [n, f] of names) scan.names.set(`${module}:${n}`, f);
  }

  // 5. constructor arguments
  scan.callables = scanCallables(git, commit, parser, knownArgs);
  scan.files = { callables: {}, context: [] };
  for (const [id, m] of scan.callables) scan.files.callables[id] = [...m.values()][0]?.path ?? '';
  // 6. template context keys
  scan.context = scanContext(git, commit, parser);
  scan.files.context = [...new Set([...scan.context.values()].map((f) => f.path))];
  return scan;
}

/** Re-read only the constructor arguments (used once all argument names of all versions are known). */
export async function scanCallablesOnly(git: GitSnapshot, commit: string, knownArgs: Map<string, Set<string>>): Promise<Map<string, Map<string, FactAt>>> {
  return scanCallables(git, commit, await pythonParser(), knownArgs);
}

function readTree(git: GitSnapshot, commit: string, path: string, parser: Awaited<ReturnType<typeof pythonParser>>): Tree | undefined {
  const text = git.readFile(commit, path);
  return text === undefined ? undefined : parse(text, parser);
}

/** Where the TriggerRule enum is defined (3.1+ moved it to airflow.task.trigger_rule). */
const TRIGGER_RULE_FILES = ['airflow-core/src/airflow/task/trigger_rule.py', 'airflow-core/src/airflow/utils/trigger_rule.py', 'airflow/utils/trigger_rule.py'];

/**
 * The values `trigger_rule=` accepts (BaseOperator validates them with TriggerRule.is_valid and
 * raises otherwise), recorded as the pseudo-callable "TriggerRule": value → fact. A value is
 * deprecated where BaseOperator.__init__ warns `if trigger_rule == "value"` (it then maps it to
 * the replacement it names).
 */
function scanTriggerRules(git: GitSnapshot, commit: string, parser: Awaited<ReturnType<typeof pythonParser>>): Map<string, FactAt> | undefined {
  const out = new Map<string, FactAt>();
  for (const file of TRIGGER_RULE_FILES) {
    const tree = readTree(git, commit, file, parser);
    if (!tree) continue;
    const members = enumStringMembers(tree.rootNode, 'TriggerRule');
    tree.delete();
    if (!members.size) continue;
    for (const [value, member] of members) out.set(value, { path: file, source: `TriggerRule.${member} in ${file}` });
    break;
  }
  if (!out.size) return undefined;
  for (const file of CALLABLES.BaseOperator.files) {
    const tree = readTree(git, commit, file, parser);
    if (!tree) continue;
    const cls = topLevelClasses(tree.rootNode).get('BaseOperator');
    const deprecated = cls ? deprecatedParamValues(cls, 'trigger_rule') : new Map<string, string>();
    tree.delete();
    if (!cls) continue;
    for (const [value, message] of deprecated) {
      const f = out.get(value);
      if (!f) continue;
      const named = /TriggerRule\.([A-Z_]+)/.exec(message)?.[1];
      const quoted = /`([a-z_]+)`/.exec(message)?.[1];
      const replacement = named ? [...out.entries()].find(([, g]) => g.source?.startsWith(`TriggerRule.${named} `))?.[0] : quoted && out.has(quoted) ? quoted : undefined;
      out.set(value, { path: file, deprecated: true, ...(replacement ? { replacement } : {}), note: message, source: `if trigger_rule == "${value}": warnings.warn(...) in BaseOperator.__init__ of ${file}` });
    }
    break;
  }
  return out;
}

function scanCallables(
  git: GitSnapshot, commit: string, parser: Awaited<ReturnType<typeof pythonParser>>, knownArgs: Map<string, Set<string>>,
): Map<string, Map<string, FactAt>> {
  const out = new Map<string, Map<string, FactAt>>();
  const rules = scanTriggerRules(git, commit, parser);
  if (rules) out.set('TriggerRule', rules);
  for (const [id, { cls, fn, files }] of Object.entries(CALLABLES)) {
    for (const file of files) {
      const tree = readTree(git, commit, file, parser);
      if (!tree) continue;
      if (fn) {
        const found = fn.map((f) => functionParams(tree.rootNode, f)).find((p) => p && Object.keys(p).length);
        tree.delete();
        if (!found) continue;
        out.set(id, new Map(Object.entries(found).map(([n, pf]) => [n, toFact(file, pf)])));
        break;
      }
      if (!cls) {
        tree.delete();
        continue;
      }
      const classes = topLevelClasses(tree.rootNode);
      if (!classes.has(cls)) {
        tree.delete();
        continue;
      }
      const known = knownArgs.get(id) ?? new Set<string>();
      const params = new Map<string, FactAt>();
      // walk up the class chain inside the file: a class without its own __init__, or whose
      // __init__ takes **kwargs (passed on to super().__init__), accepts its bases' arguments too
      // (ShortCircuitOperator(PythonOperator) from 2.3). Bases defined elsewhere (BaseOperator)
      // are separate callables.
      const seen = new Set<string>();
      let current: string | undefined = cls;
      while (current && classes.has(current) && !seen.has(current)) {
        seen.add(current);
        const cp = classParams(classes.get(current)!, known);
        for (const [n, pf] of Object.entries(cp.params)) if (!params.has(n)) params.set(n, toFact(file, pf));
        if (cp.attrs || !cp.varKeyword) break;
        current = cp.bases.find((b) => classes.has(b));
      }
      tree.delete();
      if (params.size === 0) continue;
      for (const n of params.keys()) known.add(n);
      knownArgs.set(id, known);
      out.set(id, params);
      break;
    }
  }
  return out;
}

function toFact(path: string, pf: ParamFact): FactAt {
  return { path, ...(pf.deprecated ? { deprecated: true, replacement: pf.replacement, note: pf.note } : {}) };
}

function scanContext(git: GitSnapshot, commit: string, parser: Awaited<ReturnType<typeof pythonParser>>): Map<string, FactAt> {
  const out = new Map<string, FactAt>();
  const add = (k: string, path: string) => {
    if (!out.has(k)) out.set(k, { path });
  };
  for (const [file, fn] of CONTEXT_FILES.builders) {
    const tree = readTree(git, commit, file, parser);
    if (!tree) continue;
    for (const [k, f] of contextKeysOfFunction(tree.rootNode, fn)) {
      if (out.has(k)) continue;
      out.set(k, f.deprecated ? { path: file, deprecated: true, replacement: f.replacement, source: `deprecated_proxy(...) in ${fn} of ${file}` } : { path: file });
    }
    tree.delete();
  }
  for (const file of CONTEXT_FILES.typed) {
    const tree = readTree(git, commit, file, parser);
    if (!tree) continue;
    for (const k of typedDictKeys(tree.rootNode, 'Context')) add(k, file);
    for (const k of stringCollectionAssignedTo(tree.rootNode, 'KNOWN_CONTEXT_KEYS') ?? []) add(k, file);
    tree.delete();
  }
  for (const file of [...CONTEXT_FILES.operatorStores, ...CONTEXT_FILES.callbackStores]) {
    const tree = readTree(git, commit, file, parser);
    if (!tree) continue;
    for (const k of subscriptStores(tree.rootNode, /^context$/)) add(k, file);
    tree.delete();
  }
  for (const file of CONTEXT_FILES.deprecations) {
    const tree = readTree(git, commit, file, parser);
    if (!tree) continue;
    const table = dictAssignedTo(tree.rootNode, '_DEPRECATION_REPLACEMENTS');
    tree.delete();
    if (!table) continue;
    for (const [k, repl] of Object.entries(table)) {
      const f = out.get(k);
      if (!f) continue;
      const options = Array.isArray(repl) ? repl.filter((x): x is string => typeof x === 'string') : [];
      // execution_date lists ["data_interval_start", "logical_date"]: logical_date is the same value renamed
      const replacement = options.includes('logical_date') ? 'logical_date' : options[0];
      out.set(k, {
        ...f,
        path: file,
        deprecated: true,
        replacement,
        ...(options.length > 1 ? { note: `Airflow suggests: ${options.join(' or ')}.` } : {}),
        source: `listed in _DEPRECATION_REPLACEMENTS of ${file}`,
      });
    }
    break;
  }
  return out;
}
