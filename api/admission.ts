import type { RequestHandler } from 'express';
import { HttpError } from './edge/errors.ts';

/**
 * Admission control: past what the process can answer in time, a request gets 503 with Retry-After
 * at once instead of joining a queue it would wait in for seconds. Without it an open-loop client
 * (each request on a new connection, nothing bounding its concurrency) piles requests into the
 * process faster than they complete, and every request, old or new, waits behind the whole pile
 * (bench:e2e --phases f measured 12-70 s). Kept-alive clients with a bounded pool queue on their
 * own side instead, which is why they looked unaffected.
 */
export interface AdmissionLimits {
  /** Shed when the requests in flight would take longer than this to drain at the recent completion rate (0 = off). */
  maxWaitMs: number;
  /** Shed when the event loop ran this late lately: every request, admitted or not, waits that long first (0 = off). */
  maxLoopDelayMs: number;
  /** Never more than this many in flight (0 = no bound). */
  maxInFlight: number;
  /** Always admit up to this many in flight: the completion rate is only an estimate, and idle-to-busy has none yet. */
  minInFlight: number;
}

export interface AdmissionState {
  inFlight: number;
  /** Requests completed per busy second lately (NaN: no estimate yet, only maxInFlight applies). */
  completedPerSec: number;
  /** How late the event loop's last timer fired, in ms. */
  loopDelayMs: number;
}

export type AdmissionDecision = { admit: true } | { admit: false; reason: 'event_loop' | 'in_flight'; retryAfterSeconds: number };

const MAX_RETRY_AFTER_SECONDS = 5;

/** Pure: whether one more request may enter, and if not, when to come back. */
export function admissionDecision(s: AdmissionState, limits: AdmissionLimits): AdmissionDecision {
  const retryIn = (ms: number) => Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(ms / 1000)));
  if (limits.maxLoopDelayMs > 0 && s.loopDelayMs > limits.maxLoopDelayMs) return { admit: false, reason: 'event_loop', retryAfterSeconds: retryIn(s.loopDelayMs) };
  if (limits.maxInFlight > 0 && s.inFlight >= limits.maxInFlight) return { admit: false, reason: 'in_flight', retryAfterSeconds: 1 };
  if (limits.maxWaitMs > 0 && s.inFlight >= limits.minInFlight && !Number.isNaN(s.completedPerSec)) {
    // Little's law: what is in flight drains at the completion rate; a rate of 0 with that many waiting is a stall.
    const waitMs = s.completedPerSec > 0 ? ((s.inFlight + 1) / s.completedPerSec) * 1000 : Infinity;
    if (waitMs > limits.maxWaitMs) return { admit: false, reason: 'in_flight', retryAfterSeconds: retryIn(Number.isFinite(waitMs) ? waitMs : limits.maxWaitMs) };
  }
  return { admit: true };
}

/**
 * What the process completes per second of being busy (some request in flight), decayed over about
 * a second. Per busy second, not per wall second: after a quiet spell a burst is measured by how
 * fast it drains, not diluted by the idle time before it.
 */
export function throughput(now: () => number = () => performance.now(), tauMs = 1000): { started(): void; completed(): void; perSec(): number } {
  let completions = 0;
  let busyMs = 0;
  let inFlight = 0;
  let last = now();
  const advance = () => {
    const at = now();
    const dt = Math.max(0, at - last);
    last = at;
    const decay = Math.exp(-dt / tauMs);
    completions *= decay;
    busyMs = busyMs * decay + (inFlight > 0 ? dt : 0);
  };
  return {
    started() {
      advance();
      inFlight += 1;
    },
    completed() {
      advance();
      inFlight = Math.max(0, inFlight - 1);
      completions += 1;
    },
    /** NaN until something completed: no estimate yet. */
    perSec() {
      advance();
      if (completions === 0) return NaN;
      return busyMs > 0 ? (completions * 1000) / busyMs : Infinity;
    },
  };
}

/** How late a 20 ms timer fires: the time any event (a new connection, a request's body) waits for the loop. */
export function loopDelaySampler(intervalMs = 20): { delayMs(): number; stop(): void } {
  let expected = performance.now() + intervalMs;
  let delay = 0;
  const timer = setInterval(() => {
    const at = performance.now();
    delay = Math.max(0, at - expected);
    expected = at + intervalMs;
  }, intervalMs);
  timer.unref();
  return {
    // A loop stuck right now has not fired the timer: count the time since it was due as well.
    delayMs: () => Math.max(delay, performance.now() - expected),
    stop: () => clearInterval(timer),
  };
}

/** Paths never shed: a balancer's health check must see the process, and a stream holds its slot for hours. */
const EXEMPT = new Set(['/healthz', '/inbox/v1/stream']);

export function admitRequests(
  limits: AdmissionLimits,
  probes: { loopDelayMs(): number; rate?: ReturnType<typeof throughput> },
  onShed?: (decision: Extract<AdmissionDecision, { admit: false }>) => void,
): RequestHandler {
  const rate = probes.rate ?? throughput();
  let inFlight = 0;
  return (req, res, next) => {
    if (EXEMPT.has(req.path)) return next();
    const decision = admissionDecision({ inFlight, completedPerSec: rate.perSec(), loopDelayMs: probes.loopDelayMs() }, limits);
    if (!decision.admit) {
      onShed?.(decision);
      throw new HttpError(
        503,
        'overloaded',
        `the API is over capacity (${decision.reason === 'event_loop' ? 'busy' : 'too many requests in flight'}); retry in ${decision.retryAfterSeconds}s`,
        {
          headers: { 'Retry-After': String(decision.retryAfterSeconds) },
        },
      );
    }
    inFlight += 1;
    rate.started();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight -= 1;
      rate.completed();
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}
