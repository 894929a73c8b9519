import type { Collection } from 'mongodb';
import { openMongo } from './client.ts';
import type { Channel } from '../../domain/events.ts';
import { mongoDatabaseName } from './url.ts';
import type { ScheduleStore, ScheduledTimer, ScheduledEntry } from '../scheduleStore.ts';

interface CheckpointDoc {
  _id: string;
  position: number;
}
interface ScheduledDoc {
  _id: string;
  name: string;
  notificationId: string;
  channel: Channel;
  appId: string;
  dueAt: Date;
  traceparent?: string;
  position: number;
  timer?: ScheduledTimer;
}

/** Production adapter (MONGO_URL): same contract as the SQLite one, keyed by reader `name`. */
export async function createMongoScheduleStore(url: string, name: string, dbName?: string): Promise<ScheduleStore> {
  const database = mongoDatabaseName(url, dbName);
  const shared = await openMongo(url);
  const client = shared.client;
  const db = client.db(database);
  const checkpoints: Collection<CheckpointDoc> = db.collection<CheckpointDoc>('dispatcher_checkpoints');
  const scheduled: Collection<ScheduledDoc> = db.collection<ScheduledDoc>('dispatcher_scheduled');
  await scheduled.createIndex({ name: 1, dueAt: 1 }, { name: 'ix_name_asc__dueAt_asc' });
  const id = (notificationId: string) => `${name}:${notificationId}`;

  return {
    async getCheckpoint() {
      return (await checkpoints.findOne({ _id: name }))?.position ?? 0;
    },
    async setCheckpoint(position) {
      // Forward only: a late flush from a stalled reader cannot move the checkpoint back.
      await checkpoints.updateOne({ _id: name }, { $max: { position } }, { upsert: true });
    },
    async schedule(e) {
      const doc: ScheduledDoc = {
        _id: id(e.notificationId),
        name,
        notificationId: e.notificationId,
        channel: e.channel,
        appId: e.appId,
        dueAt: new Date(e.dueAt),
        position: e.position,
        ...(e.traceparent ? { traceparent: e.traceparent } : {}),
        ...(e.timer ? { timer: e.timer } : {}),
      };
      const { _id, ...fields } = doc;
      await scheduled.updateOne({ _id }, { $setOnInsert: fields }, { upsert: true });
    },
    async due(now, limit) {
      const docs = await scheduled
        .find({ name, dueAt: { $lte: now } })
        .sort({ dueAt: 1 })
        .limit(limit)
        .toArray();
      return docs.map((d): ScheduledEntry => ({
        notificationId: d.notificationId,
        channel: d.channel,
        appId: d.appId,
        dueAt: d.dueAt.toISOString(),
        position: d.position,
        ...(d.traceparent ? { traceparent: d.traceparent } : {}),
        ...(d.timer ? { timer: d.timer } : {}),
      }));
    },
    async remove(notificationId) {
      await scheduled.deleteOne({ _id: id(notificationId) });
    },
    async countScheduled() {
      return scheduled.countDocuments({ name });
    },
    async close() {
      await shared.close();
    },
  };
}
