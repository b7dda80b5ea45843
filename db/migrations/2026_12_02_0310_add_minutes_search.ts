import type { Kysely } from 'kysely';

// Working groups: "find it again" (issue #12, item 7). Each minutes entry keeps a folded copy of its agenda item's
// title, notes and decisions (lower case, ä = ae = a, ß = ss — the directory search's folding), so one portable
// LIKE finds "Strasse" in "Straße" on SQLite and PostgreSQL alike. The app writes it with every save; this
// migration fills it for entries written before.

/** The directory search's German folding (src/lib/i18n/fold.ts), copied: migrations never import from src/. */
function fold(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/ae/g, 'a')
    .replace(/oe/g, 'o')
    .replace(/ue/g, 'u');
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('network_minutes_entry')
    .addColumn('search_text', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  const rows = await db
    .selectFrom('network_minutes_entry as e')
    .leftJoin('network_agenda_item as a', 'a.id', 'e.agenda_item_id')
    .select(['e.id', 'e.notes', 'e.decisions', 'a.title'])
    .execute();
  for (const row of rows as {
    id: string;
    notes: string | null;
    decisions: string | null;
    title: string | null;
  }[]) {
    const text = fold([row.title, row.notes, row.decisions].filter(Boolean).join('\n'));
    await db
      .updateTable('network_minutes_entry')
      .set({ search_text: text })
      .where('id', '=', row.id)
      .execute();
  }
  // Released minutes by meeting: the search joins entries → minutes → meetings of the visible groups.
  await db.schema
    .createIndex('network_minutes_status_idx')
    .on('network_minutes')
    .columns(['status', 'meeting_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('network_minutes_status_idx').execute();
  await db.schema.alterTable('network_minutes_entry').dropColumn('search_text').execute();
}
