import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { parseDuration } from '../../app/duration.ts';

describe('LOG_RETENTION', () => {
  it('defaults to 30 days; takes a duration or off; refuses anything else, naming the variable', () => {
    expect(loadConfig({}).logRetentionMs).toBe(30 * 86_400_000);
    expect(loadConfig({ LOG_RETENTION: 'off' }).logRetentionMs).toBe('off');
    expect(loadConfig({ LOG_RETENTION: '3m' }).logRetentionMs).toBe(180_000);
    expect(loadConfig({ LOG_RETENTION: '12h' }).logRetentionMs).toBe(43_200_000);
    for (const bad of ['0s', '30', '1.5d', '2w', 'forever', '-1d']) {
      expect(() => loadConfig({ LOG_RETENTION: bad }), bad).toThrow(
        new RegExp(`LOG_RETENTION must be a duration such as 30d, 12h, 5m or 90s, or off, got "${bad.replace('.', '\\.')}"`),
      );
    }
  });

  it('durations: one whole number and one unit', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('0s')).toBe(0);
    expect(parseDuration(' 7d ')).toBe(7 * 86_400_000);
    expect(parseDuration('7 d')).toBeUndefined();
    expect(parseDuration('1h30m')).toBeUndefined();
  });
});
