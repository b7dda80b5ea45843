import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDialects } from '../helpers/db';
import { createTestOrganization, createTestUser } from '../helpers/factories';
import { userContext } from '../helpers/context';
import type { User } from '../../src/lib/auth/auth';
import type { ActionContext } from '../../src/lib/action/context';
import type { Result } from '../../src/lib/action/result';
import { CaseIdentitySchema, ConsentSchema, type Case } from '../../src/lib/cases/case';
import { createCase, recordConsent } from '../../src/lib/cases/case.service';
import { loadConfig } from '../../src/lib/config/config';
import { newId } from '../../src/lib/db/ids';
import { ServiceFormSchema } from '../../src/lib/directory/service';
import { createServiceEntry } from '../../src/lib/directory/upkeep.service';
import { DraftUpdateSchema, NewDraftSchema } from '../../src/lib/referrals/referral-draft';
import {
  createDraft,
  deleteDraft,
  loadDraftPage,
  previewSharedData,
  sendDraft,
  updateDraft,
} from '../../src/lib/referrals/referral-draft.service';
import { findReferral, listReferralEvents } from '../../src/lib/referrals/referral.queries';
import { transitionReferral } from '../../src/lib/referrals/referral.service';

// Tuesday, 1 December 2026, 10:00 in Lübeck.
const NOW = new Date('2026-12-01T09:00:00.000Z');
const CONFIG = loadConfig({ PUBLIC_BASE_URL: 'https://partnernetz.test' });
const ctx = (user: User, now: Date = NOW): ActionContext => ({
  actor: { kind: 'user', user },
  requestId: 'test-request',
  now,
  config: CONFIG,
});
function unwrap<T>(result: Result<T, unknown>): T {
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.value;
}

describe.each(testDialects)('referral drafts on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let caseworker: User;
  let colleague: User;
  let foreignCaseworker: User;
  let partner: User;
  let orgId: string;
  let serviceId: string;

  beforeAll(async () => {
    test = await createTestDb(dialect);
    const db = test.db;
    const officeId = (
      await createTestOrganization(db, { kind: 'jmd_office', category: null, name: 'JMD Lübeck' })
    ).id;
    caseworker = await createTestUser(db, { organizationId: officeId, displayName: 'Clara Fachkraft' });
    colleague = await createTestUser(db, { organizationId: officeId, displayName: 'Carl Kollege' });
    const otherOfficeId = (
      await createTestOrganization(db, { kind: 'jmd_office', category: null, name: 'JMD Kiel' })
    ).id;
    foreignCaseworker = await createTestUser(db, { organizationId: otherOfficeId, displayName: 'Kim Kiel' });
    orgId = (await createTestOrganization(db, { name: 'Sprachschule Nord', email: 'info@sprachschule.test' }))
      .id;
    partner = await createTestUser(db, {
      role: 'partner',
      organizationId: orgId,
      displayName: 'Pia Partner',
    });
    const coordinator = await createTestUser(db, { role: 'coordinator', displayName: 'Kora Koordination' });
    const created = await createServiceEntry(db, userContext(coordinator, { requestId: 'test-request' }), {
      organizationId: orgId,
      form: ServiceFormSchema.parse({
        name: 'Jugendintegrationskurs',
        termIds: ['sprache.jugendintegrationskurs'],
        status: 'active',
      }),
    });
    serviceId = unwrap(created).id;
  });
  afterAll(async () => test?.drop());

  const newCase = async (): Promise<Case> =>
    unwrap(
      await createCase(
        test.db,
        ctx(caseworker),
        CaseIdentitySchema.parse({ firstName: 'Amira', lastName: 'H.' }),
      ),
    );
  const draftForm = (caseId: string, fields: Record<string, unknown> = {}) =>
    NewDraftSchema.parse({ caseId, serviceId, submissionKey: newId(), ...fields });
  const update = (fields: Record<string, unknown>) => DraftUpdateSchema.parse(fields);

  it('saves a draft with only the case and the offer; the rest stays empty until later', async () => {
    const caseFile = await newCase();
    const saved = unwrap(await createDraft(test.db, ctx(caseworker), draftForm(caseFile.id)));
    expect(saved.toCheck).toBe(false);
    const stored = (await findReferral(test.db, saved.referral.id))!;
    expect(stored).toMatchObject({ status: 'draft', purpose: '', message: '', contactMode: '', version: 1 });
    // The answer date gets its default (five working days), so lists and pages always have one.
    expect(stored.responseDueOn).toBe('2026-12-08');
    expect((await listReferralEvents(test.db, stored.id)).map((event) => event.kind)).toEqual(['created']);
    const audit = await test.db
      .selectFrom('audit_log')
      .select('action')
      .where('object_id', '=', stored.id)
      .execute();
    expect(audit.map((row) => row.action)).toEqual(['referral.create']);
  });

  it('"Weiter" with missing fields names each of them and saves nothing', async () => {
    const caseFile = await newCase();
    const result = await createDraft(
      test.db,
      ctx(caseworker),
      draftForm(caseFile.id, { intent: 'check', purpose: 'language' }),
    );
    expect(result).toMatchObject({ ok: false, kind: 'invalid' });
    if (result.ok || result.kind !== 'invalid') return;
    expect(Object.keys(result.errors).sort()).toEqual(['contactMode', 'message']);
    const rows = await test.db
      .selectFrom('referral')
      .select('id')
      .where('case_id', '=', caseFile.id)
      .execute();
    expect(rows).toEqual([]);
  });

  it('a draft is edited step by step, then checked and sent, and only then the partner hears of it', async () => {
    const caseFile = await newCase();
    const draft = unwrap(
      await createDraft(test.db, ctx(caseworker), draftForm(caseFile.id, { purpose: 'language' })),
    ).referral;
    // Sending the half-filled draft is refused, also through the referral page's own "Senden".
    const early = await sendDraft(test.db, ctx(caseworker), { id: draft.id, version: draft.version });
    expect(early).toMatchObject({ ok: false, kind: 'invalid' });
    const direct = await transitionReferral(test.db, ctx(caseworker), {
      id: draft.id,
      version: draft.version,
      action: 'send',
      reason: null,
      outcome: null,
    });
    expect(direct).toMatchObject({ ok: false, kind: 'invalid', errors: { message: expect.any(String) } });

    const edited = unwrap(
      await updateDraft(test.db, ctx(caseworker), {
        id: draft.id,
        ...update({
          version: String(draft.version),
          purpose: 'language',
          message: 'Sucht einen Kursplatz ab Januar, vormittags.',
          contactMode: 'appointment',
          responseDueOn: '2026-12-10',
          intent: 'check',
        }),
      }),
    );
    expect(edited.toCheck).toBe(true);
    expect(edited.referral).toMatchObject({
      status: 'draft',
      message: 'Sucht einen Kursplatz ab Januar, vormittags.',
      responseDueOn: '2026-12-10',
      version: 2,
    });
    // The stale form (version 1) does not overwrite the newer draft.
    const stale = await updateDraft(test.db, ctx(caseworker), {
      id: draft.id,
      ...update({ version: '1', message: 'alt' }),
    });
    expect(stale).toMatchObject({ ok: false, kind: 'conflict' });

    const before = await test.db.selectFrom('outbox').select('id').execute();
    const sent = unwrap(await sendDraft(test.db, ctx(caseworker), { id: draft.id, version: 2 }));
    expect(sent).toMatchObject({ status: 'sent', sentAt: NOW.toISOString() });
    const after = await test.db.selectFrom('outbox').select(['id', 'kind']).execute();
    expect(after.length).toBe(before.length + 1);
    // A sent referral is no draft any more: neither edited nor deleted as one.
    expect(await loadDraftPage(test.db, ctx(caseworker), draft.id)).toBe('sent');
    expect(
      await deleteDraft(test.db, ctx(caseworker), { id: draft.id, version: sent.version }),
    ).toMatchObject({
      ok: false,
      kind: 'refused',
    });
  });

  it('shared data needs a consent that covers it, and the check page shows what the partner will read', async () => {
    const caseFile = await newCase();
    const refused = await createDraft(
      test.db,
      ctx(caseworker),
      draftForm(caseFile.id, { sharedCategories: ['name'] }),
    );
    expect(refused).toMatchObject({
      ok: false,
      kind: 'invalid',
      errors: { sharedCategories: expect.any(String) },
    });
    unwrap(
      await recordConsent(test.db, ctx(caseworker), {
        ...ConsentSchema.parse({
          recipientOrganizationId: orgId,
          categories: ['name'],
          purpose: 'Anmeldung zum Kurs',
          givenOn: '2026-11-25',
          form: 'written',
          ageGroup: '16plus',
          validUntil: '2027-05-31',
        }),
        caseId: caseFile.id,
      }),
    );
    const draft = unwrap(
      await createDraft(test.db, ctx(caseworker), draftForm(caseFile.id, { sharedCategories: ['name'] })),
    ).referral;
    expect(draft.consentId).not.toBeNull();
    expect(await previewSharedData(test.db, ctx(caseworker), draft)).toEqual([
      { label: 'Vorname', value: 'Amira' },
      { label: 'Nachname', value: 'H.' },
    ]);
    expect(await previewSharedData(test.db, ctx(foreignCaseworker), draft)).toEqual([]);
  });

  it('a draft cannot ask the partner to get in touch without shared contact data, saved or sent', async () => {
    const caseFile = await newCase();
    const refused = await createDraft(
      test.db,
      ctx(caseworker),
      draftForm(caseFile.id, { contactMode: 'partner_calls' }),
    );
    expect(refused).toMatchObject({
      ok: false,
      kind: 'invalid',
      errors: { contactMode: expect.stringContaining('Kontaktdaten') },
    });
    const draft = unwrap(await createDraft(test.db, ctx(caseworker), draftForm(caseFile.id))).referral;
    const edited = await updateDraft(test.db, ctx(caseworker), {
      id: draft.id,
      ...update({ version: String(draft.version), contactMode: 'partner_calls' }),
    });
    expect(edited).toMatchObject({ ok: false, kind: 'invalid', errors: { contactMode: expect.any(String) } });
    // A draft stored before the rule (or written around it) is still stopped on its way out.
    await test.db
      .updateTable('referral')
      .set({
        purpose: 'language',
        message: 'Sucht einen Kursplatz ab Januar.',
        contact_mode: 'partner_calls',
      })
      .where('id', '=', draft.id)
      .execute();
    const sent = await sendDraft(test.db, ctx(caseworker), { id: draft.id, version: draft.version });
    expect(sent).toMatchObject({ ok: false, kind: 'invalid', errors: { contactMode: expect.any(String) } });
    expect((await findReferral(test.db, draft.id))!.status).toBe('draft');
  });

  it('a colleague of the same office may work on the draft; another office and the partner may not', async () => {
    const caseFile = await newCase();
    const draft = unwrap(await createDraft(test.db, ctx(caseworker), draftForm(caseFile.id))).referral;
    for (const outsider of [foreignCaseworker, partner]) {
      expect(await loadDraftPage(test.db, ctx(outsider), draft.id)).toBeNull();
      expect(
        await updateDraft(test.db, ctx(outsider), {
          id: draft.id,
          ...update({ version: '1', message: 'x' }),
        }),
      ).toEqual({ ok: false, kind: 'not_found' });
      expect(await deleteDraft(test.db, ctx(outsider), { id: draft.id, version: 1 })).toEqual({
        ok: false,
        kind: 'not_found',
      });
      expect(await sendDraft(test.db, ctx(outsider), { id: draft.id, version: 1 })).toEqual({
        ok: false,
        kind: 'not_found',
      });
    }
    expect((await findReferral(test.db, draft.id))?.version).toBe(1);
    // Office cover: the colleague sees and changes it.
    const page = await loadDraftPage(test.db, ctx(colleague), draft.id);
    expect(page).not.toBeNull();
    expect(
      unwrap(
        await updateDraft(test.db, ctx(colleague), {
          id: draft.id,
          ...update({ version: '1', message: 'x' }),
        }),
      ).referral.version,
    ).toBe(2);
  });

  it('deleting a draft removes it with its timeline; the audit log keeps that it happened', async () => {
    const caseFile = await newCase();
    const draft = unwrap(await createDraft(test.db, ctx(caseworker), draftForm(caseFile.id))).referral;
    expect(await deleteDraft(test.db, ctx(caseworker), { id: draft.id, version: 7 })).toMatchObject({
      ok: false,
      kind: 'conflict',
    });
    expect(unwrap(await deleteDraft(test.db, ctx(caseworker), { id: draft.id, version: 1 }))).toBeNull();
    expect(await findReferral(test.db, draft.id)).toBeNull();
    expect(await listReferralEvents(test.db, draft.id)).toEqual([]);
    const audit = await test.db
      .selectFrom('audit_log')
      .select('action')
      .where('object_id', '=', draft.id)
      .orderBy('at')
      .execute();
    expect(audit.map((row) => row.action)).toContain('referral.draft_delete');
    // Deleting again (a reload of the confirmation) finds nothing.
    expect(await deleteDraft(test.db, ctx(caseworker), { id: draft.id, version: 1 })).toEqual({
      ok: false,
      kind: 'not_found',
    });
  });

  it('the same draft form submitted twice keeps one draft', async () => {
    const caseFile = await newCase();
    const input = draftForm(caseFile.id, { message: 'Erster Entwurf' });
    const first = unwrap(await createDraft(test.db, ctx(caseworker), input));
    const second = unwrap(await createDraft(test.db, ctx(caseworker), input));
    expect(second.referral.id).toBe(first.referral.id);
  });
});
