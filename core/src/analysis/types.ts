import type { ResolvedTarget } from '../targets/types';

/** 0-based position, as in LSP (character = UTF-16 code unit; tree-sitter columns are converted). */
export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type SeverityOverride = Severity | 'off';

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A quick fix: a titled set of edits in the same file. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Preferred fixes are applied by "fix all" and shown first. */
  isPreferred?: boolean;
}

export interface Diagnostic {
  /** Stable rule code, e.g. "AF101". */
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  fixes?: Fix[];
  /** Knowledge-base facts behind the verdict (shown in hovers / SARIF). */
  evidence?: { repo: string; path: string; ref: string }[];
  /** Extra structured data for adapters (e.g. the symbol key for hovers). */
  data?: Record<string, unknown>;
}

/** Per-run lint options, normalised from CLI flags or VS Code settings. */
export interface LintOptions {
  target: ResolvedTarget;
  /** Only report codes matching these codes/prefixes (empty = all). */
  select?: string[];
  /** Never report codes matching these codes/prefixes. */
  ignore?: string[];
  /** Severity overrides per code. */
  severity?: Record<string, SeverityOverride>;
  /** Provider distributions the project adds on top of the platform (from requirements.txt). */
  extraPackages?: Set<string>;
}

export interface FileResult {
  /** Path as given (absolute or relative; adapters decide how to print it). */
  file: string;
  diagnostics: Diagnostic[];
  /** DAG ids defined in the file (for workspace-wide rules). */
  dagIds: { id: string; range: Range }[];
}
