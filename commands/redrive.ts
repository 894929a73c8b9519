import { createHash } from 'node:crypto';
import { isDomainError } from '../domain/errors.ts';
import { CHANNELS, type Channel, type FailureReason, type RedriveRequested } from '../domain/events.ts';
import { notificationDecider } from '../domain/notification.ts';
import { streams } from '../domain/streams.ts';
import { ConcurrencyError, type EventStore } from '../infra/eventStore/port.ts';
import type { ParkedQueues } from '../infra/rabbit/parked.ts';
import { metadataFor, type CommandContext } from './context.ts';
import { handleCommand } from './handle.ts';
import { readAppNotification, type NotificationRead } from './readNotification.ts';

/**
 * POST /v1/redrive and `notify redrive`: failed notifications of the calling app whose last
 * failure is in [from, to) get a new attempt (NotificationRedriven: same id, attempts continue,
 * the dispatcher publishes it again). The redrive is recorded first in its own stream with
 * expected "no stream", so the same redrive again (same id, or the same request: the id is derived
 * from it) finds it and appends nothing; a redrive interrupted half way is completed by the next
 * identical call, because each notification refuses a redrive id it has already applied.
 * Parked messages are drained the same way: those of the notifications redriven here leave the
 * parking queue (their new attempt is already on its way), and a message the broker parked while
 * its notification was still pending (the delivery limit) is redriven too; other apps' messages,
 * and everything else, stay parked.
 */
export interface RedriveFilter {
  status: 'failed';
  channel?: Channel;
  reason?: FailureReason;
  from: Date;
  to: Date;
}

export interface RedriveDeps {
  store: EventStore;
  /** Candidates from the read model (projections/operatorQueries.ts failedNotifications); each is checked against the log. */
  failed: (q: { appId: string; from: Date; to: Date; channel?: Channel; reason?: FailureReason }) => Promise<Array<{ id: string }>>;
  parked?: ParkedQueues;
  /** The channels whose parking queues exist (the topology's). */
  channels?: readonly Channel[];
}

export interface RedriveResult {
  id: string;
  matched: number;
  redriven: number;
  dryRun: boolean;
  /** True when this redrive id had already been recorded: nothing new was matched. */
  repeated: boolean;
  parked: { seen: number; drained: number };
}

/** The id of a redrive the caller did not name: a pure function of the app and the filter. */
export function redriveIdOf(appId: string, f: RedriveFilter): string {
  const key = [appId, f.status, f.channel ?? '', f.reason ?? '', f.from.toISOString(), f.to.toISOString()].join('\u0000');
  const h = createHash('sha256').update(key).digest('hex');
  return `rd-${h.slice(0, 32)}`;
}

/** The redrive stream is per app: two apps naming their redrives alike never meet. */
const streamOf = (appId: string, id: string) => streams.redrive(createHash('sha256').update(`${appId}\u0000${id}`).digest('hex').slice(0, 40));

/** The log's word on a candidate: failed, its last failure in the window and of the reason asked. */
function stillMatches({ state, events }: NotificationRead, f: RedriveFilter): boolean {
  if (state.status !== 'failed') return false;
  const last = [...events].reverse().find((e) => e.type === 'NotificationFailed');
  if (last?.type !== 'NotificationFailed') return false;
  const at = Date.parse(last.data.at);
  if (at < f.from.getTime() || at >= f.to.getTime()) return false;
  return f.reason === undefined || last.data.reason === f.reason;
}

export async function redrive(
  deps: RedriveDeps,
  ctx: CommandContext,
  input: RedriveFilter & { dryRun?: boolean; id?: string },
  onProgress?: (done: number, total: number) => void,
): Promise<RedriveResult> {
  const filter: RedriveFilter = {
    status: input.status,
    from: input.from,
    to: input.to,
    ...(input.channel && { channel: input.channel }),
    ...(input.reason && { reason: input.reason }),
  };
  const id = input.id ?? redriveIdOf(ctx.appId, filter);
  const dryRun = input.dryRun === true;
  const stream = streamOf(ctx.appId, id);

  const recorded = (await deps.store.readStream(stream))[0];
  let ids: string[];
  let repeated = recorded !== undefined;
  if (recorded?.type === 'RedriveRequested') ids = recorded.data.notificationIds;
  else {
    const candidates = await deps.failed({
      appId: ctx.appId,
      from: filter.from,
      to: filter.to,
      ...(filter.channel && { channel: filter.channel }),
      ...(filter.reason && { reason: filter.reason }),
    });
    ids = [];
    for (const c of candidates) {
      const read = await readAppNotification(deps.store, ctx.appId, c.id);
      if (read && stillMatches(read, filter)) ids.push(c.id);
    }
  }
  const metadata = metadataFor(ctx);
  const at = ctx.now.toISOString();
  if (!dryRun && !repeated) {
    const event: RedriveRequested = {
      type: 'RedriveRequested',
      data: {
        redriveId: id,
        appId: ctx.appId,
        filter: {
          status: filter.status,
          from: filter.from.toISOString(),
          to: filter.to.toISOString(),
          ...(filter.channel && { channel: filter.channel }),
          ...(filter.reason && { reason: filter.reason }),
        },
        notificationIds: ids,
        at,
        ...(ctx.operator && { by: ctx.operator }),
      },
    };
    try {
      await deps.store.append(stream, [{ ...event, metadata }], 'no_stream');
    } catch (e) {
      if (!(e instanceof ConcurrencyError)) throw e;
      // The same redrive, concurrently: the first one recorded decides what it covers.
      const first = (await deps.store.readStream(stream))[0];
      if (first?.type === 'RedriveRequested') ids = first.data.notificationIds;
      repeated = true;
    }
  }

  const redriveOne = async (notificationId: string): Promise<boolean> => {
    try {
      const result = await handleCommand(
        deps.store,
        notificationDecider,
        streams.notification(notificationId),
        { type: 'RedriveNotification', data: { notificationId, redriveId: id, at } },
        metadata,
      );
      return result.events.length > 0;
    } catch (e) {
      // Sent meanwhile (or redriven by another id and now pending again): nothing to do for it.
      if (isDomainError(e, 'invalid_state')) return false;
      throw e;
    }
  };

  let redriven = 0;
  const total = ids.length;
  onProgress?.(0, total);
  if (!dryRun) {
    for (const [i, notificationId] of ids.entries()) {
      if (await redriveOne(notificationId)) redriven += 1;
      onProgress?.(i + 1, total);
    }
  }

  let extra = 0;
  const parked = { seen: 0, drained: 0 };
  if (deps.parked) {
    const covered = new Set(ids);
    const channels = filter.channel ? [filter.channel] : (deps.channels ?? CHANNELS);
    const result = await deps.parked.drain(
      channels,
      async (m) => {
        if (m.appId !== ctx.appId || m.notificationId === undefined) return false;
        // A copy of a notification redriven here: its new attempt is already on its way.
        if (covered.has(m.notificationId)) return true;
        if (m.parkedAt && (m.parkedAt < filter.from || m.parkedAt >= filter.to)) return false;
        if (filter.reason !== undefined) return false;
        const read = await readAppNotification(deps.store, ctx.appId, m.notificationId);
        if (read?.state.status !== 'pending') return false;
        extra += 1;
        if (dryRun) return true;
        if (await redriveOne(m.notificationId)) redriven += 1;
        return true;
      },
      { dryRun },
    );
    parked.seen = result.seen;
    parked.drained = result.taken;
  }
  return { id, matched: ids.length + extra, redriven, dryRun, repeated, parked };
}
