import path from 'node:path';

/**
 * Visit `startDir` and its parents up to `rootDir` (inclusive; the filesystem root when absent)
 * until `visit` returns a value. Shared by requirements lookup and target detection.
 */
export function findUpwards<T>(startDir: string, rootDir: string | undefined, visit: (dir: string) => T | undefined): T | undefined {
  let dir = path.resolve(startDir);
  const stop = rootDir ? path.resolve(rootDir) : undefined;
  for (;;) {
    const found = visit(dir);
    if (found !== undefined) return found;
    const parent = path.dirname(dir);
    if (dir === stop || parent === dir) return undefined;
    dir = parent;
  }
}
