import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionContext } from '../../src/lib/action/context';
import type { Result } from '../../src/lib/action/result';
import type { User } from '../../src/lib/auth/auth';
import { CaseIdentitySchema, ConsentSchema, type Case } from '../../src/lib/cases/case';
import {
  addPlanStep,
  createCase,
  recordConsent,
  revokeConsent,
  updateCaseIdentity,
} from '../../src/lib/cases/case.service';
import { loadConfig, type Config } from '../../src/lib/config/config';
import type { Db } from '../../src/lib/db/create-db';
import { newId } from '../../src/lib/db/ids';
import { ServiceFormSchema } from '../../src/lib/directory/service';
import { createServiceEntry } from '../../src/lib/directory/upkeep.service';
import { enqueueMail } from '../../src/lib/notify/outbox.queries';
import { buildAccessExport } from '../../src/lib/privacy/access.service';
import { eraseCase, setRestriction } from '../../src/lib/privacy/erasure.service';
import { PERSONAL_DATA_TABLES } from '../../src/lib/privacy/personal-data';
import { listCatalogue, listPrivacyRuns } from '../../src/lib/privacy/privacy.queries';
import { runRetention } from '../../src/lib/privacy/retention.service';
import { retentionJob } from '../../src/lib/privacy/retention.job';
import { JOBS, runJobsOnce } from '../../src/lib/jobs/jobs';
import { ReferralFormSchema, type Referral } from '../../src/lib/referrals/referral';
import { verifyAuditChain } from '../../src/lib/audit/audit.queries';
import { postReferralMessage } from '../../src/lib/referrals/referral-message.service';
import {
  createReferral,
  proposeAppointment,
  readSharedPersonalData,
  transitionReferral,
} from '../../src/lib/referrals/referral.service';
import { createTestDb, testDialects } from '../helpers/db';
import { findAnywhere, snapshot } from '../helpers/personal-data-scan';
import { createTestOrganization, createTestUser } from '../helpers/factories';

// Tuesday, 1 December 2026, 10:00 in Lübeck. Time moves forward only through each call's ctx.now.
const T0 = new Date('2026-12-01T09:00:00.000Z');
const yearsAfter = (date: Date, years: number, days = 0) => {
  const moved = new Date(date);
  moved.setUTCFullYear(moved.getUTCFullYear() + years);
  moved.setUTCDate(moved.getUTCDate() + days);
  return moved;
};
const minutesAfter = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);
const CONFIG = loadConfig({ PUBLIC_BASE_URL: 'https://partnernetz.test' });

function unwrap<T>(result: Result<T, unknown>): T {
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.value;
}

describe.each(testDialects)('privacy operations on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let db: Db;
  let caseworker: User;
  let foreignCaseworker: User;
  let partner: User;
  let coordinator: User;
  let partnerOrgId: string;
  let serviceId: string;

  const ctx = (actor: User, now: Date = T0, config: Config = CONFIG): ActionContext => ({
    actor: { kind: 'user', user: actor },
    requestId: 'test-request',
    now,
    config,
  });
  const system = (now: Date, config: Config = CONFIG): ActionContext => ({
    actor: { kind: 'system', job: 'retention' },
    requestId: null,
    now,
    config,
  });

  async function newCase(identity: Record<string, string>, now: Date = T0): Promise<Case> {
    return unwrap(await createCase(db, ctx(caseworker, now), CaseIdentitySchema.parse(identity)));
  }
  async function newConsent(caseId: string, now: Date = T0, givenOn = '2026-11-25'): Promise<string> {
    const input = ConsentSchema.parse({
      recipientOrganizationId: partnerOrgId,
      categories: ['name', 'birth_date'],
      purpose: 'Anmeldung zum Sprachkurs',
      givenOn,
      form: 'written',
      ageGroup: '16plus',
      validUntil: yearsAfter(now, 1).toISOString().slice(0, 10),
    });
    return unwrap(await recordConsent(db, ctx(caseworker, now), { ...input, caseId }));
  }
  async function newReferral(
    caseId: string,
    options: { now?: Date; message?: string; shared?: string[] } = {},
  ): Promise<Referral> {
    const now = options.now ?? T0;
    const form = ReferralFormSchema.parse({
      caseId,
      serviceId,
      purpose: 'language',
      message: options.message ?? 'Sucht einen Platz im Jugendintegrationskurs.',
      contactMode: 'appointment',
      responseDueOn: new Date(now.getTime() + 7 * 86_400_000).toISOString().slice(0, 10),
      submissionKey: newId(),
      sharedCategories: options.shared ?? [],
    });
    return unwrap(await createReferral(db, ctx(caseworker, now), form)).referral;
  }

  beforeAll(async () => {
    test = await createTestDb(dialect);
    db = test.db;
    const officeId = (
      await createTestOrganization(db, { kind: 'jmd_office', category: null, name: 'JMD Lübeck' })
    ).id;
    caseworker = await createTestUser(db, { organizationId: officeId, displayName: 'Clara Fachkraft' });
    const otherOffice = (
      await createTestOrganization(db, { kind: 'jmd_office', category: null, name: 'JMD Kiel' })
    ).id;
    foreignCaseworker = await createTestUser(db, { organizationId: otherOffice, displayName: 'Kim Kiel' });
    partnerOrgId = (
      await createTestOrganization(db, { name: 'Sprachschule Nord', email: 'info@sprachschule.test' })
    ).id;
    partner = await createTestUser(db, {
      role: 'partner',
      organizationId: partnerOrgId,
      displayName: 'Pia Partner',
    });
    coordinator = await createTestUser(db, { role: 'coordinator', displayName: 'Kora Koordination' });
    serviceId = unwrap(
      await createServiceEntry(db, ctx(coordinator), {
        organizationId: partnerOrgId,
        form: ServiceFormSchema.parse({
          name: 'Jugendintegrationskurs',
          termIds: ['sprache.jugendintegrationskurs'],
          status: 'active',
        }),
      }),
    ).id;
  });
  afterAll(async () => test?.drop());

  it('every required table of the personal-data registry exists with its key column', async () => {
    const catalogue = new Map((await listCatalogue(db)).map((t) => [t.table, t.columns.map((c) => c.name)]));
    for (const entry of PERSONAL_DATA_TABLES.filter((e) => !e.optional)) {
      expect(catalogue.get(entry.table), entry.table).toContain(entry.key.column);
    }
  });

  describe('erasure (Art. 17)', () => {
    const NAME = { firstName: 'Zelinka', lastName: 'Ormondt-Vasquez', birthDate: '2009-03-14' };
    const NEEDLES = ['Zelinka', 'Ormondt', '2009-03-14', '14.03.2009', 'zelinka.ormondt'];

    it('an erased case leaves no personal field in any text column of any table; other cases stay', async () => {
      const person = await newCase({ ...NAME, email: 'zelinka.ormondt@example.org', healthNotes: 'Asthma' });
      const other = await newCase({ firstName: 'Quillon', lastName: 'Bramstedt', birthDate: '2008-01-02' });
      await newConsent(person.id);
      unwrap(
        await addPlanStep(db, ctx(caseworker), {
          caseId: person.id,
          title: 'Kurs für Zelinka finden',
          dueOn: null,
        }),
      );
      const referral = await newReferral(person.id, {
        message: 'Zelinka Ormondt-Vasquez (geb. 14.03.2009) sucht einen Kurs.',
        shared: ['name', 'birth_date'],
      });
      const otherReferral = await newReferral(other.id, { message: 'Quillon sucht einen Kurs.' });
      // The partner side: answers, a note and an appointment written by the partner, and the shared data read.
      const accepted = unwrap(
        await transitionReferral(db, ctx(partner), {
          id: referral.id,
          action: 'accept',
          version: referral.version,
          reason: null,
          outcome: null,
        }),
      );
      const withAppointment = unwrap(
        await proposeAppointment(db, ctx(partner), {
          id: referral.id,
          action: 'appointment',
          version: accepted.version,
          appointmentAt: '2026-12-10T09:00:00.000Z',
          appointmentNote: 'Zelinka bitte den Pass mitbringen',
        }),
      );
      unwrap(
        await transitionReferral(db, ctx(partner), {
          id: referral.id,
          action: 'hold',
          version: withAppointment.version,
          reason: 'Zelinka ist bis Januar verreist',
          outcome: null,
        }),
      );
      expect(await readSharedPersonalData(db, ctx(partner), withAppointment)).not.toBeNull();
      // The message thread between the two sides (a table of the referral loop) holds free text about the person.
      unwrap(
        await postReferralMessage(db, ctx(partner), {
          id: referral.id,
          action: 'message',
          body: 'Zelinka Ormondt-Vasquez kam am 14.03.2009 zur Welt – stimmt das?',
        }),
      );
      await enqueueMail(
        db,
        { kind: 'test', to: 'clara@jmd.test', subject: 'Neue Antwort', text: 'Bitte anmelden.' },
        T0,
      );

      // The scan sees the person before: it can fail.
      expect((await findAnywhere(db, NEEDLES)).length).toBeGreaterThan(3);

      const wrong = await eraseCase(db, ctx(caseworker), { caseId: person.id, confirmCode: 'FALSCH' });
      expect(wrong.ok ? 'ok' : wrong.kind).toBe('invalid');
      expect(
        await eraseCase(db, ctx(foreignCaseworker), { caseId: person.id, confirmCode: person.code }),
      ).toEqual({
        ok: false,
        kind: 'not_found',
      });
      expect((await findAnywhere(db, NEEDLES)).length).toBeGreaterThan(3);

      const erased = unwrap(
        await eraseCase(db, ctx(caseworker, T0), {
          caseId: person.id,
          confirmCode: person.code.toLowerCase(),
        }),
      );
      expect(erased['case_identity']).toBe(1);
      expect(erased['referral']).toBe(1);
      expect(await findAnywhere(db, NEEDLES)).toEqual([]);

      // The tombstone: content-free, says that and when.
      const tombstones = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'case.erase')
        .execute();
      expect(tombstones).toHaveLength(1);
      expect(tombstones[0]).toMatchObject({
        object_type: 'case',
        object_id: person.id,
        at: T0.toISOString(),
      });
      // Audit entries of the case stay (ids only).
      expect(
        (await db.selectFrom('audit_log').select('id').where('object_id', '=', referral.id).execute()).length,
      ).toBeGreaterThan(2);
      // The other case is untouched.
      expect(await findAnywhere(db, ['Quillon', 'Bramstedt'])).not.toEqual([]);
      expect(
        await db.selectFrom('referral').select('id').where('id', '=', otherReferral.id).executeTakeFirst(),
      ).toBeDefined();
      expect(
        await db.selectFrom('case_file').select('id').where('id', '=', person.id).executeTakeFirst(),
      ).toBeUndefined();
    });
  });

  describe('restriction (Art. 18)', () => {
    it('a restricted case stays readable but refuses changes, new referrals and sharing until lifted; both audited', async () => {
      const caseFile = await newCase({ firstName: 'Rana', lastName: 'Eingeschränkt' });
      await newConsent(caseFile.id);
      // A second consent (birth date only) that no referral relies on, to revoke while restricted.
      const spare = unwrap(
        await recordConsent(db, ctx(caseworker), {
          ...ConsentSchema.parse({
            recipientOrganizationId: partnerOrgId,
            categories: ['birth_date'],
            purpose: 'Anmeldung zum Sprachkurs',
            givenOn: '2026-11-25',
            form: 'written',
            ageGroup: '16plus',
            validUntil: '2027-05-31',
          }),
          caseId: caseFile.id,
        }),
      );
      const draftForm = await newReferral(caseFile.id, { shared: ['name'] });
      const restricted = unwrap(
        await setRestriction(db, ctx(caseworker), { caseId: caseFile.id, action: 'restrict' }),
      );
      expect(restricted.restrictedAt).toBe(T0.toISOString());

      const referral = await createReferral(
        db,
        ctx(caseworker),
        ReferralFormSchema.parse({
          caseId: caseFile.id,
          serviceId,
          purpose: 'language',
          message: 'Noch eine Anfrage.',
          contactMode: 'appointment',
          responseDueOn: '2026-12-08',
          submissionKey: newId(),
        }),
      );
      expect(referral.ok ? 'ok' : referral.kind).toBe('invalid');
      expect(!referral.ok && referral.kind === 'invalid' ? referral.errors['caseId'] : '').toContain(
        'eingeschränkt',
      );
      const step = await addPlanStep(db, ctx(caseworker), { caseId: caseFile.id, title: 'Neu', dueOn: null });
      expect(step.ok ? 'ok' : step.kind).toBe('refused');
      const identity = await updateCaseIdentity(db, ctx(caseworker), {
        ...CaseIdentitySchema.parse({ firstName: 'Anders' }),
        version: restricted.version,
        caseId: caseFile.id,
      });
      expect(identity.ok ? 'ok' : identity.kind).toBe('refused');
      // No new consent while restricted; revoking one stays possible (it narrows the processing).
      const consentInput = ConsentSchema.parse({
        recipientOrganizationId: partnerOrgId,
        categories: ['name'],
        purpose: 'Anmeldung zum Sprachkurs',
        givenOn: '2026-11-25',
        form: 'written',
        ageGroup: '16plus',
        validUntil: '2027-05-31',
      });
      const another = await recordConsent(db, ctx(caseworker), { ...consentInput, caseId: caseFile.id });
      expect(another.ok ? 'ok' : another.kind).toBe('refused');
      expect((await revokeConsent(db, ctx(caseworker), { caseId: caseFile.id, consentId: spare })).ok).toBe(
        true,
      );
      // The partner sees no personal data while the case is restricted.
      expect(await readSharedPersonalData(db, ctx(partner), draftForm)).toBeNull();
      // The office still reads it: the access export works.
      expect((await buildAccessExport(db, ctx(caseworker), { caseId: caseFile.id })).ok).toBe(true);
      // Only the owning office restricts.
      expect(
        (await setRestriction(db, ctx(foreignCaseworker), { caseId: caseFile.id, action: 'lift' })).ok,
      ).toBe(false);

      const lifted = unwrap(
        await setRestriction(db, ctx(caseworker), { caseId: caseFile.id, action: 'lift' }),
      );
      expect(lifted.restrictedAt).toBeNull();
      expect(await readSharedPersonalData(db, ctx(partner), draftForm)).not.toBeNull();
      expect(
        (await addPlanStep(db, ctx(caseworker), { caseId: caseFile.id, title: 'Neu', dueOn: null })).ok,
      ).toBe(true);
      const actions = (
        await db
          .selectFrom('audit_log')
          .select('action')
          .where('object_id', '=', caseFile.id)
          .orderBy('at')
          .execute()
      ).map((row) => row.action);
      expect(actions).toContain('case.restrict');
      expect(actions).toContain('case.restriction_lift');
    });
  });

  describe('access request (Art. 15)', () => {
    it('the export holds every referral, consent and audit entry of the case and nothing of another case', async () => {
      const mine = await newCase({ firstName: 'Aylin', lastName: 'Auskunft', birthDate: '2007-07-07' });
      const theirs = await newCase({ firstName: 'Bodo', lastName: 'Fremdfall', birthDate: '2006-06-06' });
      const consents = [await newConsent(mine.id), await newConsent(mine.id)];
      const theirConsent = await newConsent(theirs.id);
      const referrals = [
        await newReferral(mine.id, { message: 'Erste Anfrage für Aylin', shared: ['name'] }),
        await newReferral(mine.id, { message: 'Zweite Anfrage' }),
      ];
      const theirReferral = await newReferral(theirs.id, { message: 'Bodo geheim' });
      unwrap(
        await transitionReferral(db, ctx(partner), {
          id: referrals[0]!.id,
          action: 'decline',
          version: referrals[0]!.version,
          reason: 'Kein Platz frei',
          outcome: null,
        }),
      );

      expect((await buildAccessExport(db, ctx(foreignCaseworker), { caseId: mine.id })).ok).toBe(false);
      expect((await buildAccessExport(db, ctx(partner), { caseId: mine.id })).ok).toBe(false);
      const data = unwrap(await buildAccessExport(db, ctx(caseworker, T0), { caseId: mine.id }));

      expect(data.identity?.lastName).toBe('Auskunft');
      expect(data.referrals.map((r) => r.id).sort()).toEqual(referrals.map((r) => r.id).sort());
      expect(data.consents.map((c) => c.id).sort()).toEqual([...consents].sort());
      const declined = data.referrals.find((r) => r.id === referrals[0]!.id)!;
      expect(declined.events.map((e) => e.kind)).toEqual(
        expect.arrayContaining(['created', 'send', 'decline']),
      );
      expect(declined.events.find((e) => e.kind === 'decline')?.reason).toBe('Kein Platz frei');

      // Every audit entry of the case, its referrals and its consents — the export's own creation included.
      const expected = await db
        .selectFrom('audit_log')
        .select('id')
        .where((eb) =>
          eb.or([
            eb('object_id', 'in', [mine.id, ...referrals.map((r) => r.id)]),
            eb('consent_id', 'in', consents),
          ]),
        )
        .execute();
      expect(data.accessLog.map((e) => e.id).sort()).toEqual(expected.map((e) => e.id).sort());
      expect(data.accessLog.some((e) => e.action === 'case.access_export')).toBe(true);
      expect(data.accessLog.some((e) => e.action === 'referral.decline')).toBe(true);

      const json = JSON.stringify(data);
      for (const foreign of [
        theirs.id,
        theirs.code,
        theirConsent,
        theirReferral.id,
        'Bodo',
        'Fremdfall',
        '2006-06-06',
      ]) {
        expect(json).not.toContain(foreign);
      }
      // Link token hashes and submission keys are no data about the person.
      expect(json).not.toContain('access_hash');
      expect(json).not.toContain('submission_key');
    });
  });

  describe('retention job', () => {
    it('removes exactly the cases past their date, nothing else; the dry run deletes nothing; runs are recorded', async () => {
      // A fresh database: the cases of the other tests would blur "exactly".
      const own = await createTestDb(dialect);
      const saved = db;
      db = own.db;
      try {
        const officeId = (await createTestOrganization(db, { kind: 'jmd_office', category: null })).id;
        caseworker = await createTestUser(db, { organizationId: officeId });
        partnerOrgId = (await createTestOrganization(db, { email: 'info@partner.test' })).id;
        partner = await createTestUser(db, { role: 'partner', organizationId: partnerOrgId });
        coordinator = await createTestUser(db, { role: 'coordinator' });
        serviceId = unwrap(
          await createServiceEntry(db, ctx(coordinator), {
            organizationId: partnerOrgId,
            form: ServiceFormSchema.parse({
              name: 'Kurs',
              termIds: ['sprache.jugendintegrationskurs'],
              status: 'active',
            }),
          }),
        ).id;

        // Due: nothing happened since T0.
        const old = await newCase({ firstName: 'Olgarda', lastName: 'Altweggen' });
        await newConsent(old.id);
        unwrap(await addPlanStep(db, ctx(caseworker), { caseId: old.id, title: 'Kurs', dueOn: null }));
        const oldReferral = await newReferral(old.id, { shared: ['name'] });
        unwrap(
          await transitionReferral(db, ctx(partner), {
            id: oldReferral.id,
            action: 'decline',
            version: oldReferral.version,
            reason: 'Kein Platz',
            outcome: null,
          }),
        );
        // Not due: opened at T0, but a step added a year later moves its date on.
        const active = await newCase({ firstName: 'Antonello', lastName: 'Aktivmann' });
        unwrap(
          await addPlanStep(db, ctx(caseworker, yearsAfter(T0, 1)), {
            caseId: active.id,
            title: 'Weiter',
            dueOn: null,
          }),
        );
        // Not due: opened two years later.
        const recent = await newCase({ firstName: 'Ritaleen', lastName: 'Neuhofer' }, yearsAfter(T0, 2));
        await newReferral(recent.id, { now: yearsAfter(T0, 2) });
        // Due, but restricted (Art. 18): kept.
        const restricted = await newCase({ firstName: 'Rolfhard', lastName: 'Gesperrting' });
        unwrap(await setRestriction(db, ctx(caseworker), { caseId: restricted.id, action: 'restrict' }));
        // Mails: one sent long ago, one sent recently, one still pending.
        const RUN = yearsAfter(T0, 3, 1);
        const oldMail = await enqueueMail(
          db,
          { kind: 't', to: 'a@test', subject: 'S', text: 'alter Text' },
          T0,
        );
        const newMail = await enqueueMail(
          db,
          { kind: 't', to: 'b@test', subject: 'S', text: 'neuer Text' },
          T0,
        );
        await db
          .updateTable('outbox')
          .set({ status: 'sent', sent_at: T0.toISOString() })
          .where('id', '=', oldMail)
          .execute();
        await db
          .updateTable('outbox')
          .set({ status: 'sent', sent_at: new Date(RUN.getTime() - 5 * 86_400_000).toISOString() })
          .where('id', '=', newMail)
          .execute();

        // A longer configured period keeps everything.
        const fiveYears = loadConfig({ RETENTION_CASE_YEARS: '5' });
        expect(
          (await runRetention(db, system(minutesAfter(RUN, -2), fiveYears), { dryRun: true })).caseIds,
        ).toEqual([]);

        const before = await snapshot(db);
        const dry = await runRetention(db, system(minutesAfter(RUN, -1)), { dryRun: true });
        expect(dry.caseIds).toEqual([old.id]);
        expect(dry.counts).toMatchObject({
          case_file: 1,
          case_identity: 1,
          consent: 1,
          plan_step: 1,
          referral: 1,
        });
        expect(dry.counts['referral_event']).toBeGreaterThanOrEqual(3);
        expect(dry.outboxBodies).toBe(1);
        expect(dry.keptRestricted).toBe(1);
        const afterDry = await snapshot(db);
        for (const [table, rows] of before) {
          if (table === 'privacy_run') continue;
          expect([...afterDry.get(table)!].sort(), table).toEqual([...rows].sort());
        }

        const report = await runRetention(db, system(RUN), { dryRun: false });
        expect(report.caseIds).toEqual([old.id]);
        expect(report.counts).toEqual(dry.counts);
        const after = await snapshot(db);
        // Exactly the old case's rows went; every other row of every table is as before (outbox body aside).
        for (const [table, rows] of before) {
          // The audit chain's head moves with the audit entries the run adds (decision 0019).
          if (['privacy_run', 'audit_log', 'audit_chain_head', 'outbox'].includes(table)) continue;
          const gone = [...rows].filter((row) => !after.get(table)!.has(row));
          const added = [...after.get(table)!].filter((row) => !rows.has(row));
          expect(added, table).toEqual([]);
          expect(gone.length, table).toBe(report.counts[table] ?? 0);
          for (const row of gone)
            expect(row.includes(old.id) || row.includes(oldReferral.id), table).toBe(true);
        }
        // Audit entries are kept; one content-free entry per removed case is added.
        expect([...before.get('audit_log')!].every((row) => after.get('audit_log')!.has(row))).toBe(true);
        const retentionEntries = await db
          .selectFrom('audit_log')
          .selectAll()
          .where('action', '=', 'case.retention_delete')
          .execute();
        expect(retentionEntries.map((e) => e.object_id)).toEqual([old.id]);
        // The audit log still verifies as one unbroken chain after the run (decision 0019).
        expect((await verifyAuditChain(db)).ok).toBe(true);
        // Only the old sent mail lost its text.
        const mails = await db
          .selectFrom('outbox')
          .select(['id', 'body_text'])
          .where('id', 'in', [oldMail, newMail])
          .execute();
        expect(Object.fromEntries(mails.map((m) => [m.id, m.body_text]))).toEqual({
          [oldMail]: '',
          [newMail]: 'neuer Text',
        });
        expect(await findAnywhere(db, ['Olgarda', 'Altweggen'])).toEqual([]);
        expect(await findAnywhere(db, ['Antonello', 'Ritaleen', 'Rolfhard'])).toHaveLength(3);

        // A second run finds nothing more; every run is recorded with counts only.
        expect((await runRetention(db, system(minutesAfter(RUN, 1)), { dryRun: false })).caseIds).toEqual([]);
        const runs = await listPrivacyRuns(db);
        expect(runs.map((r) => r.dryRun)).toEqual([false, false, true, true]);
        expect(runs[1]!.counts).toMatchObject({ case_file: 1, outbox_body: 1, kept_restricted: 1 });
        const stored = JSON.stringify(await db.selectFrom('privacy_run').selectAll().execute());
        expect(stored).not.toContain(old.id);
        expect(stored).not.toContain(old.code);

        // The jobs runner runs it as "retention" and keeps its summary (counts only).
        expect(JOBS).toContain(retentionJob);
        const [job] = await runJobsOnce(db, CONFIG, {
          holder: 'test',
          now: minutesAfter(RUN, 2),
          jobs: [retentionJob],
          release: true,
        });
        expect(job).toMatchObject({ name: 'retention', status: 'ran' });
        expect(job!.result).toMatch(/^0 Fälle gelöscht \(0 Zeilen\), 0 Mail-Texte geleert, 1 eingeschränkte/);
      } finally {
        db = saved;
        await own.drop();
      }
    });
  });
});
