import { describe, expect, it } from 'vitest';
import type { ProviderResult } from '../../channels/port.ts';
import { createFailureWatch } from '../../channels/sender/failureWatch.ts';
import { createAlerter } from '../../infra/alerts.ts';
import { silentLogger } from '../../infra/logger.ts';

describe('channel failure watch', () => {
  it('raises one channel_failing alert after N failures in a row, ignores dead tokens, clears after recoverAfter successes in a row', () => {
    const alerter = createAlerter({ logger: silentLogger });
    const watch = createFailureWatch({ channel: 'sms', threshold: 3, recoverAfter: 2, alerter });
    const retryable = { kind: 'retryable', provider: 'twilio', code: 'http_503', message: 'x' } as const;
    const permanent = { kind: 'permanent', provider: 'twilio', code: 'http_400', message: 'x' } as const;
    const dead: ProviderResult = { kind: 'token_invalid', provider: 'twilio', code: 'gone', message: 'x', tokens: ['t'] };
    watch.observe(retryable);
    watch.observe(dead);
    watch.observe(permanent);
    expect(alerter.active()).toEqual([]);
    watch.observe(retryable);
    watch.observe(retryable);
    const active = alerter.active();
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ kind: 'channel_failing', subject: 'sms', detail: { consecutiveFailures: 3, lastCode: 'http_503' } });
    // An odd success inside the outage does not end the incident, and the next failures raise nothing new.
    const ok = { kind: 'ok', provider: 'twilio', providerMessageId: 'SM1' } as const;
    watch.observe(ok);
    expect(watch.consecutive).toBe(0);
    for (let i = 0; i < 4; i++) watch.observe(retryable);
    expect(alerter.active()).toHaveLength(1);
    // recoverAfter (2 here) successes in a row end it.
    watch.observe(ok);
    expect(alerter.active()).toHaveLength(1);
    watch.observe(ok);
    expect(alerter.active()).toEqual([]);
  });
});
