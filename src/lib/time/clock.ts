/** Where the current time comes from. Domain code never calls it: it reads `ctx.now`, set once per request or job. */
export interface Clock {
  now(): Date;
}

/** The real clock: the only place in src/ that reads the wall clock for domain decisions. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock tests set and move (`advance`), so time-dependent behaviour is tested without sleeping. */
export function fixedClock(start: Date): Clock & { set(at: Date): void; advance(ms: number): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (at) => {
      current = new Date(at);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
}

/**
 * Tests of the built server only (TEST_CLOCK_FILE, refused in production by the config): the wall clock moved by
 * the number of milliseconds written in `file` (missing or junk: not moved). A test moves the running app's time by
 * writing the file, e.g. three weeks ahead, instead of waiting.
 */
export function offsetFileClock(file: string, read: (path: string) => string | null): Clock {
  return {
    now: () => {
      const offset = Number((read(file) ?? '').trim());
      return new Date(Date.now() + (Number.isFinite(offset) ? offset : 0));
    },
  };
}
