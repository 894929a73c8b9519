import { describe, expect, it } from 'vitest';
import { specFor } from '../tests/helpers/decider.ts';
import { fold } from './decider.ts';
import { digestDecider, type DigestCommand } from './digest.ts';
import type { DigestEvent } from './events.ts';

const spec = specFor(digestDecider);
const t0 = '2026-01-01T10:00:00.000Z';
const t1 = '2026-01-01T10:00:30.000Z';
const join = (notificationId: string, at = t0): DigestCommand => ({
  type: 'JoinDigest',
  data: { notificationId, appId: 'app', userId: 'u', channel: 'email', key: 'comments', windowSeconds: 60, at },
});
const close = (windowId: string): DigestCommand => ({ type: 'CloseDigest', data: { windowId, digestNotificationId: `d-${windowId}`, at: t1 } });
const opened = (windowId: string, at = t0): DigestEvent => ({
  type: 'DigestWindowOpened',
  data: { windowId, appId: 'app', userId: 'u', channel: 'email', key: 'comments', openedAt: at, closesAt: new Date(Date.parse(at) + 60_000).toISOString() },
});
const added = (windowId: string, notificationId: string, at = t0): DigestEvent => ({ type: 'DigestMemberAdded', data: { windowId, notificationId, at } });
const closed = (windowId: string, members: string[]): DigestEvent => ({ type: 'DigestWindowClosed', data: { windowId, digestNotificationId: `d-${windowId}`, members, at: t1 } });

describe('digest decider', () => {
  it('the first member opens a window that closes windowSeconds after it', () =>
    spec
      .given([])
      .when(join('n1'))
      .then([opened('1'), added('1', 'n1')]));
  it('later members join the open window', () =>
    spec
      .given([opened('1'), added('1', 'n1')])
      .when(join('n2', t1))
      .then([added('1', 'n2', t1)]));
  it('a late member (past closesAt, before the close is recorded) still joins the open window', () =>
    spec
      .given([opened('1'), added('1', 'n1')])
      .when(join('n2', '2026-01-01T11:00:00.000Z'))
      .then([added('1', 'n2', '2026-01-01T11:00:00.000Z')]));
  it('a member already added (a replay) adds nothing, in the open window or a closed one', () => {
    spec
      .given([opened('1'), added('1', 'n1')])
      .when(join('n1'))
      .then([]);
    spec
      .given([opened('1'), added('1', 'n1'), closed('1', ['n1'])])
      .when(join('n1'))
      .then([]);
  });
  it('closing freezes the members in the order they joined', () =>
    spec
      .given([opened('1'), added('1', 'n1'), added('1', 'n2')])
      .when(close('1'))
      .then([closed('1', ['n1', 'n2'])]));
  it('a window closes once; an unknown window closes nothing', () => {
    spec
      .given([opened('1'), added('1', 'n1'), closed('1', ['n1'])])
      .when(close('1'))
      .then([]);
    spec
      .given([opened('1'), added('1', 'n1')])
      .when(close('2'))
      .then([]);
    spec.given([]).when(close('1')).then([]);
  });
  it('after a close, the next member opens the next window', () =>
    spec
      .given([opened('1'), added('1', 'n1'), closed('1', ['n1'])])
      .when(join('n2', t1))
      .then([opened('2', t1), added('2', 'n2', t1)]));
  it('folds into the open window and the closed ones', () => {
    const state = fold(digestDecider, [opened('1'), added('1', 'n1'), closed('1', ['n1']), opened('2'), added('2', 'n2')]);
    expect(state.open).toEqual({ windowId: '2', closesAt: '2026-01-01T10:01:00.000Z', members: ['n2'] });
    expect(state.closed).toEqual({ '1': { digestNotificationId: 'd-1', members: ['n1'] } });
    expect(state.memberOf).toEqual({ n1: '1', n2: '2' });
  });
});
