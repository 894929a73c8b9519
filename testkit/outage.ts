import type { SendAnswer } from './load.ts';
import { http, sleep } from './net.ts';

/** What the API answered to send attempts made wholly inside [from, to]: counts by `status error`, and 503s without Retry-After. */
export function answersDuring(answers: readonly SendAnswer[], from: number, to: number): { byAnswer: Record<string, number>; total: number; without503RetryAfter: number } {
  const byAnswer: Record<string, number> = {};
  let total = 0;
  let without503RetryAfter = 0;
  for (const a of answers) {
    if (a.sentAt < from || a.at > to) continue;
    total += 1;
    const key = a.status === 0 ? 'no answer' : `${a.status}${a.error ? ` ${a.error}` : ''}`;
    byAnswer[key] = (byAnswer[key] ?? 0) + 1;
    if (a.status === 503 && a.retryAfter === undefined) without503RetryAfter += 1;
  }
  return { byAnswer, total, without503RetryAfter };
}

/** Milliseconds from `since` to the first 202 for an attempt sent after it, or undefined. */
export function firstAcceptedAfter(answers: readonly SendAnswer[], since: number): number | undefined {
  const first = answers.filter((a) => a.status === 202 && a.sentAt >= since).reduce<number | undefined>((m, a) => (m === undefined || a.at < m ? a.at : m), undefined);
  return first === undefined ? undefined : first - since;
}

export const formatAnswers = (byAnswer: Record<string, number>): string =>
  Object.entries(byAnswer)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} x${n}`)
    .join(', ') || 'none';

/**
 * Polls each named `/readyz` every `stepMs` until stopped; per name, how often it answered each
 * status (0: no answer). A role process that exits shows up as `0`.
 */
export function watchReadiness(readyz: ReadonlyMap<string, string>, stepMs = 500): { stop(): Promise<Map<string, Record<number, number>>> } {
  const seen = new Map<string, Record<number, number>>([...readyz.keys()].map((k) => [k, {}]));
  let running = true;
  const loop = (async () => {
    while (running) {
      await Promise.all(
        [...readyz].map(async ([name, url]) => {
          const { status } = await http('GET', url, { timeoutMs: 3000 });
          const counts = seen.get(name)!;
          counts[status] = (counts[status] ?? 0) + 1;
        }),
      );
      await sleep(stepMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return seen;
    },
  };
}

export const formatReadiness = (seen: ReadonlyMap<string, Record<number, number>>): string =>
  [...seen]
    .map(
      ([name, counts]) =>
        `${name} ${Object.entries(counts)
          .map(([s, n]) => `${s === '0' ? 'no answer' : s}x${n}`)
          .join('/')}`,
    )
    .join(', ');
