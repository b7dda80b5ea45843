/**
 * The program every serving process of `npm start` runs (decision 0025, addendum of 2026-12-01). The build bundles
 * it into plain JavaScript (`dist/serve/worker.mjs`, scripts/build-serve.mjs), and the primary forks it without
 * the TypeScript loader the primary itself runs under: with tsx's hooks in the process, every request paid for a
 * round trip to the loader's thread (Astro imports the page module per request), about 0.3 ms of CPU per request,
 * half of what `/healthz` costs without them.
 * @module
 */
import path from 'node:path';
import { loadConfig } from '../config/config';
import { serveUntilSignalled } from './serve';

const config = loadConfig();
await serveUntilSignalled({
  // dist/serve/worker.mjs → dist/server/entry.mjs
  entry: path.resolve(import.meta.dirname, '../server/entry.mjs'),
  host: config.host,
  port: config.port,
  graceMs: config.shutdownGraceMs,
  worker: true,
});
