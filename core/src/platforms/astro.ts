/**
 * Astronomer Astro: deployment metadata from the Astro platform API with an API token
 * (Deployment, Workspace or Organization token, from ASTRO_API_TOKEN or SecretStorage), and the
 * Airflow REST API at the deployment's `webServerAirflowApiUrl` with the same token as bearer.
 */
import type { EnvironmentConfig } from '../protocol/environments';
import { platformErrors } from './errors';
import { httpRequest } from './http';
import { AirflowClient, apiVersionFor } from './airflow';
import { HttpTransport, normalizeBaseUrl } from './transport';
import type { CallOptions } from './types';
import { ASTRO_API_DEFAULT } from './astro-url';

export { ASTRO_API_DEFAULT } from './astro-url';

export interface AstroOptions {
  /** Platform API base; default env ASTRO_API_URL, else https://api.astronomer.io/v1. */
  apiUrl?: string;
  env?: NodeJS.ProcessEnv;
}

export interface AstroDeploymentInfo {
  id: string;
  name: string;
  organizationId: string;
  workspaceId?: string;
  /** Astro Runtime, e.g. 12.1.0 (Airflow 2) or 3.0-4 (Airflow 3). */
  runtimeVersion: string;
  airflowVersion?: string;
  status?: string;
  webServerUrl?: string;
  /** Airflow REST API base (with scheme, without /api/vN). */
  airflowApiUrl?: string;
}

const TOKEN_HINT = 'Create a Deployment API token in the Astro UI and store it with "Managed Airflow: Add environment…" (VS Code) or export ASTRO_API_TOKEN (CLI).';
const NOT_READY = new Set(['CREATING', 'DEPLOYING', 'HIBERNATING']);

/** Astro Runtime → Airflow API generation: "3.0-4" (new format) is Airflow 3; semver runtimes are Airflow 2. */
export function astroApiVersion(runtime: string, airflowVersion?: string): 'v1' | 'v2' {
  if (airflowVersion) return apiVersionFor(airflowVersion);
  return /^\d+\.\d+-\d+/.test(runtime) && Number(runtime.split('.')[0]) >= 3 ? 'v2' : 'v1';
}

const withScheme = (u: string) => (/^https?:\/\//i.test(u) ? u : `https://${u}`);

export async function getAstroDeployment(config: Pick<EnvironmentConfig, 'name' | 'organization' | 'deployment'>, token: string, opts: AstroOptions & CallOptions = {}): Promise<AstroDeploymentInfo> {
  if (!config.organization || !config.deployment) {
    throw platformErrors.notFound(config.name, 'Astro organization/deployment setting', 'Set "organization" and "deployment" (ids from `astro deployment inspect`).');
  }
  const base = (opts.apiUrl ?? (opts.env ?? process.env).ASTRO_API_URL ?? ASTRO_API_DEFAULT).replace(/\/+$/, '');
  const url = `${base}/organizations/${encodeURIComponent(config.organization)}/deployments/${encodeURIComponent(config.deployment)}`;
  const r = await httpRequest(config.name, url, { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, opts);
  if (r.status === 401 || r.status === 403) throw platformErrors.unauthorized(config.name, r.status, TOKEN_HINT);
  if (r.status === 404) throw platformErrors.notFound(config.name, `Astro deployment ${config.deployment}`);
  if (r.status !== 200 || !r.json) throw platformErrors.remote(config.name, r.status, r.text.slice(0, 200));
  const d = r.json as Record<string, unknown>;
  const s = (k: string) => (typeof d[k] === 'string' && d[k] ? (d[k] as string) : undefined);
  const api = s('webServerAirflowApiUrl');
  return {
    id: s('id') ?? config.deployment,
    name: s('name') ?? config.deployment,
    organizationId: s('organizationId') ?? config.organization,
    workspaceId: s('workspaceId'),
    runtimeVersion: s('astroRuntimeVersion') ?? s('runtimeVersion') ?? '',
    airflowVersion: s('airflowVersion'),
    status: s('status'),
    webServerUrl: s('webServerUrl') ? withScheme(s('webServerUrl')!) : undefined,
    airflowApiUrl: api ? normalizeBaseUrl(withScheme(api)) : undefined,
  };
}

export interface AstroConnection {
  info: AstroDeploymentInfo;
  client: AirflowClient;
}

export async function connectAstro(config: EnvironmentConfig, token: string | undefined, opts: AstroOptions & CallOptions = {}): Promise<AstroConnection> {
  if (!token) throw platformErrors.missingCredentials(config.name, 'Astro API token', TOKEN_HINT);
  const info = await getAstroDeployment(config, token, opts);
  if (info.status && NOT_READY.has(info.status)) throw platformErrors.notReady(config.name, info.status);
  const base = config.url ?? info.airflowApiUrl;
  if (!base) throw platformErrors.notReady(config.name, `${info.status ?? 'starting'} (no Airflow API URL yet)`);
  const transport = new HttpTransport(config.name, base, { kind: 'bearer', token: async () => token }, TOKEN_HINT);
  const client = new AirflowClient({ env: config.name, transport, apiVersion: astroApiVersion(info.runtimeVersion, info.airflowVersion), airflowVersion: info.airflowVersion });
  return { info, client };
}
