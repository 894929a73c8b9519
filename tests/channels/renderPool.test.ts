import { afterAll, describe, expect, it } from 'vitest';
import { createRenderPool, RenderBudgetError, type RenderJob } from '../../infra/render/pool.ts';

/** Issue 24, finding 1: renders run on worker threads, within a budget, each app in its own queue. */
const pool = createRenderPool({ workers: 1, budgetMs: 400 });
afterAll(() => pool.close());

const HEAVY = '{% for i in (1..3000) %}{% for j in (1..3000) %}{% assign x=j %}{% endfor %}{% endfor %}';
const job = (appId: string, templateId: string, body: string): RenderJob => ({
  appId,
  templateId,
  content: { push: { title: 'T', body } },
  fields: [{ variant: 'default', field: 'push.body' }],
  fieldFallback: false,
  params: { name: 'Ada' },
});

describe('the render pool', () => {
  it('a render past the budget fails naming its template; the worker is replaced and the next render works', async () => {
    await expect(pool.run(job('b', 'heavy v1', HEAVY))).rejects.toMatchObject({ name: 'RenderBudgetError', templateId: 'heavy v1', message: expect.stringContaining('heavy v1') });
    expect(await pool.run(job('b', 'light v1', 'Hi {{ name }}'))).toEqual({ ok: true, values: ['Hi Ada'] });
  });

  it("apps take turns: app A's render waits for at most one of app B's, however many B queued first", async () => {
    const order: string[] = [];
    const track = (name: string, p: Promise<unknown>) =>
      p.then(
        () => order.push(name),
        (e: unknown) => order.push(`${name}${e instanceof RenderBudgetError ? ' (budget)' : ''}`),
      );
    const all = [
      track('b1', pool.run(job('b', 'heavy', HEAVY))),
      track('b2', pool.run(job('b', 'heavy', HEAVY))),
      track('b3', pool.run(job('b', 'heavy', HEAVY))),
      track('a1', pool.run(job('a', 'light', 'Hi {{ name }}'))),
    ];
    await Promise.all(all);
    expect(order).toEqual(['b1 (budget)', 'a1', 'b2 (budget)', 'b3 (budget)']);
  }, 20_000);
});
