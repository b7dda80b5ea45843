import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';

/**
 * The hash chain of the audit log (docs/decisions/0019-audit-hash-chain.md): each entry's hash covers its content,
 * its place and the previous entry's hash, so changing, inserting or removing an entry breaks every later link.
 */

/** The "previous hash" of the very first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The action of the entry that stands for removed older entries (retention). */
export const CHECKPOINT_ACTION = 'audit.checkpoint';

/** The hashed content of an entry: every column but the chain columns themselves. */
export interface ChainedContent {
  id: string;
  at: string;
  actor_user_id: string | null;
  actor_organization_id: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  consent_id: string | null;
  request_id: string | null;
}

/** An entry as verification reads it. */
export interface ChainedEntry extends ChainedContent {
  seq: number | null;
  prev_hash: string | null;
  hash: string | null;
}

/**
 * SHA-256 (hex) over the entry's place, the previous hash and its content, as a JSON array (unambiguous: no
 * separator can be forged inside a value). The migration that backfilled old entries holds a frozen copy.
 */
export function entryHash(entry: ChainedContent, seq: number, prevHash: string): string {
  const content = JSON.stringify([
    seq,
    prevHash,
    entry.id,
    entry.at,
    entry.actor_user_id ?? null,
    entry.actor_organization_id ?? null,
    entry.action,
    entry.object_type,
    entry.object_id ?? null,
    entry.consent_id ?? null,
    entry.request_id ?? null,
  ]);
  return encodeHexLowerCase(sha256(new TextEncoder().encode(content)));
}

/** The object id of a checkpoint entry: the place and hash of the last removed entry. */
export function checkpointObjectId(seq: number, hash: string): string {
  return `${seq}:${hash}`;
}

/** The outcome of a verification: the whole chain holds, or the first entry where it breaks and why (German). */
export type ChainVerdict =
  | { ok: true; entries: number; headSeq: number; headHash: string }
  | { ok: false; entries: number; entryId: string | null; seq: number | null; reason: string };

/**
 * Checks a chain read in `seq` order, page by page (`pages` yields the entries oldest first), against the stored
 * head. Stops at the first broken link. The oldest remaining entry must follow the genesis value or a checkpoint entry
 * that names exactly the removed range's last place and hash.
 */
export async function verifyChain(
  pages: AsyncIterable<ChainedEntry[]>,
  head: { seq: number; hash: string } | null,
): Promise<ChainVerdict> {
  let entries = 0;
  let previous: { seq: number; hash: string } | null = null;
  let first: ChainedEntry | null = null;
  const checkpoints = new Set<string>();
  const broken = (entry: ChainedEntry | null, reason: string): ChainVerdict => ({
    ok: false,
    entries,
    entryId: entry?.id ?? null,
    seq: entry?.seq ?? null,
    reason,
  });
  for await (const page of pages) {
    for (const entry of page) {
      if (entry.seq === null || entry.prev_hash === null || entry.hash === null)
        return broken(entry, 'Der Eintrag hat keinen Platz oder keinen Hash in der Kette.');
      if (previous === null) first = entry;
      else {
        if (entry.seq !== previous.seq + 1)
          return broken(entry, `Vor diesem Eintrag fehlen ${entry.seq - previous.seq - 1} Einträge.`);
        if (entry.prev_hash !== previous.hash)
          return broken(entry, 'Der gespeicherte Vorgänger-Hash passt nicht zum vorigen Eintrag.');
      }
      if (entryHash(entry, entry.seq, entry.prev_hash) !== entry.hash)
        return broken(entry, 'Der Inhalt des Eintrags passt nicht zu seinem Hash: Er wurde verändert.');
      if (entry.action === CHECKPOINT_ACTION && entry.object_id) checkpoints.add(entry.object_id);
      previous = { seq: entry.seq, hash: entry.hash };
      entries += 1;
    }
  }
  if (first) {
    const fromGenesis = first.seq === 1 && first.prev_hash === GENESIS_HASH;
    const fromCheckpoint = checkpoints.has(checkpointObjectId(first.seq! - 1, first.prev_hash!));
    if (!fromGenesis && !fromCheckpoint)
      return broken(
        first,
        'Vor dem ältesten Eintrag wurden Einträge ohne Prüfpunkt entfernt (oder er wurde verändert).',
      );
  }
  const last = previous ?? { seq: 0, hash: GENESIS_HASH };
  if (!head) return broken(null, 'Der Kettenkopf (audit_chain_head) fehlt.');
  if (head.seq !== last.seq || head.hash !== last.hash)
    return broken(
      null,
      head.seq > last.seq
        ? `Die neuesten ${head.seq - last.seq} Einträge fehlen (Kettenkopf: Nr. ${head.seq}).`
        : 'Der Kettenkopf passt nicht zum neuesten Eintrag.',
    );
  return { ok: true, entries, headSeq: last.seq, headHash: last.hash };
}
