import { describe, expect, it } from 'vitest';
import {
  LocationEditSchema,
  LocationFormSchema,
  ServiceFormSchema,
  diffFields,
  isStale,
  locationToFormValues,
  serviceFormToFields,
  type Service,
} from '../../src/lib/directory/service';
import {
  accessibilityText,
  ageText,
  costText,
  directoryRows,
  entryNames,
  freePlacesText,
  historyRows,
  readableValue,
  rowConflictMessage,
  rowStateMessage,
  serviceConflictFields,
  serviceSavedMessage,
  staleNote,
} from '../../src/lib/directory/service.view';
import {
  organizationConflictFields,
  organizationCreatedMessage,
  organizationFieldLabel,
  organizationStatusMessage,
} from '../../src/lib/directory/organization.view';
import { organizationToFormValues } from '../../src/lib/directory/organization-form';
import { findTermByKeyOrName, flattenTree, subtreeIds, termPath } from '../../src/lib/directory/taxonomy';
import { parseLanguages } from '../../src/lib/i18n/languages';
import { parseGeonamesPostcodes } from '../../src/lib/geo/geonames';

const terms = [
  { id: 'sprache', parentId: null, name: 'Sprache', sortOrder: 1, isCustom: false },
  {
    id: 'sprache.integrationskurs',
    parentId: 'sprache',
    name: 'Integrationskurs',
    sortOrder: 2,
    isCustom: false,
  },
  {
    id: 'eigene.x',
    parentId: 'sprache.integrationskurs',
    name: 'Kurs mit Kinderbetreuung',
    sortOrder: 9,
    isCustom: true,
  },
  { id: 'behoerde', parentId: null, name: 'Behörden', sortOrder: 3, isCustom: false },
  {
    id: 'behoerde.auslaenderbehoerde',
    parentId: 'behoerde',
    name: 'Ausländerbehörde',
    sortOrder: 4,
    isCustom: false,
  },
];

describe('service form', () => {
  it('reads German yes/no, ages, languages by name or code, and opening hours', () => {
    const parsed = ServiceFormSchema.parse({
      name: ' Sprachcafé ',
      freeOfCharge: 'Ja',
      wheelchairAccessible: 'nein',
      minAge: '14',
      languages: 'Arabisch, uk; Dari, arabisch',
      openingHours: 'Mo 10:00-12:00',
    });
    expect(parsed).toMatchObject({
      name: 'Sprachcafé',
      freeOfCharge: true,
      wheelchairAccessible: false,
      minAge: 14,
    });
    expect(parsed.languages).toEqual(['ar', 'uk', 'prs']);
    expect(parsed.openingHours.rules).toEqual([{ weekday: 'MO', opensAt: '10:00', closesAt: '12:00' }]);
  });

  it('explains each wrong field in German', () => {
    const result = ServiceFormSchema.safeParse({
      name: 'X',
      freeOfCharge: 'vielleicht',
      minAge: '-1',
      freePlaces: 'viele',
      contactEmail: 'ohne-at',
      contactPhone: '0451 1',
    });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^name: .*mindestens 2 Zeichen/),
        expect.stringMatching(/^freeOfCharge: .*„ja“ oder „nein“/),
        expect.stringMatching(/^minAge: .*ganze Zahl/),
        expect.stringMatching(/^freePlaces: .*ganze Zahl/),
        expect.stringMatching(/^contactEmail: .*gültige E-Mail/),
      ]),
    );
  });

  it('asks for the contact person’s name when other contact fields are filled', () => {
    const result = ServiceFormSchema.safeParse({ name: 'Kurs', contactPhone: '0451 1' });
    expect(result.error?.issues[0]).toMatchObject({ path: ['contactName'] });
  });

  it('refuses a maximum age below the minimum', () => {
    const result = ServiceFormSchema.safeParse({ name: 'Kurs', minAge: '20', maxAge: '18' });
    expect(result.error?.issues[0]).toMatchObject({ path: ['maxAge'] });
  });

  it('lists exactly the fields that differ', () => {
    const a = serviceFormToFields(ServiceFormSchema.parse({ name: 'Kurs', freePlaces: '3' }));
    const b = serviceFormToFields(ServiceFormSchema.parse({ name: 'Kurs', freePlaces: '4' }));
    expect(diffFields(a, b)).toEqual([{ field: 'freePlaces', from: '3', to: '4' }]);
    expect(diffFields(a, a)).toEqual([]);
  });

  it('calls an entry stale when it was confirmed more than 12 months ago or never', () => {
    const now = new Date('2026-11-23T12:00:00Z');
    expect(isStale(null, now)).toBe(true);
    expect(isStale('2025-11-22T12:00:00Z', now)).toBe(true);
    expect(isStale('2025-11-24T12:00:00Z', now)).toBe(false);
  });
});

describe('category tree', () => {
  it('orders parents before children and knows the depth', () => {
    expect(flattenTree(terms).map((t) => `${t.depth}:${t.id}`)).toEqual([
      '0:sprache',
      '1:sprache.integrationskurs',
      '2:eigene.x',
      '0:behoerde',
      '1:behoerde.auslaenderbehoerde',
    ]);
  });

  it('includes the whole subtree, and nothing for an unknown term', () => {
    expect(subtreeIds(terms, 'sprache')).toEqual(['sprache', 'sprache.integrationskurs', 'eigene.x']);
    expect(subtreeIds(terms, 'gibtsnicht')).toEqual([]);
  });

  it('finds a term by key or by name written with or without umlauts', () => {
    expect(findTermByKeyOrName(terms, 'behoerde.auslaenderbehoerde')?.name).toBe('Ausländerbehörde');
    expect(findTermByKeyOrName(terms, 'auslaenderbehoerde')?.id).toBe('behoerde.auslaenderbehoerde');
    expect(findTermByKeyOrName(terms, ' INTEGRATIONSKURS ')?.id).toBe('sprache.integrationskurs');
    expect(findTermByKeyOrName(terms, 'Schwimmkurs')).toBeNull();
    expect(termPath(terms, 'eigene.x')).toBe('Sprache › Integrationskurs › Kurs mit Kinderbetreuung');
  });
});

describe('languages', () => {
  it('reads German names, aliases and codes, and reports what it cannot read', () => {
    expect(parseLanguages('Deutsch, Farsi, Kurmandschi, Tigrinya, ps')).toEqual({
      codes: ['de', 'fa', 'kmr', 'ti', 'ps'],
      unknown: [],
    });
    expect(parseLanguages('Arabisch, Elbisch')).toEqual({ codes: ['ar'], unknown: ['Elbisch'] });
  });
});

describe('GeoNames postcodes', () => {
  it('averages several places of one postcode and reports unreadable lines with their number', () => {
    const text = [
      'DE\t23552\tLübeck\tSchleswig-Holstein\tSH\t\t\t\t\t53.86\t10.68\t4',
      'DE\t23552\tLübeck Altstadt\tSchleswig-Holstein\tSH\t\t\t\t\t53.88\t10.70\t4',
      'AT\t1010\tWien\t\t\t\t\t\t\t48.2\t16.37\t4',
      'DE\t2355\tKaputt\t\t\t\t\t\t\t53.8\t10.6\t4',
      'kaputte Zeile',
    ].join('\n');
    const result = parseGeonamesPostcodes(text);
    expect(result.centroids).toEqual([
      { postcode: '23552', place: 'Lübeck', latitude: 53.87, longitude: 10.69 },
    ]);
    expect(result.problems.map((p) => p.line)).toEqual([4, 5]);
  });
});

describe('service view', () => {
  const service = (overrides: Partial<Service> = {}): Service => ({
    id: 's1',
    organizationId: 'o1',
    organizationName: 'Sprachschule',
    externalId: null,
    name: 'Kurs',
    description: null,
    termIds: ['sprache.integrationskurs'],
    minAge: null,
    maxAge: null,
    eligibilityNotes: null,
    freeOfCharge: null,
    feesDescription: null,
    applicationProcess: null,
    requiredDocuments: null,
    accessibility: null,
    wheelchairAccessible: null,
    freePlaces: 3,
    freePlacesUpdatedAt: null,
    openingHours: '',
    status: 'active',
    assuredDate: null,
    assurerUserId: null,
    assuredSource: null,
    importedAt: null,
    importId: null,
    temporarilyClosedUntil: null,
    nextIntakeOn: null,
    archivedAt: null,
    needsReview: false,
    isSample: false,
    version: 2,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    languages: ['ar', 'de'],
    phone: null,
    contact: null,
    locationIds: ['l1'],
    ...overrides,
  });
  const location = {
    id: 'l1',
    organizationId: 'o1',
    name: null,
    street: 'Holstenstraße 5',
    postcode: '23552',
    city: 'Lübeck',
    district: 'Innenstadt',
    latitude: null,
    longitude: null,
    transitNotes: null,
    archivedAt: null,
    needsReview: false,
    version: 1,
  };
  const names = entryNames(terms, [location]);

  it('names categories and locations in the history instead of their ids, and says “(leer)” for nothing', () => {
    expect(readableValue('termIds', 'sprache, eigene.x', names)).toBe('Sprache, Kurs mit Kinderbetreuung');
    expect(readableValue('locationIds', 'l1, weg', names)).toBe('Holstenstraße 5 23552 Lübeck; weg');
    expect(readableValue('name', null, names)).toBe('(leer)');
    expect(readableValue('name', 'Kurs', names)).toBe('Kurs');
  });

  it('shows a history row with who, through what and the field’s German label', () => {
    const [row] = historyRows(
      [
        {
          changedAt: '2026-03-02T09:00:00Z',
          changedByName: null,
          via: 'import',
          field: 'review',
          oldValue: 'zu prüfen',
          newValue: 'geprüft',
        },
      ],
      names,
    );
    expect(row).toMatchObject({
      who: 'Import (Kommandozeile)',
      via: 'CSV-Import',
      field: 'Prüfung',
      before: 'zu prüfen',
      after: 'geprüft',
    });
  });

  it('after a conflict lists the stored values where they differ from what was typed', () => {
    const typed = {
      name: 'Kurs',
      termIds: ['sprache.integrationskurs'],
      freePlaces: '8',
      locationIds: ['l1'],
    };
    expect(serviceConflictFields(service(), typed, names)).toEqual([
      { label: 'Freie Plätze', value: '3' },
      { label: 'Sprachen', value: 'ar, de' },
    ]);
    // What cannot be parsed cannot be compared: no diff rather than a wrong one.
    expect(serviceConflictFields(service(), { name: '' }, names)).toEqual([]);
  });

  it('words ages, costs, free places, accessibility and stale notes', () => {
    expect(ageText(service({ minAge: 16, maxAge: 27 }))).toBe('16 bis 27 Jahre');
    expect(ageText(service({ minAge: 16 }))).toBe('ab 16 Jahren');
    expect(ageText(service({ maxAge: 27 }))).toBe('bis 27 Jahre');
    expect(ageText(service())).toBe('ohne Altersgrenze');
    expect(costText(service({ freeOfCharge: true }))).toBe('kostenlos');
    expect(costText(service({ freeOfCharge: false, feesDescription: '5 € im Monat' }))).toBe('5 € im Monat');
    expect(costText(service())).toBe('unbekannt');
    expect(freePlacesText(service({ freePlaces: null }))).toBe('keine Angabe');
    expect(freePlacesText(service({ freePlacesUpdatedAt: '2026-03-02T09:00:00Z' }))).toBe(
      '3 (Stand 02.03.2026)',
    );
    expect(accessibilityText(service())).toBe('Keine Angabe.');
    expect(accessibilityText(service({ wheelchairAccessible: true }))).toBe('Barrierefrei zugänglich.');
    expect(staleNote(null)).toBe('Diese Angaben wurden noch nie bestätigt.');
    expect(staleNote('2025-01-10T10:00:00Z')).toContain('10.01.2025');
  });

  it('tells partners that the coordination looks at their change, and names the row in list messages', () => {
    expect(serviceSavedMessage('partner')).toContain('Netzwerkkoordination');
    expect(serviceSavedMessage('coordinator')).toBe('Die Änderungen sind gespeichert.');
    expect(rowStateMessage('approve', 'Kurs')).toBe('„Kurs“ ist geprüft.');
    expect(rowStateMessage('confirm', 'Kurs')).toBe('„Kurs“ ist bestätigt (heute).');
    expect(rowConflictMessage(service())).toContain('„Kurs“ wurde inzwischen geändert');
  });

  it('builds directory rows with the lookups done once, stale as of the given time', () => {
    const now = new Date('2026-03-02T09:00:00Z');
    const [row] = directoryRows([service({ assuredDate: '2026-01-10T10:00:00Z' })], terms, [location], now);
    expect(row).toMatchObject({
      categories: 'Integrationskurs',
      place: 'Innenstadt, Lübeck',
      languages: 'Arabisch, Deutsch',
      confirmed: '10.01.2026',
      stale: false,
    });
    expect(directoryRows([service()], terms, [], now)[0]).toMatchObject({ place: '–', stale: true });
  });
});

describe('organization view', () => {
  it('lists the stored values that differ from the typed ones, with German labels', () => {
    const organization = {
      id: 'o1',
      kind: 'partner' as const,
      category: 'language_course' as const,
      parentId: null,
      name: 'Sprachschule Nord',
      street: null,
      postcode: null,
      city: 'Lübeck',
      district: null,
      latitude: 53.5,
      longitude: null,
      phone: '0451 1',
      email: null,
      website: null,
      languages: ['de', 'ar'],
      description: null,
      isSample: false,
      active: true,
      version: 3,
      createdAt: '',
      updatedAt: '',
    };
    const typed = {
      ...organizationToFormValues(organization),
      phone: '0451 2',
      version: '2',
      intent: 'save',
    };
    expect(organizationConflictFields(organization, typed)).toEqual([{ label: 'Telefon', value: '0451 1' }]);
    expect(organizationToFormValues(organization).latitude).toBe('53,5');
    expect(organizationFieldLabel('active')).toBe('Status');
    expect(organizationCreatedMessage('partner')).toBe('Die Partnereinrichtung ist angelegt.');
    expect(organizationStatusMessage(false)).toContain('deaktiviert');
  });
});

describe('location form', () => {
  it('needs an address and coordinates in pairs, and shows stored decimals with a comma', () => {
    const missing = LocationFormSchema.safeParse({ name: 'Haus B', latitude: '53,8' });
    expect(missing.success).toBe(false);
    expect(missing.error!.issues.map((i) => i.path[0])).toEqual(['longitude', 'street']);
    const parsed = LocationFormSchema.parse({
      street: 'Holstenstraße 5',
      latitude: '53,8',
      longitude: '10,6',
    });
    expect(locationToFormValues(parsed)).toMatchObject({ latitude: '53,8', longitude: '10,6', city: '' });
    expect(LocationEditSchema.safeParse({ street: 'X', version: 'abc' }).success).toBe(false);
  });
});

describe('the office line of a handout', () => {
  it('joins the known parts with commas and never puts a space before one', async () => {
    const { officeFooterLine } = await import('../../src/lib/directory/organization.view');
    const office = {
      name: 'JMD Lübeck-Innenstadt',
      street: 'Mengstraße 30',
      postcode: '23552',
      city: 'Lübeck',
      phone: '0451 123',
    };
    expect(officeFooterLine(office)).toBe(
      'JMD Lübeck-Innenstadt, Mengstraße 30, 23552 Lübeck, Tel. 0451 123',
    );
    expect(officeFooterLine({ ...office, street: null, phone: null })).toBe(
      'JMD Lübeck-Innenstadt, 23552 Lübeck',
    );
    expect(officeFooterLine(null)).toBe('Ihrem Jugendmigrationsdienst');
  });
});
