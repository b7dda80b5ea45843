import type { Kysely } from 'kysely';

// Every counted "near" search looks up the district of the nearest directory location (search demand, decision
// 0016) in a box around its centre; without an index that read every location (about 0.4 ms per search at 10,000
// services, decision 0028). The index holds latitude, longitude and district, so the box is answered from it alone.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('location_coordinates_idx')
    .on('location')
    .columns(['latitude', 'longitude', 'district'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('location_coordinates_idx').execute();
}
