import { describe, expect, it } from 'vitest';
import { caughtUp, CAUGHT_UP_WITHIN, reconcilerTiming } from '../../monitors/role.ts';
import { longestRetryWaitMs, retryPolicy } from '../../channels/retryPolicy.ts';

describe('the monitors role: the reconciler timing and gate', () => {
  it('stuck after the longest retry delay with jitter, the longest provider timeout and a minute; rounds four times per that, 1-30 s apart', () => {
    const pipeline = { stuckAfterMs: 0 };
    const providers = { timeoutMs: { sms: 10_000, email: 20_000 } };
    // Tiers 1 s and 30 s with a jitter of 0.5: the longest retry wait is 45 s.
    const longestWait = longestRetryWaitMs(retryPolicy({ tiersMs: [1_000, 30_000], jitter: 0.5 }));
    expect(longestWait).toBe(45_000);
    expect(reconcilerTiming({ pipeline, providers }, longestWait)).toEqual({ stuckAfterMs: 45_000 + 20_000 + 60_000, intervalMs: 30_000 });
    // STUCK_AFTER_MS wins; a short bound polls faster, never under a second.
    expect(reconcilerTiming({ pipeline: { ...pipeline, stuckAfterMs: 8_000 }, providers }, longestWait)).toEqual({ stuckAfterMs: 8_000, intervalMs: 2_000 });
    expect(reconcilerTiming({ pipeline: { ...pipeline, stuckAfterMs: 2_000 }, providers }, longestWait)).toEqual({ stuckAfterMs: 2_000, intervalMs: 1_000 });
  });

  it('caught up only while every reader of the log is within the bound of the head', () => {
    expect(caughtUp(5_000, [5_000 - CAUGHT_UP_WITHIN, 4_999])).toBe(true);
    expect(caughtUp(5_000, [5_000, 5_000 - CAUGHT_UP_WITHIN - 1])).toBe(false);
    expect(caughtUp(0, [])).toBe(true);
  });
});
