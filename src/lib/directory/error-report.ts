/**
 * "Fehler melden" (issue 14): a caseworker says what is wrong with an offer; the coordinator forwards it to the
 * partner, whose next quick update resolves it; the reporter sees when. Types, labels and form schemas.
 * @module
 */
import { z } from 'zod';
import { multiline } from '../http/form';
import { VersionSchema } from '../http/form';

/** What can be wrong. */
export const ERROR_KINDS = ['phone', 'address', 'hours', 'closed', 'other'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** German labels of what is wrong. */
export const ERROR_KIND_LABELS: Record<ErrorKind, string> = {
  phone: 'Telefonnummer stimmt nicht',
  address: 'Adresse stimmt nicht',
  hours: 'Öffnungszeiten stimmen nicht',
  closed: 'Angebot gibt es nicht mehr',
  other: 'Etwas anderes',
};

/** Where a report stands. */
export const ERROR_REPORT_STATUSES = ['open', 'forwarded', 'resolved', 'dismissed'] as const;
export type ErrorReportStatus = (typeof ERROR_REPORT_STATUSES)[number];

/** German labels of report states. */
export const ERROR_REPORT_STATUS_LABELS: Record<ErrorReportStatus, string> = {
  open: 'wartet auf die Netzwerkkoordination',
  forwarded: 'an die Einrichtung weitergegeben',
  resolved: 'behoben',
  dismissed: 'geprüft, keine Änderung nötig',
};

/** A report as lists show it. */
export interface ErrorReport {
  id: string;
  serviceId: string;
  serviceName: string;
  organizationName: string;
  reporterUserId: string | null;
  kind: ErrorKind;
  note: string | null;
  status: ErrorReportStatus;
  createdAt: string;
  forwardedAt: string | null;
  resolvedAt: string | null;
  version: number;
}

/** The caseworker's form on the offer page. */
export const ErrorReportFormSchema = z.object({
  intent: z.literal('fehler-melden'),
  art: z.enum(ERROR_KINDS, { message: 'Bitte wählen Sie, was nicht stimmt.' }),
  hinweis: multiline(
    z.string().trim().max(500, { message: 'Der Hinweis darf höchstens 500 Zeichen haben.' }).default(''),
  ),
});
export type ErrorReportForm = z.infer<typeof ErrorReportFormSchema>;

/** The coordinator forwards a report to the partner, or closes it without a change. */
export const ErrorReportDecisionSchema = z.object({
  intent: z.enum(['weiterleiten', 'verwerfen'], { message: 'Unbekannte Aktion.' }),
  meldung: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, { message: 'Unbekannte Meldung.' }),
  version: VersionSchema,
});
export type ErrorReportDecision = z.infer<typeof ErrorReportDecisionSchema>;
