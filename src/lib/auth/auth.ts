import { z } from 'zod';
import { secret, VersionSchema } from '../http/form';
import { ROLES, type Role } from './roles';

/** A signed-in user as pages and policies see it. */
export interface User {
  id: string;
  organizationId: string;
  email: string;
  displayName: string;
  role: Role;
  active: boolean;
  version: number;
  hasPassword: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A session as shown on the "Meine Sitzungen" page. */
export interface Session {
  id: string;
  userId: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  /** The password was right but the second factor is still missing: this session authenticates nobody. */
  mfaPending: boolean;
}

/** Trims and lower-cases an e-mail address so that lookups are case-insensitive. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const EmailSchema = z
  .string({ message: 'Bitte geben Sie eine E-Mail-Adresse ein.' })
  .trim()
  .min(1, { message: 'Bitte geben Sie eine E-Mail-Adresse ein.' })
  .max(254, { message: 'Die E-Mail-Adresse ist zu lang (höchstens 254 Zeichen).' })
  .pipe(z.email({ message: 'Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.' }))
  .transform(normalizeEmail);

export const DisplayNameSchema = z
  .string({ message: 'Bitte geben Sie einen Namen ein.' })
  .trim()
  .min(2, { message: 'Der Name braucht mindestens 2 Zeichen.' })
  .max(120, { message: 'Der Name darf höchstens 120 Zeichen haben.' });

export const RoleSchema = z.enum(ROLES, { message: 'Bitte wählen Sie eine Rolle aus der Liste.' });

/** The longest e-mail address there can be (RFC 5321 path limit). */
export const EMAIL_MAX_LENGTH = 254;
/**
 * The longest password we read at all. Sign-in compares, it does not judge strength, so older long passwords still
 * work; anything longer is refused before argon2 sees it (hashing megabytes is a denial of service).
 */
export const PASSWORD_INPUT_MAX_LENGTH = 1024;

const PasswordInput = (missing: string) =>
  secret(
    z
      .string({ message: missing })
      .min(1, { message: missing })
      .max(PASSWORD_INPUT_MAX_LENGTH, {
        message: `Das Passwort ist zu lang: höchstens ${PASSWORD_INPUT_MAX_LENGTH.toLocaleString('de-DE')} Zeichen.`,
      }),
  );

export const SignInSchema = z.object({
  email: z
    .string({ message: 'Bitte geben Sie Ihre E-Mail-Adresse ein.' })
    .min(1, { message: 'Bitte geben Sie Ihre E-Mail-Adresse ein.' })
    .max(EMAIL_MAX_LENGTH, {
      message: `Die E-Mail-Adresse ist zu lang (höchstens ${EMAIL_MAX_LENGTH} Zeichen). Bitte prüfen Sie Ihre Eingabe.`,
    })
    .transform(normalizeEmail),
  password: PasswordInput('Bitte geben Sie Ihr Passwort ein.'),
});
export type SignInForm = z.output<typeof SignInSchema>;

export const PasswordChangeSchema = z.object({
  current: PasswordInput('Bitte geben Sie Ihr aktuelles Passwort ein.'),
  next: PasswordInput('Bitte geben Sie ein neues Passwort ein.'),
  repeat: PasswordInput('Bitte wiederholen Sie das neue Passwort.'),
});
export type PasswordChangeForm = z.output<typeof PasswordChangeSchema>;

export const PasswordLinkSchema = z.object({
  password: PasswordInput('Bitte geben Sie ein neues Passwort ein.'),
  repeat: PasswordInput('Bitte wiederholen Sie das Passwort.'),
});
export type PasswordLinkForm = z.output<typeof PasswordLinkSchema>;

export const UserFormSchema = z.object({
  displayName: DisplayNameSchema,
  email: EmailSchema,
  role: RoleSchema,
  organizationId: z.string({ message: 'Bitte wählen Sie eine Organisation.' }).min(1, {
    message: 'Bitte wählen Sie eine Organisation.',
  }),
});
export type UserForm = z.infer<typeof UserFormSchema>;

/** An admin's edit of a user: the form plus the version it was loaded at. */
export const UserUpdateSchema = UserFormSchema.extend({ version: VersionSchema });
export type UserUpdateForm = z.output<typeof UserUpdateSchema>;

/** The version-only forms of the user page (deactivate, reactivate, new link). */
export const UserVersionSchema = z.object({ version: VersionSchema });

/** The deactivation form: asks once more unless `confirm` is "ja". */
export const UserDeactivateSchema = z.object({
  version: VersionSchema,
  confirm: z.literal('ja').optional().catch(undefined),
});

/** The forms of "Meine Sitzungen": end one session (named by its id) or all others. */
export const SessionActionSchema = z.object({
  action: z.enum(['end', 'end-others'], {
    message: 'Bitte laden Sie die Seite neu und versuchen Sie es erneut.',
  }),
  session: z.string().max(64).default(''),
});
