import { ManagedAirflowError, isManagedAirflowError } from '../errors';
import { abortError } from './retry';

interface ErrLike {
  name?: string;
  code?: unknown;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Turn an SDK error (AWS, Google, fetch) into a typed error with a useful hint. Never includes
 * credentials: only error names, HTTP status and the resource we were talking to.
 */
export function toCloudError(e: unknown, what: string, opts: { provider: 'aws' | 'gcp' | 'astro'; profile?: string } = { provider: 'aws' }): ManagedAirflowError {
  if (isManagedAirflowError(e)) return e;
  const err = (e ?? {}) as ErrLike;
  const name = err.name ?? '';
  const status = err.$metadata?.httpStatusCode ?? (typeof err.code === 'number' ? err.code : undefined);
  const msg = (err.message ?? String(e)).split('\n')[0];
  if (name === 'AbortError' || /aborted/i.test(name)) return abortError();
  const awsLogin = opts.profile ? `aws sso login --profile ${opts.profile}` : 'aws sso login (or refresh AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN)';
  const credHint =
    opts.provider === 'aws'
      ? `Refresh your AWS credentials, e.g. \`${awsLogin}\`, and check the role may access ${what}.`
      : opts.provider === 'gcp'
        ? 'Run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS) and check the account may access it.'
        : 'Set ASTRO_API_TOKEN (or store the token with "Managed Airflow: Add environment…") with Deployment Admin rights.';
  if (/Expired/i.test(name) || /expired/i.test(msg)) {
    return new ManagedAirflowError('credentials', 'deploy.credentialsExpired', `credentials expired while accessing ${what}: ${name || msg}`, { hint: credHint, cause: e });
  }
  if (
    ['CredentialsProviderError', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'UnrecognizedClientException', 'InvalidSignatureException', 'InvalidClientTokenId', 'MissingAuthenticationTokenException', 'AccessDenied', 'AccessDeniedException', 'Forbidden'].includes(name) ||
    status === 401 ||
    status === 403 ||
    /Could not load (the default )?credentials|Unable to locate credentials/i.test(msg)
  ) {
    return new ManagedAirflowError('credentials', 'deploy.credentialsRejected', `access to ${what} was refused: ${name || status} ${msg !== name ? msg : ''}`.trim(), { hint: credHint, cause: e });
  }
  if (name === 'NoSuchBucket' || /bucket does not exist/i.test(msg)) {
    return new ManagedAirflowError('notFound', 'deploy.bucketNotFound', `bucket of ${what} does not exist`, {
      hint: 'The environment points at a bucket that is missing or in another account/region; check its source bucket in the platform console.',
      cause: e,
    });
  }
  if (name === 'ResourceNotFoundException' || status === 404 || err.code === 5) {
    return new ManagedAirflowError('notFound', 'deploy.notFound', `${what} was not found: ${msg}`, { hint: 'Check the environment name, region/project and account in the environment settings.', cause: e });
  }
  if (typeof err.code === 'string' && /^E[A-Z_]+$/.test(err.code)) {
    return new ManagedAirflowError('network', 'deploy.network', `cannot reach ${what}: ${err.code}`, { hint: 'Check the network, proxy or endpoint override (AWS_ENDPOINT_URL_*, STORAGE_EMULATOR_HOST).', cause: e });
  }
  if (status !== undefined && status >= 500) {
    return new ManagedAirflowError('network', 'deploy.server', `${what} failed with HTTP ${status} after retries: ${name || msg}`, { hint: 'The service is unavailable or throttling; try again later.', cause: e });
  }
  return new ManagedAirflowError('remote', 'deploy.remote', `${what} failed: ${name ? `${name}: ` : ''}${msg}`, { cause: e });
}
