/**
 * dockerode plumbing for the runner: connecting, turning engine failures into clear
 * ManagedAirflowErrors, and reading multiplexed log / exec streams line by line.
 */
import Docker from 'dockerode';
import { PassThrough, type Readable } from 'node:stream';
import { ManagedAirflowError } from '../errors';

export function dockerHostLabel(): string {
  return process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

export function connectDocker(): Docker {
  // docker-modem reads DOCKER_HOST / DOCKER_CERT_PATH itself; the default is /var/run/docker.sock.
  return new Docker();
}

interface EngineErrorShape {
  code?: string;
  statusCode?: number;
  json?: { message?: string } | null;
  message?: string;
  address?: string;
}

/** Daemon text without dockerode's "(HTTP code N) reason - " prefix. */
export function engineMessage(e: unknown): string {
  const err = e as EngineErrorShape;
  const raw = err?.json?.message ?? err?.message ?? String(e);
  return raw.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '').trim();
}

export function isPortConflict(e: unknown): boolean {
  return /address already in use|port is already allocated/i.test(engineMessage(e));
}

/**
 * Translate whatever dockerode throws into a typed error: daemon down, socket permission,
 * missing image, port in use; anything else keeps the daemon's own words.
 */
export function toDockerError(e: unknown, what: string, extra: { port?: number; imageHint?: (image: string) => string } = {}): ManagedAirflowError {
  if (e instanceof ManagedAirflowError) return e;
  const err = (e ?? {}) as EngineErrorShape;
  const host = dockerHostLabel();
  if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
    return new ManagedAirflowError('docker', 'docker.daemonDown', `Docker is not running: nothing answers at ${host}`, {
      hint: 'Start Docker Desktop (macOS/Windows) or the engine on Linux (`sudo systemctl start docker`), or point DOCKER_HOST at a running engine, then retry.',
      cause: e,
      details: { host, code: err.code },
    });
  }
  if (err.code === 'EACCES' || err.code === 'EPERM') {
    return new ManagedAirflowError('docker', 'docker.socketPermission', `Permission denied on the Docker socket ${host}`, {
      hint: 'Add your user to the docker group (`sudo usermod -aG docker $USER`, then log out and back in), or use a DOCKER_HOST you may access.',
      cause: e,
      details: { host },
    });
  }
  const msg = engineMessage(e);
  const image = /No such image:\s*(\S+)/i.exec(msg)?.[1];
  if (err.statusCode === 404 && image) return imageMissingError(image, extra.imageHint?.(image));
  if (isPortConflict(e) && extra.port) {
    return new ManagedAirflowError('conflict', 'runner.portInUse', `Port ${extra.port} on 127.0.0.1 is already in use by another process`, {
      hint: `Stop what listens there, or choose another port: \`--port N\` / setting managedAirflow.runner.port (0 = 8080 or the next free port).`,
      details: { port: extra.port, engine: msg },
      cause: e,
    });
  }
  return new ManagedAirflowError('docker', 'docker.engine', `Docker could not ${what}: ${msg}`, { cause: e, details: { statusCode: err.statusCode } });
}

export function imageMissingError(image: string, hint?: string): ManagedAirflowError {
  return new ManagedAirflowError('docker', 'docker.imageMissing', `Docker image ${image} is not present locally`, {
    hint: hint ?? `Pull it (\`docker pull ${image}\`, \`managed-airflow local start --pull\`, or Pull in the runner panel), or set another image.`,
    details: { image },
  });
}

/** Split a byte stream into lines (keeps a trailing partial line until the end). */
export function onLines(stream: Readable, cb: (line: string) => void): Promise<void> {
  return new Promise((resolve) => {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        cb(buf.slice(0, i).replace(/\r$/, ''));
        buf = buf.slice(i + 1);
      }
    });
    const end = () => {
      if (buf) cb(buf);
      buf = '';
      resolve();
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
  });
}

/** Lines of a multiplexed (non-TTY) Docker stream, tagged stdout/stderr. */
export function demuxLines(docker: Docker, stream: Readable, cb: (stream: 'stdout' | 'stderr', line: string) => void): Promise<void> {
  const out = new PassThrough();
  const err = new PassThrough();
  docker.modem.demuxStream(stream, out, err);
  const done = Promise.all([onLines(out, (l) => cb('stdout', l)), onLines(err, (l) => cb('stderr', l))]);
  const finish = () => {
    out.end();
    err.end();
  };
  stream.on('end', finish);
  stream.on('close', finish);
  stream.on('error', finish);
  return done.then(() => undefined);
}

/** Parse a non-follow logs buffer (8-byte frame headers) into lines. */
export function parseMultiplexed(buf: Buffer): Array<{ stream: 'stdout' | 'stderr'; line: string }> {
  const out: Array<{ stream: 'stdout' | 'stderr'; line: string }> = [];
  const acc: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  let off = 0;
  const framed = buf.length >= 8 && (buf[0] === 1 || buf[0] === 2) && buf[1] === 0 && buf[2] === 0 && buf[3] === 0;
  if (!framed) {
    for (const line of buf.toString('utf8').split('\n')) if (line) out.push({ stream: 'stdout', line });
    return out;
  }
  while (off + 8 <= buf.length) {
    const kind = buf[off] === 2 ? 'stderr' : 'stdout';
    const size = buf.readUInt32BE(off + 4);
    acc[kind] += buf.subarray(off + 8, off + 8 + size).toString('utf8');
    off += 8 + size;
    let i: number;
    while ((i = acc[kind].indexOf('\n')) >= 0) {
      out.push({ stream: kind, line: acc[kind].slice(0, i).replace(/\r$/, '') });
      acc[kind] = acc[kind].slice(i + 1);
    }
  }
  for (const kind of ['stdout', 'stderr'] as const) if (acc[kind]) out.push({ stream: kind, line: acc[kind] });
  return out;
}
