import type { OrganizationTable } from '../directory/organization.table';
import type {
  LoginAttemptTable,
  MfaRecoveryCodeTable,
  PasswordTokenTable,
  SessionTable,
  UserMfaTable,
  UserTable,
} from '../auth/auth.table';
import type { AuditChainHeadTable, AuditLogTable } from '../audit/audit.table';
import type { SearchChangeTable } from '../search/search.table';
import type { CaseFileTable, CaseIdentityTable, ConsentTable, PlanStepTable } from '../cases/case.table';
import type {
  DashboardVisitTable,
  ReferralEventTable,
  ReferralLinkTable,
  ReferralTable,
} from '../referrals/referral.table';
import type { ReferralMessageTable } from '../referrals/referral-message.table';
import type { ReferralReadTable } from '../referrals/referral-message.table';
import type { ReferralFollowupTable } from '../referrals/referral-followup.table';
import type { OutboxAttachmentTable, OutboxTable } from '../notify/outbox.table';
import type { JobLeaseTable } from '../jobs/job.table';
import type { PrivacyRunTable } from '../privacy/privacy.table';
import type { ImportJobFileTable, ImportJobTable } from '../directory/import.table';
import type {
  ErrorReportTable,
  TermAliasTable,
  UpkeepLinkTable,
  UpkeepRequestServiceTable,
  UpkeepRequestTable,
} from '../directory/upkeep.table';
import type {
  NetworkActionItemTable,
  NetworkAgendaItemTable,
  NetworkAttendanceTable,
  NetworkGroupTable,
  NetworkInvitationTable,
  NetworkLinkTable,
  NetworkMeetingTable,
  NetworkMemberTable,
  NetworkMinutesCorrectionTable,
  NetworkMinutesEntryTable,
  NetworkMinutesTable,
} from '../networks/networks.table';
import type {
  ContactTable,
  EntryChangeTable,
  LocationTable,
  PhoneTable,
  PostcodeCentroidTable,
  ScheduleTable,
  ServiceAtLocationTable,
  ServiceLanguageTable,
  ServiceTable,
  ServiceTaxonomyTable,
  TaxonomyStateTable,
  TaxonomyTermTable,
} from '../directory/directory.table';
import type { ApiKeyTable, ApiKeyWindowTable, HsdsIdentityTable } from '../hsds/hsds.table';
import type { HsdsClientWindowTable } from '../hsds/hsds.table';
import type {
  ReferralFactKindPeriodTable,
  ReferralFactMonthTable,
  ReferralFactPartnerPeriodTable,
  ReferralFactPlacePeriodTable,
  ReferralFactTable,
  SearchCountTable,
} from '../report/report.table';
import type {
  SearchTermBuiltinOffTable,
  SearchTermGroupTable,
  SearchVocabularyStateTable,
} from '../search/search.table';

/** Every table the app knows, keyed by its SQL name. */
export interface Database {
  organization: OrganizationTable;
  app_user: UserTable;
  session: SessionTable;
  login_attempt: LoginAttemptTable;
  password_token: PasswordTokenTable;
  audit_log: AuditLogTable;
  taxonomy_term: TaxonomyTermTable;
  taxonomy_state: TaxonomyStateTable;
  service: ServiceTable;
  service_taxonomy: ServiceTaxonomyTable;
  service_language: ServiceLanguageTable;
  location: LocationTable;
  service_at_location: ServiceAtLocationTable;
  contact: ContactTable;
  phone: PhoneTable;
  schedule: ScheduleTable;
  entry_change: EntryChangeTable;
  postcode_centroid: PostcodeCentroidTable;
  search_change: SearchChangeTable;
  case_file: CaseFileTable;
  case_identity: CaseIdentityTable;
  plan_step: PlanStepTable;
  consent: ConsentTable;
  referral: ReferralTable;
  referral_event: ReferralEventTable;
  referral_link: ReferralLinkTable;
  dashboard_visit: DashboardVisitTable;
  outbox: OutboxTable;
  job_lease: JobLeaseTable;
  import_job: ImportJobTable;
  import_job_file: ImportJobFileTable;
  // Working groups (issue #12)
  network_group: NetworkGroupTable;
  network_member: NetworkMemberTable;
  network_meeting: NetworkMeetingTable;
  network_agenda_item: NetworkAgendaItemTable;
  network_invitation: NetworkInvitationTable;
  network_link: NetworkLinkTable;
  network_minutes: NetworkMinutesTable;
  network_minutes_entry: NetworkMinutesEntryTable;
  network_minutes_correction: NetworkMinutesCorrectionTable;
  network_attendance: NetworkAttendanceTable;
  network_action_item: NetworkActionItemTable;
  outbox_attachment: OutboxAttachmentTable;
  // Privacy operations (issue #15)
  privacy_run: PrivacyRunTable;
  // The referral loop (issue #11)
  referral_message: ReferralMessageTable;
  referral_followup: ReferralFollowupTable;
  api_key: ApiKeyTable;
  api_key_window: ApiKeyWindowTable;
  hsds_identity: HsdsIdentityTable;
  // Directory upkeep (issue #14)
  term_alias: TermAliasTable;
  upkeep_request: UpkeepRequestTable;
  upkeep_request_service: UpkeepRequestServiceTable;
  upkeep_link: UpkeepLinkTable;
  error_report: ErrorReportTable;
  // Second factor and the audit hash chain (issue #15)
  user_mfa: UserMfaTable;
  mfa_recovery_code: MfaRecoveryCodeTable;
  audit_chain_head: AuditChainHeadTable;
  // Network report (issue #13)
  referral_fact: ReferralFactTable;
  referral_fact_month: ReferralFactMonthTable;
  referral_fact_place_period: ReferralFactPlacePeriodTable;
  referral_fact_kind_period: ReferralFactKindPeriodTable;
  referral_fact_partner_period: ReferralFactPartnerPeriodTable;
  search_count: SearchCountTable;
  // The search vocabulary coordinators maintain (issue #16, decision 0026)
  search_term_group: SearchTermGroupTable;
  search_term_builtin_off: SearchTermBuiltinOffTable;
  search_vocabulary_state: SearchVocabularyStateTable;
  // Rate limit of the anonymous HSDS API (hardening, 2026-12-03)
  hsds_client_window: HsdsClientWindowTable;
  // New-message markers (new-user review)
  referral_read: ReferralReadTable;
}
