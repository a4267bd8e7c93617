/**
 * Thin platform access that deploy needs (MWAA GetEnvironment/UpdateEnvironment, Composer
 * GetEnvironment, Astro deploy API), behind small interfaces so tests and the shared platform
 * clients (core/src/platforms) can stand in. Endpoint overrides: AWS_ENDPOINT_URL_MWAA /
 * AWS_ENDPOINT_URL, CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPOSER, ASTRO_API_URL.
 */
import { MWAAClient, GetEnvironmentCommand, UpdateEnvironmentCommand } from '@aws-sdk/client-mwaa';
import { ManagedAirflowError } from '../errors';
import { awsCredentials, awsRegion, type AwsSettings } from './s3';
import { toCloudError } from './cloud-errors';

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

export function mwaaApi(s: AwsSettings): MwaaApi {
  const endpoint = s.env.AWS_ENDPOINT_URL_MWAA || s.env.AWS_ENDPOINT_URL;
  // The SDK prefixes "api."/"env." to the host; a custom endpoint (VPC endpoint, local fake) is used as given.
  const client = new MWAAClient({ region: awsRegion(s), credentials: awsCredentials(s), ...(endpoint ? { endpoint, disableHostPrefix: true } : {}) });
  const what = (name: string) => `MWAA environment "${name}" (${awsRegion(s)})`;
  return {
    async getEnvironment(name, signal) {
      try {
        const r = await client.send(new GetEnvironmentCommand({ Name: name }), { abortSignal: signal });
        const e = r.Environment;
        if (!e?.SourceBucketArn || !e.DagS3Path) {
          throw new ManagedAirflowError('remote', 'deploy.mwaaIncomplete', `${what(name)} has no SourceBucketArn/DagS3Path`, { hint: 'The environment may still be creating; try again when it is AVAILABLE.' });
        }
        return {
          name,
          airflowVersion: e.AirflowVersion ?? 'unknown',
          status: e.Status,
          sourceBucketArn: e.SourceBucketArn,
          dagS3Path: e.DagS3Path,
          pluginsS3Path: e.PluginsS3Path || undefined,
          pluginsS3ObjectVersion: e.PluginsS3ObjectVersion || undefined,
          requirementsS3Path: e.RequirementsS3Path || undefined,
          requirementsS3ObjectVersion: e.RequirementsS3ObjectVersion || undefined,
          startupScriptS3Path: e.StartupScriptS3Path || undefined,
          startupScriptS3ObjectVersion: e.StartupScriptS3ObjectVersion || undefined,
        };
      } catch (e) {
        throw toCloudError(e, what(name), { provider: 'aws', profile: s.profile });
      }
    },
    async updateEnvironment(name, versions, signal) {
      try {
        await client.send(
          new UpdateEnvironmentCommand({
            Name: name,
            ...(versions.plugins ? { PluginsS3ObjectVersion: versions.plugins } : {}),
            ...(versions.requirements ? { RequirementsS3ObjectVersion: versions.requirements } : {}),
            ...(versions.startup ? { StartupScriptS3ObjectVersion: versions.startup } : {}),
          }),
          { abortSignal: signal },
        );
      } catch (e) {
        throw toCloudError(e, `UpdateEnvironment of ${what(name)}`, { provider: 'aws', profile: s.profile });
      }
    },
  };
}

export interface ComposerEnvironmentInfo {
  dagGcsPrefix: string;
  imageVersion: string;
  state?: string;
}

export interface ComposerApi {
  getEnvironment(project: string, location: string, id: string, signal?: AbortSignal): Promise<ComposerEnvironmentInfo>;
}

/**
 * Composer on the official client. `CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPOSER` (the gcloud override,
 * e.g. "http://127.0.0.1:8089/") switches to the REST transport against that endpoint;
 * GOOGLE_OAUTH_ACCESS_TOKEN supplies a ready access token (CI), otherwise Application Default Credentials.
 */
export function composerApi(env: NodeJS.ProcessEnv): ComposerApi {
  return {
    async getEnvironment(project, location, id, signal) {
      const name = `projects/${project}/locations/${location}/environments/${id}`;
      try {
        const { v1 } = await import('@google-cloud/orchestration-airflow');
        const opts: Record<string, unknown> = {};
        const override = env.CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPOSER;
        if (override) {
          const u = new URL(override);
          Object.assign(opts, { fallback: 'rest', apiEndpoint: u.hostname, port: Number(u.port || (u.protocol === 'http:' ? 80 : 443)), protocol: u.protocol.replace(':', '') });
        }
        if (env.GOOGLE_OAUTH_ACCESS_TOKEN) {
          const { OAuth2Client, GoogleAuth } = await import('google-auth-library');
          const auth = new OAuth2Client();
          auth.setCredentials({ access_token: env.GOOGLE_OAUTH_ACCESS_TOKEN, expiry_date: Date.now() + 3600_000 });
          opts.auth = override ? auth : new GoogleAuth({ authClient: auth });
        }
        const client = new v1.EnvironmentsClient(opts as ConstructorParameters<typeof v1.EnvironmentsClient>[0]);
        try {
          if (signal?.aborted) throw new ManagedAirflowError('cancelled', 'deploy.cancelled', 'deploy cancelled');
          const [e] = await client.getEnvironment({ name });
          const prefix = e.config?.dagGcsPrefix;
          if (!prefix) throw new ManagedAirflowError('remote', 'deploy.composerIncomplete', `Composer environment ${name} has no config.dagGcsPrefix`, { hint: 'The environment may still be creating.' });
          const state = e.state;
          return { dagGcsPrefix: prefix, imageVersion: e.config?.softwareConfig?.imageVersion ?? 'unknown', state: state === undefined || state === null ? undefined : String(state) };
        } finally {
          await client.close().catch(() => undefined);
        }
      } catch (e) {
        throw toCloudError(e, `Composer environment ${name}`, { provider: 'gcp' });
      }
    },
  };
}

/** Airflow version inside a Composer image name ("composer-2.9.7-airflow-2.9.3" → "2.9.3"). */
export function airflowOfComposerImage(image: string): string {
  return /airflow-(\d+\.\d+\.\d+)/.exec(image)?.[1] ?? 'unknown';
}

export interface AstroDeploymentInfo {
  id: string;
  name?: string;
  runtimeVersion?: string;
  airflowVersion?: string;
  isDagDeployEnabled: boolean;
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

export const ASTRO_DEFAULT_API = 'https://api.astronomer.io/platform/v1beta1';

/** The Astro platform API (v1beta1) with a bearer API token. */
export function astroApi(opts: { organization: string; deployment: string; token: string; baseUrl?: string }): AstroApi {
  const baseUrl = (opts.baseUrl || ASTRO_DEFAULT_API).replace(/\/+$/, '');
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
      const d = await call('GET', dep, undefined, signal);
      return {
        id: String(d.id ?? opts.deployment),
        name: d.name as string | undefined,
        runtimeVersion: d.runtimeVersion as string | undefined,
        airflowVersion: d.airflowVersion as string | undefined,
        isDagDeployEnabled: d.isDagDeployEnabled !== false,
      };
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
