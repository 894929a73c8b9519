import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';

/** Every file of a data directory, raw bytes, after a WAL checkpoint of each SQLite file. */
export function rawDataFiles(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.sqlite')) continue;
    const db = new Database(path.join(dir, name));
    db.pragma('busy_timeout = 5000');
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    expect(result?.busy, `checkpoint of ${name}`).toBe(0);
    db.close();
  }
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else files.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return files;
}

/** `file: needle` for each needle found in a file (binary needles shown as hex). */
export const found = (haystack: Map<string, Buffer>, needles: Array<string | Buffer>) =>
  [...haystack].flatMap(([file, bytes]) => needles.filter((n) => bytes.includes(n)).map((n) => `${file}: ${typeof n === 'string' ? n : n.toString('hex')}`));
