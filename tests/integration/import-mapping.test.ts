import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionContext } from '../../src/lib/action/context';
import type { Actor } from '../../src/lib/auth/policy';
import { loadConfig } from '../../src/lib/config/config';
import { createDb } from '../../src/lib/db/create-db';
import { mappingText } from '../../src/lib/directory/import';
import { runPendingImports } from '../../src/lib/directory/import.job';
import { saveImportMappings } from '../../src/lib/directory/import-mapping.service';
import { findImportJob } from '../../src/lib/directory/import.queries';
import { startImport, uploadImport } from '../../src/lib/directory/import.service';
import { findService, findServiceIdByExternalId } from '../../src/lib/directory/service.queries';
import { loadSearchDocuments } from '../../src/lib/search/documents';
import { fixedClock } from '../../src/lib/time/clock';
import { createTestDb, testDialects } from '../helpers/db';
import { createTestUser } from '../helpers/factories';

const config = loadConfig({ DATABASE_URL: 'sqlite::memory:' });
const NOW = new Date('2026-12-02T09:00:00Z');
const root = path.resolve(import.meta.dirname, '../..');

// A coordinator's list from another region, with the category cells a person maps at a glance (issue 14).
const LIST = [
  'externe_id;organisation;name;kategorie;sprachen;plz;ort',
  'R-01;IHK Nord (Test);Ausbildungsberatung;IHK;Deutsch, Englisch;23552;Lübeck',
  'R-02;HWK Nord (Test);Passgenaue Besetzung;HWK;de;23552;Lübeck',
  'R-03;Caritas Nord (Test);Migrationsberatung;MBE;Arabic, Farsi;23552;Lübeck',
  'R-04;Verein Nord (Test);Ausbildungslotsen;Lotsen;de;23552;Lübeck',
  'R-05;Verein Nord (Test);Theatergruppe;Kultur;Tuerkisch;23552;Lübeck',
  'R-06;BBS Nord (Test);Berufsvorbereitung;berufsschule;de;23552;Lübeck',
  'R-07;VHS Nord (Test);Alpha-Kurs;Alphabetisierung;Arabsich;23552;Lübeck',
  'R-08;VHS Nord (Test);Berufsorientierung;Beruf;de;23552;Lübeck',
  'R-09;Kita Nord (Test);Eltern-Kind-Gruppe;Kita;Klingonisch;23552;Lübeck',
  'R-10;VHS Nord (Test);Berufsorientierung 2;Beruf, Sprache;de;23552;Lübeck',
].join('\n');

describe.each(testDialects)('an import that understands categories on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let coordinator: Actor;
  const clock = fixedClock(NOW);
  const as = (user: Actor): ActionContext => ({
    actor: { kind: 'user', user },
    requestId: 'req',
    now: NOW,
    config,
  });
  beforeAll(async () => {
    test = await createTestDb(dialect);
    const user = await createTestUser(test.db, { role: 'coordinator' });
    coordinator = { id: user.id, organizationId: user.organizationId, role: user.role, active: true };
  });
  afterAll(async () => test?.drop());

  const checkedJob = async (csv: string) => {
    const uploaded = await uploadImport(test.db, as(coordinator), { fileName: 'nord.csv', csv });
    if (!uploaded.ok) throw new Error('upload failed');
    await runPendingImports(test.db, config, clock, 'runner');
    return (await findImportJob(test.db, uploaded.value.id))!;
  };

  it('lists each mapping it made, and each open cell once with its rows; the file is kept to choose', async () => {
    const job = await checkedJob(LIST);
    expect(job.status).toBe('checked');
    expect(job.hasFile).toBe(true);
    const mappings = job.report!.mappings.map(mappingText);
    expect(mappings).toEqual(
      expect.arrayContaining([
        '„IHK“ → Industrie- und Handelskammer (IHK) (Abkürzung)',
        '„HWK“ → Handwerkskammer (HWK) (Abkürzung)',
        '„MBE“ → Migrationsberatung für Erwachsene (MBE) (Abkürzung)',
        '„Lotsen“ → Mentoring und Lotsen (Teil des Namens)',
        '„Kultur“ → Kultur, Musik und Bibliothek (Teil des Schlüssels)',
        '„berufsschule“ → Berufsbildende Schule (Teil des Schlüssels)',
        '„Alphabetisierung“ → Alphabetisierungskurs (Teil des Schlüssels)',
        'Sprache „Arabic“ → Arabisch (Synonym)',
        'Sprache „Arabsich“ → Arabisch (Tippfehler)',
      ]),
    );
    expect(job.report!.unresolved).toEqual([
      expect.objectContaining({ kind: 'category', cell: 'Beruf', lines: [9, 11], rowCount: 2 }),
      expect.objectContaining({ kind: 'category', cell: 'Kita', lines: [10], candidates: [] }),
      expect.objectContaining({ kind: 'language', cell: 'Klingonisch', lines: [10] }),
    ]);
    const beruf = job.report!.unresolved[0]!;
    expect(beruf.candidates.map((c) => c.target)).toEqual(
      expect.arrayContaining(['bildung.berufsschule', 'arbeit.berufsberatung']),
    );
    expect(await startImport(test.db, as(coordinator), { auftrag: job.id })).toMatchObject({
      ok: false,
      kind: 'refused',
    });
  });

  it('succeeds after mappings are chosen; a second import of the same file needs none', async () => {
    const job = await checkedJob(LIST);
    const saved = await saveImportMappings(test.db, as(coordinator), {
      intent: 'zuordnen',
      auftrag: job.id,
      art: ['category', 'category', 'language'],
      zelle: ['Beruf', 'Kita', 'Klingonisch'],
      ziel: ['arbeit.berufsberatung', 'new:bildung', 'de'],
    });
    expect(saved).toMatchObject({ ok: true });
    await runPendingImports(test.db, config, clock, 'runner');
    const rechecked = (await findImportJob(test.db, job.id))!;
    expect(rechecked.report).toMatchObject({ problems: [], unresolved: [], create: 10 });
    expect(rechecked.report!.mappings.map(mappingText)).toContain(
      '„Beruf“ → Agentur für Arbeit / Berufsberatung (gespeicherte Zuordnung)',
    );
    expect(await startImport(test.db, as(coordinator), { auftrag: job.id })).toMatchObject({ ok: true });
    await runPendingImports(test.db, config, clock, 'runner');
    expect(await findImportJob(test.db, job.id)).toMatchObject({ status: 'done' });

    const ihk = (await findService(test.db, (await findServiceIdByExternalId(test.db, 'R-01'))!))!;
    expect(ihk).toMatchObject({
      termIds: ['arbeit.ihk'],
      languages: ['de', 'en'],
      importedAt: NOW.toISOString(),
    });
    const mbe = (await findService(test.db, (await findServiceIdByExternalId(test.db, 'R-03'))!))!;
    expect(mbe.languages).toEqual(['ar', 'fa']);
    const both = (await findService(test.db, (await findServiceIdByExternalId(test.db, 'R-10'))!))!;
    expect(both.termIds.sort()).toEqual(['arbeit.berufsberatung', 'sprache']);
    const kita = (await findService(test.db, (await findServiceIdByExternalId(test.db, 'R-09'))!))!;
    expect(kita.termIds[0]).toMatch(/^eigene\./);

    // The search finds the category by the chosen alias too.
    const { documents } = await loadSearchDocuments(test.db, [both.id]);
    expect(documents[0]!.categories).toEqual(expect.arrayContaining(['Beruf']));

    const again = await checkedJob(LIST);
    expect(again.report).toMatchObject({ problems: [], unresolved: [], create: 0, update: 0, unchanged: 10 });
  });
});

describe('npm run import with a mapping file', () => {
  const run = promisify(execFile);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-mapping-'));
  const databaseUrl = `sqlite:${path.join(dir, 'import.sqlite')}`;
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports mappings and open cells, then imports with a mapping file and needs it no more', async () => {
    const file = path.join(dir, 'nord.csv');
    fs.writeFileSync(file, LIST);
    const dry = cli(file, '--dry-run');
    await expect(dry).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('„IHK“ → Industrie- und Handelskammer (IHK) (Abkürzung)'),
      stderr: expect.stringContaining('Kategorie „Beruf“ (Zeilen 9, 11)'),
    });
    const mapping = path.join(dir, 'zuordnungen.json');
    fs.writeFileSync(
      mapping,
      JSON.stringify({
        kategorie: { Beruf: 'arbeit.berufsberatung', Kita: 'bildung' },
        sprache: { Klingonisch: 'de' },
      }),
    );
    const real = await cli(file, '--zuordnungen', mapping);
    expect(real.stdout).toContain('angelegt: 10');
    const second = await cli(file, '--dry-run');
    expect(second.stdout).toContain('unverändert: 10');
    const db = createDb({ databaseUrl });
    try {
      expect(await findServiceIdByExternalId(db, 'R-09')).not.toBeNull();
    } finally {
      await db.destroy();
    }
  }, 120_000);
});
