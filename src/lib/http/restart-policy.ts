/**
 * When the cluster's primary replaces a worker that died (cluster.ts): at once after a worker that served a while,
 * with a doubling wait after workers that die soon after they started, and not at all after too many of those in a
 * row — a worker that cannot start (bad build, database gone) must not become a fork loop.
 * @module
 */

/** A worker that lived at least this long counts as healthy: the next death starts the backoff anew. */
export const HEALTHY_AFTER_MS = 30_000;
/** The first wait before replacing a worker that died early; doubles with every further early death. */
export const FIRST_DELAY_MS = 1_000;
/** The longest wait between two replacements. */
export const MAX_DELAY_MS = 30_000;
/** After this many early deaths in a row the primary gives up and stops with an error (exit code 1). */
export const MAX_EARLY_DEATHS = 6;

/** What to do about one dead worker. */
export type RestartDecision = { kind: 'restart'; delayMs: number; earlyDeaths: number } | { kind: 'give_up' };

/**
 * Decides about a worker that died unexpectedly, from how long it lived and how many workers died early before it.
 * Pure, so the backoff is tested without processes or time.
 */
export function decideRestart(livedMs: number, earlyDeathsBefore: number): RestartDecision {
  if (livedMs >= HEALTHY_AFTER_MS) return { kind: 'restart', delayMs: 0, earlyDeaths: 0 };
  const earlyDeaths = earlyDeathsBefore + 1;
  if (earlyDeaths >= MAX_EARLY_DEATHS) return { kind: 'give_up' };
  return {
    kind: 'restart',
    delayMs: Math.min(FIRST_DELAY_MS * 2 ** (earlyDeaths - 1), MAX_DELAY_MS),
    earlyDeaths,
  };
}
