import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** Helpers to read a finished trace: find stages, and walk parent links up to the root. */
export function spansOfTrace(spans: readonly ReadableSpan[], traceId: string): ReadableSpan[] {
  return spans.filter((s) => s.spanContext().traceId === traceId);
}

export function ancestry(span: ReadableSpan, trace: readonly ReadableSpan[]): ReadableSpan[] {
  const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]));
  const chain: ReadableSpan[] = [];
  let current: ReadableSpan | undefined = span;
  while (current) {
    chain.push(current);
    const parentId: string | undefined = current.parentSpanContext?.spanId;
    current = parentId ? byId.get(parentId) : undefined;
    if (chain.length > 1000) throw new Error('parent cycle');
  }
  return chain;
}

export function isDescendant(child: ReadableSpan, ancestor: ReadableSpan, trace: readonly ReadableSpan[]): boolean {
  const id = ancestor.spanContext().spanId;
  return ancestry(child, trace).some((s) => s !== child && s.spanContext().spanId === id);
}

export function describeTrace(trace: readonly ReadableSpan[]): string {
  const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]));
  return trace
    .map((s) => {
      const parent = s.parentSpanContext?.spanId;
      return `${s.name} [${s.spanContext().spanId}] <- ${parent ? `${byId.get(parent)?.name ?? '?'} [${parent}]` : 'root'}`;
    })
    .join('\n');
}
