/**
 * Google Cloud Composer: environments through @google-cloud/orchestration-airflow (REST transport)
 * with Application Default Credentials; the Airflow REST API at the environment's `airflowUri`
 * with an ADC access token as bearer. The Composer endpoint can be overridden like gcloud's
 * `CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPOSER` (tests, private endpoints).
 */
import { EnvironmentsClient } from '@google-cloud/orchestration-airflow';
import { GoogleAuth, type AuthClient } from 'google-auth-library';
import { isManagedAirflowError, type ManagedAirflowError } from '../errors';
import type { EnvironmentConfig } from '../protocol/environments';
import { platformErrors } from './errors';
import { withDeadline } from './http';
import { AirflowClient } from './airflow';
import { HttpTransport } from './transport';
import type { CallOptions } from './types';

export interface ComposerOptions {
  /** e.g. "http://127.0.0.1:8555/"; default: env CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPOSER, else composer.googleapis.com. */
  endpoint?: string;
  /** Auth client to use instead of ADC (tests, or a signed-in VS Code account). */
  auth?: AuthClient;
  env?: NodeJS.ProcessEnv;
}

export interface ComposerEnvironmentInfo {
  /** Full resource name projects/P/locations/L/environments/E. */
  resourceName: string;
  id: string;
  project: string;
  location: string;
  state: string;
  /** e.g. composer-2.9.7-airflow-2.9.3, composer-3-airflow-2.10.5-build.5 */
  imageVersion: string;
  /** Airflow version from the image name, e.g. 2.9.3. */
  airflowVersion?: string;
  pythonVersion?: string;
  /** gs://bucket/dags */
  dagGcsPrefix?: string;
  /** Airflow web UI and REST API base URL. */
  airflowUri?: string;
  environmentSize?: string;
  createTime?: string;
  updateTime?: string;
}

const STATES = ['STATE_UNSPECIFIED', 'CREATING', 'RUNNING', 'UPDATING', 'DELETING', 'ERROR'];
const NOT_READY = new Set(['CREATING', 'UPDATING', 'DELETING', 'ERROR']);
const SCOPES = ['https://www.googleapis.com/auth/cloud-platform'];
const ADC_HINT = 'Run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS), then retry.';

/** Airflow version inside a Composer image name. */
export function airflowVersionFromImage(image: string): string | undefined {
  return /airflow-(\d+\.\d+\.\d+)/.exec(image)?.[1] ?? /airflow-(\d+(?:\.\d+)?)/.exec(image)?.[1];
}

export function composerAuth(opts: ComposerOptions = {}): GoogleAuth {
  return opts.auth ? new GoogleAuth({ authClient: opts.auth as never, scopes: SCOPES }) : new GoogleAuth({ scopes: SCOPES });
}

function clientFor(opts: ComposerOptions, auth: GoogleAuth): EnvironmentsClient {
  const env = opts.env ?? process.env;
  const endpoint = opts.endpoint ?? env.CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPOSER;
  if (endpoint) {
    const u = new URL(endpoint);
    return new EnvironmentsClient({ fallback: 'rest', apiEndpoint: u.hostname, port: Number(u.port || (u.protocol === 'http:' ? 80 : 443)), protocol: u.protocol.replace(':', ''), auth } as never);
  }
  return new EnvironmentsClient({ fallback: 'rest', auth } as never);
}

export function mapGoogleError(envName: string, e: unknown): ManagedAirflowError {
  if (isManagedAirflowError(e)) return e;
  const err = e as { code?: number | string; message?: string; name?: string; reason?: string; statusDetails?: unknown; errorInfoMetadata?: unknown };
  const msg = err?.message ?? String(e);
  if (err?.name === 'AbortError') return platformErrors.cancelled();
  if (/Could not load the default credentials|Unable to detect a Project Id|No access, refresh token|GOOGLE_APPLICATION_CREDENTIALS/i.test(msg)) {
    return platformErrors.missingCredentials(envName, 'Google Application Default Credentials', ADC_HINT);
  }
  if (/invalid_grant|invalid_rapt|reauth|token has been expired|Token has been expired or revoked/i.test(msg)) return platformErrors.expiredCredentials(envName, ADC_HINT, e);
  if (/SERVICE_DISABLED|has not been used in project|is disabled/i.test(msg) || /SERVICE_DISABLED/.test(JSON.stringify(err?.statusDetails ?? ''))) {
    return platformErrors.apiNotEnabled(envName, 'the Cloud Composer API is not enabled for the project', 'Enable composer.googleapis.com: `gcloud services enable composer.googleapis.com --project <project>`, then retry.');
  }
  switch (err?.code) {
    case 16:
      return platformErrors.unauthorized(envName, 401, ADC_HINT);
    case 7:
      return platformErrors.unauthorized(envName, 403, 'Your Google account needs roles/composer.user (or composer.environments.get/list) on the project.');
    case 5:
      return platformErrors.notFound(envName, 'Composer environment', 'Check "project", "location" and "environment" in the settings.');
    case 14:
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
      return platformErrors.unreachable(envName, 'the Composer API', String(err.code === 14 ? 'unavailable' : err.code));
    case 4:
      return platformErrors.timeout(envName, 'the Composer API', 0);
  }
  const code = (e as { cause?: { code?: string } })?.cause?.code;
  if (code && /^E[A-Z]+/.test(code)) return platformErrors.unreachable(envName, 'the Composer API', code);
  return platformErrors.remote(envName, typeof err?.code === 'number' ? err.code : 0, msg.slice(0, 300));
}

function tsToIso(t: unknown): string | undefined {
  if (!t) return undefined;
  if (typeof t === 'string') return t;
  const s = Number((t as { seconds?: unknown }).seconds ?? NaN);
  return Number.isFinite(s) ? new Date(s * 1000 + Number((t as { nanos?: number }).nanos ?? 0) / 1e6).toISOString() : undefined;
}

export function toComposerInfo(e: Record<string, any>): ComposerEnvironmentInfo {
  const name: string = e.name ?? '';
  const m = /^projects\/([^/]+)\/locations\/([^/]+)\/environments\/([^/]+)$/.exec(name);
  const state = typeof e.state === 'number' ? (STATES[e.state] ?? String(e.state)) : String(e.state ?? 'STATE_UNSPECIFIED');
  const image: string = e.config?.softwareConfig?.imageVersion ?? '';
  return {
    resourceName: name,
    id: m?.[3] ?? name,
    project: m?.[1] ?? '',
    location: m?.[2] ?? '',
    state,
    imageVersion: image,
    airflowVersion: airflowVersionFromImage(image),
    pythonVersion: e.config?.softwareConfig?.pythonVersion || undefined,
    dagGcsPrefix: e.config?.dagGcsPrefix || undefined,
    airflowUri: e.config?.airflowUri || undefined,
    environmentSize: typeof e.config?.environmentSize === 'string' ? e.config.environmentSize : undefined,
    createTime: tsToIso(e.createTime),
    updateTime: tsToIso(e.updateTime),
  };
}

/** All Composer environments of a project and location (pages through the list). */
export async function listComposerEnvironments(cfg: { project: string; location: string }, opts: ComposerOptions & CallOptions & { pageSize?: number } = {}): Promise<ComposerEnvironmentInfo[]> {
  const label = `Composer ${cfg.project}/${cfg.location}`;
  const client = clientFor(opts, composerAuth(opts));
  try {
    return await withDeadline(label, 'Composer ListEnvironments', opts, async () => {
      const out: ComposerEnvironmentInfo[] = [];
      for await (const e of client.listEnvironmentsAsync({ parent: `projects/${cfg.project}/locations/${cfg.location}`, pageSize: opts.pageSize ?? 100 }, { autoPaginate: false })) out.push(toComposerInfo(e as Record<string, any>));
      return out;
    });
  } catch (e) {
    throw mapGoogleError(label, e);
  } finally {
    await client.close().catch(() => undefined);
  }
}

export async function getComposerEnvironment(config: Pick<EnvironmentConfig, 'name' | 'project' | 'location' | 'environment'>, opts: ComposerOptions & CallOptions = {}): Promise<ComposerEnvironmentInfo> {
  if (!config.project || !config.location || !config.environment) {
    throw platformErrors.notFound(config.name, 'Composer project/location/environment setting', 'Set "project", "location" and "environment" for this environment.');
  }
  const client = clientFor(opts, composerAuth(opts));
  try {
    const name = `projects/${config.project}/locations/${config.location}/environments/${config.environment}`;
    const [env] = await withDeadline(config.name, 'Composer GetEnvironment', opts, () => client.getEnvironment({ name }));
    return toComposerInfo(env as Record<string, any>);
  } catch (e) {
    throw mapGoogleError(config.name, e);
  } finally {
    await client.close().catch(() => undefined);
  }
}

export interface ComposerConnection {
  info: ComposerEnvironmentInfo;
  client: AirflowClient;
}

export async function connectComposer(config: EnvironmentConfig, opts: ComposerOptions & CallOptions = {}): Promise<ComposerConnection> {
  const info = await getComposerEnvironment(config, opts);
  if (NOT_READY.has(info.state)) throw platformErrors.notReady(config.name, info.state);
  const uri = config.url || info.airflowUri;
  if (!uri) throw platformErrors.notReady(config.name, `${info.state} without an Airflow URI`);
  const auth = composerAuth(opts);
  const token = async () => {
    try {
      const t = await auth.getAccessToken();
      if (!t) throw new Error('Could not load the default credentials');
      return t;
    } catch (e) {
      throw mapGoogleError(config.name, e);
    }
  };
  const transport = new HttpTransport(config.name, uri, { kind: 'bearer', token }, `${ADC_HINT} Your account needs roles/composer.user; on Airflow 2 the REST API must be enabled (airflow override api-auth_backends = airflow.composer.api.backend.composer_auth).`);
  const client = new AirflowClient({ env: config.name, transport, airflowVersion: info.airflowVersion });
  return { info, client };
}
