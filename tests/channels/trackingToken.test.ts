import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { signTrackingToken, verifyTrackingToken } from '../../domain/trackingToken.ts';

const secret = 'test-secret';
const forge = (payload: unknown, key = secret) => {
  // Signs an arbitrary body with the real key: the shape check, not the MAC, must refuse it.
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
};

describe('tracking tokens', () => {
  it('round-trips click, open and unsubscribe payloads', () => {
    const click = { n: 'n-1', k: 'click' as const, u: 'https://example.com/a?b=1&c=2' };
    expect(verifyTrackingToken(signTrackingToken(click, secret), secret)).toEqual(click);
    expect(verifyTrackingToken(signTrackingToken({ n: 'n-1', k: 'open' }, secret), secret)).toEqual({ n: 'n-1', k: 'open' });
    expect(verifyTrackingToken(signTrackingToken({ n: 'n-1', k: 'unsubscribe' }, secret), secret)).toEqual({ n: 'n-1', k: 'unsubscribe' });
  });

  it('refuses a token signed with another secret', () => {
    expect(verifyTrackingToken(signTrackingToken({ n: 'n-1', k: 'open' }, 'other'), secret)).toBeNull();
  });

  it('refuses any tampering with the payload or the signature', () => {
    const token = signTrackingToken({ n: 'n-1', k: 'click', u: 'https://example.com/' }, secret);
    const [body, sig] = token.split('.') as [string, string];
    const evil = Buffer.from(JSON.stringify({ n: 'n-1', k: 'click', u: 'https://evil.example/' })).toString('base64url');
    expect(verifyTrackingToken(`${evil}.${sig}`, secret)).toBeNull();
    expect(verifyTrackingToken(`${body}.${sig.slice(0, -2)}`, secret)).toBeNull();
    expect(verifyTrackingToken(`${body}`, secret)).toBeNull();
    expect(verifyTrackingToken(`${body}.${sig}.x`, secret)).toBeNull();
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'ABCxyz019-_.=+/%'), (i, ch) => {
        const mutated = token.slice(0, i) + ch + token.slice(i + 1);
        fc.pre(mutated !== token);
        const out = verifyTrackingToken(mutated, secret);
        // base64url has padding-free aliases in the last char; a different decode must never verify to another payload.
        expect(out === null || JSON.stringify(out) === JSON.stringify({ n: 'n-1', k: 'click', u: 'https://example.com/' })).toBe(true);
      }),
    );
  });

  it('refuses correctly signed payloads of the wrong shape: no open redirect to other schemes, no extra fields', () => {
    expect(verifyTrackingToken(forge({ n: 'n-1', k: 'click', u: 'javascript:alert(1)' }), secret)).toBeNull();
    expect(verifyTrackingToken(forge({ n: 'n-1', k: 'click' }), secret)).toBeNull();
    expect(verifyTrackingToken(forge({ n: 'n-1', k: 'open', u: 'https://x.example/' }), secret)).toBeNull();
    expect(verifyTrackingToken(forge({ n: 'n-1', k: 'delete' }), secret)).toBeNull();
    expect(verifyTrackingToken(forge({ n: 'n-1', k: 'open', admin: true }), secret)).toBeNull();
    expect(verifyTrackingToken(forge(['n-1']), secret)).toBeNull();
    expect(verifyTrackingToken(forge({ n: '', k: 'open' }), secret)).toBeNull();
  });
});
