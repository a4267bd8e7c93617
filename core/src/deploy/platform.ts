/**
 * Platform access deploy needs, on the shared clients of core/src/platforms (endpoint overrides,
 * credential chains and error mapping live there): MWAA GetEnvironment (+ the object versions the
 * environment pins) and UpdateEnvironment, Composer GetEnvironment, and the Astro deploy API
 * (create deploy → upload bundle → finalize), which only deploy uses. Behind small interfaces so
 * tests can stand in.
 */
import type { OAuth2Client } from 'google-auth-library';
import { ManagedAirflowError } from '../errors';
import { ASTRO_API_DEFAULT, getAstroDeployment } from '../platforms/astro';
import type { EnvironmentConfig } from '../protocol/environments';
import { awsCredentials, type AwsSettings } from './aws';
import { toCloudError } from './cloud-errors';

// The AWS and Google SDKs load on first use: a deploy to MWAA never pays for the Google clients.
const mwaaSdk = () => require('@aws-sdk/client-mwaa') as typeof import('@aws-sdk/client-mwaa');
const mwaaPlatform = () => require('../platforms/mwaa') as typeof import('../platforms/mwaa');

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

export function mwaaApi(envName: string, s: AwsSettings): MwaaApi {
  const { mapAwsError, mwaaContext, toMwaaInfo } = mwaaPlatform();
  const { GetEnvironmentCommand, UpdateEnvironmentCommand } = mwaaSdk();
  const ctx = mwaaContext({ region: s.region, profile: s.profile }, { env: s.env, credentials: awsCredentials(s) as never });
  return {
    async getEnvironment(name, signal) {
      let e;
      try {
        e = (await ctx.client.send(new GetEnvironmentCommand({ Name: name }), { abortSignal: signal as never })).Environment;
      } catch (err) {
        throw mapAwsError(envName, err, s.profile);
      }
      const info = e ? toMwaaInfo(e, ctx.region) : undefined;
      if (!e || !info?.sourceBucketArn || !info.dagS3Path) {
        throw new ManagedAirflowError('remote', 'deploy.mwaaIncomplete', `${envName}: MWAA environment ${name} has no SourceBucketArn/DagS3Path`, { hint: 'The environment may still be creating; try again when it is AVAILABLE.' });
      }
      return {
        name,
        airflowVersion: info.airflowVersion || 'unknown',
        status: info.status,
        sourceBucketArn: info.sourceBucketArn,
        dagS3Path: info.dagS3Path,
        pluginsS3Path: info.pluginsS3Path || undefined,
        pluginsS3ObjectVersion: e.PluginsS3ObjectVersion || undefined,
        requirementsS3Path: info.requirementsS3Path || undefined,
        requirementsS3ObjectVersion: e.RequirementsS3ObjectVersion || undefined,
        startupScriptS3Path: info.startupScriptS3Path || undefined,
        startupScriptS3ObjectVersion: e.StartupScriptS3ObjectVersion || undefined,
      };
    },
    async updateEnvironment(name, versions, signal) {
      try {
        await ctx.client.send(
          new UpdateEnvironmentCommand({
            Name: name,
            ...(versions.plugins ? { PluginsS3ObjectVersion: versions.plugins } : {}),
            ...(versions.requirements ? { RequirementsS3ObjectVersion: versions.requirements } : {}),
            ...(versions.startup ? { StartupScriptS3ObjectVersion: versions.startup } : {}),
          }),
          { abortSignal: signal as never },
        );
      } catch (err) {
        throw mapAwsError(envName, err, s.profile);
      }
    },
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
    async getEnvironment(env, signal) {
      const { getComposerEnvironment } = require('../platforms/composer') as typeof import('../platforms/composer');
      let auth: OAuth2Client | undefined;
      if (processEnv.GOOGLE_OAUTH_ACCESS_TOKEN) {
        const { OAuth2Client: Client } = require('google-auth-library') as typeof import('google-auth-library');
        auth = new Client();
        auth.setCredentials({ access_token: processEnv.GOOGLE_OAUTH_ACCESS_TOKEN, expiry_date: Date.now() + 3600_000 });
      }
      const info = await getComposerEnvironment(env, { env: processEnv, signal, ...(auth ? { auth: auth as never } : {}) });
      if (!info.dagGcsPrefix) {
        throw new ManagedAirflowError('remote', 'deploy.composerIncomplete', `${env.name}: Composer environment ${info.resourceName} has no config.dagGcsPrefix`, { hint: 'The environment may still be creating.' });
      }
      return { dagGcsPrefix: info.dagGcsPrefix, imageVersion: info.imageVersion || 'unknown', airflowVersion: info.airflowVersion, state: info.state };
    },
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
