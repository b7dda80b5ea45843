import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDialects } from '../helpers/db';
import { createTestOrganization, createTestUser } from '../helpers/factories';
import { userContext } from '../helpers/context';
import type { ActionActor, ActionContext } from '../../src/lib/action/context';
import type { Result } from '../../src/lib/action/result';
import type { User } from '../../src/lib/auth/auth';
import { CaseIdentitySchema } from '../../src/lib/cases/case';
import { createCase } from '../../src/lib/cases/case.service';
import { loadConfig } from '../../src/lib/config/config';
import { newId } from '../../src/lib/db/ids';
import { ServiceFormSchema } from '../../src/lib/directory/service';
import { createServiceEntry } from '../../src/lib/directory/upkeep.service';
import type { OutboxRow } from '../../src/lib/notify/outbox.table';
import { ReferralFormSchema, type Referral } from '../../src/lib/referrals/referral';
import { findOutcomeFollowup, listOutcomeMissing } from '../../src/lib/referrals/referral-followup.queries';
import { closeWithoutAnswer, sendOutcomeFollowups } from '../../src/lib/referrals/referral-followup.service';
import {
  describeLink,
  findLinkAccess,
  openReferralLink,
  RENEWAL_ANSWER,
  requestFreshLink,
} from '../../src/lib/referrals/referral-link';
import {
  CLOSED_FOR_LINK_PARTNER,
  postReferralMessage,
  readReferralMessages,
} from '../../src/lib/referrals/referral-message.service';
import { countUnreadMessages } from '../../src/lib/referrals/referral-message.queries';
import {
  findReferral,
  listUnreadThreads,
  type ReferralScope,
} from '../../src/lib/referrals/referral.queries';
import { createReferral, transitionReferral } from '../../src/lib/referrals/referral.service';

// The referral loop without dead ends (issue #11), on a real database per dialect: the message thread, a fresh link
// asked for from a spent one (rate-limited, same answer whatever happened), and the outcome follow-up with time moved
// through ctx.now.

const NOW = new Date('2026-12-01T09:00:00.000Z');
const DAY = 86_400_000;
const daysAfter = (days: number, from: Date = NOW) => new Date(from.getTime() + days * DAY);
const minutesAfter = (minutes: number, from: Date = NOW) => new Date(from.getTime() + minutes * 60_000);
const BASE_URL = 'https://partnernetz.test';
const CONFIG = loadConfig({
  PUBLIC_BASE_URL: BASE_URL,
  OUTCOME_FOLLOWUP_DAYS: '21',
  OUTCOME_REMINDER_DAYS: '7',
});
const ANONYMOUS: ActionActor = { kind: 'anonymous' };
const SYSTEM: ActionActor = { kind: 'system', job: 'outcome-followup' };
const ctx = (actor: User | ActionActor, now: Date = NOW): ActionContext => ({
  actor: 'kind' in actor ? actor : { kind: 'user', user: actor },
  requestId: 'test-request',
  now,
  config: CONFIG,
});
function unwrap<T>(result: Result<T, unknown>): T {
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.value;
}
function tokenIn(mail: OutboxRow): string {
  const match = /\/link\/([a-z2-7]{32})\b/.exec(mail.body_text);
  if (!match) throw new Error(`no link in mail ${mail.kind}`);
  return match[1]!;
}
const SECRET_BODY = 'Amira kommt am Dienstag mit ihrem Zeugnis vorbei.';

describe.each(testDialects)('the referral loop on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let caseworker: User;
  let coordinator: User;
  let partner: User;
  let serviceWithAccount: string;
  let serviceByLink: string;
  const LINK_ORG_EMAIL = 'kontakt@lotsen.test';

  async function createService(organizationId: string, name: string) {
    const result = await createServiceEntry(test.db, userContext(coordinator, { requestId: 'r' }), {
      organizationId,
      form: ServiceFormSchema.parse({ name, termIds: ['sprache.jugendintegrationskurs'], status: 'active' }),
    });
    return unwrap(result).id;
  }

  beforeAll(async () => {
    test = await createTestDb(dialect);
    const officeId = (
      await createTestOrganization(test.db, {
        kind: 'jmd_office',
        category: null,
        name: 'JMD Lübeck',
        email: 'jmd@luebeck.test',
        phone: '0451 1234',
      })
    ).id;
    caseworker = await createTestUser(test.db, {
      organizationId: officeId,
      displayName: 'Clara Fachkraft',
      email: 'clara@jmd.test',
    });
    coordinator = await createTestUser(test.db, { role: 'coordinator' });
    const accountOrg = (
      await createTestOrganization(test.db, { name: 'Sprachschule', email: 'info@schule.test' })
    ).id;
    partner = await createTestUser(test.db, {
      role: 'partner',
      organizationId: accountOrg,
      displayName: 'Pia Partner',
      email: 'pia@schule.test',
    });
    const linkOrg = (await createTestOrganization(test.db, { name: 'Lotsen', email: LINK_ORG_EMAIL })).id;
    serviceWithAccount = await createService(accountOrg, 'Jugendintegrationskurs');
    serviceByLink = await createService(linkOrg, 'Sprachpatenschaft');
  });
  afterAll(async () => test?.drop());

  async function send(serviceId: string, now: Date = NOW): Promise<Referral> {
    const caseFile = unwrap(
      await createCase(test.db, ctx(caseworker, now), CaseIdentitySchema.parse({ firstName: 'Amira' })),
    );
    const result = await createReferral(
      test.db,
      ctx(caseworker, now),
      ReferralFormSchema.parse({
        caseId: caseFile.id,
        serviceId,
        purpose: 'language',
        message: 'Sucht einen Platz im Kurs, vormittags.',
        contactMode: 'appointment',
        responseDueOn: new Date(now.getTime() + 7 * DAY).toISOString().slice(0, 10),
        submissionKey: newId(),
      }),
    );
    return unwrap(result).referral;
  }

  async function mailsDuring<T>(action: () => Promise<T>): Promise<{ result: T; mails: OutboxRow[] }> {
    const before = new Set((await test.db.selectFrom('outbox').select('id').execute()).map((row) => row.id));
    const result = await action();
    const mails = (await test.db.selectFrom('outbox').selectAll().execute()).filter(
      (row) => !before.has(row.id),
    );
    return { result, mails };
  }
  const auditOf = (objectId: string, action: string) =>
    test.db
      .selectFrom('audit_log')
      .selectAll()
      .where('object_id', '=', objectId)
      .where('action', '=', action)
      .execute();

  /** A referral to the organisation without accounts, opened by link: its link actor and the mailed token. */
  async function sendByLink(now: Date = NOW) {
    const { result: referral, mails } = await mailsDuring(() => send(serviceByLink, now));
    const token = tokenIn(mails.find((mail) => mail.kind === 'referral.link')!);
    const opened = unwrap(await openReferralLink(test.db, ctx(ANONYMOUS, now), { token }));
    const access = await findLinkAccess(test.db, opened.accessToken);
    if (access?.state !== 'open') throw new Error('no access');
    const actor: ActionActor = {
      kind: 'link',
      linkId: access.linkId,
      referralId: access.referralId,
      organizationId: access.organizationId,
    };
    return { referral, token, actor, accessToken: opened.accessToken };
  }

  describe('messages', () => {
    it('a partner by link writes, the caseworker reads and answers; each side is told without the content', async () => {
      const { referral, actor } = await sendByLink();
      const { result, mails } = await mailsDuring(() =>
        postReferralMessage(test.db, ctx(actor, minutesAfter(5)), {
          id: referral.id,
          action: 'message',
          body: SECRET_BODY,
        }),
      );
      expect(result).toMatchObject({ ok: true, value: { body: SECRET_BODY, authorKind: 'partner_link' } });
      expect(mails).toEqual([
        expect.objectContaining({ kind: 'referral.message', to_address: 'clara@jmd.test' }),
      ]);
      expect(`${mails[0]!.subject}\n${mails[0]!.body_text}`).not.toContain('Amira');
      expect(mails[0]!.body_text).toContain(`${BASE_URL}/vermittlungen/${referral.id}`);

      const answer = await mailsDuring(() =>
        postReferralMessage(test.db, ctx(caseworker, minutesAfter(10)), {
          id: referral.id,
          action: 'message',
          body: 'Danke, ich sage ihr Bescheid.',
        }),
      );
      expect(answer.result.ok).toBe(true);
      // The partner has no account: the notice goes to the organisation's address with a fresh link, no content.
      expect(answer.mails).toEqual([
        expect.objectContaining({
          kind: 'referral.message',
          to_address: LINK_ORG_EMAIL,
          reply_to: 'clara@jmd.test',
        }),
      ]);
      expect(answer.mails[0]!.body_text).not.toContain('Bescheid');
      expect(answer.mails[0]!.subject).toContain('JMD Lübeck (Clara Fachkraft)');

      const thread = await readReferralMessages(test.db, ctx(caseworker, minutesAfter(11)), referral);
      expect(thread?.map((message) => [message.authorKind, message.body])).toEqual([
        ['partner_link', SECRET_BODY],
        ['caseworker', 'Danke, ich sage ihr Bescheid.'],
      ]);
      expect(thread?.[1]?.authorName).toBe('Clara Fachkraft');
      expect(await auditOf(referral.id, 'referral.messages_read')).toHaveLength(1);
      expect(await auditOf(referral.id, 'referral.message')).toHaveLength(2);
    });

    it('the same message sent twice (a double click, a re-sent form) is saved once', async () => {
      const referral = await send(serviceWithAccount);
      const first = await postReferralMessage(test.db, ctx(partner, minutesAfter(1)), {
        id: referral.id,
        action: 'message',
        body: 'Gibt es schon einen Termin?',
      });
      const second = await postReferralMessage(test.db, ctx(partner, minutesAfter(2)), {
        id: referral.id,
        action: 'message',
        body: 'Gibt es schon einen Termin?',
      });
      expect(first.ok && second.ok).toBe(true);
      const thread = await readReferralMessages(test.db, ctx(partner, minutesAfter(3)), referral);
      expect(thread).toHaveLength(1);
    });

    it('a partner with an account writes; the caseworker gets the notice, partners with an account get "please sign in"', async () => {
      const referral = await send(serviceWithAccount);
      const fromPartner = await mailsDuring(() =>
        postReferralMessage(test.db, ctx(partner), {
          id: referral.id,
          action: 'message',
          body: 'Frage zum Kurs',
        }),
      );
      expect(fromPartner.mails.map((mail) => mail.to_address)).toEqual(['clara@jmd.test']);
      const fromCaseworker = await mailsDuring(() =>
        postReferralMessage(test.db, ctx(caseworker), {
          id: referral.id,
          action: 'message',
          body: 'Antwort',
        }),
      );
      expect(fromCaseworker.mails.map((mail) => mail.to_address)).toEqual(['pia@schule.test']);
      expect(fromCaseworker.mails[0]!.body_text).toContain(`${BASE_URL}/eingang`);
      expect(fromCaseworker.mails[0]!.body_text).not.toContain('/link/');
    });

    it('after the close the caseworker cannot write to a partner without an account, who could not read it', async () => {
      const { referral, actor } = await sendByLink();
      unwrap(
        await transitionReferral(test.db, ctx(actor), {
          id: referral.id,
          version: referral.version,
          action: 'decline',
          reason: 'Kein Platz frei',
          outcome: null,
        }),
      );
      const { result, mails } = await mailsDuring(() =>
        postReferralMessage(test.db, ctx(caseworker), { id: referral.id, action: 'message', body: 'Schade' }),
      );
      expect(result).toMatchObject({ ok: false, kind: 'invalid', errors: { body: CLOSED_FOR_LINK_PARTNER } });
      expect(mails).toEqual([]);
    });

    it('a new message is flagged for the other side until they open the referral, on lists and the dashboard', async () => {
      const referral = await send(serviceWithAccount);
      const caseworkerScope = {
        kind: 'sender',
        userId: caseworker.id,
        officeId: caseworker.organizationId,
      } as const;
      const partnerScope = { kind: 'recipient', organizationId: partner.organizationId } as const;
      const flagged = async (user: User, scope: ReferralScope) => ({
        count: (await countUnreadMessages(test.db, user.id, [referral.id])).get(referral.id) ?? 0,
        listed: (await listUnreadThreads(test.db, scope, user.id, 100)).items.find(
          (t) => t.id === referral.id,
        )?.unread,
      });
      expect(await flagged(caseworker, caseworkerScope)).toEqual({ count: 0, listed: undefined });

      unwrap(
        await postReferralMessage(test.db, ctx(partner, minutesAfter(1)), {
          id: referral.id,
          action: 'message',
          body: 'Frage zum Kurs',
        }),
      );
      unwrap(
        await postReferralMessage(test.db, ctx(partner, minutesAfter(2)), {
          id: referral.id,
          action: 'message',
          body: 'Und noch eine',
        }),
      );
      expect(await flagged(caseworker, caseworkerScope)).toEqual({ count: 2, listed: 2 });
      // Your own messages are never new to you.
      expect(await flagged(partner, partnerScope)).toEqual({ count: 0, listed: undefined });
      const before = (await listUnreadThreads(test.db, caseworkerScope, caseworker.id)).total;

      await readReferralMessages(test.db, ctx(caseworker, minutesAfter(3)), referral);
      expect(await flagged(caseworker, caseworkerScope)).toEqual({ count: 0, listed: undefined });
      expect((await listUnreadThreads(test.db, caseworkerScope, caseworker.id)).total).toBe(before - 1);

      // The caseworker's answer is new for the partner's inbox, until the partner opens it.
      unwrap(
        await postReferralMessage(test.db, ctx(caseworker, minutesAfter(4)), {
          id: referral.id,
          action: 'message',
          body: 'Antwort',
        }),
      );
      expect(await flagged(partner, partnerScope)).toEqual({ count: 1, listed: 1 });
      expect(await flagged(caseworker, caseworkerScope)).toEqual({ count: 0, listed: undefined });
      await readReferralMessages(test.db, ctx(partner, minutesAfter(5)), referral);
      expect(await flagged(partner, partnerScope)).toEqual({ count: 0, listed: undefined });
      // The read state holds ids and a time only.
      const rows = await test.db
        .selectFrom('referral_read')
        .selectAll()
        .where('referral_id', '=', referral.id)
        .execute();
      expect(Object.keys(rows[0]!).sort()).toEqual(['referral_id', 'seen_at', 'user_id']);
    });

    it('nobody but the two sides can write or read the thread', async () => {
      const referral = await send(serviceWithAccount);
      for (const actor of [coordinator, ANONYMOUS]) {
        expect(
          await postReferralMessage(test.db, ctx(actor), {
            id: referral.id,
            action: 'message',
            body: 'Hallo',
          }),
        ).toEqual({ ok: false, kind: 'not_found' });
        expect(await readReferralMessages(test.db, ctx(actor), referral)).toBeNull();
      }
    });
  });

  describe('links that do not strand anyone', () => {
    it('the access a link opened outlives its seven days until the referral is closed', async () => {
      const { referral, accessToken, actor } = await sendByLink();
      expect(await findLinkAccess(test.db, accessToken)).toMatchObject({ state: 'open' });
      unwrap(
        await transitionReferral(test.db, ctx(actor, daysAfter(1)), {
          id: referral.id,
          version: referral.version,
          action: 'accept',
          reason: null,
          outcome: null,
        }),
      );
      // Three weeks later the browser still opens it, and the outcome can be reported.
      const accepted = (await findReferral(test.db, referral.id))!;
      const done = await transitionReferral(test.db, ctx(actor, daysAfter(22)), {
        id: referral.id,
        version: accepted.version,
        action: 'complete',
        reason: null,
        outcome: 'got_help',
      });
      expect(done).toMatchObject({ ok: true, value: { status: 'completed' } });
      expect(await findLinkAccess(test.db, accessToken)).toMatchObject({ state: 'revoked' });
    });

    it('a spent link names the sending office and caseworker; an unknown one names nobody', async () => {
      const { token } = await sendByLink();
      const state = await describeLink(test.db, token, daysAfter(8));
      expect(state).toMatchObject({
        state: 'spent',
        closed: false,
        contact: {
          caseworkerName: 'Clara Fachkraft',
          caseworkerEmail: 'clara@jmd.test',
          officeName: 'JMD Lübeck',
          officePhone: '0451 1234',
        },
      });
      expect(await describeLink(test.db, 'a'.repeat(32), NOW)).toEqual({ state: 'unknown' });
    });

    it('a fresh link asked for from an expired one goes to the organisation only, and opens the referral', async () => {
      const { referral, token } = await sendByLink();
      const later = daysAfter(8);
      const { result, mails } = await mailsDuring(() =>
        requestFreshLink(test.db, ctx(ANONYMOUS, later), { token }),
      );
      expect(result).toEqual({ ok: true, value: RENEWAL_ANSWER });
      expect(mails).toEqual([
        expect.objectContaining({
          kind: 'referral.link',
          to_address: LINK_ORG_EMAIL,
          reply_to: 'clara@jmd.test',
        }),
      ]);
      const fresh = await openReferralLink(test.db, ctx(ANONYMOUS, minutesAfter(1, later)), {
        token: tokenIn(mails[0]!),
      });
      expect(fresh).toMatchObject({ ok: true, value: { referralId: referral.id } });
      expect(await auditOf(referral.id, 'referral.link_renewed')).toHaveLength(1);
    });

    it('fresh links are rate-limited per referral: one per 10 minutes, three a day, same answer each time', async () => {
      const { referral, token } = await sendByLink();
      const start = daysAfter(8);
      const count = async (at: Date) =>
        (await mailsDuring(() => requestFreshLink(test.db, ctx(ANONYMOUS, at), { token }))).mails.length;
      expect(await count(start)).toBe(1);
      expect(await count(minutesAfter(1, start))).toBe(0); // too soon
      expect(await count(minutesAfter(11, start))).toBe(1);
      expect(await count(minutesAfter(22, start))).toBe(1);
      expect(await count(minutesAfter(33, start))).toBe(0); // three within a day
      expect(await count(daysAfter(1, minutesAfter(40, start)))).toBe(1); // a day later again
      expect(await auditOf(referral.id, 'referral.link_renewal_refused')).toHaveLength(2);
    });

    it('no fresh link for a closed referral or a made-up token, with the same answer', async () => {
      const { referral, token, actor } = await sendByLink();
      unwrap(
        await transitionReferral(test.db, ctx(actor), {
          id: referral.id,
          version: referral.version,
          action: 'decline',
          reason: 'Kein Platz frei',
          outcome: null,
        }),
      );
      for (const candidate of [token, 'b'.repeat(32), 'kaputt']) {
        const { result, mails } = await mailsDuring(() =>
          requestFreshLink(test.db, ctx(ANONYMOUS, daysAfter(8)), { token: candidate }),
        );
        expect(result).toEqual({ ok: true, value: RENEWAL_ANSWER });
        expect(mails).toEqual([]);
      }
    });
  });

  describe('outcome follow-up', () => {
    async function acceptedByPartner(now: Date) {
      const referral = await send(serviceWithAccount, now);
      return unwrap(
        await transitionReferral(test.db, ctx(partner, now), {
          id: referral.id,
          version: referral.version,
          action: 'accept',
          reason: null,
          outcome: null,
        }),
      );
    }
    const run = (at: Date) => mailsDuring(() => sendOutcomeFollowups(test.db, ctx(SYSTEM, at)));
    const outcomeMails = (mails: OutboxRow[], to: string) =>
      mails.filter((mail) => mail.kind === 'referral.outcome_request' && mail.to_address === to);

    it('asks after the configured days, reminds once, then shows "Ergebnis fehlt" and lets the caseworker close', async () => {
      const start = new Date('2027-01-04T09:00:00.000Z');
      const referral = await acceptedByPartner(start);
      expect(outcomeMails((await run(daysAfter(20, start))).mails, 'pia@schule.test')).toEqual([]);
      const asked = await run(daysAfter(21, start));
      expect(outcomeMails(asked.mails, 'pia@schule.test')).toHaveLength(1);
      expect(outcomeMails(asked.mails, 'pia@schule.test')[0]!.reply_to).toBe('clara@jmd.test');
      expect(await listOutcomeMissing(test.db, [referral.id])).toEqual(new Set([referral.id]));
      // The next run the same day asks nobody again.
      expect(outcomeMails((await run(daysAfter(21.1, start))).mails, 'pia@schule.test')).toEqual([]);
      // Not yet the time to close: asked, not reminded.
      const tooEarly = await closeWithoutAnswer(test.db, ctx(caseworker, daysAfter(22, start)), {
        id: referral.id,
        action: 'close_unanswered',
        version: referral.version,
        reason: 'Nicht erreichbar',
      });
      expect(tooEarly).toMatchObject({ ok: false, kind: 'invalid' });
      const reminded = await run(daysAfter(28, start));
      expect(outcomeMails(reminded.mails, 'pia@schule.test')).toHaveLength(1);
      expect(outcomeMails(reminded.mails, 'pia@schule.test')[0]!.subject).toMatch(/^Erinnerung: /);
      expect(outcomeMails((await run(daysAfter(40, start))).mails, 'pia@schule.test')).toEqual([]);
      expect(await findOutcomeFollowup(test.db, referral.id)).toMatchObject({ waiting: true });
      const { result, mails } = await mailsDuring(() =>
        closeWithoutAnswer(test.db, ctx(caseworker, daysAfter(41, start)), {
          id: referral.id,
          action: 'close_unanswered',
          version: referral.version,
          reason: 'Telefonisch nicht erreichbar',
        }),
      );
      expect(result).toMatchObject({
        ok: true,
        value: { status: 'cancelled', statusReason: expect.stringContaining('Telefonisch nicht erreichbar') },
      });
      expect(mails.map((mail) => mail.kind)).toEqual(['referral.cancelled']);
      expect(await listOutcomeMissing(test.db, [referral.id])).toEqual(new Set());
    });

    it('an answer after the question ends the follow-up', async () => {
      const start = new Date('2027-03-01T09:00:00.000Z');
      const referral = await acceptedByPartner(start);
      await run(daysAfter(21, start));
      unwrap(
        await transitionReferral(test.db, ctx(partner, daysAfter(23, start)), {
          id: referral.id,
          version: referral.version,
          action: 'start',
          reason: null,
          outcome: null,
        }),
      );
      expect(await listOutcomeMissing(test.db, [referral.id])).toEqual(new Set());
      expect(outcomeMails((await run(daysAfter(30, start))).mails, 'pia@schule.test')).toEqual([]);
      // Silence again for the configured days: asked anew.
      expect(outcomeMails((await run(daysAfter(45, start))).mails, 'pia@schule.test')).toHaveLength(1);
    });

    it('a partner without an account gets the question with a fresh link that opens the referral', async () => {
      const start = new Date('2027-05-03T09:00:00.000Z');
      const { referral, actor } = await sendByLink(start);
      unwrap(
        await transitionReferral(test.db, ctx(actor, start), {
          id: referral.id,
          version: referral.version,
          action: 'accept',
          reason: null,
          outcome: null,
        }),
      );
      const mails = outcomeMails((await run(daysAfter(21, start))).mails, LINK_ORG_EMAIL);
      expect(mails).toHaveLength(1);
      const opened = await openReferralLink(test.db, ctx(ANONYMOUS, daysAfter(22, start)), {
        token: tokenIn(mails[0]!),
      });
      expect(opened).toMatchObject({ ok: true, value: { referralId: referral.id } });
    });
  });
});
