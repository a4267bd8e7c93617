import { ManagedAirflowError } from '../errors';
import type { ObjectLocation } from './types';

/** Parse "s3://bucket/prefix" or "gs://bucket/prefix" into a location whose prefix ends with '/'. */
export function parseLocation(uri: string, source?: string): ObjectLocation {
  const m = /^(s3|gs):\/\/([^/]+)\/?(.*)$/.exec(uri.trim());
  if (!m || !m[2]) {
    throw new ManagedAirflowError('config', 'deploy.badDestination', `destination ${JSON.stringify(uri)} is not an s3://bucket/prefix or gs://bucket/prefix URI`, {
      source,
      hint: 'Set "destination" to e.g. "s3://my-airflow-bucket/dags" or "gs://my-bucket/dags".',
    });
  }
  return { scheme: m[1] as 's3' | 'gs', bucket: m[2], prefix: normalizePrefix(m[3]) };
}

/** '' stays ''; otherwise no leading slash, exactly one trailing slash. */
export function normalizePrefix(p: string | undefined): string {
  const s = (p ?? '').replace(/^\/+/, '').replace(/\/+$/, '');
  return s ? `${s}/` : '';
}

export function formatLocation(l: ObjectLocation): string {
  return `${l.scheme}://${l.bucket}/${l.prefix}`;
}

export function sameLocation(a: ObjectLocation, b: ObjectLocation): boolean {
  return a.scheme === b.scheme && a.bucket === b.bucket && a.prefix === b.prefix;
}

/** Bucket name of an S3 bucket ARN ("arn:aws:s3:::name"). */
export function bucketFromArn(arn: string): string {
  const m = /^arn:aws[a-z-]*:s3:::([a-z0-9.-]+)$/.exec(arn);
  if (!m) throw new ManagedAirflowError('remote', 'deploy.badBucketArn', `unexpected SourceBucketArn ${JSON.stringify(arn)}`);
  return m[1];
}

/** Whether `key` lies inside the allowed scope (a prefix or one of the exact keys). */
export function inScope(key: string, scope: { prefixes: string[]; keys: string[] }): boolean {
  if (!key || key.includes('\0') || key.split('/').some((s) => s === '..' || s === '.')) return false;
  return scope.keys.includes(key) || scope.prefixes.some((p) => (p === '' ? true : key.startsWith(p) && key.length > p.length));
}
