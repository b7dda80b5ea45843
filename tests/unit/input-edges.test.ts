import { describe, expect, it } from 'vitest';
import { VersionSchema } from '../../src/lib/http/form';
import { isIsoDate } from '../../src/lib/time/time';
import { CaseIdentitySchema, ConsentSchema } from '../../src/lib/cases/case';
import { ReferralFormSchema } from '../../src/lib/referrals/referral';
import { germanLocalToIso } from '../../src/lib/referrals/referral-request';

// Input that once got through: dates that roll over (2027-02-31 became 3 March, month 13 broke every list) and
// versions that PostgreSQL refused with a 500.
describe('edges of form input', () => {
  it('accepts only real calendar dates', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    for (const bad of [
      '2027-02-29',
      '2027-02-31',
      '2027-13-45',
      '2027-00-10',
      '2027-1-5',
      '31.12.2027',
      '',
    ]) {
      expect(isIsoDate(bad), bad).toBe(false);
    }
  });

  it('refuses a referral answer date, a birth date and a consent date that do not exist, in German', () => {
    const referral = ReferralFormSchema.safeParse({
      caseId: 'c',
      serviceId: 's',
      purpose: 'language',
      message: 'Sucht einen Kursplatz ab Januar.',
      contactMode: 'appointment',
      responseDueOn: '2027-02-31',
      submissionKey: 'abcdefghijklmnop',
    });
    expect(referral.success).toBe(false);
    expect(referral.error!.issues[0]!.message).toBe('Antwort bis: dieses Datum gibt es nicht.');
    const identity = CaseIdentitySchema.safeParse({ birthDate: '2008-02-30' });
    expect(identity.success).toBe(false);
    expect(identity.error!.issues[0]!.message).toContain('dieses Datum gibt es nicht');
    const consent = ConsentSchema.safeParse({
      recipientOrganizationId: 'o',
      categories: ['name'],
      purpose: 'Anmeldung zum Kurs',
      givenOn: '2026-11-31',
      form: 'written',
      ageGroup: '16plus',
      validUntil: '2027-06-30',
    });
    expect(consent.success).toBe(false);
  });

  it('reads an appointment only when date and time exist', () => {
    expect(germanLocalToIso('2027-03-02T10:00')).toBe('2027-03-02T09:00:00.000Z');
    expect(germanLocalToIso('2027-07-02T10:00')).toBe('2027-07-02T08:00:00.000Z');
    expect(germanLocalToIso('2027-02-31T10:00')).toBeNull();
    expect(germanLocalToIso('2027-03-02T25:00')).toBeNull();
    expect(germanLocalToIso('2027-03-02T10:61')).toBeNull();
  });

  it('reads a version as a positive 32-bit integer or not at all', () => {
    expect(VersionSchema.parse('1')).toBe(1);
    expect(VersionSchema.parse('2147483647')).toBe(2147483647);
    for (const bad of [
      undefined,
      null,
      '',
      'abc',
      'NaN',
      '0',
      '-1',
      '1.5',
      '1e3',
      '2147483648',
      '99999999999',
    ]) {
      expect(VersionSchema.safeParse(bad).success, String(bad)).toBe(false);
    }
  });
});
