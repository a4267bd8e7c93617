import semver from 'semver';
import { normaliseVersion, type Availability } from '../../knowledge';
import { airflowDecoratorName } from '../airflowNames';
import { normaliseDist } from '../requirements';
import type { Rule, RuleContext } from '../rule';
import { cachedStatus, replacementAt } from './scanGaps';

/** Provider namespaces whose distributions take two path segments (airflow.providers.apache.spark → apache-spark). */
const TWO_LEVEL = new Set(['apache', 'atlassian', 'cncf', 'common', 'dbt', 'microsoft']);

/** pip distribution for an `airflow.providers.…` module path. */
export function providerDistribution(module: string): string | undefined {
  const parts = module.split('.');
  if (parts[0] !== 'airflow' || parts[1] !== 'providers' || parts.length < 3) return undefined;
  const segs = TWO_LEVEL.has(parts[2]) && parts.length >= 4 ? parts.slice(2, 4) : parts.slice(2, 3);
  return normaliseDist(`apache-airflow-providers-${segs.join('-')}`);
}

/**
 * On Airflow 1.10, `airflow.providers.<name>` comes from the backport package
 * apache-airflow-backport-providers-<name> (apache-airflow-providers-* need Airflow 2.0):
 * https://airflow.apache.org/docs/1.10.13/backport-providers.html ("Installing Airflow 2.0 operators in Airflow 1.10").
 */
export function backportDistribution(dist: string): string {
  return dist.replace(/^apache-airflow-providers-/, 'apache-airflow-backport-providers-');
}

/**
 * AF141: import from a provider distribution that the target platform does not preinstall and
 * the project's requirements.txt does not add. Silent when the KB has no provider list for the
 * target (no guessing).
 */
export const providersRule: Rule = {
  infos: [
    { code: 'AF141', title: 'Provider package not installed on the target platform', defaultSeverity: 'warning', help: 'The provider distribution is not preinstalled on the target platform version and is not listed in the project requirements.txt; the DAG fails to import there.' },
  ],
  run(ctx) {
    const installed = installedFor(ctx);
    if (!installed) return;
    const extra = ctx.options.extraPackages ?? new Set<string>();
    const seen = new Set<string>();
    const backport = onAirflow1(ctx);
    for (const imp of ctx.facts.imports) {
      if (imp.guarded || imp.relative) continue;
      const module = imp.kind === 'from' && imp.module === 'airflow.providers' && imp.name ? `airflow.providers.${imp.name}` : imp.module;
      const provider = providerDistribution(module);
      const dist = provider && backport ? backportDistribution(provider) : provider;
      if (!dist || installed.has(dist) || extra.has(dist)) continue;
      const key = `${dist}@${imp.statementRange.start.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      ctx.report({
        code: 'AF141',
        message: backport
          ? `\`${module}\` comes from the backport package ${dist} on Airflow ${ctx.target.airflow} (${provider} needs Airflow 2.0), which ${installer(ctx)} does not install and requirements.txt does not list. Add ${dist} to requirements.txt (backport packages need Python 3.6+), or import the class from its Airflow 1.10 module.`
          : `\`${module}\` comes from ${dist}, which ${installer(ctx)} does not install and requirements.txt does not list. Add ${dist} to requirements.txt (within the platform's constraints).`,
        range: imp.moduleRange,
        data: { distribution: dist },
      });
    }
    checkShims(ctx, installed, extra, seen);
    checkTaskDecorators(ctx, installed, extra);
  },
};

/**
 * `@task.<name>` decorators that providers register (provider.yaml `task-decorators:`; e.g.
 * arenadata/airflow 2.10.3 airflow/providers/docker/provider.yaml, apache/airflow main
 * providers/docker/provider.yaml …): without the provider, `task.<name>` raises
 * AttributeError("task decorator '<name>' not found") when the file is imported.
 */
const TASK_DECORATOR_PROVIDERS: Record<string, string> = {
  docker: 'apache-airflow-providers-docker',
  kubernetes: 'apache-airflow-providers-cncf-kubernetes',
  kubernetes_cmd: 'apache-airflow-providers-cncf-kubernetes',
  pyspark: 'apache-airflow-providers-apache-spark',
  sftp_sensor: 'apache-airflow-providers-sftp',
  snowpark: 'apache-airflow-providers-snowflake',
};

function checkTaskDecorators(ctx: RuleContext, installed: Set<string>, extra: Set<string>) {
  for (const d of ctx.facts.decorators) {
    const name = airflowDecoratorName(d.text, d.resolved, ctx.facts);
    const m = name ? /^task\.(\w+)$/.exec(name) : null;
    const dist = m ? TASK_DECORATOR_PROVIDERS[m[1]] : undefined;
    if (!dist || installed.has(normaliseDist(dist)) || extra.has(normaliseDist(dist))) continue;
    ctx.report({
      code: 'AF141',
      message: `@${name} is registered by ${dist}, which ${installer(ctx)} does not install and requirements.txt does not list: importing the file raises AttributeError ("task decorator '${m![1]}' not found"). Add ${dist} to requirements.txt (within the platform's constraints).`,
      range: d.range,
      data: { distribution: normaliseDist(dist) },
    });
  }
}

/**
 * Airflow 2.x keeps the pre-provider paths (`airflow.contrib.operators.ssh_operator`,
 * `airflow.operators.postgres_operator`, `airflow.hooks.S3_hook` …) as deprecation shims that
 * import the class from its provider package: the import fails when that provider is not installed.
 */
function checkShims(ctx: RuleContext, installed: Set<string>, extra: Set<string>, seen: Set<string>) {
  if (onAirflow1(ctx)) return; // 1.10 paths are real modules, not shims
  for (const imp of ctx.facts.imports) {
    if (imp.guarded || imp.relative || imp.kind === 'star') continue;
    if (!imp.module.startsWith('airflow.') || imp.module.startsWith('airflow.providers')) continue;
    const shim = shimOf(ctx, imp.module, imp.kind === 'from' ? imp.name : undefined);
    if (!shim) continue;
    const dist = normaliseDist(shim.dist);
    if (installed.has(dist) || extra.has(dist)) continue;
    const key = `${dist}@${imp.statementRange.start.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ctx.report({
      code: 'AF141',
      message: `\`${shim.path}\` is a deprecated alias that imports \`${shim.replacement}\` from ${dist}, which ${installer(ctx)} does not install and requirements.txt does not list, so the import fails. Add ${dist} to requirements.txt (within the platform's constraints) and import from \`${shim.replacement}\`.`,
      range: imp.kind === 'from' && shim.path !== imp.module ? imp.nameRange ?? imp.moduleRange : imp.moduleRange,
      evidence: shim.av.evidence?.slice(0, 3).map((e) => ({ repo: e.repo, path: e.path, ref: e.ref })),
      data: { distribution: dist },
    });
  }
}

function shimOf(ctx: RuleContext, module: string, name: string | undefined): { path: string; replacement: string; dist: string; av: Availability } | undefined {
  const v = ctx.target.airflow;
  const candidates: [string, Availability | undefined][] = [];
  // `from airflow.contrib.operators import ssh_operator` imports the submodule shim
  if (name) candidates.push([`${module}.${name}`, ctx.kb.name(module, name) ?? ctx.kb.module(`${module}.${name}`)]);
  candidates.push([module, ctx.kb.module(module)]);
  for (const [path, av] of candidates) {
    if (!av || cachedStatus(av, v) !== 'deprecated') continue;
    const { replacement, provider } = replacementAt(ctx, av);
    if (replacement?.startsWith('airflow.providers.') && provider) return { path, replacement, dist: provider, av };
  }
  return undefined;
}

/** Airflow 1.x: no provider distributions, backports instead; the 1.10 module paths are real modules. */
function onAirflow1(ctx: RuleContext): boolean {
  return semver.lt(normaliseVersion(ctx.target.airflow), '2.0.0');
}

/** Who installs the providers: the target, or the official image the project builds on. */
function installer(ctx: RuleContext): string {
  return ctx.target.image ? `the ${ctx.target.image} image (${ctx.target.label})` : ctx.target.label;
}

function installedFor(ctx: RuleContext): Set<string> | undefined {
  const t = ctx.target;
  const entry = ctx.kb.providersFor(t.label) ?? (t.platform === 'airflow' ? ctx.kb.providersFor(`airflow:${t.airflow}`) : undefined);
  if (!entry) return undefined;
  const installed = new Set(Object.keys(entry.packages).map(normaliseDist));
  // `FROM apache/airflow:<v>`: the image's extras install their providers too
  if (t.platform === 'airflow' && t.image) for (const p of ctx.kb.imageProviders(t.airflow)?.packages ?? []) installed.add(p);
  return installed;
}
