import { createHash } from 'node:crypto';
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

/** Hash files with bounded parallelism (file reads dominate for many small DAG files). */
export async function hashFiles(paths: string[], withCrc = false, parallel = 32): Promise<{ md5: string; size: number; crc32c?: string }[]> {
  const out: { md5: string; size: number; crc32c?: string }[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= paths.length) return;
      const buf = await readFile(paths[i]);
      out[i] = { md5: md5Hex(buf), size: buf.length, ...(withCrc ? { crc32c: crc32cBase64(buf) } : {}) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, paths.length) }, worker));
  return out;
}
