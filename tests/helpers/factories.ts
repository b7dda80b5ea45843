import type { Db } from '../../src/lib/db/create-db';
import { createUser } from '../../src/lib/auth/auth.queries';
import { hashPassword } from '../../src/lib/auth/password';
import type { User } from '../../src/lib/auth/auth';
import type { Role } from '../../src/lib/auth/roles';
import { createOrganization } from '../../src/lib/directory/organization.queries';
import type { Organization, OrganizationForm } from '../../src/lib/directory/organization';
import { newId } from '../../src/lib/db/ids';

/** The password every factory user gets unless told otherwise. */
export const TEST_PASSWORD = 'Korrekt-Pferd-Batterie-Heftklammer';

/** Creates an organization with sensible defaults. */
export async function createTestOrganization(
  db: Db,
  overrides: Partial<OrganizationForm> = {},
): Promise<Organization> {
  return createOrganization(
    db,
    {
      kind: 'partner',
      category: 'language_course',
      parentId: null,
      name: `Testeinrichtung ${newId().slice(0, 6)}`,
      street: 'Breite Straße 1',
      postcode: '23552',
      city: 'Lübeck',
      district: 'Innenstadt',
      latitude: 53.8686,
      longitude: 10.6869,
      phone: null,
      email: null,
      website: null,
      description: null,
      languages: ['de'],
      ...overrides,
    },
    { now: new Date() },
  );
}

/** Creates a user (with password unless `password: null`) in a new or given organization. */
export async function createTestUser(
  db: Db,
  overrides: {
    role?: Role;
    email?: string;
    organizationId?: string;
    password?: string | null;
    displayName?: string;
  } = {},
): Promise<User> {
  const organizationId = overrides.organizationId ?? (await createTestOrganization(db)).id;
  const password = overrides.password === undefined ? TEST_PASSWORD : overrides.password;
  return createUser(
    db,
    {
      displayName: overrides.displayName ?? 'Test Person',
      email: overrides.email ?? `person-${newId()}@test.example`,
      role: overrides.role ?? 'caseworker',
      organizationId,
      passwordHash: password === null ? null : await hashPassword(password),
    },
    new Date(),
  );
}
