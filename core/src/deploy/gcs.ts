import { Storage, type StorageOptions } from '@google-cloud/storage';
import { base64ToHex } from './hash';
import { MD5_METADATA_KEY, contentTypeFor, type StorageAdapter } from './storage';
import type { RemoteObject } from './types';
import { abortError } from './retry';

export interface GcpSettings {
  project?: string;
  env: NodeJS.ProcessEnv;
}

/** A GCS client on Application Default Credentials; STORAGE_EMULATOR_HOST points it at an emulator. */
export function gcsClient(s: GcpSettings): Storage {
  const emulator = s.env.STORAGE_EMULATOR_HOST;
  const opts: StorageOptions = {
    ...(s.project ? { projectId: s.project } : {}),
    // retries are done by the executor (one policy for every store, counted in the summary)
    retryOptions: { autoRetry: false },
    ...(emulator ? { apiEndpoint: /^https?:\/\//.test(emulator) ? emulator : `http://${emulator}` } : {}),
  };
  return new Storage(opts);
}

function fromMetadata(key: string, m: Record<string, unknown>): RemoteObject {
  const md5Hash = typeof m.md5Hash === 'string' ? m.md5Hash : undefined;
  const custom = (m.metadata ?? {}) as Record<string, unknown>;
  const stored = typeof custom[MD5_METADATA_KEY] === 'string' ? (custom[MD5_METADATA_KEY] as string) : undefined;
  return {
    key,
    size: Number(m.size ?? 0),
    ...(md5Hash ? { md5: base64ToHex(md5Hash), md5Source: 'md5Hash' as const } : stored ? { md5: stored, md5Source: 'metadata' as const } : {}),
    ...(typeof m.crc32c === 'string' ? { crc32c: m.crc32c } : {}),
    ...(m.generation !== undefined ? { version: String(m.generation) } : {}),
  };
}

export class GcsStorage implements StorageAdapter {
  readonly label: string;
  constructor(
    private readonly storage: Storage,
    readonly bucket: string,
  ) {
    this.label = `gs://${bucket}`;
  }

  async list(prefix: string, signal?: AbortSignal): Promise<RemoteObject[]> {
    if (signal?.aborted) throw abortError();
    const [files] = await this.storage.bucket(this.bucket).getFiles({ prefix: prefix || undefined, autoPaginate: true });
    return files.map((f) => fromMetadata(f.name, f.metadata as Record<string, unknown>));
  }

  async head(key: string, signal?: AbortSignal): Promise<RemoteObject | undefined> {
    if (signal?.aborted) throw abortError();
    try {
      const [m] = await this.storage.bucket(this.bucket).file(key).getMetadata();
      return fromMetadata(key, m as Record<string, unknown>);
    } catch (e) {
      if ((e as { code?: unknown }).code === 404) return undefined;
      throw e;
    }
  }

  async put(key: string, body: Buffer, opts: { md5: string; contentType?: string; signal?: AbortSignal }): Promise<{ version?: string; storedMd5?: string }> {
    if (opts.signal?.aborted) throw abortError();
    const file = this.storage.bucket(this.bucket).file(key);
    await file.save(body, {
      resumable: false,
      validation: 'md5',
      metadata: { contentType: opts.contentType ?? contentTypeFor(key), metadata: { [MD5_METADATA_KEY]: opts.md5 } },
    });
    const meta = file.metadata as Record<string, unknown>;
    return {
      ...(meta.generation !== undefined ? { version: String(meta.generation) } : {}),
      ...(typeof meta.md5Hash === 'string' ? { storedMd5: base64ToHex(meta.md5Hash) } : {}),
    };
  }

  async delete(keys: string[], signal?: AbortSignal): Promise<void> {
    for (const key of keys) {
      if (signal?.aborted) throw abortError();
      try {
        await this.storage.bucket(this.bucket).file(key).delete();
      } catch (e) {
        // already gone (an interrupted earlier run): the goal state is reached
        if ((e as { code?: unknown }).code !== 404) throw e;
      }
    }
  }
}
