import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** `npm start` (scripts/start.ts, without building) as a child process whose output a test can wait on. */
export interface AppProcess {
  url: string;
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output: () => string;
  /** Waits for the first match of `pattern` printed at or after `from` (an index into output()). */
  waitFor: (pattern: RegExp, from?: number, timeoutMs?: number) => Promise<RegExpExecArray>;
  /** The exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>;
  /** Ends the process if it still runs (SIGKILL after SIGTERM did not end it). */
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Starts scripts/start.ts on an existing database and waits until it says it serves ("JMD Partnernetz läuft").
 * The timeout only bounds a hang on a loaded machine; the test proceeds on the line itself.
 */
export async function startApp(databaseUrl: string, env: Record<string, string> = {}): Promise<AppProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--no-build'], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      PUBLIC_BASE_URL: url,
      TILE_URL: '',
      JOBS_INTERVAL_SECONDS: '0',
      MFA_REQUIRED_ROLES: 'none',
      SEED_ON_EMPTY: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += String(chunk);
    for (const listener of [...listeners]) listener();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unbekannt')),
  );
  const waitFor = (pattern: RegExp, from = 0, timeoutMs = 90_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(text.slice(from));
        if (!match) return false;
        cleanup();
        resolve(match);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`„${pattern.source}“ nicht ausgegeben:\n${text}`));
      }, timeoutMs);
      const onExit = () => {
        if (!check()) {
          cleanup();
          reject(new Error(`Prozess beendet, ohne „${pattern.source}“ auszugeben:\n${text}`));
        }
      };
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(listener);
        child.off('exit', onExit);
      };
      const listener = () => void check();
      listeners.add(listener);
      child.once('exit', onExit);
      check();
    });
  const app: AppProcess = {
    url,
    child,
    output: () => text,
    waitFor,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await waitFor(/JMD Partnernetz läuft/);
  } catch (error) {
    await app.stop();
    throw error;
  }
  return app;
}

/** The pids of the workers that reported ready, by worker number (1, 2 …), the latest report winning. */
export function workerPids(output: string): Map<number, number> {
  const pids = new Map<number, number>();
  for (const match of output.matchAll(/Worker (\d+) \(PID (\d+)\) bereit/g)) {
    pids.set(Number(match[1]), Number(match[2]));
  }
  return pids;
}

/** The pid of the cluster's primary, from its first line. */
export function primaryPid(output: string): number {
  const match = /Primärprozess PID (\d+)/.exec(output);
  if (!match) throw new Error(`Kein Primärprozess in der Ausgabe:\n${output}`);
  return Number(match[1]);
}
