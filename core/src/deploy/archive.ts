import { readFile } from 'node:fs/promises';
import { ZipFile } from 'yazl';
import type { WalkedFile } from './walk';

/** DOS date 1980-01-01 (the DOS epoch), time 00:00:00. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;

/**
 * yazl turns a JS Date into DOS fields with local-time getters, so the same Date gives different
 * bytes in different time zones. Stamp the fixed DOS date/time into every local and central header.
 */
function stampFixedTimes(zip: Buffer): Buffer {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
    zip.writeUInt16LE(DOS_TIME, p + 12);
    zip.writeUInt16LE(DOS_DATE, p + 14);
    const local = zip.readUInt32LE(p + 42);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error('bad local file header');
    zip.writeUInt16LE(DOS_TIME, local + 10);
    zip.writeUInt16LE(DOS_DATE, local + 12);
    p += 46 + zip.readUInt16LE(p + 28) + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return zip;
}

/**
 * Build plugins.zip reproducibly: entries sorted by path, fixed timestamps and modes, no extra
 * timestamp fields, a fixed compression level. An unchanged plugins folder gives a byte-identical
 * zip (same MD5), so the diff sees no change and MWAA is not asked to restart.
 */
export async function buildReproducibleZip(files: WalkedFile[]): Promise<Buffer> {
  const zip = new ZipFile();
  const mtime = new Date(1980, 0, 1, 12, 0, 0);
  const sorted = [...files].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  for (const f of sorted) {
    const data = await readFile(f.abs);
    zip.addBuffer(data, f.rel, { mtime, mode: 0o100644, compress: true, compressionLevel: 6, forceDosTimestamp: true });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  return stampFixedTimes(Buffer.concat(chunks));
}

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512, 0);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 154);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`path too long for a tar entry: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  const oct = (n: number, len: number) => n.toString(8).padStart(len - 1, '0') + '\0';
  h.write(base, 0, 100, 'utf8');
  h.write(oct(0o644, 8), 100, 'ascii');
  h.write(oct(0, 8), 108, 'ascii');
  h.write(oct(0, 8), 116, 'ascii');
  h.write(oct(size, 12), 124, 'ascii');
  h.write(oct(0, 12), 136, 'ascii'); // mtime fixed at the epoch: reproducible bundles
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(oct(sum, 7) + ' ', 148, 'ascii');
  return h;
}

/** A reproducible ustar archive of the files under `dir/` (Astro DAG bundles hold "dags/…"). */
export async function buildReproducibleTar(files: WalkedFile[], dir = 'dags'): Promise<Buffer> {
  const parts: Buffer[] = [];
  const sorted = [...files].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  for (const f of sorted) {
    const data = await readFile(f.abs);
    parts.push(tarHeader(`${dir}/${f.rel}`, data.length), data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(1024, 0));
  return Buffer.concat(parts);
}
