import type { Insertable, Selectable } from 'kysely';

/** case_file: one young person's case, known outside the office only by its random code ("case" is reserved). */
export interface CaseFileTable {
  id: string;
  code: string;
  office_id: string;
  owner_user_id: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  delete_after: string;
  version: number;
  /** Set while the case is restricted (Art. 18 DSGVO): readable by its office, no new referrals, no sharing. */
  restricted_at?: string | null;
}

/** case_identity: the young person's personal data, kept apart and readable only by the owning office. */
export interface CaseIdentityTable {
  case_id: string;
  first_name: string | null;
  last_name: string | null;
  birth_date: string | null;
  phone: string | null;
  email: string | null;
  preferred_language: string | null;
  residence_status: string | null;
  qualifications: string | null;
  language_level: string | null;
  health_notes: string | null;
  updated_at: string;
  delete_after: string;
}

/** plan_step: a checkable step of the Förderplan. */
export interface PlanStepTable {
  id: string;
  case_id: string;
  title: string;
  due_on: string | null;
  status: 'open' | 'done' | 'dropped';
  done_at: string | null;
  created_at: string;
  updated_at: string;
  delete_after: string;
  version: number;
}

/** consent: the young person's release for one recipient organization, data categories and purpose. */
export interface ConsentTable {
  id: string;
  case_id: string;
  recipient_organization_id: string;
  /** Comma-separated data category codes. */
  categories: string;
  purpose: string;
  given_on: string;
  form: 'written' | 'oral';
  interpreter_used: number;
  obtained_by_user_id: string;
  guardian_consent: number;
  guardian_name: string | null;
  valid_until: string;
  revoked_on: string | null;
  revoked_by_user_id: string | null;
  created_at: string;
  delete_after: string;
}

export type CaseFileRow = Selectable<CaseFileTable>;
export type NewCaseFileRow = Insertable<CaseFileTable>;
export type CaseIdentityRow = Selectable<CaseIdentityTable>;
export type PlanStepRow = Selectable<PlanStepTable>;
export type ConsentRow = Selectable<ConsentTable>;
