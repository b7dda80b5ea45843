import { userOf, type ActionContext } from '../action/context';
import { notFound, ok, type Result } from '../action/result';
import { recordAudit, type AuditEntry } from '../audit/audit.queries';
import { findUserById } from '../auth/auth.queries';
import { can } from '../auth/policy';
import type { CaseIdentity, Consent, PlanStep } from '../cases/case';
import { findCase, rowToConsent, rowToIdentity, rowToPlanStep } from '../cases/case.queries';
import type { CaseIdentityRow, ConsentRow, PlanStepRow } from '../cases/case.table';
import type { Db } from '../db/create-db';
import { findOrganization } from '../directory/organization.queries';
import { findService } from '../directory/service.queries';
import type { Referral, ReferralEvent } from '../referrals/referral';
import { rowToEvent, rowToReferral } from '../referrals/referral.queries';
import type { ReferralEventRow, ReferralRow } from '../referrals/referral.table';
import {
  listAuditEntriesOfCase,
  listCaseRows,
  presentPersonalDataTables,
  type AnyRow,
} from './privacy.queries';

/** One referral in the access export, with names resolved and its whole timeline. */
export interface AccessReferral extends Omit<Referral, 'version'> {
  recipientOrganization: string;
  service: string;
  sender: string;
  events: (ReferralEvent & { actor: string })[];
}

/** Everything the product holds about the young person of one case (Art. 15 DSGVO), as data. */
export interface AccessExport {
  generatedAt: string;
  case: {
    id: string;
    code: string;
    office: string;
    owner: string;
    createdAt: string;
    updatedAt: string;
    closedAt: string | null;
    restrictedAt: string | null;
    /** The earliest date the retention job may remove the case (later with any new activity). */
    retainedUntil: string | null;
  };
  identity: CaseIdentity | null;
  planSteps: Omit<PlanStep, 'version'>[];
  consents: (Consent & { recipientOrganization: string; obtainedBy: string })[];
  referrals: AccessReferral[];
  /** Rows of further registered tables (e.g. messages on referrals), column → value, secrets left out. */
  otherRecords: { table: string; label: string; rows: AnyRow[] }[];
  /** Who read or changed the case, its referrals and consents, oldest first (the audit log: ids, no content). */
  accessLog: (AuditEntry & { actor: string; organization: string })[];
}

const withoutVersion = <T extends { version: number }>({ version: _version, ...rest }: T) => rest;

/**
 * The access export of one case for a caseworker of its office; anyone else gets "not found". Creating it is audited
 * (`case.access_export`) before it is read, so the export lists its own creation. Restricted cases are included:
 * a restriction keeps the data readable to the office.
 */
export async function buildAccessExport(
  db: Db,
  ctx: ActionContext,
  input: { caseId: string },
): Promise<Result<AccessExport>> {
  const user = userOf(ctx);
  const caseFile = user ? await findCase(db, input.caseId) : null;
  if (!caseFile || !can(user, 'case.read', { type: 'case', officeId: caseFile.officeId })) return notFound();
  await recordAudit(db, ctx, { action: 'case.access_export', objectType: 'case', objectId: caseFile.id });

  const entries = await presentPersonalDataTables(db);
  const rowsOf = async (table: string) => {
    const entry = entries.find((e) => e.table === table);
    return entry ? listCaseRows(db, entry, caseFile.id) : [];
  };
  const [caseRows, identityRows, stepRows, consentRows, referralRows, eventRows] = await Promise.all([
    rowsOf('case_file'),
    rowsOf('case_identity'),
    rowsOf('plan_step'),
    rowsOf('consent'),
    rowsOf('referral'),
    rowsOf('referral_event'),
  ]);
  const consents = consentRows.map((row) => rowToConsent(row as unknown as ConsentRow));
  const referrals = referralRows.map((row) => rowToReferral(row as unknown as ReferralRow));
  const events = eventRows.map((row) => rowToEvent(row as unknown as ReferralEventRow));

  // Names of the people and organisations involved, each looked up once.
  const users = new Map<string, string>();
  const organizations = new Map<string, string>();
  const userName = async (id: string | null) => {
    if (!id) return '';
    if (!users.has(id)) users.set(id, (await findUserById(db, id))?.displayName ?? 'gelöschtes Konto');
    return users.get(id)!;
  };
  const organizationName = async (id: string | null) => {
    if (!id) return '';
    if (!organizations.has(id))
      organizations.set(id, (await findOrganization(db, id))?.name ?? 'unbekannte Einrichtung');
    return organizations.get(id)!;
  };

  const auditEntries = await listAuditEntriesOfCase(db, {
    caseId: caseFile.id,
    referralIds: referrals.map((r) => r.id),
    consentIds: consents.map((c) => c.id),
  });
  const otherRecords = await Promise.all(
    entries
      .filter((entry) => !entry.exportedBySection)
      .map(async (entry) => ({
        table: entry.table,
        label: entry.label,
        rows: (await listCaseRows(db, entry, caseFile.id)).map((row) =>
          Object.fromEntries(
            Object.entries(row).filter(([column]) => !entry.secretColumns?.includes(column)),
          ),
        ),
      })),
  );

  const result: AccessExport = {
    generatedAt: ctx.now.toISOString(),
    case: {
      id: caseFile.id,
      code: caseFile.code,
      office: await organizationName(caseFile.officeId),
      owner: await userName(caseFile.ownerUserId),
      createdAt: caseFile.createdAt,
      updatedAt: caseFile.updatedAt,
      closedAt: caseFile.closedAt,
      restrictedAt: caseFile.restrictedAt,
      retainedUntil: (caseRows[0]?.['delete_after'] as string | undefined) ?? null,
    },
    identity: identityRows[0] ? rowToIdentity(identityRows[0] as unknown as CaseIdentityRow) : null,
    planSteps: stepRows.map((row) => withoutVersion(rowToPlanStep(row as unknown as PlanStepRow))),
    consents: [],
    referrals: [],
    otherRecords,
    accessLog: [],
  };
  for (const consent of consents) {
    result.consents.push({
      ...consent,
      recipientOrganization: await organizationName(consent.recipientOrganizationId),
      obtainedBy: await userName(consent.obtainedByUserId),
    });
  }
  for (const referral of referrals) {
    const timeline: AccessReferral['events'] = [];
    for (const event of events.filter((e) => e.referralId === referral.id)) {
      const actor = event.actorUserId
        ? await userName(event.actorUserId)
        : event.actorOrganizationId
          ? await organizationName(event.actorOrganizationId)
          : 'System';
      timeline.push({ ...event, actor });
    }
    result.referrals.push({
      ...withoutVersion(referral),
      recipientOrganization: await organizationName(referral.recipientOrganizationId),
      service: (await findService(db, referral.serviceId))?.name ?? 'unbekanntes Angebot',
      sender: await userName(referral.senderUserId),
      events: timeline,
    });
  }
  for (const entry of auditEntries) {
    result.accessLog.push({
      ...entry,
      actor: entry.actorUserId
        ? await userName(entry.actorUserId)
        : entry.actorOrganizationId
          ? ''
          : 'System',
      organization: await organizationName(entry.actorOrganizationId),
    });
  }
  return ok(result);
}
