import { lazyNodeProviderChain } from '../platforms/aws-credentials';

/** AWS settings shared by the S3 adapter and the MWAA calls; the SDKs load lazily (CLI start-up time). */
export interface AwsSettings {
  region?: string;
  profile?: string;
  /** Process environment: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL / AWS_REGION / credentials are read from here. */
  env: NodeJS.ProcessEnv;
}

export function awsRegion(s: AwsSettings): string {
  return s.region || s.env.AWS_REGION || s.env.AWS_DEFAULT_REGION || 'us-east-1';
}

/** The AWS credential chain (env, SSO, profiles, web identity/OIDC, container and instance roles). */
export function awsCredentials(s: AwsSettings) {
  // Keys in the environment win, even over the environment's "profile": that is how CI hands over
  // credentials (aws-actions/configure-aws-credentials with OIDC exports them), and the CLI passes
  // its env explicitly. Otherwise the full chain with the profile (SSO, profiles, web identity, roles).
  if (s.env.AWS_ACCESS_KEY_ID && s.env.AWS_SECRET_ACCESS_KEY) {
    return { accessKeyId: s.env.AWS_ACCESS_KEY_ID, secretAccessKey: s.env.AWS_SECRET_ACCESS_KEY, ...(s.env.AWS_SESSION_TOKEN ? { sessionToken: s.env.AWS_SESSION_TOKEN } : {}) };
  }
  return lazyNodeProviderChain({ profile: s.profile });
}
