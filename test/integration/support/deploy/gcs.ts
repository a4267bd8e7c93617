import { createRequire } from 'node:module';
import { rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';

const require_ = createRequire(__filename);

/**
 * Google's Firebase Storage emulator (firebase-tools, pinned exactly) started in-process without
 * Java: its GCS JSON API routes do not use the rules runtime. Buckets appear on first use.
 */
export async function startGcsEmulator(projectId = 'demo-test'): Promise<{ url: string; close: () => Promise<void> }> {
  const { StorageEmulator } = require_('firebase-tools/lib/emulator/storage/index.js');
  const { createApp } = require_('firebase-tools/lib/emulator/storage/server.js');
  const { EmulatorRegistry } = require_('firebase-tools/lib/emulator/registry.js');
  const emu = new StorageEmulator({ projectId, host: '127.0.0.1', port: 0, rules: [], auto_download: false });
  const app = await createApp(projectId, emu);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
  const port = (server.address() as { port: number }).port;
  emu.args.port = port;
  EmulatorRegistry.set('storage', emu);
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      EmulatorRegistry.clear('storage');
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await emu._persistence.deleteAll().catch(() => undefined);
      // the emulator's persistence folder: removed only when empty (another emulator may be using it)
      for (const d of [path.join(tmpdir(), 'firebase', 'storage'), path.join(tmpdir(), 'firebase')]) {
        try {
          rmdirSync(d);
        } catch {
          /* not empty or already gone */
        }
      }
    },
  };
}
