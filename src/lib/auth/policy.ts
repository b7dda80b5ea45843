import type { ActionActor } from '../action/context';
import { partnerSeesReferral } from '../referrals/referral';
import type { Role } from './roles';

/** Who acts: the signed-in user, reduced to what decisions need. */
export interface Actor {
  id: string;
  organizationId: string;
  role: Role;
  active: boolean;
}

/** What is acted on. `organizationId` is the owning organization where one exists. */
export type Resource =
  | { type: 'directory' }
  | { type: 'organization'; id: string | null; kind?: 'traeger' | 'jmd_office' | 'partner' }
  | { type: 'user'; id: string | null; organizationId?: string }
  | { type: 'session'; userId: string }
  | { type: 'audit_log' }
  | { type: 'service'; organizationId: string }
  | { type: 'location'; organizationId: string }
  | { type: 'taxonomy' }
  | { type: 'import' }
  | { type: 'case'; officeId: string | null }
  | { type: 'referral'; id?: string; senderOfficeId: string; recipientOrganizationId: string; status: string }
  | { type: 'outbox' }
  | NetworkGroupResource;

export type Action =
  | 'directory.read'
  | 'organization.read'
  | 'organization.create'
  | 'organization.update'
  | 'organization.list_admin'
  | 'user.list'
  | 'user.create'
  | 'user.update'
  | 'user.read'
  | 'audit.read'
  | 'session.end'
  | 'service.create'
  | 'service.update'
  | 'service.confirm'
  | 'service.archive'
  | 'service.review'
  | 'service.history'
  | 'location.update'
  | 'taxonomy.manage'
  | 'directory.import'
  | 'directory.upkeep'
  | 'case.create'
  | 'case.read'
  | 'case.update'
  | 'referral.read'
  | 'referral.act'
  | 'referral.inbox'
  | 'referral.dashboard'
  | 'mail.manage'
  | NetworkAction;

type Rule = (actor: Actor, resource: Resource) => boolean;

// ---- Working groups (issue #12) -------------------------------------------------------------------------------
// A group as the policy sees it: who may see it, and the actor's own membership (computed by
// src/lib/networks/networks.ts `membershipOf`; null: not a member). `via: 'organization'` means the actor's
// organisation is the member, not the actor in person.

/** A working group and the actor's membership in it. */
export interface NetworkGroupResource {
  type: 'network_group';
  visibility: 'members' | 'network';
  membership: { role: 'chair' | 'deputy' | 'member' | 'guest'; via: 'user' | 'organization' } | null;
  /** Minutes: only released minutes are shown to members; drafts only to those who run the group. */
  minutesReleased?: boolean;
}

export type NetworkAction =
  | 'network.group.create'
  | 'network.group.read'
  | 'network.group.manage'
  | 'network.agenda.propose'
  | 'network.meeting.answer'
  | 'network.minutes.read';

const isNetworkGroup = (r: Resource): r is NetworkGroupResource => r.type === 'network_group';
// Coordinators run the network's groups; a chair or deputy (Stellvertretung) named in person runs their own group.
const runsGroup = (actor: Actor, r: NetworkGroupResource) =>
  actor.role === 'coordinator' ||
  ((r.membership?.role === 'chair' || r.membership?.role === 'deputy') && r.membership.via === 'user');
// A members-only group is invisible (404) to everyone else — coordinators excepted, who keep the network's groups.
const seesGroup = (actor: Actor, r: NetworkGroupResource) =>
  runsGroup(actor, r) || r.membership !== null || r.visibility === 'network';

const NETWORK_RULES: Record<NetworkAction, Rule> = {
  'network.group.create': (actor, r) => r.type === 'directory' && actor.role === 'coordinator',
  'network.group.read': (actor, r) => isNetworkGroup(r) && seesGroup(actor, r),
  'network.group.manage': (actor, r) => isNetworkGroup(r) && runsGroup(actor, r),
  // Members (not guests) may propose agenda items; the chair or deputy decides on them.
  'network.agenda.propose': (actor, r) =>
    isNetworkGroup(r) && (runsGroup(actor, r) || (r.membership !== null && r.membership.role !== 'guest')),
  // Only members answer invitations; the invitation is theirs (a person) or their organisation's.
  'network.meeting.answer': (_actor, r) => isNetworkGroup(r) && r.membership !== null,
  // Drafts are the chair's working copy; released minutes are for whoever sees the group.
  'network.minutes.read': (actor, r) =>
    isNetworkGroup(r) && (runsGroup(actor, r) || (r.minutesReleased === true && seesGroup(actor, r))),
};
// ---- end of working groups ------------------------------------------------------------------------------------

const isRole =
  (...roles: Role[]): Rule =>
  (actor) =>
    roles.includes(actor.role);

// One table decides every action; an action without a rule is denied (deny by default).
const RULES: Record<Action, Rule> = {
  'directory.read': (actor, r) => r.type === 'directory' && actor.role !== undefined,
  'organization.read': (_actor, r) => r.type === 'organization',
  'organization.list_admin': (actor, r) =>
    r.type === 'organization' && isRole('admin', 'coordinator')(actor, r),
  // Coordinators keep the partner directory; Träger and JMD offices are the admin's.
  'organization.create': (actor, r) =>
    r.type === 'organization' &&
    (actor.role === 'admin' || (actor.role === 'coordinator' && (r.kind ?? 'partner') === 'partner')),
  'organization.update': (actor, r) =>
    r.type === 'organization' &&
    (actor.role === 'admin' || (actor.role === 'coordinator' && r.kind === 'partner')),
  'user.list': (actor, r) => r.type === 'user' && actor.role === 'admin',
  'user.create': (actor, r) => r.type === 'user' && actor.role === 'admin',
  'user.update': (actor, r) => r.type === 'user' && actor.role === 'admin',
  'user.read': (actor, r) => r.type === 'user' && (actor.role === 'admin' || r.id === actor.id),
  'audit.read': (actor, r) => r.type === 'audit_log' && actor.role === 'admin',
  // A user ends only their own sessions; a foreign session is treated as unknown (404).
  'session.end': (actor, r) => r.type === 'session' && r.userId === actor.id,
  // Directory upkeep: coordinators and admins everywhere; partner staff only their own organization's entries
  // (their changes are marked for a coordinator's review, see docs/decisions/0007).
  'service.create': (actor, r) => r.type === 'service' && keepsEntriesOf(actor, r.organizationId),
  'service.update': (actor, r) => r.type === 'service' && keepsEntriesOf(actor, r.organizationId),
  'service.confirm': (actor, r) => r.type === 'service' && keepsEntriesOf(actor, r.organizationId),
  'service.history': (actor, r) => r.type === 'service' && keepsEntriesOf(actor, r.organizationId),
  'location.update': (actor, r) => r.type === 'location' && keepsEntriesOf(actor, r.organizationId),
  'service.archive': (actor, r) => r.type === 'service' && isRole('admin', 'coordinator')(actor, r),
  'service.review': (actor, r) => r.type === 'service' && isRole('admin', 'coordinator')(actor, r),
  'taxonomy.manage': (actor, r) => r.type === 'taxonomy' && isRole('admin', 'coordinator')(actor, r),
  'directory.import': (actor, r) => r.type === 'import' && isRole('admin', 'coordinator')(actor, r),
  'directory.upkeep': (actor, r) => r.type === 'directory' && isRole('admin', 'coordinator')(actor, r),
  // Case data stays in the owning JMD office: only its caseworkers see or change it; admins and coordinators
  // administer the network, not the young people's cases.
  'case.create': (actor, r) => r.type === 'case' && actor.role === 'caseworker',
  'case.read': (actor, r) =>
    r.type === 'case' && actor.role === 'caseworker' && r.officeId === actor.organizationId,
  'case.update': (actor, r) =>
    r.type === 'case' && actor.role === 'caseworker' && r.officeId === actor.organizationId,
  'referral.read': (actor, r) => r.type === 'referral' && referralPartyOf(actor, r) !== null,
  'referral.act': (actor, r) => r.type === 'referral' && referralPartyOf(actor, r) !== null,
  'referral.inbox': (actor, r) => r.type === 'directory' && actor.role === 'partner',
  'referral.dashboard': (actor, r) => r.type === 'directory' && actor.role === 'caseworker',
  'mail.manage': (actor, r) => r.type === 'outbox' && actor.role === 'admin',
  ...NETWORK_RULES,
};

/**
 * Which side of a referral the actor is on: the sending office's caseworkers, or the recipient — its partner staff,
 * or whoever holds a redeemed single-use link for exactly this referral. Everyone else — other offices, other
 * partners, coordinators, admins, jobs — is no party and gets a 404. What the recipient sees at all is the one rule
 * `partnerSeesReferral` (a draft is not yet addressed to anyone), shared with the inbox queries.
 */
export function referralPartyOf(
  actor: Actor | ActionActor | null | undefined,
  referral: { id?: string; senderOfficeId: string; recipientOrganizationId: string; status: string },
): 'caseworker' | 'partner' | null {
  if (!actor) return null;
  let user: Actor;
  if ('kind' in actor) {
    if (actor.kind === 'link') {
      return actor.referralId === referral.id && partnerSeesReferral(actor.organizationId, referral)
        ? 'partner'
        : null;
    }
    if (actor.kind !== 'user') return null;
    user = actor.user;
  } else {
    user = actor;
  }
  if (!user.active) return null;
  if (user.role === 'caseworker' && user.organizationId === referral.senderOfficeId) return 'caseworker';
  if (user.role === 'partner' && partnerSeesReferral(user.organizationId, referral)) return 'partner';
  return null;
}

function keepsEntriesOf(actor: Actor, organizationId: string): boolean {
  return (
    actor.role === 'admin' ||
    actor.role === 'coordinator' ||
    (actor.role === 'partner' && actor.organizationId === organizationId)
  );
}

/** Decides whether `actor` may do `action` on `resource`; unknown actions, inactive or missing actors are denied. */
export function can(actor: Actor | null | undefined, action: Action, resource: Resource): boolean {
  if (!actor || !actor.active) return false;
  const rule = RULES[action] as Rule | undefined;
  return rule ? rule(actor, resource) : false;
}
