import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserRowByEmail, rowToUser } from '../../src/lib/auth/auth.queries';
import { createCase } from '../../src/lib/cases/case.service';
import { CaseIdentitySchema } from '../../src/lib/cases/case';
import { createDb } from '../../src/lib/db/create-db';
import { createServiceEntry } from '../../src/lib/directory/upkeep.service';
import { ServiceFormSchema } from '../../src/lib/directory/service';
import { userContext } from '../helpers/context';
import type { ApiSearchResponse } from '../../src/lib/search/search-request';
import { createTestOrganization } from '../helpers/factories';
import { DEMO_PASSWORDS, signInOverHttp, startTestServer, type TestServer } from '../helpers/server';

// The search API over HTTP against the seeded sample region (Lübeck): sign-in, German spelling and typos,
// filters and their facet counts, errors that name the parameter, and the GeoJSON the map reads.
describe('search API over HTTP', () => {
  let server: TestServer;
  let caseworker: string;
  let partner: string;
  beforeAll(async () => {
    server = await startTestServer();
    caseworker = await signInOverHttp(server, 'fachkraft@partnernetz.example', DEMO_PASSWORDS['caseworker']!);
    partner = await signInOverHttp(server, 'partner@partnernetz.example', DEMO_PASSWORDS['partner']!);
  });
  afterAll(async () => server?.stop());

  const get = (path: string, cookie = caseworker) =>
    fetch(`${server.url}${path}`, { headers: { cookie }, redirect: 'manual' });
  const search = async (query: string, cookie = caseworker): Promise<ApiSearchResponse> => {
    const response = await get(`/api/v1/search?${query}`, cookie);
    expect(response.status, query).toBe(200);
    return (await response.json()) as ApiSearchResponse;
  };

  it('refuses requests without a session with 401 and a German message', async () => {
    for (const path of ['/api/v1/search?q=Kurs', '/api/v1/search.geojson']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(401);
      expect(await response.json()).toEqual({ fehler: 'Bitte melden Sie sich an.' });
    }
  });

  it('answers every signed-in role, partners included, without caching', async () => {
    const response = await get('/api/v1/search?q=Kurs', partner);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toContain('application/json');
  });

  it('finds the Ausländerbehörde when it is typed without umlauts', async () => {
    const body = await search('q=Auslaenderbehoerde');
    expect(body.hits[0]?.organisation).toMatch(/^Ausländerbehörde Lübeck/);
    expect(body.hits[0]?.url).toBe(`/verzeichnis/${body.hits[0]!.id}`);
  });

  it('finds the integration course despite a typo', async () => {
    const body = await search('q=Integrationskurz');
    // The corrected word ranks before the words it stands for (decision 0024): the course itself comes first.
    const course = body.hits[0];
    expect(course?.name).toBe('Integrationskurs (Beispiel)');
    expect(course?.kategorien).toContain('sprache.integrationskurs');
    expect(body.hits.every((hit) => hit.kategorien.some((k: string) => k.startsWith('sprache.')))).toBe(true);
  });

  it('narrows by language and counts the language among the facets', async () => {
    const all = await search('pro_seite=100');
    const farsi = await search('sprache=fa&pro_seite=100');
    expect(farsi.total).toBeGreaterThan(0);
    expect(farsi.total).toBeLessThan(all.total);
    expect(farsi.hits.every((hit) => hit.sprachen.includes('fa'))).toBe(true);
    expect(all.facets?.sprachen['fa']).toBe(farsi.total);
    expect(farsi.facets?.sprachen['fa']).toBe(farsi.total);
  });

  it('narrows to free services, as many as the facet promised', async () => {
    const all = await search('');
    const free = await search('kostenlos=ja');
    expect(free.total).toBeGreaterThan(0);
    expect(free.total).toBeLessThan(all.total);
    expect(all.facets?.kostenlos).toBe(free.total);
    expect(free.facets?.kostenlos).toBe(free.total);
  });

  it('narrows to a radius around a postcode, nearest first, with facets of what is left', async () => {
    const all = await search('pro_seite=100');
    const near = await search('plz=23570&radius_km=5&pro_seite=100');
    expect(near.total).toBeGreaterThan(0);
    expect(near.total).toBeLessThan(all.total);
    const distances = near.hits.map((hit) => hit.distanz_km!);
    expect(distances.every((d) => d <= 5)).toBe(true);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    const free = await search('plz=23570&radius_km=5&kostenlos=ja');
    expect(near.facets?.kostenlos).toBe(free.total);
    expect(Object.values(near.facets?.sprachen ?? {}).every((n) => n <= near.total)).toBe(true);
  });

  it('refuses a bad parameter with 400 naming it', async () => {
    for (const [query, parameter] of [
      ['alter=zwölf', 'alter'],
      ['bbox=1,2,3', 'bbox'],
      ['sortierung=beliebt', 'sortierung'],
      ['sortierung=entfernung', 'sortierung'],
      ['radius_km=10', 'radius_km'],
      ['lat=53.8', 'lon'],
      ['kategorie=gibt.es.nicht', 'kategorie'],
    ] as const) {
      const response = await get(`/api/v1/search?${query}`);
      expect(response.status, query).toBe(400);
      const body = (await response.json()) as { fehler: string; parameter: string };
      expect(body.parameter, query).toBe(parameter);
      expect(body.fehler, query).toContain(`Parameter „${parameter}“`);
    }
  });

  it('answers junk, huge numbers, NaN, repeated parameters and control characters with 400 and a German JSON error', async () => {
    for (const [query, parameter] of [
      ['alter=1e400', 'alter'],
      ['alter=NaN', 'alter'],
      ['seite=99999999999999999999', 'seite'],
      ['pro_seite=0x10', 'pro_seite'],
      ['lat=Infinity&lon=10', 'lat'],
      ['radius_km=-0&plz=23552', 'radius_km'],
      ['seite=1&seite=2', 'seite'],
      ['q=a&q=b', 'q'],
      ['q=Kurs%00', 'q'],
      ['q=%1B%5B31m', 'q'],
      ['kategorie=sprache%00', 'kategorie'],
      ['offen=-271821-04-20T00:00', 'offen'],
      ['offen=275760-09-13', 'offen'],
      ['offen=Nov%2024%202026', 'offen'],
      ['bbox=1,2,3,4e999', 'bbox'],
    ] as const) {
      // The map's endpoint ignores paging parameters (a link copied from the page carries them).
      const paths = ['seite', 'pro_seite'].includes(parameter)
        ? ['/api/v1/search']
        : ['/api/v1/search', '/api/v1/search.geojson'];
      for (const path of paths) {
        const response = await get(`${path}?${query}`);
        expect(response.status, `${path}?${query}`).toBe(400);
        expect(response.headers.get('content-type'), query).toContain('application/json');
        const body = (await response.json()) as { fehler: string; parameter: string };
        expect(body.parameter, query).toBe(parameter);
        expect(body.fehler, query).toMatch(/^Parameter „[a-z_]+“: [A-ZÄÖÜ„a-zäöü]/);
      }
    }
  });

  it('refuses an unknown postcode with 400 saying so', async () => {
    const response = await get('/api/v1/search?plz=12345');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { fehler: string; parameter: string };
    expect(body.parameter).toBe('plz');
    expect(body.fehler).toContain('Parameter „plz“: Die Postleitzahl 12345 ist unbekannt');
  });

  it('returns the matches as a GeoJSON FeatureCollection, only those with coordinates', async () => {
    // A service without a location: found by the search, but not on the map.
    const db = createDb({ databaseUrl: server.databaseUrl });
    try {
      const coordinator = rowToUser((await findUserRowByEmail(db, 'koordination@partnernetz.example'))!);
      const organization = await createTestOrganization(db, { latitude: null, longitude: null });
      const created = await createServiceEntry(db, userContext(coordinator), {
        organizationId: organization.id,
        form: ServiceFormSchema.parse({
          name: 'Telefonberatung Quokka ohne Ort',
          termIds: ['beratung'],
          languages: 'de, fa',
        }),
      });
      expect(created.ok).toBe(true);
    } finally {
      await db.destroy();
    }
    const listed = await search('q=Quokka');
    expect(listed.total).toBe(1);
    expect(listed.hits[0]!.lat).toBeNull();

    const response = await get('/api/v1/search.geojson?sprache=fa');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/geo+json');
    const geojson = (await response.json()) as {
      type: string;
      features: { type: string; geometry: { type: string; coordinates: number[] }; properties: object }[];
    };
    expect(geojson.type).toBe('FeatureCollection');
    const withFarsi = await search('sprache=fa&pro_seite=100');
    expect(withFarsi.hits.some((hit) => hit.lat === null)).toBe(true);
    expect(geojson.features).toHaveLength(withFarsi.hits.filter((hit) => hit.lat !== null).length);
    for (const feature of geojson.features) {
      expect(feature.type).toBe('Feature');
      expect(feature.geometry.type).toBe('Point');
      const [lon, lat] = feature.geometry.coordinates;
      // RFC 7946 order: longitude first (Lübeck lies near 10.7 E, 53.9 N).
      expect(lon).toBeGreaterThan(9);
      expect(lon).toBeLessThan(12);
      expect(lat).toBeGreaterThan(53);
      expect(lat).toBeLessThan(55);
      expect(Object.keys(feature.properties).sort()).toEqual(['id', 'name', 'organisation']);
    }
    expect(JSON.stringify(geojson)).not.toContain('Quokka');
  });

  it('compresses the GeoJSON for the browser (brotli, else gzip) and sends it plain to who asks for nothing', async () => {
    const zlib = await import('node:zlib');
    const http = await import('node:http');
    const raw = (encoding: string) =>
      new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
        const request = http.get(
          `${server.url}/api/v1/search.geojson`,
          { headers: { cookie: caseworker, 'accept-encoding': encoding } },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () =>
              resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) }),
            );
          },
        );
        request.on('error', reject);
      });
    const brotli = await raw('gzip, deflate, br');
    const gzip = await raw('gzip');
    const plain = await raw('identity');
    expect(brotli.encoding).toBe('br');
    expect(gzip.encoding).toBe('gzip');
    expect(plain.encoding).toBeUndefined();
    const text = plain.body.toString('utf8');
    expect(zlib.brotliDecompressSync(brotli.body).toString('utf8')).toBe(text);
    expect(zlib.gunzipSync(gzip.body).toString('utf8')).toBe(text);
    expect(brotli.body.length).toBeLessThan(plain.body.length / 3);
  });

  it('refuses bad GeoJSON filters like the search does', async () => {
    const response = await get('/api/v1/search.geojson?plz=12345');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { parameter: string }).parameter).toBe('plz');
  });

  it('renders the search page with the message for an unknown postcode', async () => {
    const response = await get('/suche?q=Beratung&plz=12345');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Die Postleitzahl 12345 ist unbekannt');
    expect(html).toContain('value="12345"');
  });

  it('renders results with links and keeps the search in the page links', async () => {
    const response = await get('/suche?q=Beratung&pro_seite=5');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/<li class="hit" data-id="[^"]+"/);
    expect(html).toMatch(/href="\/suche\?q=Beratung&(amp|#38);seite=2&(amp|#38);pro_seite=5"/);
    expect(html).toContain('data-geojson="/api/v1/search.geojson?q=Beratung"');
    expect(html).toContain('Kartenhintergrund ausgeschaltet');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
  });

  it('says so when nothing matches', async () => {
    const html = await (await get('/suche?q=Xylophonwerkstatt')).text();
    expect(html).toContain('Kein Angebot passt zu dieser Suche.');
  });

  it('offers the search without the word that found nothing, and keeps the case in every suggestion', async () => {
    const db = createDb({ databaseUrl: server.databaseUrl });
    let caseId: string;
    try {
      const caseworkerUser = rowToUser((await findUserRowByEmail(db, 'fachkraft@partnernetz.example'))!);
      const opened = await createCase(db, userContext(caseworkerUser), CaseIdentitySchema.parse({}));
      if (!opened.ok) throw new Error('case not created');
      caseId = opened.value.id;
    } finally {
      await db.destroy();
    }
    const alone = await search('q=Schuldnerberatung&facetten=nein');
    expect(alone.total).toBeGreaterThan(0);

    const html = await (await get(`/suche?q=Schuldnerberatung+Xylophonwerkstatt&fall=${caseId}`)).text();
    expect(html).toContain('Kein Angebot passt zu dieser Suche.');
    expect(html).toContain('Kein Angebot enthält alle Wörter.');
    const relaxed = [
      ...html.matchAll(/Ohne „([^“]+)“: <a href="([^"]+)">(\d+) Angebote? für „([^“]+)“<\/a>/g),
    ];
    expect(relaxed.map((m) => [m[1], m[2]?.replaceAll('&#38;', '&'), m[3], m[4]])).toEqual([
      [
        'Xylophonwerkstatt',
        `/suche?q=Schuldnerberatung&fall=${caseId}`,
        String(alone.total),
        'Schuldnerberatung',
      ],
    ]);

    // "Meinten Sie …?" keeps the case as well (it was lost before).
    const typo = await (await get(`/suche?q=Xylophonwerkstatt+Kurz&fall=${caseId}`)).text();
    const suggestion = typo.match(/Meinten Sie <a href="([^"]+)"/);
    expect(suggestion?.[1]?.replaceAll('&#38;', '&')).toMatch(
      new RegExp(`^/suche\\?q=[a-z+]+kurs[a-z+]*&fall=${caseId}$`),
    );

    // A single word that finds nothing has nothing to leave out.
    expect(await (await get('/suche?q=Xylophonwerkstatt')).text()).not.toContain(
      'Kein Angebot enthält alle Wörter',
    );
  });

  it('sends a signed-out visitor to the sign-in page', async () => {
    const response = await fetch(`${server.url}/suche`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/anmelden?weiter=%2Fsuche');
  });
});
