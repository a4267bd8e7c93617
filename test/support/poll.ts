// vscode-free test helpers shared by the Node-side tests and the in-host suite (bundled by esbuild).

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `probe` until it returns a truthy value; throws with the last error/value after `timeoutMs`. */
export async function poll<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 30000, everyMs = 200): Promise<NonNullable<T>> {
  const t0 = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await sleep(everyMs);
  }
}
