import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ManagedAirflowError } from '../errors';
import { findUpwards } from '../util/findUpwards';
import type { EnvironmentConfig, PlatformKind } from '../protocol/environments';

export const ENVIRONMENTS_SETTING = 'managedAirflow.environments';
const PLATFORMS: PlatformKind[] = ['mwaa', 'composer', 'astro', 'airflow'];

/** Required fields per platform (besides name and platform). */
const REQUIRED: Record<PlatformKind, (keyof EnvironmentConfig)[]> = {
  mwaa: ['environment'],
  composer: ['project', 'location', 'environment'],
  astro: ['deployment'],
  airflow: ['url'],
};

/** Find the workspace root: the nearest folder at or above `start` that holds `.vscode/settings.json`. */
export function findWorkspaceSettings(start: string): string | undefined {
  return findUpwards(start, undefined, (dir) => {
    const candidate = path.join(dir, '.vscode', 'settings.json');
    return existsSync(candidate) ? candidate : undefined;
  });
}

/** Read a JSONC settings file; syntax errors name the file, line and column. */
export function readSettingsFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ManagedAirflowError('config', 'config.unreadable', `cannot read ${file}: ${(e as Error).message}`, { source: file });
  }
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const first = errors[0];
    const before = text.slice(0, first.offset);
    const line = before.split('\n').length;
    const column = first.offset - before.lastIndexOf('\n');
    throw new ManagedAirflowError('config', 'config.invalidJson', `${printParseErrorCode(first.error)} at line ${line}, column ${column}`, {
      source: file,
      hint: 'Fix the JSON syntax of the settings file (comments and trailing commas are allowed).',
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ManagedAirflowError('config', 'config.notObject', 'settings must be a JSON object', { source: file });
  }
  return value as Record<string, unknown>;
}

/** Validate the raw `managedAirflow.environments` value. `source` names the file for messages. */
export function validateEnvironments(raw: unknown, source: string): EnvironmentConfig[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    throw new ManagedAirflowError('config', 'config.environments.notArray', `"${ENVIRONMENTS_SETTING}" must be an array of environment objects`, { source });
  }
  const seen = new Set<string>();
  return raw.map((entry, i) => {
    const where = `"${ENVIRONMENTS_SETTING}"[${i}]`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new ManagedAirflowError('config', 'config.environments.entry', `${where} must be an object`, { source });
    }
    const e = entry as Record<string, unknown>;
    if (typeof e.name !== 'string' || !e.name.trim()) {
      throw new ManagedAirflowError('config', 'config.environments.name', `${where} needs a non-empty "name"`, { source });
    }
    if (seen.has(e.name)) {
      throw new ManagedAirflowError('config', 'config.environments.duplicate', `${where}: environment name "${e.name}" is used twice`, { source, hint: 'Give every environment a unique name.' });
    }
    seen.add(e.name);
    if (typeof e.platform !== 'string' || !PLATFORMS.includes(e.platform as PlatformKind)) {
      throw new ManagedAirflowError('config', 'config.environments.platform', `${where} ("${e.name}"): "platform" must be one of ${PLATFORMS.join(', ')}, got ${JSON.stringify(e.platform)}`, { source });
    }
    for (const [k, v] of Object.entries(e)) {
      if (v !== undefined && k !== 'name' && k !== 'platform' && typeof v !== 'string') {
        throw new ManagedAirflowError('config', 'config.environments.type', `${where} ("${e.name}"): "${k}" must be a string`, { source });
      }
      if (/password|secret|token|apikey|api_key/i.test(k)) {
        throw new ManagedAirflowError('config', 'config.environments.secret', `${where} ("${e.name}"): "${k}" looks like a secret; secrets never belong in settings`, {
          source,
          hint: 'Remove it. In VS Code, run "Managed Airflow: Add environment…" (stored in SecretStorage); on the command line use AIRFLOW_USERNAME/AIRFLOW_PASSWORD, AIRFLOW_TOKEN or ASTRO_API_TOKEN.',
        });
      }
    }
    const platform = e.platform as PlatformKind;
    const missing = REQUIRED[platform].filter((k) => typeof e[k] !== 'string' || !(e[k] as string).trim());
    if (missing.length) {
      throw new ManagedAirflowError('config', 'config.environments.missing', `${where} ("${e.name}", ${platform}) is missing ${missing.map((m) => `"${m}"`).join(', ')}`, { source });
    }
    return e as unknown as EnvironmentConfig;
  });
}

/** Load environments from the workspace settings found at or above `cwd` ([] if none). */
export function loadEnvironments(cwd: string): { environments: EnvironmentConfig[]; settingsFile?: string } {
  const settingsFile = findWorkspaceSettings(cwd);
  if (!settingsFile) return { environments: [] };
  const settings = readSettingsFile(settingsFile);
  return { environments: validateEnvironments(settings[ENVIRONMENTS_SETTING], settingsFile), settingsFile };
}

/** Pick one environment by name; an unknown name lists the known ones. */
export function findEnvironment(envs: EnvironmentConfig[], name: string, settingsFile?: string): EnvironmentConfig {
  const env = envs.find((e) => e.name === name);
  if (env) return env;
  const known = envs.map((e) => e.name);
  throw new ManagedAirflowError('config', 'config.environments.unknown', `unknown environment "${name}"`, {
    source: settingsFile,
    hint: known.length
      ? `Known environments: ${known.join(', ')}.`
      : `No environments are configured. Add entries to "${ENVIRONMENTS_SETTING}" in .vscode/settings.json, e.g. {"name": "local", "platform": "airflow", "url": "http://127.0.0.1:8080"}.`,
    details: { known },
  });
}
