import type { Db } from '../../src/lib/db/create-db';
import { createUser, countUsers } from '../../src/lib/auth/auth.queries';
import { hashPassword } from '../../src/lib/auth/password';
import type { Role } from '../../src/lib/auth/roles';
import { createOrganization } from '../../src/lib/directory/organization.queries';
import type { OrganizationForm } from '../../src/lib/directory/organization';
import { sampleOrganizations } from './luebeck-sample';
import { sampleServicesFor } from './luebeck-services';
import { ServiceFormSchema } from '../../src/lib/directory/service';
import { insertLocation, insertService } from '../../src/lib/directory/service.queries';
import { upsertPostcodeCentroids } from '../../src/lib/geo/postcode.queries';
import { reindexServices } from '../../src/lib/search/indexer';
import { seedSampleNetworks } from './sample-networks';

/** A demo account of the sample region. */
export interface DemoLogin {
  role: Role;
  email: string;
  password: string;
  organization: string;
}

const DEMO_USERS: { role: Role; email: string; displayName: string; orgKey: string }[] = [
  { role: 'admin', email: 'admin@partnernetz.example', displayName: 'Alex Admin (Demo)', orgKey: 'traeger' },
  {
    role: 'coordinator',
    email: 'koordination@partnernetz.example',
    displayName: 'Kim Koordination (Demo)',
    orgKey: 'traeger',
  },
  {
    role: 'caseworker',
    email: 'fachkraft@partnernetz.example',
    displayName: 'Fatma Fachkraft (Demo)',
    orgKey: 'jmd-1',
  },
  // A colleague in the same office as fachkraft@: the dashboard's "Ganze Dienststelle" shows both (issue 11).
  {
    role: 'caseworker',
    email: 'kollegin@partnernetz.example',
    displayName: 'Kira Kollegin (Demo)',
    orgKey: 'jmd-1',
  },
  {
    role: 'caseworker',
    email: 'fachkraft.moisling@partnernetz.example',
    displayName: 'Mika Fachkraft (Demo)',
    orgKey: 'jmd-2',
  },
  {
    role: 'partner',
    email: 'partner@partnernetz.example',
    displayName: 'Paula Partner (Demo)',
    orgKey: 'partner-1',
  },
];

const WORDS = [
  'Hafen',
  'Linde',
  'Mohn',
  'Trave',
  'Möwe',
  'Kogge',
  'Backstein',
  'Marzipan',
  'Holstentor',
  'Düne',
  'Leuchtturm',
  'Segel',
];

/** A memorable random demo password of three different words ("Möwe-Trave-Segel-482"); never a published one. */
export function generateDemoPassword(): string {
  const random = (n: number) => crypto.getRandomValues(new Uint32Array(1))[0]! % n;
  const words = [...WORDS];
  const picked = [0, 1, 2].map(() => words.splice(random(words.length), 1)[0]!);
  return `${picked.join('-')}-${100 + random(900)}`;
}

/** Whether the database holds no users yet (then the start command seeds it). */
export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  return (await countUsers(db)) === 0;
}

/**
 * Loads the sample region around Lübeck (Träger, two JMD offices, partner institutions, one demo user per role)
 * in one transaction. Passwords are random unless given (tests pass their own).
 */
export async function seedSampleRegion(
  db: Db,
  options: {
    passwords?: Partial<Record<string, string>>;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<DemoLogin[]> {
  const logins: DemoLogin[] = [];
  const hashes = new Map<string, { password: string; hash: string }>();
  for (const demo of DEMO_USERS) {
    const password =
      options.passwords?.[demo.email] ?? options.passwords?.[demo.role] ?? generateDemoPassword();
    hashes.set(demo.email, { password, hash: await hashPassword(password) });
  }

  const now = new Date();
  await db.transaction().execute(async (trx) => {
    const idsByKey = new Map<string, string>();
    const total = sampleOrganizations.length + sampleOrganizations.filter((o) => o.kind === 'partner').length;
    let done = 0;
    // Parents first so parent_id always points at an inserted row.
    const ordered = [...sampleOrganizations].sort(
      (a, b) => Number(a.parentKey !== null) - Number(b.parentKey !== null),
    );
    for (const sample of ordered) {
      const form: OrganizationForm = {
        kind: sample.kind,
        category: sample.category,
        parentId: sample.parentKey ? (idsByKey.get(sample.parentKey) ?? null) : null,
        name: sample.name,
        street: sample.street,
        postcode: sample.postcode,
        city: sample.city,
        district: sample.district,
        latitude: sample.lat,
        longitude: sample.lon,
        phone: sample.phone,
        email: sample.email,
        website: sample.website,
        description: sample.description,
        languages: sample.languages,
      };
      const organization = await createOrganization(trx, form, { isSample: true, now });
      idsByKey.set(sample.key, organization.id);
      options.onProgress?.(++done, total);
    }

    const traeger = sampleOrganizations.find((o) => o.kind === 'traeger')!;
    const offices = sampleOrganizations.filter((o) => o.kind === 'jmd_office');
    const firstPartner = sampleOrganizations.find((o) => o.kind === 'partner')!;
    const orgFor = (key: string) =>
      key === 'traeger'
        ? traeger
        : key === 'jmd-1'
          ? offices[0]!
          : key === 'jmd-2'
            ? offices[1]!
            : firstPartner;

    for (const demo of DEMO_USERS) {
      const organization = orgFor(demo.orgKey);
      const secret = hashes.get(demo.email)!;
      await createUser(
        trx,
        {
          displayName: demo.displayName,
          email: demo.email,
          role: demo.role,
          organizationId: idsByKey.get(organization.key)!,
          passwordHash: secret.hash,
        },
        now,
      );
      logins.push({
        role: demo.role,
        email: demo.email,
        password: secret.password,
        organization: organization.name,
      });
    }

    // Each partner gets its address as a location and one or two services, confirmed by the coordinator at
    // varied dates (some over 12 months ago, so the stale list and its warning have something to show).
    const coordinatorId = (
      await trx
        .selectFrom('app_user')
        .select('id')
        .where('role', '=', 'coordinator')
        .executeTakeFirstOrThrow()
    ).id;
    const partners = sampleOrganizations.filter((o) => o.kind === 'partner');
    const serviceIds: string[] = [];
    for (const [index, sample] of partners.entries()) {
      const organizationId = idsByKey.get(sample.key)!;
      const locationId = await insertLocation(
        trx,
        organizationId,
        {
          name: null,
          street: sample.street,
          postcode: sample.postcode,
          city: sample.city,
          district: sample.district,
          latitude: sample.lat,
          longitude: sample.lon,
          transitNotes: null,
        },
        { now },
      );
      for (const service of sampleServicesFor(sample, index)) {
        const form = ServiceFormSchema.parse({ ...service, locationIds: [locationId] });
        const assuredAt = new Date(now);
        assuredAt.setMonth(assuredAt.getMonth() - service.confirmedMonthsAgo);
        assuredAt.setDate(assuredAt.getDate() - (index % 20));
        serviceIds.push(
          await insertService(trx, organizationId, form, {
            isSample: true,
            now,
            assuredBy: coordinatorId,
            assuredAt: assuredAt.toISOString(),
          }),
        );
      }
      options.onProgress?.(++done, total);
    }
    await upsertPostcodeCentroids(trx, centroidsOf(sampleOrganizations), 'sample');
    await reindexServices(db, trx, serviceIds, now);
  });
  // Working groups go through their domain functions, each with its own transaction: after the region is in.
  await seedSampleNetworks(db, { now });
  return logins;
}

/** The mean coordinates of the sample places per postcode: the sample region ships the centroids it needs. */
function centroidsOf(
  samples: readonly { postcode: string; city: string; lat: number; lon: number }[],
): { postcode: string; place: string; latitude: number; longitude: number }[] {
  const groups = new Map<string, { place: string; lats: number[]; lons: number[] }>();
  for (const sample of samples) {
    const group = groups.get(sample.postcode) ?? { place: sample.city, lats: [], lons: [] };
    group.lats.push(sample.lat);
    group.lons.push(sample.lon);
    groups.set(sample.postcode, group);
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return [...groups].map(([postcode, group]) => ({
    postcode,
    place: group.place,
    latitude: Number(mean(group.lats).toFixed(5)),
    longitude: Number(mean(group.lons).toFixed(5)),
  }));
}
