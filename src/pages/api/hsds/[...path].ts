import type { APIRoute } from 'astro';
import { handleHsdsRequest } from '../../../lib/hsds/api';

/** `GET /api/hsds/…`: the HSDS 3.0 read API with the German profile (docs/api.md, src/lib/hsds/api.ts). */
export const GET: APIRoute = ({ locals, url, request }) =>
  handleHsdsRequest(locals.app, {
    url,
    headers: request.headers,
    user: locals.user,
    now: locals.now,
    address: locals.clientIp,
  });
