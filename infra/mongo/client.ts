import { MongoClient } from 'mongodb';
import { refCounted } from '../refCounted.ts';

/** One process's share of a MongoDB deployment: the connected client, until this holder closes. */
export interface MongoHandle {
  readonly client: MongoClient;
  close(): Promise<void>;
}

const clients = refCounted(
  (url) => {
    const client = new MongoClient(url);
    return { client, connected: client.connect() };
  },
  ({ client }) => client.close(),
);

/**
 * The one MongoClient per process and URL that every MongoDB store shares (read models,
 * dispatcher state, claims, key vault): the driver pools connections per client, so a client per
 * store multiplied the pools. The leader lock keeps a client of its own (infra/mongo/leaderLock.ts).
 */
export async function openMongo(url: string): Promise<MongoHandle> {
  const held = clients(url);
  try {
    await held.value.connected;
  } catch (e) {
    await held.close().catch(() => undefined);
    throw e;
  }
  return { client: held.value.client, close: () => held.close() };
}
