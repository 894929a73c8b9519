// Holds the SQLite write lock of one database for a while, as another process would:
// `node testkit/holdLock.ts <file> <ms>`. Prints "locked" once it holds it.
import Database from 'better-sqlite3';

const [file, ms] = [process.argv[2], Number(process.argv[3])];
if (!file || !Number.isInteger(ms) || ms <= 0) {
  process.stderr.write('usage: holdLock.ts <sqlite file> <ms>\n');
  process.exit(2);
}
const db = new Database(file);
// Wait for a writer that holds it right now rather than failing: the point is to take it.
db.pragma('busy_timeout = 30000');
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\n');
setTimeout(() => {
  db.exec('ROLLBACK');
  db.close();
  process.exit(0);
}, ms);
