import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/lib/db/create-db';
import type { Actor } from '../../src/lib/auth/policy';
import { decodeCsvBytes, parseCsv } from '../../src/lib/directory/csv';
import {
  commitImport,
  dryRunImport,
  IMPORT_COLUMNS,
  startImport,
  uploadImport,
} from '../../src/lib/directory/import.service';
import { runImportJob, runPendingImports } from '../../src/lib/directory/import.job';
import { claimImportJob, findImportJob } from '../../src/lib/directory/import.queries';
import { fixedClock } from '../../src/lib/time/clock';
import { findOrganization, listOrganizations } from '../../src/lib/directory/organization.queries';
import {
  findService,
  findServiceIdByExternalId,
  insertLocation,
  listEntryChanges,
  listLocations,
} from '../../src/lib/directory/service.queries';
import { systemContext, type ActionContext } from '../../src/lib/action/context';
import { loadConfig } from '../../src/lib/config/config';
import { importTemplateCsv } from '../../src/lib/directory/import-template';
import { createTestDb, testDialects } from '../helpers/db';
import { createTestOrganization, createTestUser } from '../helpers/factories';

const root = path.resolve(import.meta.dirname, '../..');
const EXAMPLE_FILE = path.join(root, 'docs/beispiel-import.csv');
const EXAMPLE = decodeCsvBytes(fs.readFileSync(EXAMPLE_FILE));
const EXAMPLE_ROWS = 7;

/** Writes rows as CSV the way Excel does: quotes only where needed, CRLF line ends. */
function toCsv(rows: string[][], delimiter = ';'): string {
  const quote = (cell: string) =>
    cell.includes(delimiter) || /["\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
  return rows.map((row) => row.map(quote).join(delimiter)).join('\r\n') + '\r\n';
}

/** The example file as header + rows, to change single cells. */
function exampleRows(): string[][] {
  const parsed = parseCsv(EXAMPLE);
  if (!parsed.ok) throw new Error(parsed.error);
  return [parsed.header, ...parsed.rows.map((row) => parsed.header.map((name) => row.cells[name] ?? ''))];
}

type Counted = 'service' | 'organization' | 'location' | 'entry_change' | 'audit_log';

async function count(db: Db, table: Counted): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function counts(db: Db): Promise<Record<Counted, number>> {
  return {
    service: await count(db, 'service'),
    organization: await count(db, 'organization'),
    location: await count(db, 'location'),
    entry_change: await count(db, 'entry_change'),
    audit_log: await count(db, 'audit_log'),
  };
}

async function serviceByExternalId(db: Db, externalId: string) {
  const id = await findServiceIdByExternalId(db, externalId);
  return id ? findService(db, id) : null;
}

const HEADER = [
  'externe_id',
  'organisation',
  'name',
  'kategorie',
  'beschreibung',
  'strasse',
  'plz',
  'ort',
  'email',
];

const config = loadConfig({ DATABASE_URL: 'sqlite::memory:' });
const NOW = new Date('2026-12-01T09:00:00Z');

/** The context of an import started by `user` on the web. */
function as(user: Actor, requestId: string | null): ActionContext {
  return { actor: { kind: 'user', user }, requestId, now: NOW, config };
}

/** The context of the command line. */
const asSystem = (now = NOW): ActionContext => systemContext(config, 'import-cli', now);

describe.each(testDialects)('CSV import on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let coordinator: Actor;
  let caseworker: Actor;
  beforeAll(async () => {
    test = await createTestDb(dialect);
    const asActor = (user: Awaited<ReturnType<typeof createTestUser>>): Actor => ({
      id: user.id,
      organizationId: user.organizationId,
      role: user.role,
      active: user.active,
    });
    coordinator = asActor(await createTestUser(test.db, { role: 'coordinator' }));
    caseworker = asActor(await createTestUser(test.db, { role: 'caseworker' }));
  });
  afterAll(async () => test?.drop());

  it('a dry run names every bad row with its line and a German reason, and writes nothing', async () => {
    const text = toCsv([
      HEADER,
      ['P-1', 'Prüfstelle (Test)', 'Gutes Angebot', 'beratung', '', 'Breite Straße 1', '23552', 'Lübeck', ''],
      ['P-2', 'Prüfstelle (Test)', 'PLZ falsch', 'beratung', '', 'Breite Straße 1', '2355', 'Lübeck', ''],
      ['P-3', 'Prüfstelle (Test)', 'Zwei Zeilen', 'beratung', 'erste\nzweite', '', '', 'Lübeck', 'kein-at'],
      ['P-4', 'Prüfstelle (Test)', 'Unbekannt', 'gibt-es-nicht', '', '', '', 'Lübeck', ''],
      ['P-1', 'Prüfstelle (Test)', 'Doppelt', 'beratung', '', '', '', 'Lübeck', ''],
    ]);
    const before = await counts(test.db);
    const report = await dryRunImport(test.db, text);
    expect(report.problems.map((p) => [p.line, p.field, p.externalId])).toEqual([
      [3, 'plz', 'P-2'],
      [4, 'email', 'P-3'],
      [6, 'kategorie', 'P-4'],
      [7, 'externe_id', 'P-1'],
    ]);
    expect(report.problems[0]!.message).toBe(
      'Zeile 3, Spalte „plz“: Die Postleitzahl hat in Deutschland genau 5 Ziffern, z. B. 23552.',
    );
    expect(report.problems[1]!.message).toMatch(/^Zeile 4, Spalte „email“: .*gültige E-Mail-Adresse/);
    expect(report.problems[2]!.message).toContain('„gibt-es-nicht“');
    expect(report.problems[3]!.message).toContain('schon in Zeile 2');
    expect(report).toMatchObject({ rows: 5, create: 1, newOrganizations: ['Prüfstelle (Test)'] });
    expect(await counts(test.db)).toEqual(before);
  });

  it('a commit with one bad row writes nothing at all', async () => {
    const text = toCsv([
      HEADER,
      ['A-1', 'Atomar (Test)', 'Erstes Angebot', 'beratung', '', 'Breite Straße 1', '23552', 'Lübeck', ''],
      ['A-2', 'Atomar (Test)', 'Zweites Angebot', 'beratung', '', 'Breite Straße 1', '23552', 'Lübeck', ''],
      ['A-3', 'Atomar (Test)', 'Drittes Angebot', 'beratung', '', 'Breite Straße 1', '23552', 'Lübeck', 'x@'],
    ]);
    const before = await counts(test.db);
    const result = await commitImport(test.db, as(coordinator, null), text);
    expect(result).toMatchObject({ ok: false, kind: 'invalid' });
    expect(result.ok === false && result.kind === 'invalid' && result.errors).toEqual({
      _form: expect.stringContaining('1 Fehler'),
      'zeile-4.email': expect.stringMatching(/^Zeile 4, Spalte „email“: /),
    });
    expect(await counts(test.db)).toEqual(before);
    expect(await findServiceIdByExternalId(test.db, 'A-1')).toBeNull();
  });

  it('a missing required column is one file-level error naming it', async () => {
    const text = toCsv([
      ['externe_id', 'organisation', 'name', 'ort'],
      ['M-1', 'Ohne Kategorie (Test)', 'Angebot', 'Lübeck'],
    ]);
    const report = await dryRunImport(test.db, text);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ line: 1, field: null, externalId: null });
    expect(report.problems[0]!.message).toContain('Pflichtspalte „kategorie“ fehlt');
  });

  it('unknown columns are a warning, not an error', async () => {
    const text = toCsv([
      ['externe_id', 'organisation', 'name', 'kategorie', 'Lieblingsfarbe'],
      ['W-1', 'Warnung (Test)', 'Angebot', 'freizeit', 'blau'],
    ]);
    const report = await dryRunImport(test.db, text);
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual(['Unbekannte Spalte „lieblingsfarbe“ wird nicht importiert.']);
  });

  it('the template download is UTF-8 with BOM, semicolons, every column, and an example line that checks clean', async () => {
    const template = importTemplateCsv();
    expect(template.startsWith('\uFEFF')).toBe(true);
    const lines = template.slice(1).split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(IMPORT_COLUMNS.join(';'));
    expect(lines[2]).toBe('');
    // The bytes as a browser saves them, read back as the import reads an uploaded file.
    const text = decodeCsvBytes(new TextEncoder().encode(template));
    const report = await dryRunImport(test.db, text);
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report).toMatchObject({ create: 1 });
  });

  it('only coordinators and admins may import; others are told nothing', async () => {
    const before = await counts(test.db);
    const result = await commitImport(test.db, as(caseworker, null), EXAMPLE);
    expect(result).toEqual({ ok: false, kind: 'not_found' });
    expect(await counts(test.db)).toEqual(before);
  });

  it('the example file imports as new, unconfirmed services of new partner organizations', async () => {
    const before = await counts(test.db);
    const result = await commitImport(test.db, as(coordinator, 'req-import'), EXAMPLE);
    expect(result.ok && result.value).toMatchObject({
      rows: EXAMPLE_ROWS,
      create: EXAMPLE_ROWS,
      update: 0,
      unchanged: 0,
      problems: [],
    });
    const after = await counts(test.db);
    expect(after.service - before.service).toBe(EXAMPLE_ROWS);
    expect(after.organization - before.organization).toBe(6);
    expect(after.location - before.location).toBe(6);
    expect(after.audit_log - before.audit_log).toBe(1);

    const course = (await serviceByExternalId(test.db, 'HL-0001'))!;
    const cafe = (await serviceByExternalId(test.db, 'HL-0002'))!;
    expect(course).toMatchObject({
      name: 'Jugendintegrationskurs (Beispiel)',
      termIds: ['sprache.jugendintegrationskurs'],
      minAge: 16,
      maxAge: 27,
      freeOfCharge: false,
      wheelchairAccessible: true,
      freePlaces: 4,
      openingHours: 'Mo-Do 08:30-13:00; Fr 08:30-12:00',
      languages: ['ar', 'de', 'en'],
      requiredDocuments:
        'Berechtigungsschein des BAMF oder Bescheid des Jobcenters\nPass oder Aufenthaltsdokument',
      assuredDate: null,
      assurerUserId: null,
      contact: null,
    });
    expect(cafe.organizationId).toBe(course.organizationId);
    expect(cafe.locationIds).toEqual(course.locationIds);
    const [location] = await listLocations(test.db, { ids: course.locationIds });
    expect(location).toMatchObject({ street: 'Königstraße 42', postcode: '23552', latitude: 53.8689 });
    const school = (await findOrganization(test.db, course.organizationId))!;
    expect(school).toMatchObject({
      kind: 'partner',
      category: 'language_course',
      email: 'kurse@sprachschule-hansekogge.example',
      postcode: '23552',
    });

    const counselling = (await serviceByExternalId(test.db, 'HL-0003'))!;
    expect(counselling.termIds.sort()).toEqual(['anerkennung.iq_beratung', 'beratung']);
    expect(counselling.contact).toMatchObject({
      name: 'Lena Sommer (Beispiel)',
      email: 'lena.sommer@anerkennung-holstentor.example',
    });
    expect((await findOrganization(test.db, counselling.organizationId))!.email).toBeNull();
    const support = (await serviceByExternalId(test.db, 'HL-0006'))!;
    expect(support.description).toBe(
      'Einzelgespräche mit Sprachmittlung; auch kurzfristig bei Krisen.\nGruppenangebot "Ankommen" donnerstags.',
    );
    expect(support.status).toBe('temporarily_closed');

    const history = await listEntryChanges(test.db, 'service', course.id);
    expect(history.length).toBeGreaterThan(5);
    expect(history.every((c) => c.via === 'import' && c.changedBy === coordinator.id)).toBe(true);
  });

  it('importing the example again reports every row unchanged and adds no history', async () => {
    const versionBefore = (await serviceByExternalId(test.db, 'HL-0001'))!.version;
    const before = await counts(test.db);
    const result = await commitImport(test.db, as(coordinator, null), EXAMPLE);
    expect(result.ok && result.value).toMatchObject({
      create: 0,
      update: 0,
      unchanged: EXAMPLE_ROWS,
      newOrganizations: [],
    });
    const after = await counts(test.db);
    expect({ ...after, audit_log: before.audit_log }).toEqual(before);
    expect((await serviceByExternalId(test.db, 'HL-0001'))!.version).toBe(versionBefore);
  });

  it('changing one cell updates that service and records exactly that field', async () => {
    const rows = exampleRows();
    const column = rows[0]!.indexOf('freie_plaetze');
    const row = rows.find((cells) => cells[0] === 'HL-0007')!;
    expect(row[column]).toBe('2');
    row[column] = '5';
    const before = (await serviceByExternalId(test.db, 'HL-0007'))!;
    const historyBefore = await count(test.db, 'entry_change');
    // A minute later, so the history lists this change first.
    const later = new Date(NOW.getTime() + 60_000);
    const result = await commitImport(test.db, asSystem(later), toCsv(rows));
    expect(result.ok && result.value).toMatchObject({ update: 1, unchanged: EXAMPLE_ROWS - 1 });
    const after = (await serviceByExternalId(test.db, 'HL-0007'))!;
    expect(after).toMatchObject({ freePlaces: 5, version: before.version + 1 });
    expect(after.freePlacesUpdatedAt).not.toBe(before.freePlacesUpdatedAt);
    expect(await count(test.db, 'entry_change')).toBe(historyBefore + 1);
    const [change] = await listEntryChanges(test.db, 'service', after.id);
    expect(change).toMatchObject({
      field: 'freePlaces',
      oldValue: '2',
      newValue: '5',
      via: 'import',
      changedBy: null,
    });
  });

  it('an existing partner is found by its name in any case, and its place is reused', async () => {
    const partner = await createTestOrganization(test.db, { name: 'Haus am Markt (Test)' });
    const locationId = await insertLocation(
      test.db,
      partner.id,
      {
        name: null,
        street: 'Markt 1',
        postcode: '23552',
        city: 'Lübeck',
        district: null,
        latitude: null,
        longitude: null,
        transitNotes: null,
      },
      { now: new Date() },
    );
    const text = toCsv([
      ['externe_id', 'organisation', 'name', 'kategorie', 'strasse', 'plz', 'ort'],
      [
        'E-1',
        'HAUS AM MARKT (TEST)',
        'Offene Sprechstunde',
        'Kultur, Musik und Bibliothek',
        'Markt 1',
        '23552',
        'Lübeck',
      ],
    ]);
    const result = await commitImport(test.db, as(coordinator, null), text);
    expect(result.ok && result.value).toMatchObject({ create: 1, newOrganizations: [] });
    const service = (await serviceByExternalId(test.db, 'E-1'))!;
    expect(service).toMatchObject({
      organizationId: partner.id,
      locationIds: [locationId],
      termIds: ['freizeit.kultur'],
    });
  });

  it('a row cannot move an existing service to another organization', async () => {
    const text = toCsv([
      ['externe_id', 'organisation', 'name', 'kategorie'],
      ['HL-0001', 'Eine ganz andere Schule (Test)', 'Jugendintegrationskurs (Beispiel)', 'sprache'],
    ]);
    const report = await dryRunImport(test.db, text);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ line: 2, field: 'organisation' });
    expect(report.problems[0]!.message).toContain('Sprachschule Hansekogge (Beispiel)');
  });

  it('Excel files with semicolons and a byte order mark and plain comma files both import', async () => {
    const header = [
      'Externe ID',
      'Organisation',
      'Name',
      'Kategorie',
      'Straße',
      'PLZ',
      'Ort',
      'Breitengrad',
      'Längengrad',
    ];
    const excel =
      '\uFEFF' +
      toCsv(
        [
          header,
          [
            'X-1',
            'Format Excel (Test)',
            'Angebot A',
            'beratung.mbe',
            'Am Hafen 1',
            '23552',
            'Lübeck',
            '53,8686',
            '10,6869',
          ],
        ],
        ';',
      );
    const comma = toCsv(
      [
        header,
        [
          'X-2',
          'Format Komma (Test)',
          'Angebot B',
          'Migrationsberatung für Erwachsene (MBE)',
          'Am Hafen 2',
          '23552',
          'Lübeck',
          '53.8687',
          '10.687',
        ],
      ],
      ',',
    );
    for (const text of [excel, comma]) {
      const result = await commitImport(test.db, as(coordinator, null), text);
      expect(result.ok && result.value).toMatchObject({ create: 1, problems: [] });
    }
    for (const [externalId, latitude] of [
      ['X-1', 53.8686],
      ['X-2', 53.8687],
    ] as const) {
      const service = (await serviceByExternalId(test.db, externalId))!;
      expect(service.termIds).toEqual(['beratung.mbe']);
      const [location] = await listLocations(test.db, { ids: service.locationIds });
      expect(location!.latitude).toBe(latitude);
    }
    const partners = await listOrganizations(test.db, { kind: 'partner', text: 'Format', limit: 10 });
    expect(partners.items.map((o) => o.category)).toEqual(['counselling', 'counselling']);
  });
});

describe('npm run import', () => {
  const run = promisify(execFile);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-import-'));
  const databaseUrl = `sqlite:${path.join(dir, 'import.sqlite')}`;
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
  const serviceCount = async () => {
    const db = createDb({ databaseUrl });
    try {
      return await count(db, 'service');
    } finally {
      await db.destroy();
    }
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('checks a file with --dry-run without writing, then imports it', async () => {
    const dry = await cli(EXAMPLE_FILE, '--dry-run');
    expect(dry.stdout).toContain(`würde anlegen: ${EXAMPLE_ROWS}`);
    expect(await serviceCount()).toBe(0);
    const real = await cli(EXAMPLE_FILE);
    expect(real.stdout).toContain(`angelegt: ${EXAMPLE_ROWS}`);
    expect(await serviceCount()).toBe(EXAMPLE_ROWS);
  }, 60_000);

  it('prints every problem and exits with 1 when a row is bad, and with 2 on a usage error', async () => {
    const bad = path.join(dir, 'fehler.csv');
    fs.writeFileSync(
      bad,
      toCsv([HEADER, ['F-1', 'Fehler (Test)', 'Angebot', 'beratung', '', '', '123', '', '']]),
    );
    await expect(cli(bad)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Zeile 2, Spalte „plz“'),
    });
    await expect(cli()).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('Aufruf:') });
    expect(await serviceCount()).toBe(EXAMPLE_ROWS);
  }, 60_000);
});

/** `n` generated rows of `organizations` partners (one address each), as a CSV text. */
function generatedCsv(n: number, organizations: number, prefix = 'G'): string {
  const lines = ['externe_id;organisation;name;kategorie;strasse;plz;ort'];
  for (let i = 0; i < n; i++) {
    const org = i % organizations;
    lines.push(`${prefix}-${i};Generiert ${org} (Test);Angebot ${i};beratung;Teststraße ${org};23552;Lübeck`);
  }
  return lines.join('\n') + '\n';
}

describe.each(testDialects)('import jobs on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let coordinator: Actor;
  let caseworker: Actor;
  const clock = fixedClock(NOW);
  beforeAll(async () => {
    test = await createTestDb(dialect);
    const asActor = (user: Awaited<ReturnType<typeof createTestUser>>): Actor => ({
      id: user.id,
      organizationId: user.organizationId,
      role: user.role,
      active: user.active,
    });
    coordinator = asActor(await createTestUser(test.db, { role: 'coordinator' }));
    caseworker = asActor(await createTestUser(test.db, { role: 'caseworker' }));
  });
  afterAll(async () => test?.drop());

  const upload = async (csv: string) => {
    const uploaded = await uploadImport(test.db, as(coordinator, 'req-upload'), {
      fileName: 'liste.csv',
      csv,
    });
    if (!uploaded.ok) throw new Error(`upload failed: ${uploaded.kind}`);
    return uploaded.value.id;
  };

  it('an uploaded file is checked by the runner, started by a coordinator, and written in batches to the end', async () => {
    const id = await upload(generatedCsv(450, 3, 'J'));
    expect(await findImportJob(test.db, id)).toMatchObject({ status: 'checking', hasFile: true });
    expect(await runImportJob(test.db, config, clock, id, 'runner-a')).toBe('checked');
    const checked = (await findImportJob(test.db, id))!;
    expect(checked).toMatchObject({
      status: 'checked',
      rowsTotal: 450,
      report: { create: 450, problems: [] },
    });
    expect(checked.preview[0]).toEqual({
      line: 2,
      cells: expect.objectContaining({ externe_id: 'J-0', organisation: 'Generiert 0 (Test)' }),
    });
    expect(await findServiceIdByExternalId(test.db, 'J-0')).toBeNull();

    expect(await startImport(test.db, as(caseworker, null), { auftrag: id })).toEqual({
      ok: false,
      kind: 'not_found',
    });
    const started = await startImport(test.db, as(coordinator, 'req-start'), { auftrag: id });
    expect(started).toMatchObject({ ok: true, value: { status: 'queued' } });
    const progress: number[] = [];
    const outcome = await runImportJob(test.db, config, clock, id, 'runner-a', {
      batchRows: 200,
      onProgress: (phase, done) => {
        if (phase === 'write') progress.push(done);
      },
    });
    expect(outcome).toBe('done');
    expect(progress).toEqual([200, 400, 450]);
    expect(await findImportJob(test.db, id)).toMatchObject({
      status: 'done',
      rowsDone: 450,
      hasFile: false,
    });
    expect(await findServiceIdByExternalId(test.db, 'J-449')).not.toBeNull();
    // Started twice is refused: the file is gone and the import is done.
    expect(await startImport(test.db, as(coordinator, null), { auftrag: id })).toMatchObject({
      ok: false,
      kind: 'refused',
    });
  });

  it('a file with problems is checked, shown with its problems, and can never be started', async () => {
    const id = await upload(
      'externe_id;organisation;name;kategorie;plz\nB-1;Fehlerhaft (Test);Angebot;beratung;123\n',
    );
    expect(await runImportJob(test.db, config, clock, id, 'runner-a')).toBe('checked');
    const job = (await findImportJob(test.db, id))!;
    // (An unknown category alone keeps the file: the coordinator can still choose what it means.)
    expect(job).toMatchObject({ status: 'checked', hasFile: false });
    expect(job.report!.problems[0]!.message).toContain('Postleitzahl');
    expect(await startImport(test.db, as(coordinator, null), { auftrag: id })).toMatchObject({
      ok: false,
      kind: 'refused',
      reason: expect.stringContaining('Fehler'),
    });
  });

  it('a file with a NUL character is refused at upload with a German reason, never stored', async () => {
    const result = await uploadImport(test.db, as(coordinator, null), {
      fileName: 'kaputt.csv',
      csv: 'e\u0000x\u0000t',
    });
    expect(result).toMatchObject({
      ok: false,
      kind: 'invalid',
      errors: { datei: expect.stringContaining('Nullzeichen') },
    });
  });

  it('a second runner cannot take a job while the first holds its claim, but takes it over once the claim expired', async () => {
    const id = await upload(generatedCsv(5, 1, 'C'));
    const later = fixedClock(NOW);
    expect(await claimImportJob(test.db, id, 'runner-a', later.now(), new Date(NOW.getTime() + 60_000))).toBe(
      true,
    );
    expect(await runImportJob(test.db, config, later, id, 'runner-b')).toBe('skipped');
    later.advance(61_000);
    expect(await runImportJob(test.db, config, later, id, 'runner-b')).toBe('checked');
  });

  it('an import stopped by a concurrent change keeps its finished batches and resumes with the rest', async () => {
    const csv = generatedCsv(500, 2, 'R');
    const first = await commitImport(test.db, as(coordinator, null), csv);
    expect(first).toMatchObject({ ok: true, value: { create: 500 } });
    // Every name changes; meanwhile someone saves the last service, so the third batch meets a stale version.
    const changed = csv.replace(/;Angebot (\d+);/g, ';Angebot $1 neu;');
    const id = await upload(changed);
    expect(await runImportJob(test.db, config, clock, id, 'runner-a')).toBe('checked');
    expect((await startImport(test.db, as(coordinator, null), { auftrag: id })).ok).toBe(true);
    const lastId = (await findServiceIdByExternalId(test.db, 'R-499'))!;
    const outcome = await runImportJob(test.db, config, clock, id, 'runner-a', {
      batchRows: 200,
      onProgress: async (phase, done) => {
        if (phase !== 'write' || done !== 400) return;
        const last = (await findService(test.db, lastId))!;
        await test.db
          .updateTable('service')
          .set({ version: last.version + 1 })
          .where('id', '=', lastId)
          .execute();
      },
    });
    expect(outcome).toBe('failed');
    const failed = (await findImportJob(test.db, id))!;
    expect(failed).toMatchObject({ status: 'failed', hasFile: true, rowsDone: 400 });
    expect(failed.message).toContain('„R-499“');
    expect((await findService(test.db, (await findServiceIdByExternalId(test.db, 'R-0'))!))!.name).toBe(
      'Angebot 0 neu',
    );
    expect((await findService(test.db, lastId))!.name).toBe('Angebot 499');

    expect(await startImport(test.db, as(coordinator, null), { auftrag: id })).toMatchObject({ ok: true });
    expect(await runImportJob(test.db, config, clock, id, 'runner-a')).toBe('done');
    expect(await findImportJob(test.db, id)).toMatchObject({
      status: 'done',
      report: { update: 100, unchanged: 400 },
    });
    expect((await findService(test.db, lastId))!.name).toBe('Angebot 499 neu');
  });

  it('the jobs runner works through every waiting job', async () => {
    const a = await upload(generatedCsv(3, 1, 'P'));
    const b = await upload(generatedCsv(3, 1, 'Q'));
    expect(await runPendingImports(test.db, config, clock, 'runner-c')).toMatch(/^2 geprüft/);
    for (const id of [a, b]) expect((await findImportJob(test.db, id))!.status).toBe('checked');
  });

  it('100,000 changed rows import, beyond the 32,766 variables SQLite binds in one statement', async () => {
    const result = await commitImport(test.db, as(coordinator, null), generatedCsv(100_000, 100, 'H'));
    expect(result).toMatchObject({ ok: true, value: { create: 100_000, problems: [] } });
    expect(await findServiceIdByExternalId(test.db, 'H-99999')).not.toBeNull();
  }, 900_000);
});
