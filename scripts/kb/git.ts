/** Read-only access to a bare git snapshot (no work tree): list trees and read blobs in batches. */
import { execFileSync, spawnSync } from 'node:child_process';

export interface TreeEntry {
  path: string;
  blob: string;
}

export class GitSnapshot {
  private readonly blobCache = new Map<string, string>();
  constructor(readonly gitDir: string) {}

  private git(args: string[], input?: string): string {
    return execFileSync('git', ['--git-dir', this.gitDir, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, input });
  }

  /** Full commit sha of a ref (tag, branch, `sha^`); undefined when it does not resolve. */
  resolve(ref: string): string | undefined {
    const r = spawnSync('git', ['--git-dir', this.gitDir, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : undefined;
  }

  /** Blobs under the given path prefixes at a commit. */
  lsTree(commit: string, prefixes: string[]): TreeEntry[] {
    const out = this.git(['ls-tree', '-r', '-z', commit, '--', ...prefixes]);
    const entries: TreeEntry[] = [];
    for (const line of out.split('\0')) {
      if (!line) continue;
      const tab = line.indexOf('\t');
      const [mode, type, sha] = line.slice(0, tab).split(' ');
      if (type !== 'blob' || mode === '120000') continue; // skip symlinks
      entries.push({ path: line.slice(tab + 1), blob: sha });
    }
    return entries;
  }

  /** Read many blobs at once (git cat-file --batch); results are cached by sha. */
  readBlobs(shas: string[]): Map<string, string> {
    const missing = [...new Set(shas)].filter((s) => !this.blobCache.has(s));
    for (let i = 0; i < missing.length; i += 2000) {
      const chunk = missing.slice(i, i + 2000);
      const r = spawnSync('git', ['--git-dir', this.gitDir, 'cat-file', '--batch'], { input: chunk.join('\n') + '\n', maxBuffer: 2 ** 31 });
      if (r.status !== 0) throw new Error(`git cat-file failed: ${r.stderr}`);
      const buf = r.stdout;
      let pos = 0;
      while (pos < buf.length) {
        const nl = buf.indexOf(10, pos);
        const header = buf.subarray(pos, nl).toString('utf8');
        const [sha, type, sizeStr] = header.split(' ');
        if (type === 'missing') {
          pos = nl + 1;
          continue;
        }
        const size = Number(sizeStr);
        this.blobCache.set(sha, buf.subarray(nl + 1, nl + 1 + size).toString('utf8'));
        pos = nl + 1 + size + 1;
      }
    }
    const out = new Map<string, string>();
    for (const s of shas) {
      const t = this.blobCache.get(s);
      if (t !== undefined) out.set(s, t);
    }
    return out;
  }

  readFile(commit: string, path: string): string | undefined {
    const r = spawnSync('git', ['--git-dir', this.gitDir, 'show', `${commit}:${path}`], { encoding: 'utf8', maxBuffer: 1 << 28 });
    return r.status === 0 ? r.stdout : undefined;
  }
}
