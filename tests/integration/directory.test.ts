import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDialects } from '../helpers/db';
import { createTestOrganization, createTestUser } from '../helpers/factories';
import type { ActionContext } from '../../src/lib/action/context';
import type { User } from '../../src/lib/auth/auth';
import { loadConfig } from '../../src/lib/config/config';
import { LocationFormSchema, ServiceEditSchema, ServiceFormSchema } from '../../src/lib/directory/service';
import {
  changeServiceState,
  createLocationEntry,
  createServiceEntry,
  updateServiceEntry,
} from '../../src/lib/directory/upkeep.service';
import { createTerm } from '../../src/lib/directory/taxonomy.service';
import { fixedClock } from '../../src/lib/time/clock';
import { findService, listEntryChanges, listServices } from '../../src/lib/directory/service.queries';
import { subtreeIds } from '../../src/lib/directory/taxonomy';
import { listTerms } from '../../src/lib/directory/taxonomy.queries';
import { findPostcodeCentroid, upsertPostcodeCentroids } from '../../src/lib/geo/postcode.queries';
import { listAuditEntries } from '../../src/lib/audit/audit.queries';
import { updateOrganizationAsAdmin } from '../../src/lib/directory/organization-admin.service';
import { organizationToFormValues } from '../../src/lib/directory/organization-form';
import { OrganizationFormSchema } from '../../src/lib/directory/organization';

const typed = (overrides: Record<string, string | string[]> = {}) => ({
  name: 'Jugendintegrationskurs am Vormittag',
  termIds: ['sprache.jugendintegrationskurs'],
  minAge: '16',
  maxAge: '27',
  languages: 'Deutsch, Arabisch, uk',
  freeOfCharge: 'ja',
  openingHours: 'Mo-Do 08:30-12:30; Feiertage geschlossen',
  requiredDocuments: 'Berechtigungsschein',
  status: 'active',
  ...overrides,
});
/** The service form as the page's parseForm hands it to the mutation. */
const form = (overrides: Record<string, string | string[]> = {}) => ServiceFormSchema.parse(typed(overrides));

describe.each(testDialects)('directory upkeep on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let coordinator: User;
  let partner: User;
  let organizationId: string;
  let otherOrganizationId: string;
  let locationId: string;
  const clock = fixedClock(new Date('2026-03-02T09:00:00Z'));
  const context = (actor: User): ActionContext => ({
    actor: { kind: 'user', user: actor },
    requestId: 'test-request',
    now: clock.now(),
    config: loadConfig({ DATABASE_URL: test.url }),
  });

  beforeAll(async () => {
    test = await createTestDb(dialect);
    coordinator = await createTestUser(test.db, { role: 'coordinator', displayName: 'Kora Koordination' });
    organizationId = (await createTestOrganization(test.db, { name: 'Sprachschule Nord' })).id;
    otherOrganizationId = (await createTestOrganization(test.db, { name: 'Andere Einrichtung' })).id;
    partner = await createTestUser(test.db, { role: 'partner', organizationId, displayName: 'Pia Partner' });
    const location = await createLocationEntry(test.db, context(coordinator), {
      organizationId,
      form: LocationFormSchema.parse({
        street: 'Holstenstraße 5',
        postcode: '23552',
        city: 'Lübeck',
        latitude: '53,8660',
        longitude: '10,6800',
      }),
    });
    if (!location.ok) throw new Error('Standort nicht angelegt');
    locationId = location.value.id;
  });
  afterAll(async () => test?.drop());

  async function createService(overrides: Record<string, string | string[]> = {}) {
    const result = await createServiceEntry(test.db, context(coordinator), {
      organizationId,
      form: { ...form(overrides), locationIds: [locationId] },
    });
    if (!result.ok) throw new Error(JSON.stringify(result));
    return result.value;
  }

  it('stores a service with categories, languages from German names, schedules and its location', async () => {
    const service = await createService();
    expect(service.termIds).toEqual(['sprache.jugendintegrationskurs']);
    expect(service.languages).toEqual(['ar', 'de', 'uk']);
    expect(service.openingHours).toBe('Mo-Do 08:30-12:30; Feiertage geschlossen');
    expect(service.locationIds).toEqual([locationId]);
    expect(service.assurerUserId).toBe(coordinator.id);
    const schedules = await test.db
      .selectFrom('schedule')
      .selectAll()
      .where('service_id', '=', service.id)
      .execute();
    expect(schedules.map((s) => s.byday).sort()).toEqual(['MO', 'TH', 'TU', 'WE']);
    expect(schedules[0]).toMatchObject({ freq: 'WEEKLY', opens_at: '08:30', closes_at: '12:30' });
  });

  it('refuses bad input with German messages per field and writes nothing', async () => {
    const parsed = ServiceFormSchema.safeParse(
      typed({ openingHours: 'Mo 08:00', minAge: '30', maxAge: '12', languages: 'Klingonisch' }),
    );
    expect(parsed.success).toBe(false);
    const messages = parsed.error!.issues.map((issue) => issue.message).join(' ');
    expect(messages).toContain('„Mo 08:00“');
    expect(messages).toContain('Klingonisch');
    const before = (await listServices(test.db, {})).total;
    const result = await createServiceEntry(test.db, context(coordinator), {
      organizationId,
      form: { ...form(), termIds: [], locationIds: ['fremder-standort'] },
    });
    expect(result).toMatchObject({
      ok: false,
      kind: 'invalid',
      errors: {
        termIds: 'Bitte wählen Sie mindestens eine Kategorie.',
        locationIds: 'Bitte wählen Sie nur Standorte dieser Organisation.',
      },
    });
    expect((await listServices(test.db, {})).total).toBe(before);
  });

  it('records every changed field with old and new value in the history', async () => {
    const service = await createService({ name: 'Verlaufstest' });
    const result = await updateServiceEntry(test.db, context(coordinator), {
      id: service.id,
      version: service.version,
      ...form({ name: 'Verlaufstest', freePlaces: '5', openingHours: 'Mo-Fr 08:30-12:30' }),
      locationIds: [locationId],
    });
    expect(result.ok).toBe(true);
    const changes = await listEntryChanges(test.db, 'service', service.id);
    const latest = changes.filter((c) => c.field === 'freePlaces' || c.field === 'openingHours');
    expect(latest).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          field: 'freePlaces',
          oldValue: null,
          newValue: '5',
          changedByName: 'Kora Koordination',
        }),
        expect.objectContaining({
          field: 'openingHours',
          oldValue: 'Mo-Do 08:30-12:30; Feiertage geschlossen',
          newValue: 'Mo-Fr 08:30-12:30',
        }),
      ]),
    );
    const saved = (await findService(test.db, service.id))!;
    expect(saved.freePlacesUpdatedAt).not.toBeNull();
    expect(saved.version).toBe(service.version + 1);
  });

  it('answers a stale version with a conflict and the current state, never overwriting', async () => {
    const service = await createService({ name: 'Konflikttest' });
    const first = await updateServiceEntry(test.db, context(coordinator), {
      id: service.id,
      version: service.version,
      ...form({ name: 'Konflikttest', freePlaces: '3' }),
      locationIds: [locationId],
    });
    expect(first.ok).toBe(true);
    const stale = await updateServiceEntry(test.db, context(partner), {
      id: service.id,
      version: service.version,
      ...form({ name: 'Konflikttest', freePlaces: '9' }),
      locationIds: [locationId],
    });
    expect(stale).toMatchObject({ ok: false, kind: 'conflict', current: { freePlaces: 3 } });
    expect((await findService(test.db, service.id))!.freePlaces).toBe(3);
  });

  it('marks a partner’s change of their own entry for review, and a coordinator clears the mark', async () => {
    const service = await createService({ name: 'Prüftest' });
    const result = await updateServiceEntry(test.db, context(partner), {
      id: service.id,
      version: service.version,
      ...form({ name: 'Prüftest', freePlaces: '1' }),
      locationIds: [locationId],
    });
    if (!result.ok) throw new Error('expected ok');
    expect(result.value.needsReview).toBe(true);
    expect((await listServices(test.db, { needsReview: true })).items.map((s) => s.id)).toContain(service.id);
    const history = await listEntryChanges(test.db, 'service', service.id);
    expect(history.find((c) => c.field === 'freePlaces')).toMatchObject({
      via: 'partner',
      changedByName: 'Pia Partner',
    });
    const approve = { id: service.id, version: result.value.version, intent: 'approve' as const };
    expect(await changeServiceState(test.db, context(partner), approve)).toEqual({
      ok: false,
      kind: 'not_found',
    });
    const approved = await changeServiceState(test.db, context(coordinator), approve);
    expect(approved).toMatchObject({ ok: true, value: { needsReview: false } });
  });

  it('gives a partner "not found" for another organization’s entries and locations', async () => {
    const foreign = await createServiceEntry(test.db, context(coordinator), {
      organizationId: otherOrganizationId,
      form: form(),
    });
    if (!foreign.ok) throw new Error('expected ok');
    const service = foreign.value;
    expect(
      await updateServiceEntry(test.db, context(partner), {
        id: service.id,
        version: service.version,
        ...form(),
      }),
    ).toEqual({ ok: false, kind: 'not_found' });
    expect(
      await changeServiceState(test.db, context(partner), {
        id: service.id,
        version: service.version,
        intent: 'confirm',
      }),
    ).toEqual({ ok: false, kind: 'not_found' });
    expect(
      await createServiceEntry(test.db, context(partner), {
        organizationId: otherOrganizationId,
        form: form(),
      }),
    ).toEqual({ ok: false, kind: 'not_found' });
    expect(
      await createLocationEntry(test.db, context(partner), {
        organizationId: otherOrganizationId,
        form: LocationFormSchema.parse({ street: 'Irgendwo 1' }),
      }),
    ).toEqual({ ok: false, kind: 'not_found' });
  });

  it('confirms, archives and restores with history and audit, hiding archived entries from the list', async () => {
    const service = await createService({ name: 'Archivtest' });
    clock.advance(60_000);
    const confirmed = await changeServiceState(test.db, context(partner), {
      id: service.id,
      version: service.version,
      intent: 'confirm',
    });
    if (!confirmed.ok) throw new Error('expected ok');
    expect(confirmed.value.assurerUserId).toBe(partner.id);
    // The confirmation is dated by the action's clock, not the wall clock.
    expect(confirmed.value.assuredDate).toBe(clock.now().toISOString());
    const archived = await changeServiceState(test.db, context(coordinator), {
      id: service.id,
      version: confirmed.value.version,
      intent: 'archive',
    });
    if (!archived.ok) throw new Error('expected ok');
    expect((await listServices(test.db, { archived: false, text: 'Archivtest' })).total).toBe(0);
    expect((await listServices(test.db, { archived: true, text: 'Archivtest' })).total).toBe(1);
    const restored = await changeServiceState(test.db, context(coordinator), {
      id: service.id,
      version: archived.value.version,
      intent: 'restore',
    });
    expect(restored).toMatchObject({ ok: true, value: { archivedAt: null } });
    const fields = (await listEntryChanges(test.db, 'service', service.id)).map((c) => c.field);
    expect(fields.filter((f) => f === 'archivedAt')).toHaveLength(2);
    expect(fields).toContain('assuredDate');
    const audit = await listAuditEntries(test.db, { objectId: service.id });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['service.create', 'service.confirm', 'service.archive', 'service.restore']),
    );
  });

  it('filters by a category together with its subtree, and by language', async () => {
    const terms = await listTerms(test.db);
    const language = subtreeIds(terms, 'sprache');
    expect(language).toContain('sprache.jugendintegrationskurs');
    const found = await listServices(test.db, { termIds: language, archived: false });
    expect(found.total).toBeGreaterThan(0);
    expect((await listServices(test.db, { termIds: subtreeIds(terms, 'wohnen') })).total).toBe(0);
    expect((await listServices(test.db, { language: 'uk' })).total).toBe(found.total);
    expect((await listServices(test.db, { language: 'ti' })).total).toBe(0);
  });

  it('records the field history of an organization too', async () => {
    const organization = await createTestOrganization(test.db, { name: 'Verlaufsverein' });
    const result = await updateOrganizationAsAdmin(test.db, context(coordinator), {
      id: organization.id,
      version: organization.version,
      ...OrganizationFormSchema.parse({
        ...organizationToFormValues(organization),
        phone: '0451 0123 999',
      }),
    });
    expect(result.ok).toBe(true);
    const changes = await listEntryChanges(test.db, 'organization', organization.id);
    expect(changes).toEqual([
      expect.objectContaining({
        field: 'phone',
        oldValue: null,
        newValue: '0451 0123 999',
        changedBy: coordinator.id,
      }),
    ]);
  });

  it('adds a category and its audit entry together, at the action’s time', async () => {
    const result = await createTerm(test.db, context(coordinator), {
      name: 'Fahrradwerkstatt',
      parentId: 'freizeit',
    });
    if (!result.ok) throw new Error(JSON.stringify(result));
    expect((await listTerms(test.db)).find((t) => t.id === result.value.id)).toMatchObject({
      name: 'Fahrradwerkstatt',
      parentId: 'freizeit',
      isCustom: true,
    });
    expect(await listAuditEntries(test.db, { objectId: result.value.id })).toEqual([
      expect.objectContaining({
        action: 'taxonomy.create',
        actorUserId: coordinator.id,
        requestId: 'test-request',
        at: clock.now().toISOString(),
      }),
    ]);
    expect(
      await createTerm(test.db, context(coordinator), { name: 'fahrradwerkstatt', parentId: null }),
    ).toMatchObject({
      ok: false,
      kind: 'invalid',
      errors: { name: expect.stringContaining('gibt es schon') },
    });
    expect(await createTerm(test.db, context(partner), { name: 'Anderes', parentId: null })).toEqual({
      ok: false,
      kind: 'not_found',
    });
  });

  it('writes no category when its audit entry cannot be written', async () => {
    // A trigger makes every audit insert fail; the category written just before it must roll back with it.
    if (dialect.name === 'sqlite') {
      await sql`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END`.execute(
        test.db,
      );
    } else {
      await sql`CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$ LANGUAGE plpgsql`.execute(
        test.db,
      );
      await sql`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()`.execute(
        test.db,
      );
    }
    try {
      await expect(
        createTerm(test.db, context(coordinator), { name: 'Kletterhalle', parentId: null }),
      ).rejects.toThrow();
      expect((await listTerms(test.db)).some((t) => t.name === 'Kletterhalle')).toBe(false);
    } finally {
      await sql`DROP TRIGGER refuse_audit${dialect.name === 'postgres' ? sql` ON audit_log` : sql``}`.execute(
        test.db,
      );
      if (dialect.name === 'postgres') await sql`DROP FUNCTION refuse_audit()`.execute(test.db);
    }
  });

  it('turns a junk or oversized version into a German field error, and a foreign version into a conflict', async () => {
    const service = await createService({ name: 'Versionstest' });
    for (const version of ['abc', '', '1.5', '-1', '99999999999']) {
      const parsed = ServiceEditSchema.safeParse({ ...typed({ name: 'Versionstest' }), version });
      expect(parsed.success, version).toBe(false);
      expect(parsed.error!.issues[0]!.path).toEqual(['version']);
    }
    // The largest version the form accepts is a conflict on both databases, never a database error.
    const result = await updateServiceEntry(test.db, context(coordinator), {
      id: service.id,
      ...ServiceEditSchema.parse({ ...typed({ name: 'Versionstest' }), version: '2147483647' }),
      locationIds: [locationId],
    });
    expect(result).toMatchObject({ ok: false, kind: 'conflict', current: { id: service.id } });
  });

  it('finds postcode coordinates from loaded centroids, else from its own locations, else says unknown', async () => {
    expect(await findPostcodeCentroid(test.db, '23552')).toMatchObject({
      source: 'directory',
      latitude: 53.866,
    });
    await upsertPostcodeCentroids(
      test.db,
      [{ postcode: '23552', place: 'Lübeck', latitude: 53.87, longitude: 10.68 }],
      'geonames',
    );
    expect(await findPostcodeCentroid(test.db, '23552')).toMatchObject({
      source: 'geonames',
      latitude: 53.87,
    });
    await upsertPostcodeCentroids(
      test.db,
      [{ postcode: '23552', place: 'Lübeck', latitude: 53.871, longitude: 10.681 }],
      'geonames',
    );
    expect(await findPostcodeCentroid(test.db, '23552')).toMatchObject({ latitude: 53.871 });
    expect(await findPostcodeCentroid(test.db, '99999')).toBeNull();
  });
});
