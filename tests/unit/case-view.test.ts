import { describe, expect, it } from 'vitest';
import { CaseIdentitySchema, checkIdentityRules, type Consent } from '../../src/lib/cases/case';
import {
  caseActionMessage,
  caseFormErrors,
  consentFormDefaults,
  consentViews,
  identityRows,
  nextAfterCaseChange,
} from '../../src/lib/cases/case.view';

const consent: Consent = {
  id: 'c1',
  caseId: 'k1',
  recipientOrganizationId: 'o1',
  categories: ['name', 'contact'],
  purpose: 'Anmeldung',
  givenOn: '2026-11-25',
  form: 'written',
  interpreterUsed: true,
  obtainedByUserId: 'u1',
  guardianConsent: true,
  guardianName: 'Hana Vormund',
  validUntil: '2027-05-31',
  revokedOn: null,
  createdAt: '2026-11-25T10:00:00Z',
};
const names = { organizations: new Map([['o1', 'Sprachschule']]), users: new Map([['u1', 'Clara']]) };
const day = (value: string) => value.split('-').reverse().join('.');

describe('case page view', () => {
  it('goes on to the referral form only for a well-formed service id', () => {
    expect(nextAfterCaseChange('k1', 'abcdefghijklmnop')).toBe(
      '/vermittlungen/neu?fall=k1&angebot=abcdefghijklmnop',
    );
    expect(nextAfterCaseChange('k1', '//evil.example')).toBe('/faelle/k1');
    expect(nextAfterCaseChange('k1', null)).toBe('/faelle/k1');
  });

  it('says what each case action did', () => {
    expect(caseActionMessage({ action: 'add_step' })).toBe('Der Schritt ist im Förderplan.');
    expect(caseActionMessage({ action: 'step_status', status: 'done' })).toBe(
      'Der Schritt ist jetzt „erledigt“.',
    );
    expect(caseActionMessage({ action: 'revoke_consent' })).toContain('widerrufen');
  });

  it('lists only filled identity fields, with the birth date in German order', () => {
    const identity = CaseIdentitySchema.parse({ firstName: 'Amira', birthDate: '2008-05-14' });
    expect(identityRows(identity)).toEqual([
      ['Vorname', 'Amira'],
      ['Geburtsdatum', '14.05.2008'],
    ]);
    expect(identityRows(null)).toEqual([]);
  });

  it('names the guardian only with the audited identity view', () => {
    const [hidden] = consentViews([consent], names, '2026-12-01', false, day);
    expect(hidden!.details).toContain('mit Zustimmung der Sorgeberechtigten');
    expect(hidden!.details).not.toContain('Hana');
    const [shown] = consentViews([consent], names, '2026-12-01', true, day);
    expect(shown!.details).toContain('mit Zustimmung von Hana Vormund');
    expect(shown).toMatchObject({
      organization: 'Sprachschule',
      state: 'gültig bis 31.05.2027',
      revocable: true,
    });
    expect(shown!.details).toContain('eingeholt von Clara');
  });

  it('a revoked or expired consent says so and cannot be revoked again', () => {
    expect(
      consentViews([{ ...consent, revokedOn: '2026-11-30' }], names, '2026-12-01', false, day)[0],
    ).toMatchObject({ state: 'widerrufen am 30.11.2026', revocable: false });
    expect(consentViews([consent], names, '2027-06-01', false, day)[0]!.state).toBe('nicht mehr gültig');
  });

  it('the consent form starts today, valid one year', () => {
    expect(consentFormDefaults('o1', '2026-12-01')).toMatchObject({
      givenOn: '2026-12-01',
      validUntil: '2027-12-01',
    });
  });

  it('a birth date after today is refused with the given today, not the wall clock', () => {
    const input = CaseIdentitySchema.parse({ birthDate: '2026-12-02' });
    expect(checkIdentityRules(input, '2026-12-01')).toEqual({
      birthDate: 'Geburtsdatum: bitte ein Datum in der Vergangenheit eingeben.',
    });
    expect(checkIdentityRules(input, '2026-12-02')).toEqual({});
  });
});

describe('case form errors', () => {
  it('a broken hidden version becomes the summary; other errors stay with their fields', () => {
    expect(caseFormErrors({ version: 'Bitte laden Sie die Seite neu.' })).toEqual({
      version: 'Bitte laden Sie die Seite neu.',
      _form: 'Bitte laden Sie die Seite neu.',
    });
    expect(caseFormErrors({ firstName: 'zu lang' })).toEqual({ firstName: 'zu lang' });
    expect(caseFormErrors(undefined)).toEqual({});
  });
});
