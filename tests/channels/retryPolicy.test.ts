import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deferral, longestRetryWaitMs, nextRetry, retryPolicy, RetryPolicyError, unsettledPauseMs, type RetryPolicy } from '../../channels/retryPolicy.ts';
import { parseRetryAfter } from '../../channels/providers/base/common.ts';

/** Ascending tiers, a jitter, a budget and a cap the policy accepts. */
const policies: fc.Arbitrary<RetryPolicy> = fc
  .record({
    tiers: fc.uniqueArray(fc.integer({ min: 1, max: 3_600_000 }), { minLength: 1, maxLength: 6 }),
    jitter: fc.double({ min: 0, max: 0.99, noNaN: true }),
    maxAttempts: fc.integer({ min: 1, max: 12 }),
    capShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  })
  .map(({ tiers, jitter, maxAttempts, capShare }) => {
    const tiersMs = [...tiers].sort((a, b) => a - b);
    const longest = tiersMs[tiersMs.length - 1]!;
    return retryPolicy({ tiersMs, jitter, maxAttempts, ...(capShare !== undefined && { retryAfterCapMs: Math.floor(longest * capShare) }) });
  });
/** Math.random's range, [0, 1), its ends included often: the bounds are where off-by-ones hide. */
const randoms = fc.oneof(fc.constant(0), fc.constant(1 - Number.EPSILON), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }));
const scheduled = (p: RetryPolicy, attempts: number, retryAfterMs: number | undefined, r: number) => {
  const next = nextRetry(p, attempts, retryAfterMs, () => r);
  if (next === 'exhausted') throw new Error('exhausted');
  return next;
};

describe('the retry policy (channels/retryPolicy.ts)', () => {
  it('is exhausted exactly once the attempts reach maxAttempts', () => {
    fc.assert(
      fc.property(policies, fc.integer({ min: 1, max: 20 }), fc.option(fc.integer({ min: 0, max: 4_000_000 }), { nil: undefined }), randoms, (p, attempts, retryAfterMs, r) => {
        expect(nextRetry(p, attempts, retryAfterMs, () => r) === 'exhausted').toBe(attempts >= p.maxAttempts);
      }),
    );
  });

  it('honours a Retry-After under the cap: never sooner than it, never later than the smallest tier at or above it', () => {
    fc.assert(
      fc.property(
        policies,
        randoms,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(),
        fc.boolean(),
        fc.integer({ min: 1, max: 20 }),
        (p, r, share, pick, onATier, attempts) => {
          fc.pre(attempts < p.maxAttempts);
          // Exactly a tier's delay half the time: the boundary of "the smallest tier at or above it".
          const tiersUnderCap = p.tiersMs.filter((d) => d <= p.retryAfterCapMs);
          const retryAfterMs = onATier && tiersUnderCap.length > 0 ? tiersUnderCap[pick % tiersUnderCap.length]! : share * p.retryAfterCapMs;
          const { tierIndex, delayMs } = scheduled(p, attempts, retryAfterMs, r);
          const tierAtOrAbove = p.tiersMs.findIndex((d) => d >= retryAfterMs);
          expect(tierIndex).toBe(tierAtOrAbove);
          expect(delayMs).toBeGreaterThanOrEqual(retryAfterMs);
          expect(delayMs).toBeLessThanOrEqual(p.tiersMs[tierAtOrAbove]!);
        },
      ),
    );
  });

  it('a Retry-After over the cap waits the cap (never past the longest tier), whatever the attempt', () => {
    fc.assert(
      fc.property(policies, randoms, fc.integer({ min: 1, max: 10_000_000 }), (p, r, over) => {
        fc.pre(p.maxAttempts > 1);
        const { tierIndex, delayMs } = scheduled(p, 1, p.retryAfterCapMs + over, r);
        expect(delayMs).toBeGreaterThanOrEqual(Math.max(1, p.retryAfterCapMs));
        expect(delayMs).toBeLessThanOrEqual(p.tiersMs[tierIndex]!);
        expect(p.tiersMs[tierIndex]).toBe(p.tiersMs.find((d) => d >= p.retryAfterCapMs));
      }),
    );
  });

  it('without Retry-After, retry n waits in tier n (the last repeats), within ±jitter, never past its queue TTL', () => {
    fc.assert(
      fc.property(policies, randoms, fc.integer({ min: 1, max: 20 }), (p, r, attempts) => {
        fc.pre(attempts < p.maxAttempts);
        const { tierIndex, delayMs } = scheduled(p, attempts, undefined, r);
        expect(tierIndex).toBe(Math.min(attempts, p.tiersMs.length) - 1);
        const tier = p.tiersMs[tierIndex]!;
        expect(delayMs).toBeGreaterThanOrEqual(Math.max(1, Math.floor(tier * (1 - p.jitter))));
        // The delay queue's TTL (infra/rabbit/topology.ts) is ceil(tier x (1 + jitter)).
        expect(delayMs).toBeLessThanOrEqual(Math.ceil(tier * (1 + p.jitter)));
        expect(delayMs).toBeLessThanOrEqual(longestRetryWaitMs(p));
      }),
    );
  });

  it('a 429 with Retry-After: 5 s on tiers 1 s, 8 s, 60 s waits 5 to 6 s in the 8 s queue', () => {
    const p = retryPolicy({ tiersMs: [1000, 8000, 60_000], jitter: 0.2 });
    expect(nextRetry(p, 1, 5000, () => 0)).toEqual({ tierIndex: 1, delayMs: 5000 });
    expect(nextRetry(p, 1, 5000, () => 0.999999)).toEqual({ tierIndex: 1, delayMs: 6000 });
    // Later attempts too: the provider said when, the backoff does not add to it.
    expect(nextRetry(p, 3, 5000, () => 0)).toEqual({ tierIndex: 1, delayMs: 5000 });
    // Near a tier the tier bounds it: 7.5 s x 1.2 would be 9 s, past the 8 s tier.
    expect(nextRetry(p, 1, 7500, () => 0.999999)).toEqual({ tierIndex: 1, delayMs: 8000 });
    expect(nextRetry(p, 1, 5000.2, () => 0)).toEqual({ tierIndex: 1, delayMs: 5001 });
    // Retry-After 0: at once (1 ms, the least an expiry can be).
    expect(nextRetry(p, 1, 0, () => 0.5)).toEqual({ tierIndex: 0, delayMs: 1 });
    expect(nextRetry(p, 4, 5000, () => 0)).toBe('exhausted');
    const capped = retryPolicy({ tiersMs: [1000, 8000, 60_000], jitter: 0.2, retryAfterCapMs: 8000 });
    expect(nextRetry(capped, 1, 3_600_000, () => 0)).toEqual({ tierIndex: 1, delayMs: 8000 });
  });

  it('defers on the first tier, jittered; an unsettled message pauses longer with each delivery, up to 10 s', () => {
    const p = retryPolicy({ tiersMs: [1000, 10_000], jitter: 0.2 });
    expect(deferral(p, () => 0.5)).toEqual({ tierIndex: 0, delayMs: 1000 });
    expect(deferral(p, () => 0)).toEqual({ tierIndex: 0, delayMs: 800 });
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => unsettledPauseMs(p, n))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
    expect(unsettledPauseMs(retryPolicy({ ...p, unsettledPauseMs: 50 }), 2)).toBe(200);
  });

  it('refuses what would make no sense, naming the setting', () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof RetryPolicyError ? e.field : 'not a RetryPolicyError';
      }
      return 'accepted';
    };
    expect(field(() => retryPolicy({ tiersMs: [], jitter: 0 }))).toBe('tiersMs');
    expect(field(() => retryPolicy({ tiersMs: [1000, 1000], jitter: 0 }))).toBe('tiersMs');
    expect(field(() => retryPolicy({ tiersMs: [1.5], jitter: 0 }))).toBe('tiersMs');
    expect(field(() => retryPolicy({ tiersMs: [1000], jitter: -0.1 }))).toBe('jitter');
    expect(field(() => retryPolicy({ tiersMs: [1000], jitter: 0, maxAttempts: 0 }))).toBe('maxAttempts');
    expect(field(() => retryPolicy({ tiersMs: [1000], jitter: 0, retryAfterCapMs: 1001 }))).toBe('retryAfterCapMs');
    expect(field(() => retryPolicy({ tiersMs: [1000], jitter: 0, unsettledPauseMs: 0 }))).toBe('unsettledPauseMs');
    expect(retryPolicy()).toEqual({ tiersMs: [1000, 10_000, 60_000, 600_000], jitter: 0.2, maxAttempts: 5, retryAfterCapMs: 600_000, unsettledPauseMs: 1000 });
  });
});

describe('Retry-After as the adapters read it (channels/providers/base/common.ts)', () => {
  it('takes delta-seconds and HTTP-dates; anything else is no Retry-After', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    expect(parseRetryAfter('5', now)).toBe(5000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter(['120'], now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 07 Dec 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 07 Dec 2026 11:00:00 GMT', now)).toBe(0);
    for (const junk of [undefined, '', 'soon', '-5', 5]) expect(parseRetryAfter(junk, now)).toBeUndefined();
  });
});
