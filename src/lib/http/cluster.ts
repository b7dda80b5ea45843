/**
 * The primary of `npm start` with several workers (node:cluster, decision 0025): forks one worker per slot onto the
 * one port, lets only the first slot run the background jobs (the job leases keep it safe even when two overlap
 * during a restart), replaces a worker that died (with backoff, restart-policy.ts), restarts the workers one at a
 * time on SIGHUP or SIGUSR2 (the new one listens before the old one stops, so no request is refused) and stops
 * gracefully on SIGTERM or SIGINT (exit code 0). Workers run serve.ts; the log lines here are what operators and
 * tests wait for.
 * @module
 */
import cluster, { type Worker } from 'node:cluster';
import { decideRestart } from './restart-policy';

/** How the primary runs its workers. */
export interface ClusterOptions {
  workers: number;
  /** The workers' grace for requests in flight; the primary kills a worker that takes 5 s longer. */
  graceMs: number;
  /** Printed once every worker listens. */
  readyMessage: string;
  /**
   * The program each worker runs (dist/serve/worker.mjs), forked without this process's Node options: the primary
   * runs under tsx, whose loader hooks would otherwise sit in every worker's request path. Operators' own flags go
   * through NODE_OPTIONS, which every worker inherits. Without it the workers run this process's script.
   */
  program?: string;
  /** The clock for a worker's age when it dies (the restart rule); the wall clock unless a test moves it. */
  now?: () => number;
}

interface Slot {
  worker: Worker;
  startedAt: number;
}

/** Waits until a worker listens (true) or exits first (false). */
function listeningOrExit(worker: Worker): Promise<boolean> {
  return new Promise((resolve) => {
    const onListening = () => {
      worker.off('exit', onExit);
      resolve(true);
    };
    const onExit = () => {
      worker.off('listening', onListening);
      resolve(false);
    };
    worker.once('listening', onListening);
    worker.once('exit', onExit);
  });
}

/** Starts the workers and supervises them until a stop signal; never returns normally (the process exits). */
export function runPrimary(options: ClusterOptions): void {
  const now = options.now ?? Date.now;
  if (options.program) cluster.setupPrimary({ exec: options.program, execArgv: [], args: [] });
  const slots = new Map<number, Slot>();
  // Workers this primary asked to stop: their exit is no death to replace.
  const retiring = new WeakSet<Worker>();
  let earlyDeaths = 0;
  let shuttingDown = false;
  let restarting = false;
  const label = (slot: number, worker: Worker) => `Worker ${slot + 1} (PID ${worker.process.pid})`;

  const fork = (slot: number): Worker => {
    // Only the first slot runs the job loop; the leases in job_lease still decide who runs a job (two overlap while
    // a restart replaces that worker, and other instances may share the database).
    const worker = cluster.fork(slot === 0 ? {} : { JOBS_INTERVAL_SECONDS: '0' });
    slots.set(slot, { worker, startedAt: now() });
    worker.once('listening', () =>
      console.log(`${label(slot, worker)} bereit${slot === 0 ? ' (führt die Hintergrundaufgaben aus)' : ''}`),
    );
    worker.once('exit', (code, signal) => onExit(slot, worker, code, signal));
    return worker;
  };

  const onExit = (slot: number, worker: Worker, code: number | null, signal: string | null) => {
    if (retiring.has(worker) || shuttingDown) return;
    const current = slots.get(slot);
    if (current?.worker !== worker) return;
    const decision = decideRestart(now() - current.startedAt, earlyDeaths);
    const how = signal ? `Signal ${signal}` : `Code ${code}`;
    if (decision.kind === 'give_up') {
      console.error(
        `${label(slot, worker)} unerwartet beendet (${how}); zu viele Worker sind kurz nach dem Start gestorben – ` +
          'der Server wird beendet. Bitte die Ausgabe oben prüfen.',
      );
      void shutdown('Abbruch', 1);
      return;
    }
    earlyDeaths = decision.earlyDeaths;
    console.error(
      `${label(slot, worker)} unerwartet beendet (${how}); Ersatz ` +
        (decision.delayMs === 0 ? 'sofort' : `in ${decision.delayMs / 1000} s`),
    );
    const timer = setTimeout(() => {
      if (!shuttingDown) fork(slot);
    }, decision.delayMs);
    timer.unref();
  };

  /** Asks a worker to stop gracefully (SIGTERM → serve.ts drains); kills it when it overruns its grace. */
  const stopWorker = (worker: Worker): Promise<void> => {
    retiring.add(worker);
    if (worker.isDead()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => worker.process.kill('SIGKILL'), options.graceMs + 5_000);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      worker.process.kill('SIGTERM');
    });
  };

  const rollingRestart = async (signal: string) => {
    if (restarting || shuttingDown) return;
    restarting = true;
    console.log(`Neustart (${signal}): die Worker werden nacheinander ersetzt …`);
    try {
      for (const slot of [...slots.keys()].sort((a, b) => a - b)) {
        if (shuttingDown) return;
        const old = slots.get(slot)!;
        retiring.add(old.worker);
        const fresh = fork(slot);
        if (!(await listeningOrExit(fresh))) {
          // The new code does not start: keep the old worker serving and say so.
          slots.set(slot, old);
          retiring.delete(old.worker);
          console.error(`Neustart abgebrochen: der neue ${label(slot, fresh)} ist nicht gestartet.`);
          return;
        }
        await stopWorker(old.worker);
        console.log(`${label(slot, old.worker)} beendet, ersetzt durch ${label(slot, fresh)}`);
      }
      earlyDeaths = 0;
      console.log(`Neustart abgeschlossen: ${slots.size} Worker`);
    } finally {
      restarting = false;
    }
  };

  const shutdown = async (signal: string, exitCode = 0) => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log(`Beende (${signal}): laufende Anfragen werden noch beantwortet …`);
    await Promise.all([...slots.values()].map((slot) => stopWorker(slot.worker)));
    // Workers forked by a restart that the stop interrupted.
    await Promise.all(Object.values(cluster.workers ?? {}).map((worker) => worker && stopWorker(worker)));
    console.log('Beendet.');
    process.exit(exitCode);
  };

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (shuttingDown) {
        // A second Ctrl-C: the operator does not want to wait.
        console.error('Sofort beenden: Worker werden abgebrochen.');
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
        process.exit(1);
      }
      void shutdown(signal);
    });
  }
  for (const signal of ['SIGHUP', 'SIGUSR2'] as const) process.on(signal, () => void rollingRestart(signal));

  console.log(
    `Primärprozess PID ${process.pid}: ${options.workers} Worker; SIGHUP startet sie nacheinander neu, SIGTERM beendet.`,
  );
  const first = Array.from({ length: options.workers }, (_, slot) => fork(slot));
  void Promise.all(first.map(listeningOrExit)).then((listening) => {
    if (listening.every(Boolean)) console.log(options.readyMessage);
  });
}
