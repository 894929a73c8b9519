import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** Clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
export const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/**
 * The fields of /proc/<pid>/stat after the command name, which may itself hold spaces and ')':
 * state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14). Undefined once the process is gone.
 */
export function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU ms the process has used so far (utime + stime; with `children`, its reaped children's too). */
export function cpuMs(pid: number, options: { children?: boolean } = {}): number | undefined {
  const f = statFields(pid);
  if (!f) return undefined;
  const ticks = Number(f[11]) + Number(f[12]) + (options.children ? Number(f[13]) + Number(f[14]) : 0);
  return (ticks * 1000) / CLK_TCK;
}
