import { openMongo } from './client.ts';
import { mongoDatabaseName } from './url.ts';
import type { CommitMarks } from '../commitMarks.ts';

interface MarkDoc {
  _id: string;
  position: number;
  beatAt: number;
}

/** Production adapter (MONGO_URL): one document per committer, moved forward only ($max). */
export async function createMongoCommitMarks(url: string, dbName?: string): Promise<CommitMarks> {
  const shared = await openMongo(url);
  const marks = shared.client.db(mongoDatabaseName(url, dbName)).collection<MarkDoc>('commit_marks');
  return {
    async beat(committer, position, at) {
      await marks.updateOne({ _id: committer }, { $max: { position, beatAt: at.getTime() } }, { upsert: true });
    },
    async get(committer) {
      const doc = await marks.findOne({ _id: committer });
      return doc ? { position: doc.position, beatAt: doc.beatAt } : undefined;
    },
    async prune(before) {
      return (await marks.deleteMany({ beatAt: { $lt: before.getTime() } })).deletedCount;
    },
    async close() {
      await shared.close();
    },
  };
}
