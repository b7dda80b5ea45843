/**
 * Reading the directory for HSDS: loads services with everything a full object needs, and resolves HSDS ids back to
 * our rows (imported ids from hsds_identity, derived ones by recomputing them).
 * @module
 */
import { chunk } from '../db/chunk';
import type { Executor } from '../db/executor';
import type { Organization } from '../directory/organization';
import { listOrganizations } from '../directory/organization.queries';
import type { Location, Service } from '../directory/service';
import { findServicesByIds, listLocations } from '../directory/service.queries';
import type { TaxonomyTerm } from '../directory/taxonomy';
import { listTerms } from '../directory/taxonomy.queries';
import { listHsdsIdentities, listLocalIds } from './hsds.queries';
import { derivedHsdsId, type HsdsEntity } from './ids';
import { idResolver, type IdResolver } from './mapping';

/** What one request reads once: categories, organizations, identities. */
export interface ReadContext {
  terms: TaxonomyTerm[];
  organizations: Map<string, Organization>;
  ids: IdResolver;
  /** The local id of an HSDS id, or null. */
  localIdOf(entity: HsdsEntity, hsdsId: string): Promise<string | null>;
}

/** Loads the read context. */
export async function loadReadContext(db: Executor): Promise<ReadContext> {
  const [terms, organizations, organization, service, location] = await Promise.all([
    listTerms(db),
    listOrganizations(db, { limit: 1_000_000 }),
    listHsdsIdentities(db, 'organization'),
    listHsdsIdentities(db, 'service'),
    listHsdsIdentities(db, 'location'),
  ]);
  const imported = { organization, service, location };
  const reverse = new Map<HsdsEntity, Map<string, string>>();
  return {
    terms,
    organizations: new Map(organizations.items.map((o) => [o.id, o])),
    ids: idResolver(imported),
    async localIdOf(entity, hsdsId) {
      let map = reverse.get(entity);
      if (!map) {
        map = new Map();
        const known = entity === 'taxonomy_term' ? new Map<string, string>() : imported[entity];
        const localIds = entity === 'taxonomy_term' ? terms.map((t) => t.id) : await listLocalIds(db, entity);
        for (const id of localIds) map.set(known.get(id) ?? derivedHsdsId(entity, id), id);
        reverse.set(entity, map);
      }
      return map.get(hsdsId.toLowerCase()) ?? null;
    },
  };
}

/** Services by id in the given order, with the places they are offered at. */
export async function loadServices(
  db: Executor,
  ids: string[],
): Promise<{ services: Service[]; locations: Location[] }> {
  const found: Service[] = [];
  for (const part of chunk(ids)) found.push(...(await findServicesByIds(db, part)).map((f) => f.service));
  const byId = new Map(found.map((s) => [s.id, s]));
  const services = ids.map((id) => byId.get(id)).filter((s): s is Service => s !== undefined);
  const locations: Location[] = [];
  for (const part of chunk([...new Set(services.flatMap((s) => s.locationIds))])) {
    locations.push(...(await listLocations(db, { ids: part })));
  }
  return { services, locations };
}
