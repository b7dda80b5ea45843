import { z } from 'zod';
import { multiline, VersionSchema } from '../http/form';

export const ORGANIZATION_KINDS = ['traeger', 'jmd_office', 'partner'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

/** German labels of organization kinds. */
export const KIND_LABELS: Record<OrganizationKind, string> = {
  traeger: 'Träger',
  jmd_office: 'JMD-Beratungsstelle',
  partner: 'Partnereinrichtung',
};

export const PARTNER_CATEGORIES = [
  'school',
  'vocational_school',
  'chamber',
  'language_course',
  'recognition',
  'mbe',
  'authority',
  'youth_employment',
  'counselling',
  'volunteering',
  'leisure',
  'health',
  'housing',
] as const;
export type PartnerCategory = (typeof PARTNER_CATEGORIES)[number];

/** German labels of the partner categories (the detailed category tree comes with the directory). */
export const CATEGORY_LABELS: Record<PartnerCategory, string> = {
  school: 'Schule und Bildung',
  vocational_school: 'Berufsschule',
  chamber: 'Kammer (IHK, HWK)',
  language_course: 'Sprachkurs',
  recognition: 'Anerkennung ausländischer Abschlüsse',
  mbe: 'Migrationsberatung für Erwachsene (MBE)',
  authority: 'Behörde',
  youth_employment: 'Jugendberufsagentur / Kompetenzagentur',
  counselling: 'Beratung',
  volunteering: 'Ehrenamt, Lotsen, Sprachpartner',
  leisure: 'Freizeit, Sport, Kultur',
  health: 'Gesundheit',
  housing: 'Wohnen',
};

/** An organization as pages see it. */
export interface Organization {
  id: string;
  kind: OrganizationKind;
  category: PartnerCategory | null;
  parentId: string | null;
  name: string;
  street: string | null;
  postcode: string | null;
  city: string | null;
  district: string | null;
  latitude: number | null;
  longitude: number | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  languages: string[];
  description: string | null;
  isSample: boolean;
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** An optional text field: trimmed, at most `max` characters, empty → null. */
export const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, { message: `${label} darf höchstens ${max} Zeichen haben.` })
    .transform((value) => (value === '' ? null : value))
    .nullable()
    .default(null);

/** An optional decimal (comma or point) between `min` and `max`, empty → null. */
export const optionalNumber = (min: number, max: number, label: string) =>
  z
    .string()
    .trim()
    .default('')
    .transform((value, ctx) => {
      if (value === '') return null;
      const number = Number(value.replace(',', '.'));
      if (!Number.isFinite(number) || number < min || number > max) {
        ctx.addIssue({
          code: 'custom',
          message: `${label} muss eine Zahl zwischen ${min} und ${max} sein, z. B. 53,8655.`,
        });
        return z.NEVER;
      }
      return number;
    });

export const PostcodeSchema = z
  .string()
  .trim()
  .default('')
  .refine((value) => value === '' || /^\d{5}$/.test(value), {
    message: 'Die Postleitzahl hat in Deutschland genau 5 Ziffern, z. B. 23552.',
  })
  .transform((value) => (value === '' ? null : value));

const organizationShape = {
  kind: z.enum(ORGANIZATION_KINDS, { message: 'Bitte wählen Sie die Art der Organisation.' }),
  category: z
    .string()
    .default('')
    .refine((value) => value === '' || (PARTNER_CATEGORIES as readonly string[]).includes(value), {
      message: 'Bitte wählen Sie einen Bereich aus der Liste.',
    })
    .transform((value) => (value === '' ? null : (value as PartnerCategory))),
  parentId: optionalText(64, 'Die übergeordnete Organisation'),
  name: z
    .string({ message: 'Bitte geben Sie einen Namen ein.' })
    .trim()
    .min(2, { message: 'Der Name braucht mindestens 2 Zeichen.' })
    .max(200, { message: 'Der Name darf höchstens 200 Zeichen haben.' }),
  street: optionalText(200, 'Die Straße'),
  postcode: PostcodeSchema,
  city: optionalText(100, 'Der Ort'),
  district: optionalText(100, 'Der Stadtteil'),
  latitude: optionalNumber(-90, 90, 'Der Breitengrad'),
  longitude: optionalNumber(-180, 180, 'Der Längengrad'),
  phone: optionalText(50, 'Die Telefonnummer'),
  email: z
    .string()
    .trim()
    .default('')
    .refine((value) => value === '' || z.email().safeParse(value).success, {
      message: 'Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. info@beispiel.de.',
    })
    .transform((value) => (value === '' ? null : value.toLowerCase())),
  website: z
    .string()
    .trim()
    .default('')
    .refine((value) => value === '' || /^https?:\/\/[^\s]+\.[^\s]+$/.test(value), {
      message: 'Die Webseite muss mit http:// oder https:// beginnen, z. B. https://www.beispiel.de.',
    })
    .transform((value) => (value === '' ? null : value)),
  description: multiline(optionalText(2000, 'Die Beschreibung')),
  languages: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(/[,;\s]+/)
        .map((code) => code.trim().toLowerCase())
        .filter(Boolean),
    )
    .refine((codes) => codes.every((code) => /^[a-z]{2,3}$/.test(code)), {
      message: 'Sprachen bitte als Kürzel mit Komma trennen, z. B. de, ar, uk.',
    }),
};

/** A partner names its area; coordinates come in pairs. */
function organizationRules(
  value: z.output<z.ZodObject<typeof organizationShape>>,
  ctx: z.RefinementCtx,
): void {
  if (value.kind === 'partner' && !value.category) {
    ctx.addIssue({
      code: 'custom',
      path: ['category'],
      message: 'Bitte wählen Sie für eine Partnereinrichtung den Bereich.',
    });
  }
  if ((value.latitude === null) !== (value.longitude === null)) {
    ctx.addIssue({
      code: 'custom',
      path: ['longitude'],
      message: 'Bitte geben Sie Breiten- und Längengrad zusammen an oder beide nicht.',
    });
  }
}

/** The organization form as coordinators and admins fill it in. */
export const OrganizationFormSchema = z.object(organizationShape).superRefine(organizationRules);
export type OrganizationForm = z.infer<typeof OrganizationFormSchema>;

/** The edit form of an organization: its fields and the version the user started from. */
export const OrganizationEditSchema = z
  .object({ ...organizationShape, version: VersionSchema })
  .superRefine(organizationRules);
export type OrganizationEdit = z.infer<typeof OrganizationEditSchema>;

/** The status button: deactivate (asked once more, `confirm=ja`) or reactivate. */
export const OrganizationStatusSchema = z.object({
  version: VersionSchema,
  intent: z.enum(['deactivate', 'reactivate'], {
    message: 'Diese Aktion gibt es nicht. Bitte laden Sie die Seite neu.',
  }),
  confirm: z.string().max(10).default(''),
});
export type OrganizationStatusInput = z.infer<typeof OrganizationStatusSchema>;
