import type { Executor } from '../db/executor';

/** Coordinates of a postcode and where they come from. */
export interface PostcodeCentroid {
  postcode: string;
  place: string | null;
  latitude: number;
  longitude: number;
  /** 'geonames' (loaded file), 'sample' (shipped with the sample region) or 'directory' (mean of our locations). */
  source: string;
}

/** Inserts or replaces postcode centroids in batches; returns how many were written. */
export async function upsertPostcodeCentroids(
  db: Executor,
  rows: { postcode: string; place: string | null; latitude: number; longitude: number }[],
  source: string,
): Promise<number> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('postcode_centroid')
      .values(rows.slice(i, i + 500).map((row) => ({ ...row, source })))
      .onConflict((oc) =>
        oc.column('postcode').doUpdateSet((eb) => ({
          place: eb.ref('excluded.place'),
          latitude: eb.ref('excluded.latitude'),
          longitude: eb.ref('excluded.longitude'),
          source: eb.ref('excluded.source'),
        })),
      )
      .execute();
  }
  return rows.length;
}

/**
 * The coordinates of a postcode: a loaded centroid if there is one, otherwise the mean of the directory's own
 * locations in that postcode; null when the postcode is unknown (the page says so).
 */
export async function findPostcodeCentroid(db: Executor, postcode: string): Promise<PostcodeCentroid | null> {
  const row = await db
    .selectFrom('postcode_centroid')
    .selectAll()
    .where('postcode', '=', postcode)
    .executeTakeFirst();
  if (row) return { ...row, latitude: Number(row.latitude), longitude: Number(row.longitude) };
  const mean = await db
    .selectFrom('location')
    .select((eb) => [
      eb.fn.avg<number>('latitude').as('latitude'),
      eb.fn.avg<number>('longitude').as('longitude'),
      eb.fn.max('city').as('city'),
    ])
    .where('postcode', '=', postcode)
    .where('latitude', 'is not', null)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  if (!mean || mean.latitude === null || mean.longitude === null) return null;
  return {
    postcode,
    place: mean.city ?? null,
    latitude: Number(mean.latitude),
    longitude: Number(mean.longitude),
    source: 'directory',
  };
}

/** How many centroids there are per source (for the admin's overview). */
export async function countPostcodeCentroids(db: Executor): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('postcode_centroid')
    .select(['source', (eb) => eb.fn.countAll().as('n')])
    .groupBy('source')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.source, Number(r.n)]));
}
