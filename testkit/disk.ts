import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { onCleanup } from './cleanup.ts';

/** Why a full-disk scenario cannot run here, or undefined when it can (root and a tmpfs mount work). */
export function tmpfsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux tmpfs';
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs (run the suite as root, or skip this scenario)';
  return undefined;
}

/** Mounts a tmpfs of `sizeMb` at `dir`; unmounted by the returned function (and on exit). */
export function mountTmpfs(dir: string, sizeMb: number): () => void {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0755`, 'tmpfs', dir]);
  const umount = () => {
    try {
      execFileSync('umount', ['-l', dir]);
    } catch {
      // already unmounted
    }
  };
  const unregister = onCleanup(`tmpfs ${dir}`, async () => umount(), umount);
  return () => {
    unregister();
    umount();
  };
}

/** Fills the file system holding `dir` until writes fail with ENOSPC; returns the filler's path and size. */
export function fillDisk(dir: string, maxMb: number): { file: string; bytes: number } {
  const file = path.join(dir, 'faults-filler');
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  try {
    for (const chunk of [1024 * 1024, 4096, 512]) {
      const buf = Buffer.alloc(chunk, 1);
      for (let i = 0; i < (maxMb * 1024 * 1024) / chunk + 1 && i < 300_000; i++) {
        try {
          bytes += fs.writeSync(fd, buf);
        } catch {
          break;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return { file, bytes };
}
