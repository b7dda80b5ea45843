import type { Db } from '../../src/lib/db/create-db';
import { addWorkingDays, todayInGermany } from '../../src/lib/time/time';
import {
  createReferral,
  transitionReferral,
  proposeAppointment,
} from '../../src/lib/referrals/referral.service';
import { addPlanStep, createCase, recordConsent } from '../../src/lib/cases/case.service';
import { CaseIdentitySchema } from '../../src/lib/cases/case';
import { findUserById, findUserRowByEmail } from '../../src/lib/auth/auth.queries';
import { generateToken } from '../../src/lib/auth/token';
import type { Actor } from '../../src/lib/auth/policy';

/**
 * A few sample cases and referrals for the demo logins, made through the same domain functions as the pages: the
 * caseworker's dashboard shows something waiting, running and overdue; the demo partner's inbox has a new
 * referral; an institution without accounts has a link mail in the development mailbox. The people are invented
 * and marked "(Beispiel)". Not used by tests, which build exactly the data they need.
 */
export async function seedSampleReferrals(db: Db, baseUrl: string): Promise<number> {
  const userByEmail = async (email: string) => {
    const row = await findUserRowByEmail(db, email);
    return row ? findUserById(db, row.id) : null;
  };
  const caseworker = await userByEmail('fachkraft@partnernetz.example');
  const partner = await userByEmail('partner@partnernetz.example');
  if (!caseworker || !partner) return 0;
  const actor: Actor = { ...caseworker, active: true };
  const partnerActor: Actor = { ...partner, active: true };
  const services = await db
    .selectFrom('service')
    .innerJoin('organization', 'organization.id', 'service.organization_id')
    .leftJoin('app_user', 'app_user.organization_id', 'organization.id')
    .select(['service.id', 'service.organization_id', 'app_user.id as account'])
    .where('service.archived_at', 'is', null)
    .where('service.status', '=', 'active')
    .orderBy('service.name')
    .execute();
  const ofPartner = services.filter((s) => s.organization_id === partner.organizationId);
  const withoutAccount = services.filter((s) => s.account === null);
  if (ofPartner.length === 0 || withoutAccount.length < 2) return 0;

  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
  const ctx = (now: Date = new Date()) => ({ baseUrl, requestId: null, now });
  const open = async (firstName: string, languageLevel: string, step: string) => {
    const created = await createCase(
      db,
      CaseIdentitySchema.parse({ firstName: `${firstName} (Beispiel)`, languageLevel }),
      { actor, requestId: null, now: daysAgo(12) },
    );
    const stepId = await addPlanStep(
      db,
      created.id,
      { title: step, dueOn: null },
      { actor, requestId: null },
    );
    return { caseId: created.id, stepId };
  };
  const refer = async (
    caseId: string,
    service: { id: string },
    options: { shared?: ('name' | 'language_level')[]; stepId?: string; message: string; now?: Date },
  ) => {
    const now = options.now ?? new Date();
    const result = await createReferral(
      db,
      {
        caseId,
        serviceId: service.id,
        purpose: 'language',
        message: options.message,
        sharedCategories: options.shared ?? [],
        contactMode: 'partner_calls',
        responseDueOn: addWorkingDays(todayInGermany(now), 5),
        planStepId: options.stepId ?? null,
        submissionKey: generateToken(),
        intent: 'send',
      },
      actor,
      ctx(now),
    );
    if (!result.ok) throw new Error(`Beispielvermittlung nicht angelegt: ${result.kind}`);
    return result.value.referral;
  };

  // New in the demo partner's inbox, with consent for the first name and language level.
  const samira = await open('Samira', 'A2', 'Jugendintegrationskurs beginnen');
  await recordConsent(
    db,
    samira.caseId,
    {
      recipientOrganizationId: partner.organizationId,
      categories: ['name', 'language_level'],
      purpose: 'Anmeldung zum Kurs',
      givenOn: todayInGermany(new Date()),
      form: 'written',
      interpreterUsed: true,
      ageGroup: '16plus',
      guardianConsent: false,
      guardianName: null,
      validUntil: addWorkingDays(todayInGermany(new Date()), 250),
    },
    { actor, requestId: null },
  );
  await refer(samira.caseId, ofPartner[0]!, {
    shared: ['name', 'language_level'],
    stepId: samira.stepId,
    message: 'Sucht einen Platz im Jugendintegrationskurs, am liebsten vormittags.',
  });

  // Accepted by the demo partner, with an appointment proposed.
  const dawit = await open('Dawit', 'B1', 'Beratung zur Anerkennung');
  const accepted = await refer(dawit.caseId, ofPartner[ofPartner.length > 1 ? 1 : 0]!, {
    message: 'Anonyme Anfrage: 19 Jahre, Abschluss aus Eritrea, B1 – Beratung möglich?',
    now: daysAgo(3),
  });
  const partnerSide = { kind: 'user' as const, user: partnerActor };
  const afterAccept = await transitionReferral(
    db,
    accepted.id,
    accepted.version,
    'accept',
    {},
    partnerSide,
    ctx(daysAgo(2)),
  );
  if (afterAccept.ok) {
    const inAWeek = new Date(Date.now() + 7 * 86_400_000);
    inAWeek.setUTCHours(9, 0, 0, 0);
    await proposeAppointment(
      db,
      accepted.id,
      afterAccept.value.version,
      { at: inAWeek.toISOString(), note: 'Raum 2, bitte Zeugnisse mitbringen' },
      partnerSide,
      ctx(daysAgo(2)),
    );
  }

  // Sent ten days ago to an institution without accounts and still unanswered: overdue on the dashboard; its
  // single-use link mail waits in the development mailbox.
  const lena = await open('Lena', 'B2', 'Ausbildungsplatz finden');
  await refer(lena.caseId, withoutAccount[0]!, {
    message: 'Anonyme Anfrage: 18 Jahre, B2, sucht Ausbildung im Handwerk – gibt es freie Plätze?',
    now: daysAgo(10),
  });
  return 3;
}
