import { z } from 'zod';
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

export const SignInSchema = z.object({
  email: z.string().trim().max(254).default(''),
  password: z.string().max(1024).default(''),
});

export const UserFormSchema = z.object({
  displayName: DisplayNameSchema,
  email: EmailSchema,
  role: RoleSchema,
  organizationId: z.string({ message: 'Bitte wählen Sie eine Organisation.' }).min(1, {
    message: 'Bitte wählen Sie eine Organisation.',
  }),
});
export type UserForm = z.infer<typeof UserFormSchema>;
