/**
 * The MWAA control-plane client (@aws-sdk/client-mwaa with the standard AWS credential chain), its
 * error mapping and GetEnvironment as plain data: what deploy needs, without the Airflow REST API
 * route (mwaa.ts, which re-exports all of this) and its dependencies.
 */
import { MWAAClient, type Environment } from '@aws-sdk/client-mwaa';
import { isManagedAirflowError, type ManagedAirflowError } from '../errors';
import { lazyNodeProviderChain } from './aws-credentials';
import { platformErrors } from './errors';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export interface MwaaOptions {
  /** Control-plane endpoint override (tests, VPC endpoints). Default: env vars, then AWS. */
  endpoint?: string;
  /** Explicit credentials (tests); default = standard chain with the configured profile. */
  credentials?: AwsCredentials | (() => Promise<AwsCredentials>);
  /** Environment variables to read endpoint overrides from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface MwaaEnvironmentInfo {
  name: string;
  arn?: string;
  region: string;
  airflowVersion: string;
  status: string;
  lastUpdateStatus?: string;
  sourceBucketArn?: string;
  /** Bucket name from SourceBucketArn. */
  sourceBucket?: string;
  dagS3Path?: string;
  pluginsS3Path?: string;
  requirementsS3Path?: string;
  startupScriptS3Path?: string;
  /** https URL of the Airflow UI (MWAA returns a bare hostname). */
  webserverUrl?: string;
  webserverAccessMode?: string;
  environmentClass?: string;
  executionRoleArn?: string;
  createdAt?: string;
  /** s3://bucket/dagS3Path */
  dagsDestination?: string;
}

export function mwaaEndpointOverride(opts: MwaaOptions = {}): string | undefined {
  const env = opts.env ?? process.env;
  return opts.endpoint || env.AWS_ENDPOINT_URL_MWAA || env.AWS_ENDPOINT_URL || undefined;
}

/** How to get fresh AWS credentials, for error hints. */
export function ssoHint(profile?: string): string {
  return profile
    ? `Run \`aws sso login --profile ${profile}\` (or refresh the profile's keys), then retry.`
    : 'Sign in with `aws sso login`, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, then retry.';
}

export interface MwaaContext {
  client: MWAAClient;
  region: string;
  profile?: string;
  endpoint?: string;
  credentials: () => Promise<AwsCredentials>;
}

export function mwaaContext(cfg: { region?: string; profile?: string }, opts: MwaaOptions = {}): MwaaContext {
  const endpoint = mwaaEndpointOverride(opts);
  const env = opts.env ?? process.env;
  const region = cfg.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  const explicit = opts.credentials;
  const credentials: () => Promise<AwsCredentials> =
    typeof explicit === 'function' ? explicit : explicit ? async () => explicit : (lazyNodeProviderChain({ profile: cfg.profile }) as unknown as () => Promise<AwsCredentials>);
  const client = new MWAAClient({
    region,
    credentials: credentials as never,
    ...(endpoint ? { endpoint, disableHostPrefix: true } : {}),
    maxAttempts: 2,
  });
  return { client, region, profile: cfg.profile, endpoint, credentials };
}

/** Map AWS SDK / credential-provider failures to typed errors. */
export function mapAwsError(envName: string, e: unknown, profile?: string): ManagedAirflowError {
  if (isManagedAirflowError(e)) return e;
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  const name = err?.name ?? '';
  const msg = err?.message ?? String(e);
  if (name === 'AbortError') return platformErrors.cancelled();
  if (/ExpiredToken|TokenRefreshRequired/i.test(name) || /expired/i.test(msg)) return platformErrors.expiredCredentials(envName, ssoHint(profile), e);
  if (name === 'CredentialsProviderError' || /Could not load credentials|Unable to find a credential|profile .* could not be found/i.test(msg)) {
    return platformErrors.missingCredentials(envName, 'AWS credentials', ssoHint(profile));
  }
  if (name === 'ResourceNotFoundException') return platformErrors.notFound(envName, 'MWAA environment', 'Check "environment" and "region" in the settings (names are case-sensitive).');
  if (/UnrecognizedClient|InvalidSignature|InvalidClientTokenId|SignatureDoesNotMatch|MissingAuthenticationToken/i.test(name)) {
    return platformErrors.unauthorized(envName, 403, `The AWS credentials were rejected. ${ssoHint(profile)}`);
  }
  if (name === 'AccessDeniedException' || err?.$metadata?.httpStatusCode === 403) {
    return platformErrors.unauthorized(envName, 403, 'Your IAM identity needs airflow:GetEnvironment, airflow:ListEnvironments and airflow:InvokeRestApi (or airflow:CreateWebLoginToken) on this environment.');
  }
  const code = (e as { code?: string; cause?: { code?: string } })?.code ?? (e as { cause?: { code?: string } })?.cause?.code;
  if (code && /^E[A-Z]+/.test(code)) return platformErrors.unreachable(envName, 'the MWAA API', code === 'ECONNREFUSED' ? 'connection refused' : code);
  return platformErrors.remote(envName, err?.$metadata?.httpStatusCode ?? 0, `${name}: ${msg}`.slice(0, 300));
}

export function toMwaaInfo(e: Environment, region: string): MwaaEnvironmentInfo {
  const bucket = e.SourceBucketArn?.replace(/^arn:aws[a-z-]*:s3:::/, '');
  const host = e.WebserverUrl;
  return {
    name: e.Name ?? '',
    arn: e.Arn,
    region,
    airflowVersion: e.AirflowVersion ?? '',
    status: e.Status ?? 'UNKNOWN',
    lastUpdateStatus: e.LastUpdate?.Status,
    sourceBucketArn: e.SourceBucketArn,
    sourceBucket: bucket,
    dagS3Path: e.DagS3Path,
    pluginsS3Path: e.PluginsS3Path,
    requirementsS3Path: e.RequirementsS3Path,
    startupScriptS3Path: e.StartupScriptS3Path,
    webserverUrl: host ? (/^https?:\/\//.test(host) ? host : `https://${host}`) : undefined,
    webserverAccessMode: e.WebserverAccessMode,
    environmentClass: e.EnvironmentClass,
    executionRoleArn: e.ExecutionRoleArn,
    createdAt: e.CreatedAt instanceof Date ? e.CreatedAt.toISOString() : undefined,
    dagsDestination: bucket ? `s3://${bucket}/${(e.DagS3Path ?? '').replace(/^\/+/, '')}` : undefined,
  };
}
