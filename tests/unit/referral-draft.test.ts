import { describe, expect, it } from 'vitest';
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
    const gaps = draftGaps({ purpose: '', message: 'kurz', contactMode: '', responseDueOn: '2026-12-10' });
    expect(Object.keys(gaps).sort()).toEqual(['contactMode', 'message', 'purpose']);
    expect(gaps['message']).toContain('mindestens 10 Zeichen');
    expect(
      draftGaps({
        purpose: 'language',
        message: 'Sucht einen Kursplatz ab Januar.',
        contactMode: 'partner_calls',
        responseDueOn: '2026-12-10',
      }),
    ).toEqual({});
  });
});
