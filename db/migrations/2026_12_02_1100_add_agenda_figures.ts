import type { Kysely } from 'kysely';

// Issue #13 item 6: a report figure attached to an agenda item (its choice as JSON) and, once the minutes are
// released, the figure itself frozen as JSON (table rows and chart after the "< 5" rule, period, time).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('network_agenda_item').addColumn('report_figure', 'text').execute();
  await db.schema.alterTable('network_agenda_item').addColumn('report_frozen', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('network_agenda_item').dropColumn('report_frozen').execute();
  await db.schema.alterTable('network_agenda_item').dropColumn('report_figure').execute();
}
