/**
 * Platform access deploy needs, on the shared clients of core/src/platforms (endpoint overrides,
 * credential chains and error mapping live there): MWAA GetEnvironment (+ the object versions the
 * environment pins) and UpdateEnvironment, Composer GetEnvironment, and the Astro deploy API
 * (create deploy → upload bundle → finalize), which only deploy uses. Behind small interfaces so
 * tests can stand in.
 */
import { ManagedAirflowError } from '../errors';
import { ASTRO_API_DEFAULT } from '../platforms/astro-url';
import type { EnvironmentConfig } from '../protocol/environments';
import type { AwsSettings } from './aws';
import { quickGetEnvironment } from './mwaa-quick';
import { toCloudError } from './cloud-errors';

// The AWS and Google SDKs load on first use, with import() of the modules that use them: in the
// CLI's split bundle each is a chunk of its own, so a deploy to MWAA never compiles the Google
// clients (and the reverse).

export interface MwaaEnvironmentInfo {
  name: string;
  airflowVersion: string;
  status?: string;
  sourceBucketArn: string;
  dagS3Path: string;
  pluginsS3Path?: string;
  pluginsS3ObjectVersion?: string;
  requirementsS3Path?: string;
  requirementsS3ObjectVersion?: string;
  startupScriptS3Path?: string;
  startupScriptS3ObjectVersion?: string;
}

export interface MwaaVersions {
  plugins?: string;
  requirements?: string;
  startup?: string;
}

export interface MwaaApi {
  getEnvironment(name: string, signal?: AbortSignal): Promise<MwaaEnvironmentInfo>;
  /** Point the environment at new object versions. MWAA restarts the environment. */
  updateEnvironment(name: string, versions: MwaaVersions, signal?: AbortSignal): Promise<void>;
}

/** MWAA through the shared client; the AWS SDK and the MWAA platform code load on the first call. */
export function mwaaApi(envName: string, s: AwsSettings): MwaaApi {
  let api: Promise<MwaaApi> | undefined;
  const load = () => (api ??= import('./mwaa-api.js').then((m) => m.createMwaaApi(envName, s)));
  return {
    getEnvironment: async (name, signal) => {
      // without the SDK when the case is plain (mwaa-quick.ts); anything unexpected is asked again through it
      const quick = quickGetEnvironment(name, s, signal);
      if (quick) {
        try {
          return await quick;
        } catch {
          /* the SDK client below reports what is wrong */
        }
      }
      return (await load()).getEnvironment(name, signal);
    },
    updateEnvironment: async (name, versions, signal) => (await load()).updateEnvironment(name, versions, signal),
  };
}

export interface ComposerEnvironmentInfo {
  dagGcsPrefix: string;
  imageVersion: string;
  airflowVersion?: string;
  state?: string;
}

export interface ComposerApi {
  getEnvironment(env: EnvironmentConfig, signal?: AbortSignal): Promise<ComposerEnvironmentInfo>;
}

/**
 * Composer through the shared client (CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPOSER for local/VPC
 * endpoints). GOOGLE_OAUTH_ACCESS_TOKEN supplies a ready access token (CI); otherwise ADC.
 */
export function composerApi(processEnv: NodeJS.ProcessEnv): ComposerApi {
  return {
    getEnvironment: async (env, signal) => (await import('./composer-api.js')).getComposerDestination(env, processEnv, signal),
  };
}

export interface AstroDeploymentInfo {
  id: string;
  name?: string;
  runtimeVersion?: string;
  airflowVersion?: string;
}

export interface AstroApi {
  readonly baseUrl: string;
  getDeployment(signal?: AbortSignal): Promise<AstroDeploymentInfo>;
  /** Description of the newest finalized DAG deploy (holds our bundle hash), if any. */
  lastDagDeployDescription(signal?: AbortSignal): Promise<string | undefined>;
  createDagDeploy(description: string, signal?: AbortSignal): Promise<{ id: string; dagsUploadUrl: string }>;
  /** PUT the bundle to the upload URL (an Azure blob SAS URL); returns the blob version id. */
  uploadBundle(url: string, bundle: Buffer, signal?: AbortSignal): Promise<string>;
  finalize(deployId: string, dagTarballVersion: string, signal?: AbortSignal): Promise<void>;
}

/** The Astro platform API with a bearer API token (ASTRO_API_URL overrides the base, as for the shared client). */
export function astroApi(opts: { envName: string; organization: string; deployment: string; token: string; baseUrl?: string }): AstroApi {
  const baseUrl = (opts.baseUrl || ASTRO_API_DEFAULT).replace(/\/+$/, '');
  const dep = `${baseUrl}/organizations/${encodeURIComponent(opts.organization)}/deployments/${encodeURIComponent(opts.deployment)}`;
  const what = `Astro deployment ${opts.deployment}`;
  const call = async (method: string, url: string, body: unknown, signal?: AbortSignal) => {
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json', 'x-astro-client-identifier': 'managed-airflow' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (e) {
      throw toCloudError(e, what, { provider: 'astro' });
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        /* not JSON */
      }
      throw toCloudError({ name: `HTTP ${res.status}`, message, $metadata: { httpStatusCode: res.status } }, what, { provider: 'astro' });
    }
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  return {
    baseUrl,
    async getDeployment(signal) {
      const { getAstroDeployment } = await import('../platforms/astro.js');
      const d = await getAstroDeployment({ name: opts.envName, organization: opts.organization, deployment: opts.deployment }, opts.token, { apiUrl: baseUrl, signal });
      return { id: d.id, name: d.name, runtimeVersion: d.runtimeVersion || undefined, airflowVersion: d.airflowVersion };
    },
    async lastDagDeployDescription(signal) {
      const r = await call('GET', `${dep}/deploys?limit=20&sorts=createdAt:desc`, undefined, signal);
      const deploys = (r.deploys ?? []) as { type?: string; status?: string; description?: string; createdAt?: string }[];
      const dagDeploys = deploys.filter((d) => (d.type === 'DAG_ONLY' || d.type === 'IMAGE_AND_DAG') && d.status !== 'FAILED' && d.status !== 'INITIALIZED');
      dagDeploys.sort((a, b) => String(b.createdAt ?? '').localeCompare(String(a.createdAt ?? '')));
      return dagDeploys[0]?.description;
    },
    async createDagDeploy(description, signal) {
      const d = await call('POST', `${dep}/deploys`, { type: 'DAG_ONLY', description }, signal);
      if (typeof d.id !== 'string' || typeof d.dagsUploadUrl !== 'string') {
        throw new ManagedAirflowError('remote', 'deploy.astroBadDeploy', `${what}: create deploy returned no id/dagsUploadUrl`, { hint: 'Check that DAG-only deploys are enabled for the deployment.' });
      }
      return { id: d.id, dagsUploadUrl: d.dagsUploadUrl };
    },
    async uploadBundle(url, bundle, signal) {
      let res: Response;
      try {
        res = await fetch(url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/x-tar' }, body: new Uint8Array(bundle), signal });
      } catch (e) {
        throw toCloudError(e, `${what} DAG bundle upload`, { provider: 'astro' });
      }
      await res.arrayBuffer();
      if (!res.ok) throw toCloudError({ name: `HTTP ${res.status}`, message: 'bundle upload refused', $metadata: { httpStatusCode: res.status } }, `${what} DAG bundle upload`, { provider: 'astro' });
      const version = res.headers.get('x-ms-version-id');
      if (!version) throw new ManagedAirflowError('remote', 'deploy.astroNoVersion', `${what}: the bundle upload returned no x-ms-version-id`);
      return version;
    },
    async finalize(deployId, dagTarballVersion, signal) {
      await call('POST', `${dep}/deploys/${encodeURIComponent(deployId)}/finalize`, { dagTarballVersion }, signal);
    },
  };
}
