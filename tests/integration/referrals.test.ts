import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDialects } from '../helpers/db';
import { createTestOrganization, createTestUser } from '../helpers/factories';
import { closedPort, startTestSmtpServer } from '../helpers/smtp';
import { deliverDueMails } from '../../src/lib/notify/outbox.service';
import type { User } from '../../src/lib/auth/auth';
import { can, referralPartyOf } from '../../src/lib/auth/policy';
import { newId } from '../../src/lib/db/ids';
import type { OutboxRow } from '../../src/lib/notify/outbox.table';
import { createServiceEntry } from '../../src/lib/directory/upkeep.service';
import { ServiceFormSchema } from '../../src/lib/directory/service';
import { userContext } from '../helpers/context';
import {
  CaseIdentitySchema,
  ConsentSchema,
  PlanStepSchema,
  type Case,
  type DataCategory,
} from '../../src/lib/cases/case';
import { findPlanStep } from '../../src/lib/cases/case.queries';
import {
  addPlanStep,
  createCase,
  readCaseIdentity,
  recordConsent,
  revokeConsent,
  setPlanStepStatus,
  updateCaseIdentity,
} from '../../src/lib/cases/case.service';
import { isOverdue, ReferralFormSchema, type Referral } from '../../src/lib/referrals/referral';
import {
  findReferral,
  listReferralEvents,
  listReferrals,
  touchDashboardVisit,
} from '../../src/lib/referrals/referral.queries';
import { findLinkAccess, openReferralLink, type LinkAccess } from '../../src/lib/referrals/referral-link';
import type { Result } from '../../src/lib/action/result';
import type { ActionActor, ActionContext } from '../../src/lib/action/context';
import { loadConfig } from '../../src/lib/config/config';
import {
  createReferral,
  proposeAppointment,
  readSharedPersonalData,
  recordReferralView,
  resendReferralLink,
  sendDueReminders,
  tickPlanStepOfReferral,
  transitionReferral,
} from '../../src/lib/referrals/referral.service';
import { handleReferralPost } from '../../src/lib/referrals/referral-request';
import { handleCasePost } from '../../src/lib/cases/case-request';

// Tuesday, 1 December 2026, 10:00 in Lübeck. Every service call gets its clock from here.
const NOW = new Date('2026-12-01T09:00:00.000Z');
const at = (iso: string) => new Date(iso);
const hoursAfter = (date: Date, hours: number) => new Date(date.getTime() + hours * 3_600_000);
const BASE_URL = 'https://partnernetz.test';
const REPEAT_WORKING_DAYS = 2;

const CONFIG = loadConfig({
  PUBLIC_BASE_URL: BASE_URL,
  REMINDER_REPEAT_WORKING_DAYS: String(REPEAT_WORKING_DAYS),
});
const SYSTEM: ActionActor = { kind: 'system', job: 'reminders' };
const ANONYMOUS: ActionActor = { kind: 'anonymous' };
/** The context of one action: a user (or link, job, nobody) acting at `now` (default NOW). */
const ctx = (actor: User | ActionActor, now: Date = NOW): ActionContext => ({
  actor: 'kind' in actor ? actor : { kind: 'user', user: actor },
  requestId: 'test-request',
  now,
  config: CONFIG,
});
/** The actor behind a browser's open link access. */
const asLink = (access: LinkAccess | null): ActionActor => {
  if (access?.state !== 'open') throw new Error('link access is not open');
  return {
    kind: 'link',
    linkId: access.linkId,
    referralId: access.referralId,
    organizationId: access.organizationId,
  };
};
/** The value of a result that must succeed here. */
function unwrap<T>(result: Result<T, unknown>): T {
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.value;
}

const IDENTITY = {
  firstName: 'Amira',
  lastName: 'Haddad',
  birthDate: '2008-05-14',
  phone: '0451 123456',
  email: 'amira.haddad@example.org',
  preferredLanguage: 'Arabisch',
  residenceStatus: 'Aufenthaltserlaubnis',
  qualifications: 'Mittlerer Schulabschluss (Syrien)',
  languageLevel: 'B1',
  healthNotes: 'Asthma',
};
const SERVICE_NAME = 'Jugendintegrationskurs am Vormittag';

function tokenIn(mail: OutboxRow): string {
  const match = /\/link\/([a-z2-7]{32})\b/.exec(mail.body_text);
  if (!match) throw new Error(`no link in mail ${mail.kind}`);
  return match[1]!;
}

describe.each(testDialects)('referrals on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let officeId: string;
  let caseworker: User;
  let colleague: User;
  let foreignCaseworker: User;
  let partnerA: User;
  let partnerA2: User;
  let partnerB: User;
  let coordinator: User;
  let admin: User;
  let orgAId: string;
  let orgCId: string;
  let serviceA: string;
  let serviceC: string;
  const ORG_C_EMAIL = 'kontakt@lotsen-sued.test';

  async function createPartnerService(organizationId: string, name = SERVICE_NAME): Promise<string> {
    const result = await createServiceEntry(
      test.db,
      userContext(coordinator, { requestId: 'test-request' }),
      {
        organizationId,
        form: ServiceFormSchema.parse({
          name,
          termIds: ['sprache.jugendintegrationskurs'],
          status: 'active',
        }),
      },
    );
    if (!result.ok) throw new Error(JSON.stringify(result));
    return result.value.id;
  }

  beforeAll(async () => {
    test = await createTestDb(dialect);
    const db = test.db;
    officeId = (
      await createTestOrganization(db, {
        kind: 'jmd_office',
        category: null,
        name: 'JMD Lübeck',
        email: 'jmd@luebeck.test',
      })
    ).id;
    caseworker = await createTestUser(db, {
      organizationId: officeId,
      displayName: 'Clara Fachkraft',
      email: 'clara@jmd.test',
    });
    colleague = await createTestUser(db, { organizationId: officeId, displayName: 'Carl Kollege' });
    const otherOfficeId = (
      await createTestOrganization(db, { kind: 'jmd_office', category: null, name: 'JMD Kiel' })
    ).id;
    foreignCaseworker = await createTestUser(db, { organizationId: otherOfficeId, displayName: 'Kim Kiel' });
    orgAId = (
      await createTestOrganization(db, { name: 'Sprachschule Nord', email: 'info@sprachschule.test' })
    ).id;
    partnerA = await createTestUser(db, {
      role: 'partner',
      organizationId: orgAId,
      displayName: 'Pia Partner',
      email: 'pia@sprachschule.test',
    });
    partnerA2 = await createTestUser(db, {
      role: 'partner',
      organizationId: orgAId,
      displayName: 'Paul Partner',
      email: 'paul@sprachschule.test',
    });
    const orgBId = (
      await createTestOrganization(db, { name: 'Bildungswerk Süd', email: 'info@bw-sued.test' })
    ).id;
    partnerB = await createTestUser(db, {
      role: 'partner',
      organizationId: orgBId,
      displayName: 'Bea Fremd',
    });
    orgCId = (await createTestOrganization(db, { name: 'Lotsenprojekt Süd', email: ORG_C_EMAIL })).id;
    coordinator = await createTestUser(db, { role: 'coordinator', displayName: 'Kora Koordination' });
    admin = await createTestUser(db, { role: 'admin', displayName: 'Ada Admin' });
    serviceA = await createPartnerService(orgAId);
    await createPartnerService(orgBId, 'Berufssprachkurs B2');
    serviceC = await createPartnerService(orgCId, 'Sprachpatenschaft');
  });
  afterAll(async () => test?.drop());

  // --- helpers -------------------------------------------------------------------------------------------------

  async function newCase(
    identity: Record<string, string> = IDENTITY,
    owner: User = caseworker,
  ): Promise<Case> {
    return unwrap(await createCase(test.db, ctx(owner, NOW), CaseIdentitySchema.parse(identity)));
  }

  async function newConsent(
    caseId: string,
    recipientOrganizationId: string,
    categories: DataCategory[],
    overrides: Record<string, string> = {},
  ): Promise<string> {
    const input = ConsentSchema.parse({
      recipientOrganizationId,
      categories,
      purpose: 'Anmeldung zum Sprachkurs',
      givenOn: '2026-11-25',
      form: 'written',
      ageGroup: '16plus',
      validUntil: '2027-05-31',
      ...overrides,
    });
    const result = await recordConsent(test.db, ctx(caseworker, NOW), { ...input, caseId: caseId });
    if (!result.ok) throw new Error(JSON.stringify(result));
    return result.value;
  }

  function form(caseId: string, serviceId: string, overrides: Record<string, unknown> = {}) {
    return ReferralFormSchema.parse({
      caseId,
      serviceId,
      purpose: 'language',
      message: 'Sucht einen Platz im Jugendintegrationskurs, vormittags.',
      contactMode: 'appointment',
      responseDueOn: '2026-12-08',
      submissionKey: newId(),
      ...overrides,
    });
  }

  async function send(
    options: {
      serviceId?: string;
      caseFile?: Case;
      form?: Record<string, unknown>;
      sender?: User;
      now?: Date;
    } = {},
  ): Promise<Referral> {
    const caseFile = options.caseFile ?? (await newCase());
    const result = await createReferral(
      test.db,
      ctx(options.sender ?? caseworker, options.now),
      form(caseFile.id, options.serviceId ?? serviceA, options.form),
    );
    if (!result.ok) throw new Error(JSON.stringify(result));
    return result.value.referral;
  }

  /** The outbox rows an action wrote (the file's tests run one after another). */
  async function mailsDuring<T>(action: () => Promise<T>): Promise<{ result: T; mails: OutboxRow[] }> {
    const before = new Set((await test.db.selectFrom('outbox').select('id').execute()).map((row) => row.id));
    const result = await action();
    const mails = (await test.db.selectFrom('outbox').selectAll().execute()).filter(
      (row) => !before.has(row.id),
    );
    return { result, mails };
  }

  const eventsOf = (referralId: string) =>
    test.db
      .selectFrom('referral_event')
      .selectAll()
      .where('referral_id', '=', referralId)
      .orderBy('at')
      .orderBy('id')
      .execute();

  const auditOf = (objectId: string, action: string) =>
    test.db
      .selectFrom('audit_log')
      .selectAll()
      .where('object_id', '=', objectId)
      .where('action', '=', action)
      .execute();

  const countRows = async (table: 'referral' | 'outbox' | 'referral_event') =>
    Number(
      (
        await test.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** A partner organization of its own (so reminders can be told apart), with or without an account. */
  async function newPartner(withAccount: boolean) {
    const email = `info-${newId()}@partner.test`;
    const organizationId = (await createTestOrganization(test.db, { email })).id;
    const user = withAccount
      ? await createTestUser(test.db, {
          role: 'partner',
          organizationId,
          email: `staff-${newId()}@partner.test`,
        })
      : null;
    return { organizationId, email, user, serviceId: await createPartnerService(organizationId) };
  }

  // --- case mutations ask the policy themselves ------------------------------------------------------------------

  describe('case mutations', () => {
    it('a caseworker of another office gets not_found from every case mutation itself, and nothing is written', async () => {
      const caseFile = await newCase();
      const consentId = await newConsent(caseFile.id, orgAId, ['name']);
      const stepId = unwrap(
        await addPlanStep(test.db, ctx(caseworker), {
          caseId: caseFile.id,
          title: 'Sprachkurs',
          dueOn: null,
        }),
      );
      const before = await test.db.selectFrom('audit_log').select('id').execute();
      const foreign = ctx(foreignCaseworker);
      const identity = CaseIdentitySchema.parse({ firstName: 'Fremd' });
      const consent = ConsentSchema.parse({
        recipientOrganizationId: orgAId,
        categories: ['name'],
        purpose: 'Anmeldung zum Sprachkurs',
        givenOn: '2026-11-25',
        form: 'written',
        ageGroup: '16plus',
        validUntil: '2027-05-31',
      });
      const caseId = caseFile.id;
      expect(await readCaseIdentity(test.db, foreign, { caseId })).toEqual({ ok: false, kind: 'not_found' });
      expect(
        await updateCaseIdentity(test.db, foreign, { ...identity, caseId, version: caseFile.version }),
      ).toEqual({ ok: false, kind: 'not_found' });
      expect(await addPlanStep(test.db, foreign, { caseId, title: 'Fremder Schritt', dueOn: null })).toEqual({
        ok: false,
        kind: 'not_found',
      });
      expect(
        await setPlanStepStatus(test.db, foreign, { caseId, stepId, version: 1, status: 'done' }),
      ).toEqual({ ok: false, kind: 'not_found' });
      expect(await recordConsent(test.db, foreign, { ...consent, caseId })).toEqual({
        ok: false,
        kind: 'not_found',
      });
      expect(await revokeConsent(test.db, foreign, { caseId, consentId })).toEqual({
        ok: false,
        kind: 'not_found',
      });
      // Coordinators administer the network, not the young people's cases.
      expect(await readCaseIdentity(test.db, ctx(coordinator), { caseId })).toEqual({
        ok: false,
        kind: 'not_found',
      });
      expect(await test.db.selectFrom('audit_log').select('id').execute()).toHaveLength(before.length);
      expect(await findPlanStep(test.db, stepId)).toMatchObject({ status: 'open', version: 1 });
      expect(await readCaseIdentity(test.db, ctx(caseworker), { caseId })).toMatchObject({
        ok: true,
        value: { firstName: 'Amira' },
      });
    });

    it("a birth date after the action's today is refused; the same date is fine once that day has come", async () => {
      const future = CaseIdentitySchema.parse({ birthDate: '2026-12-02' });
      expect(await createCase(test.db, ctx(caseworker, NOW), future)).toEqual({
        ok: false,
        kind: 'invalid',
        errors: { birthDate: 'Geburtsdatum: bitte ein Datum in der Vergangenheit eingeben.' },
      });
      const tomorrow = await createCase(test.db, ctx(caseworker, hoursAfter(NOW, 24)), future);
      expect(tomorrow.ok).toBe(true);
    });

    it('a stale case version is a conflict that carries the current case', async () => {
      const caseFile = await newCase();
      const identity = CaseIdentitySchema.parse({ firstName: 'Amira' });
      const first = await updateCaseIdentity(test.db, ctx(caseworker), {
        ...identity,
        caseId: caseFile.id,
        version: caseFile.version,
      });
      expect(first).toMatchObject({ ok: true, value: { version: caseFile.version + 1 } });
      const stale = await updateCaseIdentity(test.db, ctx(colleague), {
        ...identity,
        caseId: caseFile.id,
        version: caseFile.version,
      });
      expect(stale).toMatchObject({
        ok: false,
        kind: 'conflict',
        current: { version: caseFile.version + 1 },
      });
    });
  });

  describe('forms of the referral and case pages', () => {
    const formOf = (fields: Record<string, string>) => {
      const data = new FormData();
      for (const [key, value] of Object.entries(fields)) data.append(key, value);
      return data;
    };

    it('a junk version (abc, out of range, empty) is an input error with a German message, and nothing changes', async () => {
      const referral = await send();
      const caseFile = await newCase();
      const stepId = unwrap(
        await addPlanStep(test.db, ctx(caseworker), {
          caseId: caseFile.id,
          title: 'Sprachkurs',
          dueOn: null,
        }),
      );
      for (const version of ['abc', '99999999999', '2147483648', '', '-1', '1.5']) {
        const { result } = await handleReferralPost(
          test.db,
          ctx(partnerA),
          referral.id,
          formOf({ action: 'accept', version }),
        );
        expect(result).toMatchObject({ ok: false, kind: 'invalid', errors: { version: expect.any(String) } });
        const step = await handleCasePost(
          test.db,
          ctx(caseworker),
          caseFile.id,
          formOf({ action: 'step_status', stepId, version, status: 'done' }),
        );
        expect(step.result).toMatchObject({
          ok: false,
          kind: 'invalid',
          errors: { version: expect.any(String) },
        });
      }
      expect(await findReferral(test.db, referral.id)).toMatchObject({ status: 'sent', version: 1 });
      expect(await findPlanStep(test.db, stepId)).toMatchObject({ status: 'open', version: 1 });
    });

    it('each action has its own schema: an unknown action and an appointment without a time are refused', async () => {
      const referral = await send();
      const unknown = await handleReferralPost(
        test.db,
        ctx(partnerA),
        referral.id,
        formOf({ action: 'drop' }),
      );
      expect(unknown.result).toMatchObject({
        ok: false,
        kind: 'invalid',
        errors: { _form: expect.any(String) },
      });
      const appointment = await handleReferralPost(
        test.db,
        ctx(partnerA),
        referral.id,
        formOf({ action: 'appointment', version: '1', appointmentAt: '2026-13-40T25:00' }),
      );
      expect(appointment.result).toMatchObject({
        ok: false,
        kind: 'invalid',
        errors: { appointmentAt: 'Termin: bitte Datum und Uhrzeit angeben.' },
      });
      const accepted = await handleReferralPost(
        test.db,
        ctx(partnerA),
        referral.id,
        formOf({ action: 'accept', version: '1' }),
      );
      expect(accepted.result).toEqual({ ok: true, value: 'Gespeichert. Neuer Stand: Angenommen.' });
    });
  });

  // --- sending -------------------------------------------------------------------------------------------------

  describe('sending', () => {
    it('a sent referral has status sent, a created and a send event, and an audit entry referral.send', async () => {
      const referral = await send();
      expect(referral.status).toBe('sent');
      expect(referral.sentAt).toBe(NOW.toISOString());
      expect(referral.recipientOrganizationId).toBe(orgAId);
      // Both events carry the same timestamp, so their order is not asserted.
      const events = await eventsOf(referral.id);
      expect(events.map((event) => [event.kind, event.from_status, event.to_status]).sort()).toEqual([
        ['created', null, 'draft'],
        ['send', 'draft', 'sent'],
      ]);
      const audit = await auditOf(referral.id, 'referral.send');
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_user_id: caseworker.id, consent_id: null });
    });

    it('the partner staff get a neutral "referral.new" mail without case code, name or service name', async () => {
      const caseFile = await newCase();
      const { mails } = await mailsDuring(() => send({ caseFile }));
      expect(mails.map((mail) => mail.to_address).sort()).toEqual([partnerA.email, partnerA2.email].sort());
      for (const mail of mails) {
        expect(mail.kind).toBe('referral.new');
        expect(mail.subject).toMatch(/^Neue Vermittlung von .+ \(.+\) – bitte anmelden$/);
        expect(mail.body_text).toContain(`${BASE_URL}/eingang`);
        expect(mail.body_text).toContain('08.12.2026');
        // The sending office and caseworker are named on purpose (issue #11); nothing about the young person or the
        // offer is.
        expect(mail.subject).toContain('JMD Lübeck');
        for (const secret of [caseFile.code, 'Amira', 'Haddad', SERVICE_NAME, 'Sprachschule']) {
          expect(`${mail.subject}\n${mail.body_text}`).not.toContain(secret);
        }
      }
    });

    it('the timeline lists the creation before the sending, although both share one moment', async () => {
      // Event ids are random, so a few referrals make a tie broken by id show up.
      for (let i = 0; i < 6; i += 1) {
        const referral = await send();
        const kinds = (await listReferralEvents(test.db, referral.id)).map((event) => event.kind);
        expect(kinds).toEqual(['created', 'send']);
      }
    });

    it('the timeline of a link referral reads created, send, link sent', async () => {
      for (let i = 0; i < 4; i += 1) {
        const referral = await send({ serviceId: serviceC });
        const kinds = (await listReferralEvents(test.db, referral.id)).map((event) => event.kind);
        expect(kinds).toEqual(['created', 'send', 'link_sent']);
      }
    });

    it('a partner with accounts gets no single-use link', async () => {
      const referral = await send();
      const links = await test.db
        .selectFrom('referral_link')
        .select('id')
        .where('referral_id', '=', referral.id)
        .execute();
      expect(links).toEqual([]);
    });

    it('a draft writes no mail and no send event', async () => {
      const { result: referral, mails } = await mailsDuring(() => send({ form: { intent: 'draft' } }));
      expect(referral.status).toBe('draft');
      expect(mails).toEqual([]);
      expect((await eventsOf(referral.id)).map((event) => event.kind)).toEqual(['created']);
      expect(await auditOf(referral.id, 'referral.create')).toHaveLength(1);
    });

    it('sending a draft later mails the partner then', async () => {
      const draft = await send({ form: { intent: 'draft' } });
      const { result, mails } = await mailsDuring(() =>
        transitionReferral(test.db, ctx(caseworker), {
          id: draft.id,
          version: draft.version,
          action: 'send',
          reason: null,
          outcome: null,
        }),
      );
      expect(result).toMatchObject({ ok: true, value: { status: 'sent' } });
      expect(mails.map((mail) => mail.kind)).toEqual(['referral.new', 'referral.new']);
    });

    it('an anonymous enquiry cannot ask the partner to get in touch: refused in German, nothing written', async () => {
      const caseFile = await newCase();
      const before = await countRows('referral');
      for (const intent of ['send', 'draft']) {
        const result = await createReferral(
          test.db,
          ctx(caseworker),
          form(caseFile.id, serviceA, { contactMode: 'partner_calls', intent }),
        );
        expect(result).toMatchObject({ ok: false, kind: 'invalid' });
        if (result.ok || result.kind !== 'invalid') return;
        expect(Object.keys(result.errors)).toEqual(['contactMode']);
        expect(result.errors['contactMode']).toContain('Kontaktdaten');
      }
      expect(await countRows('referral')).toBe(before);
    });

    it('"the partner gets in touch" goes out once the contact data is shared with consent', async () => {
      const caseFile = await newCase();
      await newConsent(caseFile.id, orgAId, ['contact']);
      const referral = await send({
        caseFile,
        form: { contactMode: 'partner_calls', sharedCategories: ['contact'] },
      });
      expect(referral).toMatchObject({
        status: 'sent',
        contactMode: 'partner_calls',
        sharedCategories: ['contact'],
      });
    });

    it('a due date in the past is refused in German', async () => {
      const caseFile = await newCase();
      const result = await createReferral(
        test.db,
        ctx(caseworker),
        form(caseFile.id, serviceA, { responseDueOn: '2026-11-30' }),
      );
      expect(result).toEqual({
        ok: false,
        kind: 'invalid',
        errors: { responseDueOn: 'Antwort bis: das Datum darf nicht in der Vergangenheit liegen.' },
      });
    });
  });

  // --- single-use links ----------------------------------------------------------------------------------------

  describe('single-use links', () => {
    async function sendToC() {
      const { result: referral, mails } = await mailsDuring(() => send({ serviceId: serviceC }));
      expect(mails).toHaveLength(1);
      return { referral, mail: mails[0]!, token: tokenIn(mails[0]!) };
    }

    it('an organization without accounts gets a "referral.link" mail with a link at its directory address', async () => {
      const { referral, mail } = await sendToC();
      expect(mail).toMatchObject({ kind: 'referral.link', to_address: ORG_C_EMAIL });
      expect(mail.body_text).toMatch(new RegExp(`${BASE_URL}/link/[a-z2-7]{32}`));
      expect(mail.body_text).not.toContain('Amira');
      expect((await eventsOf(referral.id)).map((event) => event.kind)).toContain('link_sent');
    });

    it('only the hash of the link token is stored', async () => {
      const { referral, token } = await sendToC();
      const rows = await test.db
        .selectFrom('referral_link')
        .selectAll()
        .where('referral_id', '=', referral.id)
        .execute();
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(token);
    });

    it('a link opens once; the second try is refused with a German message', async () => {
      const { referral, token } = await sendToC();
      const first = await openReferralLink(test.db, ctx(ANONYMOUS, NOW), { token: token });
      expect(first).toMatchObject({ ok: true, value: { referralId: referral.id } });
      const second = await openReferralLink(test.db, ctx(ANONYMOUS, hoursAfter(NOW, 1)), { token: token });
      expect(second).toEqual({
        ok: false,
        kind: 'refused',
        reason: 'Dieser Link ist abgelaufen, wurde schon benutzt oder durch einen neueren Link ersetzt.',
      });
    });

    it('a link opened twice at the same moment opens once', async () => {
      const { token } = await sendToC();
      const results = await Promise.all([
        openReferralLink(test.db, ctx(ANONYMOUS, NOW), { token: token }),
        openReferralLink(test.db, ctx(ANONYMOUS, NOW), { token: token }),
      ]);
      expect(results.filter((result) => result.ok)).toHaveLength(1);
    });

    it('the browser access a link opens finds its referral beyond the seven days of the link, until the close', async () => {
      const { referral, token } = await sendToC();
      const opened = await openReferralLink(test.db, ctx(ANONYMOUS, NOW), { token: token });
      if (!opened.ok) throw new Error(opened.kind);
      const access = await findLinkAccess(test.db, opened.value.accessToken);
      expect(access).toMatchObject({ referralId: referral.id });
      expect(await findLinkAccess(test.db, opened.value.accessToken)).toMatchObject({
        state: 'open',
        referralId: referral.id,
      });
    });

    it('an unused link no longer opens after seven days', async () => {
      const { token } = await sendToC();
      expect(
        (await openReferralLink(test.db, ctx(ANONYMOUS, hoursAfter(NOW, 8 * 24)), { token: token })).ok,
      ).toBe(false);
    });

    it('a garbage token is refused', async () => {
      expect((await openReferralLink(test.db, ctx(ANONYMOUS, NOW), { token: 'not-a-token' })).ok).toBe(false);
      expect(await findLinkAccess(test.db, 'a'.repeat(32))).toBeNull();
    });

    it('a fresh link from the caseworker keeps the access a browser already opened (decision 0013)', async () => {
      const { referral, token: oldToken } = await sendToC();
      const opened = await openReferralLink(test.db, ctx(ANONYMOUS, NOW), { token: oldToken });
      if (!opened.ok) throw new Error(opened.kind);
      const { result, mails } = await mailsDuring(() =>
        resendReferralLink(test.db, ctx(caseworker, hoursAfter(NOW, 2)), { id: referral.id }),
      );
      expect(result).toEqual({ ok: true, value: null });
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({ kind: 'referral.link', to_address: ORG_C_EMAIL });
      // The browser that opened the old link keeps its access until the referral is closed.
      expect(await findLinkAccess(test.db, opened.value.accessToken)).toMatchObject({
        state: 'open',
        referralId: referral.id,
      });
      const fresh = await openReferralLink(test.db, ctx(ANONYMOUS, hoursAfter(NOW, 3)), {
        token: tokenIn(mails[0]!),
      });
      expect(fresh).toMatchObject({ ok: true, value: { referralId: referral.id } });
    });

    it('a fresh link makes an unused old link useless', async () => {
      const { referral, token: oldToken } = await sendToC();
      await resendReferralLink(test.db, ctx(caseworker), { id: referral.id });
      expect((await openReferralLink(test.db, ctx(ANONYMOUS, NOW), { token: oldToken })).ok).toBe(false);
    });

    it('only the sending office can ask for a fresh link', async () => {
      const { referral } = await sendToC();
      for (const user of [foreignCaseworker, partnerB, coordinator, admin]) {
        expect(await resendReferralLink(test.db, ctx(user), { id: referral.id })).toEqual({
          ok: false,
          kind: 'not_found',
        });
      }
    });

    it('the partner can answer through the link, recorded as an answer by link', async () => {
      const { referral, token } = await sendToC();
      const opened = await openReferralLink(test.db, ctx(ANONYMOUS, NOW), { token: token });
      if (!opened.ok) throw new Error(opened.kind);
      const access = (await findLinkAccess(test.db, opened.value.accessToken))!;
      const { result, mails } = await mailsDuring(() =>
        transitionReferral(test.db, ctx(asLink(access)), {
          id: referral.id,
          version: referral.version,
          action: 'accept',
          reason: null,
          outcome: null,
        }),
      );
      expect(result).toMatchObject({ ok: true, value: { status: 'accepted' } });
      const accept = (await eventsOf(referral.id)).find((event) => event.kind === 'accept');
      expect(accept).toMatchObject({ actor_kind: 'partner_link', actor_user_id: null });
      expect(mails).toEqual([
        expect.objectContaining({ kind: 'referral.answer', to_address: caseworker.email }),
      ]);
    });

    it('closing the referral ends the access opened by its link', async () => {
      const { referral, token } = await sendToC();
      const opened = await openReferralLink(test.db, ctx(ANONYMOUS, NOW), { token: token });
      if (!opened.ok) throw new Error(opened.kind);
      const cancelled = await transitionReferral(test.db, ctx(caseworker), {
        id: referral.id,
        version: referral.version,
        action: 'cancel',
        outcome: null,
        reason: 'Hat sich erledigt',
      });
      expect(cancelled.ok).toBe(true);
      expect(await findLinkAccess(test.db, opened.value.accessToken)).toEqual({
        state: 'revoked',
        referralId: referral.id,
      });
    });

    it('a link for one referral is no party to another', async () => {
      const { referral } = await sendToC();
      const other = await send();
      expect(
        referralPartyOf(
          { kind: 'link', linkId: 'x', referralId: referral.id, organizationId: orgCId },
          other,
        ),
      ).toBeNull();
      const result = await transitionReferral(
        test.db,
        ctx({ kind: 'link', linkId: 'x', referralId: referral.id, organizationId: orgCId }),
        { id: other.id, version: other.version, action: 'accept', reason: null, outcome: null },
      );
      expect(result).toEqual({ ok: false, kind: 'not_found' });
    });
  });

  // --- double submits ------------------------------------------------------------------------------------------

  describe('double submits', () => {
    it('the same form submitted twice creates one referral and one round of mails', async () => {
      const caseFile = await newCase();
      const input = form(caseFile.id, serviceA);
      const { result: first, mails } = await mailsDuring(async () => {
        const one = await createReferral(test.db, ctx(caseworker), input);
        const two = await createReferral(test.db, ctx(caseworker), input);
        return [one, two];
      });
      if (!first[0]!.ok || !first[1]!.ok) throw new Error(JSON.stringify(first));
      expect(first[0]!.value.created).toBe(true);
      expect(first[1]!.value.created).toBe(false);
      expect(first[1]!.value.referral.id).toBe(first[0]!.value.referral.id);
      const rows = await test.db
        .selectFrom('referral')
        .select('id')
        .where('submission_key', '=', input.submissionKey)
        .execute();
      expect(rows).toHaveLength(1);
      expect(mails).toHaveLength(2);
    });

    it('two simultaneous submits of the same form create exactly one referral', async () => {
      const caseFile = await newCase();
      const input = form(caseFile.id, serviceA);
      const { result, mails } = await mailsDuring(() =>
        Promise.all([
          createReferral(test.db, ctx(caseworker), input),
          createReferral(test.db, ctx(caseworker), input),
        ]),
      );
      const rows = await test.db
        .selectFrom('referral')
        .select('id')
        .where('case_id', '=', caseFile.id)
        .execute();
      expect(rows).toHaveLength(1);
      expect(result.every((r) => r.ok)).toBe(true);
      const values = result.map((r) => (r.ok ? r.value : null));
      expect(values.map((v) => v?.referral.id)).toEqual([rows[0]!.id, rows[0]!.id]);
      expect(values.filter((v) => v?.created)).toHaveLength(1);
      expect(mails.filter((mail) => mail.kind === 'referral.new')).toHaveLength(2);
      expect((await eventsOf(rows[0]!.id)).map((event) => event.kind).sort()).toEqual(['created', 'send']);
    });

    it('a submission key used by someone else does not reveal their referral', async () => {
      const caseFile = await newCase();
      const input = form(caseFile.id, serviceA);
      await createReferral(test.db, ctx(caseworker), input);
      expect(await createReferral(test.db, ctx(colleague), input)).toEqual({
        ok: false,
        kind: 'not_found',
      });
    });
  });

  // --- consent -------------------------------------------------------------------------------------------------

  describe('consent', () => {
    it('shared personal data without consent is refused in German and nothing is written', async () => {
      const caseFile = await newCase();
      const before = { referrals: await countRows('referral'), mails: await countRows('outbox') };
      const result = await createReferral(
        test.db,
        ctx(caseworker),
        form(caseFile.id, serviceA, { sharedCategories: ['name', 'contact'] }),
      );
      expect(result).toMatchObject({ ok: false, kind: 'invalid' });
      if (result.ok || result.kind !== 'invalid') return;
      expect(result.errors['sharedCategories']).toContain('keine gültige Einwilligung');
      expect(result.errors['sharedCategories']).toContain('Sprachschule Nord');
      expect(result.errors['sharedCategories']).toContain('anonyme Anfrage');
      expect(await countRows('referral')).toBe(before.referrals);
      expect(await countRows('outbox')).toBe(before.mails);
    });

    it('a consent that misses one shared category does not cover the referral', async () => {
      const caseFile = await newCase();
      await newConsent(caseFile.id, orgAId, ['name']);
      const result = await createReferral(
        test.db,
        ctx(caseworker),
        form(caseFile.id, serviceA, { sharedCategories: ['name', 'health'] }),
      );
      expect(result).toMatchObject({
        ok: false,
        kind: 'invalid',
        errors: { sharedCategories: expect.any(String) },
      });
    });

    it('a consent for another organization does not cover the referral', async () => {
      const caseFile = await newCase();
      await newConsent(caseFile.id, orgCId, ['name']);
      const result = await createReferral(
        test.db,
        ctx(caseworker),
        form(caseFile.id, serviceA, { sharedCategories: ['name'] }),
      );
      expect(result).toMatchObject({ ok: false, kind: 'invalid' });
    });

    it('an expired consent does not cover the referral', async () => {
      const caseFile = await newCase();
      await newConsent(caseFile.id, orgAId, ['name'], { validUntil: '2026-12-31' });
      const result = await createReferral(
        test.db,
        ctx(caseworker, at('2027-01-04T09:00:00Z')),
        form(caseFile.id, serviceA, { sharedCategories: ['name'], responseDueOn: '2027-01-15' }),
      );
      expect(result).toMatchObject({ ok: false, kind: 'invalid' });
    });

    it('a revoked consent does not cover a new referral', async () => {
      const caseFile = await newCase();
      const consentId = await newConsent(caseFile.id, orgAId, ['name']);
      await revokeConsent(test.db, ctx(caseworker, NOW), { caseId: caseFile.id, consentId: consentId });
      const result = await createReferral(
        test.db,
        ctx(caseworker),
        form(caseFile.id, serviceA, { sharedCategories: ['name'] }),
      );
      expect(result).toMatchObject({ ok: false, kind: 'invalid' });
    });

    it('a covering consent is stored with the referral and named in the audit entry', async () => {
      const caseFile = await newCase();
      const consentId = await newConsent(caseFile.id, orgAId, ['name', 'contact', 'birth_date']);
      const referral = await send({ caseFile, form: { sharedCategories: ['name', 'contact'] } });
      expect(referral.consentId).toBe(consentId);
      expect(referral.sharedCategories).toEqual(['name', 'contact']);
      expect((await auditOf(referral.id, 'referral.send'))[0]).toMatchObject({ consent_id: consentId });
    });

    it('an anonymous enquiry goes out without any consent', async () => {
      const caseFile = await newCase({});
      const referral = await send({ caseFile });
      expect(referral).toMatchObject({ status: 'sent', consentId: null, sharedCategories: [] });
    });

    it('a consent for a young person under 16 by birth date needs a named guardian', async () => {
      const caseFile = await newCase({ ...IDENTITY, birthDate: '2012-03-01' });
      const input = ConsentSchema.parse({
        recipientOrganizationId: orgAId,
        categories: ['name'],
        purpose: 'Anmeldung zum Sprachkurs',
        givenOn: '2026-11-25',
        form: 'written',
        ageGroup: '16plus',
        validUntil: '2027-05-31',
      });
      const result = await recordConsent(test.db, ctx(caseworker, NOW), { ...input, caseId: caseFile.id });
      expect(result).toMatchObject({ ok: false, kind: 'invalid' });
      if (result.ok || result.kind !== 'invalid') return;
      expect(Object.keys(result.errors).sort()).toEqual(['ageGroup', 'guardianConsent']);
      const consents = await test.db
        .selectFrom('consent')
        .select('id')
        .where('case_id', '=', caseFile.id)
        .execute();
      expect(consents).toEqual([]);
    });

    it('a consent can only name a partner organization', async () => {
      const caseFile = await newCase();
      const input = ConsentSchema.parse({
        recipientOrganizationId: officeId,
        categories: ['name'],
        purpose: 'Anmeldung zum Sprachkurs',
        givenOn: '2026-11-25',
        form: 'oral',
        ageGroup: '16plus',
        validUntil: '2027-05-31',
      });
      const result = await recordConsent(test.db, ctx(caseworker, NOW), { ...input, caseId: caseFile.id });
      expect(result).toMatchObject({
        ok: false,
        kind: 'invalid',
        errors: { recipientOrganizationId: expect.any(String) },
      });
    });
  });

  // --- policy --------------------------------------------------------------------------------------------------

  describe('who is a party', () => {
    const resourceOf = (referral: Referral) => ({ type: 'referral' as const, ...referral });

    it('a partner of another organization is no party to the referral', async () => {
      const referral = await send();
      expect(referralPartyOf(partnerB, referral)).toBeNull();
      expect(referralPartyOf(partnerB, referral)).toBeNull();
      expect(can(partnerB, 'referral.read', resourceOf(referral))).toBe(false);
      expect(can(partnerB, 'referral.act', resourceOf(referral))).toBe(false);
      expect(
        await transitionReferral(test.db, ctx(partnerB), {
          id: referral.id,
          version: referral.version,
          action: 'accept',
          reason: null,
          outcome: null,
        }),
      ).toEqual({ ok: false, kind: 'not_found' });
      expect(
        await proposeAppointment(test.db, ctx(partnerB), {
          id: referral.id,
          version: referral.version,
          action: 'appointment',
          appointmentAt: '2026-12-10T09:00:00.000Z',
          appointmentNote: null,
        }),
      ).toEqual({ ok: false, kind: 'not_found' });
      expect((await findReferral(test.db, referral.id))!.version).toBe(referral.version);
    });

    it('a partner of another organization gets no personal data and leaves no view', async () => {
      const caseFile = await newCase();
      await newConsent(caseFile.id, orgAId, ['name']);
      const referral = await send({ caseFile, form: { sharedCategories: ['name'] } });
      expect(await readSharedPersonalData(test.db, ctx(partnerB), referral)).toBeNull();
      await recordReferralView(test.db, ctx(partnerB), referral);
      expect((await eventsOf(referral.id)).map((event) => event.kind)).not.toContain('viewed');
      expect(await auditOf(referral.id, 'referral.read')).toEqual([]);
      expect(await auditOf(referral.id, 'referral.personal_data_read')).toEqual([]);
    });

    it("a partner organization's list never shows another organization's referral", async () => {
      const referral = await send();
      const listed = await listReferrals(
        test.db,
        { kind: 'recipient', organizationId: partnerB.organizationId },
        'all',
        '2026-12-01',
        { limit: 500 },
      );
      expect(listed.map((item) => item.id)).not.toContain(referral.id);
    });

    it('a caseworker of another office is no party and may not read the case', async () => {
      const caseFile = await newCase();
      const referral = await send({ caseFile });
      expect(referralPartyOf(foreignCaseworker, referral)).toBeNull();
      expect(
        await transitionReferral(test.db, ctx(foreignCaseworker), {
          id: referral.id,
          version: referral.version,
          action: 'cancel',
          outcome: null,
          reason: 'Irrtum',
        }),
      ).toEqual({ ok: false, kind: 'not_found' });
      expect(await tickPlanStepOfReferral(test.db, ctx(foreignCaseworker), { id: referral.id })).toEqual({
        ok: false,
        kind: 'not_found',
      });
      expect(can(foreignCaseworker, 'case.read', { type: 'case', officeId: caseFile.officeId })).toBe(false);
      expect(can(colleague, 'case.read', { type: 'case', officeId: caseFile.officeId })).toBe(true);
    });

    it('a caseworker of another office cannot refer a case of this office', async () => {
      const caseFile = await newCase();
      const result = await createReferral(test.db, ctx(foreignCaseworker), form(caseFile.id, serviceA));
      expect(result).toMatchObject({
        ok: false,
        kind: 'invalid',
        errors: { caseId: 'Bitte einen Fall Ihrer Dienststelle wählen.' },
      });
    });

    it('a colleague in the sending office is a party and may act on the referral', async () => {
      const referral = await send();
      expect(referralPartyOf(colleague, referral)).toBe('caseworker');
      const result = await transitionReferral(test.db, ctx(colleague), {
        id: referral.id,
        version: referral.version,
        action: 'cancel',
        outcome: null,
        reason: 'Der junge Mensch ist umgezogen',
      });
      expect(result).toMatchObject({ ok: true, value: { status: 'cancelled' } });
    });

    it('coordinators and admins are no party to a referral', async () => {
      const caseFile = await newCase();
      await newConsent(caseFile.id, orgAId, ['name']);
      const referral = await send({ caseFile, form: { sharedCategories: ['name'] } });
      for (const user of [coordinator, admin]) {
        expect(referralPartyOf(user, referral)).toBeNull();
        expect(
          await transitionReferral(test.db, ctx(user), {
            id: referral.id,
            version: referral.version,
            action: 'enter_in_error',
            outcome: null,
            reason: 'Test',
          }),
        ).toEqual({ ok: false, kind: 'not_found' });
        expect(await readSharedPersonalData(test.db, ctx(user), referral)).toBeNull();
      }
    });

    it('a deactivated partner is no party any more', async () => {
      const referral = await send();
      expect(referralPartyOf({ ...partnerA, active: false }, referral)).toBeNull();
    });

    it('a partner never sees a draft', async () => {
      const draft = await send({ form: { intent: 'draft' } });
      expect(referralPartyOf(partnerA, draft)).toBeNull();
      expect(referralPartyOf(partnerA, draft)).toBeNull();
      expect(
        await transitionReferral(test.db, ctx(partnerA), {
          id: draft.id,
          version: draft.version,
          action: 'accept',
          reason: null,
          outcome: null,
        }),
      ).toEqual({ ok: false, kind: 'not_found' });
      const listed = await listReferrals(
        test.db,
        { kind: 'recipient', organizationId: orgAId },
        'all',
        '2026-12-01',
        {
          limit: 500,
        },
      );
      expect(listed.map((item) => item.id)).not.toContain(draft.id);
      expect(listed.length).toBeGreaterThan(0);
    });
  });

  // --- personal data on the partner's side ----------------------------------------------------------------------

  describe('readSharedPersonalData', () => {
    async function sharedReferral(consented: DataCategory[], shared: DataCategory[]) {
      const caseFile = await newCase();
      const consentId = await newConsent(caseFile.id, orgAId, consented);
      const referral = await send({ caseFile, form: { sharedCategories: shared } });
      return { caseFile, consentId, referral };
    }

    it('the partner sees the fields of the shared categories and nothing else', async () => {
      const { consentId, referral } = await sharedReferral(
        ['name', 'contact', 'birth_date'],
        ['name', 'contact'],
      );
      const data = await readSharedPersonalData(test.db, ctx(partnerA), referral);
      expect(data).toEqual({
        consentId,
        categories: ['name', 'contact'],
        fields: [
          { label: 'Vorname', value: 'Amira' },
          { label: 'Nachname', value: 'Haddad' },
          { label: 'Telefon', value: '0451 123456' },
          { label: 'E-Mail', value: 'amira.haddad@example.org' },
        ],
      });
      // Consented but not shared, and neither consented nor shared: both stay in the office.
      expect(JSON.stringify(data)).not.toContain('14.05.2008');
      expect(JSON.stringify(data)).not.toContain('Asthma');
      expect(JSON.stringify(data)).not.toContain('Aufenthaltserlaubnis');
    });

    it('the partner sees the birth date in German format when it was shared', async () => {
      const { referral } = await sharedReferral(['birth_date'], ['birth_date']);
      const data = await readSharedPersonalData(test.db, ctx(partnerA), referral);
      expect(data?.fields).toEqual([{ label: 'Geburtsdatum', value: '14.05.2008' }]);
    });

    it('an anonymous enquiry shows no personal data', async () => {
      const referral = await send();
      expect(await readSharedPersonalData(test.db, ctx(partnerA), referral)).toBeNull();
    });

    it('revoking the consent ends the partner’s access at once', async () => {
      const { caseFile, consentId, referral } = await sharedReferral(['name'], ['name']);
      expect(await readSharedPersonalData(test.db, ctx(partnerA), referral)).not.toBeNull();
      const revoked = await revokeConsent(test.db, ctx(caseworker, hoursAfter(NOW, 1)), {
        caseId: caseFile.id,
        consentId,
      });
      expect(revoked.ok).toBe(true);
      const fresh = (await findReferral(test.db, referral.id))!;
      expect(await readSharedPersonalData(test.db, ctx(partnerA, hoursAfter(NOW, 1)), fresh)).toBeNull();
      // The referral object the page loaded before the revocation does not help either: the check reads the consent.
      expect(await readSharedPersonalData(test.db, ctx(partnerA, hoursAfter(NOW, 1)), referral)).toBeNull();
      expect((await eventsOf(referral.id)).map((event) => event.kind)).toContain('consent_revoked');
    });

    it('an expired consent shows no personal data', async () => {
      const caseFile = await newCase();
      await newConsent(caseFile.id, orgAId, ['name'], { validUntil: '2026-12-31' });
      const referral = await send({ caseFile, form: { sharedCategories: ['name'] } });
      expect(
        await readSharedPersonalData(test.db, ctx(partnerA, at('2027-01-01T09:00:00Z')), referral),
      ).toBeNull();
    });

    it('each disclosure is audited with its consent id, never with content', async () => {
      const { consentId, referral } = await sharedReferral(['name'], ['name']);
      await readSharedPersonalData(test.db, ctx(partnerA), referral);
      const audit = await auditOf(referral.id, 'referral.personal_data_read');
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actor_user_id: partnerA.id,
        consent_id: consentId,
        object_type: 'referral',
      });
      expect(JSON.stringify(audit)).not.toContain('Amira');
    });

    it('a read that shows nothing is not audited as a disclosure', async () => {
      const referral = await send();
      await readSharedPersonalData(test.db, ctx(partnerA), referral);
      expect(await auditOf(referral.id, 'referral.personal_data_read')).toEqual([]);
    });
  });

  // --- concurrency and versions --------------------------------------------------------------------------------

  describe('versions', () => {
    it('two partner staff accepting at once: one wins, the other gets a German conflict, one accept is recorded', async () => {
      const referral = await send();
      const results = await Promise.all([
        transitionReferral(test.db, ctx(partnerA), {
          id: referral.id,
          version: referral.version,
          action: 'accept',
          reason: null,
          outcome: null,
        }),
        transitionReferral(test.db, ctx(partnerA2), {
          id: referral.id,
          version: referral.version,
          action: 'accept',
          reason: null,
          outcome: null,
        }),
      ]);
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      const loser = results.find((result) => !result.ok);
      expect(loser).toMatchObject({ ok: false, kind: 'conflict', current: { status: 'accepted' } });
      if (loser && !loser.ok && loser.kind === 'conflict') {
        expect(loser.message).toContain('inzwischen geändert');
        expect(loser.message).toContain('„Angenommen“');
      }
      const accepts = (await eventsOf(referral.id)).filter((event) => event.kind === 'accept');
      expect(accepts).toHaveLength(1);
      expect((await findReferral(test.db, referral.id))!.version).toBe(referral.version + 1);
    });

    it('a stale version is a conflict that shows the current state and changes nothing', async () => {
      const referral = await send();
      await transitionReferral(test.db, ctx(partnerA), {
        id: referral.id,
        version: referral.version,
        action: 'accept',
        reason: null,
        outcome: null,
      });
      const eventsBefore = (await eventsOf(referral.id)).length;
      const result = await transitionReferral(test.db, ctx(caseworker), {
        id: referral.id,
        version: referral.version,
        action: 'cancel',
        outcome: null,
        reason: 'Doch nicht nötig',
      });
      expect(result).toMatchObject({
        ok: false,
        kind: 'conflict',
        current: { status: 'accepted', version: referral.version + 1 },
      });
      expect((await eventsOf(referral.id)).length).toBe(eventsBefore);
      expect((await findReferral(test.db, referral.id))!.status).toBe('accepted');
    });

    it('a double click repeats nothing and is answered as done', async () => {
      const referral = await send();
      const { result, mails } = await mailsDuring(async () => {
        const first = await transitionReferral(test.db, ctx(partnerA, at('2026-12-01T10:00:00.000Z')), {
          id: referral.id,
          version: referral.version,
          action: 'accept',
          reason: null,
          outcome: null,
        });
        const second = await transitionReferral(test.db, ctx(partnerA, at('2026-12-01T10:00:00.400Z')), {
          id: referral.id,
          version: referral.version,
          action: 'accept',
          reason: null,
          outcome: null,
        });
        return [first, second];
      });
      expect(result[0]).toMatchObject({ ok: true, value: { status: 'accepted' } });
      expect(result[1]).toMatchObject({ ok: true, value: { status: 'accepted' } });
      expect((await eventsOf(referral.id)).filter((event) => event.kind === 'accept')).toHaveLength(1);
      expect(mails.filter((mail) => mail.kind === 'referral.answer')).toHaveLength(1);
    });

    it('a double click whose two requests arrive at once is answered as done twice, with one event', async () => {
      const referral = await send();
      const click = () =>
        transitionReferral(test.db, ctx(partnerA, hoursAfter(NOW, 1)), {
          id: referral.id,
          version: referral.version,
          action: 'accept',
          reason: null,
          outcome: null,
        });
      const results = await Promise.all([click(), click()]);
      expect(results).toEqual([
        expect.objectContaining({ ok: true, value: expect.objectContaining({ status: 'accepted' }) }),
        expect.objectContaining({ ok: true, value: expect.objectContaining({ status: 'accepted' }) }),
      ]);
      expect((await eventsOf(referral.id)).filter((event) => event.kind === 'accept')).toHaveLength(1);
    });

    it('the same action by a colleague with a stale version is a conflict, not a repeat', async () => {
      const referral = await send();
      await transitionReferral(test.db, ctx(partnerA, hoursAfter(NOW, 1)), {
        id: referral.id,
        version: referral.version,
        action: 'accept',
        reason: null,
        outcome: null,
      });
      const result = await transitionReferral(test.db, ctx(partnerA2, hoursAfter(NOW, 1.01)), {
        id: referral.id,
        version: referral.version,
        action: 'accept',
        reason: null,
        outcome: null,
      });
      expect(result).toMatchObject({ ok: false, kind: 'conflict' });
    });
  });

  // --- the closed loop -----------------------------------------------------------------------------------------

  describe('the closed loop', () => {
    it('accept, start, complete with an outcome; the caseworker is told each time and ticks the plan step off', async () => {
      const caseFile = await newCase();
      const stepId = unwrap(
        await addPlanStep(test.db, ctx(caseworker, NOW), {
          ...PlanStepSchema.parse({ title: 'Sprachkurs B2 beginnen', dueOn: '2027-02-01' }),
          caseId: caseFile.id,
        }),
      );
      let referral = await send({ caseFile, form: { planStepId: stepId } });
      const answers: OutboxRow[] = [];
      for (const [action, input, hours] of [
        ['accept', {}, 1],
        ['start', {}, 24],
        ['complete', { outcome: 'got_help' }, 48],
      ] as const) {
        const { result, mails } = await mailsDuring(() =>
          transitionReferral(test.db, ctx(partnerA, hoursAfter(NOW, hours)), {
            id: referral.id,
            version: referral.version,
            action: action,
            reason: null,
            outcome: null,
            ...input,
          }),
        );
        if (!result.ok) throw new Error(`${action}: ${JSON.stringify(result)}`);
        referral = result.value;
        answers.push(...mails);
      }
      expect(referral).toMatchObject({
        status: 'completed',
        outcome: 'got_help',
        answeredAt: hoursAfter(NOW, 1).toISOString(),
      });
      expect(answers.map((mail) => [mail.kind, mail.to_address])).toEqual([
        ['referral.answer', caseworker.email],
        ['referral.answer', caseworker.email],
        ['referral.answer', caseworker.email],
      ]);
      expect(answers[2]!.body_text).toContain('Die Einrichtung hat ein Ergebnis gemeldet');
      expect(answers[2]!.body_text).not.toContain('Amira');

      const ticked = await tickPlanStepOfReferral(test.db, ctx(caseworker, hoursAfter(NOW, 50)), {
        id: referral.id,
      });
      expect(ticked).toEqual({ ok: true, value: null });
      expect(await findPlanStep(test.db, stepId)).toMatchObject({ status: 'done' });
      // created and send share a timestamp; everything after follows in order.
      expect((await eventsOf(referral.id)).map((event) => event.kind).slice(2)).toEqual([
        'accept',
        'start',
        'complete',
        'plan_step_done',
      ]);
      // Ticking again changes nothing.
      expect(
        await tickPlanStepOfReferral(test.db, ctx(caseworker, hoursAfter(NOW, 51)), { id: referral.id }),
      ).toEqual({
        ok: true,
        value: null,
      });
      expect((await eventsOf(referral.id)).filter((event) => event.kind === 'plan_step_done')).toHaveLength(
        1,
      );
    });

    it('the plan step cannot be ticked off before the partner reports completion', async () => {
      const caseFile = await newCase();
      const stepId = unwrap(
        await addPlanStep(test.db, ctx(caseworker, NOW), {
          ...PlanStepSchema.parse({ title: 'Sprachkurs B2 beginnen', dueOn: '' }),
          caseId: caseFile.id,
        }),
      );
      const referral = await send({ caseFile, form: { planStepId: stepId } });
      const result = await tickPlanStepOfReferral(test.db, ctx(caseworker), { id: referral.id });
      expect(result).toMatchObject({ ok: false, kind: 'invalid', errors: { planStep: expect.any(String) } });
      expect(await findPlanStep(test.db, stepId)).toMatchObject({ status: 'open' });
    });

    it('a partner completing a sent referral is refused with a message and leaves no trace', async () => {
      const referral = await send();
      const before = await eventsOf(referral.id);
      const { result, mails } = await mailsDuring(() =>
        transitionReferral(test.db, ctx(partnerA), {
          id: referral.id,
          version: referral.version,
          action: 'complete',
          reason: null,
          outcome: 'got_help',
        }),
      );
      expect(result).toMatchObject({
        ok: false,
        kind: 'invalid',
        errors: { action: expect.stringContaining('„Gesendet“') },
      });
      expect(await eventsOf(referral.id)).toEqual(before);
      expect(mails).toEqual([]);
      expect((await findReferral(test.db, referral.id))!).toMatchObject({
        status: 'sent',
        version: referral.version,
      });
    });

    it('a decline without a reason is refused and stays sent', async () => {
      const referral = await send();
      const result = await transitionReferral(test.db, ctx(partnerA), {
        id: referral.id,
        version: referral.version,
        action: 'decline',
        outcome: null,
        reason: '  ',
      });
      expect(result).toEqual({
        ok: false,
        kind: 'invalid',
        errors: { reason: 'Bitte geben Sie einen kurzen Grund an.' },
      });
      expect((await findReferral(test.db, referral.id))!.status).toBe('sent');
    });

    it('a decline with a reason stores the reason and tells the caseworker', async () => {
      const referral = await send();
      const { result, mails } = await mailsDuring(() =>
        transitionReferral(test.db, ctx(partnerA), {
          id: referral.id,
          version: referral.version,
          action: 'decline',
          outcome: null,
          reason: 'Kurs ist bis März voll',
        }),
      );
      expect(result).toMatchObject({
        ok: true,
        value: { status: 'declined', statusReason: 'Kurs ist bis März voll' },
      });
      expect(mails.map((mail) => mail.kind)).toEqual(['referral.answer']);
    });

    it('a caseworker withdrawing a referral tells the partner staff neutrally', async () => {
      const caseFile = await newCase();
      const referral = await send({ caseFile });
      const { mails } = await mailsDuring(() =>
        transitionReferral(test.db, ctx(caseworker), {
          id: referral.id,
          version: referral.version,
          action: 'cancel',
          outcome: null,
          reason: 'Hat einen Platz woanders',
        }),
      );
      expect(mails.map((mail) => [mail.kind, mail.to_address]).sort()).toEqual(
        [
          ['referral.cancelled', partnerA.email],
          ['referral.cancelled', partnerA2.email],
        ].sort(),
      );
      for (const mail of mails) expect(mail.body_text).not.toContain(caseFile.code);
    });

    it('the partner proposes an appointment and the caseworker is told', async () => {
      const referral = await send();
      const { result, mails } = await mailsDuring(() =>
        proposeAppointment(test.db, ctx(partnerA), {
          id: referral.id,
          version: referral.version,
          action: 'appointment',
          appointmentAt: '2026-12-10T09:00:00.000Z',
          appointmentNote: 'Bitte Ausweis mitbringen',
        }),
      );
      expect(result).toMatchObject({
        ok: true,
        value: { appointmentAt: '2026-12-10T09:00:00.000Z', status: 'sent' },
      });
      expect(mails.map((mail) => [mail.kind, mail.to_address])).toEqual([
        ['referral.answer', caseworker.email],
      ]);
    });

    it('an appointment in the past is refused', async () => {
      const referral = await send();
      const result = await proposeAppointment(test.db, ctx(partnerA), {
        id: referral.id,
        version: referral.version,
        action: 'appointment',
        appointmentAt: '2026-11-30T09:00:00.000Z',
        appointmentNote: null,
      });
      expect(result).toEqual({
        ok: false,
        kind: 'invalid',
        errors: { appointmentAt: 'Der Termin muss in der Zukunft liegen.' },
      });
    });
  });

  // --- reminders -----------------------------------------------------------------------------------------------

  describe('sendDueReminders', () => {
    // Due Thursday 3 December; the reminders job runs whenever the test says.
    const DUE = '2026-12-03';
    const run = (iso: string) => mailsDuring(() => sendDueReminders(test.db, ctx(SYSTEM, at(iso))));

    async function dueReferral(withAccount = true) {
      const partner = await newPartner(withAccount);
      const referral = await send({ serviceId: partner.serviceId, form: { responseDueOn: DUE } });
      const to = partner.user?.email ?? partner.email;
      const mailsTo = (mails: OutboxRow[]) => mails.filter((mail) => mail.to_address === to);
      return { partner, referral, mailsTo };
    }

    it('sends no reminder once the partner proposed an appointment, even before accepting', async () => {
      const { partner, referral, mailsTo } = await dueReferral();
      const proposed = await proposeAppointment(test.db, ctx(partner.user!, at('2026-12-02T10:00:00Z')), {
        id: referral.id,
        version: referral.version,
        action: 'appointment',
        appointmentAt: '2026-12-10T09:00:00.000Z',
        appointmentNote: null,
      });
      expect(proposed.ok).toBe(true);
      const { mails } = await run('2026-12-07T07:00:00Z');
      expect(mailsTo(mails)).toEqual([]);
      const current = (await findReferral(test.db, referral.id))!;
      expect(current.reminderCount).toBe(0);
      expect(isOverdue(current, '2026-12-07')).toBe(false);
    });

    it('sends nothing while the answer is not yet due', async () => {
      const { referral, mailsTo } = await dueReferral();
      const { mails } = await run('2026-12-03T20:00:00Z');
      expect(mailsTo(mails)).toEqual([]);
      expect((await findReferral(test.db, referral.id))!).toMatchObject({
        reminderCount: 0,
        overdueSince: null,
      });
    });

    it('the day after the due date brings the first reminder, an overdue event and the overdue flag', async () => {
      const { referral, mailsTo } = await dueReferral();
      const { result, mails } = await run('2026-12-04T07:00:00Z');
      expect(result.first).toBeGreaterThanOrEqual(1);
      expect(mailsTo(mails)).toEqual([
        expect.objectContaining({
          kind: 'referral.reminder',
          subject: expect.stringMatching(/^Erinnerung: Vermittlung von .+ wartet auf Antwort$/),
        }),
      ]);
      expect(mailsTo(mails)[0]!.body_text).toContain(`${BASE_URL}/eingang`);
      expect((await findReferral(test.db, referral.id))!).toMatchObject({
        reminderCount: 1,
        overdueSince: '2026-12-04T07:00:00.000Z',
      });
      const kinds = (await listReferralEvents(test.db, referral.id)).map((event) => event.kind);
      expect(kinds).toEqual(['created', 'send', 'overdue', 'reminder']);
    });

    it('the next run on the same day sends no second reminder', async () => {
      const { referral, mailsTo } = await dueReferral();
      await run('2026-12-04T07:00:00Z');
      const { mails } = await run('2026-12-04T07:01:00Z');
      const later = await run('2026-12-04T16:00:00Z');
      expect(mailsTo([...mails, ...later.mails])).toEqual([]);
      expect((await findReferral(test.db, referral.id))!.reminderCount).toBe(1);
    });

    it('the second reminder follows after the configured working days, and no third', async () => {
      const { referral, mailsTo } = await dueReferral();
      await run('2026-12-04T07:00:00Z'); // Friday: first reminder
      expect(mailsTo((await run('2026-12-07T07:00:00Z')).mails)).toEqual([]); // Monday: one working day later
      const second = mailsTo((await run('2026-12-08T07:00:00Z')).mails); // Tuesday: two working days later
      expect(second).toEqual([
        expect.objectContaining({
          kind: 'referral.reminder',
          subject: expect.stringMatching(/^Zweite Erinnerung: Vermittlung von .+ wartet auf Antwort$/),
        }),
      ]);
      expect(mailsTo((await run('2026-12-15T07:00:00Z')).mails)).toEqual([]);
      const after = (await findReferral(test.db, referral.id))!;
      expect(after).toMatchObject({ reminderCount: 2, overdueSince: '2026-12-04T07:00:00.000Z' });
      expect((await eventsOf(referral.id)).filter((event) => event.kind === 'overdue')).toHaveLength(1);
    });

    it('the second reminder waits the configured working days after the first, even when the first came late', async () => {
      const { referral, mailsTo } = await dueReferral();
      // The job did not run for a week (maintenance): the first reminder goes out on Thursday, 10 December.
      expect(mailsTo((await run('2026-12-10T07:00:00Z')).mails)).toHaveLength(1);
      expect(mailsTo((await run('2026-12-10T07:01:00Z')).mails)).toEqual([]);
      expect(mailsTo((await run('2026-12-11T07:00:00Z')).mails)).toEqual([]);
      expect(mailsTo((await run('2026-12-14T07:00:00Z')).mails)).toHaveLength(1);
      expect((await findReferral(test.db, referral.id))!.reminderCount).toBe(2);
    });

    it('no reminder after the partner answered', async () => {
      const { partner, referral, mailsTo } = await dueReferral();
      const accepted = await transitionReferral(test.db, ctx(partner.user!), {
        id: referral.id,
        version: referral.version,
        action: 'accept',
        reason: null,
        outcome: null,
      });
      expect(accepted.ok).toBe(true);
      const { mails } = await run('2026-12-04T07:00:00Z');
      expect(mailsTo(mails)).toEqual([]);
      expect((await findReferral(test.db, referral.id))!).toMatchObject({
        reminderCount: 0,
        overdueSince: null,
      });
    });

    it('an answer after the first reminder clears the overdue flag and stops the second', async () => {
      const { partner, referral, mailsTo } = await dueReferral();
      await run('2026-12-04T07:00:00Z');
      const current = (await findReferral(test.db, referral.id))!;
      const declined = await transitionReferral(test.db, ctx(partner.user!, at('2026-12-04T10:00:00Z')), {
        id: referral.id,
        version: current.version,
        action: 'decline',
        outcome: null,
        reason: 'Kein Platz',
      });
      expect(declined).toMatchObject({ ok: true, value: { status: 'declined', overdueSince: null } });
      expect(mailsTo((await run('2026-12-09T07:00:00Z')).mails)).toEqual([]);
    });

    it('a reminder does not make the partner’s answer a conflict', async () => {
      const { partner, referral } = await dueReferral();
      await run('2026-12-04T07:00:00Z');
      // The partner had the page open before the reminder ran.
      const result = await transitionReferral(test.db, ctx(partner.user!, at('2026-12-04T08:00:00Z')), {
        id: referral.id,
        version: referral.version,
        action: 'accept',
        reason: null,
        outcome: null,
      });
      expect(result.ok).toBe(true);
    });

    it('a reminder to an organization without accounts carries a fresh link, and the old one stops working', async () => {
      const partner = await newPartner(false);
      const { result: referral, mails: created } = await mailsDuring(() =>
        send({ serviceId: partner.serviceId, form: { responseDueOn: DUE } }),
      );
      const oldToken = tokenIn(created[0]!);
      const { mails } = await run('2026-12-04T07:00:00Z');
      const reminders = mails.filter((mail) => mail.to_address === partner.email);
      expect(reminders).toHaveLength(1);
      expect(reminders[0]!.kind).toBe('referral.reminder');
      const freshToken = tokenIn(reminders[0]!);
      expect(freshToken).not.toBe(oldToken);
      expect(
        (await openReferralLink(test.db, ctx(ANONYMOUS, at('2026-12-04T08:00:00Z')), { token: oldToken })).ok,
      ).toBe(false);
      expect(
        await openReferralLink(test.db, ctx(ANONYMOUS, at('2026-12-04T08:00:00Z')), { token: freshToken }),
      ).toMatchObject({
        ok: true,
        value: { referralId: referral.id },
      });
    });
  });

  // --- views ---------------------------------------------------------------------------------------------------

  describe('recordReferralView', () => {
    it('a partner’s views within an hour make one "viewed" entry', async () => {
      const referral = await send();
      await recordReferralView(test.db, ctx(partnerA), referral);
      await recordReferralView(test.db, ctx(partnerA, hoursAfter(NOW, 0.5)), referral);
      const viewed = (await eventsOf(referral.id)).filter((event) => event.kind === 'viewed');
      expect(viewed).toHaveLength(1);
      expect(viewed[0]).toMatchObject({ actor_user_id: partnerA.id, actor_kind: 'partner' });
      expect(await auditOf(referral.id, 'referral.read')).toHaveLength(2);
    });

    it('a partner’s view more than an hour later makes a second entry', async () => {
      const referral = await send();
      await recordReferralView(test.db, ctx(partnerA), referral);
      await recordReferralView(test.db, ctx(partnerA, hoursAfter(NOW, 1.5)), referral);
      expect((await eventsOf(referral.id)).filter((event) => event.kind === 'viewed')).toHaveLength(2);
    });

    it('a caseworker’s view is audited but not put on the timeline', async () => {
      const referral = await send();
      await recordReferralView(test.db, ctx(caseworker), referral);
      expect((await eventsOf(referral.id)).filter((event) => event.kind === 'viewed')).toEqual([]);
      const audit = await auditOf(referral.id, 'referral.read');
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_user_id: caseworker.id });
    });
  });

  describe('who may refer, and drafts sent late', () => {
    it('refuses a referral by a coordinator even for a case of their own organization', async () => {
      const caseFile = await newCase();
      const result = await createReferral(
        test.db,
        ctx({ ...coordinator, organizationId: caseFile.officeId }),
        form(caseFile.id, serviceA),
      );
      expect(result).toEqual({ ok: false, kind: 'not_found' });
    });

    it('gives a draft sent after its answer date a fresh answer date from today', async () => {
      const draft = await send({ form: { intent: 'draft', responseDueOn: '2026-12-02' } });
      const sent = await transitionReferral(test.db, ctx(caseworker, at('2026-12-10T09:00:00Z')), {
        id: draft.id,
        version: draft.version,
        action: 'send',
        reason: null,
        outcome: null,
      });
      expect(sent.ok && sent.value.responseDueOn).toBe('2026-12-17');
    });
  });

  describe('found in review', () => {
    it('hides personal data from the partner once the referral is closed, whatever closed it', async () => {
      for (const close of ['decline', 'cancel', 'enter_in_error'] as const) {
        const caseFile = await newCase();
        await newConsent(caseFile.id, orgAId, ['name']);
        const referral = await send({ caseFile, form: { sharedCategories: ['name'] } });
        expect(await readSharedPersonalData(test.db, ctx(partnerA), referral)).not.toBeNull();
        const closer = close === 'decline' ? partnerA : caseworker;
        const closed = await transitionReferral(test.db, ctx(closer), {
          id: referral.id,
          version: referral.version,
          action: close,
          outcome: null,
          reason: 'Kein Platz frei',
        });
        expect(closed.ok, close).toBe(true);
        const current = (await findReferral(test.db, referral.id))!;
        expect(await readSharedPersonalData(test.db, ctx(partnerA), current), close).toBeNull();
      }
    });

    it('survives two first visits of the dashboard at once', async () => {
      const user = await createTestUser(test.db, {
        organizationId: caseworker.organizationId,
        password: null,
      });
      const at = NOW.toISOString();
      await expect(
        Promise.all([touchDashboardVisit(test.db, user.id, at), touchDashboardVisit(test.db, user.id, at)]),
      ).resolves.toEqual([null, null]);
    });

    it('remembers the last dashboard visit; views within ten minutes count as one and keep the previous visit', async () => {
      const user = await createTestUser(test.db, {
        organizationId: caseworker.organizationId,
        password: null,
      });
      const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000).toISOString();
      expect(await touchDashboardVisit(test.db, user.id, minutes(0))).toBeNull();
      expect(await touchDashboardVisit(test.db, user.id, minutes(5))).toBeNull();
      expect(await touchDashboardVisit(test.db, user.id, minutes(11))).toBe(minutes(0));
      expect(await touchDashboardVisit(test.db, user.id, minutes(15))).toBe(minutes(0));
      expect(await touchDashboardVisit(test.db, user.id, minutes(30))).toBe(minutes(11));
    });

    it('flags an overdue referral to an institution without any address, without claiming a reminder went out', async () => {
      const orphan = await createTestOrganization(test.db, {
        name: `Ohne Adresse ${newId().slice(0, 4)}`,
        email: null,
      });
      const serviceId = await createPartnerService(orphan.id, 'Sprachcafé ohne Adresse');
      const referral = await send({ serviceId, form: { responseDueOn: '2026-12-03' } });
      const result = await sendDueReminders(test.db, ctx(SYSTEM, at('2026-12-04T07:00:00Z')));
      const kinds = (await eventsOf(referral.id)).map((event) => event.kind);
      expect(kinds).toContain('overdue');
      expect(kinds).not.toContain('reminder');
      expect((await findReferral(test.db, referral.id))!.overdueSince).not.toBeNull();
      expect(result.first).toBeGreaterThanOrEqual(0);
    });

    it('moves the case retention date on with every referral and answer', async () => {
      const caseFile = await newCase();
      const created = await test.db
        .selectFrom('case_file')
        .select('delete_after')
        .where('id', '=', caseFile.id)
        .executeTakeFirstOrThrow();
      const later = at('2027-06-01T09:00:00Z');
      const referral = await send({ caseFile, now: later, form: { responseDueOn: '2027-06-10' } });
      const afterReferral = await test.db
        .selectFrom('case_file')
        .select('delete_after')
        .where('id', '=', caseFile.id)
        .executeTakeFirstOrThrow();
      expect(afterReferral.delete_after > created.delete_after).toBe(true);
      expect(afterReferral.delete_after.startsWith('2030-06-01')).toBe(true);
      await transitionReferral(test.db, ctx(partnerA, at('2028-01-05T09:00:00Z')), {
        id: referral.id,
        version: referral.version,
        action: 'accept',
        reason: null,
        outcome: null,
      });
      const afterAnswer = await test.db
        .selectFrom('case_file')
        .select('delete_after')
        .where('id', '=', caseFile.id)
        .executeTakeFirstOrThrow();
      expect(afterAnswer.delete_after.startsWith('2031-01-05')).toBe(true);
    });

    it('commits a referral sent while the mail server is down, and its mail goes out once when it is back', async () => {
      const port = await closedPort();
      const mailConfig = {
        smtpUrl: `smtp://127.0.0.1:${port}`,
        mailFrom: 'JMD Partnernetz <no-reply@partnernetz.example>',
        mailMaxAttempts: 8,
        mailRetryBaseSeconds: 60,
      };
      const partner = await newPartner(true);
      await test.db.updateTable('outbox').set({ status: 'sent' }).where('status', '=', 'pending').execute();
      const referral = await send({ serviceId: partner.serviceId });
      expect((await findReferral(test.db, referral.id))!.status).toBe('sent');
      const down = await deliverDueMails(test.db, mailConfig, { now: NOW });
      expect(down.sent).toBe(0);
      expect((await findReferral(test.db, referral.id))!.status).toBe('sent');

      const smtp = await startTestSmtpServer(port);
      try {
        const later = new Date(NOW.getTime() + 10 * 60_000);
        expect((await deliverDueMails(test.db, mailConfig, { now: later })).sent).toBeGreaterThanOrEqual(1);
        await deliverDueMails(test.db, mailConfig, { now: new Date(later.getTime() + 3_600_000) });
        const toPartner = smtp.messages.filter((m) => m.to.includes(partner.user!.email));
        expect(toPartner.map((m) => m.subject)).toEqual([
          expect.stringMatching(/^Neue Vermittlung von .+ – bitte anmelden$/),
        ]);
      } finally {
        await smtp.stop();
      }
    });
  });
});
