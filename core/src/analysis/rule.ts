import type { KnowledgeBase } from '../knowledge';
import type { ResolvedTarget } from '../targets/types';
import type { Facts } from './facts';
import type { Diagnostic, LintOptions, Severity } from './types';

/** What every rule receives: facts of one file, the target and a reporter. */
export interface RuleContext {
  file: string;
  facts: Facts;
  target: ResolvedTarget;
  kb: KnowledgeBase;
  options: LintOptions;
  /** Report a finding; `severity` defaults to the rule's default for that code. */
  report(d: Omit<Diagnostic, 'severity'> & { severity?: Severity }): void;
}

export interface RuleInfo {
  code: string;
  /** Short title for docs, SARIF rule metadata and hovers. */
  title: string;
  defaultSeverity: Severity;
  /** Longer help text (markdown). */
  help: string;
}

export interface Rule {
  /** Codes this rule can report, with their metadata. */
  infos: RuleInfo[];
  run(ctx: RuleContext): void;
}
