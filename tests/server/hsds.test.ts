import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { createDb } from '../../src/lib/db/create-db';
import { setServicesPublic } from '../../src/lib/hsds/hsds.queries';
import { DEMO_PASSWORDS, signInOverHttp, startTestServer, type TestServer } from '../helpers/server';

// The HSDS API and the key admin page in the built app: an admin creates a key (shown once), another system reads
// with it, the schema files come from vendor/, the export downloads, a revoked key is refused.
describe('HSDS API over HTTP', () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer();
    admin = await signInOverHttp(server, 'admin@partnernetz.example', DEMO_PASSWORDS['admin']!);
  });
  afterAll(async () => server?.stop());

  const post = (path: string, cookie: string, body: Record<string, string>) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, cookie },
      body: new URLSearchParams(body),
    });
  const withKey = (path: string, key: string) =>
    fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

  it('lets an admin create a key that is shown once, read with it, download the export, and revoke it', async () => {
    const page = await fetch(`${server.url}/admin/api-schluessel`, { headers: { cookie: admin } });
    expect(page.status).toBe(200);
    const created = await post('/admin/api-schluessel', admin, {
      intent: 'anlegen',
      name: 'Nachbarregion',
      scope: 'all',
      expires: '',
    });
    expect(created.status).toBe(201);
    const html = await created.text();
    const key = /jmdp_[a-z2-7]{32}/.exec(html)?.[0];
    expect(key).toBeDefined();
    // Shown once: the list afterwards shows the prefix only.
    expect(
      await (await fetch(`${server.url}/admin/api-schluessel`, { headers: { cookie: admin } })).text(),
    ).not.toContain(key!);

    const services = await withKey('/api/hsds/services?per_page=3', key!);
    expect(services.status).toBe(200);
    const body = (await services.json()) as { size: number; total_items: number };
    expect(body.size).toBe(3);
    expect((await fetch(`${server.url}/api/hsds/services`)).status).toBe(401);

    const schema = await fetch(`${server.url}/api/hsds/schema/compiled/service.json`);
    expect(schema.status).toBe(200);
    expect(
      ((await schema.json()) as { properties: Record<string, unknown> }).properties['capacities'],
    ).toBeDefined();

    const zip = await withKey('/api/hsds/export?format=zip', key!);
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-disposition')).toContain('hsds-tabellen.zip');
    expect(Object.keys(unzipSync(new Uint8Array(await zip.arrayBuffer())))).toContain('datapackage.json');

    const listing = await (
      await fetch(`${server.url}/admin/api-schluessel`, { headers: { cookie: admin } })
    ).text();
    const id = /name="key" value="([a-z0-9]+)"/.exec(listing)?.[1];
    const revoked = await post('/admin/api-schluessel', admin, { intent: 'widerrufen', key: id! });
    expect(revoked.status).toBe(303);
    expect((await withKey('/api/hsds/services', key!)).status).toBe(401);
  });

  it('hides the key page from everyone but admins (404)', async () => {
    const coordinator = await signInOverHttp(
      server,
      'koordination@partnernetz.example',
      DEMO_PASSWORDS['coordinator']!,
    );
    expect(
      (await fetch(`${server.url}/admin/api-schluessel`, { headers: { cookie: coordinator } })).status,
    ).toBe(404);
  });

  it('serves only public services without a key when HSDS_PUBLIC=1', async () => {
    const open = await startTestServer({ HSDS_PUBLIC: '1', HSDS_PUBLIC_RATE_LIMIT: '3' });
    try {
      expect(
        ((await (await fetch(`${open.url}/api/hsds/services`)).json()) as { total_items: number })
          .total_items,
      ).toBe(0);
      const db = createDb({ databaseUrl: open.databaseUrl });
      try {
        const [first] = await db.selectFrom('service').select('id').limit(1).execute();
        await setServicesPublic(db, [first!.id], true);
      } finally {
        await db.destroy();
      }
      const page = (await (await fetch(`${open.url}/api/hsds/services`)).json()) as { total_items: number };
      expect(page.total_items).toBe(1);
      // The third request of this client in a minute was the last one allowed (unless the minute just turned).
      let refused: Response | null = null;
      for (let i = 0; i < 4 && !refused; i++) {
        const response = await fetch(`${open.url}/api/hsds/services`);
        if (response.status === 429) refused = response;
      }
      expect(refused?.headers.get('Retry-After')).toMatch(/^\d+$/);
      expect(((await refused!.json()) as { fehler: string }).fehler).toMatch(
        /Zu viele Anfragen ohne Schlüssel/,
      );
    } finally {
      await open.stop();
    }
  });
});
