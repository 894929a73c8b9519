import { describe, expect, it } from 'vitest';
import { ENTRIES, webhookReceipts } from '../../channels/providers/registry.ts';
import { CHANNELS } from '../../domain/events.ts';
import { silentLogger } from '../../infra/logger.ts';

describe('the provider registry (channels/providers/registry.ts)', () => {
  it('gives every channel one primary (or builtin) provider and at most one secondary', () => {
    for (const channel of CHANNELS) {
      const of = ENTRIES.filter((e) => e.channel === channel);
      expect(
        of.filter((e) => e.role !== 'secondary'),
        channel,
      ).toHaveLength(1);
      expect(of.filter((e) => e.role === 'secondary').length, channel).toBeLessThanOrEqual(1);
    }
    expect(new Set(ENTRIES.map((e) => e.key)).size).toBe(ENTRIES.length);
  });

  it('serves the receipts webhooks of the providers that post them, each parsing its own body', () => {
    const receipts = webhookReceipts({}, silentLogger);
    expect([...receipts.keys()].sort()).toEqual(['sendgrid', 'twilio']);
    expect(receipts.get('sendgrid')?.body).toBe('raw');
    expect(receipts.get('twilio')?.body).toBe('form');
  });
});
