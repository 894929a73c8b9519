import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { signTrackingToken, verifyTrackingToken } from '../../domain/trackingToken.ts';

const secret = 'test-secret';
const NOW = new Date('2026-03-01T12:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);
const forge = (payload: unknown, key = secret) => {
  // Signs an arbitrary body with the real key: the shape check, not the MAC, must refuse it.
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
};

describe('tracking tokens', () => {
  it('round-trips click, open and unsubscribe payloads', () => {
    const click = { n: 'n-1', k: 'click' as const, u: 'https://example.com/a?b=1&c=2', t: T };
    expect(verifyTrackingToken(signTrackingToken(click, secret), secret, NOW)).toEqual(click);
    expect(verifyTrackingToken(signTrackingToken({ n: 'n-1', k: 'open', t: T }, secret), secret, NOW)).toEqual({ n: 'n-1', k: 'open', t: T });
    expect(verifyTrackingToken(signTrackingToken({ n: 'n-1', k: 'unsubscribe', t: T }, secret), secret, NOW)).toEqual({ n: 'n-1', k: 'unsubscribe', t: T });
  });

  it('expires: click and open links after 90 days, unsubscribe links after 60 (defaults), configurable; no issue time, no token', () => {
    const day = 86_400_000;
    const at = (days: number) => new Date(NOW.getTime() + days * day);
    const click = signTrackingToken({ n: 'n-1', k: 'click', u: 'https://example.com/', t: T }, secret);
    const unsub = signTrackingToken({ n: 'n-1', k: 'unsubscribe', t: T }, secret);
    expect(verifyTrackingToken(click, secret, at(89))).not.toBeNull();
    expect(verifyTrackingToken(click, secret, at(91))).toBeNull();
    expect(verifyTrackingToken(unsub, secret, at(59))).not.toBeNull();
    expect(verifyTrackingToken(unsub, secret, at(61))).toBeNull();
    expect(verifyTrackingToken(unsub, secret, at(8), { linkDays: 90, unsubscribeDays: 7 })).toBeNull();
    // Issued far in the future (a forged clock) or without an issue time at all: refused.
    expect(verifyTrackingToken(signTrackingToken({ n: 'n-1', k: 'open', t: T + 86_400 }, secret), secret, NOW)).toBeNull();
    expect(verifyTrackingToken(forge({ n: 'n-1', k: 'open' }), secret, NOW)).toBeNull();
    expect(verifyTrackingToken(forge({ n: 'n-1', k: 'open', t: 'soon' }), secret, NOW)).toBeNull();
  });

  it('refuses a token signed with another secret', () => {
    expect(verifyTrackingToken(signTrackingToken({ n: 'n-1', k: 'open', t: T }, 'other'), secret, NOW)).toBeNull();
  });

  it('refuses any tampering with the payload or the signature', () => {
    const token = signTrackingToken({ n: 'n-1', k: 'click', u: 'https://example.com/', t: T }, secret);
    const [body, sig] = token.split('.') as [string, string];
    const evil = Buffer.from(JSON.stringify({ n: 'n-1', k: 'click', u: 'https://evil.example/', t: T })).toString('base64url');
    expect(verifyTrackingToken(`${evil}.${sig}`, secret, NOW)).toBeNull();
    expect(verifyTrackingToken(`${body}.${sig.slice(0, -2)}`, secret, NOW)).toBeNull();
    expect(verifyTrackingToken(`${body}`, secret, NOW)).toBeNull();
    expect(verifyTrackingToken(`${body}.${sig}.x`, secret, NOW)).toBeNull();
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'ABCxyz019-_.=+/%'), (i, ch) => {
        const mutated = token.slice(0, i) + ch + token.slice(i + 1);
        fc.pre(mutated !== token);
        const out = verifyTrackingToken(mutated, secret, NOW);
        // base64url has padding-free aliases in the last char; a different decode must never verify to another payload.
        expect(out === null || JSON.stringify(out) === JSON.stringify({ n: 'n-1', k: 'click', u: 'https://example.com/', t: T })).toBe(true);
      }),
    );
  });

  it('refuses correctly signed payloads of the wrong shape: no open redirect to other schemes, no extra fields', () => {
    expect(verifyTrackingToken(forge({ n: 'n-1', k: 'click', u: 'javascript:alert(1)', t: T }), secret, NOW)).toBeNull();
    expect(verifyTrackingToken(forge({ n: 'n-1', k: 'click', t: T }), secret, NOW)).toBeNull();
    expect(verifyTrackingToken(forge({ n: 'n-1', k: 'open', u: 'https://x.example/', t: T }), secret, NOW)).toBeNull();
    expect(verifyTrackingToken(forge({ n: 'n-1', k: 'delete', t: T }), secret, NOW)).toBeNull();
    expect(verifyTrackingToken(forge({ n: 'n-1', k: 'open', admin: true, t: T }), secret, NOW)).toBeNull();
    expect(verifyTrackingToken(forge(['n-1']), secret, NOW)).toBeNull();
    expect(verifyTrackingToken(forge({ n: '', k: 'open', t: T }), secret, NOW)).toBeNull();
  });
});
