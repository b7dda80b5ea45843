import type { Insertable, Selectable } from 'kysely';

/** outbox: a mail to deliver, written in the transaction of the change it announces; no personal data. */
export interface OutboxTable {
  id: string;
  created_at: string;
  kind: string;
  to_address: string;
  subject: string;
  body_text: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  last_error: string | null;
  sent_at: string | null;
  /** Where a reply goes (the caseworker behind a referral mail); null: replies go to MAIL_FROM. */
  reply_to: string | null;
}

export type OutboxRow = Selectable<OutboxTable>;
export type NewOutboxRow = Insertable<OutboxTable>;

/** outbox_attachment: a file delivered with an outbox mail (an invitation's .ics); deleted once the mail is sent. */
export interface OutboxAttachmentTable {
  id: string;
  outbox_id: string;
  filename: string;
  content_type: string;
  content: string;
}
