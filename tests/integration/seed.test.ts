import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDialects } from '../helpers/db';
import { seedSampleRegion, isDatabaseEmpty } from '../../db/seed/seed';
import { seedSampleReferrals } from '../../db/seed/sample-referrals';
import { systemContext } from '../../src/lib/action/context';
import { loadConfig } from '../../src/lib/config/config';
import { openReferralLink } from '../../src/lib/referrals/referral-link';
import { todayInGermany } from '../../src/lib/time/time';
import { signIn } from '../../src/lib/auth/sign-in.service';
import { PARTNER_CATEGORIES } from '../../src/lib/directory/organization';
import { listOrganizations } from '../../src/lib/directory/organization.queries';
import { findUserById, findUserRowByEmail } from '../../src/lib/auth/auth.queries';
import { listMembers } from '../../src/lib/networks/group.queries';
import { listGroupsFor } from '../../src/lib/networks/group.service';
import { listAgenda, listInvitations, listMeetings } from '../../src/lib/networks/meeting.queries';
import { findMinutes } from '../../src/lib/networks/minutes.queries';
import { listMyActionItems, searchMinutesFor } from '../../src/lib/networks/minutes.service';
import { MINUTES_SEARCH_EXAMPLES, minutesSearchHint } from '../../src/lib/networks/networks.view';

const config = loadConfig({ DATABASE_URL: 'sqlite::memory:' });

describe.each(testDialects)('sample region on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let progress: number[] = [];
  let logins: Awaited<ReturnType<typeof seedSampleRegion>>;
  beforeAll(async () => {
    test = await createTestDb(dialect);
    expect(await isDatabaseEmpty(test.db)).toBe(true);
    progress = [];
    logins = await seedSampleRegion(test.db, { onProgress: (done) => progress.push(done) });
  });
  afterAll(async () => test?.drop());

  it('loads one Träger, two JMD offices and at least 60 partners covering every category', async () => {
    const traeger = await listOrganizations(test.db, { kind: 'traeger' });
    const offices = await listOrganizations(test.db, { kind: 'jmd_office' });
    const partners = await listOrganizations(test.db, { kind: 'partner', limit: 1000 });
    expect(traeger.total).toBe(1);
    expect(offices.total).toBe(2);
    expect(offices.items.every((o) => o.parentId === traeger.items[0]!.id)).toBe(true);
    expect(partners.total).toBeGreaterThanOrEqual(60);
    const categories = new Set(partners.items.map((p) => p.category));
    expect([...categories].sort()).toEqual([...PARTNER_CATEGORIES].sort());
    expect(progress.at(-1)).toBe(1 + 2 + 2 * partners.total);
    expect(await isDatabaseEmpty(test.db)).toBe(false);
  });

  it('marks every entry as sample data, with plausible and distinct places', async () => {
    const all = await listOrganizations(test.db, { limit: 1000 });
    const coordinates = new Set<string>();
    for (const organization of all.items) {
      expect(organization.isSample).toBe(true);
      expect(organization.name).toMatch(/\(Beispiel\)$/);
      expect(organization.postcode).toMatch(/^2(3[5-9]|38)\d{2}$/);
      expect(organization.latitude).toBeGreaterThan(53.7);
      expect(organization.latitude).toBeLessThan(54.0);
      expect(organization.longitude).toBeGreaterThan(10.3);
      expect(organization.longitude).toBeLessThan(10.95);
      expect(organization.email).toMatch(/\.example$/);
      expect(organization.district).toBeTruthy();
      coordinates.add(`${organization.latitude},${organization.longitude}`);
    }
    expect(coordinates.size).toBe(all.total);
  });

  it('creates one demo user per role whose printed password signs in', async () => {
    expect(new Set(logins.map((l) => l.role))).toEqual(
      new Set(['admin', 'coordinator', 'caseworker', 'partner']),
    );
    for (const login of logins) {
      const result = await signIn(
        test.db,
        { actor: { kind: 'anonymous' }, requestId: null, now: new Date(), config },
        { email: login.email, password: login.password, address: '127.0.0.1', userAgent: null },
      );
      expect(result.ok).toBe(true);
    }
  });

  it('adds sample referrals for the demo: one new for the demo partner, one answered, one overdue with a link mail', async () => {
    expect(await seedSampleReferrals(test.db, 'http://localhost:4321')).toBe(3);
    const partner = await test.db
      .selectFrom('app_user')
      .select('organization_id')
      .where('email', '=', 'partner@partnernetz.example')
      .executeTakeFirstOrThrow();
    const referrals = await test.db.selectFrom('referral').selectAll().execute();
    const today = new Date().toISOString().slice(0, 10);
    expect(
      referrals
        .filter((r) => r.recipient_organization_id === partner.organization_id)
        .map((r) => r.status)
        .sort(),
    ).toEqual(['accepted', 'sent']);
    expect(referrals.filter((r) => r.status === 'sent' && r.response_due_on < today)).toHaveLength(1);
    const linkMails = await test.db
      .selectFrom('outbox')
      .select('body_text')
      .where('kind', '=', 'referral.link')
      .execute();
    expect(linkMails.length).toBeGreaterThan(0);
    expect(linkMails[0]!.body_text).toMatch(/\/link\/[a-z2-7]{32}/);
    const names = await test.db.selectFrom('case_identity').select('first_name').execute();
    expect(names.every((n) => n.first_name?.endsWith('(Beispiel)'))).toBe(true);
  });

  it('the newest link mail of the overdue sample referral opens it when the demo starts, although it was sent ten days ago', async () => {
    const config = loadConfig({});
    const mails = await test.db
      .selectFrom('outbox')
      .select(['body_text', 'created_at'])
      .where('kind', '=', 'referral.link')
      .orderBy('created_at', 'desc')
      .execute();
    const token = /\/link\/([a-z2-7]{32})/.exec(mails[0]!.body_text)![1]!;
    const now = new Date();
    const opened = await openReferralLink(test.db, systemContext(config, 'demo', now), { token });
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    const referral = await test.db
      .selectFrom('referral')
      .select(['status', 'response_due_on'])
      .where('id', '=', opened.value.referralId)
      .executeTakeFirstOrThrow();
    expect(referral.status).toBe('sent');
    expect(referral.response_due_on < todayInGermany(now)).toBe(true);
  });

  it('adds three working groups with released minutes, open action items (one for the demo caseworker) and a next meeting with answers', async () => {
    const caseworker = (await findUserRowByEmail(test.db, 'fachkraft@partnernetz.example'))!;
    const user = (await findUserById(test.db, caseworker.id))!;
    const groups = await listGroupsFor(test.db, user, { mine: true });
    expect(groups.map((g) => g.name).sort()).toEqual([
      'AK Jugendbildung, Beruf und Migration (Beispiel)',
      'Arbeitskreis Migration Lübeck (Beispiel)',
      'Stadtteilarbeitskreis Moisling (Beispiel)',
    ]);
    expect(groups.every((g) => g.isSample)).toBe(true);
    const now = new Date();
    for (const group of groups) {
      const meetings = await listMeetings(test.db, group.id);
      const past = meetings.filter((m) => m.endsAt < now.toISOString());
      const next = meetings.filter((m) => m.startsAt > now.toISOString());
      expect(past).toHaveLength(1);
      expect(next).toHaveLength(1);
      expect((await findMinutes(test.db, past[0]!.id))?.status).toBe('released');
      expect((await listAgenda(test.db, next[0]!.id)).length).toBeGreaterThan(0);
      expect((await listInvitations(test.db, next[0]!.id)).some((i) => i.answer !== null)).toBe(true);
      expect((await listMembers(test.db, group.id)).length).toBeGreaterThanOrEqual(4);
    }
    const mine = await listMyActionItems(test.db, user);
    expect(mine.open.length).toBeGreaterThanOrEqual(1);
  });

  it('every example of the minutes search hint finds released sample minutes, for each demo role that reads minutes', async () => {
    const { plain, folded, finds } = MINUTES_SEARCH_EXAMPLES;
    expect(minutesSearchHint()).toContain(`„${folded}“`);
    for (const email of [
      'fachkraft@partnernetz.example',
      'koordination@partnernetz.example',
      'partner@partnernetz.example',
    ]) {
      const user = (await findUserById(test.db, (await findUserRowByEmail(test.db, email))!.id))!;
      const byPlain = await searchMinutesFor(test.db, user, plain);
      expect(byPlain.hits.length, `${email}: ${plain}`).toBeGreaterThan(0);
      const byFolded = await searchMinutesFor(test.db, user, folded);
      expect(byFolded.hits.length, `${email}: ${folded}`).toBeGreaterThan(0);
      expect(byFolded.hits.some((hit) => `${hit.notes ?? ''} ${hit.decisions ?? ''}`.includes(finds))).toBe(
        true,
      );
    }
  });
});
