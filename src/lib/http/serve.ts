/**
 * Serves the built app (dist/server/entry.mjs of @astrojs/node, standalone) on an http.Server of our own, so a stop
 * can be graceful: stop accepting, answer every request in flight, close keep-alive connections without racing a
 * client that is about to reuse them, then stop the job loop and close the database (lifecycle.ts). Run by
 * every worker of `npm start` (worker-main.ts, bundled to dist/serve/worker.mjs; cluster.ts forks it).
 * @module
 */
import http from 'node:http';
import type net from 'node:net';
import { pathToFileURL } from 'node:url';
import { markManaged, runShutdownHooks } from './lifecycle';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A running server and its graceful stop. */
export interface ServedApp {
  server: http.Server;
  /** Stops accepting, drains (at most `graceMs`), runs the shutdown hooks; resolves when all is closed. */
  shutdown: () => Promise<void>;
}

/** Where and how to serve. */
export interface ServeOptions {
  /** Absolute path of dist/server/entry.mjs. */
  entry: string;
  host: string;
  port: number;
  /** How long requests in flight may take after a stop before their connections are closed. */
  graceMs: number;
}

/** Loads the built app without its own server (ASTRO_NODE_AUTOSTART) and returns its request handler. */
async function loadHandler(entry: string): Promise<Handler> {
  process.env['ASTRO_NODE_AUTOSTART'] = 'disabled';
  markManaged();
  const built = (await import(pathToFileURL(entry).href)) as { handler?: Handler };
  if (typeof built.handler !== 'function') {
    throw new Error(`${entry} exportiert keinen handler (ist @astrojs/node im Modus standalone?).`);
  }
  return built.handler;
}

/**
 * Answers one `/healthz` through the handler before the first visitor does, on a loopback port of this process alone
 * (`exclusive`: in a cluster worker it is not shared through the primary). The app context is created lazily by the
 * first request; this starts the job loop, opens the database and warms the request path at once.
 */
async function warmUp(handler: Handler): Promise<void> {
  const probe = http.createServer(handler);
  await new Promise<void>((resolve) =>
    probe.listen({ port: 0, host: '127.0.0.1', exclusive: true }, resolve),
  );
  try {
    const { port } = probe.address() as net.AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { connection: 'close' } });
    await response.arrayBuffer();
  } catch {
    // A failing probe is no reason not to serve: the first real request creates the context as before.
  } finally {
    probe.closeAllConnections();
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  }
}

/** Starts serving and resolves once the port listens (in a cluster worker: once the primary shares its port). */
export async function serveApp(options: ServeOptions): Promise<ServedApp> {
  const handler = await loadHandler(options.entry);
  const inFlight = new Set<http.ServerResponse>();
  const connections = new Set<net.Socket>();
  let draining = false;

  const server = http.createServer((req, res) => {
    inFlight.add(res);
    // Idle keep-alive connections are not cut while draining (a client may be sending on one in that instant):
    // they close at the keep-alive timeout, as the Keep-Alive header announced.
    res.once('close', () => inFlight.delete(res));
    // While draining, every answer closes its connection: the client opens its next one to a running worker.
    if (draining) res.shouldKeepAlive = false;
    handler(req, res);
  });
  server.on('connection', (socket: net.Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  await warmUp(handler);

  let stopping: Promise<void> | null = null;
  const shutdown = () =>
    (stopping ??= (async () => {
      draining = true;
      console.log(
        `PID ${process.pid}: nimmt keine neuen Verbindungen an, ${inFlight.size} laufende Anfrage(n) werden beantwortet`,
      );
      // Answers not yet begun tell the client to close the connection afterwards.
      for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
      // net.Server's close, not http.Server's: the latter would also cut idle keep-alive connections at once, and a
      // client sending its next request on one of them in that instant would see a reset. Idle connections close
      // at the keep-alive timeout instead (clients drop theirs a little earlier, as the Keep-Alive header asks).
      const closed = new Promise<void>((resolve) => {
        (Object.getPrototypeOf(http.Server.prototype) as net.Server).close.call(server, () => resolve());
      });
      const drained = new Promise<void>((resolve) => {
        const check = () => {
          if (connections.size === 0) resolve();
        };
        for (const socket of connections) socket.once('close', check);
        check();
      });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), options.graceMs);
      });
      const outcome = await Promise.race([Promise.all([closed, drained]), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        console.error(
          `Beim Beenden: ${inFlight.size} Anfrage(n) nach ${options.graceMs / 1000} s noch offen – Verbindungen werden getrennt.`,
        );
        server.closeAllConnections();
        await closed;
      }
      await runShutdownHooks();
    })());
  return { server, shutdown };
}

/**
 * Serves until SIGTERM or SIGINT, then stops gracefully and exits with 0. In a cluster worker SIGHUP and SIGUSR2
 * are the primary's (a terminal hang-up reaches the whole process group); a single process says what to do instead.
 */
export async function serveUntilSignalled(options: ServeOptions & { worker: boolean }): Promise<ServedApp> {
  const served = await serveApp(options);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      void served.shutdown().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  for (const signal of ['SIGHUP', 'SIGUSR2'] as const) {
    process.on(signal, () => {
      if (!options.worker)
        console.log(
          `${signal} ignoriert: ein Neustart ohne Unterbrechung braucht mindestens zwei Worker (WEB_CONCURRENCY ≥ 2).`,
        );
    });
  }
  return served;
}
