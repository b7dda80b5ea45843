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
import { addPlanStep, createCase, recordConsent, revokeConsent } from '../../src/lib/cases/case.service';
import { isOverdue, ReferralFormSchema, type Referral } from '../../src/lib/referrals/referral';
import {
  findReferral,
  listReferralEvents,
  listReferrals,
  touchDashboardVisit,
} from '../../src/lib/referrals/referral.queries';
import { findLinkAccess, openReferralLink } from '../../src/lib/referrals/referral-link';
import {
  createReferral,
  partyOf,
  proposeAppointment,
  readSharedPersonalData,
  recordReferralView,
  resendReferralLink,
  sendDueReminders,
  tickPlanStepOfReferral,
  transitionReferral,
  type ReferralActor,
} from '../../src/lib/referrals/referral.service';

// Tuesday, 1 December 2026, 10:00 in Lübeck. Every service call gets its clock from here.
const NOW = new Date('2026-12-01T09:00:00.000Z');
const at = (iso: string) => new Date(iso);
const hoursAfter = (date: Date, hours: number) => new Date(date.getTime() + hours * 3_600_000);
const BASE_URL = 'https://partnernetz.test';
const REPEAT_WORKING_DAYS = 2;

const ctx = (now: Date = NOW) => ({ baseUrl: BASE_URL, requestId: 'test-request', now });
const asUser = (user: User): ReferralActor => ({ kind: 'user', user });
const asLink = (access: { linkId: string; referralId: string }): ReferralActor => ({
  kind: 'link',
  linkId: access.linkId,
  referralId: access.referralId,
});

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
    return createCase(test.db, CaseIdentitySchema.parse(identity), {
      actor: owner,
      requestId: 'test-request',
      now: NOW,
    });
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
    const result = await recordConsent(test.db, caseId, input, {
      actor: caseworker,
      requestId: 'test-request',
      now: NOW,
    });
    if (!result.ok) throw new Error(JSON.stringify(result));
    return result.value;
  }

  function form(caseId: string, serviceId: string, overrides: Record<string, unknown> = {}) {
    return ReferralFormSchema.parse({
      caseId,
      serviceId,
      purpose: 'language',
      message: 'Sucht einen Platz im Jugendintegrationskurs, vormittags.',
      contactMode: 'partner_calls',
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
      form(caseFile.id, options.serviceId ?? serviceA, options.form),
      options.sender ?? caseworker,
      ctx(options.now),
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
        expect(mail.subject).toBe('Neue Vermittlung – bitte anmelden');
        expect(mail.body_text).toContain(`${BASE_URL}/eingang`);
        expect(mail.body_text).toContain('08.12.2026');
        for (const secret of [caseFile.code, 'Amira', 'Haddad', SERVICE_NAME, 'Sprachschule', 'Lübeck']) {
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
        transitionReferral(test.db, draft.id, draft.version, 'send', {}, asUser(caseworker), ctx()),
      );
      expect(result).toMatchObject({ ok: true, value: { status: 'sent' } });
      expect(mails.map((mail) => mail.kind)).toEqual(['referral.new', 'referral.new']);
    });

    it('a due date in the past is refused in German', async () => {
      const caseFile = await newCase();
      const result = await createReferral(
        test.db,
        form(caseFile.id, serviceA, { responseDueOn: '2026-11-30' }),
        caseworker,
        ctx(),
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
      const first = await openReferralLink(test.db, token, NOW);
      expect(first).toMatchObject({ ok: true, referralId: referral.id });
      const second = await openReferralLink(test.db, token, hoursAfter(NOW, 1));
      expect(second).toEqual({
        ok: false,
        error:
          'Dieser Link ist ungültig, abgelaufen oder wurde schon benutzt. Bitte bitten Sie die vermittelnde Fachkraft um einen neuen Link.',
      });
    });

    it('a link opened twice at the same moment opens once', async () => {
      const { token } = await sendToC();
      const results = await Promise.all([
        openReferralLink(test.db, token, NOW),
        openReferralLink(test.db, token, NOW),
      ]);
      expect(results.filter((result) => result.ok)).toHaveLength(1);
    });

    it('the browser access a link opens finds its referral, until the link expires', async () => {
      const { referral, token } = await sendToC();
      const opened = await openReferralLink(test.db, token, NOW);
      if (!opened.ok) throw new Error(opened.error);
      const access = await findLinkAccess(test.db, opened.accessToken, hoursAfter(NOW, 24));
      expect(access).toMatchObject({ referralId: referral.id });
      expect(await findLinkAccess(test.db, opened.accessToken, hoursAfter(NOW, 8 * 24))).toBeNull();
    });

    it('an unused link no longer opens after seven days', async () => {
      const { token } = await sendToC();
      expect((await openReferralLink(test.db, token, hoursAfter(NOW, 8 * 24))).ok).toBe(false);
    });

    it('a garbage token is refused', async () => {
      expect((await openReferralLink(test.db, 'not-a-token', NOW)).ok).toBe(false);
      expect(await findLinkAccess(test.db, 'a'.repeat(32), NOW)).toBeNull();
    });

    it('a fresh link from the caseworker ends the old link and the access opened with it', async () => {
      const { referral, token: oldToken } = await sendToC();
      const opened = await openReferralLink(test.db, oldToken, NOW);
      if (!opened.ok) throw new Error(opened.error);
      const { result, mails } = await mailsDuring(() =>
        resendReferralLink(test.db, referral.id, caseworker, ctx(hoursAfter(NOW, 2))),
      );
      expect(result).toEqual({ ok: true, value: null });
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({ kind: 'referral.link', to_address: ORG_C_EMAIL });
      expect(await findLinkAccess(test.db, opened.accessToken, hoursAfter(NOW, 3))).toBeNull();
      const fresh = await openReferralLink(test.db, tokenIn(mails[0]!), hoursAfter(NOW, 3));
      expect(fresh).toMatchObject({ ok: true, referralId: referral.id });
    });

    it('a fresh link makes an unused old link useless', async () => {
      const { referral, token: oldToken } = await sendToC();
      await resendReferralLink(test.db, referral.id, caseworker, ctx());
      expect((await openReferralLink(test.db, oldToken, NOW)).ok).toBe(false);
    });

    it('only the sending office can ask for a fresh link', async () => {
      const { referral } = await sendToC();
      for (const user of [foreignCaseworker, partnerB, coordinator, admin]) {
        expect(await resendReferralLink(test.db, referral.id, user, ctx())).toEqual({
          ok: false,
          kind: 'not_found',
        });
      }
    });

    it('the partner can answer through the link, recorded as an answer by link', async () => {
      const { referral, token } = await sendToC();
      const opened = await openReferralLink(test.db, token, NOW);
      if (!opened.ok) throw new Error(opened.error);
      const access = (await findLinkAccess(test.db, opened.accessToken, NOW))!;
      const { result, mails } = await mailsDuring(() =>
        transitionReferral(test.db, referral.id, referral.version, 'accept', {}, asLink(access), ctx()),
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
      const opened = await openReferralLink(test.db, token, NOW);
      if (!opened.ok) throw new Error(opened.error);
      const cancelled = await transitionReferral(
        test.db,
        referral.id,
        referral.version,
        'cancel',
        { reason: 'Hat sich erledigt' },
        asUser(caseworker),
        ctx(),
      );
      expect(cancelled.ok).toBe(true);
      expect(await findLinkAccess(test.db, opened.accessToken, NOW)).toBeNull();
    });

    it('a link for one referral is no party to another', async () => {
      const { referral } = await sendToC();
      const other = await send();
      expect(partyOf(asLink({ linkId: 'x', referralId: referral.id }), other)).toBeNull();
      const result = await transitionReferral(
        test.db,
        other.id,
        other.version,
        'accept',
        {},
        asLink({ linkId: 'x', referralId: referral.id }),
        ctx(),
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
        const one = await createReferral(test.db, input, caseworker, ctx());
        const two = await createReferral(test.db, input, caseworker, ctx());
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
          createReferral(test.db, input, caseworker, ctx()),
          createReferral(test.db, input, caseworker, ctx()),
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
      await createReferral(test.db, input, caseworker, ctx());
      expect(await createReferral(test.db, input, colleague, ctx())).toEqual({
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
        form(caseFile.id, serviceA, { sharedCategories: ['name', 'contact'] }),
        caseworker,
        ctx(),
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
        form(caseFile.id, serviceA, { sharedCategories: ['name', 'health'] }),
        caseworker,
        ctx(),
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
        form(caseFile.id, serviceA, { sharedCategories: ['name'] }),
        caseworker,
        ctx(),
      );
      expect(result).toMatchObject({ ok: false, kind: 'invalid' });
    });

    it('an expired consent does not cover the referral', async () => {
      const caseFile = await newCase();
      await newConsent(caseFile.id, orgAId, ['name'], { validUntil: '2026-12-31' });
      const result = await createReferral(
        test.db,
        form(caseFile.id, serviceA, { sharedCategories: ['name'], responseDueOn: '2027-01-15' }),
        caseworker,
        ctx(at('2027-01-04T09:00:00Z')),
      );
      expect(result).toMatchObject({ ok: false, kind: 'invalid' });
    });

    it('a revoked consent does not cover a new referral', async () => {
      const caseFile = await newCase();
      const consentId = await newConsent(caseFile.id, orgAId, ['name']);
      await revokeConsent(test.db, caseFile.id, consentId, { actor: caseworker, requestId: null, now: NOW });
      const result = await createReferral(
        test.db,
        form(caseFile.id, serviceA, { sharedCategories: ['name'] }),
        caseworker,
        ctx(),
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
      const result = await recordConsent(test.db, caseFile.id, input, {
        actor: caseworker,
        requestId: null,
        now: NOW,
      });
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
      const result = await recordConsent(test.db, caseFile.id, input, {
        actor: caseworker,
        requestId: null,
        now: NOW,
      });
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
      expect(partyOf(asUser(partnerB), referral)).toBeNull();
      expect(referralPartyOf(partnerB, referral)).toBeNull();
      expect(can(partnerB, 'referral.read', resourceOf(referral))).toBe(false);
      expect(can(partnerB, 'referral.act', resourceOf(referral))).toBe(false);
      expect(
        await transitionReferral(
          test.db,
          referral.id,
          referral.version,
          'accept',
          {},
          asUser(partnerB),
          ctx(),
        ),
      ).toEqual({ ok: false, kind: 'not_found' });
      expect(
        await proposeAppointment(
          test.db,
          referral.id,
          referral.version,
          { at: '2026-12-10T09:00:00.000Z', note: null },
          asUser(partnerB),
          ctx(),
        ),
      ).toEqual({ ok: false, kind: 'not_found' });
      expect((await findReferral(test.db, referral.id))!.version).toBe(referral.version);
    });

    it('a partner of another organization gets no personal data and leaves no view', async () => {
      const caseFile = await newCase();
      await newConsent(caseFile.id, orgAId, ['name']);
      const referral = await send({ caseFile, form: { sharedCategories: ['name'] } });
      expect(await readSharedPersonalData(test.db, referral, asUser(partnerB), ctx())).toBeNull();
      await recordReferralView(test.db, referral, asUser(partnerB), ctx());
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
      expect(partyOf(asUser(foreignCaseworker), referral)).toBeNull();
      expect(
        await transitionReferral(
          test.db,
          referral.id,
          referral.version,
          'cancel',
          { reason: 'Irrtum' },
          asUser(foreignCaseworker),
          ctx(),
        ),
      ).toEqual({ ok: false, kind: 'not_found' });
      expect(await tickPlanStepOfReferral(test.db, referral.id, foreignCaseworker, ctx())).toEqual({
        ok: false,
        kind: 'not_found',
      });
      expect(can(foreignCaseworker, 'case.read', { type: 'case', officeId: caseFile.officeId })).toBe(false);
      expect(can(colleague, 'case.read', { type: 'case', officeId: caseFile.officeId })).toBe(true);
    });

    it('a caseworker of another office cannot refer a case of this office', async () => {
      const caseFile = await newCase();
      const result = await createReferral(test.db, form(caseFile.id, serviceA), foreignCaseworker, ctx());
      expect(result).toMatchObject({
        ok: false,
        kind: 'invalid',
        errors: { caseId: 'Bitte einen Fall Ihrer Dienststelle wählen.' },
      });
    });

    it('a colleague in the sending office is a party and may act on the referral', async () => {
      const referral = await send();
      expect(partyOf(asUser(colleague), referral)).toBe('caseworker');
      const result = await transitionReferral(
        test.db,
        referral.id,
        referral.version,
        'cancel',
        { reason: 'Der junge Mensch ist umgezogen' },
        asUser(colleague),
        ctx(),
      );
      expect(result).toMatchObject({ ok: true, value: { status: 'cancelled' } });
    });

    it('coordinators and admins are no party to a referral', async () => {
      const caseFile = await newCase();
      await newConsent(caseFile.id, orgAId, ['name']);
      const referral = await send({ caseFile, form: { sharedCategories: ['name'] } });
      for (const user of [coordinator, admin]) {
        expect(partyOf(asUser(user), referral)).toBeNull();
        expect(
          await transitionReferral(
            test.db,
            referral.id,
            referral.version,
            'enter_in_error',
            { reason: 'Test' },
            asUser(user),
            ctx(),
          ),
        ).toEqual({ ok: false, kind: 'not_found' });
        expect(await readSharedPersonalData(test.db, referral, asUser(user), ctx())).toBeNull();
      }
    });

    it('a deactivated partner is no party any more', async () => {
      const referral = await send();
      expect(partyOf(asUser({ ...partnerA, active: false }), referral)).toBeNull();
    });

    it('a partner never sees a draft', async () => {
      const draft = await send({ form: { intent: 'draft' } });
      expect(partyOf(asUser(partnerA), draft)).toBeNull();
      expect(referralPartyOf(partnerA, draft)).toBeNull();
      expect(
        await transitionReferral(test.db, draft.id, draft.version, 'accept', {}, asUser(partnerA), ctx()),
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
      const data = await readSharedPersonalData(test.db, referral, asUser(partnerA), ctx());
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
      const data = await readSharedPersonalData(test.db, referral, asUser(partnerA), ctx());
      expect(data?.fields).toEqual([{ label: 'Geburtsdatum', value: '14.05.2008' }]);
    });

    it('an anonymous enquiry shows no personal data', async () => {
      const referral = await send();
      expect(await readSharedPersonalData(test.db, referral, asUser(partnerA), ctx())).toBeNull();
    });

    it('revoking the consent ends the partner’s access at once', async () => {
      const { caseFile, consentId, referral } = await sharedReferral(['name'], ['name']);
      expect(await readSharedPersonalData(test.db, referral, asUser(partnerA), ctx())).not.toBeNull();
      const revoked = await revokeConsent(test.db, caseFile.id, consentId, {
        actor: caseworker,
        requestId: null,
        now: hoursAfter(NOW, 1),
      });
      expect(revoked.ok).toBe(true);
      const fresh = (await findReferral(test.db, referral.id))!;
      expect(
        await readSharedPersonalData(test.db, fresh, asUser(partnerA), ctx(hoursAfter(NOW, 1))),
      ).toBeNull();
      // The referral object the page loaded before the revocation does not help either: the check reads the consent.
      expect(
        await readSharedPersonalData(test.db, referral, asUser(partnerA), ctx(hoursAfter(NOW, 1))),
      ).toBeNull();
      expect((await eventsOf(referral.id)).map((event) => event.kind)).toContain('consent_revoked');
    });

    it('an expired consent shows no personal data', async () => {
      const caseFile = await newCase();
      await newConsent(caseFile.id, orgAId, ['name'], { validUntil: '2026-12-31' });
      const referral = await send({ caseFile, form: { sharedCategories: ['name'] } });
      expect(
        await readSharedPersonalData(test.db, referral, asUser(partnerA), ctx(at('2027-01-01T09:00:00Z'))),
      ).toBeNull();
    });

    it('each disclosure is audited with its consent id, never with content', async () => {
      const { consentId, referral } = await sharedReferral(['name'], ['name']);
      await readSharedPersonalData(test.db, referral, asUser(partnerA), ctx());
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
      await readSharedPersonalData(test.db, referral, asUser(partnerA), ctx());
      expect(await auditOf(referral.id, 'referral.personal_data_read')).toEqual([]);
    });
  });

  // --- concurrency and versions --------------------------------------------------------------------------------

  describe('versions', () => {
    it('two partner staff accepting at once: one wins, the other gets a German conflict, one accept is recorded', async () => {
      const referral = await send();
      const results = await Promise.all([
        transitionReferral(test.db, referral.id, referral.version, 'accept', {}, asUser(partnerA), ctx()),
        transitionReferral(test.db, referral.id, referral.version, 'accept', {}, asUser(partnerA2), ctx()),
      ]);
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      const loser = results.find((result) => !result.ok);
      expect(loser).toMatchObject({ ok: false, kind: 'conflict', current: { status: 'accepted' } });
      if (loser && !loser.ok && loser.kind === 'conflict') {
        expect(loser.error).toContain('inzwischen geändert');
        expect(loser.error).toContain('„Angenommen“');
      }
      const accepts = (await eventsOf(referral.id)).filter((event) => event.kind === 'accept');
      expect(accepts).toHaveLength(1);
      expect((await findReferral(test.db, referral.id))!.version).toBe(referral.version + 1);
    });

    it('a stale version is a conflict that shows the current state and changes nothing', async () => {
      const referral = await send();
      await transitionReferral(test.db, referral.id, referral.version, 'accept', {}, asUser(partnerA), ctx());
      const eventsBefore = (await eventsOf(referral.id)).length;
      const result = await transitionReferral(
        test.db,
        referral.id,
        referral.version,
        'cancel',
        { reason: 'Doch nicht nötig' },
        asUser(caseworker),
        ctx(),
      );
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
        const first = await transitionReferral(
          test.db,
          referral.id,
          referral.version,
          'accept',
          {},
          asUser(partnerA),
          ctx(at('2026-12-01T10:00:00.000Z')),
        );
        const second = await transitionReferral(
          test.db,
          referral.id,
          referral.version,
          'accept',
          {},
          asUser(partnerA),
          ctx(at('2026-12-01T10:00:00.400Z')),
        );
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
        transitionReferral(
          test.db,
          referral.id,
          referral.version,
          'accept',
          {},
          asUser(partnerA),
          ctx(hoursAfter(NOW, 1)),
        );
      const results = await Promise.all([click(), click()]);
      expect(results).toEqual([
        expect.objectContaining({ ok: true, value: expect.objectContaining({ status: 'accepted' }) }),
        expect.objectContaining({ ok: true, value: expect.objectContaining({ status: 'accepted' }) }),
      ]);
      expect((await eventsOf(referral.id)).filter((event) => event.kind === 'accept')).toHaveLength(1);
    });

    it('the same action by a colleague with a stale version is a conflict, not a repeat', async () => {
      const referral = await send();
      await transitionReferral(
        test.db,
        referral.id,
        referral.version,
        'accept',
        {},
        asUser(partnerA),
        ctx(hoursAfter(NOW, 1)),
      );
      const result = await transitionReferral(
        test.db,
        referral.id,
        referral.version,
        'accept',
        {},
        asUser(partnerA2),
        ctx(hoursAfter(NOW, 1.01)),
      );
      expect(result).toMatchObject({ ok: false, kind: 'conflict' });
    });
  });

  // --- the closed loop -----------------------------------------------------------------------------------------

  describe('the closed loop', () => {
    it('accept, start, complete with an outcome; the caseworker is told each time and ticks the plan step off', async () => {
      const caseFile = await newCase();
      const stepId = await addPlanStep(
        test.db,
        caseFile.id,
        PlanStepSchema.parse({ title: 'Sprachkurs B2 beginnen', dueOn: '2027-02-01' }),
        { actor: caseworker, requestId: null, now: NOW },
      );
      let referral = await send({ caseFile, form: { planStepId: stepId } });
      const answers: OutboxRow[] = [];
      for (const [action, input, hours] of [
        ['accept', {}, 1],
        ['start', {}, 24],
        ['complete', { outcome: 'got_help' }, 48],
      ] as const) {
        const { result, mails } = await mailsDuring(() =>
          transitionReferral(
            test.db,
            referral.id,
            referral.version,
            action,
            input,
            asUser(partnerA),
            ctx(hoursAfter(NOW, hours)),
          ),
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
      expect(answers[2]!.body_text).toContain('Abgeschlossen');
      expect(answers[2]!.body_text).not.toContain('Amira');

      const ticked = await tickPlanStepOfReferral(test.db, referral.id, caseworker, ctx(hoursAfter(NOW, 50)));
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
        await tickPlanStepOfReferral(test.db, referral.id, caseworker, ctx(hoursAfter(NOW, 51))),
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
      const stepId = await addPlanStep(
        test.db,
        caseFile.id,
        PlanStepSchema.parse({ title: 'Sprachkurs B2 beginnen', dueOn: '' }),
        { actor: caseworker, requestId: null, now: NOW },
      );
      const referral = await send({ caseFile, form: { planStepId: stepId } });
      const result = await tickPlanStepOfReferral(test.db, referral.id, caseworker, ctx());
      expect(result).toMatchObject({ ok: false, kind: 'invalid', errors: { planStep: expect.any(String) } });
      expect(await findPlanStep(test.db, stepId)).toMatchObject({ status: 'open' });
    });

    it('a partner completing a sent referral is refused with a message and leaves no trace', async () => {
      const referral = await send();
      const before = await eventsOf(referral.id);
      const { result, mails } = await mailsDuring(() =>
        transitionReferral(
          test.db,
          referral.id,
          referral.version,
          'complete',
          { outcome: 'got_help' },
          asUser(partnerA),
          ctx(),
        ),
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
      const result = await transitionReferral(
        test.db,
        referral.id,
        referral.version,
        'decline',
        { reason: '  ' },
        asUser(partnerA),
        ctx(),
      );
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
        transitionReferral(
          test.db,
          referral.id,
          referral.version,
          'decline',
          { reason: 'Kurs ist bis März voll' },
          asUser(partnerA),
          ctx(),
        ),
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
        transitionReferral(
          test.db,
          referral.id,
          referral.version,
          'cancel',
          { reason: 'Hat einen Platz woanders' },
          asUser(caseworker),
          ctx(),
        ),
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
        proposeAppointment(
          test.db,
          referral.id,
          referral.version,
          { at: '2026-12-10T09:00:00.000Z', note: 'Bitte Ausweis mitbringen' },
          asUser(partnerA),
          ctx(),
        ),
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
      const result = await proposeAppointment(
        test.db,
        referral.id,
        referral.version,
        { at: '2026-11-30T09:00:00.000Z', note: null },
        asUser(partnerA),
        ctx(),
      );
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
    const run = (iso: string) =>
      mailsDuring(() =>
        sendDueReminders(test.db, {
          baseUrl: BASE_URL,
          repeatWorkingDays: REPEAT_WORKING_DAYS,
          now: at(iso),
        }),
      );

    async function dueReferral(withAccount = true) {
      const partner = await newPartner(withAccount);
      const referral = await send({ serviceId: partner.serviceId, form: { responseDueOn: DUE } });
      const to = partner.user?.email ?? partner.email;
      const mailsTo = (mails: OutboxRow[]) => mails.filter((mail) => mail.to_address === to);
      return { partner, referral, mailsTo };
    }

    it('sends no reminder once the partner proposed an appointment, even before accepting', async () => {
      const { partner, referral, mailsTo } = await dueReferral();
      const proposed = await proposeAppointment(
        test.db,
        referral.id,
        referral.version,
        { at: '2026-12-10T09:00:00.000Z', note: null },
        asUser(partner.user!),
        ctx(at('2026-12-02T10:00:00Z')),
      );
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
          subject: 'Erinnerung: Vermittlung wartet auf Antwort',
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
          subject: 'Zweite Erinnerung: Vermittlung wartet auf Antwort',
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
      const accepted = await transitionReferral(
        test.db,
        referral.id,
        referral.version,
        'accept',
        {},
        asUser(partner.user!),
        ctx(),
      );
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
      const declined = await transitionReferral(
        test.db,
        referral.id,
        current.version,
        'decline',
        { reason: 'Kein Platz' },
        asUser(partner.user!),
        ctx(at('2026-12-04T10:00:00Z')),
      );
      expect(declined).toMatchObject({ ok: true, value: { status: 'declined', overdueSince: null } });
      expect(mailsTo((await run('2026-12-09T07:00:00Z')).mails)).toEqual([]);
    });

    it('a reminder does not make the partner’s answer a conflict', async () => {
      const { partner, referral } = await dueReferral();
      await run('2026-12-04T07:00:00Z');
      // The partner had the page open before the reminder ran.
      const result = await transitionReferral(
        test.db,
        referral.id,
        referral.version,
        'accept',
        {},
        asUser(partner.user!),
        ctx(at('2026-12-04T08:00:00Z')),
      );
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
      expect((await openReferralLink(test.db, oldToken, at('2026-12-04T08:00:00Z'))).ok).toBe(false);
      expect(await openReferralLink(test.db, freshToken, at('2026-12-04T08:00:00Z'))).toMatchObject({
        ok: true,
        referralId: referral.id,
      });
    });
  });

  // --- views ---------------------------------------------------------------------------------------------------

  describe('recordReferralView', () => {
    it('a partner’s views within an hour make one "viewed" entry', async () => {
      const referral = await send();
      await recordReferralView(test.db, referral, asUser(partnerA), ctx());
      await recordReferralView(test.db, referral, asUser(partnerA), ctx(hoursAfter(NOW, 0.5)));
      const viewed = (await eventsOf(referral.id)).filter((event) => event.kind === 'viewed');
      expect(viewed).toHaveLength(1);
      expect(viewed[0]).toMatchObject({ actor_user_id: partnerA.id, actor_kind: 'partner' });
      expect(await auditOf(referral.id, 'referral.read')).toHaveLength(2);
    });

    it('a partner’s view more than an hour later makes a second entry', async () => {
      const referral = await send();
      await recordReferralView(test.db, referral, asUser(partnerA), ctx());
      await recordReferralView(test.db, referral, asUser(partnerA), ctx(hoursAfter(NOW, 1.5)));
      expect((await eventsOf(referral.id)).filter((event) => event.kind === 'viewed')).toHaveLength(2);
    });

    it('a caseworker’s view is audited but not put on the timeline', async () => {
      const referral = await send();
      await recordReferralView(test.db, referral, asUser(caseworker), ctx());
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
        form(caseFile.id, serviceA),
        { ...coordinator, organizationId: caseFile.officeId },
        ctx(),
      );
      expect(result).toEqual({ ok: false, kind: 'not_found' });
    });

    it('gives a draft sent after its answer date a fresh answer date from today', async () => {
      const draft = await send({ form: { intent: 'draft', responseDueOn: '2026-12-02' } });
      const sent = await transitionReferral(
        test.db,
        draft.id,
        draft.version,
        'send',
        {},
        asUser(caseworker),
        ctx(at('2026-12-10T09:00:00Z')),
      );
      expect(sent.ok && sent.value.responseDueOn).toBe('2026-12-17');
    });
  });

  describe('found in review', () => {
    it('hides personal data from the partner once the referral is closed, whatever closed it', async () => {
      for (const close of ['decline', 'cancel', 'enter_in_error'] as const) {
        const caseFile = await newCase();
        await newConsent(caseFile.id, orgAId, ['name']);
        const referral = await send({ caseFile, form: { sharedCategories: ['name'] } });
        expect(await readSharedPersonalData(test.db, referral, asUser(partnerA), ctx())).not.toBeNull();
        const closer = close === 'decline' ? partnerA : caseworker;
        const closed = await transitionReferral(
          test.db,
          referral.id,
          referral.version,
          close,
          { reason: 'Kein Platz frei' },
          asUser(closer),
          ctx(),
        );
        expect(closed.ok, close).toBe(true);
        const current = (await findReferral(test.db, referral.id))!;
        expect(await readSharedPersonalData(test.db, current, asUser(partnerA), ctx()), close).toBeNull();
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

    it('flags an overdue referral to an institution without any address, without claiming a reminder went out', async () => {
      const orphan = await createTestOrganization(test.db, {
        name: `Ohne Adresse ${newId().slice(0, 4)}`,
        email: null,
      });
      const serviceId = await createPartnerService(orphan.id, 'Sprachcafé ohne Adresse');
      const referral = await send({ serviceId, form: { responseDueOn: '2026-12-03' } });
      const result = await sendDueReminders(test.db, {
        baseUrl: BASE_URL,
        repeatWorkingDays: REPEAT_WORKING_DAYS,
        now: at('2026-12-04T07:00:00Z'),
      });
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
      await transitionReferral(
        test.db,
        referral.id,
        referral.version,
        'accept',
        {},
        asUser(partnerA),
        ctx(at('2028-01-05T09:00:00Z')),
      );
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
        expect(toPartner.map((m) => m.subject)).toEqual(['Neue Vermittlung – bitte anmelden']);
      } finally {
        await smtp.stop();
      }
    });
  });
});
