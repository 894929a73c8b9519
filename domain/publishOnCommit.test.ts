import { describe, expect, it } from 'vitest';
import { handover, publishesAtOnce, type HandoverFacts } from './publishOnCommit.ts';

const now = Date.parse('2026-01-01T12:00:00Z');
const facts = (over: Partial<HandoverFacts>): HandoverFacts => ({
  position: 100,
  recordedAt: now - 200,
  now,
  mark: { position: 90, beatAt: now - 100 },
  staleMs: 3_000,
  maxWaitMs: 10_000,
  ...over,
});

describe('what is published on commit', () => {
  it('a request due now, or scheduled in the past; never a digest member nor a later one', () => {
    const at = new Date(now);
    expect(publishesAtOnce({}, at)).toBe(true);
    expect(publishesAtOnce({ scheduleAt: new Date(now).toISOString() }, at)).toBe(true);
    expect(publishesAtOnce({ scheduleAt: new Date(now - 1).toISOString() }, at)).toBe(true);
    expect(publishesAtOnce({ scheduleAt: new Date(now + 1).toISOString() }, at)).toBe(false);
    expect(publishesAtOnce({ digest: { key: 'k', windowSeconds: 60 } }, at)).toBe(false);
  });
});

describe('the dispatcher and a tagged request', () => {
  it('skips what the committer confirmed, whatever else holds', () => {
    expect(handover(facts({ mark: { position: 100, beatAt: now - 100 } }))).toBe('skip');
    expect(handover(facts({ mark: { position: 150, beatAt: now - 60_000 }, recordedAt: now - 60_000 }))).toBe('skip');
  });
  it('waits while the committer lives and the request is recent', () => {
    expect(handover(facts({}))).toBe('wait');
    expect(handover(facts({ mark: { position: 99, beatAt: now - 2_999 }, recordedAt: now - 9_999 }))).toBe('wait');
  });
  it('publishes once the committer is silent (a crash between commit and confirm)', () => {
    expect(handover(facts({ mark: { position: 90, beatAt: now - 3_000 } }))).toBe('publish');
  });
  it('publishes a request its live committer left unconfirmed too long', () => {
    expect(handover(facts({ recordedAt: now - 10_000 }))).toBe('publish');
  });
  it('publishes when the committer has no row (never written, or forgotten)', () => {
    expect(handover(facts({ mark: undefined }))).toBe('publish');
  });
});
