/**
 * Quiet hours: a local "HH:MM"-"HH:MM" window in the user's timezone (it may wrap midnight).
 * A notification due inside it is deferred to the window's end, never dropped.
 */
export interface QuietHours {
  start: string;
  end: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isHhMm(value: string): boolean {
  return HHMM.test(value);
}

function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new RangeError(`not a HH:MM time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const knownZones = new Map<string, boolean>();
/** Building an Intl formatter costs tens of microseconds: zone answers are remembered (bounded). */
export function isTimeZone(tz: string): boolean {
  let known = knownZones.get(tz);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      known = true;
    } catch {
      known = false;
    }
    if (knownZones.size < 2000) knownZones.set(tz, known);
  }
  return known;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localTime(instant: number, tz: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** Offset (ms) of the zone from UTC at an instant (whole seconds). */
export function offsetAt(instant: number, tz: string): number {
  const l = localTime(instant, tz);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant a local wall-clock time happens in a zone (the later reading across a DST gap). */
function instantOfLocal(year: number, month: number, day: number, minutes: number, tz: string): number {
  const guess = Date.UTC(year, month - 1, day, Math.floor(minutes / 60), minutes % 60);
  const first = guess - offsetAt(guess, tz);
  const second = guess - offsetAt(first, tz);
  return Math.max(first, second);
}

/** When a notification due at `due` may go out: `due` itself, or the end of the quiet window it falls in. */
export function quietHoursRelease(due: Date, quiet: QuietHours, tz: string): Date | undefined {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return undefined;
  const l = localTime(due.getTime(), tz);
  const now = l.hour * 60 + l.minute;
  const wraps = start > end;
  const inside = wraps ? now >= start || now < end : now >= start && now < end;
  if (!inside) return undefined;
  // In a window that wraps midnight, the evening part ends tomorrow.
  const dayOffset = wraps && now >= start ? 1 : 0;
  const release = instantOfLocal(l.year, l.month, l.day + dayOffset, end, tz);
  return release > due.getTime() ? new Date(release) : undefined;
}
