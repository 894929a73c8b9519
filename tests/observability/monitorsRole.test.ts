import { describe, expect, it } from 'vitest';
import { caughtUp, CAUGHT_UP_WITHIN, reconcilerTiming } from '../../monitors/role.ts';

describe('the monitors role: the reconciler timing and gate', () => {
  it('stuck after the longest retry delay with jitter, the longest provider timeout and a minute; rounds four times per that, 1-30 s apart', () => {
    const pipeline = { retryDelaysMs: [1_000, 30_000], retryJitter: 0.5, stuckAfterMs: 0 };
    const providers = { timeoutMs: { sms: 10_000, email: 20_000 } };
    expect(reconcilerTiming({ pipeline, providers })).toEqual({ stuckAfterMs: 45_000 + 20_000 + 60_000, intervalMs: 30_000 });
    // STUCK_AFTER_MS wins; a short bound polls faster, never under a second.
    expect(reconcilerTiming({ pipeline: { ...pipeline, stuckAfterMs: 8_000 }, providers })).toEqual({ stuckAfterMs: 8_000, intervalMs: 2_000 });
    expect(reconcilerTiming({ pipeline: { ...pipeline, stuckAfterMs: 2_000 }, providers })).toEqual({ stuckAfterMs: 2_000, intervalMs: 1_000 });
  });

  it('caught up only while every reader of the log is within the bound of the head', () => {
    expect(caughtUp(5_000, [5_000 - CAUGHT_UP_WITHIN, 4_999])).toBe(true);
    expect(caughtUp(5_000, [5_000, 5_000 - CAUGHT_UP_WITHIN - 1])).toBe(false);
    expect(caughtUp(0, [])).toBe(true);
  });
});
