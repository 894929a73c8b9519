import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../infra/logger.ts';

/**
 * The sender's outbox: provider outcomes the event store would not take yet (a full disk, a lock
 * held past the retry deadline), kept on this machine so the message can be acked without calling
 * the provider again. The file is allocated in full when the sender starts, so writing an entry
 * never needs a new block: it still works once the disk is full. Fixed slots, each
 * `[u32 length][JSON]`; length 0 is a free slot. Every write is followed by fdatasync before the
 * caller acks. A slot torn by a crash does not parse and is skipped: the write it belonged to had
 * not been acked, so the message comes back.
 *
 * One file per process start (`<host>.<pid>.<start ms>.outbox`); a starting sender adopts the files
 * of processes that are gone (same host: pid no longer alive, or its own pid, as in a restarted
 * container; another host: not touched for `staleMs`), replays them, and deletes each once empty.
 */
export interface JournalEntry<T> {
  seq: number;
  value: T;
}

export interface Journal<T> {
  /** Writes every value and syncs once. Throws when the journal is unavailable or full. */
  add(values: readonly T[]): Promise<Array<JournalEntry<T>>>;
  /** Frees the slots of entries now in the log. */
  remove(seqs: readonly number[]): Promise<void>;
  /** Entries held (this process's and adopted ones), oldest first. */
  entries(): Array<JournalEntry<T>>;
  readonly available: boolean;
  close(): Promise<void>;
}

export interface JournalOptions {
  dir: string;
  logger: Logger;
  slotBytes?: number;
  slots?: number;
  /** A file from another host untouched for this long belongs to a sender that is gone. */
  staleMs?: number;
}

interface FileState {
  file: string;
  fh: fs.promises.FileHandle;
  own: boolean;
  used: Map<number, number>; // seq -> slot
  free: number[];
}

const SUFFIX = '.outbox';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function openJournal<T>(o: JournalOptions): Promise<Journal<T>> {
  const slotBytes = o.slotBytes ?? 4096;
  const slots = o.slots ?? 1024;
  const staleMs = o.staleMs ?? 60_000;
  const host = os.hostname().replace(/[^\w.-]/g, '_');
  const ownName = `${host}.${process.pid}.${Date.now()}${SUFFIX}`;
  const files: FileState[] = [];
  const where = new Map<number, FileState>();
  const values = new Map<number, T>();
  let seq = 0;
  let own: FileState | undefined;
  let touch: NodeJS.Timeout | undefined;

  let names: string[] = [];
  try {
    fs.mkdirSync(o.dir, { recursive: true, mode: 0o700 });
    names = fs.readdirSync(o.dir);
  } catch (e) {
    // A full disk at start: no outbox (below), the sender still runs.
    o.logger.error({ err: e instanceof Error ? e.message : String(e), dir: o.dir }, 'sender outbox directory unavailable');
  }
  // Adopt what senders that are gone left behind.
  for (const name of names.filter((n) => n.endsWith(SUFFIX) && n !== ownName)) {
    const m = /^(.+)\.(\d+)\.(\d+)\.outbox$/.exec(name);
    if (!m) continue;
    const file = path.join(o.dir, name);
    const pid = Number(m[2]);
    const gone = m[1] === host ? pid === process.pid || !alive(pid) : Date.now() - fs.statSync(file).mtimeMs > staleMs;
    if (!gone) continue;
    const fh = await fs.promises.open(file, 'r+');
    const state: FileState = { file, fh, own: false, used: new Map(), free: [] };
    const size = (await fh.stat()).size;
    const buf = Buffer.alloc(slotBytes);
    for (let slot = 0; slot * slotBytes < size; slot += 1) {
      await fh.read(buf, 0, slotBytes, slot * slotBytes);
      const len = buf.readUInt32LE(0);
      if (len === 0) continue;
      try {
        if (len > slotBytes - 4) throw new Error('length past the slot');
        const value = JSON.parse(buf.subarray(4, 4 + len).toString('utf8')) as T;
        seq += 1;
        state.used.set(seq, slot);
        where.set(seq, state);
        values.set(seq, value);
      } catch {
        o.logger.warn({ file, slot }, 'outbox slot unreadable (torn by a crash before its ack); skipped');
      }
    }
    files.push(state);
    if (state.used.size === 0) await dropFile(state);
    else o.logger.warn({ file, entries: state.used.size }, 'adopted the outbox of a sender that is gone');
  }

  // Allocated in full now, while there is room: later writes reuse these blocks.
  try {
    const file = path.join(o.dir, ownName);
    const fh = await fs.promises.open(file, 'w+', 0o600);
    try {
      await fh.write(Buffer.alloc(slotBytes * slots), 0, slotBytes * slots, 0);
      await fh.datasync();
    } catch (e) {
      await fh.close().catch(() => {});
      await fs.promises.unlink(file).catch(() => {});
      throw e;
    }
    own = { file, fh, own: true, used: new Map(), free: Array.from({ length: slots }, (_, i) => slots - 1 - i) };
    files.push(own);
    // Tells senders on other hosts this file is still someone's (utimes needs no free block).
    touch = setInterval(() => void fs.promises.utimes(file, new Date(), new Date()).catch(() => {}), Math.max(1000, Math.floor(staleMs / 4)));
    touch.unref();
  } catch (e) {
    o.logger.error({ err: e instanceof Error ? e.message : String(e), dir: o.dir }, 'sender outbox unavailable: outcomes the store refuses are held in memory only');
  }

  async function dropFile(state: FileState): Promise<void> {
    await state.fh.close().catch(() => {});
    await fs.promises.unlink(state.file).catch(() => {});
    files.splice(files.indexOf(state), 1);
  }

  return {
    get available() {
      return own !== undefined;
    },
    async add(list) {
      const f = own;
      if (!f) throw new Error('sender outbox unavailable');
      if (f.free.length < list.length) throw new Error(`sender outbox full (${slots} slots)`);
      const added: Array<JournalEntry<T>> = [];
      const taken: number[] = [];
      try {
        for (const value of list) {
          const json = Buffer.from(JSON.stringify(value), 'utf8');
          if (json.length > slotBytes - 4) throw new Error(`outbox entry of ${json.length} bytes does not fit a slot`);
          const slot = f.free.pop()!;
          taken.push(slot);
          const buf = Buffer.alloc(slotBytes);
          buf.writeUInt32LE(json.length, 0);
          json.copy(buf, 4);
          await f.fh.write(buf, 0, slotBytes, slot * slotBytes);
          seq += 1;
          added.push({ seq, value });
        }
        await f.fh.datasync();
      } catch (e) {
        f.free.push(...taken);
        throw e;
      }
      added.forEach((a, i) => {
        f.used.set(a.seq, taken[i]!);
        where.set(a.seq, f);
        values.set(a.seq, a.value);
      });
      return added;
    },
    async remove(seqs) {
      const zero = Buffer.alloc(4);
      const touched = new Set<FileState>();
      for (const s of seqs) {
        const f = where.get(s);
        const slot = f?.used.get(s);
        if (!f || slot === undefined) continue;
        await f.fh.write(zero, 0, 4, slot * slotBytes);
        f.used.delete(s);
        where.delete(s);
        values.delete(s);
        if (f.own) f.free.push(slot);
        touched.add(f);
      }
      for (const f of touched) {
        if (!f.own && f.used.size === 0) await dropFile(f);
        else await f.fh.datasync();
      }
    },
    entries() {
      return [...values.entries()].sort((a, b) => a[0] - b[0]).map(([s, value]) => ({ seq: s, value }));
    },
    async close() {
      clearInterval(touch);
      for (const f of [...files]) {
        // An empty own file is removed; one still holding outcomes stays for the next sender.
        if (f.own && f.used.size === 0) await dropFile(f);
        else await f.fh.close().catch(() => {});
      }
    },
  };
}
