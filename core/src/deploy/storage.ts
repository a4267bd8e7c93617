import type { RemoteObject } from './types';

/** One bucket of an object store, as the planner and executor need it. Keys are full object keys. */
export interface StorageAdapter {
  /** "s3://bucket" / "gs://bucket", for messages. */
  readonly label: string;
  /** Every object whose key starts with `prefix` (all pages). */
  list(prefix: string, signal?: AbortSignal): Promise<RemoteObject[]>;
  /** One object's size, checksum and version, or undefined when it does not exist. */
  head(key: string, signal?: AbortSignal): Promise<RemoteObject | undefined>;
  /**
   * Upload bytes; the store verifies `md5` on receipt. Returns the new object version (if versioned)
   * and the MD5 the store reports for what it stored, when it reports one that is an MD5.
   */
  put(key: string, body: Buffer, opts: { md5: string; contentType?: string; signal?: AbortSignal }): Promise<{ version?: string; storedMd5?: string }>;
  delete(keys: string[], signal?: AbortSignal): Promise<void>;
  /** Optional: load and set up what the first request needs (its SDK and client) now, while nothing waits on it. */
  prepare?(): void;
}

/** The content checksum stored in object metadata, so multipart/KMS objects still compare by content. */
export const MD5_METADATA_KEY = 'managed-airflow-md5';

export function contentTypeFor(key: string): string {
  if (key.endsWith('.py')) return 'text/x-python';
  if (key.endsWith('.zip')) return 'application/zip';
  if (key.endsWith('.txt') || key.endsWith('.airflowignore')) return 'text/plain';
  if (key.endsWith('.sh')) return 'text/x-shellscript';
  if (key.endsWith('.json')) return 'application/json';
  if (key.endsWith('.sql')) return 'application/sql';
  if (key.endsWith('.yaml') || key.endsWith('.yml')) return 'application/yaml';
  return 'application/octet-stream';
}

/**
 * A StorageAdapter whose implementation, and the cloud SDK behind it, loads on its first call
 * (import(): a chunk of its own in the CLI bundle). Callers keep a synchronous factory.
 */
export function lazyStorage(label: string, load: () => Promise<StorageAdapter>): StorageAdapter {
  let adapter: Promise<StorageAdapter> | undefined;
  const get = () => (adapter ??= load());
  return {
    label,
    list: async (prefix, signal) => (await get()).list(prefix, signal),
    head: async (key, signal) => (await get()).head(key, signal),
    put: async (key, body, opts) => (await get()).put(key, body, opts),
    delete: async (keys, signal) => (await get()).delete(keys, signal),
    // a failed load is reported by the first real call
    prepare: () => void get().catch(() => undefined),
  };
}
