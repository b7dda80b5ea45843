/** term_alias: a coordinator's name for a category or language, chosen in an import and used from then on. */
export interface TermAliasTable {
  /** 'category' or 'language'. */
  kind: string;
  /** The alias folded (see foldCell), unique per kind. */
  alias_key: string;
  alias: string;
  /** A taxonomy_term id or an ISO 639 code. */
  target: string;
  created_by: string | null;
  created_at: string;
}

/** upkeep_request: one confirmation request to a partner organisation, listing its due entries. */
export interface UpkeepRequestTable {
  id: string;
  organization_id: string;
  /** 'sent' · 'reminded' · 'answered' · 'escalated' (no answer after the reminder: on the coordinator's list). */
  status: string;
  sent_at: string;
  reminded_at: string | null;
  answered_at: string | null;
  escalated_at: string | null;
  updated_at: string;
}

/** upkeep_request_service: the entries a request lists and how each was answered. */
export interface UpkeepRequestServiceTable {
  request_id: string;
  service_id: string;
  /** null (open), 'confirmed' or 'changed'. */
  answer: string | null;
  answered_at: string | null;
}

/** upkeep_link: a single-use link to a request for an organisation without an account (hashes only). */
export interface UpkeepLinkTable {
  id: string;
  request_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  access_hash: string | null;
  revoked_at: string | null;
}

/** error_report: a caseworker's "Fehler melden" on an offer. */
export interface ErrorReportTable {
  id: string;
  service_id: string;
  reporter_user_id: string | null;
  kind: string;
  note: string | null;
  /** 'open' · 'forwarded' · 'resolved' · 'dismissed'. */
  status: string;
  created_at: string;
  forwarded_at: string | null;
  resolved_at: string | null;
  updated_at: string;
  version: number;
}
