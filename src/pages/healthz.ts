import type { APIRoute } from 'astro';
import { dialectOf } from '../lib/db/create-db';
import { pingDatabase } from '../lib/db/health.queries';

/** Liveness and readiness: answers 200 when the database responds, 503 otherwise; no personal data. */
export const GET: APIRoute = async ({ locals }) => {
  const { db, config } = locals.app;
  const body = { status: 'ok', version: config.version, database: dialectOf(config.databaseUrl) };
  try {
    await pingDatabase(db);
    return Response.json(body);
  } catch {
    return Response.json({ ...body, status: 'database_unavailable' }, { status: 503 });
  }
};
