/**
 * What the organization pages show: field labels, messages and the conflict view. Pure functions, unit-tested.
 * @module
 */
import type { FormValues } from '../http/form';
import type { Organization, OrganizationKind } from './organization';
import { organizationToFormValues } from './organization-form';

/** German labels of the organization form's fields (history and conflict view). */
export const ORGANIZATION_FIELD_LABELS: Record<string, string> = {
  kind: 'Art',
  category: 'Bereich',
  parentId: 'Träger',
  name: 'Name',
  street: 'Straße',
  postcode: 'Postleitzahl',
  city: 'Ort',
  district: 'Stadtteil',
  latitude: 'Breitengrad',
  longitude: 'Längengrad',
  phone: 'Telefon',
  email: 'E-Mail-Adresse',
  website: 'Webseite',
  languages: 'Sprachen',
  description: 'Beschreibung',
  active: 'Status',
};

/** The label of a field in the organization's history. */
export function organizationFieldLabel(field: string): string {
  return ORGANIZATION_FIELD_LABELS[field] ?? field;
}

/** After a conflict: the fields whose stored value differs from what the user typed, with the stored value. */
export function organizationConflictFields(
  current: Organization,
  typed: FormValues,
): { label: string; value: string }[] {
  return Object.entries(organizationToFormValues(current))
    .filter(([key, value]) => [typed[key] ?? ''].flat().join(', ') !== value)
    .map(([key, value]) => ({ label: organizationFieldLabel(key), value: value || '(leer)' }));
}

/** The message after creating an organization. */
export function organizationCreatedMessage(kind: OrganizationKind): string {
  return kind === 'partner' ? 'Die Partnereinrichtung ist angelegt.' : 'Die Organisation ist angelegt.';
}

/** The message after the status button. */
export function organizationStatusMessage(active: boolean): string {
  return active
    ? 'Die Organisation ist wieder aktiv.'
    : 'Die Organisation ist deaktiviert und erscheint nicht mehr im Verzeichnis.';
}

/**
 * The office line at the foot of a handout: "JMD Lübeck, Mengstraße 30, 23552 Lübeck, Tel. 0451 …" — each part
 * only when known, no space before a comma.
 */
export function officeFooterLine(
  office: Pick<Organization, 'name' | 'street' | 'postcode' | 'city' | 'phone'> | null | undefined,
): string {
  if (!office) return 'Ihrem Jugendmigrationsdienst';
  const place = [office.postcode, office.city].filter(Boolean).join(' ');
  return [office.name, office.street, place, office.phone ? `Tel. ${office.phone}` : null]
    .filter(Boolean)
    .join(', ');
}
