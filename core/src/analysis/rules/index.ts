import type { Rule, RuleInfo } from '../rule';
import { importsRule } from './imports';
import { argumentsRule } from './arguments';
import { contextRule } from './context';
import { featuresRule } from './features';
import { providersRule } from './providers';
import { syntaxRule } from './syntax';
import { credentialsRule } from './credentials';
import { topLevelRule } from './topLevel';
import { dagsRule } from './dags';

/** Every rule, in reporting order. Add new rule families here. */
export const allRules: Rule[] = [importsRule, argumentsRule, contextRule, featuresRule, providersRule, syntaxRule, credentialsRule, topLevelRule, dagsRule];

const infoByCode = new Map<string, RuleInfo>();
for (const r of allRules) for (const i of r.infos) infoByCode.set(i.code, i);

export function ruleInfo(code: string): RuleInfo | undefined {
  return infoByCode.get(code);
}

export function allRuleInfos(): RuleInfo[] {
  return [...infoByCode.values()].sort((a, b) => a.code.localeCompare(b.code));
}
