import { newId } from '../db/ids';
import type { Executor } from '../db/executor';
import type { AddMemberInput, Group, GroupInput, Member, MemberRole } from './networks';
import { parseTopics } from './networks';
import type { NetworkGroupRow } from './networks.table';

/** Maps a group row to the domain object. */
export function rowToGroup(row: NetworkGroupRow): Group {
  return {
    id: row.id,
    name: row.name,
    purpose: row.purpose,
    kind: row.kind as Group['kind'],
    district: row.district,
    topics: parseTopics(row.topics),
    visibility: row.visibility,
    isSample: row.is_sample === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    archivedAt: row.archived_at,
    version: row.version,
  };
}

/** A group by id, or null. */
export async function findGroup(db: Executor, id: string): Promise<Group | null> {
  const row = await db.selectFrom('network_group').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToGroup(row) : null;
}

/** Inserts a group and returns it. */
export async function insertGroup(
  db: Executor,
  input: GroupInput,
  meta: { createdBy: string | null; now: Date; isSample?: boolean },
): Promise<Group> {
  const at = meta.now.toISOString();
  const row = {
    id: newId(),
    name: input.name,
    purpose: input.purpose,
    kind: input.kind,
    district: input.district,
    topics: JSON.stringify(input.topics),
    visibility: input.visibility,
    is_sample: meta.isSample ? 1 : 0,
    created_by: meta.createdBy,
    created_at: at,
    updated_at: at,
    archived_at: null,
    version: 1,
  };
  await db.insertInto('network_group').values(row).execute();
  return rowToGroup(row);
}

/** Updates a group if its version still matches; returns the saved group or null on a stale version. */
export async function updateGroup(
  db: Executor,
  id: string,
  version: number,
  input: GroupInput,
  now: Date,
): Promise<Group | null> {
  const result = await db
    .updateTable('network_group')
    .set({
      name: input.name,
      purpose: input.purpose,
      kind: input.kind,
      district: input.district,
      topics: JSON.stringify(input.topics),
      visibility: input.visibility,
      updated_at: now.toISOString(),
      version: version + 1,
    })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? findGroup(db, id) : null;
}

/** Every group (unarchived), by name, with the number of current members. */
export async function listGroups(db: Executor): Promise<(Group & { memberCount: number })[]> {
  const rows = await db
    .selectFrom('network_group')
    .selectAll('network_group')
    .select((eb) =>
      eb
        .selectFrom('network_member')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('network_member.group_id', '=', 'network_group.id')
        .where('network_member.left_on', 'is', null)
        .as('member_count'),
    )
    .where('archived_at', 'is', null)
    .orderBy('name')
    .execute();
  return rows.map((row) => ({ ...rowToGroup(row), memberCount: Number(row.member_count ?? 0) }));
}

/** The membership rows that concern an actor (in person or through their organisation), across groups. */
export async function listMembershipRowsOf(
  db: Executor,
  actor: { id: string; organizationId: string },
): Promise<Pick<Member, 'groupId' | 'kind' | 'userId' | 'organizationId' | 'role' | 'leftOn'>[]> {
  const rows = await db
    .selectFrom('network_member')
    .select(['group_id', 'kind', 'user_id', 'organization_id', 'role', 'left_on'])
    .where('left_on', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('kind', '=', 'user'), eb('user_id', '=', actor.id)]),
        eb.and([eb('kind', '=', 'organization'), eb('organization_id', '=', actor.organizationId)]),
      ]),
    )
    .execute();
  return rows.map((r) => ({
    groupId: r.group_id,
    kind: r.kind,
    userId: r.user_id,
    organizationId: r.organization_id,
    role: r.role,
    leftOn: r.left_on,
  }));
}

/** The members of a group with names and addresses; `includeFormer` adds those who left (the history). */
export async function listMembers(
  db: Executor,
  groupId: string,
  options: { includeFormer?: boolean } = {},
): Promise<Member[]> {
  let query = db
    .selectFrom('network_member as m')
    .leftJoin('organization as o', 'o.id', 'm.organization_id')
    .leftJoin('app_user as u', 'u.id', 'm.user_id')
    .leftJoin('organization as uo', 'uo.id', 'u.organization_id')
    .selectAll('m')
    .select([
      'o.name as org_name',
      'o.email as org_email',
      'u.display_name as user_name',
      'u.email as user_email',
      'uo.name as user_org_name',
    ])
    .where('m.group_id', '=', groupId);
  if (!options.includeFormer) query = query.where('m.left_on', 'is', null);
  const rows = await query.orderBy('m.role').orderBy('m.joined_on').orderBy('m.id').execute();
  const roleOrder: Record<MemberRole, number> = { chair: 0, deputy: 1, member: 2, guest: 3 };
  return rows
    .map((row): Member => ({
      id: row.id,
      groupId: row.group_id,
      kind: row.kind,
      organizationId: row.organization_id,
      userId: row.user_id,
      contactName: row.contact_name,
      contactEmail: row.contact_email,
      contactOrganization: row.contact_organization,
      role: row.role,
      joinedOn: row.joined_on,
      leftOn: row.left_on,
      version: row.version,
      name:
        row.kind === 'organization'
          ? (row.org_name ?? '–')
          : row.kind === 'user'
            ? (row.user_name ?? '–')
            : (row.contact_name ?? '–'),
      email:
        row.kind === 'organization'
          ? row.org_email
          : row.kind === 'user'
            ? row.user_email
            : row.contact_email,
      organizationName:
        row.kind === 'user' ? row.user_org_name : row.kind === 'contact' ? row.contact_organization : null,
    }))
    .sort(
      (a, b) =>
        Number(a.leftOn !== null) - Number(b.leftOn !== null) ||
        roleOrder[a.role] - roleOrder[b.role] ||
        a.name.localeCompare(b.name, 'de'),
    );
}

/** The group and organisation of a member, by the member's id alone (a single-use link names only the member). */
export async function findMemberGroup(
  db: Executor,
  memberId: string,
): Promise<{ groupId: string; organizationId: string | null } | null> {
  const row = await db
    .selectFrom('network_member')
    .select(['group_id', 'organization_id'])
    .where('id', '=', memberId)
    .executeTakeFirst();
  return row ? { groupId: row.group_id, organizationId: row.organization_id } : null;
}

/** One member row by id within a group (null when it belongs to another group). */
export async function findMember(db: Executor, groupId: string, memberId: string): Promise<Member | null> {
  const members = await listMembers(db, groupId, { includeFormer: true });
  return members.find((m) => m.id === memberId) ?? null;
}

/** Whether a current membership of the same organisation, user or contact address exists in the group. */
export async function hasCurrentMember(
  db: Executor,
  groupId: string,
  input: Pick<AddMemberInput, 'kind' | 'organizationId' | 'userId' | 'contactEmail'>,
): Promise<boolean> {
  let query = db
    .selectFrom('network_member')
    .select('id')
    .where('group_id', '=', groupId)
    .where('left_on', 'is', null)
    .where('kind', '=', input.kind);
  if (input.kind === 'organization') query = query.where('organization_id', '=', input.organizationId);
  else if (input.kind === 'user') query = query.where('user_id', '=', input.userId);
  else query = query.where('contact_email', '=', input.contactEmail);
  return (await query.executeTakeFirst()) !== undefined;
}

/** Inserts a membership and returns its id. */
export async function insertMember(
  db: Executor,
  groupId: string,
  input: AddMemberInput & { joinedOn: string },
  now: Date,
): Promise<string> {
  const id = newId();
  const at = now.toISOString();
  await db
    .insertInto('network_member')
    .values({
      id,
      group_id: groupId,
      kind: input.kind,
      organization_id: input.kind === 'organization' ? input.organizationId : null,
      user_id: input.kind === 'user' ? input.userId : null,
      contact_name: input.kind === 'contact' ? input.contactName : null,
      contact_email: input.kind === 'contact' ? input.contactEmail : null,
      contact_organization: input.kind === 'contact' ? input.contactOrganization : null,
      role: input.role,
      joined_on: input.joinedOn,
      left_on: null,
      created_at: at,
      updated_at: at,
      version: 1,
    })
    .execute();
  return id;
}

/** Changes a membership's role or ends it (left_on), if the version matches; false on a stale version. */
export async function updateMember(
  db: Executor,
  memberId: string,
  version: number,
  change: { role?: MemberRole; leftOn?: string },
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('network_member')
    .set({
      ...(change.role ? { role: change.role } : {}),
      ...(change.leftOn ? { left_on: change.leftOn } : {}),
      updated_at: now.toISOString(),
      version: version + 1,
    })
    .where('id', '=', memberId)
    .where('version', '=', version)
    .where('left_on', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Organisations to pick as members (active ones, by name). */
export async function listOrganizationChoices(db: Executor): Promise<{ id: string; name: string }[]> {
  return db
    .selectFrom('organization')
    .select(['id', 'name'])
    .where('active', '=', 1)
    .orderBy('name')
    .execute();
}

/** Users to pick as members (active ones, by name). */
export async function listUserChoices(
  db: Executor,
): Promise<{ id: string; name: string; organizationName: string }[]> {
  const rows = await db
    .selectFrom('app_user as u')
    .innerJoin('organization as o', 'o.id', 'u.organization_id')
    .select(['u.id', 'u.display_name', 'o.name as org_name'])
    .where('u.active', '=', 1)
    .orderBy('u.display_name')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.display_name, organizationName: r.org_name }));
}

/** Whether an active organisation / user with this id exists. */
export async function existsMemberTarget(
  db: Executor,
  kind: 'organization' | 'user',
  id: string,
): Promise<boolean> {
  const row =
    kind === 'organization'
      ? await db
          .selectFrom('organization')
          .select('id')
          .where('id', '=', id)
          .where('active', '=', 1)
          .executeTakeFirst()
      : await db
          .selectFrom('app_user')
          .select('id')
          .where('id', '=', id)
          .where('active', '=', 1)
          .executeTakeFirst();
  return row !== undefined;
}
