import type { OrganizationTable } from '../directory/organization.table';
import type { LoginAttemptTable, PasswordTokenTable, SessionTable, UserTable } from '../auth/auth.table';
import type { AuditLogTable } from '../audit/audit.table';

/** Every table the app knows, keyed by its SQL name. */
export interface Database {
  organization: OrganizationTable;
  app_user: UserTable;
  session: SessionTable;
  login_attempt: LoginAttemptTable;
  password_token: PasswordTokenTable;
  audit_log: AuditLogTable;
}
