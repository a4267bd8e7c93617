import type { PlatformKind } from '../protocol/environments';

/** A bucket and a key prefix. `prefix` is '' (whole bucket) or ends with '/'. */
export interface ObjectLocation {
  scheme: 's3' | 'gs';
  bucket: string;
  prefix: string;
}

/** One remote object of a listing, with whatever content identity the store offers. */
export interface RemoteObject {
  key: string;
  size: number;
  /** Hex MD5 of the content, when known. */
  md5?: string;
  /** Where `md5` came from: an S3 ETag is only an MD5 for single-part, non-KMS uploads. */
  md5Source?: 'etag' | 'metadata' | 'md5Hash';
  /** Base64 big-endian CRC32C (GCS). */
  crc32c?: string;
  /** S3 object version / GCS generation. */
  version?: string;
}

/** One local file (or generated artifact) that should exist remotely under `key`. */
export interface LocalEntry {
  key: string;
  size: number;
  md5: string;
  crc32c?: string;
  /** Absolute path of the file, or the bytes of a generated artifact (plugins.zip). */
  source: { path: string } | { bytes: Buffer };
  role: EntryRole;
  /** Workspace-relative path for messages. */
  display: string;
}

export type EntryRole = 'dag' | 'plugins' | 'requirements' | 'startup' | 'data';

/** Where a deploy goes, always as resolved from the platform (never typed by hand). */
export interface ResolvedDestination {
  environment: string;
  platform: PlatformKind;
  /** Airflow version the environment runs ("unknown" when the platform does not say). */
  airflowVersion: string;
  /** Lint target label ("mwaa:2.10.3", "composer:composer-2.9.7-airflow-2.9.3", "astro:12.1.0", "airflow:2.9.2"). */
  target?: string;
  /** What told us the destination, e.g. "MWAA GetEnvironment prod-airflow (eu-west-1)". */
  resolvedFrom: string;
  kind: 'storage' | 'astro';
  /** DAG folder (storage) — for Astro a descriptive pseudo location. */
  dags: ObjectLocation;
  /** Additional folders synced like the DAG folder (Composer plugins/ and data/ on request). */
  folders: { role: EntryRole; local: string; location: ObjectLocation }[];
  /** Single objects (MWAA plugins.zip, requirements.txt, startup script). */
  objects: { role: 'plugins' | 'requirements' | 'startup'; key: string; currentVersion?: string }[];
  mwaa?: { name: string; region?: string };
  astro?: { organization: string; deployment: string; apiUrl: string; dagDeployEnabled: boolean };
}

export interface PlanUpload {
  key: string;
  display: string;
  size: number;
  md5: string;
  reason: 'new' | 'changed';
  role: EntryRole;
}

export interface DeployPlan {
  destination: ResolvedDestination;
  /** Prefixes (ending with '/') and exact keys this deploy may write or delete; nothing else. */
  scope: { prefixes: string[]; keys: string[] };
  uploads: PlanUpload[];
  unchanged: number;
  unchangedBytes: number;
  /** Remote-only keys that will be deleted (only with --delete). */
  deletes: string[];
  /** Remote-only keys kept because --delete was not given. */
  extraneous: string[];
  /** Local files left out (ignored), for the report. */
  ignored: string[];
  /** MWAA: single objects whose new version the environment must be updated to (restart). */
  environmentUpdate: ('plugins' | 'requirements' | 'startup')[];
  warnings: string[];
  /** Astro: hash of the DAG bundle (content identity of a DAG-only deploy). */
  bundleHash?: string;
}

export interface DeploySummary {
  uploaded: number;
  uploadedBytes: number;
  unchanged: number;
  deleted: number;
  retries: number;
  ms: number;
  environmentUpdated: boolean;
  versions: Record<string, string>;
}

export type ProgressEvent =
  | { type: 'upload'; key: string; display: string; bytes: number; done: number; total: number }
  | { type: 'retry'; key: string; attempt: number; error: string }
  | { type: 'delete'; key: string; done: number; total: number }
  | { type: 'phase'; message: string };
