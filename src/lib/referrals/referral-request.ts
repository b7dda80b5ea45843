import type { Db } from '../db/create-db';
import type { Actor } from '../auth/policy';
import { parseVersion } from '../http/request';
import { fromGermanWallClock, isIsoDate } from '../time/time';
import { REFERRAL_STATUS_LABELS, TRANSITION_ACTIONS, type Referral, type TransitionAction } from './referral';
import {
  proposeAppointment,
  resendReferralLink,
  tickPlanStepOfReferral,
  transitionReferral,
  type ReferralActor,
  type ReferralContext,
} from './referral.service';

/** What a referral page renders after a POST: HTTP status, German message or field errors, the current state. */
export interface ReferralPostOutcome {
  status: 200 | 404 | 409 | 422;
  success: string | null;
  errors: Record<string, string>;
  referral: Referral | null;
}

const APPOINTMENT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/** Converts "2026-12-03T14:30" in German local time into an ISO timestamp (UTC). */
export function germanLocalToIso(value: string): string | null {
  if (!APPOINTMENT_PATTERN.test(value) || !isIsoDate(value.slice(0, 10))) return null;
  const [hours, minutes] = value.slice(11).split(':').map(Number) as [number, number];
  if (hours > 23 || minutes > 59) return null;
  return fromGermanWallClock(new Date(`${value}:00Z`)).toISOString();
}

/**
 * Handles the action forms of a referral page (status changes, appointment, fresh link, plan step) for both the
 * signed-in pages and the single-use link page. `data` is the submitted form.
 */
export async function handleReferralPost(
  db: Db,
  referral: Referral,
  data: Record<string, string>,
  actor: ReferralActor,
  ctx: ReferralContext,
): Promise<ReferralPostOutcome> {
  const action = data['action'] ?? '';
  const version = parseVersion(data['version']);
  if (version === null) {
    return {
      status: 422,
      success: null,
      errors: { _form: 'Das Formular ist unvollständig. Bitte laden Sie die Seite neu.' },
      referral,
    };
  }
  if ((TRANSITION_ACTIONS as readonly string[]).includes(action)) {
    const result = await transitionReferral(
      db,
      referral.id,
      version,
      action as TransitionAction,
      { reason: data['reason'] ?? null, outcome: data['outcome'] ?? null },
      actor,
      ctx,
    );
    if (result.ok) {
      return {
        status: 200,
        success: `Gespeichert. Neuer Stand: ${REFERRAL_STATUS_LABELS[result.value.status]}.`,
        errors: {},
        referral: result.value,
      };
    }
    return failure(result, referral, action);
  }
  if (action === 'appointment') {
    const at = germanLocalToIso(data['appointmentAt'] ?? '');
    if (!at) {
      return {
        status: 422,
        success: null,
        errors: { appointmentAt: 'Termin: bitte Datum und Uhrzeit angeben.' },
        referral,
      };
    }
    const note = (data['appointmentNote'] ?? '').trim().slice(0, 300) || null;
    const result = await proposeAppointment(db, referral.id, version, { at, note }, actor, ctx);
    if (result.ok)
      return {
        status: 200,
        success: 'Der Terminvorschlag ist gespeichert.',
        errors: {},
        referral: result.value,
      };
    return failure(result, referral, action);
  }
  if (actor.kind === 'user' && (action === 'resend_link' || action === 'tick_step')) {
    const user: Actor = actor.user;
    const result =
      action === 'resend_link'
        ? await resendReferralLink(db, referral.id, user, ctx)
        : await tickPlanStepOfReferral(db, referral.id, user, ctx);
    if (result.ok) {
      return {
        status: 200,
        success:
          action === 'resend_link'
            ? 'Ein neuer Link ist unterwegs. Ältere Links funktionieren nicht mehr.'
            : 'Der Förderplan-Schritt ist abgehakt.',
        errors: {},
        referral,
      };
    }
    return failure(result, referral, action);
  }
  return {
    status: 422,
    success: null,
    errors: { _form: 'Unbekannte Aktion. Bitte laden Sie die Seite neu.' },
    referral,
  };
}

function failure(
  result:
    | { ok: false; kind: 'not_found' }
    | { ok: false; kind: 'invalid'; errors: Record<string, string> }
    | { ok: false; kind: 'conflict'; error: string; current: Referral },
  referral: Referral,
  action: string,
): ReferralPostOutcome {
  switch (result.kind) {
    case 'not_found':
      return { status: 404, success: null, errors: {}, referral: null };
    case 'conflict':
      return { status: 409, success: null, errors: { _form: result.error }, referral: result.current };
    case 'invalid': {
      // Field errors belong to the form of this action, so the page can reopen it with the message.
      const message = Object.values(result.errors)[0] ?? 'Bitte prüfen Sie Ihre Eingabe.';
      return {
        status: 422,
        success: null,
        errors: { ...result.errors, _form: message, _action: action },
        referral,
      };
    }
  }
}
