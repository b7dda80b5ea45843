/**
 * The one result of a change (docs/decisions/0011-one-shape-for-a-change.md). Expected failures are values, the
 * unexpected throws. `respond` in src/lib/http/respond.ts turns each kind into one HTTP status and page state.
 */

/** Field name → the first German message for it; `_form` is a message about the whole form. */
export type FieldErrors = Record<string, string>;

/** The change happened; `value` is what it made or changed. */
export interface Ok<T> {
  ok: true;
  value: T;
}

/** The input breaks a rule; each field names what is wrong and how to fix it (422). */
export interface Invalid {
  ok: false;
  kind: 'invalid';
  errors: FieldErrors;
}

/** Someone changed the object first (stale version or state); `current` is what the user should see now (409). */
export interface Conflict<C> {
  ok: false;
  kind: 'conflict';
  message: string;
  current: C | null;
}

/** The object does not exist for this actor — also when it exists but is foreign (404, never 403). */
export interface NotFound {
  ok: false;
  kind: 'not_found';
}

/** The actor may see the object but not do this to it now; `reason` says why in German (403). */
export interface Refused {
  ok: false;
  kind: 'refused';
  reason: string;
}

/** The outcome of every mutation: ok · invalid · conflict · not found · refused. */
export type Result<T, C = unknown> = Ok<T> | Invalid | Conflict<C> | NotFound | Refused;

/** Any failed result. */
export type Failure<C = unknown> = Invalid | Conflict<C> | NotFound | Refused;

/** A successful result. */
export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

/** An input error: field → German message (use `_form` for the form as a whole). */
export function invalid(errors: FieldErrors): Invalid {
  return { ok: false, kind: 'invalid', errors };
}

/** A stale write: the German message and the current state to show. */
export function conflict<C>(message: string, current: C | null = null): Conflict<C> {
  return { ok: false, kind: 'conflict', message, current };
}

/** The object is unknown to the actor. */
export function notFound(): NotFound {
  return { ok: false, kind: 'not_found' };
}

/** The action is not possible for this actor or in this state, with a German reason. */
export function refused(reason: string): Refused {
  return { ok: false, kind: 'refused', reason };
}

/** Whether a result is a failure (narrows for early returns: `if (isFailure(r)) return r;`). */
export function isFailure<T, C>(result: Result<T, C>): result is Failure<C> {
  return !result.ok;
}
