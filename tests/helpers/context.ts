import type { ActionContext } from '../../src/lib/action/context';
import type { User } from '../../src/lib/auth/auth';
import { loadConfig } from '../../src/lib/config/config';

/**
 * The context of a change made by `user` in a test. Pass `now` (e.g. from fixedClock) where time matters;
 * tests that only need "some time" get the moment of the call.
 */
export function userContext(
  user: User,
  options: { now?: Date; requestId?: string | null; databaseUrl?: string } = {},
): ActionContext {
  return {
    actor: { kind: 'user', user },
    requestId: options.requestId ?? null,
    now: options.now ?? new Date(),
    config: loadConfig({ DATABASE_URL: options.databaseUrl ?? 'sqlite::memory:' }),
  };
}
