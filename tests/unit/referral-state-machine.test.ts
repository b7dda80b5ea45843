import { addWorkingDays } from '../../src/lib/time/time';
import { describe, expect, it } from 'vitest';
import {
  availableActions,
  decideTransition,
  ReferralFormSchema,
  REFERRAL_STATUSES,
  TRANSITION_ACTIONS,
  type ReferralParty,
  type ReferralStatus,
  type TransitionAction,
} from '../../src/lib/referrals/referral';
import {
  ageOn,
  CaseIdentitySchema,
  checkConsentRules,
  ConsentSchema,
  consentCovers,
  generateCaseCode,
  isConsentActive,
  type Consent,
} from '../../src/lib/cases/case';

// The lifecycle table of DESIGN.md §3, copied row by row from the design document — on purpose not derived from
// TRANSITIONS, so that a slip in the code's table shows up here.
//
// | from                             | to                      | who                   | reason required |
// | draft                            | sent                    | caseworker            | —               |
// | sent                             | accepted · declined     | partner               | declined: yes   |
// | sent, accepted, on hold          | cancelled               | caseworker or partner | yes             |
// | accepted · on hold               | in progress             | partner               | —               |
// | accepted · in progress           | on hold                 | partner               | yes             |
// | accepted · in progress · on hold | completed · failed      | partner               | failed: yes     |
// | any                              | entered in error        | caseworker            | yes             |
//
// "any" is read as every status but entered in error itself (marking an error twice changes nothing).
interface Row {
  action: TransitionAction;
  from: ReferralStatus[];
  to: ReferralStatus;
  who: ReferralParty[];
  reasonRequired: boolean;
  outcomeRequired: boolean;
}

const DESIGN_TABLE: Row[] = [
  {
    action: 'send',
    from: ['draft'],
    to: 'sent',
    who: ['caseworker'],
    reasonRequired: false,
    outcomeRequired: false,
  },
  {
    action: 'accept',
    from: ['sent'],
    to: 'accepted',
    who: ['partner'],
    reasonRequired: false,
    outcomeRequired: false,
  },
  {
    action: 'decline',
    from: ['sent'],
    to: 'declined',
    who: ['partner'],
    reasonRequired: true,
    outcomeRequired: false,
  },
  {
    action: 'cancel',
    from: ['sent', 'accepted', 'on_hold'],
    to: 'cancelled',
    who: ['caseworker', 'partner'],
    reasonRequired: true,
    outcomeRequired: false,
  },
  {
    action: 'start',
    from: ['accepted', 'on_hold'],
    to: 'in_progress',
    who: ['partner'],
    reasonRequired: false,
    outcomeRequired: false,
  },
  {
    action: 'hold',
    from: ['accepted', 'in_progress'],
    to: 'on_hold',
    who: ['partner'],
    reasonRequired: true,
    outcomeRequired: false,
  },
  {
    action: 'complete',
    from: ['accepted', 'in_progress', 'on_hold'],
    to: 'completed',
    who: ['partner'],
    reasonRequired: false,
    outcomeRequired: true,
  },
  {
    action: 'fail',
    from: ['accepted', 'in_progress', 'on_hold'],
    to: 'failed',
    who: ['partner'],
    reasonRequired: true,
    outcomeRequired: true,
  },
  {
    action: 'enter_in_error',
    from: [
      'draft',
      'sent',
      'accepted',
      'declined',
      'cancelled',
      'in_progress',
      'on_hold',
      'completed',
      'failed',
    ],
    to: 'entered_in_error',
    who: ['caseworker'],
    reasonRequired: true,
    outcomeRequired: false,
  },
];

const ALL_STATUSES: ReferralStatus[] = [
  'draft',
  'sent',
  'accepted',
  'declined',
  'cancelled',
  'in_progress',
  'on_hold',
  'completed',
  'failed',
  'entered_in_error',
];
const ALL_ACTIONS: TransitionAction[] = [
  'send',
  'accept',
  'decline',
  'cancel',
  'start',
  'hold',
  'complete',
  'fail',
  'enter_in_error',
];
const PARTIES: ReferralParty[] = ['caseworker', 'partner'];

const rowOf = (action: TransitionAction): Row => DESIGN_TABLE.find((row) => row.action === action)!;

/** What the design says about one status × action × party: the target status, or null when refused. */
function expectedTarget(
  status: ReferralStatus,
  action: TransitionAction,
  party: ReferralParty,
): ReferralStatus | null {
  const row = rowOf(action);
  return row.from.includes(status) && row.who.includes(party) ? row.to : null;
}

/** An input that satisfies every reason and outcome rule of the action. */
function completeInput(action: TransitionAction) {
  if (action === 'complete') return { reason: null, outcome: 'got_help' };
  if (action === 'fail') return { reason: 'Kein Platz bis Sommer', outcome: 'no_capacity' };
  return { reason: 'Ein kurzer Grund' };
}

const CASES = ALL_STATUSES.flatMap((status) =>
  ALL_ACTIONS.flatMap((action) =>
    PARTIES.map((party) => {
      const target = expectedTarget(status, action, party);
      return {
        status,
        action,
        party,
        target,
        verdict: target ? `allowed and leads to ${target}` : 'refused',
      };
    }),
  ),
);

describe('the lifecycle table', () => {
  it('covers every status and every action the code knows', () => {
    expect([...REFERRAL_STATUSES].sort()).toEqual([...ALL_STATUSES].sort());
    expect([...TRANSITION_ACTIONS].sort()).toEqual([...ALL_ACTIONS].sort());
  });

  for (const { status, action, party, target, verdict } of CASES) {
    it(`on a referral in status ${status}, "${action}" by the ${party} is ${verdict}`, () => {
      const decision = decideTransition(status, action, party, completeInput(action));
      if (target) {
        expect(decision).toMatchObject({ ok: true, to: target });
      } else {
        expect(decision.ok).toBe(false);
        if (decision.ok) return;
        expect(decision.field).toBe('action');
        expect(decision.error.length).toBeGreaterThan(10);
      }
    });
  }

  for (const status of ALL_STATUSES) {
    for (const party of PARTIES) {
      it(`the buttons offered to the ${party} in status ${status} are exactly the allowed actions`, () => {
        const expected = ALL_ACTIONS.filter((action) => expectedTarget(status, action, party) !== null);
        const decided = ALL_ACTIONS.filter(
          (action) => decideTransition(status, action, party, completeInput(action)).ok,
        );
        expect(availableActions(status, party)).toEqual(expected);
        expect(availableActions(status, party)).toEqual(decided);
      });
    }
  }

  it('no action leads out of entered in error', () => {
    for (const party of PARTIES) expect(availableActions('entered_in_error', party)).toEqual([]);
  });
});

describe('reasons', () => {
  const needingReason = DESIGN_TABLE.filter((row) => row.reasonRequired);

  it('the design asks a reason for declined, cancelled, on hold, failed and entered in error', () => {
    expect(needingReason.map((row) => row.to).sort()).toEqual(
      ['cancelled', 'declined', 'entered_in_error', 'failed', 'on_hold'].sort(),
    );
  });

  for (const { action, from, who } of needingReason) {
    for (const [label, reason] of [
      ['missing', null],
      ['empty', ''],
      ['only blanks', '   '],
    ] as const) {
      it(`"${action}" with a reason that is ${label} is refused with a German request for one`, () => {
        const input = { ...completeInput(action), reason };
        for (const status of from) {
          for (const party of who) {
            expect(decideTransition(status, action, party, input)).toEqual({
              ok: false,
              field: 'reason',
              error: 'Bitte geben Sie einen kurzen Grund an.',
            });
          }
        }
      });
    }
  }

  for (const { action, from, who, to } of DESIGN_TABLE.filter((row) => !row.reasonRequired)) {
    it(`"${action}" needs no reason`, () => {
      const input = { ...completeInput(action), reason: null };
      expect(decideTransition(from[0]!, action, who[0]!, input)).toMatchObject({
        ok: true,
        to,
        reason: null,
      });
    });
  }

  it('a reason is stored trimmed', () => {
    expect(decideTransition('sent', 'decline', 'partner', { reason: '  Kurs ist voll  ' })).toMatchObject({
      ok: true,
      reason: 'Kurs ist voll',
    });
  });

  it('a reason longer than 500 characters is refused', () => {
    const decision = decideTransition('sent', 'decline', 'partner', { reason: 'x'.repeat(501) });
    expect(decision).toEqual({ ok: false, field: 'reason', error: 'Grund: höchstens 500 Zeichen.' });
  });

  it('a reason of exactly 500 characters is taken', () => {
    expect(decideTransition('sent', 'decline', 'partner', { reason: 'x'.repeat(500) }).ok).toBe(true);
  });
});

describe('outcomes', () => {
  const DESIGN_OUTCOMES = [
    'got_help',
    'started',
    'waiting_list',
    'not_eligible',
    'no_capacity',
    'not_reached',
    'not_interested',
    'referred_elsewhere',
  ];

  it.each(['complete', 'fail'] as const)('"%s" without an outcome is refused', (action) => {
    const decision = decideTransition('in_progress', action, 'partner', { reason: 'Grund' });
    expect(decision).toEqual({
      ok: false,
      field: 'outcome',
      error: 'Bitte wählen Sie ein Ergebnis aus der Liste.',
    });
  });

  it.each(['complete', 'fail'] as const)('"%s" with an outcome not on the list is refused', (action) => {
    const decision = decideTransition('in_progress', action, 'partner', {
      reason: 'Grund',
      outcome: 'magic',
    });
    expect(decision).toMatchObject({ ok: false, field: 'outcome' });
  });

  it('completion takes "got help" and "course started"', () => {
    for (const outcome of ['got_help', 'started']) {
      expect(decideTransition('in_progress', 'complete', 'partner', { outcome })).toMatchObject({
        ok: true,
        to: 'completed',
        outcome,
      });
    }
  });

  it('completion refuses outcomes that say the help did not come about', () => {
    for (const outcome of ['no_capacity', 'not_eligible', 'not_reached', 'not_interested']) {
      expect(decideTransition('in_progress', 'complete', 'partner', { outcome })).toMatchObject({
        ok: false,
        field: 'outcome',
      });
    }
  });

  it('failure refuses "got help" and "course started"', () => {
    for (const outcome of ['got_help', 'started']) {
      expect(decideTransition('in_progress', 'fail', 'partner', { reason: 'Grund', outcome })).toMatchObject({
        ok: false,
        field: 'outcome',
      });
    }
  });

  it('every outcome code of the design fits completion or failure', () => {
    for (const outcome of DESIGN_OUTCOMES) {
      const completes = decideTransition('in_progress', 'complete', 'partner', { outcome }).ok;
      const fails = decideTransition('in_progress', 'fail', 'partner', { reason: 'Grund', outcome }).ok;
      expect(completes || fails, outcome).toBe(true);
    }
  });

  it('an outcome given to an action without outcomes is not stored', () => {
    expect(decideTransition('sent', 'accept', 'partner', { outcome: 'got_help' })).toMatchObject({
      ok: true,
      outcome: null,
    });
  });

  it('the party check comes before the outcome check', () => {
    expect(decideTransition('in_progress', 'complete', 'caseworker', {})).toMatchObject({
      ok: false,
      field: 'action',
    });
  });
});

describe('German messages', () => {
  it('a partner who tries a caseworker action is told who may take it', () => {
    const decision = decideTransition('draft', 'send', 'partner');
    expect(decision).toEqual({
      ok: false,
      field: 'action',
      error: '„Senden“ steht nur der vermittelnden Fachkraft zu.',
    });
  });

  it('a caseworker who tries a partner action is told who may take it', () => {
    const decision = decideTransition('sent', 'accept', 'caseworker');
    expect(decision).toEqual({
      ok: false,
      field: 'action',
      error: '„Annehmen“ steht nur der Einrichtung zu.',
    });
  });

  it('an action the status does not allow names the status in German and asks to reload', () => {
    const decision = decideTransition('completed', 'cancel', 'caseworker', { reason: 'Grund' });
    expect(decision.ok).toBe(false);
    if (decision.ok) return;
    expect(decision.error).toContain('„Abgeschlossen“');
    expect(decision.error).toContain('„Zurückziehen“');
    expect(decision.error).toContain('Bitte laden Sie die Seite neu.');
  });

  it('every refusal of the table speaks German', () => {
    for (const { status, action, party, target } of CASES) {
      if (target) continue;
      const decision = decideTransition(status, action, party, completeInput(action));
      if (decision.ok) throw new Error(`${status} ${action} ${party} should be refused`);
      expect(decision.error).toMatch(/Vermittlung|steht nur/);
      expect(decision.error).not.toMatch(/undefined|null/);
    }
  });
});

describe('addWorkingDays', () => {
  it('adds plain weekdays', () => {
    expect(addWorkingDays('2026-12-01', 2)).toBe('2026-12-03');
  });

  it('skips the weekend', () => {
    expect(addWorkingDays('2026-12-04', 1)).toBe('2026-12-07');
    expect(addWorkingDays('2026-12-03', 5)).toBe('2026-12-10');
  });

  it('starting on a Saturday counts Monday as the first working day', () => {
    expect(addWorkingDays('2026-12-05', 1)).toBe('2026-12-07');
  });

  it('zero days is the date itself', () => {
    expect(addWorkingDays('2026-12-05', 0)).toBe('2026-12-05');
  });

  it('skips both Christmas holidays (25 and 26 December) and the weekend after them', () => {
    // 2026-12-24 is a Thursday; Heiligabend is no statutory holiday and counts as a working day.
    expect(addWorkingDays('2026-12-23', 1)).toBe('2026-12-24');
    expect(addWorkingDays('2026-12-24', 1)).toBe('2026-12-28');
    expect(addWorkingDays('2026-12-23', 2)).toBe('2026-12-28');
  });

  it('skips New Year across the turn of the year', () => {
    // 2026-12-31 is a Thursday, 2027-01-01 a Friday (Neujahr).
    expect(addWorkingDays('2026-12-31', 1)).toBe('2027-01-04');
  });

  it('skips Good Friday and Easter Monday', () => {
    // Easter 2026: Karfreitag 3 April, Ostermontag 6 April.
    expect(addWorkingDays('2026-04-02', 1)).toBe('2026-04-07');
  });

  it('skips Ascension Day, which moves with Easter', () => {
    // Christi Himmelfahrt 2026: Thursday 14 May.
    expect(addWorkingDays('2026-05-13', 1)).toBe('2026-05-15');
  });

  it('counts holidays of the given state only', () => {
    // Fronleichnam (Thursday 4 June 2026) is a holiday in Nordrhein-Westfalen, not in Schleswig-Holstein.
    expect(addWorkingDays('2026-06-03', 1, 'NW')).toBe('2026-06-05');
    expect(addWorkingDays('2026-06-03', 1, 'SH')).toBe('2026-06-04');
    expect(addWorkingDays('2026-06-03', 1)).toBe('2026-06-04');
  });
});

describe('consents', () => {
  const consent = (overrides: Partial<Consent> = {}): Consent => ({
    id: 'consent-1',
    caseId: 'case-1',
    recipientOrganizationId: 'org-a',
    categories: ['name', 'contact'],
    purpose: 'Anmeldung zum Sprachkurs',
    givenOn: '2026-11-20',
    form: 'written',
    interpreterUsed: false,
    obtainedByUserId: 'user-1',
    guardianConsent: false,
    guardianName: null,
    validUntil: '2027-05-20',
    revokedOn: null,
    createdAt: '2026-11-20T10:00:00.000Z',
    ...overrides,
  });

  it('is active from the day it was given to the last valid day', () => {
    expect(isConsentActive(consent(), '2026-11-20')).toBe(true);
    expect(isConsentActive(consent(), '2027-05-20')).toBe(true);
  });

  it('is not active before it was given', () => {
    expect(isConsentActive(consent(), '2026-11-19')).toBe(false);
  });

  it('is not active after its last valid day', () => {
    expect(isConsentActive(consent(), '2027-05-21')).toBe(false);
  });

  it('is not active once revoked, even within its validity', () => {
    expect(isConsentActive(consent({ revokedOn: '2026-12-01' }), '2026-12-01')).toBe(false);
  });

  it('covers its recipient and a subset of its categories', () => {
    expect(consentCovers(consent(), 'org-a', ['name'], '2026-12-01')).toBe(true);
    expect(consentCovers(consent(), 'org-a', ['name', 'contact'], '2026-12-01')).toBe(true);
  });

  it('does not cover a category it does not name', () => {
    expect(consentCovers(consent(), 'org-a', ['name', 'health'], '2026-12-01')).toBe(false);
  });

  it('does not cover another organization', () => {
    expect(consentCovers(consent(), 'org-b', ['name'], '2026-12-01')).toBe(false);
  });

  it('covers nothing once revoked or expired', () => {
    expect(consentCovers(consent({ revokedOn: '2026-11-30' }), 'org-a', ['name'], '2026-12-01')).toBe(false);
    expect(consentCovers(consent(), 'org-a', ['name'], '2027-06-01')).toBe(false);
  });
});

describe('checkConsentRules', () => {
  const TODAY = '2026-12-01';
  const form = (overrides: Record<string, unknown> = {}) =>
    ConsentSchema.parse({
      recipientOrganizationId: 'org-a',
      categories: ['name', 'contact'],
      purpose: 'Anmeldung zum Sprachkurs',
      givenOn: '2026-12-01',
      form: 'written',
      ageGroup: '16plus',
      validUntil: '2027-06-01',
      ...overrides,
    });

  it('accepts a consent of someone 16 or older without a guardian', () => {
    expect(checkConsentRules(form(), { today: TODAY, birthDate: '2008-05-14' })).toEqual({});
  });

  it('accepts a consent without a known birth date when the age group says 16 or older', () => {
    expect(checkConsentRules(form(), { today: TODAY, birthDate: null })).toEqual({});
  });

  it('under 16 a guardian must consent too', () => {
    const errors = checkConsentRules(form({ ageGroup: 'under16' }), { today: TODAY, birthDate: null });
    expect(errors['guardianConsent']).toBe(
      'Unter 16 Jahren muss auch eine sorgeberechtigte Person einwilligen.',
    );
  });

  it('under 16 the guardian must be named', () => {
    const errors = checkConsentRules(form({ ageGroup: 'under16', guardianConsent: 'on' }), {
      today: TODAY,
      birthDate: null,
    });
    expect(errors).toEqual({ guardianName: 'Bitte den Namen der sorgeberechtigten Person angeben.' });
  });

  it('under 16 with a named guardian is fine', () => {
    const input = form({ ageGroup: 'under16', guardianConsent: 'on', guardianName: 'Samira Haddad' });
    expect(checkConsentRules(input, { today: TODAY, birthDate: '2012-03-01' })).toEqual({});
  });

  it('a birth date under 16 contradicts the age group "16 or older" and still asks for the guardian', () => {
    const errors = checkConsentRules(form(), { today: TODAY, birthDate: '2011-01-10' });
    expect(errors['ageGroup']).toBe('Laut Geburtsdatum war der junge Mensch bei der Einwilligung unter 16.');
    expect(errors['guardianConsent']).toContain('sorgeberechtigte Person');
  });

  it('the age counts on the day consent was given: the 16th birthday itself needs no guardian', () => {
    expect(checkConsentRules(form(), { today: TODAY, birthDate: '2010-12-01' })).toEqual({});
  });

  it('the day before the 16th birthday still needs a guardian', () => {
    const errors = checkConsentRules(form(), { today: TODAY, birthDate: '2010-12-02' });
    expect(Object.keys(errors).sort()).toEqual(['ageGroup', 'guardianConsent']);
  });

  it('a consent given while under 16 needs a guardian even if the young person is 16 today', () => {
    const errors = checkConsentRules(form({ givenOn: '2026-11-01' }), {
      today: TODAY,
      birthDate: '2010-11-15',
    });
    expect(errors['guardianConsent']).toBeDefined();
  });

  it('refuses a consent dated in the future', () => {
    const errors = checkConsentRules(form({ givenOn: '2026-12-02' }), { today: TODAY, birthDate: null });
    expect(errors['givenOn']).toBe('Erteilt am: das Datum darf nicht in der Zukunft liegen.');
  });

  it('refuses a consent that has already run out', () => {
    const errors = checkConsentRules(form({ givenOn: '2026-01-01', validUntil: '2026-11-30' }), {
      today: TODAY,
      birthDate: null,
    });
    expect(errors['validUntil']).toContain('Gültig bis');
  });

  it('refuses a validity that ends before the consent was given', () => {
    const errors = checkConsentRules(form({ givenOn: '2026-12-01', validUntil: '2026-11-01' }), {
      today: TODAY,
      birthDate: null,
    });
    expect(errors['validUntil']).toBe('Gültig bis: das Datum muss nach „Erteilt am“ liegen.');
  });

  it('accepts a consent given today and valid only today', () => {
    const input = form({ givenOn: TODAY, validUntil: TODAY });
    expect(checkConsentRules(input, { today: TODAY, birthDate: null })).toEqual({});
  });
});

describe('the identity form', () => {
  it('a form without any field records no identity data', () => {
    const parsed = CaseIdentitySchema.safeParse({});
    expect(parsed.success).toBe(true);
    expect(Object.values(parsed.data ?? {}).every((value) => value === null)).toBe(true);
  });

  it('empty fields become null', () => {
    const parsed = CaseIdentitySchema.parse({ firstName: '  ', phone: '', email: '', birthDate: '' });
    expect(parsed).toMatchObject({ firstName: null, phone: null, email: null, birthDate: null });
  });

  it('a malformed phone number or e-mail address is refused in German', () => {
    const result = CaseIdentitySchema.safeParse({ phone: 'abc', email: 'kein-at-zeichen' });
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'Telefon: bitte nur Ziffern, Leerzeichen, +, /, ( ) und - verwenden.',
      'E-Mail: bitte eine gültige Adresse eingeben (z. B. name@example.org).',
    ]);
  });

  it('a consent form without a guardian name has none', () => {
    const parsed = ConsentSchema.parse({
      recipientOrganizationId: 'org-a',
      categories: ['name'],
      purpose: 'Anmeldung zum Sprachkurs',
      givenOn: '2026-12-01',
      form: 'oral',
      ageGroup: '16plus',
      validUntil: '2027-06-01',
    });
    expect(parsed.guardianName).toBeNull();
  });
});

describe('generateCaseCode', () => {
  const SHAPE = /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/;

  it('has the shape XXXX-XXXX without the easily misread 0, O, 1 and I', () => {
    for (let i = 0; i < 500; i += 1) expect(generateCaseCode()).toMatch(SHAPE);
  });

  it('is random: 10,000 codes do not repeat', () => {
    const codes = new Set(Array.from({ length: 10_000 }, () => generateCaseCode()));
    expect(codes.size).toBe(10_000);
  });

  it('uses all 32 characters of its alphabet in every position', () => {
    const seen = Array.from({ length: 9 }, () => new Set<string>());
    for (let i = 0; i < 4_000; i += 1) {
      [...generateCaseCode()].forEach((char, position) => seen[position]!.add(char));
    }
    seen.forEach((chars, position) => expect(chars.size).toBe(position === 4 ? 1 : 32));
  });
});

describe('ageOn', () => {
  it('counts a birthday on the day itself', () => {
    expect(ageOn('2010-12-01', '2026-12-01')).toBe(16);
  });

  it('is one less the day before the birthday', () => {
    expect(ageOn('2010-12-02', '2026-12-01')).toBe(15);
  });

  it('is one less in an earlier month of the year', () => {
    expect(ageOn('2010-12-01', '2026-11-30')).toBe(15);
  });

  it('counts full years after the birthday month', () => {
    expect(ageOn('2008-05-14', '2026-12-01')).toBe(18);
  });

  it('is zero on the day of birth', () => {
    expect(ageOn('2026-12-01', '2026-12-01')).toBe(0);
  });
});

describe('the referral form', () => {
  const raw = (overrides: Record<string, unknown> = {}) => ({
    caseId: 'case-1',
    serviceId: 'service-1',
    purpose: 'language',
    message: 'Sucht einen Platz im Jugendintegrationskurs.',
    contactMode: 'appointment',
    responseDueOn: '2026-12-08',
    submissionKey: 'abcdefghijklmnop',
    ...overrides,
  });

  it('is sent by default, shares nothing by default and has no plan step when none is chosen', () => {
    expect(ReferralFormSchema.parse(raw({ planStepId: '' }))).toMatchObject({
      intent: 'send',
      sharedCategories: [],
      planStepId: null,
    });
  });

  it('a too-short message is refused with a hint to leave out sensitive details', () => {
    const result = ReferralFormSchema.safeParse(raw({ message: 'kurz' }));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('mindestens 10 Zeichen');
    expect(result.error?.issues[0]?.message).toContain('keine Diagnosen');
  });

  it('an unknown data category is refused', () => {
    const result = ReferralFormSchema.safeParse(raw({ sharedCategories: ['religion'] }));
    expect(result.error?.issues[0]?.message).toBe('Unbekannte Datenkategorie.');
  });

  it('a form without a well-formed submission key asks to reload the page', () => {
    const result = ReferralFormSchema.safeParse(raw({ submissionKey: 'short' }));
    expect(result.error?.issues[0]?.message).toBe(
      'Das Formular ist unvollständig. Bitte laden Sie die Seite neu.',
    );
  });
});
