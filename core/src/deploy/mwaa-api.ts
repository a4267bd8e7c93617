/** MwaaApi on @aws-sdk/client-mwaa and the shared MWAA platform code (loaded on demand by platform.ts). */
import { GetEnvironmentCommand, UpdateEnvironmentCommand } from '@aws-sdk/client-mwaa';
import { ManagedAirflowError } from '../errors';
import { mapAwsError, mwaaContext, toMwaaInfo } from '../platforms/mwaa-client';
import { awsCredentials, type AwsSettings } from './aws';
import type { MwaaApi } from './platform';

export function createMwaaApi(envName: string, s: AwsSettings): MwaaApi {
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
