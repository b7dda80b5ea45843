/**
 * CLI: `npm run hsds:public -- --all | --organisation ID | --angebot ID [--aus]` — marks services as public for the
 * HSDS API without a key (HSDS_PUBLIC=1; docs/api.md), or with `--aus` takes the mark away. Default: nothing is public.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { migrateToLatest } from '../src/lib/db/migrator';
import { listServiceIdsOfOrganization } from '../src/lib/directory/service.queries';
import { setServicesPublic } from '../src/lib/hsds/hsds.queries';

const USAGE = 'Aufruf: npm run hsds:public -- --all | --organisation ID | --angebot ID [--aus]';

let args: { target: 'all' | { organisation: string } | { angebot: string }; on: boolean } | null = null;
try {
  const { values } = parseArgs({
    options: {
      all: { type: 'boolean', default: false },
      organisation: { type: 'string' },
      angebot: { type: 'string' },
      aus: { type: 'boolean', default: false },
    },
  });
  const on = !values.aus;
  if (values.all) args = { target: 'all', on };
  else if (values.organisation) args = { target: { organisation: values.organisation }, on };
  else if (values.angebot) args = { target: { angebot: values.angebot }, on };
} catch {
  args = null;
}

if (!args) {
  console.error(USAGE);
  process.exitCode = 2;
} else {
  const config = loadConfig();
  const db = createDb(config);
  try {
    await migrateToLatest(db);
    const target = args.target;
    const ids =
      target === 'all'
        ? 'all'
        : 'organisation' in target
          ? await listServiceIdsOfOrganization(db, target.organisation)
          : [target.angebot];
    const changed = await setServicesPublic(db, ids, args.on);
    console.log(`${changed} Angebote ${args.on ? 'öffentlich' : 'nicht mehr öffentlich'}.`);
  } finally {
    await db.destroy();
  }
}
