import { Migrator, type MigrationResultSet } from 'kysely';
import { migrations } from '../../../db/migrations/index';
import type { Db } from './create-db';

/** A Kysely migrator over the statically listed migrations in db/migrations. */
export function createMigrator(db: Db): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/** Runs every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const result = await createMigrator(db).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unbekannt';
    throw new Error(`Migration ${failed} ist fehlgeschlagen: ${String(result.error)}`);
  }
  return result;
}
