import type { Insertable, Selectable, Updateable } from 'kysely';

/** organization: a Träger, a JMD office or a partner institution. */
export interface OrganizationTable {
  id: string;
  kind: 'traeger' | 'jmd_office' | 'partner';
  category: string | null;
  parent_id: string | null;
  name: string;
  street: string | null;
  postcode: string | null;
  city: string | null;
  district: string | null;
  latitude: number | null;
  longitude: number | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  languages: string;
  description: string | null;
  is_sample: number;
  needs_review: number;
  active: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export type OrganizationRow = Selectable<OrganizationTable>;
export type NewOrganizationRow = Insertable<OrganizationTable>;
export type OrganizationUpdate = Updateable<OrganizationTable>;
