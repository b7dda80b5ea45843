import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'parse5';
import { sql } from 'kysely';
import type { Db } from '../../src/lib/db/create-db';

// Building blocks of the hostile-input suite (tests/server/fuzz.test.ts): the routes as the file system names them,
// the forms and query parameters a page really offers, junk values, a cookie jar per role and a cheap fingerprint of
// the database. Nothing here knows a particular page: a new route or form is fuzzed without editing the suite.

const root = path.resolve(import.meta.dirname, '../..');
const pagesDir = path.join(root, 'src/pages');

/** A route from src/pages: its URL pattern ("/faelle/[id]"), its file and its dynamic parameter names. */
export interface Route {
  pattern: string;
  file: string;
  params: string[];
  endpoint: boolean;
}

/** Every page and endpoint under src/pages (files and folders starting with "_" are not routes). */
export function listRoutes(dir = pagesDir): Route[] {
  const routes: Route[] = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      if (entry.name.startsWith('_')) continue;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(astro|ts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        const relative = path.relative(dir, full).replace(/\\/g, '/');
        const withoutExt = relative.replace(/\.(astro|ts)$/, '');
        const pattern = `/${withoutExt}`.replace(/\/index$/, '') || '/';
        const params = [...pattern.matchAll(/\[(\.\.\.)?([^\]]+)\]/g)].map((m) => m[2]!);
        routes.push({ pattern, file: full, params, endpoint: entry.name.endsWith('.ts') });
      }
    }
  };
  walk(dir);
  return routes.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/** The route pattern a path belongs to ("/faelle/abc123" → "/faelle/[id]"), or the path itself. */
export function patternOf(pathname: string, routes: Route[]): string {
  const exact = routes.find((r) => r.pattern === pathname);
  if (exact) return exact.pattern;
  const match = routes.find((r) =>
    new RegExp(`^${r.pattern.replace(/[.]/g, '\\.').replace(/\[[^\]]+\]/g, '[^/]+')}$`).test(pathname),
  );
  return match?.pattern ?? pathname;
}

/** Fills a route pattern's parameters. */
export function fillRoute(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/\[(\.\.\.)?([^\]]+)\]/g, (_, _rest, name: string) =>
    encodeURIComponent(values[name] ?? ''),
  );
}

const importPattern = /from\s+'(\.{1,2}\/[^']+)'/g;

/** The relative TypeScript imports of a source file (resolved, existing files only). */
function importsOf(file: string): string[] {
  const source = fs.readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of source.matchAll(importPattern)) {
    const base = path.resolve(path.dirname(file), match[1]!);
    for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile() && candidate.endsWith('.ts')) {
        found.push(candidate);
        break;
      }
    }
  }
  return found;
}

/** Top-level keys of every `z.object({...})` assigned to a const named like `…Query…Schema` or `…Params…Schema`. */
function queryschemaKeys(source: string): string[] {
  const keys: string[] = [];
  for (const match of source.matchAll(/const\s+\w*(?:Query|Params)\w*Schema\s*=\s*z\s*\.object\(\{/g)) {
    let depth = 1;
    let i = match.index! + match[0].length;
    let segment = '';
    for (; i < source.length && depth > 0; i++) {
      const c = source[i]!;
      if (c === '{' || c === '(' || c === '[') depth++;
      else if (c === '}' || c === ')' || c === ']') depth--;
      if (depth === 1) segment += c;
      else if (depth === 0) break;
    }
    for (const key of segment.matchAll(/(?:^|[,\n])\s*'?([A-Za-z_][\w-]*)'?\s*:/g)) keys.push(key[1]!);
  }
  return keys;
}

/**
 * The query parameters a route reads: `searchParams.get/has/getAll('x')` in its file, and the keys of query schemas
 * (`…QuerySchema`, `…ParamsSchema` = z.object) in the file and the modules it imports, two levels deep.
 */
export function queryParamsOf(route: Route): string[] {
  const names = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string, depth: number) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = fs.readFileSync(file, 'utf8');
    if (file === route.file)
      for (const m of source.matchAll(/searchParams\.(?:get|getAll|has)\(\s*'([^']+)'\s*\)/g))
        names.add(m[1]!);
    for (const key of queryschemaKeys(source)) names.add(key);
    if (depth < 2) for (const next of importsOf(file)) visit(next, depth + 1);
  };
  visit(route.file, 0);
  return [...names].sort();
}

// ---------------------------------------------------------------------------------------------------------------
// Forms as the page offers them

/** One field of a form with its default value(s) as the browser would send them. */
export interface FormField {
  name: string;
  kind: 'text' | 'hidden' | 'number' | 'checkbox' | 'radio' | 'select' | 'textarea' | 'file' | 'other';
  values: string[];
}

/** A form as a browser would submit it through one of its submit buttons. */
export interface DiscoveredForm {
  method: 'GET' | 'POST';
  action: string;
  multipart: boolean;
  fields: FormField[];
  button: { name: string; value: string } | null;
}

interface Node {
  nodeName: string;
  tagName?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node[];
  value?: string;
}

const attr = (node: Node, name: string): string | null =>
  node.attrs?.find((a) => a.name === name)?.value ?? null;

function textOf(node: Node): string {
  if (node.nodeName === '#text') return node.value ?? '';
  return (node.childNodes ?? []).map(textOf).join('');
}

function descendants(node: Node, out: Node[] = []): Node[] {
  for (const child of node.childNodes ?? []) {
    out.push(child);
    descendants(child, out);
  }
  return out;
}

/** The forms of an HTML page, one entry per submit button that carries a name (else one per form). */
export function discoverForms(html: string, pageUrl: string): DiscoveredForm[] {
  const document = parse(html) as unknown as Node;
  const forms = descendants(document).filter((n) => n.tagName === 'form');
  const found: DiscoveredForm[] = [];
  for (const form of forms) {
    const method = (attr(form, 'method') ?? 'get').toUpperCase() === 'POST' ? 'POST' : 'GET';
    const action = new URL(attr(form, 'action') ?? pageUrl, pageUrl).toString();
    const multipart = (attr(form, 'enctype') ?? '').toLowerCase() === 'multipart/form-data';
    const fields = new Map<string, FormField>();
    const buttons: { name: string; value: string }[] = [];
    const add = (name: string, kind: FormField['kind'], value: string | null) => {
      const field = fields.get(name) ?? { name, kind, values: [] };
      if (value !== null) field.values.push(value);
      fields.set(name, field);
    };
    for (const node of descendants(form)) {
      const name = attr(node, 'name');
      if (!name || attr(node, 'disabled') !== null) continue;
      if (node.tagName === 'input') {
        const type = (attr(node, 'type') ?? 'text').toLowerCase();
        if (type === 'submit' || type === 'image') buttons.push({ name, value: attr(node, 'value') ?? '' });
        else if (type === 'button' || type === 'reset') continue;
        else if (type === 'checkbox' || type === 'radio')
          add(name, type, attr(node, 'checked') !== null ? (attr(node, 'value') ?? 'on') : null);
        else if (type === 'file') add(name, 'file', null);
        else
          add(
            name,
            type === 'hidden' ? 'hidden' : type === 'number' ? 'number' : type === 'text' ? 'text' : 'other',
            attr(node, 'value') ?? '',
          );
      } else if (node.tagName === 'textarea') add(name, 'textarea', textOf(node).replace(/^\n/, ''));
      else if (node.tagName === 'select') {
        const options = descendants(node).filter((n) => n.tagName === 'option');
        const selected = options.filter((o) => attr(o, 'selected') !== null);
        const chosen =
          selected.length > 0 ? selected : attr(node, 'multiple') === null ? options.slice(0, 1) : [];
        add(name, 'select', null);
        for (const option of chosen)
          fields.get(name)!.values.push(attr(option, 'value') ?? textOf(option).trim());
      } else if (node.tagName === 'button') {
        const type = (attr(node, 'type') ?? 'submit').toLowerCase();
        if (type === 'submit') buttons.push({ name, value: attr(node, 'value') ?? '' });
      }
    }
    const base = { method, action, multipart, fields: [...fields.values()] } as Omit<
      DiscoveredForm,
      'button'
    >;
    if (buttons.length === 0) found.push({ ...base, button: null });
    else for (const button of buttons) found.push({ ...base, button });
  }
  return found;
}

/** A key that is the same for the same form wherever it appears (the sign-out form is on every page). */
export function formKey(form: DiscoveredForm): string {
  const url = new URL(form.action);
  return [
    form.method,
    url.pathname,
    form.fields.map((f) => f.name).join(','),
    form.button ? `${form.button.name}=${form.button.value}` : '',
  ].join(' ');
}

// ---------------------------------------------------------------------------------------------------------------
// Junk

/** One kind of hostile value: replace the field's value, repeat the field, or leave it out. */
export interface Junk {
  label: string;
  value?: string;
  repeat?: boolean;
  omit?: boolean;
}

export const JUNK: readonly Junk[] = [
  { label: 'huge number', value: '99999999999' },
  { label: 'infinity', value: '1e309' },
  { label: 'negative', value: '-1' },
  { label: 'NaN', value: 'NaN' },
  { label: 'letters', value: 'abc' },
  // Short enough in bytes to pass Node's 16 KB header limit in a query string, so the app itself sees it.
  { label: '10,000 characters', value: `Ü${'x'.repeat(9_999)}` },
  { label: 'NUL', value: 'a\u0000b' },
  { label: 'BEL', value: '\u0007' },
  { label: 'ESC', value: '\u001b[31m' },
  { label: 'repeated', repeat: true },
  { label: 'missing', omit: true },
  { label: 'empty', value: '' },
];

/**
 * The junk requests for `n` fields: at least one per kind of junk, and every field at least once. Request i puts
 * junk kind i mod 12 into field (i + offset) mod n, so different forms start on different fields (deterministic).
 */
export function junkPlan(n: number, offset: number): { field: number; junk: Junk }[] {
  if (n === 0) return [];
  const count = Math.max(JUNK.length, n);
  return Array.from({ length: count }, (_, i) => ({ field: (i + offset) % n, junk: JUNK[i % JUNK.length]! }));
}

/** A form's fields as name/value pairs with junk in one of them. */
export function junkEntries(fields: FormField[], target: number, junk: Junk): [string, string][] {
  const entries: [string, string][] = [];
  fields.forEach((field, index) => {
    if (index !== target) {
      for (const value of field.values) entries.push([field.name, value]);
      return;
    }
    if (junk.omit) return;
    if (junk.repeat) {
      const original = field.values[0] ?? '1';
      entries.push([field.name, original], [field.name, original === '1' ? '2' : '1']);
      return;
    }
    entries.push([field.name, junk.value!]);
  });
  return entries;
}

/** A stable small number from a string (to spread junk over fields deterministically). */
export function hashOf(text: string): number {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP with cookies

/** A minimal cookie jar: what Set-Cookie gave, what Max-Age=0/an old Expires took away. */
export class CookieJar {
  private cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  has(pattern: RegExp): boolean {
    return [...this.cookies.keys()].some((name) => pattern.test(name));
  }

  clear(): void {
    this.cookies.clear();
  }

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key, val] = a.trim().split('=');
        if (key!.toLowerCase() === 'max-age') return Number(val) <= 0;
        if (key!.toLowerCase() === 'expires') return Date.parse(val ?? '') < Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** A request with the jar's cookies and a same-origin Origin header for unsafe methods; no redirects followed. */
export async function send(
  jar: CookieJar,
  url: string,
  init: { method?: string; body?: BodyInit } = {},
): Promise<Response> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = {};
  const cookie = jar.header();
  if (cookie) headers['cookie'] = cookie;
  if (method !== 'GET' && method !== 'HEAD') headers['origin'] = new URL(url).origin;
  if (typeof init.body === 'string') headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = await fetch(url, { method, body: init.body, headers, redirect: 'manual' });
  jar.take(response);
  return response;
}

/** GET that follows same-origin redirects (up to 5) and returns the last response and its URL. */
export async function getFollowing(
  jar: CookieJar,
  url: string,
): Promise<{ response: Response; url: string; body: string; first: number }> {
  let current = url;
  let first = 0;
  for (let hop = 0; ; hop++) {
    const response = await send(jar, current);
    if (hop === 0) first = response.status;
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location && hop < 5) {
      const next = new URL(location, current);
      if (next.origin === new URL(url).origin) {
        await response.body?.cancel();
        current = next.toString();
        continue;
      }
    }
    return { response, url: current, body: await response.text(), first };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The database, read directly

/**
 * Tables that a request may write to even when it is refused, by design: failed sign-ins are counted (rate limit),
 * sessions record when they were last seen and when they end. `search_count` is written in batches, up to five
 * seconds after the searches it counts (decision 0028): its rows can land during any later request. A refused search
 * never reaches the engine, where searches are counted (`countingEngine`).
 */
export const WRITTEN_WHEN_REFUSED = ['login_attempt', 'session', 'search_count'] as const;

/**
 * Rows a refused request may add, by design: reading personal data is audited on every render (a form shown again
 * with its errors, too).
 */
export const FINGERPRINT_FILTERS: Record<string, string> = {
  audit_log: "action not like '%read'",
};

/** Row count and newest updated_at (where the table has one) of every table but those above, in one query. */
export async function fingerprintOf(db: Db, tables: { name: string; updatedAt: boolean }[]): Promise<string> {
  const parts = tables.map(
    (t) =>
      `select '${t.name}' as t, count(*) as c, ${t.updatedAt ? 'max(updated_at)' : 'null'} as m from ${t.name}` +
      (FINGERPRINT_FILTERS[t.name] ? ` where ${FINGERPRINT_FILTERS[t.name]}` : ''),
  );
  const result = await sql<{
    t: string;
    c: number | string;
    m: string | null;
  }>`${sql.raw(parts.join(' union all '))}`.execute(db);
  return result.rows.map((r) => `${r.t}:${r.c}:${r.m ?? ''}`).join('|');
}

/**
 * Waits until the server has no import job in work (an upload is checked, a started import written, in the
 * background after the request that asked for it): a refused request must not be blamed for the runner's writes.
 * Bounded, so an import that never ends fails the suite's comparison instead of hanging it.
 */
export async function waitForBackgroundImports(db: Db, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const busy = await db
      .selectFrom('import_job')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', 'in', ['checking', 'queued', 'running'])
      .executeTakeFirst();
    if (Number(busy?.n ?? 0) === 0 || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The tables to fingerprint (app tables only: not the migrator's, not the FTS index's shadow tables). */
export async function fingerprintTables(db: Db): Promise<{ name: string; updatedAt: boolean }[]> {
  const tables = await db.introspection.getTables();
  return tables
    .filter((t) => !t.isView)
    .filter((t) => !t.name.startsWith('kysely_') && !t.name.startsWith('sqlite_'))
    .filter((t) => !/^search_(fts|doc)/.test(t.name) || t.name === 'search_change')
    .filter((t) => !(WRITTEN_WHEN_REFUSED as readonly string[]).includes(t.name))
    .map((t) => ({ name: t.name, updatedAt: t.columns.some((c) => c.name === 'updated_at') }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Which tables differ between two fingerprints (for a readable failure). */
export function fingerprintDiff(before: string, after: string): string {
  const a = new Map(before.split('|').map((p) => [p.split(':')[0]!, p] as const));
  const changed: string[] = [];
  for (const part of after.split('|')) {
    const name = part.split(':')[0]!;
    if (a.get(name) !== part) changed.push(`${a.get(name) ?? name} → ${part}`);
  }
  return changed.join(', ');
}
