import { findUserById } from '../auth/auth.queries';
import type { Executor } from '../db/executor';
import { findOrganization } from '../directory/organization.queries';
import { findService, listLocations } from '../directory/service.queries';
import type { Referral } from './referral';
import type { SenderContact } from './referral-mail';

/**
 * Who sent a referral: the caseworker's name and e-mail, the office's name, address, phone and e-mail — professional
 * contact data the partner needs to reach the sender (no consent needed). A deactivated caseworker's e-mail is left
 * out, so questions go to the office.
 */
export async function findSenderContact(
  db: Executor,
  referral: Pick<Referral, 'senderUserId' | 'senderOfficeId'>,
): Promise<SenderContact> {
  const [user, office] = await Promise.all([
    findUserById(db, referral.senderUserId),
    findOrganization(db, referral.senderOfficeId),
  ]);
  const address = office
    ? [office.street, [office.postcode, office.city].filter(Boolean).join(' ')].filter(Boolean).join(', ')
    : '';
  return {
    caseworkerName: user?.displayName ?? 'Fachkraft',
    caseworkerEmail: user?.active ? user.email : null,
    officeName: office?.name ?? 'Jugendmigrationsdienst',
    officePhone: office?.phone ?? null,
    officeEmail: office?.email ?? null,
    officeAddress: address || null,
  };
}

/** The offer a referral went to, as the referral page shows it: name, phone, contact person, addresses. */
export interface ReferralOffer {
  serviceId: string;
  name: string;
  organizationName: string;
  phone: string | null;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  /** One line per place ("Name, Straße, PLZ Ort"). */
  addresses: string[];
}

/** The offer of a referral with its phone and addresses, or null when it no longer exists. */
export async function findReferralOffer(db: Executor, serviceId: string): Promise<ReferralOffer | null> {
  const service = await findService(db, serviceId);
  if (!service) return null;
  const places = await listLocations(db, { ids: service.locationIds, archived: false });
  return {
    serviceId: service.id,
    name: service.name,
    organizationName: service.organizationName,
    phone: service.phone,
    contactName: service.contact?.name ?? null,
    contactPhone: service.contact?.phone ?? null,
    contactEmail: service.contact?.email ?? null,
    addresses: places.map((place) =>
      [place.name, place.street, [place.postcode, place.city].filter(Boolean).join(' ')]
        .filter(Boolean)
        .join(', '),
    ),
  };
}
