import { describe, expect, it } from 'vitest';
import { can, referralPartyOf, type Action, type Actor, type Resource } from '../../src/lib/auth/policy';
import { HIDDEN_FROM_PARTNER, partnerSeesReferral } from '../../src/lib/referrals/referral';
import type { Role } from '../../src/lib/auth/roles';

const ORG = 'org-own';
const FOREIGN_ORG = 'org-foreign';
const actor = (role: Role, overrides: Partial<Actor> = {}): Actor => ({
  id: 'user-1',
  organizationId: ORG,
  role,
  active: true,
  ...overrides,
});

type Row = [Role, Action, string, Resource, boolean];

const referral = (overrides: {
  senderOfficeId?: string;
  recipientOrganizationId?: string;
  status?: string;
}) =>
  ({
    type: 'referral',
    senderOfficeId: FOREIGN_ORG,
    recipientOrganizationId: FOREIGN_ORG,
    status: 'sent',
    ...overrides,
  }) as const;

// role × action × ownership → expected decision
const TABLE: Row[] = [
  ['caseworker', 'directory.read', 'any', { type: 'directory' }, true],
  ['partner', 'directory.read', 'any', { type: 'directory' }, true],
  ['admin', 'user.list', 'any', { type: 'user', id: null }, true],
  ['coordinator', 'user.list', 'any', { type: 'user', id: null }, false],
  ['caseworker', 'user.list', 'any', { type: 'user', id: null }, false],
  ['partner', 'user.list', 'any', { type: 'user', id: null }, false],
  ['admin', 'user.create', 'foreign org', { type: 'user', id: null, organizationId: FOREIGN_ORG }, true],
  ['coordinator', 'user.create', 'own org', { type: 'user', id: null, organizationId: ORG }, false],
  ['caseworker', 'user.update', 'self', { type: 'user', id: 'user-1', organizationId: ORG }, false],
  ['partner', 'user.read', 'self', { type: 'user', id: 'user-1' }, true],
  ['partner', 'user.read', 'other user', { type: 'user', id: 'user-2' }, false],
  ['admin', 'user.read', 'other user', { type: 'user', id: 'user-2' }, true],
  [
    'admin',
    'organization.create',
    'jmd office',
    { type: 'organization', id: null, kind: 'jmd_office' },
    true,
  ],
  [
    'coordinator',
    'organization.create',
    'partner',
    { type: 'organization', id: null, kind: 'partner' },
    true,
  ],
  [
    'coordinator',
    'organization.create',
    'jmd office',
    { type: 'organization', id: null, kind: 'jmd_office' },
    false,
  ],
  ['coordinator', 'organization.update', 'partner', { type: 'organization', id: 'o', kind: 'partner' }, true],
  ['coordinator', 'organization.update', 'träger', { type: 'organization', id: 'o', kind: 'traeger' }, false],
  ['caseworker', 'organization.update', 'partner', { type: 'organization', id: 'o', kind: 'partner' }, false],
  ['partner', 'organization.update', 'own org', { type: 'organization', id: ORG, kind: 'partner' }, false],
  [
    'caseworker',
    'organization.create',
    'partner',
    { type: 'organization', id: null, kind: 'partner' },
    false,
  ],
  ['coordinator', 'organization.list_admin', 'any', { type: 'organization', id: null }, true],
  ['caseworker', 'organization.list_admin', 'any', { type: 'organization', id: null }, false],
  ['admin', 'audit.read', 'any', { type: 'audit_log' }, true],
  ['coordinator', 'audit.read', 'any', { type: 'audit_log' }, false],
  ['caseworker', 'audit.read', 'any', { type: 'audit_log' }, false],
  ['caseworker', 'session.end', 'own session', { type: 'session', userId: 'user-1' }, true],
  ['admin', 'session.end', 'foreign session', { type: 'session', userId: 'user-2' }, false],
  ['partner', 'session.end', 'foreign session', { type: 'session', userId: 'user-2' }, false],
  // Cases stay with the caseworkers of the owning office.
  ['caseworker', 'case.create', 'any', { type: 'case', officeId: null }, true],
  ['partner', 'case.create', 'any', { type: 'case', officeId: null }, false],
  ['coordinator', 'case.create', 'any', { type: 'case', officeId: null }, false],
  ['admin', 'case.create', 'any', { type: 'case', officeId: null }, false],
  ['caseworker', 'case.read', 'own office', { type: 'case', officeId: ORG }, true],
  ['caseworker', 'case.read', 'foreign office', { type: 'case', officeId: FOREIGN_ORG }, false],
  ['caseworker', 'case.read', 'no office', { type: 'case', officeId: null }, false],
  ['partner', 'case.read', 'own org', { type: 'case', officeId: ORG }, false],
  ['coordinator', 'case.read', 'own org', { type: 'case', officeId: ORG }, false],
  ['admin', 'case.read', 'own org', { type: 'case', officeId: ORG }, false],
  ['caseworker', 'case.update', 'own office', { type: 'case', officeId: ORG }, true],
  ['caseworker', 'case.update', 'foreign office', { type: 'case', officeId: FOREIGN_ORG }, false],
  ['partner', 'case.update', 'own org', { type: 'case', officeId: ORG }, false],
  ['admin', 'case.update', 'own org', { type: 'case', officeId: ORG }, false],
  ['caseworker', 'case.read', 'a directory', { type: 'directory' }, false],
  // The partner's inbox and the caseworker's dashboard.
  ['partner', 'referral.inbox', 'any', { type: 'directory' }, true],
  ['caseworker', 'referral.inbox', 'any', { type: 'directory' }, false],
  ['coordinator', 'referral.inbox', 'any', { type: 'directory' }, false],
  ['admin', 'referral.inbox', 'any', { type: 'directory' }, false],
  ['caseworker', 'referral.dashboard', 'any', { type: 'directory' }, true],
  ['partner', 'referral.dashboard', 'any', { type: 'directory' }, false],
  ['coordinator', 'referral.dashboard', 'any', { type: 'directory' }, false],
  ['admin', 'referral.dashboard', 'any', { type: 'directory' }, false],
  // Referrals: only the two parties.
  ['caseworker', 'referral.read', 'sent by own office', referral({ senderOfficeId: ORG }), true],
  [
    'caseworker',
    'referral.act',
    'own office draft',
    referral({ senderOfficeId: ORG, status: 'draft' }),
    true,
  ],
  ['caseworker', 'referral.read', 'sent by foreign office', referral({}), false],
  ['partner', 'referral.read', 'addressed to own org', referral({ recipientOrganizationId: ORG }), true],
  ['partner', 'referral.act', 'addressed to own org', referral({ recipientOrganizationId: ORG }), true],
  [
    'partner',
    'referral.read',
    'draft addressed to own org',
    referral({ recipientOrganizationId: ORG, status: 'draft' }),
    false,
  ],
  ['partner', 'referral.read', 'addressed to foreign org', referral({}), false],
  ['admin', 'referral.read', 'own office', referral({ senderOfficeId: ORG }), false],
  ['coordinator', 'referral.read', 'own org', referral({ recipientOrganizationId: ORG }), false],
  // The outbox is the admin's.
  ['admin', 'mail.manage', 'any', { type: 'outbox' }, true],
  ['coordinator', 'mail.manage', 'any', { type: 'outbox' }, false],
  ['caseworker', 'mail.manage', 'any', { type: 'outbox' }, false],
  ['partner', 'mail.manage', 'any', { type: 'outbox' }, false],
  ['admin', 'mail.manage', 'a directory', { type: 'directory' }, false],
];

describe('policy', () => {
  it.each(TABLE)('%s · %s · %s → %s', (role, action, _ownership, resource, expected) => {
    expect(can(actor(role), action, resource)).toBe(expected);
  });

  it('denies everything to a missing actor', () => {
    expect(can(null, 'directory.read', { type: 'directory' })).toBe(false);
  });

  it('denies everything to a deactivated actor, even an admin', () => {
    expect(can(actor('admin', { active: false }), 'user.list', { type: 'user', id: null })).toBe(false);
  });

  it('denies an unknown action by default', () => {
    expect(can(actor('admin'), 'case.delete_everything' as Action, { type: 'directory' })).toBe(false);
  });

  it('denies an action applied to the wrong resource type', () => {
    expect(can(actor('admin'), 'audit.read', { type: 'directory' })).toBe(false);
  });
});

describe('referralPartyOf', () => {
  const STATUSES = [
    'draft',
    'sent',
    'accepted',
    'declined',
    'cancelled',
    'in_progress',
    'on_hold',
    'completed',
    'failed',
    'entered_in_error',
  ];
  const addressed = (status: string) => ({
    senderOfficeId: 'office',
    recipientOrganizationId: 'partner-org',
    status,
  });

  it.each(STATUSES)(
    'a caseworker of the sending office is the caseworker party of a %s referral',
    (status) => {
      expect(referralPartyOf(actor('caseworker', { organizationId: 'office' }), addressed(status))).toBe(
        'caseworker',
      );
    },
  );

  it.each(STATUSES.filter((status) => status !== 'draft'))(
    'partner staff of the recipient are the partner party of a %s referral',
    (status) => {
      expect(referralPartyOf(actor('partner', { organizationId: 'partner-org' }), addressed(status))).toBe(
        'partner',
      );
    },
  );

  it('partner staff of the recipient are no party to a draft', () => {
    expect(
      referralPartyOf(actor('partner', { organizationId: 'partner-org' }), addressed('draft')),
    ).toBeNull();
  });

  it('partner staff of another organization are no party', () => {
    expect(referralPartyOf(actor('partner', { organizationId: 'other-org' }), addressed('sent'))).toBeNull();
  });

  it('a caseworker of another office is no party', () => {
    expect(
      referralPartyOf(actor('caseworker', { organizationId: 'other-office' }), addressed('sent')),
    ).toBeNull();
  });

  it('a partner account in the sending office is not a caseworker party', () => {
    expect(referralPartyOf(actor('partner', { organizationId: 'office' }), addressed('sent'))).toBeNull();
  });

  it('a caseworker account in the recipient organization is not a partner party', () => {
    expect(
      referralPartyOf(actor('caseworker', { organizationId: 'partner-org' }), addressed('sent')),
    ).toBeNull();
  });

  it.each(['coordinator', 'admin'] as const)('a %s is no party, not even in either organization', (role) => {
    for (const organizationId of ['office', 'partner-org']) {
      expect(referralPartyOf(actor(role, { organizationId }), addressed('sent'))).toBeNull();
    }
  });

  it('a deactivated caseworker or partner is no party', () => {
    expect(
      referralPartyOf(actor('caseworker', { organizationId: 'office', active: false }), addressed('sent')),
    ).toBeNull();
    expect(
      referralPartyOf(actor('partner', { organizationId: 'partner-org', active: false }), addressed('sent')),
    ).toBeNull();
  });

  it('a missing actor is no party', () => {
    expect(referralPartyOf(null, addressed('sent'))).toBeNull();
    expect(referralPartyOf(undefined, addressed('sent'))).toBeNull();
  });
});

describe('what a partner sees of a referral (one rule for policy, service and inbox)', () => {
  const referral = {
    id: 'r1',
    senderOfficeId: 'office',
    recipientOrganizationId: 'partner-org',
    status: 'sent',
  };

  it('the recipient sees a sent referral, never a draft, and no other organisation sees it', () => {
    expect(partnerSeesReferral('partner-org', referral)).toBe(true);
    expect(partnerSeesReferral('partner-org', { ...referral, status: 'draft' })).toBe(false);
    expect(partnerSeesReferral('other-org', referral)).toBe(false);
    expect(HIDDEN_FROM_PARTNER).toEqual(['draft']);
  });

  it('a link actor is the partner of exactly the referral its link was for, and never of a draft', () => {
    const link = { kind: 'link' as const, linkId: 'l', referralId: 'r1', organizationId: 'partner-org' };
    expect(referralPartyOf(link, referral)).toBe('partner');
    expect(referralPartyOf(link, { ...referral, id: 'r2' })).toBeNull();
    expect(referralPartyOf(link, { ...referral, status: 'draft' })).toBeNull();
    expect(referralPartyOf({ ...link, organizationId: 'other-org' }, referral)).toBeNull();
  });

  it('a user actor decides as the plain user; jobs and anonymous requests are no party', () => {
    const user = actor('partner', { organizationId: 'partner-org' });
    expect(referralPartyOf({ kind: 'user', user }, referral)).toBe('partner');
    expect(referralPartyOf({ kind: 'system', job: 'reminders' }, referral)).toBeNull();
    expect(referralPartyOf({ kind: 'anonymous' }, referral)).toBeNull();
  });
});
