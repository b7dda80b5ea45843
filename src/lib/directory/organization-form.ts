import type { Organization } from './organization';

/** The form values (as typed strings) of an existing organization, for the edit form. */
export function organizationToFormValues(organization: Organization): Record<string, string> {
  const decimal = (value: number | null) => (value === null ? '' : String(value).replace('.', ','));
  return {
    kind: organization.kind,
    category: organization.category ?? '',
    parentId: organization.parentId ?? '',
    name: organization.name,
    street: organization.street ?? '',
    postcode: organization.postcode ?? '',
    city: organization.city ?? '',
    district: organization.district ?? '',
    latitude: decimal(organization.latitude),
    longitude: decimal(organization.longitude),
    phone: organization.phone ?? '',
    email: organization.email ?? '',
    website: organization.website ?? '',
    languages: organization.languages.join(', '),
    description: organization.description ?? '',
  };
}
