import type { Executor } from '../db/executor';
import { newId, nowIso } from '../db/ids';
import type { MailAttachment, MailDraft, MailStatus, OutboxMail, OutboxMailSummary } from './outbox';
import type { OutboxRow } from './outbox.table';

/** Maps an outbox row to the domain object. */
export function rowToOutboxMail(row: OutboxRow): OutboxMail {
  return {
    id: row.id,
    createdAt: row.created_at,
    kind: row.kind,
    to: row.to_address,
    subject: row.subject,
    text: row.body_text,
    replyTo: row.reply_to ?? null,
    status: row.status as MailStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    sentAt: row.sent_at,
  };
}

/**
 * Puts a mail into the outbox, due at `now` (the change's `ctx.now`). Pass the open transaction of the change the
 * mail announces, so both commit or roll back together. The mail must carry no personal data of a young person (DESIGN.md §5): callers
 * write neutral text and a link; the outbox itself does not check the content.
 */
export async function enqueueMail(db: Executor, mail: MailDraft, now: Date): Promise<string> {
  const id = newId();
  await db
    .insertInto('outbox')
    .values({
      id,
      created_at: nowIso(now),
      kind: mail.kind,
      to_address: mail.to,
      subject: mail.subject,
      body_text: mail.text,
      status: 'pending',
      attempts: 0,
      next_attempt_at: nowIso(now),
      locked_until: null,
      last_error: null,
      sent_at: null,
      reply_to: mail.replyTo ?? null,
    })
    .execute();
  return id;
}

/** Finds a mail by id. */
export async function findMailById(db: Executor, id: string): Promise<OutboxMail | null> {
  const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToOutboxMail(row) : null;
}

/** Ids of pending mails that are due and not claimed by a worker, oldest due first. */
export async function listDueMailIds(db: Executor, now: Date, limit: number): Promise<string[]> {
  const at = nowIso(now);
  const rows = await db
    .selectFrom('outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', at)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/**
 * Claims a due mail for one worker until `lockedUntil`. The conditional UPDATE succeeds for exactly one of several
 * workers racing for the same row (the loser's WHERE no longer matches), so no mail is sent twice at once.
 */
export async function claimMail(
  db: Executor,
  id: string,
  now: Date,
  lockedUntil: Date,
): Promise<OutboxMail | null> {
  const at = nowIso(now);
  const result = await db
    .updateTable('outbox')
    .set({ locked_until: nowIso(lockedUntil) })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', at)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]))
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return null;
  return findMailById(db, id);
}

/**
 * A file that goes with an outbox mail (an invitation's .ics). Written in the transaction that enqueues the mail;
 * the mail worker attaches it on delivery and deletes it with the body.
 */
export async function insertOutboxAttachment(
  db: Executor,
  outboxId: string,
  file: MailAttachment,
): Promise<void> {
  await db
    .insertInto('outbox_attachment')
    .values({
      id: newId(),
      outbox_id: outboxId,
      filename: file.filename,
      content_type: file.contentType,
      content: file.content,
    })
    .execute();
}

/** The attachments of an outbox mail, in the order they were added. */
export async function listOutboxAttachments(db: Executor, outboxId: string): Promise<MailAttachment[]> {
  const rows = await db
    .selectFrom('outbox_attachment')
    .select(['filename', 'content_type', 'content'])
    .where('outbox_id', '=', outboxId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ filename: r.filename, contentType: r.content_type, content: r.content }));
}

/** Deletes the attachments of a delivered mail: like its link tokens, they name people and are not needed again. */
export async function deleteOutboxAttachments(db: Executor, outboxId: string): Promise<void> {
  await db.deleteFrom('outbox_attachment').where('outbox_id', '=', outboxId).execute();
}

/** Marks a claimed mail as delivered and keeps only its redacted body. */
export async function markMailSent(db: Executor, id: string, now: Date, redactedText: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: 'sent',
      sent_at: nowIso(now),
      locked_until: null,
      body_text: redactedText,
      last_error: null,
    })
    .where('id', '=', id)
    .execute();
}

/** Records a failed attempt: the count, a short error code, and when to try next (or that it failed for good). */
export async function markMailAttemptFailed(
  db: Executor,
  id: string,
  outcome: { attempts: number; error: string; nextAttemptAt: Date; failed: boolean },
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: outcome.failed ? 'failed' : 'pending',
      attempts: outcome.attempts,
      last_error: outcome.error.slice(0, 100),
      next_attempt_at: nowIso(outcome.nextAttemptAt),
      locked_until: null,
    })
    .where('id', '=', id)
    .execute();
}

/** Failed mails for the admin, newest first — without their body. */
export async function listFailedMails(db: Executor, limit = 200): Promise<OutboxMailSummary[]> {
  const rows = await db
    .selectFrom('outbox')
    .select([
      'id',
      'created_at',
      'kind',
      'to_address',
      'subject',
      'status',
      'attempts',
      'next_attempt_at',
      'last_error',
      'sent_at',
    ])
    .where('status', '=', 'failed')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.created_at,
    kind: row.kind,
    to: row.to_address,
    subject: row.subject,
    status: row.status as MailStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    sentAt: row.sent_at,
  }));
}

/** How many mails wait for delivery. */
export async function countPendingMails(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Puts a failed mail back in the queue with a fresh count of attempts; false if it is not failed (any more). */
export async function retryFailedMail(db: Executor, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: nowIso(now), locked_until: null })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The most recent mails of every status, newest first (the development mailbox). */
export async function listRecentMails(db: Executor, limit = 100): Promise<OutboxMail[]> {
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(rowToOutboxMail);
}

/** Whether the outbox table exists (false before `npm run db:migrate`). */
export async function hasOutboxTable(db: Executor): Promise<boolean> {
  try {
    await db.selectFrom('outbox').select('id').limit(1).execute();
    return true;
  } catch {
    return false;
  }
}

/** How many sent mails, sent before `sentBefore`, still keep their text (the retention job's dry run). */
export async function countSentMailBodies(db: Executor, sentBefore: Date): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'sent')
    .where('sent_at', '<', nowIso(sentBefore))
    .where('body_text', '<>', '')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Empties the text of mails sent before `sentBefore` (retention); address, subject and times stay. Rows changed. */
export async function pruneSentMailBodies(db: Executor, sentBefore: Date): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ body_text: '' })
    .where('status', '=', 'sent')
    .where('sent_at', '<', nowIso(sentBefore))
    .where('body_text', '<>', '')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
