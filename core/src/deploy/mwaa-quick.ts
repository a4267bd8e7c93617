/**
 * MWAA GetEnvironment for a deploy without the AWS SDK (the deploy's other SDK-less call is the
 * early listing, s3-quick-list.ts): one signed GET /environments/{Name} with node:https, read into
 * the same MwaaEnvironmentInfo as mwaa-api.ts. Only for keys in the environment (which the deploy
 * prefers anyway, aws.ts), a plain endpoint override or the standard regional endpoint, and only a
 * 200 answer with a complete environment is taken: anything else (an error, throttling, an
 * unexpected body) rejects, and the SDK client asks again and reports what is wrong.
 */
import { awsRegion, type AwsSettings } from './aws';
import type { MwaaEnvironmentInfo } from './platform';
import { get, plainEndpoint, signGet, standardRegion } from './s3-quick-list';

const str = (x: unknown) => (typeof x === 'string' && x ? x : undefined);

export function quickGetEnvironment(name: string, s: AwsSettings, signal?: AbortSignal, now: () => Date = () => new Date()): Promise<MwaaEnvironmentInfo> | undefined {
  const accessKeyId = s.env.AWS_ACCESS_KEY_ID;
  const secret = s.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secret || !/^[a-zA-Z][0-9a-zA-Z_-]{0,79}$/.test(name)) return undefined;
  const region = awsRegion(s);
  const override = s.env.AWS_ENDPOINT_URL_MWAA || s.env.AWS_ENDPOINT_URL;
  let base: URL | undefined;
  if (override) {
    // the SDK client with an override sends to it as it is (disableHostPrefix, platforms/mwaa-client.ts)
    base = plainEndpoint(override);
  } else if (standardRegion(s)) {
    // control-plane operations go to the "api." host of the regional endpoint
    base = new URL(`https://api.airflow.${region}.amazonaws.com`);
  }
  if (!base) return undefined;
  const url = new URL(`${base.origin}/environments/${name}`);
  const { headers } = signGet({ host: url.host, path: url.pathname, params: [], region, accessKeyId, secret, token: s.env.AWS_SESSION_TOKEN, date: now(), service: 'airflow' });
  return (async () => {
    const r = await get(url, headers, signal);
    if (r.status !== 200) throw new Error(`quick GetEnvironment: HTTP ${r.status}`);
    const e = (JSON.parse(r.body) as { Environment?: Record<string, unknown> }).Environment;
    const sourceBucketArn = str(e?.SourceBucketArn);
    const dagS3Path = str(e?.DagS3Path);
    if (!e || !sourceBucketArn || !dagS3Path || str(e.Name) !== name) throw new Error('quick GetEnvironment: an incomplete environment');
    return {
      name,
      airflowVersion: str(e.AirflowVersion) ?? 'unknown',
      status: str(e.Status) ?? 'UNKNOWN',
      sourceBucketArn,
      dagS3Path,
      pluginsS3Path: str(e.PluginsS3Path),
      pluginsS3ObjectVersion: str(e.PluginsS3ObjectVersion),
      requirementsS3Path: str(e.RequirementsS3Path),
      requirementsS3ObjectVersion: str(e.RequirementsS3ObjectVersion),
      startupScriptS3Path: str(e.StartupScriptS3Path),
      startupScriptS3ObjectVersion: str(e.StartupScriptS3ObjectVersion),
    };
  })();
}
