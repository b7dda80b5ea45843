import { describe, expect, it } from 'vitest';
import { can, type Action, type Actor, type Resource } from '../../src/lib/auth/policy';
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
