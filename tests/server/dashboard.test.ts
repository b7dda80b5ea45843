import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSyntheticReferrals } from '../../db/seed/synthetic-referrals';
import { createDb, type Db } from '../../src/lib/db/create-db';
import {
  countReferralGroups,
  listReferrals,
  type ReferralScope,
} from '../../src/lib/referrals/referral.queries';
import { todayInGermany } from '../../src/lib/time/time';
import {
  DEMO_PASSWORDS,
  serverDialects,
  signInOverHttp,
  startTestServer,
  type TestServer,
} from '../helpers/server';

// The dashboard shows each group's first rows and pages through one group alone (decision 0029): the counts, the
// "Weitere anzeigen" links and every page must agree with the lists, in both views, on both databases.
describe.each(serverDialects)('the referral dashboard pages a group on $name', (dialect) => {
  let server: TestServer;
  let db: Db;
  let cookie: string;
  let scope: ReferralScope;

  beforeAll(async () => {
    server = await startTestServer({}, { dialect });
    db = createDb({ databaseUrl: server.databaseUrl });
    const user = await db
      .selectFrom('app_user')
      .select(['id', 'organization_id'])
      .where('email', '=', 'fachkraft.moisling@partnernetz.example')
      .executeTakeFirstOrThrow();
    await insertSyntheticReferrals(db, {
      officeId: user.organization_id,
      caseworkerId: user.id,
      count: 400,
      seed: 11,
    });
    scope = { kind: 'sender', userId: user.id, officeId: user.organization_id };
    cookie = await signInOverHttp(
      server,
      'fachkraft.moisling@partnernetz.example',
      DEMO_PASSWORDS['caseworker']!,
    );
  });
  afterAll(async () => {
    await db?.destroy();
    await server?.stop();
  });

  const page = async (path: string) => {
    const response = await fetch(`${server.url}${path}`, { headers: { cookie } });
    expect(response.status, path).toBe(200);
    // Line breaks of the template are no difference to a reader.
    return (await response.text()).replace(/\s+/g, ' ');
  };
  /** The referral ids a section of the page links to, in order (table rows only, not the cards' copies). */
  const idsIn = (html: string, group: string) => {
    const section = html.slice(
      html.indexOf(`id="${group}"`),
      html.indexOf('</section>', html.indexOf(`id="${group}"`)),
    );
    const table = section.slice(section.indexOf('<tbody>'), section.indexOf('</tbody>'));
    return [...table.matchAll(/href="\/vermittlungen\/(?:entwurf\/)?([a-z2-7]{16})"/g)].map((m) => m[1]);
  };

  it('shows ten rows of a group, its exact count and how many more there are', async () => {
    const today = todayInGermany(new Date());
    const counts = await countReferralGroups(db, scope, today);
    expect(counts.running).toBeGreaterThan(60);
    const html = await page('/vermittlungen');
    expect(html).toContain(`Laufend (${counts.running.toLocaleString('de-DE')})`);
    expect(html).toContain(`Weitere anzeigen (${(counts.running - 10).toLocaleString('de-DE')} mehr)`);
    expect(idsIn(html, 'running')).toEqual(
      (await listReferrals(db, scope, 'running', today, { limit: 10 })).map((item) => item.id),
    );
  });

  it('pages through one group with German links that keep the view and carry no personal data', async () => {
    const today = todayInGermany(new Date());
    const counts = await countReferralGroups(db, scope, today);
    const pages = Math.ceil(counts.running / 50);
    const first = await page('/vermittlungen?gruppe=running');
    expect(first).toContain(`Seite 1 von ${pages}`);
    expect(first).toContain('href="/vermittlungen?gruppe=running&#38;seite=2#running"');
    expect(first).toContain('Zurück zur Übersicht');
    const second = await page('/vermittlungen?gruppe=running&seite=2');
    expect(second).toContain(`Seite 2 von ${pages}`);
    expect(second).toContain('Vorherige Seite');
    expect(idsIn(second, 'running')).toEqual(
      (await listReferrals(db, scope, 'running', today, { limit: 50, offset: 50 })).map((item) => item.id),
    );
    // The office view keeps its view in every link; junk page numbers show the first page.
    const office = await page('/vermittlungen?ansicht=dienststelle&gruppe=closed&seite=2');
    expect(office).toContain('href="/vermittlungen?ansicht=dienststelle&#38;gruppe=closed#closed"');
    expect(office).toContain('Seite 2');
    expect(await page('/vermittlungen?gruppe=running&seite=%C3%BC')).toContain(`Seite 1 von ${pages}`);
  });
});
