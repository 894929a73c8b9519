import { Worker } from 'node:worker_threads';
import type { RenderJob, RenderJobResult, WorkerReply, WorkerRequest } from './job.ts';

export type { RenderJob, RenderJobResult } from './job.ts';

/** RENDER_WORKERS and RENDER_BUDGET_MS (app/config.ts). */
export interface RenderPoolConfig {
  workers: number;
  budgetMs: number;
}

export const DEFAULT_RENDER_POOL: RenderPoolConfig = { workers: 2, budgetMs: 1000 };

/** A render that ran past its budget: its worker was terminated. Never worth a retry. */
export class RenderBudgetError extends Error {
  readonly code = 'render_budget';
  readonly templateId: string;
  readonly budgetMs: number;
  /** The part being rendered, when Liquid's own limit (set to the budget) stopped it; a killed worker tells none. */
  readonly field: string | undefined;
  constructor(templateId: string, budgetMs: number, field?: string) {
    super(`template ${templateId}: rendering${field ? ` ${field}` : ''} took longer than the ${budgetMs} ms render budget`);
    this.name = 'RenderBudgetError';
    this.templateId = templateId;
    this.budgetMs = budgetMs;
    this.field = field;
  }
}

export interface RenderPool {
  run(job: RenderJob): Promise<RenderJobResult>;
  readonly budgetMs: number;
  close(): Promise<void>;
}

interface Pending {
  job: RenderJob;
  resolve: (r: RenderJobResult) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  /** The worker has loaded Liquid: a budget starts only on a ready worker, never during its boot. */
  ready: boolean;
  busy?: { id: number; pending: Pending; timer: NodeJS.Timeout };
}

const LIQUID_LIMIT = /render limit exceeded/i;
/**
 * Liquid stops a render at the budget itself when it can (between tags, naming the part); the
 * worker is killed only this much later, for a loop Liquid cannot interrupt.
 */
const KILL_GRACE_MS = 100;
const WORKER_URL = new URL('./worker.ts', import.meta.url);
/** A worker's heap: a template that builds a giant string dies here, not in the API's process. */
const WORKER_HEAP_MB = 128;

/**
 * Liquid runs in worker threads, so a CPU-heavy template never stalls the thread that serves
 * HTTP or consumes a queue. Each render has a wall-clock budget from the moment a worker takes
 * it; past it the worker is terminated (the only way to stop a synchronous loop) and replaced.
 * Renders wait in one queue per app and a free worker takes from the waiting app served longest
 * ago, so an app's heavy templates queue behind its own renders only. Workers start on first use.
 */
export function createRenderPool(config: RenderPoolConfig): RenderPool {
  const size = Math.max(1, Math.floor(config.workers));
  const budgetMs = config.budgetMs;
  const slots: Slot[] = [];
  const queues = new Map<string, Pending[]>();
  /** When each app was last served (a counter): the waiting app served longest ago goes next. */
  const lastServed = new Map<string, number>();
  let served = 0;
  let nextId = 1;
  let closed = false;

  function spawn(): Slot {
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    // The pool must not keep a process alive that has nothing else to do.
    worker.unref();
    const slot: Slot = { worker, ready: false };
    worker.on('message', (reply: WorkerReply | 'ready') => {
      if (reply === 'ready') {
        slot.ready = true;
        return dispatch();
      }
      const busy = slot.busy;
      if (!busy || busy.id !== reply.id) return;
      clearTimeout(busy.timer);
      slot.busy = undefined;
      const r = reply.result;
      // Liquid's own limit (the same budget) stopped it first: the same failure as the pool's timer.
      if (!r.ok && r.kind === 'render' && LIQUID_LIMIT.test(r.message)) busy.pending.reject(new RenderBudgetError(busy.pending.job.templateId, budgetMs, r.field));
      else busy.pending.resolve(r);
      dispatch();
    });
    const lost = (e: unknown) => {
      if (!slots.includes(slot)) return;
      replace(slot);
      const busy = slot.busy;
      if (busy) {
        clearTimeout(busy.timer);
        slot.busy = undefined;
        busy.pending.reject(e instanceof Error ? e : new Error(`render worker stopped (${String(e)})`));
      }
      dispatch();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`render worker exited with code ${code}`)));
    slots.push(slot);
    return slot;
  }

  function replace(slot: Slot): void {
    slots.splice(slots.indexOf(slot), 1);
    void slot.worker.terminate();
  }

  function nextPending(): Pending | undefined {
    let pick: string | undefined;
    for (const appId of queues.keys()) {
      if (pick === undefined || (lastServed.get(appId) ?? -1) < (lastServed.get(pick) ?? -1)) pick = appId;
    }
    if (pick === undefined) return undefined;
    const queue = queues.get(pick)!;
    const pending = queue.shift()!;
    if (queue.length === 0) queues.delete(pick);
    // Back of the line for this app's next render: every other app waiting goes first.
    lastServed.set(pick, served++);
    // Forget apps with nothing queued once the map grows: a new app starts at the front anyway.
    if (lastServed.size > 1000) for (const appId of lastServed.keys()) if (!queues.has(appId)) lastServed.delete(appId);
    return pending;
  }

  function dispatch(): void {
    while (!closed && queues.size > 0) {
      const slot = slots.find((s) => s.ready && !s.busy);
      if (!slot) {
        if (slots.length < size) spawn();
        return;
      }
      const pending = nextPending()!;
      const id = nextId++;
      const timer = setTimeout(() => {
        if (slot.busy?.id !== id) return;
        slot.busy = undefined;
        replace(slot);
        pending.reject(new RenderBudgetError(pending.job.templateId, budgetMs));
        dispatch();
      }, budgetMs + KILL_GRACE_MS);
      timer.unref();
      slot.busy = { id, pending, timer };
      slot.worker.postMessage({ id, job: pending.job, budgetMs } satisfies WorkerRequest);
    }
  }

  return {
    budgetMs,
    run(job) {
      if (closed) return Promise.reject(new Error('render pool closed'));
      return new Promise<RenderJobResult>((resolve, reject) => {
        const queue = queues.get(job.appId);
        if (queue) queue.push({ job, resolve, reject });
        else queues.set(job.appId, [{ job, resolve, reject }]);
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const queue of queues.values()) for (const p of queue) p.reject(new Error('render pool closed'));
      queues.clear();
      const all = slots.splice(0);
      for (const slot of all) {
        if (slot.busy) {
          clearTimeout(slot.busy.timer);
          slot.busy.pending.reject(new Error('render pool closed'));
        }
      }
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
