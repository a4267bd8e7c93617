import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

/** A minimal LSP client that drives the built server (dist/server.js) over stdio, as an editor would. */
export class LspTestClient {
  readonly proc: ChildProcess;
  readonly conn: MessageConnection;
  readonly diagnostics = new Map<string, any[]>();
  private waiters: { uri: string; pred: (d: any[]) => boolean; resolve: (d: any[]) => void }[] = [];
  configuration: Record<string, unknown> = {};
  readonly stderr: string[] = [];

  constructor(serverJs = path.resolve(__dirname, '../../dist/server.js')) {
    this.proc = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d) => this.stderr.push(String(d)));
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: any[] }) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri === p.uri && w.pred(p.diagnostics)) {
          w.resolve(p.diagnostics);
          return false;
        }
        return true;
      });
    });
    this.conn.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map(() => this.configuration));
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('workspace/applyEdit', () => ({ applied: true }));
    this.conn.onNotification('window/logMessage', () => undefined);
    this.conn.onNotification('managedAirflow/lintStatus', () => undefined);
    this.conn.listen();
  }

  async initialize(rootDir: string, workspaceCapabilities: Record<string, unknown> = {}) {
    const rootUri = `file://${rootDir}`;
    const res = await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'ws' }],
      capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, ...workspaceCapabilities }, textDocument: { publishDiagnostics: {}, codeAction: {}, hover: {} } },
    });
    await this.conn.sendNotification('initialized', {});
    return res as any;
  }

  /** Resolve with the next diagnostics for `uri` that satisfy `pred` (polls events, never sleeps). */
  waitForDiagnostics(uri: string, pred: (d: any[]) => boolean, timeoutMs = 15000): Promise<any[]> {
    const now = this.diagnostics.get(uri);
    if (now && pred(now)) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for diagnostics of ${uri}; last: ${JSON.stringify(this.diagnostics.get(uri))}; stderr: ${this.stderr.join('')}`)), timeoutMs);
      this.waiters.push({ uri, pred, resolve: (d) => (clearTimeout(t), resolve(d)) });
    });
  }

  async stop() {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000))]);
      await this.conn.sendNotification('exit');
    } catch {
      /* already gone */
    }
    this.conn.dispose();
    if (this.proc.exitCode === null) this.proc.kill();
  }
}
