/** The four roles; every user has exactly one. */
export const ROLES = ['admin', 'coordinator', 'caseworker', 'partner'] as const;
export type Role = (typeof ROLES)[number];

/** German labels of the roles for the UI. */
export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administration',
  coordinator: 'Netzwerkkoordination',
  caseworker: 'Fachkraft (JMD)',
  partner: 'Partnereinrichtung',
};

/** Where each role lands after signing in. */
export const START_PAGES: Record<Role, string> = {
  admin: '/admin',
  coordinator: '/netzwerk',
  caseworker: '/vermittlungen',
  partner: '/eingang',
};
