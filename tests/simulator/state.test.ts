import { describe, expect, it } from 'vitest';
import { SimState } from '../../simulator/state.ts';

const rec = (state: SimState, channel: 'sms' | 'email', i: number) =>
  state.record({ channel, provider: channel === 'sms' ? 'twilio' : 'sendgrid', recipient: `r${i}`, content: { i }, providerMessageId: `p${i}`, meta: { headers: {}, auth: {} } });

describe('simulator message log', () => {
  it('keeps seq strictly increasing, filters by channel, pages with since and limit', () => {
    const state = new SimState();
    for (let i = 1; i <= 6; i++) rec(state, i % 2 ? 'sms' : 'email', i);
    expect(state.list(undefined, 0).messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(state.list('sms', 0).messages.map((m) => m.seq)).toEqual([1, 3, 5]);
    expect(state.list('sms', 3).messages.map((m) => m.seq)).toEqual([5]);
    expect(state.list(undefined, 2, 2).messages.map((m) => m.seq)).toEqual([3, 4]);
    expect(state.list(undefined, 6)).toEqual({ messages: [], last: 6 });
  });

  it('drops the oldest past its bound but never reuses or rewinds seq', () => {
    const state = new SimState(3);
    for (let i = 1; i <= 5; i++) rec(state, 'sms', i);
    expect(state.list(undefined, 0)).toMatchObject({ last: 5 });
    expect(state.list(undefined, 0).messages.map((m) => m.seq)).toEqual([3, 4, 5]);
    expect(rec(state, 'sms', 6).seq).toBe(6);
  });

  it('an invalid-recipient fault applies to the listed recipients only; rate 0 never fails', () => {
    const state = new SimState();
    state.setFault({ channel: 'sms', rate: 0, status: 500, tokens: ['+1555'] });
    expect(state.decide('sms', '+1555')).toEqual({ latencyMs: 0, invalid: true });
    expect(state.decide('sms', '+1666')).toEqual({ latencyMs: 0, invalid: false });
    expect(state.decide('email', '+1555')).toEqual({ latencyMs: 0, invalid: false });
    state.setFault({ channel: 'sms', rate: 1, status: 503, latencyMs: 5 });
    expect(state.decide('sms', '+1666')).toEqual({ latencyMs: 5, invalid: false, status: 503 });
    state.clearFaults();
    expect(state.listFaults()).toEqual([]);
  });
});

describe('provider-scoped faults', () => {
  it('a fault naming a provider hits only that provider; one without hits every provider of the channel', () => {
    const state = new SimState();
    state.setFault({ channel: 'email', provider: 'sendgrid', rate: 1, status: 503 });
    expect(state.decide('email', 'a@b.c', 'sendgrid').status).toBe(503);
    expect(state.decide('email', 'a@b.c', 'smtp').status).toBeUndefined();
    state.setFault({ channel: 'email', rate: 1, status: 500 });
    expect(state.decide('email', 'a@b.c', 'smtp').status).toBe(500);
    expect(state.decide('email', 'a@b.c', 'sendgrid').status).toBe(503);
  });
});
