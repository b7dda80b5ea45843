/**
 * Our directory as HSDS 3.0 objects with the German profile (pure: rows in, JSON out). Only what a service publishes
 * anyway leaves: names, descriptions, the public contact, places, hours, categories. Never users, referrals or cases;
 * never internal flags (needs_review, sample, public, who confirmed).
 * @module
 */
import type { Organization } from '../directory/organization';
import { parseOpeningHours } from '../directory/opening-hours';
import type { Location, Service, ServiceStatus } from '../directory/service';
import { termPath, type TaxonomyTerm } from '../directory/taxonomy';
import { languageName } from '../i18n/languages';
import { derivedHsdsId, partId, uuidV5, type HsdsEntity } from './ids';

/** A JSON object of the HSDS output. */
export type HsdsObject = { [key: string]: unknown };

/** The one taxonomy of the profile: the category tree, with the same id in every region. */
export const TAXONOMY_ID = uuidV5('taxonomy:jmd-partnernetz-kategorien');
export const TAXONOMY_NAME = 'JMD-Partnernetz-Kategorien';
export const TERM_URI_PREFIX = 'urn:jmd-partnernetz:kategorie:';
const UNIT_ID = uuidV5('unit:platz');

/** How local ids become HSDS ids: an imported entry keeps its id, our own get a derived one. */
export interface IdResolver {
  idOf(entity: HsdsEntity, localId: string): string;
}

/** A resolver over the imported identities (by entity, local id → HSDS id). */
export function idResolver(imported: Partial<Record<HsdsEntity, Map<string, string>>>): IdResolver {
  return {
    idOf: (entity, localId) => imported[entity]?.get(localId) ?? derivedHsdsId(entity, localId),
  };
}

/** HSDS status of a service. */
export const HSDS_STATUS: Record<ServiceStatus, string> = {
  active: 'active',
  temporarily_closed: 'temporarily closed',
  inactive: 'inactive',
};

/** Our status of an HSDS status (`defunct` counts as discontinued). */
export function statusFromHsds(status: string): ServiceStatus {
  if (status === 'temporarily closed') return 'temporarily_closed';
  if (status === 'inactive' || status === 'defunct') return 'inactive';
  return 'active';
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A web address as a URI (HSDS wants one): `www.x.de` gains `https://`; what is no address is left out. */
export function asUri(text: string | null): string | undefined {
  if (!text) return undefined;
  const candidate = /^https?:\/\//i.test(text) ? text : `https://${text}`;
  try {
    const url = new URL(candidate);
    return url.hostname.includes('.') ? candidate : undefined;
  } catch {
    return undefined;
  }
}

/** Leaves out keys whose value is null or undefined (HSDS types are never nullable). */
export function compact<T extends HsdsObject>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== null && v !== undefined)) as T;
}

/** The taxonomy object. */
export function taxonomyObject(): HsdsObject {
  return {
    id: TAXONOMY_ID,
    name: TAXONOMY_NAME,
    description:
      'Der Kategorienbaum des JMD Partnernetzes (Schule und Bildung, Sprache, Ausbildung und Arbeit, Anerkennung, Beratung, Behörden, Gesundheit, Wohnen, Freizeit, Ehrenamt) mit eigenen Ergänzungen des Netzwerks.',
    uri: 'urn:jmd-partnernetz:kategorien',
    version: '1',
  };
}

/** One category as an HSDS taxonomy term (its key is the `code`, the `term_uri` is the same in every region). */
export function termObject(terms: TaxonomyTerm[], term: TaxonomyTerm, ids: IdResolver): HsdsObject {
  return compact({
    id: ids.idOf('taxonomy_term', term.id),
    code: term.id,
    name: term.name,
    description: termPath(terms, term.id),
    parent_id: term.parentId ? ids.idOf('taxonomy_term', term.parentId) : undefined,
    taxonomy: TAXONOMY_NAME,
    taxonomy_id: TAXONOMY_ID,
    language: 'de',
    term_uri: TERM_URI_PREFIX + term.id,
  });
}

/** An organization's one-to-one fields. */
export function organizationListObject(organization: Organization, ids: IdResolver): HsdsObject {
  return compact({
    id: ids.idOf('organization', organization.id),
    name: organization.name,
    description: organization.description ?? '',
    email: organization.email && EMAIL.test(organization.email) ? organization.email : undefined,
    website: asUri(organization.website),
  });
}

/** A place as an HSDS location with one physical address (the district is a profile field of the address). */
export function locationObject(location: Location, ids: IdResolver): HsdsObject {
  const id = ids.idOf('location', location.id);
  const address = compact({
    id: partId(id, 'address'),
    location_id: id,
    address_1: location.street,
    city: location.city,
    postal_code: location.postcode,
    district: location.district,
    country: 'DE',
    address_type: 'physical',
  });
  return compact({
    id,
    location_type: 'physical',
    organization_id: ids.idOf('organization', location.organizationId),
    name: location.name,
    transportation: location.transitNotes,
    latitude: location.latitude,
    longitude: location.longitude,
    addresses: [address],
  });
}

/** The id of a service-at-location: derived from the service's and the place's ids (the row's own id is not kept). */
export function serviceAtLocationId(serviceHsdsId: string, locationHsdsId: string): string {
  return partId(serviceHsdsId, `at/${locationHsdsId}`);
}

/** A service's one-to-one fields (the list endpoints), with the profile's flags. */
export function serviceListObject(service: Service, ids: IdResolver): HsdsObject {
  return compact({
    id: ids.idOf('service', service.id),
    organization_id: ids.idOf('organization', service.organizationId),
    name: service.name,
    description: service.description,
    status: HSDS_STATUS[service.status],
    application_process: service.applicationProcess,
    fees_description: service.feesDescription,
    eligibility_description: service.eligibilityNotes,
    minimum_age: service.minAge,
    maximum_age: service.maxAge,
    assured_date: service.assuredDate ? service.assuredDate.slice(0, 10) : null,
    last_modified: service.updatedAt,
    free_of_charge: service.freeOfCharge,
    wheelchair_accessible: service.wheelchairAccessible,
    accessibility_description: service.accessibility,
  });
}

/** Everything the full service needs besides the service. */
export interface ServiceSurroundings {
  organization: Organization;
  locations: Location[];
  terms: TaxonomyTerm[];
}

/** A fully nested service (`/services/{id}`, `full=true`, the export). */
export function serviceFullObject(
  service: Service,
  around: ServiceSurroundings,
  ids: IdResolver,
  options: { withOrganization?: boolean } = {},
): HsdsObject {
  const id = ids.idOf('service', service.id);
  const hours = parseOpeningHours(service.openingHours);
  const rules = hours.ok ? hours.value.rules : [];
  const termsById = new Map(around.terms.map((t) => [t.id, t]));
  const places = service.locationIds
    .map((locationId) => around.locations.find((l) => l.id === locationId))
    .filter((l): l is Location => l !== undefined && l.archivedAt === null);
  const object: HsdsObject = {
    ...serviceListObject(service, ids),
    closed_on_holidays: hours.ok && hours.value.closedOnHolidays ? true : undefined,
    phones: service.phone ? [{ id: partId(id, 'phone'), service_id: id, number: service.phone }] : [],
    contacts: service.contact
      ? [
          compact({
            id: partId(id, 'contact'),
            service_id: id,
            name: service.contact.name,
            title: service.contact.title,
            email: service.contact.email,
            phones: service.contact.phone
              ? [
                  {
                    id: partId(id, 'contact/phone'),
                    contact_id: partId(id, 'contact'),
                    number: service.contact.phone,
                  },
                ]
              : [],
          }),
        ]
      : [],
    schedules: rules.map((rule, index) => ({
      id: partId(id, `schedule/${index}`),
      service_id: id,
      freq: 'WEEKLY',
      wkst: 'MO',
      byday: rule.weekday,
      opens_at: rule.opensAt,
      closes_at: rule.closesAt,
    })),
    languages: service.languages.map((code) => ({
      id: partId(id, `language/${code}`),
      service_id: id,
      name: languageName(code),
      code,
    })),
    // Sorted by HSDS id, so two directories with the same content give the same document.
    service_at_locations: places
      .map((location) => {
        const locationId = ids.idOf('location', location.id);
        return {
          id: serviceAtLocationId(id, locationId),
          service_id: id,
          location_id: locationId,
          location: locationObject(location, ids),
        };
      })
      .sort((a, b) => a.location_id.localeCompare(b.location_id)),
    required_documents: service.requiredDocuments
      ? [{ id: partId(id, 'required_document'), service_id: id, document: service.requiredDocuments }]
      : [],
    attributes: service.termIds
      .map((termId) => termsById.get(termId))
      .filter((term): term is TaxonomyTerm => term !== undefined)
      .sort((a, b) => a.sortOrder - b.sortOrder || a.id.localeCompare(b.id))
      .map((term) => {
        const termObjectValue = termObject(around.terms, term, ids);
        return {
          id: partId(id, `attribute/${String(termObjectValue['id'])}`),
          link_id: id,
          link_type: 'category',
          link_entity: 'service',
          taxonomy_term_id: termObjectValue['id'],
          taxonomy_term: termObjectValue,
        };
      }),
    capacities:
      service.freePlaces === null
        ? []
        : [
            {
              id: partId(id, 'capacity'),
              service_id: id,
              unit: { id: UNIT_ID, name: 'Platz', scheme: 'jmd-partnernetz', identifier: 'platz' },
              available: service.freePlaces,
              updated: service.freePlacesUpdatedAt ?? service.updatedAt,
            },
          ],
  };
  if (options.withOrganization !== false)
    object['organization'] = organizationListObject(around.organization, ids);
  return compact(object);
}

/** A fully nested organization: its places and its services (full, or their one-to-one fields). */
export function organizationFullObject(
  organization: Organization,
  services: Service[],
  around: { locations: Location[]; terms: TaxonomyTerm[] },
  ids: IdResolver,
  options: { fullService: boolean },
): HsdsObject {
  const id = ids.idOf('organization', organization.id);
  return {
    ...organizationListObject(organization, ids),
    phones: organization.phone
      ? [{ id: partId(id, 'phone'), organization_id: id, number: organization.phone }]
      : [],
    locations: around.locations
      .filter((l) => l.organizationId === organization.id && l.archivedAt === null)
      .map((l) => locationObject(l, ids)),
    services: services.map((service) =>
      options.fullService
        ? serviceFullObject(service, { organization, ...around }, ids, { withOrganization: false })
        : serviceListObject(service, ids),
    ),
  };
}
