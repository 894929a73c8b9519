import { describe, expect, it } from 'vitest';
import { createBreaker, createFailoverProvider, type BreakerState } from '../../channels/providers/failover.ts';
import { classifySmtpError } from '../../channels/providers/smtp/provider.ts';
import type { Provider, ProviderResult } from '../../channels/port.ts';
import { message } from './simHelpers.ts';

function fake(name: string, answers: Array<ProviderResult['kind']>): Provider & { calls: number } {
  const p = {
    channel: 'email' as const,
    name,
    calls: 0,
    async send(): Promise<ProviderResult> {
      const kind = answers[Math.min(p.calls, answers.length - 1)]!;
      p.calls += 1;
      switch (kind) {
        case 'ok':
          return { kind, provider: name, providerMessageId: `${name}-${p.calls}` };
        case 'retryable':
        case 'permanent':
          return { kind, provider: name, code: '503', message: 'x' };
        case 'token_invalid':
          return { kind, provider: name, code: 'x', message: 'x', tokens: [] };
        default: {
          const never: never = kind;
          return never;
        }
      }
    },
  };
  return p;
}

const email = () => message('email', { kind: 'email', email: 'a@example.com' }, { channel: 'email', subject: 's', html: 'h', text: 't' });

describe('circuit breaker', () => {
  it('opens after N consecutive retryable failures, half-opens after the cool-down for one probe, closes on success', () => {
    let now = 0;
    const changes: BreakerState[] = [];
    const b = createBreaker({ failureThreshold: 3, cooldownMs: 1000, now: () => now, onStateChange: (s) => changes.push(s) });
    b.record('retryable');
    b.record('retryable');
    b.record('ok'); // a success in between resets the count
    b.record('retryable');
    b.record('retryable');
    expect(b.state()).toBe('closed');
    b.record('retryable');
    expect(b.state()).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    now = 1000;
    expect(b.state()).toBe('half_open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false); // one probe at a time
    b.record('retryable'); // the probe failed: open again, for a new cool-down
    expect(b.state()).toBe('open');
    now = 1500;
    expect(b.tryAcquire()).toBe(false);
    now = 2000;
    expect(b.tryAcquire()).toBe(true);
    b.record('permanent'); // any answer that is not retryable proves the provider is up
    expect(b.state()).toBe('closed');
    expect(changes).toEqual(['open', 'half_open', 'open', 'half_open', 'closed']);
  });
});

describe('failover provider', () => {
  it('routes to the secondary while the primary breaker is open, back to the primary once it recovers; results name who answered', async () => {
    let now = 0;
    const primary = fake('sendgrid', ['retryable', 'retryable', 'ok']);
    const secondary = fake('smtp', ['ok']);
    const states: string[] = [];
    const f = createFailoverProvider(primary, secondary, { failureThreshold: 2, cooldownMs: 100, now: () => now, onStateChange: (p, s) => states.push(`${p}:${s}`) });
    expect((await f.send(email())).kind).toBe('retryable');
    expect((await f.send(email())).kind).toBe('retryable');
    const viaSecondary = await f.send(email());
    expect(viaSecondary).toMatchObject({ kind: 'ok', provider: 'smtp' });
    expect(primary.calls).toBe(2);
    expect(f.breakers()).toEqual([
      { channel: 'email', provider: 'sendgrid', state: 'open' },
      { channel: 'email', provider: 'smtp', state: 'closed' },
    ]);
    now = 100;
    expect(await f.send(email())).toMatchObject({ kind: 'ok', provider: 'sendgrid' });
    expect(f.breakers()[0]!.state).toBe('closed');
    expect(states).toEqual(['sendgrid:open', 'sendgrid:half_open', 'sendgrid:closed']);
  });
});

describe('SMTP error classification', () => {
  it('4xx and credentials are retryable, other 5xx permanent, connection errors retryable', () => {
    const err = (responseCode?: number, code?: string) => Object.assign(new Error('x'), { responseCode, code });
    expect(classifySmtpError(err(451), 'smtp')).toMatchObject({ kind: 'retryable', code: 'smtp:451' });
    expect(classifySmtpError(err(421), 'smtp').kind).toBe('retryable');
    expect(classifySmtpError(err(535), 'smtp').kind).toBe('retryable');
    expect(classifySmtpError(err(550), 'smtp')).toMatchObject({ kind: 'permanent', code: 'smtp:550' });
    expect(classifySmtpError(err(554), 'smtp').kind).toBe('permanent');
    expect(classifySmtpError(err(undefined, 'ECONNECTION'), 'smtp')).toMatchObject({ kind: 'retryable', code: 'smtp:ECONNECTION' });
  });
});
