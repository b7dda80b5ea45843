import { chunk } from '../db/chunk';
import type { Executor } from '../db/executor';
import type { Service } from '../directory/service';
import { findServicesByIds, listLocations, listServiceIdsAfter } from '../directory/service.queries';
import type { TaxonomyTerm } from '../directory/taxonomy';
import { listTerms } from '../directory/taxonomy.queries';
import type { SearchDocument } from './search';

/** Whether a service belongs in the search: not archived, not discontinued, its organization active. */
export function isSearchable(service: Service, organizationActive: boolean): boolean {
  return service.archivedAt === null && service.status !== 'inactive' && organizationActive;
}

function withAncestors(terms: TaxonomyTerm[], ids: string[]): string[] {
  const byId = new Map(terms.map((t) => [t.id, t]));
  const result = new Set<string>();
  for (const id of ids) {
    let current = byId.get(id);
    while (current) {
      result.add(current.id);
      current = current.parentId ? byId.get(current.parentId) : undefined;
    }
  }
  return [...result];
}

/**
 * The search documents of the given services, and the ids that must leave the index (gone or hidden). Any number of
 * ids: services and their places are read in chunks, so no statement binds more than a few hundred values.
 */
export async function loadSearchDocuments(
  db: Executor,
  serviceIds: string[],
  terms?: TaxonomyTerm[],
): Promise<{ documents: SearchDocument[]; removed: string[] }> {
  const allTerms = terms ?? (await listTerms(db));
  const names = new Map(allTerms.map((t) => [t.id, t.name]));
  const aliasesOf = new Map(allTerms.map((t) => [t.id, t.aliases ?? []]));
  const documents: SearchDocument[] = [];
  const found: Awaited<ReturnType<typeof findServicesByIds>> = [];
  for (const ids of chunk(serviceIds)) found.push(...(await findServicesByIds(db, ids)));
  const foundIds = new Set(found.map((f) => f.service.id));
  const removed = serviceIds.filter((id) => !foundIds.has(id));
  const locations = [];
  for (const ids of chunk([...new Set(found.flatMap((f) => f.service.locationIds))])) {
    locations.push(...(await listLocations(db, { ids })));
  }
  const locationById = new Map(locations.map((l) => [l.id, l]));
  for (const { service, organizationActive } of found) {
    if (!isSearchable(service, organizationActive)) {
      removed.push(service.id);
      continue;
    }
    const own = service.locationIds
      .map((id) => locationById.get(id))
      .filter((l) => l !== undefined && !l.archivedAt);
    const place = own.find((l) => l!.latitude !== null && l!.longitude !== null) ?? own[0] ?? null;
    documents.push({
      id: service.id,
      externalId: service.externalId,
      name: service.name,
      organization: service.organizationName,
      description: service.description ?? '',
      termIds: withAncestors(allTerms, service.termIds),
      categories: service.termIds.flatMap((t) => [names.get(t) ?? t, ...(aliasesOf.get(t) ?? [])]),
      languages: service.languages,
      minAge: service.minAge,
      maxAge: service.maxAge,
      freeOfCharge: service.freeOfCharge,
      wheelchairAccessible: service.wheelchairAccessible,
      freePlaces: service.freePlaces,
      openingHours: service.openingHours,
      lat: place?.latitude ?? null,
      lon: place?.longitude ?? null,
      postcode: place?.postcode ?? null,
      district: place?.district ?? null,
      city: place?.city ?? null,
      assuredDate: service.assuredDate,
      closed: service.status === 'temporarily_closed',
    });
  }
  return { documents, removed };
}

/** Every service id in the database, in batches (for a full reindex). */
export async function* allServiceIdBatches(db: Executor, batchSize = 500): AsyncGenerator<string[]> {
  let after = '';
  for (;;) {
    const ids = await listServiceIdsAfter(db, after, batchSize);
    if (ids.length === 0) return;
    yield ids;
    after = ids[ids.length - 1]!;
  }
}
