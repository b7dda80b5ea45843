import type { MailDraft } from '../notify/outbox';
import { REFERRAL_STATUS_LABELS, type ReferralStatus } from './referral';

// Every mail here is neutral on purpose (DESIGN.md §3): no name, no case code, no service, nothing a misdirected
// mail could reveal about a young person — only that something waits and where to sign in.

const SIGNATURE =
  '\n\nAus Datenschutzgründen enthält diese E-Mail keine Angaben zur Person.\n\nJMD Partnernetz';

function germanDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}.${m}.${y}`;
}

/** "New referral — please sign in" for partner staff with an account. */
export function newReferralMail(to: string, baseUrl: string, dueOn: string): MailDraft {
  return {
    kind: 'referral.new',
    to,
    subject: 'Neue Vermittlung – bitte anmelden',
    text: `Guten Tag,\n\nein Jugendmigrationsdienst hat Ihrer Einrichtung eine neue Vermittlung geschickt. Bitte melden Sie sich an und antworten Sie bis zum ${germanDate(dueOn)}:\n\n${baseUrl}/eingang${SIGNATURE}`,
  };
}

/** The same for an organization without accounts: a single-use link, valid seven days. */
export function newReferralLinkMail(to: string, baseUrl: string, token: string, dueOn: string): MailDraft {
  return {
    kind: 'referral.link',
    to,
    subject: 'Neue Vermittlung – bitte über den Link antworten',
    text: `Guten Tag,\n\nein Jugendmigrationsdienst hat Ihrer Einrichtung eine neue Vermittlung geschickt. Bitte antworten Sie bis zum ${germanDate(dueOn)}.\n\nÖffnen Sie die Vermittlung über diesen Link. Er funktioniert einmal und ist 7 Tage gültig; danach bleibt die Vermittlung in diesem Browser geöffnet:\n\n${baseUrl}/link/${token}${SIGNATURE}`,
  };
}

/** A reminder to the partner that an answer is overdue (with a fresh link where there is no account). */
export function reminderMail(to: string, baseUrl: string, token: string | null, second: boolean): MailDraft {
  const where = token
    ? `Ihr neuer Link (einmal verwendbar, 7 Tage gültig):\n\n${baseUrl}/link/${token}`
    : `Bitte melden Sie sich an:\n\n${baseUrl}/eingang`;
  return {
    kind: 'referral.reminder',
    to,
    subject: second
      ? 'Zweite Erinnerung: Vermittlung wartet auf Antwort'
      : 'Erinnerung: Vermittlung wartet auf Antwort',
    text: `Guten Tag,\n\neine Vermittlung an Ihre Einrichtung wartet noch auf Ihre Antwort. Bitte nehmen Sie sie an oder lehnen Sie sie mit einem kurzen Grund ab. ${where}${SIGNATURE}`,
  };
}

/** A fresh link the caseworker asked for. */
export function freshLinkMail(to: string, baseUrl: string, token: string): MailDraft {
  return {
    kind: 'referral.link',
    to,
    subject: 'Neuer Link zu einer Vermittlung',
    text: `Guten Tag,\n\nhier ist ein neuer Link zu einer Vermittlung an Ihre Einrichtung (einmal verwendbar, 7 Tage gültig). Ältere Links funktionieren nicht mehr.\n\n${baseUrl}/link/${token}${SIGNATURE}`,
  };
}

/** Tells the partner that the caseworker withdrew a referral. */
export function cancelledMail(to: string): MailDraft {
  return {
    kind: 'referral.cancelled',
    to,
    subject: 'Vermittlung zurückgezogen',
    text: `Guten Tag,\n\nder Jugendmigrationsdienst hat eine Vermittlung an Ihre Einrichtung zurückgezogen. Sie müssen nichts weiter tun.${SIGNATURE}`,
  };
}

/** Tells the caseworker that the partner answered. */
export function answerMail(
  to: string,
  baseUrl: string,
  referralId: string,
  status: ReferralStatus | null,
): MailDraft {
  const what = status
    ? `Neuer Stand: ${REFERRAL_STATUS_LABELS[status]}.`
    : 'Die Einrichtung hat einen Termin vorgeschlagen.';
  return {
    kind: 'referral.answer',
    to,
    subject: 'Rückmeldung zu einer Vermittlung',
    text: `Guten Tag,\n\neine Partnereinrichtung hat auf eine Ihrer Vermittlungen geantwortet. ${what}\n\n${baseUrl}/vermittlungen/${referralId}${SIGNATURE}`,
  };
}
