import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require_ = createRequire(__filename);

/** s3rver on 127.0.0.1 (a real S3 REST server storing files on disk). Run Node with --openssl-legacy-provider for paginated listings. */
export async function startS3(buckets: string[]): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const S3rver = require_('s3rver');
  const directory = mkdtempSync(path.join(tmpdir(), 'ma-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, resetOnClose: true, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await server.run();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
