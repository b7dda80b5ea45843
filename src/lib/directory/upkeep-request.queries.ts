/**
 * The confirmation request tables: upkeep_request (one per partner organisation and round) and upkeep_request_service
 * (its entries and their answers). Their single-use links (upkeep_link) are the shared link module's (links/).
 * @module
 */
import type { Executor } from '../db/executor';
import { REQUEST_STATUSES, type RequestStatus, type UpkeepRequest } from './upkeep-request';

const asStatus = (status: string): RequestStatus =>
  (REQUEST_STATUSES as readonly string[]).includes(status) ? (status as RequestStatus) : 'sent';

/** Stores a new request listing `serviceIds`. */
export async function insertUpkeepRequest(
  db: Executor,
  request: { id: string; organizationId: string; serviceIds: string[] },
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await db
    .insertInto('upkeep_request')
    .values({
      id: request.id,
      organization_id: request.organizationId,
      status: 'sent',
      sent_at: at,
      reminded_at: null,
      answered_at: null,
      escalated_at: null,
      updated_at: at,
    })
    .execute();
  await db
    .insertInto('upkeep_request_service')
    .values(
      request.serviceIds.map((serviceId) => ({
        request_id: request.id,
        service_id: serviceId,
        answer: null,
        answered_at: null,
      })),
    )
    .execute();
}

function requestQuery(db: Executor) {
  return db
    .selectFrom('upkeep_request')
    .innerJoin('organization', 'organization.id', 'upkeep_request.organization_id')
    .selectAll('upkeep_request')
    .select((eb) => [
      'organization.name as organization_name',
      eb
        .selectFrom('upkeep_request_service')
        .select((e) => e.fn.countAll().as('n'))
        .whereRef('upkeep_request_service.request_id', '=', 'upkeep_request.id')
        .as('services'),
      eb
        .selectFrom('upkeep_request_service')
        .select((e) => e.fn.countAll().as('n'))
        .whereRef('upkeep_request_service.request_id', '=', 'upkeep_request.id')
        .where('upkeep_request_service.answer', 'is not', null)
        .as('answered'),
    ]);
}

type RequestRow = Awaited<ReturnType<ReturnType<typeof requestQuery>['execute']>>[number];

function rowToRequest(row: RequestRow): UpkeepRequest {
  return {
    id: row.id,
    organizationId: row.organization_id,
    organizationName: row.organization_name,
    status: asStatus(row.status),
    sentAt: row.sent_at,
    remindedAt: row.reminded_at,
    answeredAt: row.answered_at,
    escalatedAt: row.escalated_at,
    services: Number(row.services ?? 0),
    answered: Number(row.answered ?? 0),
  };
}

/** Finds a request. */
export async function findUpkeepRequest(db: Executor, id: string): Promise<UpkeepRequest | null> {
  const row = await requestQuery(db).where('upkeep_request.id', '=', id).executeTakeFirst();
  return row ? rowToRequest(row) : null;
}

/** Lists requests, newest first; `statuses` narrows them. */
export async function listUpkeepRequests(
  db: Executor,
  filter: { statuses?: RequestStatus[]; organizationId?: string; limit?: number } = {},
): Promise<UpkeepRequest[]> {
  let query = requestQuery(db);
  if (filter.statuses) query = query.where('upkeep_request.status', 'in', filter.statuses);
  if (filter.organizationId)
    query = query.where('upkeep_request.organization_id', '=', filter.organizationId);
  const rows = await query
    .orderBy('upkeep_request.sent_at', 'desc')
    .orderBy('upkeep_request.id')
    .limit(filter.limit ?? 500)
    .execute();
  return rows.map(rowToRequest);
}

/** How many requests are in each state. */
export async function countUpkeepRequestsByStatus(db: Executor): Promise<Record<RequestStatus, number>> {
  const rows = await db
    .selectFrom('upkeep_request')
    .select((eb) => ['status', eb.fn.countAll().as('n')])
    .groupBy('status')
    .execute();
  const counts: Record<RequestStatus, number> = { sent: 0, reminded: 0, answered: 0, escalated: 0 };
  for (const row of rows) counts[asStatus(row.status)] += Number(row.n);
  return counts;
}

/** Moves a request to `status` if it is still in one of `from`; stamps the matching date. */
export async function updateUpkeepRequestStatus(
  db: Executor,
  id: string,
  from: RequestStatus[],
  status: RequestStatus,
  now: Date,
): Promise<boolean> {
  const at = now.toISOString();
  const result = await db
    .updateTable('upkeep_request')
    .set({
      status,
      ...(status === 'reminded' && { reminded_at: at }),
      ...(status === 'answered' && { answered_at: at }),
      ...(status === 'escalated' && { escalated_at: at }),
      updated_at: at,
    })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The entries of a request with their answers. */
export async function listUpkeepRequestServices(
  db: Executor,
  requestId: string,
): Promise<{ serviceId: string; answer: string | null; answeredAt: string | null }[]> {
  const rows = await db
    .selectFrom('upkeep_request_service')
    .selectAll()
    .where('request_id', '=', requestId)
    .execute();
  return rows.map((row) => ({ serviceId: row.service_id, answer: row.answer, answeredAt: row.answered_at }));
}

/** Records answers for entries of open requests (any request listing them unanswered); returns the requests touched. */
export async function answerRequestServices(
  db: Executor,
  serviceIds: string[],
  answer: 'confirmed' | 'changed',
  now: Date,
): Promise<string[]> {
  if (serviceIds.length === 0) return [];
  const open = await db
    .selectFrom('upkeep_request_service')
    .innerJoin('upkeep_request', 'upkeep_request.id', 'upkeep_request_service.request_id')
    .select('upkeep_request_service.request_id')
    .where('upkeep_request_service.service_id', 'in', serviceIds)
    .where('upkeep_request_service.answer', 'is', null)
    .where('upkeep_request.status', 'in', ['sent', 'reminded', 'escalated'])
    .execute();
  const requestIds = [...new Set(open.map((row) => row.request_id))];
  if (requestIds.length === 0) return [];
  await db
    .updateTable('upkeep_request_service')
    .set({ answer, answered_at: now.toISOString() })
    .where('request_id', 'in', requestIds)
    .where('service_id', 'in', serviceIds)
    .where('answer', 'is', null)
    .execute();
  return requestIds;
}

/** Whether every entry of a request has an answer. */
export async function isUpkeepRequestComplete(db: Executor, requestId: string): Promise<boolean> {
  const row = await db
    .selectFrom('upkeep_request_service')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('request_id', '=', requestId)
    .where('answer', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n) === 0;
}

/** The unanswered entries of requests that went to the coordinator's list (no answer after the reminder). */
export async function listEscalatedServiceIds(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom('upkeep_request_service')
    .innerJoin('upkeep_request', 'upkeep_request.id', 'upkeep_request_service.request_id')
    .select('upkeep_request_service.service_id')
    .where('upkeep_request.status', '=', 'escalated')
    .where('upkeep_request_service.answer', 'is', null)
    .execute();
  return [...new Set(rows.map((row) => row.service_id))];
}
