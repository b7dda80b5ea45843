import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/lib/db/create-db';
import { createTestOrganization, createTestUser } from '../helpers/factories';
import {
  CookieJar,
  discoverForms,
  fillRoute,
  fingerprintDiff,
  fingerprintOf,
  fingerprintTables,
  waitForBackgroundImports,
  formKey,
  getFollowing,
  hashOf,
  junkEntries,
  junkPlan,
  listRoutes,
  patternOf,
  queryParamsOf,
  send,
  type DiscoveredForm,
  type Route,
} from '../helpers/fuzz';
import { DEMO_PASSWORDS, serverDialects, startTestServer, type TestServer } from '../helpers/server';

// Hostile input against every route, derived from src/pages (a new page, form or query parameter is fuzzed
// without editing this file): each role GETs every page and endpoint, then sends junk into every form field and
// every query parameter the route reads (huge and infinite numbers, NaN, letters, 10,000 characters, control
// characters, a repeated field, a missing one, an empty one). No answer may be a 5xx, and a refused request (4xx)
// must leave the database as it was (row counts and newest updated_at of every table, read directly).

/** The roles in the order they run: the most powerful last, so what they change cannot hide pages from others. */
const ROLES: { role: string; email: string | null }[] = [
  { role: 'partner', email: 'partner@partnernetz.example' },
  { role: 'caseworker', email: 'fachkraft@partnernetz.example' },
  { role: 'coordinator', email: 'koordination@partnernetz.example' },
  { role: 'admin', email: 'admin@partnernetz.example' },
  { role: 'anonymous', email: null },
];

/** Form actions that end the caller's own session: fuzzed without a session only, so each role keeps its own. */
const SESSION_ENDING_ACTIONS = ['/abmelden'];

/** Routes whose status is their content: the error page answers 500 on purpose. */
const STATUS_BY_DESIGN = ['GET /500'];

/** What was sent: the request ("METHOD /route/pattern"), and the field and junk if any. */
interface Sent {
  request: string;
  field?: string;
  junk?: string;
}

/** One answer that breaks the rules: a 5xx, or a refused request that changed the database. */
interface Failure {
  sent: Sent;
  detail: string;
}

/** The session cookie (with or without the __Host- prefix of production). */
const SESSION_COOKIE = /jmd_session$/;

interface Summary {
  routes: number;
  forms: Set<string>;
  requests: number;
  statuses: Map<number, number>;
  perRole: Map<string, number>;
  signIns: number;
}

describe.each(serverDialects)('hostile input on $name', (dialect) => {
  let server: TestServer;
  let db: Db;
  let tables: { name: string; updatedAt: boolean }[];
  let ids: string[] = [];
  const tokensByPrefix = new Map<string, string[]>();
  const chosen = new Map<string, number>();
  const summary: Summary = {
    routes: 0,
    forms: new Set(),
    requests: 0,
    statuses: new Map(),
    perRole: new Map(),
    signIns: 0,
  };

  beforeAll(async () => {
    server = await startTestServer({}, { dialect, sampleReferrals: true });
    db = createDb({ databaseUrl: server.databaseUrl });
    // An organization and an account of its own, so the admin's junk (deactivate, change role) hits no demo login.
    const fuzzOrg = await createTestOrganization(db, { name: 'Fuzz-Einrichtung' });
    const fuzzUser = await createTestUser(db, { organizationId: fuzzOrg.id, displayName: 'Fuzz Person' });
    const partnerOrg = (
      await db
        .selectFrom('app_user')
        .select('organization_id')
        .where('email', '=', 'partner@partnernetz.example')
        .executeTakeFirstOrThrow()
    ).organization_id;
    // Ordered by what the seed writes (not by random ids), so every run picks the same objects and forms.
    const cases = (
      await db
        .selectFrom('case_file')
        .innerJoin('case_identity', 'case_identity.case_id', 'case_file.id')
        .select('case_file.id')
        .orderBy('case_identity.first_name')
        .limit(3)
        .execute()
    ).map((r) => r.id);
    const referrals = (
      await db.selectFrom('referral').select('id').orderBy('message').limit(5).execute()
    ).map((r) => r.id);
    const services = async (ofPartner: boolean) =>
      (
        await db
          .selectFrom('service')
          .select('id')
          .where('organization_id', ofPartner ? '=' : '!=', partnerOrg)
          .orderBy('name')
          .limit(1)
          .execute()
      ).map((r) => r.id);
    const locations = async (ofPartner: boolean) =>
      (
        await db
          .selectFrom('location')
          .select('id')
          .where('organization_id', ofPartner ? '=' : '!=', partnerOrg)
          .orderBy('street')
          .orderBy('postcode')
          .limit(1)
          .execute()
      ).map((r) => r.id);
    // Every kind of object a [id] parameter can name; each role takes the first that it may see.
    ids = [
      ...new Set([
        ...cases,
        ...referrals,
        ...(await services(true)),
        ...(await services(false)),
        ...(await locations(true)),
        ...(await locations(false)),
        fuzzOrg.id,
        partnerOrg,
        fuzzUser.id,
      ]),
    ];
    // Tokens travel in mails: /link/<token>, /passwort-setzen/<token> …
    for (const row of await db.selectFrom('outbox').select('body_text').execute())
      for (const match of row.body_text.matchAll(/https?:\/\/[^/\s]+\/([\w-]+)\/([A-Za-z0-9_-]{16,})/g)) {
        const list = tokensByPrefix.get(match[1]!) ?? [];
        list.push(match[2]!);
        tokensByPrefix.set(match[1]!, list);
      }
    tables = await fingerprintTables(db);
  });

  afterAll(async () => {
    const statuses = [...summary.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
    const roles = [...summary.perRole].map(([r, n]) => `${r} ${n}`);
    console.info(
      `Fuzz (${dialect.name}): ${summary.routes} Routen, ${summary.forms.size} Formulare, ` +
        `${summary.requests} Anfragen (${roles.join(', ')}), Status ${statuses.join(' ')}, ` +
        `${summary.signIns} Neuanmeldungen`,
    );
    await db?.destroy();
    await server?.stop();
  });

  const candidatesFor = (route: Route, param: string): string[] => {
    if (!/token/i.test(param)) return ids;
    const prefix = route.pattern.split('/').filter(Boolean)[0] ?? '';
    return [...(tokensByPrefix.get(prefix) ?? []), 'x'.repeat(43)];
  };

  it.each(ROLES)(
    '$role: no route answers 5xx to junk, and no refused request changes the database',
    async ({ role, email }) => {
      const jar = new CookieJar();
      const failures: Failure[] = [];
      let baseline = '';

      const signIn = async () => {
        jar.clear();
        if (!email) return;
        const response = await send(jar, `${server.url}/anmelden`, {
          method: 'POST',
          body: new URLSearchParams({ email, password: DEMO_PASSWORDS[role]! }).toString(),
        });
        await response.body?.cancel();
        if (response.status !== 303 || !jar.has(SESSION_COOKIE))
          throw new Error(`${role}: Anmeldung fehlgeschlagen (${response.status})`);
        summary.signIns++;
      };

      /** Records one answer to `request` ("METHOD /route field"); a refused one must have left the database alone. */
      const record = async (sent: Sent, label: string, status: number, body: string) => {
        summary.requests++;
        summary.perRole.set(role, (summary.perRole.get(role) ?? 0) + 1);
        summary.statuses.set(status, (summary.statuses.get(status) ?? 0) + 1);
        await waitForBackgroundImports(db);
        const after = await fingerprintOf(db, tables);
        if (status >= 500 && !STATUS_BY_DESIGN.includes(sent.request))
          failures.push({ sent, detail: `${label} → ${status}: ${errorOf(body)}` });
        else if (status >= 400 && after !== baseline)
          failures.push({
            sent,
            detail: `${label} → ${status}, aber geändert: ${fingerprintDiff(baseline, after)}`,
          });
        baseline = after;
        if (email && !jar.has(SESSION_COOKIE)) {
          // A junk request that ended the session (it may): sign in again and go on.
          await signIn();
          baseline = await fingerprintOf(db, tables);
        }
      };

      /** The newest error the server logged, else the start of the page (what a 500 was about). */
      const errorOf = (body: string) => {
        const logged = server
          .output()
          .trim()
          .split('\n')
          .filter((line) => /error/i.test(line))
          .at(-1);
        return (logged ?? body.replace(/\s+/g, ' ')).slice(0, 300);
      };

      const request = async (
        key: Sent,
        label: string,
        url: string,
        init: { method?: string; body?: BodyInit } = {},
      ) => {
        const response = await send(jar, url, init);
        const body = response.status >= 500 ? await response.text() : '';
        if (response.status < 500) await response.body?.cancel();
        await record(key, label, response.status, body);
        return response.status;
      };

      /** The route's URL for this role: the first candidate for its parameters that the role may see. */
      const resolve = async (route: Route): Promise<string> => {
        if (route.params.length === 0) return `${server.url}${route.pattern}`;
        const values = Object.fromEntries(route.params.map((p) => [p, candidatesFor(route, p)[0]!]));
        const first = route.params[0]!;
        const candidates = candidatesFor(route, first);
        const preferred = chosen.get(route.pattern) ?? 0;
        const order = [preferred, ...candidates.keys()].filter((v, i, all) => all.indexOf(v) === i);
        for (const index of order) {
          const url = `${server.url}${fillRoute(route.pattern, { ...values, [first]: candidates[index]! })}`;
          const status = await request(
            { request: `GET ${route.pattern}` },
            `GET ${route.pattern} (Kandidat ${index})`,
            url,
          );
          if (status === 200) {
            chosen.set(route.pattern, index);
            return url;
          }
        }
        return `${server.url}${fillRoute(route.pattern, values)}`;
      };

      const submit = async (form: DiscoveredForm, entries: [string, string][], key: Sent, label: string) => {
        const withButton = form.button
          ? [...entries, [form.button.name, form.button.value] as [string, string]]
          : entries;
        if (form.method === 'GET') {
          const url = new URL(form.action);
          url.search = new URLSearchParams(withButton).toString();
          return request(key, label, url.toString());
        }
        if (form.multipart) {
          const data = new FormData();
          const files = new Set(form.fields.filter((f) => f.kind === 'file').map((f) => f.name));
          for (const [name, value] of withButton) {
            if (files.has(name)) data.append(name, new Blob([value], { type: 'text/csv' }), 'junk.csv');
            else data.append(name, value);
          }
          // A file field not under test gets a small junk file of its own.
          for (const name of files)
            if (!withButton.some(([n]) => n === name))
              data.append(name, new Blob(['Name;PLZ\n\u0000;99999999999\n']), 'junk.csv');
          return request(key, label, form.action, { method: 'POST', body: data });
        }
        return request(key, label, form.action, {
          method: 'POST',
          body: new URLSearchParams(withButton).toString(),
        });
      };

      await signIn();
      baseline = await fingerprintOf(db, tables);
      // Routes with a token first: what they grant (a link session) opens the pages after them.
      const routes = listRoutes().sort(
        (a, b) =>
          Number(!a.params.some((p) => /token/i.test(p))) - Number(!b.params.some((p) => /token/i.test(p))),
      );
      summary.routes = routes.length;
      const seenForms = new Set<string>();

      for (const route of routes) {
        const url = await resolve(route);
        const page = await getFollowing(jar, url);
        await record(
          { request: `GET ${route.pattern}` },
          `GET ${route.pattern}`,
          page.response.status,
          page.body,
        );

        // Junk in every query parameter the route reads.
        const params = queryParamsOf(route);
        for (const [i, { field, junk }] of junkPlan(params.length, hashOf(route.pattern)).entries()) {
          const target = new URL(url);
          const name = params[field]!;
          if (junk.repeat)
            target.search = new URLSearchParams([
              [name, '1'],
              [name, '2'],
            ]).toString();
          else if (!junk.omit) target.searchParams.set(name, junk.value!);
          await request(
            { request: `GET ${route.pattern}`, field: name, junk: junk.label },
            `GET ${route.pattern}?${name}=<${junk.label}> #${i}`,
            target.toString(),
          );
        }

        if (route.endpoint || page.response.status !== 200) continue;
        for (const original of discoverForms(page.body, page.url)) {
          const key = formKey(original);
          const actionPath = new URL(original.action).pathname;
          const actionRoute = patternOf(actionPath, routes);
          if (seenForms.has(key)) continue;
          seenForms.add(key);
          if (email && SESSION_ENDING_ACTIONS.includes(actionPath)) continue;
          summary.forms.add(key);
          let form = original;
          // Which field gets which junk depends on the form, not on the ids of this run.
          const stableKey = `${key} ${actionRoute}`.replace(actionPath, '');
          for (const { field, junk } of junkPlan(form.fields.length, hashOf(stableKey))) {
            const name = form.fields[field]!.name;
            const button = form.button ? ` [${form.button.name}=${form.button.value}]` : '';
            const label = `${form.method} ${actionPath}${button} ${name}=<${junk.label}> (Formular auf ${route.pattern})`;
            const requestKey = { request: `${form.method} ${actionRoute}`, field: name, junk: junk.label };
            const status = await submit(form, junkEntries(form.fields, field, junk), requestKey, label);
            if (form.method === 'POST' && status < 400) {
              // It went through: take the form afresh (new version, new submission key) for the next junk.
              const again = await getFollowing(jar, page.url);
              baseline = await fingerprintOf(db, tables);
              const forms = again.response.status === 200 ? discoverForms(again.body, again.url) : [];
              const fresh = forms.find((f) => formKey(f) === key);
              if (!fresh) break;
              form = fresh;
            }
          }
        }
      }

      // No exceptions: every 5xx and every write by a refused request fails the suite.
      expect(failures.map((f) => f.detail)).toEqual([]);
    },
    900_000,
  );
});
