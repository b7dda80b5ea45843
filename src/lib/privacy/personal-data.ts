/**
 * The one list of tables that hold personal data of a young person, per case (docs/decisions/0020). Erasure
 * (Art. 17), the retention job and the access export (Art. 15) all read this list and nothing else, so a table added
 * later is covered by adding ONE entry here. The test "an erased case leaves no personal field anywhere" scans every
 * text column of every table in the database's catalogue, so a table that is forgotten here fails it.
 *
 * Not listed, on purpose: `audit_log` (ids only, never content; a case's entries stay as the content-free record of
 * who read or changed it), aggregate tables without personal data (the network report's facts), and the directory
 * (organisations, services, staff contacts — not data about young people).
 */

/**
 * How rows of a table belong to a case: `column` holds the case id; or `column` holds the id of a row of `through`
 * (another entry, itself keyed directly by the case id), e.g. a referral's timeline by `referral_id`.
 */
export type CaseKey = { column: string } | { column: string; through: string; throughId: string };

/** One table with personal data of a case. */
export interface PersonalDataTable {
  /** SQL name. */
  table: string;
  /** German: what the table holds (access export, dry run, docs). */
  label: string;
  key: CaseKey;
  /**
   * The row's own retention date (ISO text), if it has one: a case is due for the retention job only when its own
   * date and every such date of its rows are past, so the job never removes a row before its time.
   */
  dueColumn?: string;
  /**
   * Columns never shown in the access export (hashes of link tokens: not data about the person, and a live
   * credential while unexpired).
   */
  secretColumns?: string[];
  /** The table may not exist yet (added by another module); it is skipped while absent from the catalogue. */
  optional?: boolean;
  /** Shown in the access export's own section (case, identity, plan, consents, referrals, timeline). */
  exportedBySection?: boolean;
}

/**
 * Every personal-data table of a case, children before parents: erasure deletes in this order (no foreign key is
 * left pointing at a deleted row), the access export reads in it. Extend here; nowhere else.
 */
export const PERSONAL_DATA_TABLES: readonly PersonalDataTable[] = [
  {
    // Messages between caseworker and partner on a referral (added by the referral message thread).
    table: 'referral_message',
    label: 'Nachrichten zu Vermittlungen',
    key: { column: 'referral_id', through: 'referral', throughId: 'id' },
    optional: true,
  },
  {
    table: 'referral_event',
    label: 'Verlauf der Vermittlungen (mit Gründen und Notizen der Einrichtungen)',
    key: { column: 'referral_id', through: 'referral', throughId: 'id' },
    exportedBySection: true,
  },
  {
    table: 'referral_link',
    label: 'Einmal-Links für Einrichtungen ohne Konto',
    key: { column: 'referral_id', through: 'referral', throughId: 'id' },
    secretColumns: ['access_hash'],
  },
  {
    table: 'referral',
    label: 'Vermittlungen (Anlass, Nachricht an die Einrichtung, Rückmeldungen, Termine)',
    key: { column: 'case_id' },
    dueColumn: 'delete_after',
    secretColumns: ['submission_key'],
    exportedBySection: true,
  },
  {
    table: 'consent',
    label: 'Einwilligungen (Schweigepflichtentbindungen)',
    key: { column: 'case_id' },
    dueColumn: 'delete_after',
    exportedBySection: true,
  },
  {
    table: 'plan_step',
    label: 'Förderplan',
    key: { column: 'case_id' },
    dueColumn: 'delete_after',
    exportedBySection: true,
  },
  {
    table: 'case_identity',
    label: 'Angaben zur Person',
    key: { column: 'case_id' },
    dueColumn: 'delete_after',
    exportedBySection: true,
  },
  {
    table: 'case_file',
    label: 'Fall (Fallnummer, Dienststelle, zuständige Fachkraft)',
    key: { column: 'id' },
    dueColumn: 'delete_after',
    exportedBySection: true,
  },
];

/** The entry of a table, or undefined. */
export function personalDataTable(table: string): PersonalDataTable | undefined {
  return PERSONAL_DATA_TABLES.find((entry) => entry.table === table);
}
