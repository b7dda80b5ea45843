import type { ActionContext } from '../action/context';
import { userOf } from '../action/context';
import { conflict, invalid, notFound, ok, refused, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { can, type Actor, type NetworkAction, type NetworkGroupResource } from '../auth/policy';
import type { Executor } from '../db/executor';
import { todayInGermany } from '../time/time';
import {
  existsMemberTarget,
  findGroup,
  hasCurrentMember,
  insertGroup,
  insertMember,
  listGroups,
  listMembershipRowsOf,
  listMembers,
  updateGroup as updateGroupRow,
  updateMember,
} from './group.queries';
import {
  membershipOf,
  type AddMemberInput,
  type Group,
  type GroupInput,
  type GroupUpdateInput,
  type Member,
  type MemberChangeInput,
  type Membership,
} from './networks';

/** A group as one actor sees it: the group, its current members, the actor's membership and the policy resource. */
export interface GroupAccess {
  group: Group;
  members: Member[];
  membership: Membership | null;
  resource: NetworkGroupResource;
}

/** The policy resource of a group for an actor. */
export function groupResource(group: Group, membership: Membership | null): NetworkGroupResource {
  return { type: 'network_group', visibility: group.visibility, membership };
}

/**
 * Loads a group for an actor who may `action` on it, or null — unknown, archived and foreign (members-only, not a
 * member) groups are the same null, so pages answer 404 without saying a group exists.
 */
export async function loadGroupFor(
  db: Executor,
  actor: Actor | null,
  groupId: string,
  action: NetworkAction = 'network.group.read',
): Promise<GroupAccess | null> {
  if (!actor) return null;
  const group = await findGroup(db, groupId);
  if (!group || group.archivedAt) return null;
  const members = await listMembers(db, group.id);
  const membership = membershipOf(actor, members);
  const resource = groupResource(group, membership);
  if (!can(actor, 'network.group.read', resource)) return null;
  if (action !== 'network.group.read' && !can(actor, action, resource)) return null;
  return { group, members, membership, resource };
}

/** The groups an actor may see, each with the actor's membership; `mine` keeps only the actor's own groups. */
export async function listGroupsFor(
  db: Executor,
  actor: Actor,
  options: { mine?: boolean } = {},
): Promise<(Group & { memberCount: number; membership: Membership | null })[]> {
  const [groups, rows] = await Promise.all([listGroups(db), listMembershipRowsOf(db, actor)]);
  const byGroup = new Map<string, typeof rows>();
  for (const row of rows) byGroup.set(row.groupId, [...(byGroup.get(row.groupId) ?? []), row]);
  return groups
    .map((group) => ({ ...group, membership: membershipOf(actor, byGroup.get(group.id) ?? []) }))
    .filter((group) => (options.mine ? group.membership !== null : true))
    .filter((group) => can(actor, 'network.group.read', groupResource(group, group.membership)));
}

/** Creates a group; only coordinators do. The creator is not made a member: they name the chair. */
export async function createGroup(
  db: Executor,
  ctx: ActionContext,
  input: GroupInput,
  options: { isSample?: boolean } = {},
): Promise<Result<Group>> {
  const actor = userOf(ctx);
  if (!can(actor, 'network.group.create', { type: 'directory' })) {
    return refused('Arbeitskreise legt die Netzwerkkoordination an.');
  }
  return db.transaction().execute(async (trx) => {
    const group = await insertGroup(trx, input, {
      createdBy: actor!.id,
      now: ctx.now,
      isSample: options.isSample ?? false,
    });
    await recordAudit(trx, ctx, {
      action: 'network.group.create',
      objectType: 'network_group',
      objectId: group.id,
    });
    return ok(group);
  });
}

/** Changes a group's name, purpose, kind, district, topics or visibility: chairs and coordinators only. */
export async function updateGroup(
  db: Executor,
  ctx: ActionContext,
  groupId: string,
  input: GroupUpdateInput,
): Promise<Result<Group, Group>> {
  return db.transaction().execute(async (trx) => {
    const access = await loadGroupFor(trx, userOf(ctx), groupId);
    if (!access) return notFound();
    if (!can(userOf(ctx), 'network.group.manage', access.resource)) {
      return refused('Nur Vorsitz, Stellvertretung und Netzwerkkoordination ändern diese Gruppe.');
    }
    if (access.group.version !== input.version) {
      return conflict(
        'Jemand hat die Gruppe inzwischen geändert. Bitte prüfen Sie den aktuellen Stand.',
        access.group,
      );
    }
    const saved = await updateGroupRow(trx, groupId, input.version, input, ctx.now);
    if (!saved) return conflict('Jemand hat die Gruppe inzwischen geändert.', access.group);
    await recordAudit(trx, ctx, {
      action: 'network.group.update',
      objectType: 'network_group',
      objectId: groupId,
    });
    return ok(saved);
  });
}

/** Adds an organisation, a user or a contact without an account to a group: chairs and coordinators only. */
export async function addMember(
  db: Executor,
  ctx: ActionContext,
  groupId: string,
  input: AddMemberInput,
): Promise<Result<{ memberId: string }>> {
  return db.transaction().execute(async (trx) => {
    const access = await loadGroupFor(trx, userOf(ctx), groupId);
    if (!access) return notFound();
    if (!can(userOf(ctx), 'network.group.manage', access.resource)) {
      return refused('Mitglieder tragen Vorsitz, Stellvertretung und Netzwerkkoordination ein.');
    }
    if (
      input.kind === 'organization' &&
      !(await existsMemberTarget(trx, 'organization', input.organizationId!))
    ) {
      return invalid({
        organizationId: 'Diese Organisation gibt es nicht (mehr). Bitte wählen Sie eine aus der Liste.',
      });
    }
    if (input.kind === 'user' && !(await existsMemberTarget(trx, 'user', input.userId!))) {
      return invalid({ userId: 'Diese Person gibt es nicht (mehr). Bitte wählen Sie eine aus der Liste.' });
    }
    if (await hasCurrentMember(trx, groupId, input)) {
      const field =
        input.kind === 'organization' ? 'organizationId' : input.kind === 'user' ? 'userId' : 'contactEmail';
      return invalid({ [field]: 'Diese Organisation oder Person ist schon Mitglied der Gruppe.' });
    }
    const joinedOn = input.joinedOn ?? todayInGermany(ctx.now);
    const memberId = await insertMember(trx, groupId, { ...input, joinedOn }, ctx.now);
    await recordAudit(trx, ctx, {
      action: 'network.member.add',
      objectType: 'network_member',
      objectId: memberId,
    });
    return ok({ memberId });
  });
}

/** Changes a member's role or ends the membership (the row stays as history): chairs and coordinators only. */
export async function changeMember(
  db: Executor,
  ctx: ActionContext,
  groupId: string,
  input: MemberChangeInput,
): Promise<Result<{ memberId: string }>> {
  return db.transaction().execute(async (trx) => {
    const access = await loadGroupFor(trx, userOf(ctx), groupId);
    if (!access) return notFound();
    if (!can(userOf(ctx), 'network.group.manage', access.resource)) {
      return refused('Mitglieder ändern Vorsitz, Stellvertretung und Netzwerkkoordination.');
    }
    const member = access.members.find((m) => m.id === input.memberId);
    if (!member) return notFound();
    if (!input.leave && !input.role) return invalid({ role: 'Bitte wählen Sie die neue Rolle.' });
    const saved = await updateMember(
      trx,
      member.id,
      input.version,
      input.leave ? { leftOn: todayInGermany(ctx.now) } : { role: input.role! },
      ctx.now,
    );
    if (!saved)
      return conflict('Jemand hat diese Mitgliedschaft inzwischen geändert. Bitte laden Sie die Seite neu.');
    await recordAudit(trx, ctx, {
      action: input.leave ? 'network.member.leave' : 'network.member.role',
      objectType: 'network_member',
      objectId: member.id,
    });
    return ok({ memberId: member.id });
  });
}

/** The member list with the history of former members, for the print view and export (whoever sees the group). */
export async function listMemberHistory(db: Executor, access: GroupAccess): Promise<Member[]> {
  return listMembers(db, access.group.id, { includeFormer: true });
}
