import { createTransport, type Transporter } from 'nodemailer';
import { z } from 'zod';
import type { ActionContext } from '../action/context';
import { userOf } from '../action/context';
import { conflict, notFound, ok, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { can } from '../auth/policy';
import type { Config } from '../config/config';
import type { Db } from '../db/create-db';
import {
  describeSendError,
  isConnectionError,
  redactLinkTokens,
  retryDelayMs,
  toNodemailerParts,
} from './outbox';
import {
  claimMail,
  deleteOutboxAttachments,
  findMailById,
  listOutboxAttachments,
  listDueMailIds,
  markMailAttemptFailed,
  markMailSent,
  retryFailedMail,
} from './outbox.queries';

/** The part of the config the mail worker reads. */
export type MailConfig = Pick<Config, 'smtpUrl' | 'mailFrom' | 'mailMaxAttempts' | 'mailRetryBaseSeconds'>;

/** What one delivery run did. */
export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
}

/**
 * How long a worker holds a claimed mail. Longer than one send can take with the timeouts below, so a mail is
 * only claimed again when its worker died mid-send (then it may go out twice: delivery is at least once).
 */
export const MAIL_CLAIM_MS = 10 * 60_000;

// nodemailer waits up to 2 minutes to connect and 10 minutes on an idle socket by default; shorter limits keep a
// run inside its job lease. SMTP_URL may set its own (e.g. ?connectionTimeout=30000).
const SMTP_TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 };

/** A nodemailer transport for SMTP_URL with our timeouts unless the URL sets its own. */
export function createMailTransport(smtpUrl: string): Transporter {
  const url = new URL(smtpUrl);
  for (const [key, value] of Object.entries(SMTP_TIMEOUTS)) {
    if (!url.searchParams.has(key)) url.searchParams.set(key, String(value));
  }
  return createTransport(url.toString());
}

/**
 * Sends the due mails of the outbox: claims each atomically, sends it through SMTP, marks it sent (and redacts
 * link tokens from the stored body) or schedules the next attempt with exponential backoff; after
 * `mailMaxAttempts` the mail is failed and waits for an admin. Without SMTP_URL (and no transport) nothing is
 * sent: mails stay pending and the dev mailbox shows them. Stored attachments (an invitation's .ics) go with the
 * mail and are deleted with the body once it is sent.
 */
export async function deliverDueMails(
  db: Db,
  config: MailConfig,
  options: { now: Date; transport?: Transporter; limit?: number },
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  if (!options.transport && !config.smtpUrl) return report;
  const { now } = options;
  const ids = await listDueMailIds(db, now, options.limit ?? 50);
  if (ids.length === 0) return report;
  const transport = options.transport ?? createMailTransport(config.smtpUrl!);
  try {
    for (const id of ids) {
      const mail = await claimMail(db, id, now, new Date(now.getTime() + MAIL_CLAIM_MS));
      if (!mail) continue; // another worker has it
      let error: unknown = null;
      try {
        const parts = toNodemailerParts(await listOutboxAttachments(db, id));
        await transport.sendMail({
          from: config.mailFrom,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
          ...(parts.icalEvent ? { icalEvent: parts.icalEvent } : {}),
          ...(parts.attachments.length > 0 ? { attachments: parts.attachments } : {}),
        });
      } catch (caught) {
        error = caught ?? new Error('unknown');
      }
      if (error === null) {
        await db.transaction().execute(async (trx) => {
          await markMailSent(trx, id, now, redactLinkTokens(mail.text));
          await deleteOutboxAttachments(trx, id);
        });
        report.sent++;
        continue;
      }
      const attempts = mail.attempts + 1;
      const failed = attempts >= config.mailMaxAttempts;
      await markMailAttemptFailed(db, id, {
        attempts,
        error: describeSendError(error),
        nextAttemptAt: failed
          ? now
          : new Date(now.getTime() + retryDelayMs(attempts, config.mailRetryBaseSeconds)),
        failed,
      });
      if (failed) report.failed++;
      else report.retried++;
      // The server is unreachable: the other mails would only burn an attempt each; they go next run.
      if (isConnectionError(error)) break;
    }
  } finally {
    if (!options.transport) transport.close();
  }
  return report;
}

/** The admin's "Erneut versuchen" form: which failed mail to queue again. */
export const RetryMailSchema = z.object({
  id: z
    .string({ message: 'Das Formular ist unvollständig. Bitte laden Sie die Seite neu.' })
    .min(1, { message: 'Das Formular ist unvollständig. Bitte laden Sie die Seite neu.' })
    .max(64, { message: 'Das Formular ist unvollständig. Bitte laden Sie die Seite neu.' }),
});
export type RetryMailInput = z.output<typeof RetryMailSchema>;

/** What the admin sees when the mail is no longer failed. */
export const RETRY_NOT_FAILED =
  'Diese Mail ist nicht (mehr) fehlgeschlagen – sie wartet schon auf den nächsten Versuch oder wurde zugestellt. Es wurde nichts geändert.';

/**
 * An admin puts a failed mail back in the queue with a fresh count of attempts, due at `ctx.now`; recorded in the
 * audit log in the same transaction. Not found for anyone who may not manage mail, and for unknown ids; a conflict
 * when the mail is not failed (any more): someone retried it first, or it was delivered.
 */
export async function retryMail(
  db: Db,
  ctx: ActionContext,
  input: RetryMailInput,
): Promise<Result<{ id: string }>> {
  if (!can(userOf(ctx), 'mail.manage', { type: 'outbox' })) return notFound();
  return db.transaction().execute(async (trx) => {
    if (!(await retryFailedMail(trx, input.id, ctx.now))) {
      return (await findMailById(trx, input.id)) ? conflict(RETRY_NOT_FAILED) : notFound();
    }
    await recordAudit(trx, ctx, { action: 'mail.retry', objectType: 'outbox', objectId: input.id });
    return ok({ id: input.id });
  });
}
