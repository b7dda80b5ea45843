import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database';

/** What every query function takes first: the database or an open transaction (the caller opens it). */
export type Executor = Kysely<Database> | Transaction<Database>;
