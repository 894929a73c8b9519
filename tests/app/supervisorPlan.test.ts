import { describe, expect, it } from 'vitest';
import { planRoles, restartDelayMs } from '../../app/supervisor.ts';

const rolesOf = (plan: ReturnType<typeof planRoles>) => plan.map((p) => p.args[p.args.indexOf('--roles') + 1]!.split(','));

describe('serve plan', () => {
  it('two cores: projections alone, the simulator, one main process with everything else', () => {
    const plan = planRoles(2, { simulator: true });
    expect(rolesOf(plan)).toEqual([['projections'], ['simulator'], ['api', 'senders', 'dispatcher', 'workflow', 'monitors']]);
    expect(plan[2]!.args).toContain('--reuse-port');
  });

  it('more cores add API + sender processes; the singletons stay single', () => {
    for (const n of [3, 4, 8]) {
      const roles = rolesOf(planRoles(n, { simulator: false })).flat();
      const count = (r: string) => roles.filter((x) => x === r).length;
      expect(count('api')).toBe(n - 1);
      expect(count('senders')).toBe(n - 1);
      for (const single of ['dispatcher', 'workflow', 'monitors', 'projections']) expect(count(single)).toBe(1);
      expect(count('simulator')).toBe(0);
    }
  });

  it('passes the channels to every process that sends', () => {
    const plan = planRoles(3, { simulator: false, channels: ['email', 'sms'] });
    for (const p of plan.filter((x) => x.args.join(' ').includes('senders'))) expect(p.args.slice(-2)).toEqual(['--channels', 'email,sms']);
    expect(plan[0]!.args).not.toContain('--channels');
  });
});

describe('restarts', () => {
  it('back off 1 s, 2 s, 4 s, then every 5 s: a dependency back after an outage is used within 5 s', () => {
    expect([1, 2, 3, 4, 5, 10, 100].map(restartDelayMs)).toEqual([1000, 2000, 4000, 5000, 5000, 5000, 5000]);
  });
});
