import { normaliseDist } from '../requirements';
import type { Rule, RuleContext } from '../rule';

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
    for (const imp of ctx.facts.imports) {
      if (imp.guarded || imp.relative) continue;
      const module = imp.kind === 'from' && imp.module === 'airflow.providers' && imp.name ? `airflow.providers.${imp.name}` : imp.module;
      const dist = providerDistribution(module);
      if (!dist || installed.has(dist) || extra.has(dist)) continue;
      const key = `${dist}@${imp.statementRange.start.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      ctx.report({
        code: 'AF141',
        message: `\`${module}\` comes from ${dist}, which ${ctx.target.label} does not install and requirements.txt does not list. Add ${dist} to requirements.txt (within the platform's constraints).`,
        range: imp.moduleRange,
        data: { distribution: dist },
      });
    }
  },
};

function installedFor(ctx: RuleContext): Set<string> | undefined {
  const t = ctx.target;
  const entry = ctx.kb.providersFor(t.label) ?? (t.platform === 'airflow' ? ctx.kb.providersFor(`airflow:${t.airflow}`) : undefined);
  if (!entry) return undefined;
  return new Set(Object.keys(entry.packages).map(normaliseDist));
}
