import type { SeverityOverride } from '../analysis/types';

/**
 * Typed view of the `managedAirflow.*` lint settings declared in package.json (the manifest is
 * the schema; a unit test checks both agree). Raw values come from VS Code or from
 * `.vscode/settings.json` (CLI) and are normalised here once.
 */
export interface LintSettings {
  target: string;
  python: string;
  enable: boolean;
  select: string[];
  ignore: string[];
  severity: Record<string, SeverityOverride>;
  debounceMs: number;
  exclude: string[];
}

/** Setting keys (without the `managedAirflow.` prefix) covered by LintSettings. */
export const LINT_SETTING_KEYS = ['target', 'python', 'lint.enable', 'lint.select', 'lint.ignore', 'lint.severity', 'lint.debounceMs', 'lint.exclude'] as const;

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map((s) => s.trim().toUpperCase()).filter(Boolean) : [];
}

/**
 * Reads `key` (without the `managedAirflow.` prefix) from a flat settings object (settings.json:
 * `{"managedAirflow.lint.select": …}`) or a nested one (`getConfiguration('managedAirflow')`).
 */
export function settingReader(raw: Record<string, unknown>): (key: string) => unknown {
  return (key) => {
    const flat = raw[`managedAirflow.${key}`];
    if (flat !== undefined) return flat;
    let cur: unknown = raw;
    for (const part of key.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
    return cur;
  };
}

/**
 * Accepts either a flat settings object (`{"managedAirflow.target": …}` as in settings.json) or
 * a nested one (`{target, lint: {select}}` as returned by `getConfiguration('managedAirflow')`).
 */
export function normaliseLintSettings(raw: Record<string, unknown>): LintSettings {
  const get = settingReader(raw);
  const sev: Record<string, SeverityOverride> = {};
  const rawSev = get('lint.severity');
  if (rawSev && typeof rawSev === 'object') {
    for (const [k, v] of Object.entries(rawSev)) if (typeof v === 'string' && SEVERITIES.has(v)) sev[k.toUpperCase()] = v as SeverityOverride;
  }
  const debounce = Number(get('lint.debounceMs'));
  return {
    target: typeof get('target') === 'string' ? (get('target') as string).trim() : '',
    python: typeof get('python') === 'string' ? (get('python') as string).trim() : '',
    enable: get('lint.enable') !== false,
    select: strings(get('lint.select')),
    ignore: strings(get('lint.ignore')),
    severity: sev,
    debounceMs: Number.isFinite(debounce) && debounce >= 0 ? Math.min(debounce, 5000) : 150,
    exclude: Array.isArray(get('lint.exclude')) ? (get('lint.exclude') as unknown[]).filter((x): x is string => typeof x === 'string') : ['**/.venv/**', '**/venv/**', '**/node_modules/**', '**/.git/**'],
  };
}

/** Typed view of the `managedAirflow.deploy.*` settings (package.json declares them; a unit test checks both agree). */
export interface DeploySettings {
  concurrency: number;
  lintAll: boolean;
  ignoreSyntax: 'auto' | 'regexp' | 'glob';
  composerFolders: ('plugins' | 'data')[];
}

export const DEPLOY_SETTING_KEYS = ['deploy.concurrency', 'deploy.lintAll', 'deploy.ignoreSyntax', 'deploy.composerFolders'] as const;

/** Accepts the nested object of `getConfiguration('managedAirflow')` or flat `managedAirflow.deploy.*` keys. */
export function normaliseDeploySettings(raw: Record<string, unknown>): DeploySettings {
  const get = settingReader(raw);
  const c = Number(get('deploy.concurrency'));
  const syntax = get('deploy.ignoreSyntax');
  const folders = get('deploy.composerFolders');
  return {
    concurrency: Number.isInteger(c) && c >= 1 ? Math.min(c, 64) : 16,
    lintAll: get('deploy.lintAll') === true,
    ignoreSyntax: syntax === 'regexp' || syntax === 'glob' ? syntax : 'auto',
    composerFolders: Array.isArray(folders) ? folders.filter((f): f is 'plugins' | 'data' => f === 'plugins' || f === 'data') : [],
  };
}
