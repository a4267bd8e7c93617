import { ManagedAirflowError } from '../errors';
import type { EnvironmentConfig } from '../protocol/environments';
import { astroApi, composerApi, mwaaApi, type AstroApi, type ComposerApi, type MwaaApi, type MwaaEnvironmentInfo } from './platform';
import { MD5_METADATA_KEY, contentTypeFor, lazyStorage, type StorageAdapter } from './storage';
import { QuickFallback, quickListS3, quickPutS3, quickS3Target } from './s3-quick-list';
import type { ObjectLocation, RemoteObject, ResolvedDestination } from './types';
import { bucketFromArn, formatLocation, normalizePrefix, parseLocation, sameLocation } from './uri';

/** Everything deploy talks to, injectable (tests, and the shared platform clients once they exist). */
export interface DeployServices {
  mwaa(env: EnvironmentConfig): MwaaApi;
  composer(env: EnvironmentConfig): ComposerApi;
  astro(env: EnvironmentConfig): AstroApi;
  storage(location: ObjectLocation, env: EnvironmentConfig): StorageAdapter;
  /**
   * Optional: start loading what `storage` will need for this environment (its cloud SDK) while the
   * platform is still being asked for the destination. Never required for correctness.
   */
  preload?(env: EnvironmentConfig): void;
  /**
   * Optional: list a folder without loading the storage SDK (s3-quick-list.ts), for the early
   * listing of the previous deploy's folder; undefined when the case is left to `storage`. Its
   * result is used only where `storage(location).list` would be, and any failure falls back to it.
   */
  quickList?(location: ObjectLocation, env: EnvironmentConfig, signal?: AbortSignal): Promise<RemoteObject[]> | undefined;
}

/** Turns an environment into its real destination by asking the platform. */
export interface DestinationResolver {
  resolve(env: EnvironmentConfig, signal?: AbortSignal): Promise<{ destination: ResolvedDestination; mwaa?: MwaaEnvironmentInfo }>;
}

export interface ServiceOptions {
  /** Process environment (endpoint overrides, credentials chain inputs, ASTRO_API_TOKEN). */
  env: NodeJS.ProcessEnv;
  /** Astro API token from SecretStorage (the client); falls back to ASTRO_API_TOKEN. */
  astroToken?: string;
}

export function defaultServices(o: ServiceOptions): DeployServices {
  const s3Clients = new Map<string, import('@aws-sdk/client-s3').S3Client>();
  return {
    mwaa: (env) => mwaaApi(env.name, { region: env.region, profile: env.profile, env: o.env }),
    composer: () => composerApi(o.env),
    astro: (env) => {
      const token = o.astroToken || o.env.ASTRO_API_TOKEN;
      if (!token) {
        throw new ManagedAirflowError('credentials', 'deploy.astroToken', `no Astro API token for environment "${env.name}"`, {
          hint: 'Set ASTRO_API_TOKEN (a Deployment or Workspace API token), or in VS Code store it with "Managed Airflow: Add environment…".',
        });
      }
      const organization = env.organization || o.env.ASTRO_ORGANIZATION_ID;
      if (!organization) {
        throw new ManagedAirflowError('config', 'deploy.astroOrganization', `environment "${env.name}" needs "organization" (the Astro organization id) to deploy`, { hint: 'Add "organization" to the environment in .vscode/settings.json or set ASTRO_ORGANIZATION_ID.' });
      }
      return astroApi({ envName: env.name, organization, deployment: env.deployment!, token, baseUrl: o.env.ASTRO_API_URL });
    },
    // loaded on first use (start-up time): only the store a deploy talks to is loaded
    storage: (loc, env) => {
      if (loc.scheme === 's3') {
        const sdk = lazyStorage(`s3://${loc.bucket}`, async () => {
          const { S3Storage, s3Client } = await loadS3();
          const k = `${env.region ?? ''}|${env.profile ?? ''}`;
          let c = s3Clients.get(k);
          if (!c) s3Clients.set(k, (c = s3Client({ region: env.region, profile: env.profile, env: o.env })));
          return new S3Storage(c, loc.bucket);
        });
        // Uploads without the SDK where the case is plain (s3-quick-list.ts): throttling, server and
        // network errors go to the executor's retries as the SDK's do, any other refusal is sent again
        // through the SDK, which reports it. HEADs, listings and deletes always use the SDK.
        const settings = { region: env.region, profile: env.profile, env: o.env };
        const quick = quickS3Target(loc.bucket, settings);
        if (!quick) return sdk;
        return {
          ...sdk,
          put: async (key, body, opts) => {
            try {
              return await quickPutS3(quick, key, body, { md5: opts.md5, contentType: opts.contentType ?? contentTypeFor(key), metadataKey: MD5_METADATA_KEY }, settings, opts.signal);
            } catch (e) {
              if (e instanceof QuickFallback) return sdk.put(key, body, opts);
              throw e;
            }
          },
          // the SDK is then needed only when something goes wrong
          prepare: undefined,
        };
      }
      return lazyStorage(`gs://${loc.bucket}`, async () => {
        const { GcsStorage, gcsClient } = await loadGcs();
        return new GcsStorage(gcsClient({ project: env.project, env: o.env }), loc.bucket);
      });
    },
    quickList: (loc, env, signal) => (loc.scheme === 's3' ? quickListS3(loc.bucket, loc.prefix, { region: env.region, profile: env.profile, env: o.env }, signal) : undefined),
    preload: (env) => {
      const scheme = env.platform === 'mwaa' ? 's3' : env.platform === 'composer' ? 'gs' : env.platform === 'airflow' ? /^(s3|gs):/.exec(env.destination ?? '')?.[1] : undefined;
      // a failed load is reported by the call that needs the module
      if (scheme === 's3') loadS3().catch(() => undefined);
      else if (scheme === 'gs') loadGcs().catch(() => undefined);
    },
  };
}

const loadS3 = () => import('./s3.js');
const loadGcs = () => import('./gcs.js');

function checkConfigured(env: EnvironmentConfig, real: ObjectLocation, resolvedFrom: string): void {
  if (!env.destination) return;
  const configured = parseLocation(env.destination, `"destination" of environment "${env.name}"`);
  if (!sameLocation(configured, real)) {
    throw new ManagedAirflowError('conflict', 'deploy.destinationMismatch',
      `refusing to deploy: the configured destination ${formatLocation(configured)} disagrees with the real DAG folder of "${env.name}", ${formatLocation(real)} (from ${resolvedFrom})`,
      {
        hint: `Nothing was written. Fix or remove "destination" of environment "${env.name}" in .vscode/settings.json; the DAG folder is always taken from the platform.`,
        details: { configured: formatLocation(configured), real: formatLocation(real) },
      });
  }
}

/** Resolve where `env` really deploys to (the platform is asked; a configured destination must agree). */
export function platformResolver(services: DeployServices): DestinationResolver {
  return {
    async resolve(env, signal) {
      switch (env.platform) {
        case 'mwaa': {
          const info = await services.mwaa(env).getEnvironment(env.environment!, signal);
          const bucket = bucketFromArn(info.sourceBucketArn);
          const dags: ObjectLocation = { scheme: 's3', bucket, prefix: normalizePrefix(info.dagS3Path) };
          const resolvedFrom = `MWAA GetEnvironment ${info.name}${env.region ? ` (${env.region})` : ''}`;
          checkConfigured(env, dags, resolvedFrom);
          const objects: ResolvedDestination['objects'] = [];
          if (info.pluginsS3Path) objects.push({ role: 'plugins', key: info.pluginsS3Path.replace(/^\/+/, ''), currentVersion: info.pluginsS3ObjectVersion });
          if (info.requirementsS3Path) objects.push({ role: 'requirements', key: info.requirementsS3Path.replace(/^\/+/, ''), currentVersion: info.requirementsS3ObjectVersion });
          if (info.startupScriptS3Path) objects.push({ role: 'startup', key: info.startupScriptS3Path.replace(/^\/+/, ''), currentVersion: info.startupScriptS3ObjectVersion });
          return {
            mwaa: info,
            destination: {
              environment: env.name, platform: 'mwaa', airflowVersion: info.airflowVersion, target: `mwaa:${info.airflowVersion}`, resolvedFrom, kind: 'storage',
              dags, folders: [], objects, mwaa: { name: info.name, region: env.region },
            },
          };
        }
        case 'composer': {
          const info = await services.composer(env).getEnvironment(env, signal);
          const dags = parseLocation(info.dagGcsPrefix, 'config.dagGcsPrefix');
          const resolvedFrom = `Composer environment projects/${env.project}/locations/${env.location}/environments/${env.environment}`;
          checkConfigured(env, dags, resolvedFrom);
          const airflowVersion = info.airflowVersion ?? 'unknown';
          return {
            destination: {
              environment: env.name, platform: 'composer', airflowVersion, target: `composer:${info.imageVersion}`, resolvedFrom, kind: 'storage', dags,
              folders: [
                { role: 'plugins', local: 'plugins', location: { scheme: 'gs', bucket: dags.bucket, prefix: 'plugins/' } },
                { role: 'data', local: 'data', location: { scheme: 'gs', bucket: dags.bucket, prefix: 'data/' } },
              ],
              objects: [],
            },
          };
        }
        case 'astro': {
          const api = services.astro(env);
          const d = await api.getDeployment(signal);
          const runtime = d.runtimeVersion ?? 'unknown';
          return {
            destination: {
              environment: env.name, platform: 'astro', airflowVersion: d.airflowVersion ?? 'unknown', target: d.runtimeVersion ? `astro:${runtime}` : undefined,
              resolvedFrom: `Astro API deployment ${d.id}${d.name ? ` (${d.name})` : ''}`, kind: 'astro',
              dags: { scheme: 's3', bucket: `astro-deployment-${d.id}`, prefix: 'dags/' },
              folders: [], objects: [],
              astro: { organization: env.organization ?? '', deployment: d.id, apiUrl: api.baseUrl, dagDeployEnabled: true },
            },
          };
        }
        case 'airflow': {
          if (!env.destination) {
            throw new ManagedAirflowError('config', 'deploy.noDestination', `self-hosted environment "${env.name}" has no "destination"`, {
              hint: 'Add "destination": "s3://bucket/dags" or "gs://bucket/dags" (the bucket your Airflow syncs its DAG folder from).',
            });
          }
          const dags = parseLocation(env.destination, `"destination" of environment "${env.name}"`);
          const v = env.target?.split(':')[1];
          return {
            destination: {
              environment: env.name, platform: 'airflow', airflowVersion: v ?? 'unknown', target: env.target, resolvedFrom: `"destination" of environment "${env.name}"`,
              kind: 'storage', dags, folders: [], objects: [],
            },
          };
        }
      }
    },
  };
}
