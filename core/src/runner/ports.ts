import net from 'node:net';
import { ManagedAirflowError } from '../errors';

export const DEFAULT_PORT = 8080;

/** True when nothing listens on 127.0.0.1:port (a wildcard listener also makes this fail on Linux). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export function portInUseError(port: number, cause?: unknown): ManagedAirflowError {
  return new ManagedAirflowError('conflict', 'runner.portInUse', `Port ${port} on 127.0.0.1 is already in use by another process`, {
    hint: `Stop what listens there (\`ss -ltnp 'sport = :${port}'\` shows it), or choose another port: \`--port N\` / setting managedAirflow.runner.port (0 = 8080 or the next free port).`,
    details: { port },
    cause,
  });
}

/**
 * The UI port: an explicit port must be free (clear error otherwise); without one, 8080 or
 * the next free port above it.
 */
export async function choosePort(explicit?: number, from = DEFAULT_PORT, tries = 100): Promise<number> {
  if (explicit) {
    if (!Number.isInteger(explicit) || explicit < 1 || explicit > 65535) {
      throw new ManagedAirflowError('usage', 'runner.badPort', `Port ${explicit} is not a TCP port`, { hint: 'Use a number between 1 and 65535.' });
    }
    if (!(await isPortFree(explicit))) throw portInUseError(explicit);
    return explicit;
  }
  for (let p = from; p < from + tries && p <= 65535; p++) if (await isPortFree(p)) return p;
  throw new ManagedAirflowError('conflict', 'runner.noFreePort', `No free port between ${from} and ${from + tries - 1} on 127.0.0.1`, {
    hint: 'Free a port or choose one with --port / managedAirflow.runner.port.',
  });
}
