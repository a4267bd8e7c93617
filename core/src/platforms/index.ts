/**
 * One entry point per configured environment: `connectEnvironment(config, credentials)` returns
 * the platform facts (EnvironmentInfo, plain data) and an AirflowClient over the right route.
 * Used by the environments tree, the CLI (envs/dags/runs) and deploy.
 */
import type { EnvironmentConfig } from '../protocol/environments';
import { platformErrors } from './errors';
import { AirflowClient } from './airflow';
import { HttpTransport, type AirflowAuth } from './transport';
import { connectMwaa, type MwaaOptions } from './mwaa';
import { connectComposer, type ComposerOptions } from './composer';
import { connectAstro, type AstroOptions } from './astro';
import { targetLabel } from './links';
import type { CallOptions, EnvironmentInfo } from './types';

export * from './types';
export * from './errors';
export { targetLabel, webLinks } from './links';
export { AirflowClient, stripVendorSuffix, apiVersionFor } from './airflow';
export { HttpTransport, normalizeBaseUrl, type AirflowTransport, type AirflowAuth } from './transport';
export { getMwaaEnvironment, listMwaaEnvironments, mwaaWebLoginUrl, type MwaaEnvironmentInfo, type MwaaOptions } from './mwaa';
export { getComposerEnvironment, listComposerEnvironments, airflowVersionFromImage, type ComposerEnvironmentInfo, type ComposerOptions } from './composer';
export { getAstroDeployment, type AstroDeploymentInfo, type AstroOptions } from './astro';

export type SecretKey = 'username' | 'password' | 'token';

/** Where secrets come from: VS Code SecretStorage in the extension, environment variables in the CLI. */
export interface CredentialSource {
  get(env: EnvironmentConfig, key: SecretKey): Promise<string | undefined>;
  /** Where to tell the user to put credentials (for hints). */
  readonly hint: string;
}

/** CLI: AIRFLOW_USERNAME/AIRFLOW_PASSWORD, AIRFLOW_TOKEN; Astro: ASTRO_API_TOKEN (then AIRFLOW_TOKEN). */
export function envVarCredentials(vars: NodeJS.ProcessEnv = process.env): CredentialSource {
  return {
    hint: 'Export AIRFLOW_USERNAME and AIRFLOW_PASSWORD, or AIRFLOW_TOKEN (ASTRO_API_TOKEN for Astro).',
    async get(env, key) {
      if (key === 'token') return (env.platform === 'astro' ? vars.ASTRO_API_TOKEN || vars.AIRFLOW_TOKEN : vars.AIRFLOW_TOKEN) || undefined;
      if (key === 'username') return vars.AIRFLOW_USERNAME || undefined;
      return vars.AIRFLOW_PASSWORD || undefined;
    },
  };
}

export interface PlatformDeps {
  mwaa?: MwaaOptions;
  composer?: ComposerOptions;
  astro?: AstroOptions;
}

export interface Connection {
  info: EnvironmentInfo;
  client: AirflowClient;
}

async function selfHostedAuth(config: EnvironmentConfig, creds: CredentialSource): Promise<AirflowAuth> {
  const token = await creds.get(config, 'token');
  const username = await creds.get(config, 'username');
  const password = await creds.get(config, 'password');
  if (config.auth === 'none') return { kind: 'none' };
  if (config.auth === 'token' || (!config.auth && token && !username)) {
    if (!token) throw platformErrors.missingCredentials(config.name, 'Airflow API token', creds.hint);
    return { kind: 'bearer', token: async () => token };
  }
  if (username && password) return { kind: 'password', username, password };
  if (config.auth === 'basic') throw platformErrors.missingCredentials(config.name, 'Airflow username and password', creds.hint);
  // No auth configured and nothing stored: try anonymously (Airflow 3 all-admins, or a dev server).
  return { kind: 'none' };
}

/** Connect to a configured environment: platform metadata first, then an Airflow REST client. */
export async function connectEnvironment(config: EnvironmentConfig, creds: CredentialSource, deps: PlatformDeps = {}, opts: CallOptions = {}): Promise<Connection> {
  switch (config.platform) {
    case 'mwaa': {
      const c = await connectMwaa(config, { ...deps.mwaa, ...opts });
      const info: EnvironmentInfo = {
        name: config.name,
        platform: 'mwaa',
        airflowVersion: c.info.airflowVersion,
        status: c.info.status,
        location: c.info.region,
        webUrl: c.info.webserverUrl,
        dagsDestination: c.info.dagsDestination,
      };
      info.target = targetLabel('mwaa', info);
      return { info, client: c.client };
    }
    case 'composer': {
      const c = await connectComposer(config, { ...deps.composer, ...opts });
      const info: EnvironmentInfo = {
        name: config.name,
        platform: 'composer',
        airflowVersion: c.info.airflowVersion,
        status: c.info.state,
        location: `${c.info.project}/${c.info.location}`,
        webUrl: c.info.airflowUri,
        dagsDestination: c.info.dagGcsPrefix,
        image: c.info.imageVersion,
      };
      info.target = targetLabel('composer', info);
      return { info, client: c.client };
    }
    case 'astro': {
      const c = await connectAstro(config, await creds.get(config, 'token'), { ...deps.astro, ...opts });
      const info: EnvironmentInfo = {
        name: config.name,
        platform: 'astro',
        airflowVersion: c.info.airflowVersion,
        status: c.info.status,
        location: c.info.organizationId,
        webUrl: c.info.webServerUrl,
        image: c.info.runtimeVersion || undefined,
      };
      info.target = targetLabel('astro', info);
      return { info, client: c.client };
    }
    case 'airflow': {
      if (!config.url) throw platformErrors.notFound(config.name, '"url" setting', 'Set "url" to the Airflow webserver / API server, e.g. http://127.0.0.1:8080.');
      const transport = new HttpTransport(config.name, config.url, await selfHostedAuth(config, creds), `Check the username/password or token (on Airflow 2, [api] auth_backends must include basic_auth for passwords). ${creds.hint}`);
      const client = new AirflowClient({ env: config.name, transport });
      const info: EnvironmentInfo = { name: config.name, platform: 'airflow', webUrl: transport.baseUrl, location: transport.baseUrl };
      const v = await client.version(opts);
      info.airflowVersion = v.version;
      info.status = 'reachable';
      info.target = targetLabel('airflow', info);
      return { info, client };
    }
  }
}
