// The fault suite (`npm run faults [-- --quick] [-- --scenario <name>]`): each scenario on its own
// private RabbitMQ node, data dir and simulator process, then an audit of every accepted id.
// Not part of `npm test`: it takes minutes per scenario and needs rabbitmq-server installed.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { alertsFromLogs, auditRun, waitForDrain } from '../testkit/audit.ts';
import { cleanupAll, installSignalHandlers } from '../testkit/cleanup.ts';
import { basicAuth, createApp, registerUsers, sendLoad } from '../testkit/load.ts';
import { sleep } from '../testkit/net.ts';
import { scenarioBlock, summaryTable, type ScenarioResult } from './report.ts';
import { SCENARIOS, type Scenario, type Timing } from './scenarios.ts';
import { BASE_ENV, buildWorld, type World } from '../testkit/world.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scenario: { type: 'string', multiple: true },
    notifications: { type: 'string' },
    keep: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help || values.list) {
  process.stdout.write("npm run faults -- [--quick] [--scenario <name> ...] [--notifications <n>] [--keep (keep each scenario's logs)]\n\nscenarios:\n");
  for (const s of SCENARIOS) process.stdout.write(`  ${s.name.padEnd(18)} ${s.inQuick ? '(quick) ' : '        '}${s.what}\n`);
  process.exit(0);
}

const quick = values.quick;
const target = values.notifications ? Number(values.notifications) : quick ? 300 : 3000;
if (!Number.isInteger(target) || target < 4) throw new Error('--notifications must be an integer >= 4');
const timing: Timing = { quick, loadMs: quick ? 15_000 : 40_000 };
const drainBoundMs = quick ? 150_000 : 300_000;
const users = quick ? 60 : 200;

const wanted = values.scenario
  ?.flatMap((s) => s.split(','))
  .map((s) => s.trim())
  .filter(Boolean);
for (const w of wanted ?? []) if (!SCENARIOS.some((s) => s.name === w)) throw new Error(`unknown scenario "${w}" (see --list)`);
const chosen = SCENARIOS.filter((s) => (wanted ? wanted.includes(s.name) : !quick || s.inQuick));

const log = (line: string) => process.stdout.write(`${line}\n`);

async function runScenario(s: Scenario): Promise<ScenarioResult> {
  const result: ScenarioResult = { name: s.name, what: s.what, notes: [] };
  const skip = s.skip?.();
  if (skip) return { ...result, skipped: skip };
  let world: World | undefined;
  let keep = values.keep;
  const t0 = Date.now();
  try {
    world = await buildWorld(s.name, {
      mode: s.mode,
      env: s.env ?? {},
      ...(s.tmpfsMb ? { tmpfsMb: s.tmpfsMb } : {}),
      ...(s.cluster && { cluster: true }),
      ...(s.postgres && { postgres: true }),
      ...(s.standbys && { standbys: s.standbys }),
    });
    result.notes = world.notes;
    const creds = await createApp(world.env);
    const auth = basicAuth(creds);
    await world.sim.start();
    // Standbys (`<role>-2`) start after the rest, so the first of each pair is the active one.
    const [first, standbys] = [[...world.procs.values()].filter((p) => !p.name.endsWith('-2')), [...world.procs.values()].filter((p) => p.name.endsWith('-2'))];
    await Promise.all(first.map((p) => p.start()));
    await Promise.all(standbys.map((p) => p.start()));
    const ids = await registerUsers(world.api, auth, users);
    world.notes.push(`setup ${((Date.now() - t0) / 1000).toFixed(0)} s (broker, ${world.procs.size + 1} processes, ${ids.length} users)`);
    world.collector.start();

    const w = world;
    const [load] = await Promise.all([
      sendLoad({ api: w.api, auth, users: ids, target, durationMs: timing.loadMs, tag: `faults-${s.name}`, retryMs: 120_000, onAnswer: (a) => w.answers.push(a) }),
      s.during ? s.during(w, timing) : Promise.resolve(),
    ]);
    result.unconfirmedRequests = load.unconfirmed;
    result.retriedRequests = load.retriedAttempts;

    const drain = await waitForDrain(w.api, auth, load.accepted, drainBoundMs);
    result.drainMs = drain.ms;
    result.drained = drain.drained;
    // Late provider calls (a timed-out request still in flight) land after the log says final.
    await sleep(s.settleMs?.(timing) ?? 3000);
    await w.collector.stop();
    result.audit = await auditRun(w.api, auth, load.accepted, drain.views, w.collector.ledger);
    // The documented worst case: every timed-out attempt may have landed, plus (when the fault can
    // cut sends in flight) what the senders had at the provider: SENDER_PREFETCH per channel.
    const prefetch = Number(w.env.SENDER_PREFETCH ?? 50);
    result.dupBound = result.audit.timedOutAttempts + (s.interruptsSends ? prefetch * 4 : 0);
    w.notes.push(
      `duplicate bound ${result.dupBound}: ${result.audit.timedOutAttempts} timed-out attempt(s)${s.interruptsSends ? ` + prefetch ${prefetch} x 4 channels in flight` : ''}`,
    );
    w.notes.push(`simulator received ${w.collector.ledger.total} provider requests in all`);
    result.alerts = alertsFromLogs(w.logFiles());
    result.crashes = [...w.procs.values()].reduce((n, p) => n + p.crashes, 0) + w.sim.crashes;
    if (result.crashes)
      w.notes.push(
        `unexpected process exits (restarted by the suite's supervisor): ${[...w.procs.values(), w.sim]
          .filter((p) => p.crashes)
          .map((p) => `${p.name} x${p.crashes}`)
          .join(', ')}`,
      );
    // Under plain serve the role processes are the app's own supervisor's children: their exits are in its log.
    const childExits = w.logFiles().reduce((n, f) => n + (fs.readFileSync(f, 'utf8').match(/role process exited; restarting/g)?.length ?? 0), 0);
    if (childExits) {
      result.crashes += childExits;
      w.notes.push(`role processes exited under serve's supervisor: ${childExits}`);
    }
    const server500 = w.answers.filter((a) => a.status >= 500 && a.status !== 503).length;
    if (server500)
      w.violations.push(`${server500} send attempts answered ${[...new Set(w.answers.filter((a) => a.status >= 500 && a.status !== 503).map((a) => a.status))].join('/')}`);
    if (s.noExits && result.crashes) w.violations.push(`${result.crashes} process exit(s)`);
    result.violations = w.violations;
  } catch (e) {
    result.error = e instanceof Error ? e.message : String(e);
    keep = true;
  } finally {
    if (world) {
      await world.collector.stop().catch(() => {});
      await world.teardown(keep).catch((e: unknown) => result.notes.push(`teardown: ${String(e)}`));
      if (keep) result.logsKept = world.dir;
    }
    result.notes.push(`scenario took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  return result;
}

async function main(): Promise<number> {
  installSignalHandlers();
  log(
    `faults: ${chosen.length} scenario(s), ${target} notifications each over ${timing.loadMs / 1000} s, ${users} users x (ios, android, sms, email); drain bound ${drainBoundMs / 1000} s`,
  );
  log(
    `faults: platform env ${Object.entries(BASE_ENV)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  const results: ScenarioResult[] = [];
  for (const s of chosen) {
    log(`\n-- ${s.name} ...`);
    const r = await runScenario(s);
    results.push(r);
    log(scenarioBlock(r));
  }
  await cleanupAll();
  const ran = results.filter((r) => !r.skipped);
  const sum = (f: (r: ScenarioResult) => number) => ran.reduce((n, r) => n + f(r), 0);
  const lost = sum((r) => r.audit?.lost ?? 0);
  const stuck = sum((r) => r.audit?.stuck ?? 0);
  const duplicates = sum((r) => r.audit?.duplicates ?? 0);
  const errors = ran.filter((r) => r.error).length;
  const violated = ran.filter((r) => r.violations?.length);
  log('');
  log('lost: accepted and not final with nothing at the simulator, or recorded sent with nothing at the simulator; stuck: not final after the drain bound;');
  log('duplicates: simulator copies beyond one per notification and recipient; failed+copy: recorded failed although the simulator accepted a copy.');
  log(summaryTable(results));
  if (errors) log(`${errors} scenario(s) broke before their audit (see ERROR above)`);
  const over = ran.filter((r) => r.audit && r.dupBound !== undefined && r.audit.duplicates > r.dupBound);
  log(over.length ? `faults: duplicates over the documented bound in: ${over.map((r) => r.name).join(', ')}` : 'faults: duplicates within the documented bound in every scenario');
  if (violated.length) log(`faults: what must not happen happened in: ${violated.map((r) => `${r.name} (${r.violations!.join('; ')})`).join(', ')}`);
  log(`faults: scenarios=${ran.length} lost=${lost} stuck=${stuck} duplicates=${duplicates}`);
  return lost > 0 || stuck > 0 || errors > 0 || over.length > 0 || violated.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (e: unknown) => {
    process.stderr.write(`faults: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    await cleanupAll();
    process.exit(2);
  },
);
