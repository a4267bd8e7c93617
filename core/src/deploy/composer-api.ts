/** ComposerApi.getEnvironment on the shared Composer client and google-auth-library (loaded on demand by platform.ts). */
import { OAuth2Client } from 'google-auth-library';
import { ManagedAirflowError } from '../errors';
import { getComposerEnvironment } from '../platforms/composer';
import type { EnvironmentConfig } from '../protocol/environments';
import type { ComposerEnvironmentInfo } from './platform';

/**
 * Composer through the shared client (CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPOSER for local/VPC
 * endpoints). GOOGLE_OAUTH_ACCESS_TOKEN supplies a ready access token (CI); otherwise ADC.
 */
export async function getComposerDestination(env: EnvironmentConfig, processEnv: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<ComposerEnvironmentInfo> {
  let auth: OAuth2Client | undefined;
  if (processEnv.GOOGLE_OAUTH_ACCESS_TOKEN) {
    auth = new OAuth2Client();
    auth.setCredentials({ access_token: processEnv.GOOGLE_OAUTH_ACCESS_TOKEN, expiry_date: Date.now() + 3600_000 });
  }
  const info = await getComposerEnvironment(env, { env: processEnv, signal, ...(auth ? { auth: auth as never } : {}) });
  if (!info.dagGcsPrefix) {
    throw new ManagedAirflowError('remote', 'deploy.composerIncomplete', `${env.name}: Composer environment ${info.resourceName} has no config.dagGcsPrefix`, { hint: 'The environment may still be creating.' });
  }
  return { dagGcsPrefix: info.dagGcsPrefix, imageVersion: info.imageVersion || 'unknown', airflowVersion: info.airflowVersion, state: info.state };
}
