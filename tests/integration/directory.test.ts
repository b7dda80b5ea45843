import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDialects } from '../helpers/db';
import { createTestOrganization, createTestUser } from '../helpers/factories';
import type { User } from '../../src/lib/auth/auth';
import {
  changeServiceState,
  createServiceEntry,
  saveLocationEntry,
  updateServiceEntry,
} from '../../src/lib/directory/upkeep.service';
import { findService, listEntryChanges, listServices } from '../../src/lib/directory/service.queries';
import { subtreeIds } from '../../src/lib/directory/taxonomy';
import { listTerms } from '../../src/lib/directory/taxonomy.queries';
import { findPostcodeCentroid, upsertPostcodeCentroids } from '../../src/lib/geo/postcode.queries';
import { listAuditEntries } from '../../src/lib/audit/audit.queries';
import { updateOrganizationAsAdmin } from '../../src/lib/directory/organization-admin.service';
import { organizationToFormValues } from '../../src/lib/directory/organization-form';

const form = (overrides: Record<string, string | string[]> = {}) => ({
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

describe.each(testDialects)('directory upkeep on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let coordinator: User;
  let partner: User;
  let organizationId: string;
  let otherOrganizationId: string;
  let locationId: string;
  const context = (actor: User) => ({ actor, requestId: 'test-request' });

  beforeAll(async () => {
    test = await createTestDb(dialect);
    coordinator = await createTestUser(test.db, { role: 'coordinator', displayName: 'Kora Koordination' });
    organizationId = (await createTestOrganization(test.db, { name: 'Sprachschule Nord' })).id;
    otherOrganizationId = (await createTestOrganization(test.db, { name: 'Andere Einrichtung' })).id;
    partner = await createTestUser(test.db, { role: 'partner', organizationId, displayName: 'Pia Partner' });
    const location = await saveLocationEntry(
      test.db,
      context(coordinator),
      { organizationId, locationId: null },
      {
        street: 'Holstenstraße 5',
        postcode: '23552',
        city: 'Lübeck',
        latitude: '53,8660',
        longitude: '10,6800',
      },
    );
    if (!location.ok) throw new Error('Standort nicht angelegt');
    locationId = location.value.id;
  });
  afterAll(async () => test?.drop());

  async function createService(overrides: Record<string, string | string[]> = {}) {
    const result = await createServiceEntry(test.db, context(coordinator), organizationId, {
      ...form(overrides),
      locationIds: [locationId],
    });
    if (!result.ok) throw new Error(JSON.stringify(result));
    return (await findService(test.db, result.value))!;
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
    const before = (await listServices(test.db, {})).total;
    const result = await createServiceEntry(test.db, context(coordinator), organizationId, {
      ...form({ openingHours: 'Mo 08:00', minAge: '30', maxAge: '12', languages: 'Klingonisch' }),
      termIds: [],
    });
    expect(result.ok).toBe(false);
    if (result.ok || result.kind !== 'invalid') throw new Error('expected invalid');
    expect(result.errors['openingHours']).toContain('„Mo 08:00“');
    expect(result.errors['languages']).toContain('Klingonisch');
    expect((await listServices(test.db, {})).total).toBe(before);
  });

  it('records every changed field with old and new value in the history', async () => {
    const service = await createService({ name: 'Verlaufstest' });
    const result = await updateServiceEntry(test.db, context(coordinator), service.id, service.version, {
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
    const first = await updateServiceEntry(test.db, context(coordinator), service.id, service.version, {
      ...form({ name: 'Konflikttest', freePlaces: '3' }),
      locationIds: [locationId],
    });
    expect(first.ok).toBe(true);
    const stale = await updateServiceEntry(test.db, context(partner), service.id, service.version, {
      ...form({ name: 'Konflikttest', freePlaces: '9' }),
      locationIds: [locationId],
    });
    expect(stale).toMatchObject({ ok: false, kind: 'conflict', current: { freePlaces: 3 } });
    expect((await findService(test.db, service.id))!.freePlaces).toBe(3);
  });

  it('marks a partner’s change of their own entry for review, and a coordinator clears the mark', async () => {
    const service = await createService({ name: 'Prüftest' });
    const result = await updateServiceEntry(test.db, context(partner), service.id, service.version, {
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
    expect(
      await changeServiceState(test.db, context(partner), service.id, result.value.version, 'approve'),
    ).toEqual({
      ok: false,
      kind: 'not_found',
    });
    const approved = await changeServiceState(
      test.db,
      context(coordinator),
      service.id,
      result.value.version,
      'approve',
    );
    expect(approved).toMatchObject({ ok: true, value: { needsReview: false } });
  });

  it('gives a partner "not found" for another organization’s entries and locations', async () => {
    const foreign = await createServiceEntry(test.db, context(coordinator), otherOrganizationId, form());
    if (!foreign.ok) throw new Error('expected ok');
    const service = (await findService(test.db, foreign.value))!;
    expect(await updateServiceEntry(test.db, context(partner), service.id, service.version, form())).toEqual({
      ok: false,
      kind: 'not_found',
    });
    expect(
      await changeServiceState(test.db, context(partner), service.id, service.version, 'confirm'),
    ).toEqual({
      ok: false,
      kind: 'not_found',
    });
    expect(await createServiceEntry(test.db, context(partner), otherOrganizationId, form())).toEqual({
      ok: false,
      kind: 'not_found',
    });
    expect(
      await saveLocationEntry(
        test.db,
        context(partner),
        { organizationId: otherOrganizationId, locationId: null },
        {
          street: 'Irgendwo 1',
        },
      ),
    ).toEqual({ ok: false, kind: 'not_found' });
  });

  it('confirms, archives and restores with history and audit, hiding archived entries from the list', async () => {
    const service = await createService({ name: 'Archivtest' });
    const confirmed = await changeServiceState(
      test.db,
      context(partner),
      service.id,
      service.version,
      'confirm',
    );
    if (!confirmed.ok) throw new Error('expected ok');
    expect(confirmed.value.assurerUserId).toBe(partner.id);
    const archived = await changeServiceState(
      test.db,
      context(coordinator),
      service.id,
      confirmed.value.version,
      'archive',
    );
    if (!archived.ok) throw new Error('expected ok');
    expect((await listServices(test.db, { archived: false, text: 'Archivtest' })).total).toBe(0);
    expect((await listServices(test.db, { archived: true, text: 'Archivtest' })).total).toBe(1);
    const restored = await changeServiceState(
      test.db,
      context(coordinator),
      service.id,
      archived.value.version,
      'restore',
    );
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
    const result = await updateOrganizationAsAdmin(
      test.db,
      context(coordinator),
      organization.id,
      organization.version,
      {
        ...organizationToFormValues(organization),
        phone: '0451 0123 999',
      },
    );
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
