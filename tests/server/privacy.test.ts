import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/lib/db/create-db';
import { DEMO_PASSWORDS, signInOverHttp, startTestServer, type TestServer } from '../helpers/server';

// The privacy pages of a case over HTTP: only caseworkers of the owning office reach them; everyone else gets the
// 404 page (decision 0004) and changes nothing, whatever they send.
describe('privacy pages over HTTP', () => {
  let server: TestServer;
  let db: Db;
  let caseworker: string;
  const others: Record<string, string> = {};
  let caseId = '';
  let code = '';

  beforeAll(async () => {
    server = await startTestServer({}, { sampleReferrals: true });
    db = createDb({ databaseUrl: server.databaseUrl });
    [caseworker, others['other office']!, others['partner']!, others['coordinator']!, others['admin']!] =
      await Promise.all([
        signInOverHttp(server, 'fachkraft@partnernetz.example', DEMO_PASSWORDS['caseworker']!),
        signInOverHttp(server, 'fachkraft.moisling@partnernetz.example', DEMO_PASSWORDS['caseworker']!),
        signInOverHttp(server, 'partner@partnernetz.example', DEMO_PASSWORDS['partner']!),
        signInOverHttp(server, 'koordination@partnernetz.example', DEMO_PASSWORDS['coordinator']!),
        signInOverHttp(server, 'admin@partnernetz.example', DEMO_PASSWORDS['admin']!),
      ]);
    // A sample case of the demo caseworker's office that was sent to the demo partner.
    const row = await db
      .selectFrom('case_file')
      .innerJoin('app_user', 'app_user.organization_id', 'case_file.office_id')
      .innerJoin('referral', 'referral.case_id', 'case_file.id')
      .select(['case_file.id', 'case_file.code'])
      .where('app_user.email', '=', 'fachkraft@partnernetz.example')
      .orderBy('case_file.code')
      .executeTakeFirstOrThrow();
    caseId = row.id;
    code = row.code;
  });
  afterAll(async () => {
    await db?.destroy();
    await server?.stop();
  });

  const get = (path: string, cookie: string | null) =>
    fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  const post = (path: string, cookie: string | null, body: Record<string, string>) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: server.url,
        ...(cookie ? { cookie } : {}),
      },
      body: new URLSearchParams(body),
    });
  const exportsOf = async () =>
    (
      await db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'case.access_export')
        .where('object_id', '=', caseId)
        .execute()
    ).length;

  it('the owning office reaches every privacy page; each access export is audited; nothing is cached', async () => {
    const before = await exportsOf();
    for (const page of ['datenschutz', 'auskunft', 'auskunft.json', 'loeschen']) {
      const response = await get(`/faelle/${caseId}/${page}`, caseworker);
      expect(response.status, page).toBe(200);
      expect(response.headers.get('cache-control'), page).toBe('no-store');
    }
    const json = await get(`/faelle/${caseId}/auskunft.json`, caseworker);
    expect(json.headers.get('content-type')).toContain('application/json');
    expect(((await json.json()) as { case: { code: string } }).case.code).toBe(code);
    expect(await exportsOf()).toBe(before + 3);
  });

  it('other offices, partners, coordinators and admins get 404 and change nothing, even with the right code', async () => {
    for (const [who, cookie] of Object.entries(others)) {
      for (const page of ['datenschutz', 'auskunft', 'auskunft.json', 'loeschen']) {
        expect((await get(`/faelle/${caseId}/${page}`, cookie)).status, `${who} ${page}`).toBe(404);
      }
      expect((await post(`/faelle/${caseId}/datenschutz`, cookie, { action: 'restrict' })).status, who).toBe(
        404,
      );
      expect((await post(`/faelle/${caseId}/loeschen`, cookie, { confirmCode: code })).status, who).toBe(404);
    }
    const row = await db.selectFrom('case_file').selectAll().where('id', '=', caseId).executeTakeFirst();
    expect(row?.restricted_at).toBeNull();
    const audited = await db
      .selectFrom('audit_log')
      .select('action')
      .where('object_id', '=', caseId)
      .where('action', 'in', ['case.access_export', 'case.restrict', 'case.erase'])
      .where('actor_user_id', 'is not', null)
      .innerJoin('app_user', 'app_user.id', 'audit_log.actor_user_id')
      .where('app_user.email', '!=', 'fachkraft@partnernetz.example')
      .execute();
    expect(audited).toEqual([]);
  });

  it('signed out, the pages ask for sign-in and the JSON file is not found', async () => {
    expect((await get(`/faelle/${caseId}/auskunft`, null)).status).toBe(303);
    expect((await get(`/faelle/${caseId}/auskunft.json`, null)).status).toBe(404);
  });

  it('a wrong confirmation erases nothing (422); junk restriction actions are refused (422)', async () => {
    const wrong = await post(`/faelle/${caseId}/loeschen`, caseworker, { confirmCode: 'X'.repeat(10_000) });
    expect(wrong.status).toBe(422);
    expect((await post(`/faelle/${caseId}/loeschen`, caseworker, { confirmCode: 'AAAA-BBBB' })).status).toBe(
      422,
    );
    expect((await post(`/faelle/${caseId}/datenschutz`, caseworker, { action: 'delete' })).status).toBe(422);
    expect(
      await db.selectFrom('case_file').select('id').where('id', '=', caseId).executeTakeFirst(),
    ).toBeDefined();
  });
});
