import { createTransport, type Transporter } from 'nodemailer';
import type { Config } from '../config/config';
import type { Db } from '../db/create-db';
import { recordAuditUnclocked } from '../audit/audit.queries';
import { describeSendError, isConnectionError, redactLinkTokens, retryDelayMs } from './outbox';
import {
  claimMail,
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
 * sent: mails stay pending and the dev mailbox shows them.
 */
export async function deliverDueMails(
  db: Db,
  config: MailConfig,
  options: { now?: Date; transport?: Transporter; limit?: number } = {},
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  if (!options.transport && !config.smtpUrl) return report;
  const now = options.now ?? new Date();
  const ids = await listDueMailIds(db, now, options.limit ?? 50);
  if (ids.length === 0) return report;
  const transport = options.transport ?? createMailTransport(config.smtpUrl!);
  try {
    for (const id of ids) {
      const mail = await claimMail(db, id, now, new Date(now.getTime() + MAIL_CLAIM_MS));
      if (!mail) continue; // another worker has it
      let error: unknown = null;
      try {
        await transport.sendMail({
          from: config.mailFrom,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
        });
      } catch (caught) {
        error = caught ?? new Error('unknown');
      }
      if (error === null) {
        await markMailSent(db, id, now, redactLinkTokens(mail.text));
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

/** An admin puts a failed mail back in the queue; recorded in the audit log. False if the mail is not failed. */
export async function retryMailAsAdmin(
  db: Db,
  context: { actor: { id: string; organizationId: string }; requestId: string | null },
  id: string,
  now: Date = new Date(),
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await retryFailedMail(trx, id, now))) return false;
    await recordAuditUnclocked(trx, {
      actor: context.actor,
      action: 'mail.retry',
      objectType: 'outbox',
      objectId: id,
      requestId: context.requestId,
    });
    return true;
  });
}
