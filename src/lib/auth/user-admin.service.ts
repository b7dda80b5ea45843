import type { Db } from '../db/create-db';
import { recordAuditUnclocked } from '../audit/audit.queries';
import { findOrganization } from '../directory/organization.queries';
import type { OrganizationKind } from '../directory/organization';
import { fieldErrors } from '../http/form-errors';
import { UserFormSchema, type User, type UserForm } from './auth';
import { createUser, deleteUserSessions, findUserById, findUserRowByEmail, updateUser } from './auth.queries';
import { issuePasswordLink } from './password-link.service';
import { can, type Actor } from './policy';
import type { Role } from './roles';

/** Which kinds of organization a role may belong to (a partner user in a JMD office makes no sense). */
export const ROLE_ORGANIZATION_KINDS: Record<Role, OrganizationKind[]> = {
  admin: ['traeger', 'jmd_office'],
  coordinator: ['traeger', 'jmd_office'],
  caseworker: ['jmd_office'],
  partner: ['partner'],
};

const ROLE_ORGANIZATION_MESSAGES: Record<Role, string> = {
  admin: 'Die Administration gehört zu einem Träger oder einer JMD-Beratungsstelle.',
  coordinator: 'Die Netzwerkkoordination gehört zu einem Träger oder einer JMD-Beratungsstelle.',
  caseworker: 'Fachkräfte gehören zu einer JMD-Beratungsstelle.',
  partner: 'Konten der Partnereinrichtungen gehören zu einer Partnereinrichtung.',
};

/** What a user-administration action returns to its page. */
export type UserAdminResult<T> =
  | { ok: true; value: T }
  | { ok: false; kind: 'invalid'; errors: Record<string, string> }
  | { ok: false; kind: 'conflict'; current: User }
  | { ok: false; kind: 'not_found' };

interface Context {
  actor: Actor;
  publicBaseUrl: string;
  requestId: string;
}

async function validate(
  db: Db,
  raw: Record<string, string>,
  excludeUserId: string | null,
): Promise<{ ok: true; form: UserForm } | { ok: false; errors: Record<string, string> }> {
  const parsed = UserFormSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const form = parsed.data;
  const errors: Record<string, string> = {};
  const organization = await findOrganization(db, form.organizationId);
  if (!organization || !organization.active) {
    errors['organizationId'] = 'Bitte wählen Sie eine aktive Organisation aus der Liste.';
  } else if (!ROLE_ORGANIZATION_KINDS[form.role].includes(organization.kind)) {
    errors['organizationId'] = ROLE_ORGANIZATION_MESSAGES[form.role];
  }
  const existing = await findUserRowByEmail(db, form.email);
  if (existing && existing.id !== excludeUserId) {
    errors['email'] = 'Unter dieser E-Mail-Adresse gibt es schon ein Konto.';
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, form };
}

/** Creates a user without a password and issues the single-use link with which they set one. */
export async function createUserWithLink(
  db: Db,
  context: Context,
  raw: Record<string, string>,
): Promise<UserAdminResult<{ user: User; link: { url: string; expiresAt: string } }>> {
  if (!can(context.actor, 'user.create', { type: 'user', id: null })) return { ok: false, kind: 'not_found' };
  const checked = await validate(db, raw, null);
  if (!checked.ok) return { ok: false, kind: 'invalid', errors: checked.errors };
  return db.transaction().execute(async (trx) => {
    const user = await createUser(trx, checked.form);
    const link = await issuePasswordLink(trx, context, user.id);
    await recordAuditUnclocked(trx, {
      actor: context.actor,
      action: 'user.create',
      objectType: 'user',
      objectId: user.id,
      requestId: context.requestId,
    });
    return { ok: true as const, value: { user, link } };
  });
}

/**
 * Saves an admin's edit of a user if the form's version is still current. A change of role or organization ends
 * the user's sessions, so the new rights apply at once. Admins cannot demote themselves (no lock-out).
 */
export async function updateUserAsAdmin(
  db: Db,
  context: Context,
  userId: string,
  version: number,
  raw: Record<string, string>,
): Promise<UserAdminResult<User>> {
  const before = await findUserById(db, userId);
  if (!before || !can(context.actor, 'user.update', { type: 'user', id: userId })) {
    return { ok: false, kind: 'not_found' };
  }
  const checked = await validate(db, raw, userId);
  if (!checked.ok) return { ok: false, kind: 'invalid', errors: checked.errors };
  if (userId === context.actor.id && checked.form.role !== before.role) {
    return {
      ok: false,
      kind: 'invalid',
      errors: { role: 'Sie können Ihre eigene Rolle nicht ändern. Bitten Sie eine andere Administration.' },
    };
  }
  return db.transaction().execute(async (trx) => {
    const after = await updateUser(trx, userId, version, checked.form);
    if (!after)
      return { ok: false as const, kind: 'conflict' as const, current: (await findUserById(trx, userId))! };
    if (after.role !== before.role || after.organizationId !== before.organizationId) {
      await deleteUserSessions(trx, userId);
    }
    await recordAuditUnclocked(trx, {
      actor: context.actor,
      action: 'user.update',
      objectType: 'user',
      objectId: userId,
      requestId: context.requestId,
    });
    return { ok: true as const, value: after };
  });
}

/** Deactivates (ending every session at once) or reactivates a user; admins cannot deactivate themselves. */
export async function setUserActiveAsAdmin(
  db: Db,
  context: Context,
  userId: string,
  version: number,
  active: boolean,
): Promise<UserAdminResult<User>> {
  const before = await findUserById(db, userId);
  if (!before || !can(context.actor, 'user.update', { type: 'user', id: userId })) {
    return { ok: false, kind: 'not_found' };
  }
  if (!active && userId === context.actor.id) {
    return {
      ok: false,
      kind: 'invalid',
      errors: { _form: 'Sie können Ihr eigenes Konto nicht deaktivieren.' },
    };
  }
  return db.transaction().execute(async (trx) => {
    const after = await updateUser(trx, userId, version, { active });
    if (!after)
      return { ok: false as const, kind: 'conflict' as const, current: (await findUserById(trx, userId))! };
    if (!active) await deleteUserSessions(trx, userId);
    await recordAuditUnclocked(trx, {
      actor: context.actor,
      action: active ? 'user.reactivate' : 'user.deactivate',
      objectType: 'user',
      objectId: userId,
      requestId: context.requestId,
    });
    return { ok: true as const, value: after };
  });
}

/** Issues a fresh set-password link (older links stop working), e.g. when the first one expired. */
export async function issueNewPasswordLink(
  db: Db,
  context: Context,
  userId: string,
): Promise<UserAdminResult<{ url: string; expiresAt: string }>> {
  const user = await findUserById(db, userId);
  if (!user || !can(context.actor, 'user.update', { type: 'user', id: userId })) {
    return { ok: false, kind: 'not_found' };
  }
  if (!user.active) {
    return {
      ok: false,
      kind: 'invalid',
      errors: { _form: 'Das Konto ist deaktiviert. Aktivieren Sie es zuerst wieder.' },
    };
  }
  return db.transaction().execute(async (trx) => {
    const link = await issuePasswordLink(trx, context, userId);
    await recordAuditUnclocked(trx, {
      actor: context.actor,
      action: 'user.password_link',
      objectType: 'user',
      objectId: userId,
      requestId: context.requestId,
    });
    return { ok: true as const, value: link };
  });
}
