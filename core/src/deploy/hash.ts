import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

export function md5Hex(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

export function base64ToHex(b64: string): string {
  return Buffer.from(b64, 'base64').toString('hex');
}

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC32C (Castagnoli) as GCS reports it: base64 of the big-endian 32-bit value. */
export function crc32cBase64(data: Buffer): string {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}

/** Files up to this size are read with one synchronous call; larger ones asynchronously. */
const SYNC_READ_MAX = 1 << 20;
/** Synchronous reads run in slices of about this long, then yield to the event loop. */
const SLICE_MS = 2;

/**
 * A file to upload: small files (DAGs) with one synchronous call, like hashFiles (the promise-based
 * open/fstat/read/close of readFile cost the first full deploy of 1,000 DAG files ~0.3 s of the main
 * thread), larger ones asynchronously.
 */
export async function readLocalFile(file: string): Promise<Buffer> {
  return statSync(file).size <= SYNC_READ_MAX ? readFileSync(file) : readFile(file);
}

/**
 * MD5 (and CRC32C) of files, in order. DAG folders are many small files: a synchronous read costs
 * a fraction of an asynchronous readFile (open, fstat, read and close each a thread-pool round trip;
 * measured on 1,000 DAG files: about 15 ms against 80–130 ms of CPU). The reads run in slices of a few
 * milliseconds so the event loop still serves the network (the remote listing is requested meanwhile)
 * and the extension host stays responsive; files over 1 MiB are read asynchronously.
 */
export async function hashFiles(paths: string[], withCrc = false, sizes?: number[]): Promise<{ md5: string; size: number; crc32c?: string }[]> {
  const out: { md5: string; size: number; crc32c?: string }[] = new Array(paths.length);
  const ofBuffer = (buf: Buffer) => ({ md5: md5Hex(buf), size: buf.length, ...(withCrc ? { crc32c: crc32cBase64(buf) } : {}) });
  let sliceStart = performance.now();
  for (let i = 0; i < paths.length; i++) {
    // the size from the walk, when given, only chooses how to read: the hash is of what was read
    const size = sizes?.[i] ?? statSync(paths[i]).size;
    out[i] = size <= SYNC_READ_MAX ? ofBuffer(readFileSync(paths[i])) : ofBuffer(await readFile(paths[i]));
    if (performance.now() - sliceStart > SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return out;
}
