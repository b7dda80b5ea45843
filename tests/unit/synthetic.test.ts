import { describe, expect, it } from 'vitest';
import {
  CATEGORY_NAMES,
  GERMAN_CITIES,
  generateServiceForms,
  generateServices,
} from '../../db/seed/synthetic';
import { ServiceFormSchema } from '../../src/lib/directory/service';
import { parseOpeningHours } from '../../src/lib/directory/opening-hours';

const now = new Date('2026-11-24T00:00:00Z');
// Germany's extreme points, rounded outwards.
const GERMANY = { south: 47.27, north: 55.06, west: 5.86, east: 15.05 };

describe('synthetic directory entries', () => {
  it('are the same for the same seed', () => {
    expect(generateServices(500, 7, { now })).toEqual(generateServices(500, 7, { now }));
  });

  it('differ for another seed', () => {
    expect(generateServices(50, 7, { now })).not.toEqual(generateServices(50, 8, { now }));
  });

  it('start with the entries of a smaller run, so sizes are comparable', () => {
    expect(generateServices(1000, 42, { now }).slice(0, 300)).toEqual(generateServices(300, 42, { now }));
  });

  it('come in the number asked for, with unique ids', () => {
    const documents = generateServices(1234, 42, { now });
    expect(documents).toHaveLength(1234);
    expect(new Set(documents.map((d) => d.id)).size).toBe(1234);
    expect(generateServices(0, 42, { now })).toEqual([]);
  });

  it('have coordinates inside Germany', () => {
    const documents = generateServices(5000, 42, { now });
    const located = documents.filter((d) => d.lat !== null && d.lon !== null);
    expect(located.length).toBeGreaterThan(4800);
    for (const d of located) {
      expect(d.lat!).toBeGreaterThan(GERMANY.south);
      expect(d.lat!).toBeLessThan(GERMANY.north);
      expect(d.lon!).toBeGreaterThan(GERMANY.west);
      expect(d.lon!).toBeLessThan(GERMANY.east);
    }
    for (const city of GERMAN_CITIES) {
      expect(city.lat).toBeGreaterThan(GERMANY.south);
      expect(city.lon).toBeLessThan(GERMANY.east);
    }
  });

  it('carry every ancestor of their categories, and only known categories', () => {
    for (const d of generateServices(2000, 42, { now })) {
      for (const termId of d.termIds) {
        expect(CATEGORY_NAMES[termId], termId).toBeDefined();
        const parent = termId.split('.').slice(0, -1).join('.');
        if (parent) expect(d.termIds).toContain(parent);
      }
      expect(d.categories.length).toBeGreaterThan(0);
    }
  });

  it('were confirmed within the last two years and have valid opening hours', () => {
    const twoYearsAgo = now.getTime() - 731 * 86_400_000;
    for (const d of generateServices(2000, 42, { now })) {
      const assured = Date.parse(d.assuredDate!);
      expect(assured).toBeGreaterThan(twoYearsAgo);
      expect(assured).toBeLessThanOrEqual(now.getTime());
      expect(parseOpeningHours(d.openingHours).ok, d.openingHours).toBe(true);
    }
  });

  it('use umlauts and ß, which the umlaut queries of the benchmark need', () => {
    const text = generateServices(2000, 42, { now })
      .map((d) => `${d.name} ${d.organization} ${d.description}`)
      .join(' ');
    for (const letter of ['ä', 'ö', 'ü', 'ß']) expect(text).toContain(letter);
  });

  it('pass the service form as the app would receive them', () => {
    const forms = generateServiceForms(1000, 42, { now });
    expect(forms).toHaveLength(1000);
    for (const form of forms) {
      const parsed = ServiceFormSchema.safeParse({ ...form.service, locationIds: ['loc-1'] });
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    }
  });

  it('describe the same entries as forms and as search documents', () => {
    const documents = generateServices(300, 42, { now });
    const forms = generateServiceForms(300, 42, { now });
    for (const [i, form] of forms.entries()) {
      expect(form.service.name).toBe(documents[i]!.name);
      expect(form.organization.name).toBe(documents[i]!.organization);
      expect(form.location.latitude).toBe(documents[i]!.lat);
    }
  });
});
