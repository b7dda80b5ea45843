import type { ActionContext } from '../action/context';
import { userOf } from '../action/context';
import { conflict, invalid, notFound, ok, type FieldErrors, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import type { Executor } from '../db/executor';
import { findOrganization } from '../directory/organization.queries';
import type { OrganizationKind } from '../directory/organization';
import type { User, UserForm, UserUpdateForm } from './auth';
import { createUser, deleteUserSessions, findUserById, findUserRowByEmail, updateUser } from './auth.queries';
import { issuePasswordLink } from './password-link.service';
import { can } from './policy';
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

/** What the admin is told when someone else saved the account first. */
export const USER_CONFLICT_MESSAGE =
  'Jemand anderes hat dieses Konto inzwischen geändert. Es wurde nichts gespeichert. Unten sehen Sie den aktuellen Stand; Ihre Eingaben sind erhalten. Speichern Sie erneut, um sie zu übernehmen.';

/** A freshly issued set-password link: shown once, never stored in clear. */
export interface IssuedLink {
  url: string;
  expiresAt: string;
}

/** The rules a parsed user form must also meet: an active organization of a fitting kind, a free e-mail address. */
async function checkUserForm(
  db: Executor,
  form: UserForm,
  excludeUserId: string | null,
): Promise<FieldErrors> {
  const errors: FieldErrors = {};
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
  return errors;
}

/** Creates a user without a password and issues the single-use link with which they set one. */
export async function createUserWithLink(
  db: Executor,
  ctx: ActionContext,
  input: UserForm,
): Promise<Result<{ user: User; link: IssuedLink }>> {
  const actor = userOf(ctx);
  // Scripts (the first admin) act as the system; on the web only admins may create accounts.
  if (ctx.actor.kind !== 'system' && !can(actor, 'user.create', { type: 'user', id: null }))
    return notFound();
  return db.transaction().execute(async (trx) => {
    const errors = await checkUserForm(trx, input, null);
    if (Object.keys(errors).length > 0) return invalid(errors);
    const user = await createUser(trx, input, ctx.now);
    const link = await issuePasswordLink(trx, ctx, user.id);
    await recordAudit(trx, ctx, { action: 'user.create', objectType: 'user', objectId: user.id });
    return ok({ user, link });
  });
}

/**
 * Saves an admin's edit of a user if the form's version is still current. A change of role or organization ends
 * the user's sessions, so the new rights apply at once. Admins cannot change their own role (no lock-out).
 */
export async function updateUserAsAdmin(
  db: Executor,
  ctx: ActionContext,
  input: UserUpdateForm & { id: string },
): Promise<Result<User, User>> {
  if (!can(userOf(ctx), 'user.update', { type: 'user', id: input.id })) return notFound();
  return db.transaction().execute(async (trx) => {
    const before = await findUserById(trx, input.id);
    if (!before) return notFound();
    const { id, version, ...form } = input;
    const errors = await checkUserForm(trx, form, id);
    if (Object.keys(errors).length > 0) return invalid(errors);
    if (id === userOf(ctx)?.id && form.role !== before.role) {
      return invalid({
        role: 'Sie können Ihre eigene Rolle nicht ändern. Bitten Sie eine andere Administration.',
      });
    }
    const after = await updateUser(trx, id, version, form, ctx.now);
    if (!after) return conflict(USER_CONFLICT_MESSAGE, before);
    if (after.role !== before.role || after.organizationId !== before.organizationId) {
      await deleteUserSessions(trx, id);
    }
    await recordAudit(trx, ctx, { action: 'user.update', objectType: 'user', objectId: id });
    return ok(after);
  });
}

/** Deactivates (ending every session at once) or reactivates a user; admins cannot deactivate themselves. */
export async function setUserActiveAsAdmin(
  db: Executor,
  ctx: ActionContext,
  input: { id: string; version: number; active: boolean },
): Promise<Result<User, User>> {
  if (!can(userOf(ctx), 'user.update', { type: 'user', id: input.id })) return notFound();
  if (!input.active && input.id === userOf(ctx)?.id) {
    return invalid({ _form: 'Sie können Ihr eigenes Konto nicht deaktivieren.' });
  }
  return db.transaction().execute(async (trx) => {
    const before = await findUserById(trx, input.id);
    if (!before) return notFound();
    const after = await updateUser(trx, input.id, input.version, { active: input.active }, ctx.now);
    if (!after) return conflict(USER_CONFLICT_MESSAGE, before);
    if (!input.active) await deleteUserSessions(trx, input.id);
    await recordAudit(trx, ctx, {
      action: input.active ? 'user.reactivate' : 'user.deactivate',
      objectType: 'user',
      objectId: input.id,
    });
    return ok(after);
  });
}

/** Issues a fresh set-password link (older links stop working), e.g. when the first one expired. */
export async function issueNewPasswordLink(
  db: Executor,
  ctx: ActionContext,
  input: { id: string },
): Promise<Result<IssuedLink>> {
  if (!can(userOf(ctx), 'user.update', { type: 'user', id: input.id })) return notFound();
  return db.transaction().execute(async (trx) => {
    const user = await findUserById(trx, input.id);
    if (!user) return notFound();
    if (!user.active)
      return invalid({ _form: 'Das Konto ist deaktiviert. Aktivieren Sie es zuerst wieder.' });
    const link = await issuePasswordLink(trx, ctx, input.id);
    await recordAudit(trx, ctx, { action: 'user.password_link', objectType: 'user', objectId: input.id });
    return ok(link);
  });
}

/** Records that an admin opened a user's page (who looked at whose account). */
export async function recordUserRead(db: Executor, ctx: ActionContext, input: { id: string }): Promise<void> {
  await recordAudit(db, ctx, { action: 'user.read', objectType: 'user', objectId: input.id });
}
