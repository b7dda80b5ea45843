import { describe, expect, it } from 'vitest';
import { contactModeProblem } from '../../src/lib/referrals/referral';
import { draftGaps, DraftFieldsSchema } from '../../src/lib/referrals/referral-draft';

describe('referral drafts', () => {
  it('a draft may leave every field of the referral empty', () => {
    const parsed = DraftFieldsSchema.safeParse({
      purpose: '',
      contactMode: '',
      responseDueOn: '',
      message: '',
    });
    expect(parsed.success).toBe(true);
    expect(parsed.data).toMatchObject({ purpose: null, contactMode: null, responseDueOn: null, message: '' });
  });

  it('a draft still refuses values no form offers', () => {
    expect(DraftFieldsSchema.safeParse({ purpose: 'bogus' }).success).toBe(false);
    expect(DraftFieldsSchema.safeParse({ responseDueOn: '2026-02-30' }).success).toBe(false);
  });

  it('names what is missing before a draft can be sent, in German', () => {
    const gaps = draftGaps({
      purpose: '',
      message: 'kurz',
      contactMode: '',
      responseDueOn: '2026-12-10',
      sharedCategories: [],
    });
    expect(Object.keys(gaps).sort()).toEqual(['contactMode', 'message', 'purpose']);
    expect(gaps['message']).toContain('mindestens 10 Zeichen');
    expect(
      draftGaps({
        purpose: 'language',
        message: 'Sucht einen Kursplatz ab Januar.',
        contactMode: 'appointment',
        responseDueOn: '2026-12-10',
        sharedCategories: [],
      }),
    ).toEqual({});
  });

  it('"the partner gets in touch" needs shared contact data, also before a draft can be sent', () => {
    const complete = {
      purpose: 'language',
      message: 'Sucht einen Kursplatz ab Januar.',
      contactMode: 'partner_calls',
      responseDueOn: '2026-12-10',
    };
    expect(draftGaps({ ...complete, sharedCategories: [] })['contactMode']).toContain('Kontaktdaten');
    expect(draftGaps({ ...complete, sharedCategories: ['name'] })['contactMode']).toContain('Kontaktdaten');
    expect(draftGaps({ ...complete, sharedCategories: ['name', 'contact'] })).toEqual({});
  });

  it('only "the partner gets in touch" depends on the shared data', () => {
    expect(contactModeProblem('partner_calls', [])).toMatch(/^Kontakt: „Die Einrichtung meldet sich“/);
    expect(contactModeProblem('partner_calls', ['contact'])).toBeNull();
    expect(contactModeProblem('young_person_goes', [])).toBeNull();
    expect(contactModeProblem('appointment', [])).toBeNull();
    expect(contactModeProblem(null, [])).toBeNull();
  });
});
