import { describe, expect, it } from 'vitest';
import { specFor } from '../tests/helpers/decider.ts';
import { fold } from './decider.ts';
import type { FanoutEvent, FanoutStarted, TopicEvent } from './events.ts';
import { fanoutDecider, nextBatch } from './fanout.ts';
import { sortedSubscribers, topicDecider } from './topic.ts';

const at = '2026-01-01T10:00:00.000Z';
const base = { appId: 'app', topicId: 'order-1', at };

describe('topic decider', () => {
  const spec = specFor(topicDecider);
  const subscribed = (userIds: string[]): TopicEvent => ({ type: 'TopicSubscribed', data: { ...base, userIds } });

  it('records only the users not subscribed yet, each once', () => {
    spec
      .given([subscribed(['ann'])])
      .when({ type: 'Subscribe', data: { ...base, userIds: ['bob', 'ann', 'bob'] } })
      .then([subscribed(['bob'])]);
  });
  it('a repeated subscription appends nothing', () => {
    spec
      .given([subscribed(['ann', 'bob'])])
      .when({ type: 'Subscribe', data: { ...base, userIds: ['bob', 'ann'] } })
      .then([]);
  });
  it('leaving names only subscribers; leaving twice appends nothing', () => {
    const left: TopicEvent = { type: 'TopicUnsubscribed', data: { ...base, userIds: ['ann'], reason: 'user_erased' } };
    spec
      .given([subscribed(['ann'])])
      .when({ type: 'Unsubscribe', data: { ...base, userIds: ['ann', 'zed'], reason: 'user_erased' } })
      .then([left]);
    spec
      .given([subscribed(['ann']), left])
      .when({ type: 'Unsubscribe', data: { ...base, userIds: ['ann'], reason: 'request' } })
      .then([]);
  });
  it('the recipient list is in code-unit order, whatever order users came in', () => {
    expect(sortedSubscribers(fold(topicDecider, [subscribed(['b', 'B', 'a']), subscribed(['_'])]))).toEqual(['B', '_', 'a', 'b']);
  });
});

describe('fan-out decider', () => {
  const spec = specFor(fanoutDecider);
  const data: FanoutStarted['data'] = {
    fanoutId: 'f-1',
    appId: 'app',
    eventId: 'e-1',
    topicId: 'order-1',
    topicRevision: 3,
    subscribers: 1200,
    mode: 'background',
    batchSize: 500,
    request: { templateId: 't', params: {} },
    at,
  };
  const started: FanoutEvent = { type: 'FanoutStarted', data };
  const batch = (from: number, to: number): FanoutEvent => ({ type: 'FanoutBatchCompleted', data: { fanoutId: 'f-1', from, to, notifications: to - from, at } });

  it('starts once per stream: the same eventId again adds nothing', () => {
    spec.given([]).when({ type: 'StartFanout', data }).then([started]);
    spec
      .given([started])
      .when({ type: 'StartFanout', data: { ...data, subscribers: 5 } })
      .then([]);
  });
  it('records the next batch only: a repeated batch (a resumption) adds nothing', () => {
    spec
      .given([started])
      .when({ type: 'RecordBatch', data: { fanoutId: 'f-1', from: 0, to: 500, notifications: 500, at } })
      .then([batch(0, 500)]);
    spec
      .given([started, batch(0, 500)])
      .when({ type: 'RecordBatch', data: { fanoutId: 'f-1', from: 0, to: 500, notifications: 500, at } })
      .then([]);
    spec
      .given([started])
      .when({ type: 'RecordBatch', data: { fanoutId: 'f-1', from: 500, to: 1000, notifications: 500, at } })
      .then([]);
  });
  it('batches follow the recorded progress, the last one short', () => {
    expect(nextBatch(fold(fanoutDecider, [started]))).toEqual({ from: 0, to: 500 });
    expect(nextBatch(fold(fanoutDecider, [started, batch(0, 500), batch(500, 1000)]))).toEqual({ from: 1000, to: 1200 });
    expect(nextBatch(fold(fanoutDecider, [started, batch(0, 500), batch(500, 1000), batch(1000, 1200)]))).toBeUndefined();
  });
  it('completes only once every subscriber is done, and once', () => {
    spec
      .given([started, batch(0, 500)])
      .when({ type: 'CompleteFanout', data: { fanoutId: 'f-1', at } })
      .then([]);
    const all = [started, batch(0, 500), batch(500, 1000), batch(1000, 1200)];
    const completed: FanoutEvent = { type: 'FanoutCompleted', data: { fanoutId: 'f-1', subscribers: 1200, at } };
    spec
      .given(all)
      .when({ type: 'CompleteFanout', data: { fanoutId: 'f-1', at } })
      .then([completed]);
    spec
      .given([...all, completed])
      .when({ type: 'CompleteFanout', data: { fanoutId: 'f-1', at } })
      .then([]);
  });
});
