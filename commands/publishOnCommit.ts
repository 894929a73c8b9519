import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { CommitMarks } from '../infra/commitMarks.ts';
import type { Logger } from '../infra/logger.ts';
import { createRabbitConnection, type RabbitConnection } from '../infra/rabbit/connection.ts';
import { openCommitMarks } from '../infra/stores/commitMarks.ts';
import type { StoreUrls } from '../infra/stores/choice.ts';
import { publishDelivery, type DeliveryMessage } from '../infra/rabbit/message.ts';
import { createConfirmPublisher } from '../infra/rabbit/publisher.ts';
import { assertOnConnect, type Topology } from '../infra/rabbit/topology.ts';

/**
 * Publish on commit (docs/delivery-pipeline.md): the process that commits a request publishes it
 * right after the commit, so the dispatcher need not read it back to relay it. The request's
 * response never waits for the broker: `committed` starts the publish and returns.
 *
 * The requests a commit will publish carry this process's committer id (EventMetadata.committer).
 * A few times a second the process writes its row in CommitMarks: "every request I tagged up to
 * position P is confirmed", and the dispatcher skips those. P stops below the first unconfirmed
 * request, and below every append whose position is not known yet (its floor: the highest
 * position known when it began; a later append never gets a lower position than one that had
 * returned before it began).
 *
 * Whatever this process loses track of (a publish nacked or returned, an append that ended with
 * no answer) it hands over whole: it takes a new committer id and never beats the old one again,
 * so the dispatcher, seeing the old id go silent, publishes what that id left unconfirmed. While
 * the broker is away, or more than `maxQueued` publishes wait, requests are not tagged at all:
 * they are the dispatcher's, as before publish on commit.
 */
export interface PublishOnCommitOptions {
  rabbit: RabbitConnection;
  topology: Topology;
  marks: CommitMarks;
  logger: Logger;
  /** Prefix of this process's committer ids (role, host, pid), for diagnostics. */
  name: string;
  maxInFlight?: number;
  /** How often the mark is written (batched: one write covers every confirm since the last). */
  beatMs?: number;
  /** Longest silence between two writes (the dispatcher takes a committer silent for ~3 of these for dead). */
  heartbeatMs?: number;
  maxQueued?: number;
  now?: () => Date;
}

export interface CommitTicket {
  /** The id to tag the requests this commit publishes with; undefined: leave them to the dispatcher. */
  readonly committer: string | undefined;
  /** The append returned: publish each request (`position`: its stream's last appended event). */
  committed(items: ReadonlyArray<{ position: number; message: DeliveryMessage; traceparent?: string | undefined }>): void;
  /** The append threw; `rolledBack`: nothing was written (a conflict), else the outcome is unknown. */
  failed(rolledBack: boolean): void;
}

export interface CommitPublisher {
  /** Called right before an append whose requests may be published on commit. */
  begin(): CommitTicket;
  stats(): { published: number; handedOver: number; committer: string };
  /** Gives unconfirmed publishes `graceMs`, writes the mark a last time; what is left, the dispatcher takes. */
  close(graceMs?: number): Promise<void>;
}

const UNTAGGED: CommitTicket = { committer: undefined, committed() {}, failed() {} };

export async function startPublishOnCommit(o: PublishOnCommitOptions): Promise<CommitPublisher> {
  const now = o.now ?? (() => new Date());
  const base = `${o.name}:${randomUUID().slice(0, 8)}`;
  const maxQueued = o.maxQueued ?? 5_000;
  const unregisterTopology = assertOnConnect(o.rabbit, o.topology);
  const publisher = createConfirmPublisher(o.rabbit, { logger: o.logger, maxInFlight: o.maxInFlight ?? 100 });
  let epoch = 0;
  let id = `${base}.0`;
  /** The current id's first mark is stored: only then may requests carry it (the dispatcher finds its row). */
  let ready = false;
  let maxKnown = 0;
  let ticketSeq = 0;
  /** Appends under way: their floors. */
  const open = new Map<number, number>();
  /** Positions published and not yet confirmed. */
  const pending = new Set<number>();
  let queued = 0;
  let written = -1;
  let lastBeatAt = 0;
  let beating: Promise<void> | undefined;
  let closed = false;
  const stats = { published: 0, handedOver: 0 };
  const work = new Set<Promise<void>>();

  function watermark(): number {
    let w = maxKnown;
    for (const p of pending) w = Math.min(w, p - 1);
    for (const floor of open.values()) w = Math.min(w, floor);
    return w;
  }

  async function beatOnce(force: boolean): Promise<void> {
    const at = now();
    const w = watermark();
    // Nothing new: the heartbeat alone keeps the id alive.
    if (!force && w === written && at.getTime() - lastBeatAt < (o.heartbeatMs ?? 1_000)) return;
    const thisId = id;
    try {
      await o.marks.beat(thisId, w, at);
      if (thisId !== id) return;
      written = w;
      lastBeatAt = at.getTime();
      ready = true;
    } catch (e) {
      o.logger.warn({ err: e instanceof Error ? e.message : String(e), committer: thisId }, 'commit mark not written');
    }
  }
  function beat(force = false): Promise<void> {
    beating ??= beatOnce(force).finally(() => (beating = undefined));
    return beating;
  }

  function handOver(reason: string): void {
    stats.handedOver += pending.size;
    o.logger.warn({ committer: id, unconfirmed: pending.size, reason }, 'publish on commit: handing unconfirmed requests to the dispatcher');
    epoch += 1;
    id = `${base}.${epoch}`;
    ready = false;
    maxKnown = 0;
    written = -1;
    open.clear();
    pending.clear();
    void beat(true);
  }

  function send(position: number, message: DeliveryMessage, traceparent: string | undefined, ep: number): void {
    pending.add(position);
    queued += 1;
    const p = publishDelivery(publisher, o.topology.prefix, message, traceparent)
      .then(
        () => {
          if (ep !== epoch) return;
          pending.delete(position);
          stats.published += 1;
        },
        (e: unknown) => {
          // Closing: the heartbeat stops with the process, and the dispatcher takes what is left.
          if (ep !== epoch || closed) return;
          handOver(e instanceof Error ? e.message : String(e));
        },
      )
      .finally(() => {
        queued -= 1;
        work.delete(p);
      });
    work.add(p);
  }

  const timer = setInterval(() => void beat(), o.beatMs ?? 150);
  timer.unref();
  await beat(true);

  return {
    begin() {
      if (!ready || closed || !o.rabbit.connected || queued >= maxQueued) return UNTAGGED;
      const seq = ++ticketSeq;
      const ep = epoch;
      open.set(seq, maxKnown);
      return {
        committer: id,
        committed(items) {
          if (ep !== epoch) return;
          open.delete(seq);
          for (const it of items) maxKnown = Math.max(maxKnown, it.position);
          for (const it of items) send(it.position, it.message, it.traceparent, ep);
        },
        failed(rolledBack) {
          if (ep !== epoch) return;
          open.delete(seq);
          if (!rolledBack) handOver('an append ended without an answer');
        },
      };
    },
    stats() {
      return { ...stats, committer: id };
    },
    async close(graceMs = 2_000) {
      closed = true;
      clearInterval(timer);
      const settled = Promise.allSettled([...work]);
      await Promise.race([settled, new Promise((r) => setTimeout(r, graceMs).unref())]);
      await beating;
      await beat(true);
      await publisher.close();
      unregisterTopology();
    },
  };
}

/**
 * A process's publisher on commit, on a connection of its own (the API's and the workflow's
 * commits share it), its marks beside the roles' state. Starts even with the broker away: until
 * it connects, requests are left untagged, to the dispatcher.
 */
export async function openPublishOnCommit(o: { config: StoreUrls & { amqpUrl: string }; topology: Topology; logger: Logger; name: string }): Promise<CommitPublisher> {
  const marks = await openCommitMarks(o.config);
  const rabbit = createRabbitConnection({ url: o.config.amqpUrl, logger: o.logger, name: `notify-${o.name}-commits` });
  void rabbit.start().catch(() => {});
  const committer = await startPublishOnCommit({ rabbit, topology: o.topology, marks, logger: o.logger, name: `${o.name}@${hostname()}:${process.pid}` });
  return {
    ...committer,
    async close(graceMs) {
      await committer.close(graceMs);
      await rabbit.close();
      await marks.close();
    },
  };
}
