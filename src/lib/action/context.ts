import type { Actor } from '../auth/policy';
import type { Config } from '../config/config';

/**
 * Who acts in a change. A signed-in user; a partner holding a redeemed single-use referral link (no account: the
 * link names the one object it opens and the organisation it was sent to); a working-group member holding a
 * single-use link (an invitation answer or "done" for one action item: the link names the member, their group and
 * their organisation, null for a contact without one); a background job; or nobody yet (sign-in, password links).
 */
export type ActionActor =
  | { kind: 'user'; user: Actor }
  | { kind: 'link'; linkId: string; referralId: string; organizationId: string }
  | GroupLinkActor
  | { kind: 'system'; job: string }
  | { kind: 'anonymous' };

/** A working-group member acting through a single-use link (linkId: the stored SHA-256 of its token). */
export interface GroupLinkActor {
  kind: 'group_link';
  linkId: string;
  memberId: string;
  groupId: string;
  organizationId: string | null;
}

/** Whether the actor holds a single-use link (a referral's or a working group's) rather than an account. */
export function isLinkActor(
  actor: ActionActor,
): actor is Extract<ActionActor, { kind: 'link' }> | GroupLinkActor {
  return actor.kind === 'link' || actor.kind === 'group_link';
}

/** What every mutation receives besides the database and its input: actor, request id, the time, config. */
export interface ActionContext {
  actor: ActionActor;
  /** Names the request in the audit log; null for jobs and scripts. */
  requestId: string | null;
  /** The one "now" of this change: every timestamp it writes, the audit entry included, is this instant. */
  now: Date;
  config: Config;
}

/** The signed-in user behind a context, or null for links, jobs and anonymous requests. */
export function userOf(ctx: Pick<ActionContext, 'actor'>): Actor | null {
  return ctx.actor.kind === 'user' ? ctx.actor.user : null;
}

/**
 * Who the audit log names: a user, or for a link the organisation it was sent to (none for a working-group contact
 * without one; the link itself is named by the entry's object); nobody for jobs.
 */
export function auditActorOf(ctx: Pick<ActionContext, 'actor'>): {
  id: string | null;
  organizationId: string | null;
} | null {
  switch (ctx.actor.kind) {
    case 'user':
      return { id: ctx.actor.user.id, organizationId: ctx.actor.user.organizationId };
    case 'link':
    case 'group_link':
      return { id: null, organizationId: ctx.actor.organizationId };
    default:
      return null;
  }
}

/** A context for jobs and scripts: the system acts, at `now`. */
export function systemContext(config: Config, job: string, now: Date): ActionContext {
  return { actor: { kind: 'system', job }, requestId: null, now, config };
}
