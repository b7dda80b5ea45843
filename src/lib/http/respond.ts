import type { AstroGlobal } from 'astro';
import type { ActionActor, ActionContext } from '../action/context';
import type { FieldErrors, Result } from '../action/result';
import { setFlash } from './flash';
import { UNKNOWN_ACTION_MESSAGE, type FormValues, type ParsedForm } from './form';
import { notFound } from './guard';
import { safeLocalPath } from './request';

/** What a page renders when a POST did not go through: status is already set on the response. */
export interface PageFailure<C = unknown> {
  errors: FieldErrors;
  values: FormValues;
  /** The current state after a conflict, to show beside the user's input. */
  current: C | null;
}

/** The context of an action taken from a page: the signed-in user (or `actor`), request id, request time, config. */
export function ctxOf(astro: AstroGlobal, actor?: ActionActor): ActionContext {
  const user = astro.locals.user;
  return {
    actor: actor ?? (user ? { kind: 'user', user } : { kind: 'anonymous' }),
    requestId: astro.locals.requestId,
    now: astro.locals.now,
    config: astro.locals.app.config,
  };
}

/** A form that did not parse: 422, its errors and what was typed. */
export function respondInvalid(
  astro: AstroGlobal,
  parsed: Extract<ParsedForm<unknown>, { ok: false }>,
): PageFailure<never> {
  astro.response.status = 422;
  return { errors: parsed.errors, values: parsed.values, current: null };
}

/** A form whose action the page does not know (tampered or outdated): 422 with the German message. */
export function respondUnknownAction(astro: AstroGlobal): PageFailure<never> {
  astro.response.status = 422;
  return { errors: { _form: UNKNOWN_ACTION_MESSAGE }, values: {}, current: null };
}

/** Where to go and what to say after a successful POST. */
export interface RespondOptions<T> {
  /** German message shown once on the next page. */
  success: string | ((value: T) => string);
  /** Same-site path to redirect to (303, Post/Redirect/Get): a reload never re-submits. */
  redirect: string | ((value: T) => string);
}

/**
 * The one way from a Result to HTTP: ok → message and 303 redirect; invalid → 422; conflict → 409 with the current
 * state; refused → 403 with the reason; not found → the German 404 page. Pages render a PageFailure with `values`.
 */
export async function respond<T, C>(
  astro: AstroGlobal,
  result: Result<T, C>,
  options: RespondOptions<T>,
  values: FormValues = {},
): Promise<Response | PageFailure<C>> {
  if (result.ok) {
    const message = typeof options.success === 'function' ? options.success(result.value) : options.success;
    const target = typeof options.redirect === 'function' ? options.redirect(result.value) : options.redirect;
    setFlash(astro.cookies, message, astro.locals.app.config.isProduction);
    return astro.redirect(safeLocalPath(target, '/'), 303);
  }
  switch (result.kind) {
    case 'not_found':
      return notFound(astro);
    case 'invalid':
      astro.response.status = 422;
      return { errors: result.errors, values, current: null };
    case 'conflict':
      astro.response.status = 409;
      return { errors: { _form: result.message }, values, current: result.current };
    case 'refused':
      astro.response.status = 403;
      return { errors: { _form: result.reason }, values, current: null };
  }
}

/** Where to go and what to say after a form's action went through; messages and targets may read the input too. */
export interface FormRespondOptions<I, T> {
  /** German message shown once on the next page. */
  success: string | ((value: T, input: I) => string);
  /** Same-site path to redirect to (303, Post/Redirect/Get). */
  redirect: string | ((value: T, input: I) => string);
  /**
   * Whether a refused, conflicting or invalid result keeps what was typed (default). Off for buttons whose form
   * shows the stored state again after a failure; a form that did not parse keeps its values either way.
   */
  keepValues?: boolean;
}

/**
 * A page's POST in one call: a form that did not parse → 422 with what was typed (`respondInvalid`); otherwise
 * `run` takes the parsed input and its result goes the one way to HTTP (`respond`).
 */
export async function respondToForm<I, T, C>(
  astro: AstroGlobal,
  parsed: ParsedForm<I>,
  run: (input: I) => Promise<Result<T, C>>,
  options: FormRespondOptions<I, T>,
): Promise<Response | PageFailure<C>> {
  if (!parsed.ok) return respondInvalid(astro, parsed);
  const input = parsed.value;
  const { success, redirect } = options;
  return respond(
    astro,
    await run(input),
    {
      success: typeof success === 'function' ? (value) => success(value, input) : success,
      redirect: typeof redirect === 'function' ? (value) => redirect(value, input) : redirect,
    },
    options.keepValues === false ? {} : parsed.values,
  );
}
