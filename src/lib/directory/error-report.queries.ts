import type { Executor } from '../db/executor';
import {
  ERROR_KINDS,
  ERROR_REPORT_STATUSES,
  type ErrorKind,
  type ErrorReport,
  type ErrorReportStatus,
} from './error-report';

// error_report: caseworkers' reports of wrong entries, through the coordinator to the partner and back.

function reportQuery(db: Executor) {
  return db
    .selectFrom('error_report')
    .innerJoin('service', 'service.id', 'error_report.service_id')
    .innerJoin('organization', 'organization.id', 'service.organization_id')
    .selectAll('error_report')
    .select(['service.name as service_name', 'organization.name as organization_name']);
}

type ReportRow = Awaited<ReturnType<ReturnType<typeof reportQuery>['execute']>>[number];

function rowToReport(row: ReportRow): ErrorReport {
  return {
    id: row.id,
    serviceId: row.service_id,
    serviceName: row.service_name,
    organizationName: row.organization_name,
    reporterUserId: row.reporter_user_id,
    kind: (ERROR_KINDS as readonly string[]).includes(row.kind) ? (row.kind as ErrorKind) : 'other',
    note: row.note,
    status: (ERROR_REPORT_STATUSES as readonly string[]).includes(row.status)
      ? (row.status as ErrorReportStatus)
      : 'open',
    createdAt: row.created_at,
    forwardedAt: row.forwarded_at,
    resolvedAt: row.resolved_at,
    version: Number(row.version),
  };
}

/** Stores a new report. */
export async function insertErrorReport(
  db: Executor,
  report: {
    id: string;
    serviceId: string;
    reporterUserId: string | null;
    kind: ErrorKind;
    note: string | null;
  },
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await db
    .insertInto('error_report')
    .values({
      id: report.id,
      service_id: report.serviceId,
      reporter_user_id: report.reporterUserId,
      kind: report.kind,
      note: report.note,
      status: 'open',
      created_at: at,
      forwarded_at: null,
      resolved_at: null,
      updated_at: at,
      version: 1,
    })
    .execute();
}

/** Finds a report. */
export async function findErrorReport(db: Executor, id: string): Promise<ErrorReport | null> {
  const row = await reportQuery(db).where('error_report.id', '=', id).executeTakeFirst();
  return row ? rowToReport(row) : null;
}

/** Lists reports, oldest first: by states, by service, by reporter. */
export async function listErrorReports(
  db: Executor,
  filter: {
    statuses?: ErrorReportStatus[];
    serviceId?: string;
    reporterUserId?: string;
    organizationId?: string;
  },
): Promise<ErrorReport[]> {
  let query = reportQuery(db);
  if (filter.statuses) query = query.where('error_report.status', 'in', filter.statuses);
  if (filter.serviceId) query = query.where('error_report.service_id', '=', filter.serviceId);
  if (filter.reporterUserId) query = query.where('error_report.reporter_user_id', '=', filter.reporterUserId);
  if (filter.organizationId) query = query.where('service.organization_id', '=', filter.organizationId);
  const rows = await query.orderBy('error_report.created_at').orderBy('error_report.id').limit(500).execute();
  return rows.map(rowToReport);
}

/** Moves a report to `status` if its version still matches; stamps the matching date. */
export async function updateErrorReportStatus(
  db: Executor,
  id: string,
  version: number,
  status: ErrorReportStatus,
  now: Date,
): Promise<boolean> {
  const at = now.toISOString();
  const result = await db
    .updateTable('error_report')
    .set({
      status,
      ...(status === 'forwarded' && { forwarded_at: at }),
      ...((status === 'resolved' || status === 'dismissed') && { resolved_at: at }),
      version: version + 1,
      updated_at: at,
    })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Resolves every forwarded report of a service (the partner updated it); returns how many. */
export async function resolveForwardedReports(db: Executor, serviceId: string, now: Date): Promise<number> {
  const at = now.toISOString();
  const result = await db
    .updateTable('error_report')
    .set((eb) => ({ status: 'resolved', resolved_at: at, updated_at: at, version: eb('version', '+', 1) }))
    .where('service_id', '=', serviceId)
    .where('status', '=', 'forwarded')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
