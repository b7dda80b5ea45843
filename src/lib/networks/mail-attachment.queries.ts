import { newId } from '../db/ids';
import type { Executor } from '../db/executor';

/**
 * Files that go with an outbox mail (an invitation's .ics). Written in the transaction that enqueues the mail;
 * the mail worker reads them by outbox id when it delivers.
 * TODO: move to src/lib/notify once the outbox worker attaches them (this table belongs to the outbox).
 */
export async function insertOutboxAttachment(
  db: Executor,
  outboxId: string,
  file: { filename: string; contentType: string; content: string },
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
export async function listOutboxAttachments(
  db: Executor,
  outboxId: string,
): Promise<{ filename: string; contentType: string; content: string }[]> {
  const rows = await db
    .selectFrom('outbox_attachment')
    .select(['filename', 'content_type', 'content'])
    .where('outbox_id', '=', outboxId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ filename: r.filename, contentType: r.content_type, content: r.content }));
}
