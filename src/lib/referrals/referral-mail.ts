import type { MailDraft } from '../notify/outbox';
import type { ReferralStatus } from './referral';

// Every mail here is neutral on purpose (DESIGN.md §3): no name of the young person, no case code, no service,
// nothing a misdirected mail could reveal about a young person — only that something waits and where to answer.
// What a mail to a partner does name is the sender: the JMD office and the caseworker (professional contact data),
// with Reply-To the caseworker, so the mail is recognisably from a person the partner can ask — not phishing.

/** The platform's name, as partners see it in every mail. */
export const PLATFORM_NAME = 'JMD Partnernetz';

/** Who sent a referral, as mails and pages to the partner name them. */
export interface SenderContact {
  caseworkerName: string;
  /** Null when the caseworker's account was deactivated: then replies go to the office. */
  caseworkerEmail: string | null;
  officeName: string;
  officePhone: string | null;
  officeEmail: string | null;
  /** Street, postcode and city in one line, or null. */
  officeAddress: string | null;
}

const WHY =
  `\n\nWarum erhalten Sie diese E-Mail?\n` +
  `Ihre Einrichtung steht im Verzeichnis des ${PLATFORM_NAME}, über das Jugendmigrationsdienste junge Menschen an ` +
  `passende Angebote vermitteln. Diese E-Mail geht an die dort hinterlegte Adresse Ihrer Einrichtung. ` +
  `Aus Datenschutzgründen enthält sie keine Angaben zur Person. Fragen beantwortet die Fachkraft: ` +
  `Antworten Sie einfach auf diese E-Mail.`;

function germanDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}.${m}.${y}`;
}

/** "vom JMD Lübeck-Mitte (Anna Beispiel)" for subjects. */
function fromWhom(sender: SenderContact): string {
  return `${sender.officeName} (${sender.caseworkerName})`;
}

/** The greeting and the signature block naming the caseworker, office, phone and e-mail. */
function signature(sender: SenderContact): string {
  const lines = [
    `\n\nMit freundlichen Grüßen\n${sender.caseworkerName}\n${sender.officeName}`,
    sender.officeAddress,
    sender.officePhone ? `Telefon: ${sender.officePhone}` : null,
    sender.caseworkerEmail
      ? `E-Mail: ${sender.caseworkerEmail}`
      : sender.officeEmail
        ? `E-Mail: ${sender.officeEmail}`
        : null,
  ];
  return `${lines.filter(Boolean).join('\n')}\n\n– gesendet über ${PLATFORM_NAME}${WHY}`;
}

/** A mail to the partner, sent on behalf of the caseworker: Reply-To the caseworker (else the office). */
function toPartner(
  kind: string,
  to: string,
  subject: string,
  body: string,
  sender: SenderContact,
): MailDraft {
  return {
    kind,
    to,
    subject,
    text: `Guten Tag,\n\n${body}${signature(sender)}`,
    replyTo: sender.caseworkerEmail ?? sender.officeEmail,
  };
}

const linkText = (baseUrl: string, token: string) =>
  `Öffnen Sie die Vermittlung über diesen Link. Er funktioniert einmal und ist 7 Tage gültig; danach bleibt die Vermittlung in diesem Browser geöffnet, bis sie abgeschlossen ist:\n\n${baseUrl}/link/${token}`;

/** "New referral — please sign in" for partner staff with an account. */
export function newReferralMail(
  to: string,
  baseUrl: string,
  dueOn: string,
  sender: SenderContact,
): MailDraft {
  return toPartner(
    'referral.new',
    to,
    `Neue Vermittlung von ${fromWhom(sender)} – bitte anmelden`,
    `${sender.caseworkerName} vom ${sender.officeName} hat Ihrer Einrichtung eine neue Vermittlung geschickt. Bitte melden Sie sich an und antworten Sie bis zum ${germanDate(dueOn)}:\n\n${baseUrl}/eingang`,
    sender,
  );
}

/** The same for an organization without accounts: a single-use link, valid seven days. */
export function newReferralLinkMail(
  to: string,
  baseUrl: string,
  token: string,
  dueOn: string,
  sender: SenderContact,
): MailDraft {
  return toPartner(
    'referral.link',
    to,
    `Neue Vermittlung von ${fromWhom(sender)} – bitte über den Link antworten`,
    `${sender.caseworkerName} vom ${sender.officeName} hat Ihrer Einrichtung eine neue Vermittlung geschickt. Bitte antworten Sie bis zum ${germanDate(dueOn)}.\n\n${linkText(baseUrl, token)}`,
    sender,
  );
}

/** A reminder to the partner that an answer is overdue (with a fresh link where there is no account). */
export function reminderMail(
  to: string,
  baseUrl: string,
  token: string | null,
  second: boolean,
  sender: SenderContact,
): MailDraft {
  const where = token
    ? `Ihr neuer Link (einmal verwendbar, 7 Tage gültig):\n\n${baseUrl}/link/${token}`
    : `Bitte melden Sie sich an:\n\n${baseUrl}/eingang`;
  return toPartner(
    'referral.reminder',
    to,
    `${second ? 'Zweite Erinnerung' : 'Erinnerung'}: Vermittlung von ${fromWhom(sender)} wartet auf Antwort`,
    `eine Vermittlung von ${sender.caseworkerName} (${sender.officeName}) an Ihre Einrichtung wartet noch auf Ihre Antwort. Bitte nehmen Sie sie an oder lehnen Sie sie mit einem kurzen Grund ab. ${where}`,
    sender,
  );
}

/** A fresh link (the caseworker or the partner asked for it). */
export function freshLinkMail(to: string, baseUrl: string, token: string, sender: SenderContact): MailDraft {
  return toPartner(
    'referral.link',
    to,
    `Neuer Link zu einer Vermittlung von ${fromWhom(sender)}`,
    `hier ist ein neuer Link zu einer Vermittlung von ${sender.caseworkerName} (${sender.officeName}) an Ihre Einrichtung. ${linkText(baseUrl, token)}\n\nÄltere, noch nicht geöffnete Links funktionieren nicht mehr.`,
    sender,
  );
}

/** Tells the partner that the caseworker withdrew a referral. */
export function cancelledMail(to: string, sender: SenderContact): MailDraft {
  return toPartner(
    'referral.cancelled',
    to,
    `Vermittlung von ${fromWhom(sender)} zurückgezogen`,
    `${sender.caseworkerName} (${sender.officeName}) hat eine Vermittlung an Ihre Einrichtung beendet. Sie müssen nichts weiter tun.`,
    sender,
  );
}

/** Tells the partner there is a new message on a referral — never its content. */
export function messageToPartnerMail(
  to: string,
  baseUrl: string,
  token: string | null,
  sender: SenderContact,
): MailDraft {
  const where = token ? linkText(baseUrl, token) : `Bitte melden Sie sich an:\n\n${baseUrl}/eingang`;
  return toPartner(
    'referral.message',
    to,
    `Neue Nachricht von ${fromWhom(sender)} zu einer Vermittlung`,
    `${sender.caseworkerName} (${sender.officeName}) hat Ihnen zu einer Vermittlung eine Nachricht geschrieben. Die Nachricht selbst lesen Sie aus Datenschutzgründen nur auf der Plattform. ${where}`,
    sender,
  );
}

/** Asks the partner for the outcome of a running referral (and reminds once). */
export function outcomeRequestMail(
  to: string,
  baseUrl: string,
  token: string | null,
  second: boolean,
  sender: SenderContact,
): MailDraft {
  const where = token ? linkText(baseUrl, token) : `Bitte melden Sie sich an:\n\n${baseUrl}/eingang`;
  return toPartner(
    'referral.outcome_request',
    to,
    `${second ? 'Erinnerung: ' : ''}Wie ist es ausgegangen? Vermittlung von ${fromWhom(sender)}`,
    `zu einer Vermittlung von ${sender.caseworkerName} (${sender.officeName}) an Ihre Einrichtung haben wir länger nichts gehört. Bitte teilen Sie kurz mit, wie es ausgegangen ist („Abschließen“ oder „Nicht zustande gekommen“) – oder dass es noch läuft. ${where}`,
    sender,
  );
}

/** What a partner's answer did, said as what happened (no status-machine words, no reason text: a mail carries no case data). */
export const ANSWER_IN_WORDS: Record<ReferralStatus, string> = {
  draft: 'Die Vermittlung ist wieder ein Entwurf.',
  sent: 'Die Vermittlung wartet auf eine Antwort.',
  accepted: 'Die Einrichtung hat die Vermittlung angenommen.',
  declined: 'Die Einrichtung hat die Vermittlung abgelehnt.',
  cancelled: 'Die Vermittlung ist zurückgezogen.',
  in_progress: 'Die Einrichtung hat mit der Arbeit begonnen.',
  on_hold: 'Die Einrichtung hat die Vermittlung pausiert.',
  completed: 'Die Einrichtung hat ein Ergebnis gemeldet: abgeschlossen.',
  failed: 'Die Einrichtung hat gemeldet, dass die Vermittlung nicht zustande gekommen ist.',
  entered_in_error: 'Die Vermittlung ist als irrtümlich angelegt markiert.',
};

/** Tells the caseworker that the partner answered. */
export function answerMail(
  to: string,
  baseUrl: string,
  referralId: string,
  status: ReferralStatus | null,
): MailDraft {
  const what = status ? ANSWER_IN_WORDS[status] : 'Die Einrichtung hat einen Termin vorgeschlagen.';
  return {
    kind: 'referral.answer',
    to,
    subject: 'Rückmeldung zu einer Vermittlung',
    text: `Guten Tag,\n\neine Partnereinrichtung hat auf eine Ihrer Vermittlungen geantwortet. ${what}\n\n${baseUrl}/vermittlungen/${referralId}\n\nAus Datenschutzgründen enthält diese E-Mail keine Angaben zur Person.\n\n${PLATFORM_NAME}`,
  };
}

/** Tells the caseworker there is a new message from the partner — never its content. */
export function messageToCaseworkerMail(to: string, baseUrl: string, referralId: string): MailDraft {
  return {
    kind: 'referral.message',
    to,
    subject: 'Neue Nachricht zu einer Vermittlung',
    text: `Guten Tag,\n\neine Partnereinrichtung hat Ihnen zu einer Vermittlung eine Nachricht geschrieben. Lesen und beantworten Sie sie hier:\n\n${baseUrl}/vermittlungen/${referralId}\n\nAus Datenschutzgründen enthält diese E-Mail keine Angaben zur Person und nicht den Text der Nachricht.\n\n${PLATFORM_NAME}`,
  };
}
