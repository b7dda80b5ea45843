import { z } from 'zod';
import { DATA_CATEGORIES } from '../cases/case';
import { multiline, VersionSchema } from '../http/form';
import { isIsoDate } from '../time/time';
import {
  CONTACT_MODES,
  contactModeProblem,
  PURPOSES,
  ReferralFormSchema,
  SENSITIVE_HINT,
  type ContactMode,
  type Purpose,
  type Referral,
} from './referral';

// A draft keeps whatever the caseworker filled in (issue 11, item 5): only the case and the offer are needed to
// own it. What is missing is stored as an empty text (the columns stay NOT NULL, decision 0014) and named by
// `draftGaps` before the draft can be sent.

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => value || null);

/** What a draft may hold: every field of the referral form, each optional (but never malformed). */
export const DraftFieldsSchema = z.object({
  purpose: z
    .union([z.literal(''), z.enum(PURPOSES, { message: 'Bitte einen Anlass aus der Liste wählen.' })])
    .optional()
    .transform((value) => (value ? value : null)),
  message: multiline(
    z
      .string()
      .trim()
      .max(1000, { message: `Nachricht: höchstens 1000 Zeichen. ${SENSITIVE_HINT}` })
      .optional()
      .transform((value) => value ?? ''),
  ),
  sharedCategories: z.array(z.enum(DATA_CATEGORIES, { message: 'Unbekannte Datenkategorie.' })).default([]),
  contactMode: z
    .union([
      z.literal(''),
      z.enum(CONTACT_MODES, { message: 'Bitte wählen, wie der Kontakt zustande kommt.' }),
    ])
    .optional()
    .transform((value) => (value ? value : null)),
  responseDueOn: optionalText.refine(
    (value) => value === null || (/^\d{4}-\d{2}-\d{2}$/.test(value) && isIsoDate(value)),
    { message: 'Antwort bis: bitte ein gültiges Datum wählen.' },
  ),
  planStepId: optionalText,
  /** "draft": keep as it is; "check": complete? then on to the check page. */
  intent: z.enum(['draft', 'check']).default('draft'),
});
export type DraftFields = z.infer<typeof DraftFieldsSchema>;

/** A new draft from the referral form: the case and the offer it belongs to, plus whatever is filled. */
export const NewDraftSchema = DraftFieldsSchema.extend({
  caseId: z.string().min(1, { message: 'Bitte einen Fall wählen oder neu anlegen.' }),
  serviceId: z.string().min(1, { message: 'Bitte ein Angebot wählen.' }),
  submissionKey: z.string().regex(/^[a-z2-7]{16,32}$/, {
    message: 'Das Formular ist unvollständig. Bitte laden Sie die Seite neu.',
  }),
});
export type NewDraftInput = z.infer<typeof NewDraftSchema>;

/** A change to a saved draft: the version the caseworker saw, plus the fields. */
export const DraftUpdateSchema = DraftFieldsSchema.extend({ version: VersionSchema });
export type DraftUpdateInput = z.infer<typeof DraftUpdateSchema>;

/** Sending or deleting a draft: only the version the caseworker saw. */
export const DraftVersionSchema = z.object({ version: VersionSchema });

/** A draft's fields as the form shows them: null where nothing is filled in yet. */
export interface DraftView {
  purpose: Purpose | null;
  message: string;
  sharedCategories: Referral['sharedCategories'];
  contactMode: ContactMode | null;
  responseDueOn: string;
  planStepId: string | null;
}

/** Reads a stored draft back into form fields (empty text is "not filled in yet"). */
export function draftViewOf(referral: Referral): DraftView {
  return {
    purpose: (PURPOSES as readonly string[]).includes(referral.purpose) ? referral.purpose : null,
    message: referral.message,
    sharedCategories: referral.sharedCategories,
    contactMode: (CONTACT_MODES as readonly string[]).includes(referral.contactMode)
      ? referral.contactMode
      : null,
    responseDueOn: referral.responseDueOn,
    planStepId: referral.planStepId,
  };
}

/**
 * What is still missing or wrong before a draft can go out, field → German message (the referral form's own
 * rules); empty when it is complete.
 */
export function draftGaps(draft: {
  purpose: string;
  message: string;
  contactMode: string;
  responseDueOn: string;
  sharedCategories: readonly string[];
}): Record<string, string> {
  const parsed = ReferralFormSchema.pick({
    purpose: true,
    message: true,
    contactMode: true,
    responseDueOn: true,
  }).safeParse({
    purpose: draft.purpose || undefined,
    message: draft.message,
    contactMode: draft.contactMode || undefined,
    responseDueOn: draft.responseDueOn,
  });
  const errors: Record<string, string> = {};
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= issue.message;
  }
  const contactProblem = contactModeProblem(draft.contactMode, draft.sharedCategories);
  if (contactProblem) errors['contactMode'] ??= contactProblem;
  return errors;
}
