import type { ActionContext } from '../action/context';
import { recordAudit } from '../audit/audit.queries';
import { CASE_RETENTION_YEARS } from '../cases/case';
import type { Db } from '../db/create-db';
import { chunk } from '../db/chunk';
import type { Executor } from '../db/executor';
import { countSentMailBodies, pruneSentMailBodies } from '../notify/outbox.queries';
import { addYears } from '../time/time';
import {
  countCaseRows,
  deleteCaseRows,
  insertPrivacyRun,
  listCasesPastRetention,
  listCasesWithRowsNotDue,
  presentPersonalDataTables,
} from './privacy.queries';
import type { PersonalDataTable } from './personal-data';

/** What a retention run removed (or, in a dry run, would remove): ids of cases and counts, never names. */
export interface RetentionReport {
  dryRun: boolean;
  /** Rows whose retention date is before this instant are due. */
  cutoff: string;
  /** Internal ids of the cases that go (no case codes, no names). */
  caseIds: string[];
  /** Rows per table. */
  counts: Record<string, number>;
  /** Due cases kept because they are restricted (Art. 18 DSGVO). */
  keptRestricted: number;
  /** Sent mails whose text is (or would be) emptied. */
  outboxBodies: number;
}

/**
 * The instant before which a case's `delete_after` makes it due. `delete_after` is written as the last activity plus
 * CASE_RETENTION_YEARS (cases and referrals services); a configured period other than that moves the cutoff by the
 * difference, so changing RETENTION_CASE_YEARS applies to existing cases too, without rewriting their dates.
 */
export function retentionCutoff(now: Date, retentionCaseYears: number): string {
  return addYears(now.toISOString(), CASE_RETENTION_YEARS - retentionCaseYears);
}

/**
 * The retention job (DESIGN.md §5 rule 9): removes every case whose retention date and every row's own retention date
 * have passed — all of its personal-data tables from the registry (identity, plan, consents, referrals with their
 * timelines, messages and links) — and empties the text of mails sent longer ago than OUTBOX_BODY_RETENTION_DAYS.
 * Audit entries (ids only) and aggregate figures stay; each removed case leaves a content-free audit entry. A dry run
 * counts the same and deletes nothing. Every run is recorded with its counts.
 */
export async function runRetention(
  db: Db,
  ctx: ActionContext,
  options: { dryRun: boolean },
): Promise<RetentionReport> {
  const cutoff = retentionCutoff(ctx.now, ctx.config.retentionCaseYears);
  const entries = await presentPersonalDataTables(db);
  const past = await listCasesPastRetention(db, cutoff);
  const caseIds = await keepDue(db, entries, past.caseIds, cutoff);
  const mailCutoff = new Date(ctx.now.getTime() - ctx.config.outboxBodyRetentionDays * 86_400_000);

  let counts: Record<string, number>;
  let outboxBodies: number;
  let removed = caseIds;
  if (options.dryRun) {
    counts = await countCaseRows(db, entries, caseIds);
    outboxBodies = await countSentMailBodies(db, mailCutoff);
  } else {
    counts = Object.fromEntries(entries.map((entry) => [entry.table, 0]));
    removed = [];
    // One transaction per batch of cases: a case goes completely or not at all.
    for (const ids of chunk(caseIds, 100)) {
      await db.transaction().execute(async (trx) => {
        // Asked again inside the transaction: a case that saw activity (or a restriction) meanwhile stays.
        const due = await keepDue(
          trx,
          entries,
          (await listCasesPastRetention(trx, cutoff, ids)).caseIds,
          cutoff,
        );
        const deleted = await deleteCaseRows(trx, entries, due);
        for (const [table, n] of Object.entries(deleted)) counts[table] = (counts[table] ?? 0) + n;
        removed.push(...due);
        for (const id of due) {
          await recordAudit(trx, ctx, { action: 'case.retention_delete', objectType: 'case', objectId: id });
        }
      });
    }
    outboxBodies = await pruneSentMailBodies(db, mailCutoff);
  }
  await insertPrivacyRun(db, {
    at: ctx.now.toISOString(),
    kind: 'retention',
    dryRun: options.dryRun,
    counts: { ...counts, outbox_body: outboxBodies, kept_restricted: past.restricted },
  });
  return {
    dryRun: options.dryRun,
    cutoff,
    caseIds: removed,
    counts,
    keptRestricted: past.restricted,
    outboxBodies,
  };
}

/** Of cases past their own date, those none of whose registered rows has a later date of its own. */
async function keepDue(
  db: Executor,
  entries: readonly PersonalDataTable[],
  caseIds: readonly string[],
  cutoff: string,
): Promise<string[]> {
  const notDue = new Set<string>();
  for (const entry of entries) {
    for (const id of await listCasesWithRowsNotDue(db, entry, caseIds, cutoff)) notDue.add(id);
  }
  return caseIds.filter((id) => !notDue.has(id));
}

/** The one-line summary of a run for the jobs runner and the CLI (counts only). */
export function retentionSummary(report: RetentionReport): string {
  const rows = Object.values(report.counts).reduce((sum, n) => sum + n, 0);
  const verb = report.dryRun ? 'würden gelöscht' : 'gelöscht';
  return (
    `${report.caseIds.length} Fälle ${verb} (${rows} Zeilen), ` +
    `${report.outboxBodies} Mail-Texte ${report.dryRun ? 'würden geleert' : 'geleert'}, ` +
    `${report.keptRestricted} eingeschränkte Fälle behalten`
  );
}
