/**
 * CLI: `npm run audit:verify` — checks the audit log's hash chain (docs/decisions/0019-audit-hash-chain.md) and names
 * the first broken entry. Exit code 0: the chain holds; 1: it is broken (or the database cannot be read).
 * The head hash it prints is worth keeping off the machine (e.g. with the backup): a chain rewritten as a whole
 * verifies again, but no longer ends in that hash.
 */
import { loadConfig } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { verifyAuditChain } from '../src/lib/audit/audit.queries';

const config = loadConfig();
const db = createDb(config);
try {
  const verdict = await verifyAuditChain(db);
  if (verdict.ok) {
    console.log(
      `Protokoll unverändert: ${verdict.entries} Einträge geprüft, Kette bis Nr. ${verdict.headSeq} intakt.\n` +
        `Kopf-Hash: ${verdict.headHash}`,
    );
  } else {
    const where =
      verdict.entryId === null
        ? 'am Ende der Kette'
        : `bei Eintrag Nr. ${verdict.seq ?? '–'} (id ${verdict.entryId})`;
    console.error(
      `Protokoll verändert: Die Kette bricht ${where}.\n${verdict.reason}\n` +
        `${verdict.entries} Einträge davor sind intakt.`,
    );
    process.exitCode = 1;
  }
} catch (error) {
  console.error(
    `Das Protokoll konnte nicht geprüft werden: ${error instanceof Error ? error.message : 'unbekannt'}`,
  );
  process.exitCode = 1;
} finally {
  await db.destroy();
}
