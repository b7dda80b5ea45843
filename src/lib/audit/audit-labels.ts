/** German labels of the recorded actions for the audit viewer; unknown actions show their key. */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'auth.sign_in': 'Anmeldung',
  'auth.sign_out': 'Abmeldung',
  'auth.session_end': 'Sitzung beendet',
  'auth.password_change': 'Passwort geändert',
  'auth.password_set_by_link': 'Passwort über Link gesetzt',
  'user.create': 'Konto angelegt',
  'user.read': 'Konto angesehen',
  'user.update': 'Konto geändert',
  'user.deactivate': 'Konto deaktiviert',
  'user.reactivate': 'Konto wieder aktiviert',
  'user.password_link': 'Passwort-Link erzeugt',
  'organization.create': 'Organisation angelegt',
  'organization.update': 'Organisation geändert',
  'organization.deactivate': 'Organisation deaktiviert',
  'organization.reactivate': 'Organisation wieder aktiviert',
  'audit.read': 'Protokoll angesehen',
  'service.create': 'Angebot angelegt',
  'service.update': 'Angebot geändert',
  'service.confirm': 'Angebot bestätigt',
  'service.archive': 'Angebot archiviert',
  'service.restore': 'Angebot wiederhergestellt',
  'service.approve': 'Änderung geprüft',
  'location.create': 'Standort angelegt',
  'location.update': 'Standort geändert',
  'taxonomy.create': 'Kategorie angelegt',
  'directory.import': 'CSV-Import',
};

/** German labels of the object types. */
export const AUDIT_OBJECT_LABELS: Record<string, string> = {
  user: 'Konto',
  organization: 'Organisation',
  session: 'Sitzung',
  audit_log: 'Protokoll',
  service: 'Angebot',
  location: 'Standort',
  taxonomy_term: 'Kategorie',
  import: 'Import',
};

/** The label of an action. */
export function auditActionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? action;
}
