import type { LocalEntry, PlanUpload, RemoteObject } from './types';
import { inScope } from './uri';

export interface DiffResult {
  uploads: (PlanUpload & { entry: LocalEntry })[];
  unchanged: LocalEntry[];
  /** Remote keys inside a synced folder with no local counterpart. */
  remoteOnly: string[];
  /** Uploads whose remote md5 came from an ETag that may not be an MD5 (same size): worth a HEAD. */
  uncertain: string[];
}

/** Same content? Size first, then MD5 when the store knows one, else CRC32C. Unknown → not the same. */
export function sameContent(local: Pick<LocalEntry, 'size' | 'md5' | 'crc32c'>, remote: RemoteObject): boolean {
  if (local.size !== remote.size) return false;
  if (remote.md5) return remote.md5 === local.md5;
  if (remote.crc32c && local.crc32c) return remote.crc32c === local.crc32c;
  return false;
}

/**
 * The pure heart of the deploy plan: which local entries must be uploaded, which are unchanged,
 * which remote keys in the synced folders have no local file. Keys outside `scope` are never
 * returned (neither uploads nor remote-only), whatever the inputs; `keep` keys (the environment's
 * plugins/requirements/startup objects) are never remote-only even when they sit in a synced folder.
 */
export function diffEntries(local: LocalEntry[], remote: RemoteObject[], scope: { prefixes: string[]; keys: string[] }, keep: string[] = []): DiffResult {
  const remoteByKey = new Map<string, RemoteObject>();
  for (const r of remote) remoteByKey.set(r.key, r);
  const localKeys = new Set(local.map((l) => l.key));
  const uploads: DiffResult['uploads'] = [];
  const unchanged: LocalEntry[] = [];
  const uncertain: string[] = [];
  for (const l of local) {
    if (!inScope(l.key, scope)) continue;
    const r = remoteByKey.get(l.key);
    if (r && sameContent(l, r)) {
      unchanged.push(l);
      continue;
    }
    if (r && r.size === l.size && r.md5Source === 'etag') uncertain.push(l.key);
    uploads.push({ key: l.key, display: l.display, size: l.size, md5: l.md5, reason: r ? 'changed' : 'new', role: l.role, entry: l });
  }
  const remoteOnly: string[] = [];
  for (const r of remoteByKey.values()) {
    // folder placeholders ("dags/") and single managed objects are never candidates for deletion
    if (r.key.endsWith('/') || localKeys.has(r.key) || scope.keys.includes(r.key) || keep.includes(r.key)) continue;
    if (!scope.prefixes.some((p) => p !== '' && r.key.startsWith(p) && r.key.length > p.length) && !scope.prefixes.includes('')) continue;
    if (!inScope(r.key, scope)) continue;
    remoteOnly.push(r.key);
  }
  remoteOnly.sort();
  uploads.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { uploads, unchanged, remoteOnly, uncertain };
}
