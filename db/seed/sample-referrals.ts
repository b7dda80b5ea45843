import type { Db } from '../../src/lib/db/create-db';
import { addWorkingDays, todayInGermany } from '../../src/lib/time/time';
import type { ActionContext } from '../../src/lib/action/context';
import type { Result } from '../../src/lib/action/result';
import {
  createReferral,
  proposeAppointment,
  resendReferralLink,
  transitionReferral,
} from '../../src/lib/referrals/referral.service';
import { addPlanStep, createCase, recordConsent } from '../../src/lib/cases/case.service';
import { CaseIdentitySchema } from '../../src/lib/cases/case';
import { findUserById, findUserRowByEmail } from '../../src/lib/auth/auth.queries';
import { generateToken } from '../../src/lib/auth/token';
import type { Actor } from '../../src/lib/auth/policy';
import { loadConfig } from '../../src/lib/config/config';

/** The value of a result the seed cannot do without; a failure stops the seed with its kind. */
function valueOf<T>(result: Result<T>, what: string): T {
  if (!result.ok) throw new Error(`${what} nicht angelegt: ${result.kind}`);
  return result.value;
}

/**
 * A few sample cases and referrals for the demo logins, made through the same domain functions as the pages: the
 * caseworker's dashboard shows something waiting, running and overdue; the demo partner's inbox has a new
 * referral; an institution without accounts has a link mail in the development mailbox that works when the demo
 * starts (`now`). The people are invented and marked "(Beispiel)". Not used by tests, which build exactly the data
 * they need.
 */
export async function seedSampleReferrals(db: Db, baseUrl: string, now: Date = new Date()): Promise<number> {
  const userByEmail = async (email: string) => {
    const row = await findUserRowByEmail(db, email);
    return row ? findUserById(db, row.id) : null;
  };
  const caseworker = await userByEmail('fachkraft@partnernetz.example');
  const partner = await userByEmail('partner@partnernetz.example');
  if (!caseworker || !partner) return 0;
  const config = loadConfig({ PUBLIC_BASE_URL: baseUrl });
  const actor: Actor = { ...caseworker, active: true };
  const partnerActor: Actor = { ...partner, active: true };
  const asCaseworker = (at: Date = now): ActionContext => ({
    actor: { kind: 'user', user: actor },
    requestId: null,
    now: at,
    config,
  });
  const asPartner = (at: Date): ActionContext => ({
    ...asCaseworker(at),
    actor: { kind: 'user', user: partnerActor },
  });
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

  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
  const open = async (firstName: string, languageLevel: string, step: string) => {
    const created = valueOf(
      await createCase(
        db,
        asCaseworker(daysAgo(12)),
        CaseIdentitySchema.parse({ firstName: `${firstName} (Beispiel)`, languageLevel }),
      ),
      'Beispielfall',
    );
    const stepId = valueOf(
      await addPlanStep(db, asCaseworker(daysAgo(12)), { caseId: created.id, title: step, dueOn: null }),
      'Förderplan-Schritt',
    );
    return { caseId: created.id, stepId };
  };
  const refer = async (
    caseId: string,
    service: { id: string },
    options: { shared?: ('name' | 'language_level')[]; stepId?: string; message: string; now?: Date },
  ) => {
    const at = options.now ?? now;
    const result = await createReferral(db, asCaseworker(at), {
      caseId,
      serviceId: service.id,
      purpose: 'language',
      message: options.message,
      sharedCategories: options.shared ?? [],
      contactMode: 'appointment',
      responseDueOn: addWorkingDays(todayInGermany(at), 5),
      planStepId: options.stepId ?? null,
      submissionKey: generateToken(),
      intent: 'send',
    });
    return valueOf(result, 'Beispielvermittlung').referral;
  };

  // New in the demo partner's inbox, with consent for the first name and language level.
  const samira = await open('Samira', 'A2', 'Jugendintegrationskurs beginnen');
  await recordConsent(db, asCaseworker(), {
    caseId: samira.caseId,
    recipientOrganizationId: partner.organizationId,
    categories: ['name', 'language_level'],
    purpose: 'Anmeldung zum Kurs',
    givenOn: todayInGermany(now),
    form: 'written',
    interpreterUsed: true,
    ageGroup: '16plus',
    guardianConsent: false,
    guardianName: null,
    validUntil: addWorkingDays(todayInGermany(now), 250),
  });
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
  const afterAccept = await transitionReferral(db, asPartner(daysAgo(2)), {
    id: accepted.id,
    version: accepted.version,
    action: 'accept',
    reason: null,
    outcome: null,
  });
  if (afterAccept.ok) {
    const inAWeek = new Date(now.getTime() + 7 * 86_400_000);
    inAWeek.setUTCHours(9, 0, 0, 0);
    await proposeAppointment(db, asPartner(daysAgo(2)), {
      id: accepted.id,
      version: afterAccept.value.version,
      action: 'appointment',
      appointmentAt: inAWeek.toISOString(),
      appointmentNote: 'Raum 2, bitte Zeugnisse mitbringen',
    });
  }

  // Sent ten days ago to an institution without accounts and still unanswered: overdue on the dashboard. The
  // link mailed then has expired (7 days), so the caseworker sends a fresh one now: the newest link mail in the
  // development mailbox opens the referral when the demo starts.
  const lena = await open('Lena', 'B2', 'Ausbildungsplatz finden');
  const overdue = await refer(lena.caseId, withoutAccount[0]!, {
    message: 'Anonyme Anfrage: 18 Jahre, B2, sucht Ausbildung im Handwerk – gibt es freie Plätze?',
    now: daysAgo(10),
  });
  valueOf(await resendReferralLink(db, asCaseworker(), { id: overdue.id }), 'Neuer Link');
  return 3;
}
