import type { ColumnType, Insertable, Selectable } from 'kysely';

/** taxonomy_term: one node of the German category tree (HSDS taxonomy_term). */
export interface TaxonomyTermTable {
  id: string;
  parent_id: string | null;
  name: string;
  description: string | null;
  sort_order: number;
  is_custom: number;
  created_at: string;
}

/** taxonomy_state: one row; its generation rises with every write of categories or aliases (decision 0028). */
export interface TaxonomyStateTable {
  id: number;
  generation: number;
}

/** service: what an organization offers (HSDS service). */
export interface ServiceTable {
  id: string;
  organization_id: string;
  external_id: string | null;
  name: string;
  description: string | null;
  min_age: number | null;
  max_age: number | null;
  eligibility_notes: string | null;
  free_of_charge: number | null;
  fees_description: string | null;
  application_process: string | null;
  required_documents: string | null;
  accessibility: string | null;
  wheelchair_accessible: number | null;
  free_places: number | null;
  free_places_updated_at: string | null;
  opening_hours: string;
  closed_on_holidays: number;
  status: string;
  assured_date: string | null;
  assurer_user_id: string | null;
  /** Where the last confirmation came from (see ASSURED_SOURCES). */
  assured_source: string | null;
  /** When an import last wrote the entry ("Stand laut Import"), and which import. */
  imported_at: string | null;
  import_id: string | null;
  temporarily_closed_until: string | null;
  next_intake_on: string | null;
  archived_at: string | null;
  needs_review: number;
  is_sample: number;
  /** Published through the HSDS API without a key (HSDS_PUBLIC=1); set by src/lib/hsds, default 0. */
  is_public: ColumnType<number, number | undefined, number>;
  version: number;
  created_at: string;
  updated_at: string;
}

/** service_taxonomy: a service's categories. */
export interface ServiceTaxonomyTable {
  service_id: string;
  term_id: string;
}

/** service_language: ISO 639 codes of the languages a service is offered in. */
export interface ServiceLanguageTable {
  service_id: string;
  language: string;
}

/** location: a place where services are offered (HSDS location + address). */
export interface LocationTable {
  id: string;
  organization_id: string;
  name: string | null;
  street: string | null;
  postcode: string | null;
  city: string | null;
  district: string | null;
  latitude: number | null;
  longitude: number | null;
  transit_notes: string | null;
  archived_at: string | null;
  needs_review: number;
  version: number;
  created_at: string;
  updated_at: string;
}

/** service_at_location: which service is offered where. */
export interface ServiceAtLocationTable {
  id: string;
  service_id: string;
  location_id: string;
}

/** contact: a named person to ask for. */
export interface ContactTable {
  id: string;
  service_id: string;
  name: string;
  title: string | null;
  email: string | null;
  sort_order: number;
}

/** phone: a number of a service or of a contact. */
export interface PhoneTable {
  id: string;
  service_id: string | null;
  contact_id: string | null;
  number: string;
  description: string | null;
}

/** schedule: one weekly opening interval (HSDS schedule with freq WEEKLY, byday, opens_at, closes_at). */
export interface ScheduleTable {
  id: string;
  service_id: string;
  freq: string;
  byday: string;
  opens_at: string;
  closes_at: string;
  valid_from: string | null;
  valid_to: string | null;
}

/** entry_change: who changed which field of a directory entry from what to what, when. */
export interface EntryChangeTable {
  id: string;
  entity_type: string;
  entity_id: string;
  field: string;
  old_value: string | null;
  new_value: string | null;
  changed_by: string | null;
  changed_at: string;
  via: string;
  request_id: string | null;
}

/** postcode_centroid: coordinates of a postcode for "near postcode X". */
export interface PostcodeCentroidTable {
  postcode: string;
  place: string | null;
  latitude: number;
  longitude: number;
  source: string;
}

export type ServiceRow = Selectable<ServiceTable>;
export type NewServiceRow = Insertable<ServiceTable>;
export type LocationRow = Selectable<LocationTable>;
export type TaxonomyTermRow = Selectable<TaxonomyTermTable>;
export type EntryChangeRow = Selectable<EntryChangeTable>;
