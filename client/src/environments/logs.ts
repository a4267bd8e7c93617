import * as vscode from 'vscode';
import { toManagedError } from '../../../core/src/errors';
import type { EnvironmentsModel } from './model';
import { LOG_SCHEME, logPath, parseLogPath, type LogRef } from './actions';
import { RUNNING_STATES } from './model';

export function logUri(ref: LogRef): vscode.Uri {
  const { path, query } = logPath(ref);
  return vscode.Uri.from({ scheme: LOG_SCHEME, path, query });
}

/** Assemble a whole log: follow continuation tokens (bounded), as one text. */
export async function fetchLog(model: EnvironmentsModel, ref: LogRef, signal?: AbortSignal): Promise<{ text: string; running: boolean; tries: number }> {
  const { client } = await model.connection(ref.env, signal);
  let text = '';
  let token: string | null | undefined;
  for (let i = 0; i < 20; i++) {
    const chunk = await client.getLog(ref.dagId, ref.runId, ref.taskId, ref.tryNumber, { mapIndex: ref.mapIndex, token }, { signal });
    // Log handlers that ignore the continuation token answer with the whole log again: keep one copy.
    if (token && chunk.content && text.startsWith(chunk.content)) break;
    text += chunk.content;
    // A running task's log has no end yet: stop when a chunk brings nothing new.
    if (!chunk.continuationToken || !chunk.content || chunk.continuationToken === token) break;
    token = chunk.continuationToken;
  }
  let running = false;
  let tries = ref.tryNumber;
  try {
    const tis = await client.listTaskInstances(ref.dagId, ref.runId, { limit: 100 }, { signal });
    const ti = tis.items.find((t) => t.taskId === ref.taskId && (ref.mapIndex < 0 || t.mapIndex === ref.mapIndex));
    if (ti) {
      tries = ti.tryNumber;
      running = ti.tryNumber === ref.tryNumber && RUNNING_STATES.has(ti.state ?? '');
    }
  } catch {
    // The log itself is what matters; state only decides whether to follow.
  }
  return { text, running, tries };
}

/**
 * Read-only virtual documents for task logs. A log of a running try is re-read while the
 * document is open (every 3 s, backing off to 30 s while nothing changes).
 */
export class LogDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly followers = new Map<string, { timer?: NodeJS.Timeout; delay: number; last: string }>();
  /** Number of tries per open log (for the try selector). */
  readonly tries = new Map<string, number>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly model: EnvironmentsModel) {
    this.subs.push(vscode.workspace.onDidCloseTextDocument((doc) => this.stop(doc.uri.toString())));
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const ref = parseLogPath(uri.path, uri.query);
    const ac = new AbortController();
    token.onCancellationRequested(() => ac.abort());
    try {
      const { text, running, tries } = await fetchLog(this.model, ref, ac.signal);
      this.tries.set(uri.toString(), tries);
      const header = `# ${ref.env} · ${ref.dagId} · ${ref.runId} · ${ref.taskId}${ref.mapIndex >= 0 ? `[${ref.mapIndex}]` : ''} · try ${ref.tryNumber} of ${tries}${running ? ' · running (following)' : ''}\n\n`;
      const body = header + (text || '(empty log)\n');
      if (running && !this.disposed) this.follow(uri, body);
      else this.stop(uri.toString());
      return body;
    } catch (e) {
      const err = toManagedError(e);
      return `# Could not read the log\n\n${err.message}\n${err.hint ? `\n${err.hint}\n` : ''}`;
    }
  }

  private follow(uri: vscode.Uri, body: string): void {
    const key = uri.toString();
    const f = this.followers.get(key) ?? { delay: 3000, last: '' };
    f.delay = f.last === body ? Math.min(f.delay * 1.5, 30_000) : 3000;
    f.last = body;
    if (f.timer) clearTimeout(f.timer);
    f.timer = setTimeout(() => this.emitter.fire(uri), f.delay).unref();
    this.followers.set(key, f);
  }

  private disposed = false;

  private stop(key: string): void {
    const f = this.followers.get(key);
    if (f?.timer) clearTimeout(f.timer);
    this.followers.delete(key);
  }

  dispose(): void {
    this.disposed = true;
    for (const key of [...this.followers.keys()]) this.stop(key);
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}
