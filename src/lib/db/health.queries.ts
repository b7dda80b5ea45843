import { sql } from 'kysely';
import type { Executor } from './executor';

/** Asks the database for the smallest possible answer; throws when it does not respond (the health check). */
export async function pingDatabase(db: Executor): Promise<void> {
  await sql`select 1`.execute(db);
}
