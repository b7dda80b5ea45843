/**
 * Test data of the HTTP benchmarks (bench:http, bench:load): synthetic services and an office full of referrals,
 * written straight into the database before the server starts.
 * @module
 */
import { generateServiceForms } from '../db/seed/synthetic';
import { insertSyntheticReferrals, type SyntheticReferralSummary } from '../db/seed/synthetic-referrals';
import { createUser, findUserRowByEmail, listUsers } from '../src/lib/auth/auth.queries';
import type { Db } from '../src/lib/db/create-db';
import { createOrganization } from '../src/lib/directory/organization.queries';
import { ServiceFormSchema } from '../src/lib/directory/service';
import { insertLocation, insertService } from '../src/lib/directory/service.queries';
import { countReferralsSentBy } from '../src/lib/referrals/referral.queries';
import { progressBar } from './cli';

/** Inserts the synthetic services with their organizations and sites, in transactions of 500. */
export async function insertSyntheticServices(db: Db, count: number, seed: number): Promise<void> {
  const forms = generateServiceForms(count, seed);
  const now = new Date();
  const coordinator = (await listUsers(db)).find((user) => user.role === 'coordinator');
  if (!coordinator) throw new Error('Keine Netzwerkkoordination in der Beispielregion.');
  const organizations = new Map<string, string>();
  const sites = new Map<string, string>();
  const bar = progressBar('Angebote einfügen');
  for (let start = 0; start < forms.length; start += 500) {
    await db.transaction().execute(async (trx) => {
      for (const form of forms.slice(start, start + 500)) {
        let organizationId = organizations.get(form.organization.name);
        if (!organizationId) {
          organizationId = (await createOrganization(trx, form.organization, { now })).id;
          organizations.set(form.organization.name, organizationId);
        }
        let locationId = sites.get(form.siteKey);
        if (!locationId) {
          locationId = await insertLocation(trx, organizationId, form.location, { now });
          sites.set(form.siteKey, locationId);
        }
        const service = ServiceFormSchema.parse({ ...form.service, locationIds: [locationId] });
        await insertService(trx, organizationId, service, {
          now,
          assuredBy: coordinator.id,
          assuredAt: form.assuredDate,
        });
      }
    });
    bar(Math.min(start + 500, forms.length), forms.length);
  }
}

/**
 * Fills a caseworker's office with referrals: four in five are the caseworker's own, the rest belong to
 * three colleagues (accounts without password), so the office view shows more than the own one.
 */
export async function insertOfficeReferrals(
  db: Db,
  caseworkerEmail: string,
  count: number,
  seed: number,
): Promise<{ summary: SyntheticReferralSummary; seconds: number; own: number }> {
  const caseworker = await findUserRowByEmail(db, caseworkerEmail);
  if (!caseworker) throw new Error(`${caseworkerEmail} fehlt in der Beispielregion.`);
  const colleagueIds: string[] = [];
  for (const name of ['Cem', 'Lena', 'Olga']) {
    const colleague = await createUser(
      db,
      {
        displayName: `${name} Kollegin (Bench)`,
        email: `${name.toLowerCase()}.bench@partnernetz.example`,
        role: 'caseworker',
        organizationId: caseworker.organization_id,
        passwordHash: null,
      },
      new Date(),
    );
    colleagueIds.push(colleague.id);
  }
  const bar = progressBar('Vermittlungen einfügen');
  const started = performance.now();
  const summary = await insertSyntheticReferrals(db, {
    officeId: caseworker.organization_id,
    caseworkerId: caseworker.id,
    colleagueIds,
    ownShare: 0.8,
    count,
    seed,
    onProgress: bar,
  });
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const own = await countReferralsSentBy(db, caseworker.id);
  return { summary, seconds, own };
}
