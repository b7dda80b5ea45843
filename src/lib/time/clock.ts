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
