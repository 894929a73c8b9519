import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { compileTemplate, engineFor, LOCALE_GLOBAL, TemplateSyntaxError, type CompiledTemplate } from '../../domain/templateDialect.ts';
import { DEFAULT_VARIANT } from '../../domain/templateLocale.ts';
import { LruMap } from '../lru.ts';
import type { RenderJob, RenderJobResult, WorkerReply, WorkerRequest } from './job.ts';

/**
 * A render worker (infra/render/pool.ts): Liquid runs here, never on a thread that serves HTTP or
 * consumes a queue. The pool terminates this thread when a render overruns its budget, so nothing
 * here has to be interruptible.
 */
const RENDER_NICE = 10;
const compiledCache = new LruMap<string, CompiledTemplate>(500);

function compiledFor(job: RenderJob): CompiledTemplate {
  if (job.cacheKey === undefined) return compileTemplate(job.content);
  const hit = compiledCache.get(job.cacheKey);
  if (hit) return hit;
  const compiled = compileTemplate(job.content);
  compiledCache.set(job.cacheKey, compiled);
  return compiled;
}

async function run(job: RenderJob, budgetMs: number): Promise<RenderJobResult> {
  let compiled: CompiledTemplate;
  try {
    compiled = compiledFor(job);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) return { ok: false, kind: 'syntax', field: e.field, message: e.message };
    throw e;
  }
  const values: Array<string | null> = [];
  // Liquid's own limit gets what is left of the job's budget, so it stops a loop it can interrupt
  // (naming the part) before the pool's timer has to kill this thread.
  const deadline = Date.now() + budgetMs;
  const globals = job.locale ? { globals: { [LOCALE_GLOBAL]: job.locale } } : {};
  for (const { variant, field, required } of job.fields) {
    const parts = variant === DEFAULT_VARIANT ? compiled : compiled.locales[variant];
    const source = parts?.[field] ?? (job.fieldFallback || !parts ? compiled[field] : undefined);
    if (!source) {
      if (required) return { ok: false, kind: 'missing', field, message: `template has no ${field}` };
      values.push(null);
      continue;
    }
    try {
      values.push(String(await engineFor(field).render(source, job.params, { ...globals, renderLimit: Math.max(1, deadline - Date.now()) })));
    } catch (e) {
      return { ok: false, kind: 'render', field, message: e instanceof Error ? e.message : String(e) };
    }
  }
  return { ok: true, values };
}

parentPort?.on('message', (request: WorkerRequest) => {
  run(request.job, request.budgetMs).then(
    (result) => parentPort?.postMessage({ id: request.id, result } satisfies WorkerReply),
    (e: unknown) =>
      parentPort?.postMessage({ id: request.id, result: { ok: false, kind: 'render', field: '', message: e instanceof Error ? e.message : String(e) } } satisfies WorkerReply),
  );
});
// On Linux the nice value is per thread: a render competing for a core with the thread that serves
// HTTP loses. Set once everything is loaded, so no thread started from here inherits it.
try {
  setPriority(RENDER_NICE);
} catch {
  // Not permitted or not supported here: renders still run off the serving thread.
}
parentPort?.postMessage('ready');
