import { describe, expect, it } from 'vitest';
import {
  decideRestart,
  HEALTHY_AFTER_MS,
  MAX_DELAY_MS,
  MAX_EARLY_DEATHS,
} from '../../src/lib/http/restart-policy';

describe('replacing a dead worker', () => {
  it('replaces a worker that served a while at once and forgets earlier early deaths', () => {
    expect(decideRestart(HEALTHY_AFTER_MS, 4)).toEqual({ kind: 'restart', delayMs: 0, earlyDeaths: 0 });
  });

  it('waits twice as long after each worker that died soon after it started', () => {
    const delays: number[] = [];
    let earlyDeaths = 0;
    for (let i = 0; i < MAX_EARLY_DEATHS - 1; i++) {
      const decision = decideRestart(100, earlyDeaths);
      if (decision.kind !== 'restart') throw new Error('gave up too early');
      delays.push(decision.delayMs);
      earlyDeaths = decision.earlyDeaths;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_DELAY_MS);
  });

  it('gives up instead of forking in a loop when workers keep dying at start', () => {
    expect(decideRestart(100, MAX_EARLY_DEATHS - 1)).toEqual({ kind: 'give_up' });
  });
});
