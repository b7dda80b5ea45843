/**
 * Confirmation requests and the quick update (docs/verzeichnis.md, decision 0017): domain types, German labels, form
 * schemas and the pure rules of when a request is reminded and when it goes to the coordinator's list.
 * @module
 */
import { z } from 'zod';
import { VersionSchema } from '../http/form';
import type { MailDraft } from '../notify/outbox';
import { isIsoDate } from '../time/time';

/** Where a confirmation came from. */
export const ASSURED_SOURCES = [
  'phone',
  'partner_mail',
  'own_check',
  'partner',
  'partner_link',
  'import',
  'form',
] as const;
export type AssuredSource = (typeof ASSURED_SOURCES)[number];

/** German labels of the sources. */
export const ASSURED_SOURCE_LABELS: Record<AssuredSource, string> = {
  phone: 'Telefonat',
  partner_mail: 'E-Mail der Einrichtung',
  own_check: 'eigene Prüfung',
  partner: 'die Einrichtung (angemeldet)',
  partner_link: 'die Einrichtung (über Link)',
  import: 'Import',
  form: 'Pflegeformular',
};

/** The sources a coordinator names when confirming from the list. */
export const COORDINATOR_SOURCES = ['phone', 'partner_mail', 'own_check'] as const;

/** The label of a stored source (unknown or missing: null). */
export function assuredSourceLabel(source: string | null): string | null {
  return source && source in ASSURED_SOURCE_LABELS ? ASSURED_SOURCE_LABELS[source as AssuredSource] : null;
}

/** Where a request stands. */
export const REQUEST_STATUSES = ['sent', 'reminded', 'answered', 'escalated'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** German labels of request states for the coordinator. */
export const REQUEST_STATUS_LABELS: Record<RequestStatus, string> = {
  sent: 'angefragt',
  reminded: 'erinnert',
  answered: 'beantwortet',
  escalated: 'keine Antwort',
};

/** A request as the coordinator sees it. */
export interface UpkeepRequest {
  id: string;
  organizationId: string;
  organizationName: string;
  status: RequestStatus;
  sentAt: string;
  remindedAt: string | null;
  answeredAt: string | null;
  escalatedAt: string | null;
  services: number;
  answered: number;
}

/** The instant before which an entry is due for a request (`months` before `now`), as ISO text. */
export function confirmationDueBefore(now: Date, months: number): string {
  const limit = new Date(now);
  limit.setUTCMonth(limit.getUTCMonth() - months);
  return limit.toISOString();
}

const DAY_MS = 24 * 60 * 60_000;

/**
 * What the job does with an open request at `now`: remind it `days` after it was sent, and put it on the
 * coordinator's list `days` after the reminder; nothing otherwise.
 */
export function nextRequestStep(
  request: Pick<UpkeepRequest, 'status' | 'sentAt' | 'remindedAt'>,
  now: Date,
  days: number,
): 'remind' | 'escalate' | null {
  if (request.status === 'sent' && now.getTime() - Date.parse(request.sentAt) >= days * DAY_MS)
    return 'remind';
  if (
    request.status === 'reminded' &&
    request.remindedAt &&
    now.getTime() - Date.parse(request.remindedAt) >= days * DAY_MS
  ) {
    return 'escalate';
  }
  return null;
}

const SIGNATURE = '\n\nJMD Partnernetz – Netzwerkkoordination';

/**
 * The request mail. It lists the entries by name (they are public directory entries, no personal data) and says
 * where to answer: signed in on "Meine Einrichtung", or through a single-use link.
 */
export function confirmationRequestMail(
  to: string,
  baseUrl: string,
  entries: string[],
  token: string | null,
  reminder: boolean,
): MailDraft {
  const list = entries.map((name) => `- ${name}`).join('\n');
  const where = token
    ? `Öffnen Sie Ihre Einträge über diesen Link. Er funktioniert einmal und ist 7 Tage gültig; danach bleiben die Einträge in diesem Browser geöffnet:\n\n${baseUrl}/einrichtung/link/${token}`
    : `Bitte melden Sie sich an und öffnen Sie „Meine Einrichtung“:\n\n${baseUrl}/einrichtung`;
  return {
    kind: reminder ? 'upkeep.reminder' : 'upkeep.request',
    to,
    subject: reminder
      ? 'Erinnerung: Sind Ihre Angaben im Verzeichnis noch aktuell?'
      : 'Sind Ihre Angaben im Verzeichnis noch aktuell?',
    text: `Guten Tag,\n\nJugendmigrationsdienste vermitteln junge Menschen an Ihre Einrichtung auf Grundlage dieser Einträge im Verzeichnis:\n\n${list}\n\nBitte prüfen Sie sie kurz: „Alles aktuell“ genügt, wenn nichts zu ändern ist; sonst ändern Sie freie Plätze, Status oder den nächsten Aufnahmetermin direkt dort.\n\n${where}${SIGNATURE}`,
  };
}

/** A coordinator confirms an entry from the list, naming where the confirmation came from. */
export const CoordinatorConfirmSchema = z.object({
  intent: z.literal('bestaetigen'),
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, { message: 'Unbekanntes Angebot.' }),
  version: VersionSchema,
  quelle: z.enum(COORDINATOR_SOURCES, {
    message:
      'Bitte wählen Sie, woher die Bestätigung kommt: Telefonat, E-Mail der Einrichtung oder eigene Prüfung.',
  }),
});
export type CoordinatorConfirm = z.infer<typeof CoordinatorConfirmSchema>;

/** A coordinator confirms every entry of one import at once. */
export const ImportConfirmSchema = z.object({
  intent: z.literal('import-bestaetigen'),
  auftrag: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, { message: 'Unbekannter Import.' }),
  quelle: z.enum(COORDINATOR_SOURCES, {
    message:
      'Bitte wählen Sie, woher die Bestätigung kommt: Telefonat, E-Mail der Einrichtung oder eigene Prüfung.',
  }),
});
export type ImportConfirm = z.infer<typeof ImportConfirmSchema>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const optionalDate = (message: string) =>
  z
    .string()
    .trim()
    .default('')
    .refine((value) => value === '' || ISO_DATE.test(value), { message })
    .refine((value) => value === '' || !ISO_DATE.test(value) || isIsoDate(value), {
      message: 'Dieses Datum gibt es nicht. Bitte prüfen Sie Tag und Monat.',
    })
    .transform((value) => (value === '' ? null : value));

/** The quick update of one service: free places, status (with until-date), next intake, "Alles aktuell". */
export const QuickUpdateSchema = z
  .object({
    intent: z.literal('schnell'),
    id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, { message: 'Unbekanntes Angebot.' }),
    version: VersionSchema,
    freePlaces: z
      .string()
      .trim()
      .default('')
      .refine((value) => value === '' || /^\d{1,4}$/.test(value), {
        message:
          'Bitte geben Sie die freien Plätze als ganze Zahl von 0 bis 9999 an (oder lassen Sie das Feld leer).',
      })
      .transform((value) => (value === '' ? null : Number(value))),
    status: z.enum(['active', 'temporarily_closed'], {
      message: 'Bitte wählen Sie „geöffnet“ oder „vorübergehend geschlossen“.',
    }),
    closedUntil: optionalDate('Bitte geben Sie das Datum als TT.MM.JJJJ an (z. B. 31.01.2027).'),
    nextIntake: optionalDate('Bitte geben Sie das Datum als TT.MM.JJJJ an (z. B. 01.02.2027).'),
    confirm: z
      .string()
      .optional()
      .transform((value) => value === 'ja'),
  })
  .superRefine((value, ctx) => {
    if (value.status === 'active' && value.closedUntil) {
      ctx.addIssue({
        code: 'custom',
        path: ['closedUntil'],
        message: 'Ein Datum „geschlossen bis“ gilt nur, wenn das Angebot vorübergehend geschlossen ist.',
      });
    }
  });
export type QuickUpdate = z.infer<typeof QuickUpdateSchema>;

/** "Alles aktuell" for every entry of a request at once. */
export const ConfirmAllSchema = z.object({ intent: z.literal('alles-aktuell') });
