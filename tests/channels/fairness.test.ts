import { describe, expect, it } from 'vitest';
import { createFairnessGate } from '../../channels/sender/fairness.ts';

/** A delivery the test finishes by hand. */
function pending() {
  let finish!: () => void;
  const done = new Promise<void>((r) => {
    finish = r;
  });
  return { work: () => done, finish };
}

describe('the per-app fairness gate of a channel consumer', () => {
  it('runs maxInFlight of an app at once; the next wait in order and start as its own finish; another app is not held', async () => {
    let clock = 0;
    const gate = createFairnessGate({ maxInFlight: 2, maxHeld: 1, stuckMs: 1000, now: () => clock });
    const started: string[] = [];
    const jobs = new Map<string, ReturnType<typeof pending>>();
    const run = (app: string, name: string) => {
      const p = pending();
      jobs.set(name, p);
      return gate.run(app, () => {
        started.push(name);
        return p.work();
      });
    };
    const b = ['b1', 'b2', 'b3', 'b4', 'b5'].map((n) => run('b', n));
    const a = run('a', 'a1');
    expect(started).toEqual(['b1', 'b2', 'a1']);
    // B is not stuck yet (its calls are young): a healthy burst waits, beyond maxHeld too, and is never put off.
    jobs.get('b1')!.finish();
    await b[0];
    expect(started).toEqual(['b1', 'b2', 'a1', 'b3']);
    jobs.get('a1')!.finish();
    expect(await a).toBe('done');
    // B's calls hang: past stuckMs it keeps maxHeld waiting and gives the rest back.
    clock = 1500;
    expect(await run('b', 'b6')).toBe('put_off');
    expect(await b[4]).toBe('put_off');
    jobs.get('b2')!.finish();
    await b[1];
    expect(started).toEqual(['b1', 'b2', 'a1', 'b3', 'b4']);
    gate.close();
  });
});
