/** Status of a mail in the outbox. */
export type MailStatus = 'pending' | 'sent' | 'failed';

/** German names of the statuses for the UI. */
export const MAIL_STATUS_LABELS: Record<MailStatus, string> = {
  pending: 'wartet',
  sent: 'gesendet',
  failed: 'fehlgeschlagen',
};

/** What a caller hands to the outbox: never personal data of a young person, only links and neutral text. */
export interface MailDraft {
  /** What the mail is about, for the admin view and statistics (e.g. 'referral.new', 'referral.reminder'). */
  kind: string;
  to: string;
  subject: string;
  text: string;
  /** Where replies go (e.g. the caseworker behind a referral); unset: to MAIL_FROM. */
  replyTo?: string | null;
}

/** A file sent with a mail: an invitation's .ics (content type `text/calendar; method=REQUEST`). */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/**
 * How nodemailer sends an attachment. A calendar file becomes nodemailer's `icalEvent` (a text/calendar
 * alternative with its METHOD, which mail clients show as an invitation with accept / decline); only the
 * first one can be that, so further files go as plain attachments with their content type.
 */
export function toNodemailerParts(attachments: MailAttachment[]): {
  icalEvent?: { filename: string; method: string; content: string };
  attachments: { filename: string; contentType: string; content: string }[];
} {
  const calendarIndex = attachments.findIndex((a) => /^text\/calendar\b/i.test(a.contentType));
  const calendar = calendarIndex >= 0 ? attachments[calendarIndex]! : null;
  const method = calendar ? (/;\s*method=([A-Za-z-]+)/i.exec(calendar.contentType)?.[1] ?? 'PUBLISH') : null;
  return {
    ...(calendar && method
      ? {
          icalEvent: { filename: calendar.filename, method: method.toUpperCase(), content: calendar.content },
        }
      : {}),
    attachments: attachments
      .filter((_, i) => i !== calendarIndex)
      .map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
  };
}

/** A mail as the outbox holds it. */
export interface OutboxMail {
  id: string;
  createdAt: string;
  kind: string;
  to: string;
  subject: string;
  text: string;
  replyTo: string | null;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  sentAt: string | null;
}

/** A mail without its body, for lists that must not show content (the admin's failed mails). */
export type OutboxMailSummary = Omit<OutboxMail, 'text' | 'replyTo'>;

/** The longest wait between two attempts of one mail. */
export const MAX_RETRY_DELAY_MS = 6 * 60 * 60_000;

/** Wait before the next attempt after `attempts` failed ones: base, 2 × base, 4 × base … at most 6 hours. */
export function retryDelayMs(attempts: number, baseSeconds: number): number {
  // Capping the exponent first keeps 2 ** n finite however many attempts were configured.
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(baseSeconds * 1000 * 2 ** exponent, MAX_RETRY_DELAY_MS);
}

/** What replaces a single-use token in a delivered mail's stored body. */
export const REDACTED = '[entfernt]';

// Single-use tokens (auth/token.ts) are 32 base32 characters and stand as a whole path segment of a link,
// e.g. /link/<token> or /passwort-setzen/<token>. Ids (newId) are 16 characters, so they are never matched.
const LINK_TOKEN = /(?<=\/)[a-z2-7]{32}(?![A-Za-z0-9])/g;

/** Removes single-use link tokens from a mail body, so a delivered mail leaves no usable link in the outbox. */
export function redactLinkTokens(text: string): string {
  return text.replace(LINK_TOKEN, REDACTED);
}

/**
 * A short, content-free description of a send error: nodemailer's code (ECONNECTION, EAUTH, EENVELOPE …)
 * and the SMTP reply code, or the error class. Never the message: replies echo recipient addresses.
 */
export function describeSendError(error: unknown): string {
  if (!(error instanceof Error)) return 'Unbekannt';
  const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
  const parts = [
    typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? code : error.name.slice(0, 40),
    typeof responseCode === 'number' ? String(responseCode) : null,
  ];
  return parts.filter(Boolean).join(' ');
}

/** Whether a send error means the mail server is unreachable (then the rest of a batch would fail the same way). */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS'].includes(code);
}
