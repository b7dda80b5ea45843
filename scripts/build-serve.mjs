/**
 * Part of `npm run build` (after `astro build`): bundles the serving process's program (src/lib/http/worker-main.ts)
 * into plain JavaScript at dist/serve/worker.mjs, so `npm start`'s workers run without a TypeScript loader
 * (decision 0025). Packages stay imports from node_modules; only the project's own modules are bundled.
 */
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
await build({
  absWorkingDir: root,
  entryPoints: ['src/lib/http/worker-main.ts'],
  outfile: 'dist/serve/worker.mjs',
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  logLevel: 'warning',
});
